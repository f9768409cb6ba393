/*
 * password.c - password hashing with argon2id from libargon2 (interface: crypto.h).
 *
 * The same in both suites: neither SM3 nor SHA-256 is a password hash, and argon2id (RFC 9106)
 * is what a password needs, memory-hard so that guessing is expensive on any hardware.
 */
#include "crypto_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <argon2.h>
#include <openssl/crypto.h>

#include "netreview/banned.h"

#define SALT_LEN 16
#define HASH_LEN 32

/* Limits on what a stored hash may ask of nr_password_verify. */
#define VERIFY_MAX_M_KIB (1024u * 1024u)
#define VERIFY_MAX_T     64u
#define VERIFY_MAX_P     16u

/* The memory cost: NR_ARGON2_M_COST_KIB, or the environment's lower value. */
static int memory_cost(uint32_t *m, struct nr_err *err)
{
    const char *env = getenv(NR_ARGON2_MEMORY_ENV);
    unsigned long v;
    char *end;

    *m = NR_ARGON2_M_COST_KIB;
    if (env == NULL || env[0] == '\0')
        return 0;
    errno = 0;
    v = strtoul(env, &end, 10);
    if (errno != 0 || *end != '\0' || env[0] < '0' || env[0] > '9' ||
        v < 8 * NR_ARGON2_PARALLELISM || v > NR_ARGON2_M_COST_KIB)
        return nr_err_set(err, NR_EINVAL, NR_ARGON2_MEMORY_ENV,
                          "%s must be a whole number of KiB from %d to %d, not '%.32s'",
                          NR_ARGON2_MEMORY_ENV, 8 * NR_ARGON2_PARALLELISM, NR_ARGON2_M_COST_KIB,
                          env);
    *m = (uint32_t)v;
    return 0;
}

int nr_password_hash(const char *password, char **encoded, struct nr_err *err)
{
    uint8_t salt[SALT_LEN];
    uint32_t m;
    size_t enc_len;
    char *enc;
    int rc, arc;

    *encoded = NULL;
    if (password == NULL)
        return nr_err_set(err, NR_EINVAL, "password", "no password given");
    rc = memory_cost(&m, err);
    if (rc != 0)
        return rc;
    if (nr_random(salt, sizeof(salt)) != 0)
        return nr_err_set(err, NR_ECRYPTO, NULL, "cannot draw a salt");
    enc_len = argon2_encodedlen(NR_ARGON2_T_COST, m, NR_ARGON2_PARALLELISM, SALT_LEN, HASH_LEN,
                                Argon2_id);
    enc = nr_malloc(enc_len);
    arc = argon2id_hash_encoded(NR_ARGON2_T_COST, m, NR_ARGON2_PARALLELISM, password,
                                strlen(password), salt, SALT_LEN, HASH_LEN, enc, enc_len);
    OPENSSL_cleanse(salt, sizeof(salt));
    if (arc != ARGON2_OK) {
        nr_free(enc);
        return nr_err_set(err, NR_ECRYPTO, NULL, "cannot hash the password: %s",
                          argon2_error_message(arc));
    }
    *encoded = enc;
    return 0;
}

/* Reads the decimal number after prefix at *p and moves *p past it; false when absent. */
static bool take_param(const char **p, const char *prefix, unsigned long *v)
{
    size_t n = strlen(prefix);
    unsigned long x = 0;
    const char *s;

    if (strncmp(*p, prefix, n) != 0)
        return false;
    s = *p + n;
    if (*s < '0' || *s > '9')
        return false;
    while (*s >= '0' && *s <= '9') {
        x = x * 10 + (unsigned long)(*s - '0');
        if (x > UINT32_MAX)
            return false;
        s++;
    }
    *v = x;
    *p = s;
    return true;
}

int nr_password_verify(const char *encoded, const char *password)
{
    const char *p = encoded;
    unsigned long m, t, par;

    if (encoded == NULL || password == NULL)
        return NR_EAUTH;
    /* Look at the cost before libargon2 allocates m KiB for it. */
    if (strncmp(p, "$argon2id$v=19", 14) != 0)
        return NR_EAUTH;
    p += 14;
    if (!take_param(&p, "$m=", &m) || !take_param(&p, ",t=", &t) || !take_param(&p, ",p=", &par) ||
        *p != '$')
        return NR_EAUTH;
    if (m > VERIFY_MAX_M_KIB || t > VERIFY_MAX_T || par > VERIFY_MAX_P)
        return NR_EAUTH;
    return argon2id_verify(encoded, password, strlen(password)) == ARGON2_OK ? 0 : NR_EAUTH;
}
