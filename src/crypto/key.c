/*
 * key.c - key pairs of the two suites, their PEM forms and ids, and signatures
 * (interface: crypto.h).
 *
 * R7 and R10: decisions, evaluation reports and scores are signed with these keys so that anyone
 * holding the public key can check them offline. For that to work with other tools the
 * signatures are plain standard ones: Ed25519 over the data (RFC 8032), and SM2 with SM3 whose
 * Z value uses the distinguishing ID "1234567812345678" (GM/T 0009-2012 default), set
 * explicitly because libraries disagree on what "no ID" means.
 */
#include "crypto_int.h"

#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "netreview/banned.h"

#define SM2_DEFAULT_ID     "1234567812345678"
#define SM2_DEFAULT_ID_LEN 16
#define PEM_MAX            65536
#define SIG_B64_MAX        256 /* Ed25519: 88 chars; SM2 DER: at most 96 */

static struct nr_key *key_wrap(EVP_PKEY *pkey, enum nr_suite s, bool has_private)
{
    struct nr_key *k = nr_calloc(1, sizeof(*k));
    k->pkey = pkey;
    k->suite = s;
    k->has_private = has_private;
    return k;
}

int nr_key_generate(enum nr_suite s, struct nr_key **out, struct nr_err *err)
{
    EVP_PKEY *pkey = NULL;

    *out = NULL;
    switch (s) {
    case NR_SUITE_INTL:
        pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
        break;
    case NR_SUITE_SM:
        pkey = EVP_PKEY_Q_keygen(NULL, NULL, "SM2");
        break;
    default:
        return nr_err_set(err, NR_EINVAL, "suite", "unknown crypto suite %d", (int)s);
    }
    if (pkey == NULL)
        return nr__ossl_fail(err, NR_ECRYPTO, "cannot generate a key pair");
    *out = key_wrap(pkey, s, true);
    return 0;
}

void nr_key_free(struct nr_key *k)
{
    if (k == NULL)
        return;
    EVP_PKEY_free(k->pkey);
    nr_free(k);
}

enum nr_suite nr_key_suite(const struct nr_key *k)
{
    return k->suite;
}

bool nr_key_has_private(const struct nr_key *k)
{
    return k->has_private;
}

/* Copies what bio holds into a malloc'd NUL-terminated string, wiping the BIO's copy. */
static char *bio_to_string(BIO *bio)
{
    char *data = NULL;
    long n = BIO_get_mem_data(bio, &data);
    char *s = nr_strndup(n > 0 ? data : "", n > 0 ? (size_t)n : 0);
    if (n > 0)
        OPENSSL_cleanse(data, (size_t)n);
    return s;
}

int nr_key_private_pem(const struct nr_key *k, char **pem)
{
    BIO *bio;
    int rc = NR_ECRYPTO;

    *pem = NULL;
    if (!k->has_private)
        return NR_EINVAL;
    bio = BIO_new(BIO_s_mem());
    /* PEM_write_bio_PrivateKey writes unencrypted PKCS#8 ("PRIVATE KEY") in OpenSSL 3. */
    if (bio != NULL && PEM_write_bio_PrivateKey(bio, k->pkey, NULL, NULL, 0, NULL, NULL) == 1) {
        *pem = bio_to_string(bio);
        rc = 0;
    }
    BIO_free(bio);
    ERR_clear_error();
    return rc;
}

int nr_key_public_pem(const struct nr_key *k, char **pem)
{
    BIO *bio;
    int rc = NR_ECRYPTO;

    *pem = NULL;
    bio = BIO_new(BIO_s_mem());
    if (bio != NULL && PEM_write_bio_PUBKEY(bio, k->pkey) == 1) {
        *pem = bio_to_string(bio);
        rc = 0;
    }
    BIO_free(bio);
    ERR_clear_error();
    return rc;
}

/* True when a PEM label can be shown in a message as it is. */
static bool printable_label(const char *s)
{
    size_t n = 0;
    for (; s[n] != '\0'; n++)
        if (s[n] < 0x20 || s[n] > 0x7e || n >= 40)
            return false;
    return n > 0;
}

