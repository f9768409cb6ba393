/*
 * crypto.c - suites, hashes, HMAC, HKDF, hex, random bytes, constant-time comparison and base64
 * (interface: crypto.h; helpers shared with key.c, seal.c and password.c: crypto_int.h).
 *
 * Every algorithm comes from OpenSSL 3 libcrypto's default provider. Base64 is written here
 * rather than taken from EVP_EncodeBlock/EVP_DecodeBlock because those take int lengths, accept
 * whitespace and do not report padding, and a signature must have exactly one spelling.
 */
#include "crypto_int.h"

#include <limits.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "netreview/banned.h"

/* ---- suites ---- */

bool nr__suite_valid(enum nr_suite s)
{
    return s == NR_SUITE_INTL || s == NR_SUITE_SM;
}

int nr_suite_parse(const char *s, enum nr_suite *out)
{
    if (s == NULL || out == NULL)
        return NR_EINVAL;
    if (strcmp(s, "intl") == 0) {
        *out = NR_SUITE_INTL;
        return 0;
    }
    if (strcmp(s, "sm") == 0) {
        *out = NR_SUITE_SM;
        return 0;
    }
    return NR_EINVAL;
}

const char *nr_suite_name(enum nr_suite s)
{
    switch (s) {
    case NR_SUITE_INTL:
        return "intl";
    case NR_SUITE_SM:
        return "sm";
    }
    return "unknown";
}

const char *nr_suite_sig_alg(enum nr_suite s)
{
    switch (s) {
    case NR_SUITE_INTL:
        return "ed25519";
    case NR_SUITE_SM:
        return "sm2-sm3";
    }
    return "unknown";
}

const char *nr_suite_hash_alg(enum nr_suite s)
{
    switch (s) {
    case NR_SUITE_INTL:
        return "sha256";
    case NR_SUITE_SM:
        return "sm3";
    }
    return "unknown";
}

const char *nr_suite_cipher_alg(enum nr_suite s)
{
    switch (s) {
    case NR_SUITE_INTL:
        return "aes-256-gcm";
    case NR_SUITE_SM:
        return "sm4-ctr-hmac-sm3";
    }
    return "unknown";
}

const EVP_MD *nr__suite_md(enum nr_suite s)
{
    switch (s) {
    case NR_SUITE_INTL:
        return EVP_sha256();
    case NR_SUITE_SM:
        return EVP_sm3();
    }
    return NULL;
}

const char *nr__suite_md_name(enum nr_suite s)
{
    switch (s) {
    case NR_SUITE_INTL:
        return "SHA256";
    case NR_SUITE_SM:
        return "SM3";
    }
    return NULL;
}

int nr__ossl_fail(struct nr_err *err, int code, const char *what)
{
    char reason[256] = "";
    unsigned long e = ERR_peek_last_error();

    if (e != 0)
        ERR_error_string_n(e, reason, sizeof(reason));
    ERR_clear_error();
    if (reason[0] != '\0')
        return nr_err_set(err, code, NULL, "%s: %s", what, reason);
    return nr_err_set(err, code, NULL, "%s", what);
}

/* ---- hashes ---- */

struct nr_hash_ctx {
    EVP_MD_CTX *md;
    const EVP_MD *type;
};

static int hash_ctx_new(const EVP_MD *type, struct nr_hash_ctx **out)
{
    struct nr_hash_ctx *ctx;

    *out = NULL;
    if (type == NULL)
        return NR_EINVAL;
    ctx = nr_calloc(1, sizeof(*ctx));
    ctx->type = type;
    ctx->md = EVP_MD_CTX_new();
    if (ctx->md == NULL || EVP_DigestInit_ex(ctx->md, type, NULL) != 1) {
        nr_hash_ctx_free(ctx);
        ERR_clear_error();
        return NR_ECRYPTO;
    }
    *out = ctx;
    return 0;
}