int nr_key_from_pem(const char *pem, size_t len, struct nr_key **out, struct nr_err *err)
{
    BIO *bio = NULL;
    char *name = NULL, *header = NULL;
    unsigned char *der = NULL;
    const unsigned char *q;
    long der_len = 0;
    PKCS8_PRIV_KEY_INFO *p8 = NULL;
    EVP_PKEY *pkey = NULL;
    EVP_PKEY_CTX *check = NULL;
    bool is_private;
    enum nr_suite suite;
    int rc = NR_ECRYPTO, ok;

    *out = NULL;
    if (pem == NULL || len == 0)
        return nr_err_set(err, NR_ECRYPTO, "key", "the key is empty");
    if (len > PEM_MAX)
        return nr_err_set(err, NR_ECRYPTO, "key", "the key PEM is larger than %d bytes", PEM_MAX);
    bio = BIO_new_mem_buf(pem, (int)len);
    if (bio == NULL) {
        nr__ossl_fail(err, NR_ECRYPTO, "cannot read the key");
        goto out;
    }
    if (PEM_read_bio(bio, &name, &header, &der, &der_len) != 1) {
        ERR_clear_error();
        nr_err_set(err, NR_ECRYPTO, "key", "the key is not PEM (no valid BEGIN/END block)");
        goto out;
    }
    if (strcmp(name, "PRIVATE KEY") == 0) {
        is_private = true;
    } else if (strcmp(name, "PUBLIC KEY") == 0) {
        is_private = false;
    } else if (strcmp(name, "ENCRYPTED PRIVATE KEY") == 0) {
        nr_err_set(err, NR_ECRYPTO, "key",
                   "encrypted private keys are not supported; decrypt it first "
                   "(openssl pkey -in key.pem -out plain.pem)");
        goto out;
    } else {
        if (printable_label(name))
            nr_err_set(err, NR_ECRYPTO, "key",
                       "unsupported PEM block '%s'; expected PRIVATE KEY (PKCS#8) or PUBLIC KEY",
                       name);
        else
            nr_err_set(err, NR_ECRYPTO, "key",
                       "unsupported PEM block; expected PRIVATE KEY (PKCS#8) or PUBLIC KEY");
        goto out;
    }
    if (header != NULL && header[0] != '\0') {
        nr_err_set(err, NR_ECRYPTO, "key", "PEM headers (legacy encryption) are not supported");
        goto out;
    }

    q = der;
    if (is_private) {
        p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &q, der_len);
        if (p8 != NULL && q == der + der_len)
            pkey = EVP_PKCS82PKEY_ex(p8, NULL, NULL);
    } else {
        pkey = d2i_PUBKEY_ex(NULL, &q, der_len, NULL, NULL);
        if (pkey != NULL && q != der + der_len) {
            EVP_PKEY_free(pkey);
            pkey = NULL;
        }
    }
    if (pkey == NULL) {
        ERR_clear_error();
        nr_err_set(err, NR_ECRYPTO, "key", "the %s is malformed or of an unknown algorithm",
                   is_private ? "private key" : "public key");
        goto out;
    }

    if (EVP_PKEY_is_a(pkey, "ED25519")) {
        suite = NR_SUITE_INTL;
    } else if (EVP_PKEY_is_a(pkey, "SM2")) {
        suite = NR_SUITE_SM;
    } else {
        const char *type = EVP_PKEY_get0_type_name(pkey);
        nr_err_set(err, NR_ECRYPTO, "key",
                   "a %s key cannot be used here; netreview uses ED25519 keys (suite intl) or "
                   "SM2 keys (suite sm)",
                   type != NULL ? type : "non-Ed25519, non-SM2");
        goto out;
    }

    /* The decoders check the encoding; this checks the mathematics (point on the curve, private
     * scalar in range and matching the public point). */
    check = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
    if (check == NULL) {
        nr__ossl_fail(err, NR_ECRYPTO, "cannot check the key");
        goto out;
    }
    ok = is_private ? EVP_PKEY_check(check) : EVP_PKEY_public_check(check);
    if (ok == 0 || ok == -1) {
        ERR_clear_error();
        nr_err_set(err, NR_ECRYPTO, "key", "the %s fails its consistency check",
                   is_private ? "private key" : "public key");
        goto out;
    }
    /* -2 means OpenSSL has no consistency check for this key type; the decoder's checks stand. */

    *out = key_wrap(pkey, suite, is_private);
    pkey = NULL;
    rc = 0;
out:
    ERR_clear_error();
    EVP_PKEY_CTX_free(check);
    EVP_PKEY_free(pkey);
    PKCS8_PRIV_KEY_INFO_free(p8);
    if (der != NULL)
        OPENSSL_clear_free(der, (size_t)der_len);
    OPENSSL_free(name);
    OPENSSL_free(header);
    BIO_free(bio);
    return rc;
}

int nr_key_id(const struct nr_key *k, char out[NR_KEY_ID_STR])
{
    unsigned char *der = NULL;
    uint8_t digest[NR_HASH_LEN];
    int n, rc;

    out[0] = '\0';
    n = i2d_PUBKEY(k->pkey, &der);
    if (n <= 0) {
        ERR_clear_error();
        return NR_ECRYPTO;
    }
    rc = nr_hash(k->suite, der, (size_t)n, digest);
    OPENSSL_free(der);
    if (rc != 0)
        return rc;
    nr_hex(digest, 16, out);
    return 0;
}