int nr_hash_ctx_new(enum nr_suite s, struct nr_hash_ctx **out)
{
    return hash_ctx_new(nr__suite_md(s), out);
}

int nr_hash_ctx_new_sha256(struct nr_hash_ctx **out)
{
    return hash_ctx_new(EVP_sha256(), out);
}

int nr_hash_ctx_update(struct nr_hash_ctx *ctx, const void *data, size_t len)
{
    if (len == 0)
        return 0;
    if (EVP_DigestUpdate(ctx->md, data, len) != 1) {
        ERR_clear_error();
        return NR_ECRYPTO;
    }
    return 0;
}

int nr_hash_ctx_final(struct nr_hash_ctx *ctx, uint8_t out[NR_HASH_LEN])
{
    unsigned int n = 0;

    if (EVP_DigestFinal_ex(ctx->md, out, &n) != 1 || n != NR_HASH_LEN ||
        EVP_DigestInit_ex(ctx->md, ctx->type, NULL) != 1) {
        ERR_clear_error();
        return NR_ECRYPTO;
    }
    return 0;
}

void nr_hash_ctx_free(struct nr_hash_ctx *ctx)
{
    if (ctx == NULL)
        return;
    EVP_MD_CTX_free(ctx->md);
    nr_free(ctx);
}

int nr_hash(enum nr_suite s, const void *data, size_t len, uint8_t out[NR_HASH_LEN])
{
    const EVP_MD *md = nr__suite_md(s);
    unsigned int n = 0;

    if (md == NULL)
        return NR_EINVAL;
    if (EVP_Digest(len ? data : "", len, out, &n, md, NULL) != 1 || n != NR_HASH_LEN) {
        ERR_clear_error();
        return NR_ECRYPTO;
    }
    return 0;
}

int nr_hmac(enum nr_suite s, const void *key, size_t key_len, const void *data, size_t len,
            uint8_t out[NR_HASH_LEN])
{
    const char *mdname = nr__suite_md_name(s);
    size_t n = 0;

    if (mdname == NULL)
        return NR_EINVAL;
    if (EVP_Q_mac(NULL, "HMAC", NULL, mdname, NULL, key_len ? key : "", key_len, len ? data : "",
                  len, out, NR_HASH_LEN, &n) == NULL ||
        n != NR_HASH_LEN) {
        ERR_clear_error();
        return NR_ECRYPTO;
    }
    return 0;
}

int nr__hkdf(enum nr_suite s, const uint8_t *ikm, size_t ikm_len, const uint8_t *salt,
             size_t salt_len, const char *info, uint8_t *out, size_t out_len)
{
    const char *mdname = nr__suite_md_name(s);
    EVP_KDF *kdf = NULL;
    EVP_KDF_CTX *kctx = NULL;
    OSSL_PARAM params[5], *p = params;
    int rc = NR_ECRYPTO;

    if (mdname == NULL)
        return NR_EINVAL;
    kdf = EVP_KDF_fetch(NULL, OSSL_KDF_NAME_HKDF, NULL);
    if (kdf == NULL)
        goto out;
    kctx = EVP_KDF_CTX_new(kdf);
    if (kctx == NULL)
        goto out;
    *p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)mdname, 0);
    *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)ikm, ikm_len);
    if (salt != NULL && salt_len > 0)
        *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt, salt_len);
    *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)info, strlen(info));
    *p = OSSL_PARAM_construct_end();
    if (EVP_KDF_derive(kctx, out, out_len, params) == 1)
        rc = 0;
out:
    if (rc != 0) {
        OPENSSL_cleanse(out, out_len);
        ERR_clear_error();
    }
    EVP_KDF_CTX_free(kctx);
    EVP_KDF_free(kdf);
    return rc;
}

/* ---- hex, random, comparison ---- */

void nr_hex(const uint8_t *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";

    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 0x0f];
    }
    out[2 * n] = '\0';
}

int nr_random(void *buf, size_t n)
{
    unsigned char *p = buf;

    /* RAND_bytes takes an int; feed it in slices. */
    while (n > 0) {
        int step = n > INT_MAX ? INT_MAX : (int)n;
        if (RAND_bytes(p, step) != 1) {
            OPENSSL_cleanse(buf, (size_t)(p - (unsigned char *)buf) + n);
            ERR_clear_error();
            return NR_ECRYPTO;
        }
        p += step;
        n -= (size_t)step;
    }
    return 0;
}

bool nr_ct_equal(const void *a, const void *b, size_t n)
{
    return CRYPTO_memcmp(a, b, n) == 0;
}

/* ---- base64 ---- */

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int nr_base64_encode(const void *in, size_t n, char **out)
{
    const unsigned char *p = in;
    size_t groups = n / 3 + (n % 3 != 0);
    char *s, *o;

    if (groups > (SIZE_MAX - 1) / 4)
        return NR_ETOOBIG;
    s = o = nr_malloc(groups * 4 + 1);
    for (size_t i = 0; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
        *o++ = b64_alphabet[v >> 18];
        *o++ = b64_alphabet[(v >> 12) & 63];
        *o++ = b64_alphabet[(v >> 6) & 63];
        *o++ = b64_alphabet[v & 63];
    }
    if (n % 3 == 1) {
        uint32_t v = (uint32_t)p[n - 1] << 16;
        *o++ = b64_alphabet[v >> 18];
        *o++ = b64_alphabet[(v >> 12) & 63];
        *o++ = '=';
        *o++ = '=';
    } else if (n % 3 == 2) {
        uint32_t v = (uint32_t)p[n - 2] << 16 | (uint32_t)p[n - 1] << 8;
        *o++ = b64_alphabet[v >> 18];
        *o++ = b64_alphabet[(v >> 12) & 63];
        *o++ = b64_alphabet[(v >> 6) & 63];
        *o++ = '=';
    }
    *o = '\0';
    *out = s;
    return 0;
}

/* Value of one base64 character, or -1. */
static int b64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

int nr_base64_decode(const char *in, size_t n, struct nr_buf *out)
{
    const unsigned char *p = (const unsigned char *)in;
    size_t old_len = out->len;
    unsigned char chunk[3 * 256];
    size_t used = 0;
    int rc = 0;

    if (n % 4 != 0 || (n > 0 && in == NULL))
        return NR_EPARSE;
    for (size_t i = 0; i < n; i += 4) {
        bool last = i + 4 == n;
        int v[4];
        size_t pad = 0;

        for (int j = 0; j < 4; j++) {
            v[j] = b64_value(p[i + j]);
            if (v[j] < 0) {
                /* '=' only as the last one or two characters of the last group. */
                if (!last || p[i + j] != '=' || j < 2) {
                    rc = NR_EPARSE;
                    goto out;
                }
                v[j] = 0;
                pad++;
            } else if (pad > 0) {
                rc = NR_EPARSE; /* data after padding */
                goto out;
            }
        }
        uint32_t w =
            (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
        /* Canonical form: the bits that padding leaves unused must be zero. */
        if ((pad == 1 && (w & 0xff) != 0) || (pad == 2 && (w & 0xffff) != 0)) {
            rc = NR_EPARSE;
            goto out;
        }
        chunk[used++] = (unsigned char)(w >> 16);
        if (pad < 2)
            chunk[used++] = (unsigned char)(w >> 8);
        if (pad < 1)
            chunk[used++] = (unsigned char)w;
        if (used + 3 > sizeof(chunk) || last) {
            rc = nr_buf_append(out, chunk, used);
            if (rc != 0)
                goto out;
            used = 0;
        }
    }
out:
    OPENSSL_cleanse(chunk, sizeof(chunk));
    if (rc != 0) {
        if (out->p != NULL) {
            OPENSSL_cleanse(out->p + old_len, out->len - old_len);
            out->p[old_len] = '\0';
        }
        out->len = old_len;
    }
    return rc;
}