/*
 * Prepares md for a one-shot sign or verify with k. For SM2 the Z value needs the
 * distinguishing ID, which must be on the EVP_PKEY_CTX before the operation starts; *pctx then
 * belongs to the caller, who frees it after md.
 */
static int digest_init(const struct nr_key *k, EVP_MD_CTX *md, EVP_PKEY_CTX **pctx, bool sign)
{
    const char *mdname = NULL;

    *pctx = NULL;
    if (k->suite == NR_SUITE_SM) {
        *pctx = EVP_PKEY_CTX_new_from_pkey(NULL, k->pkey, NULL);
        if (*pctx == NULL || EVP_PKEY_CTX_set1_id(*pctx, SM2_DEFAULT_ID, SM2_DEFAULT_ID_LEN) <= 0)
            return NR_ECRYPTO;
        EVP_MD_CTX_set_pkey_ctx(md, *pctx);
        mdname = "SM3";
    }
    /* Ed25519 takes no digest: it hashes the message itself (PureEdDSA). */
    if (sign)
        return EVP_DigestSignInit_ex(md, NULL, mdname, NULL, NULL, k->pkey, NULL) == 1 ? 0
                                                                                       : NR_ECRYPTO;
    return EVP_DigestVerifyInit_ex(md, NULL, mdname, NULL, NULL, k->pkey, NULL) == 1 ? 0
                                                                                     : NR_ECRYPTO;
}

int nr_sign(const struct nr_key *k, const void *data, size_t len, char **sig_b64,
            struct nr_err *err)
{
    EVP_MD_CTX *md = NULL;
    EVP_PKEY_CTX *pctx = NULL;
    unsigned char *sig = NULL;
    size_t sig_len = 0;
    const unsigned char *msg = len ? data : (const unsigned char *)"";
    int rc;

    *sig_b64 = NULL;
    if (!k->has_private)
        return nr_err_set(err, NR_EINVAL, "key", "signing needs a private key");
    md = EVP_MD_CTX_new();
    if (md == NULL || digest_init(k, md, &pctx, true) != 0 ||
        EVP_DigestSign(md, NULL, &sig_len, msg, len) != 1) {
        rc = nr__ossl_fail(err, NR_ECRYPTO, "cannot sign");
        goto out;
    }
    sig = nr_malloc(sig_len);
    if (EVP_DigestSign(md, sig, &sig_len, msg, len) != 1) {
        rc = nr__ossl_fail(err, NR_ECRYPTO, "cannot sign");
        goto out;
    }
    rc = nr_base64_encode(sig, sig_len, sig_b64);
out:
    EVP_MD_CTX_free(md);
    EVP_PKEY_CTX_free(pctx);
    nr_free(sig);
    return rc;
}

int nr_verify(const struct nr_key *pub, const void *data, size_t len, const char *sig_b64,
              struct nr_err *err)
{
    EVP_MD_CTX *md = NULL;
    EVP_PKEY_CTX *pctx = NULL;
    struct nr_buf sig;
    const unsigned char *msg = len ? data : (const unsigned char *)"";
    size_t b64_len;
    int rc;

    nr_buf_init(&sig, SIG_B64_MAX);
    if (pub == NULL || (data == NULL && len > 0))
        return nr_err_set(err, NR_EINVAL, NULL, "nothing to verify");
    if (sig_b64 == NULL || sig_b64[0] == '\0')
        return nr_err_set(err, NR_EBADSIG, "signature", "the signature is empty");
    b64_len = strnlen(sig_b64, SIG_B64_MAX + 1);
    if (b64_len > SIG_B64_MAX)
        return nr_err_set(err, NR_EBADSIG, "signature", "the signature is too long");
    if (nr_base64_decode(sig_b64, b64_len, &sig) != 0) {
        rc = nr_err_set(err, NR_EBADSIG, "signature", "the signature is not valid base64");
        goto out;
    }
    md = EVP_MD_CTX_new();
    if (md == NULL || digest_init(pub, md, &pctx, false) != 0) {
        rc = nr__ossl_fail(err, NR_ECRYPTO, "cannot start verifying");
        goto out;
    }
    /* 1 is a valid signature; 0 a wrong one; <0 one that does not even parse. All but 1 are the
     * signer's doing, hence NR_EBADSIG. */
    if (EVP_DigestVerify(md, (const unsigned char *)sig.p, sig.len, msg, len) != 1) {
        ERR_clear_error();
        rc = nr_err_set(err, NR_EBADSIG, "signature",
                        "the signature does not verify with this %s key",
                        nr_suite_sig_alg(pub->suite));
        goto out;
    }
    rc = 0;
out:
    EVP_MD_CTX_free(md);
    EVP_PKEY_CTX_free(pctx);
    nr_buf_release(&sig);
    return rc;
}
