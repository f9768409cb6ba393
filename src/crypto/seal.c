/*
 * seal.c - authenticated encryption of small blobs and of files of any size (interface:
 * crypto.h, where both formats are laid out byte by byte).
 *
 * R11: evidence is encrypted at rest, and so are the private keys and settings kept in the
 * database. Nothing is ever released before its tag has been checked: blobs are opened into a
 * scratch buffer and copied out only when authentic; files are opened one 64 KiB chunk at a
 * time, each checked before it is written.
 *
 * Suite sm uses SM4-CTR with HMAC-SM3 rather than an SM4 AEAD mode because OpenSSL 3.0 (the
 * version Debian 12 ships) has neither SM4-GCM nor SM4-CCM. The composition is encrypt-then-MAC
 * with two independent keys derived by HKDF-SM3, and the MAC is checked in constant time before
 * any byte is decrypted: the generic composition that is proven to give an authenticated cipher
 * (Bellare and Namprempre, 2000). The MAC covers the header and the IV as well as the
 * ciphertext, which is what GCM's additional data gives suite intl.
 */
#include "crypto_int.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/params.h>

#include "netreview/banned.h"

#define FORMAT_VERSION 1
#define BLOB_MAGIC     "NRSB"
#define FILE_MAGIC     "NRSF"
#define MAGIC_LEN      4
#define BLOB_HEAD_LEN  6 /* magic, version, suite */

#define GCM_IV_LEN   12
#define GCM_TAG_LEN  16
#define CTR_IV_LEN   16
#define HMAC_TAG_LEN 32
#define SM4_KEY_LEN  16
#define MAX_IV_LEN   16
#define MAX_TAG_LEN  32

#define FILE_CHUNK_LOG2 16
#define FILE_CHUNK      ((size_t)1 << FILE_CHUNK_LOG2)
#define FILE_SALT_LEN   32
#define FILE_HEAD_LEN   (8 + FILE_SALT_LEN)
#define FILE_AAD_LEN    (FILE_HEAD_LEN + 8 + 1) /* header, be64(chunk index), last flag */

static uint8_t suite_byte(enum nr_suite s)
{
    return s == NR_SUITE_INTL ? 1 : 2;
}

static size_t iv_len(enum nr_suite s)
{
    return s == NR_SUITE_INTL ? GCM_IV_LEN : CTR_IV_LEN;
}

static size_t tag_len(enum nr_suite s)
{
    return s == NR_SUITE_INTL ? GCM_TAG_LEN : HMAC_TAG_LEN;
}

/* Name of the suite a blob's suite byte stands for, for messages. */
static const char *suite_byte_name(uint8_t b)
{
    return b == 1 ? "intl" : b == 2 ? "sm" : "unknown";
}

/* ---- one authenticated cipher over both suites ---- */

struct aead {
    enum nr_suite suite;
    EVP_CIPHER_CTX *cipher;
    EVP_MAC *mac_alg; /* sm only */
    EVP_MAC_CTX *mac; /* sm only */
    uint8_t enc_key[32];
    uint8_t mac_key[32];
};

static void aead_release(struct aead *a)
{
    EVP_CIPHER_CTX_free(a->cipher);
    EVP_MAC_CTX_free(a->mac);
    EVP_MAC_free(a->mac_alg);
    OPENSSL_cleanse(a->enc_key, sizeof(a->enc_key));
    OPENSSL_cleanse(a->mac_key, sizeof(a->mac_key));
    a->cipher = NULL;
    a->mac = NULL;
    a->mac_alg = NULL;
}

/* Derives the keys of one blob or file from the caller's key and sets up the cipher. */
static int aead_init(struct aead *a, enum nr_suite s, const uint8_t key[NR_SEAL_KEY_LEN],
                     const uint8_t *salt, size_t salt_len, const char *info_enc,
                     const char *info_mac, bool encrypt)
{
    const EVP_CIPHER *type;
    size_t enc_len;

    memset(a, 0, sizeof(*a));
    a->suite = s;
    if (s == NR_SUITE_INTL) {
        type = EVP_aes_256_gcm();
        enc_len = 32;
    } else {
        type = EVP_sm4_ctr();
        enc_len = SM4_KEY_LEN;
    }
    if (nr__hkdf(s, key, NR_SEAL_KEY_LEN, salt, salt_len, info_enc, a->enc_key, enc_len) != 0)
        goto fail;
    if (s == NR_SUITE_SM) {
        if (nr__hkdf(s, key, NR_SEAL_KEY_LEN, salt, salt_len, info_mac, a->mac_key, HMAC_TAG_LEN) !=
            0)
            goto fail;
        a->mac_alg = EVP_MAC_fetch(NULL, OSSL_MAC_NAME_HMAC, NULL);
        if (a->mac_alg == NULL || (a->mac = EVP_MAC_CTX_new(a->mac_alg)) == NULL)
            goto fail;
    }
    a->cipher = EVP_CIPHER_CTX_new();
    if (a->cipher == NULL ||
        EVP_CipherInit_ex(a->cipher, type, NULL, a->enc_key, NULL, encrypt ? 1 : 0) != 1)
        goto fail;
    return 0;
fail:
    aead_release(a);
    return NR_ECRYPTO;
}

/* HMAC-SM3 over aad || iv || ct. */
static int aead_mac(struct aead *a, const uint8_t *aad, size_t aad_len, const uint8_t *iv,
                    const uint8_t *ct, size_t len, uint8_t tag[HMAC_TAG_LEN])
{
    OSSL_PARAM params[2];
    size_t n = 0;

    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, "SM3", 0);
    params[1] = OSSL_PARAM_construct_end();
    if (EVP_MAC_init(a->mac, a->mac_key, HMAC_TAG_LEN, params) != 1 ||
        EVP_MAC_update(a->mac, aad, aad_len) != 1 || EVP_MAC_update(a->mac, iv, CTR_IV_LEN) != 1 ||
        (len > 0 && EVP_MAC_update(a->mac, ct, len) != 1) ||
        EVP_MAC_final(a->mac, tag, &n, HMAC_TAG_LEN) != 1 || n != HMAC_TAG_LEN)
        return NR_ECRYPTO;
    return 0;
}

/* Encrypts len (<= INT_MAX) bytes of in to out and writes the tag. */
static int aead_seal(struct aead *a, const uint8_t *iv, const uint8_t *aad, size_t aad_len,
                     const uint8_t *in, size_t len, uint8_t *out, uint8_t *tag)
{
    int n = 0, fin = 0;

    if (EVP_EncryptInit_ex(a->cipher, NULL, NULL, NULL, iv) != 1)
        return NR_ECRYPTO;
    if (a->suite == NR_SUITE_INTL && EVP_EncryptUpdate(a->cipher, NULL, &n, aad, (int)aad_len) != 1)
        return NR_ECRYPTO;
    n = 0;
    if (len > 0 && EVP_EncryptUpdate(a->cipher, out, &n, in, (int)len) != 1)
        return NR_ECRYPTO;
    if (EVP_EncryptFinal_ex(a->cipher, out + n, &fin) != 1 || (size_t)n + (size_t)fin != len)
        return NR_ECRYPTO;
    if (a->suite == NR_SUITE_INTL)
        return EVP_CIPHER_CTX_ctrl(a->cipher, EVP_CTRL_AEAD_GET_TAG, GCM_TAG_LEN, tag) == 1
                   ? 0
                   : NR_ECRYPTO;
    return aead_mac(a, aad, aad_len, iv, out, len, tag);
}

/* Checks the tag and decrypts len (<= INT_MAX) bytes of ct to out. NR_ETAMPERED when the tag
 * fails; out is then wiped. */
static int aead_open(struct aead *a, const uint8_t *iv, const uint8_t *aad, size_t aad_len,
                     const uint8_t *ct, size_t len, const uint8_t *tag, uint8_t *out)
{
    int n = 0, fin = 0, rc = NR_ECRYPTO;

    if (a->suite == NR_SUITE_SM) {
        uint8_t want[HMAC_TAG_LEN];
        if (aead_mac(a, aad, aad_len, iv, ct, len, want) != 0)
            return NR_ECRYPTO;
        if (CRYPTO_memcmp(want, tag, HMAC_TAG_LEN) != 0)
            return NR_ETAMPERED;
    }
    if (EVP_DecryptInit_ex(a->cipher, NULL, NULL, NULL, iv) != 1)
        goto out;
    if (a->suite == NR_SUITE_INTL &&
        (EVP_DecryptUpdate(a->cipher, NULL, &n, aad, (int)aad_len) != 1 ||
         EVP_CIPHER_CTX_ctrl(a->cipher, EVP_CTRL_AEAD_SET_TAG, GCM_TAG_LEN, (void *)tag) != 1))
        goto out;
    n = 0;
    if (len > 0 && EVP_DecryptUpdate(a->cipher, out, &n, ct, (int)len) != 1)
        goto out;
    if (EVP_DecryptFinal_ex(a->cipher, out + n, &fin) != 1) {
        /* For GCM this is the tag check failing. */
        rc = a->suite == NR_SUITE_INTL ? NR_ETAMPERED : NR_ECRYPTO;
        goto out;
    }
    if ((size_t)n + (size_t)fin == len)
        rc = 0;
out:
    if (rc != 0 && len > 0)
        OPENSSL_cleanse(out, len);
    return rc;
}

/* ---- blobs ---- */

int nr_seal(enum nr_suite s, const uint8_t key[NR_SEAL_KEY_LEN], const void *in, size_t len,
            struct nr_buf *out, struct nr_err *err)
{
    struct aead a;
    uint8_t *blob = NULL;
    size_t ivl, tl, total;
    int rc;

    if (!nr__suite_valid(s))
        return nr_err_set(err, NR_EINVAL, "suite", "unknown crypto suite %d", (int)s);
    if (len > NR_SEAL_MAX)
        return nr_err_set(err, NR_ETOOBIG, NULL, "a sealed blob holds at most %u bytes",
                          NR_SEAL_MAX);
    ivl = iv_len(s);
    tl = tag_len(s);
    total = BLOB_HEAD_LEN + ivl + len + tl;
    if (aead_init(&a, s, key, NULL, 0, "netreview v1 seal enc", "netreview v1 seal mac", true) != 0)
        return nr__ossl_fail(err, NR_ECRYPTO, "cannot set up the cipher");
    blob = nr_malloc(total);
    memcpy(blob, BLOB_MAGIC, MAGIC_LEN);
    blob[4] = FORMAT_VERSION;
    blob[5] = suite_byte(s);
    if (nr_random(blob + BLOB_HEAD_LEN, ivl) != 0) {
        rc = nr__ossl_fail(err, NR_ECRYPTO, "cannot draw a nonce");
        goto out;
    }
    if (aead_seal(&a, blob + BLOB_HEAD_LEN, blob, BLOB_HEAD_LEN, in, len,
                  blob + BLOB_HEAD_LEN + ivl, blob + BLOB_HEAD_LEN + ivl + len) != 0) {
        rc = nr__ossl_fail(err, NR_ECRYPTO, "cannot encrypt");
        goto out;
    }
    rc = nr_buf_append(out, blob, total);
    if (rc != 0)
        nr_err_set(err, rc, NULL, "the sealed blob does not fit its buffer");
out:
    aead_release(&a);
    nr_free(blob);
    return rc;
}

int nr_open(enum nr_suite s, const uint8_t key[NR_SEAL_KEY_LEN], const void *in, size_t len,
            struct nr_buf *out, struct nr_err *err)
{
    const uint8_t *blob = in;
    struct aead a;
    uint8_t *plain = NULL;
    size_t ivl, tl, ct_len;
    int rc;

    if (!nr__suite_valid(s))
        return nr_err_set(err, NR_EINVAL, "suite", "unknown crypto suite %d", (int)s);
    ivl = iv_len(s);
    tl = tag_len(s);
    if (blob == NULL || len < BLOB_HEAD_LEN || memcmp(blob, BLOB_MAGIC, MAGIC_LEN) != 0)
        return nr_err_set(err, NR_ETAMPERED, NULL, "not a sealed blob");
    if (blob[4] != FORMAT_VERSION)
        return nr_err_set(err, NR_ETAMPERED, NULL, "sealed blob version %u is not supported",
                          blob[4]);
    if (blob[5] != suite_byte(s))
        return nr_err_set(err, NR_ETAMPERED, NULL,
                          "the blob was sealed with suite %s, this installation uses %s",
                          suite_byte_name(blob[5]), nr_suite_name(s));
    if (len < BLOB_HEAD_LEN + ivl + tl)
        return nr_err_set(err, NR_ETAMPERED, NULL, "the sealed blob is truncated");
    ct_len = len - BLOB_HEAD_LEN - ivl - tl;
    if (ct_len > NR_SEAL_MAX)
        return nr_err_set(err, NR_ETAMPERED, NULL, "the sealed blob is too large");
    if (aead_init(&a, s, key, NULL, 0, "netreview v1 seal enc", "netreview v1 seal mac", false) !=
        0)
        return nr__ossl_fail(err, NR_ECRYPTO, "cannot set up the cipher");
    plain = nr_malloc(ct_len);
    rc = aead_open(&a, blob + BLOB_HEAD_LEN, blob, BLOB_HEAD_LEN, blob + BLOB_HEAD_LEN + ivl,
                   ct_len, blob + BLOB_HEAD_LEN + ivl + ct_len, plain);
    if (rc == NR_ETAMPERED) {
        ERR_clear_error();
        nr_err_set(err, rc, NULL,
                   "the sealed blob fails its integrity check (altered, or "
                   "sealed with another key)");
        goto out;
    }
    if (rc != 0) {
        nr__ossl_fail(err, rc, "cannot decrypt");
        goto out;
    }
    rc = nr_buf_append(out, plain, ct_len);
    if (rc != 0)
        nr_err_set(err, rc, NULL, "the opened blob does not fit its buffer");
out:
    OPENSSL_cleanse(plain, ct_len);
    nr_free(plain);
    aead_release(&a);
    return rc;
}

/* ---- files ---- */

/* Reads until n bytes or end of file. Returns the count (less than n only at end of file) or
 * -errno. */
static ssize_t read_full(int fd, uint8_t *buf, size_t n)
{
    size_t got = 0;

    while (got < n) {
        ssize_t r = read(fd, buf + got, n - got);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

static int write_full(int fd, const uint8_t *buf, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, buf, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        buf += w;
        n -= (size_t)w;
    }
    return 0;
}

static void put_be64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--) {
        p[i] = (uint8_t)v;
        v >>= 8;
    }
}

/* The IV and the additional data of chunk `index`. The IV is be64(index) and zeros: intl uses
 * 12 bytes of it, sm 16. Chunk keys are unique to the file (its random salt), so a counter is
 * a unique nonce, and for sm the 2^64 counter blocks between two chunk IVs never overlap. */
static void chunk_params(const uint8_t header[FILE_HEAD_LEN], uint64_t index, bool last,
                         uint8_t iv[MAX_IV_LEN], uint8_t aad[FILE_AAD_LEN])
{
    memset(iv, 0, MAX_IV_LEN);
    put_be64(iv, index);
    memcpy(aad, header, FILE_HEAD_LEN);
    put_be64(aad + FILE_HEAD_LEN, index);
    aad[FILE_HEAD_LEN + 8] = last ? 1 : 0;
}

int nr_seal_file(enum nr_suite s, const uint8_t key[NR_SEAL_KEY_LEN], int in_fd, int out_fd,
                 uint8_t sha256_of_plain[NR_HASH_LEN], uint64_t *plain_len, struct nr_err *err)
{
    uint8_t header[FILE_HEAD_LEN], iv[MAX_IV_LEN], aad[FILE_AAD_LEN];
    uint8_t *plain = NULL, *sealed = NULL;
    struct nr_hash_ctx *sha = NULL;
    struct aead a;
    bool have_aead = false;
    uint64_t index = 0, total = 0;
    size_t tl;
    int rc;

    if (!nr__suite_valid(s))
        return nr_err_set(err, NR_EINVAL, "suite", "unknown crypto suite %d", (int)s);
    tl = tag_len(s);
    memcpy(header, FILE_MAGIC, MAGIC_LEN);
    header[4] = FORMAT_VERSION;
    header[5] = suite_byte(s);
    header[6] = FILE_CHUNK_LOG2;
    header[7] = 0;
    rc = nr_random(header + 8, FILE_SALT_LEN);
    if (rc == 0)
        rc = nr_hash_ctx_new_sha256(&sha);
    if (rc == 0)
        rc = aead_init(&a, s, key, header + 8, FILE_SALT_LEN, "netreview v1 file enc",
                       "netreview v1 file mac", true);
    if (rc != 0) {
        rc = nr__ossl_fail(err, NR_ECRYPTO, "cannot set up the cipher");
        goto out;
    }
    have_aead = true;
    rc = write_full(out_fd, header, FILE_HEAD_LEN);
    if (rc != 0) {
        nr_err_set(err, rc, NULL, "cannot write the sealed file: %s", strerror(-rc));
        goto out;
    }
    plain = nr_malloc(FILE_CHUNK);
    sealed = nr_malloc(FILE_CHUNK + tl);
    for (;;) {
        ssize_t n = read_full(in_fd, plain, FILE_CHUNK);
        bool last;

        if (n < 0) {
            rc = (int)n;
            nr_err_set(err, rc, NULL, "cannot read the file to seal: %s", strerror(-rc));
            goto out;
        }
        /* Only the last chunk is short (possibly empty): that is how the end is authenticated. */
        last = (size_t)n < FILE_CHUNK;
        if (nr_hash_ctx_update(sha, plain, (size_t)n) != 0) {
            rc = nr__ossl_fail(err, NR_ECRYPTO, "cannot hash");
            goto out;
        }
        chunk_params(header, index, last, iv, aad);
        if (aead_seal(&a, iv, aad, FILE_AAD_LEN, plain, (size_t)n, sealed, sealed + n) != 0) {
            rc = nr__ossl_fail(err, NR_ECRYPTO, "cannot encrypt");
            goto out;
        }
        rc = write_full(out_fd, sealed, (size_t)n + tl);
        if (rc != 0) {
            nr_err_set(err, rc, NULL, "cannot write the sealed file: %s", strerror(-rc));
            goto out;
        }
        total += (uint64_t)n;
        if (last)
            break;
        index++;
    }
    if (sha256_of_plain != NULL && nr_hash_ctx_final(sha, sha256_of_plain) != 0) {
        rc = nr__ossl_fail(err, NR_ECRYPTO, "cannot hash");
        goto out;
    }
    if (plain_len != NULL)
        *plain_len = total;
    rc = 0;
out:
    if (plain != NULL) {
        OPENSSL_cleanse(plain, FILE_CHUNK);
        nr_free(plain);
    }
    nr_free(sealed);
    nr_hash_ctx_free(sha);
    if (have_aead)
        aead_release(&a);
    return rc;
}

int nr_open_file(enum nr_suite s, const uint8_t key[NR_SEAL_KEY_LEN], int in_fd, int out_fd,
                 struct nr_err *err)
{
    uint8_t header[FILE_HEAD_LEN], iv[MAX_IV_LEN], aad[FILE_AAD_LEN];
    uint8_t *plain = NULL, *sealed = NULL;
    struct aead a;
    bool have_aead = false;
    uint64_t index = 0;
    size_t tl;
    ssize_t n;
    int rc;

    if (!nr__suite_valid(s))
        return nr_err_set(err, NR_EINVAL, "suite", "unknown crypto suite %d", (int)s);
    tl = tag_len(s);
    n = read_full(in_fd, header, FILE_HEAD_LEN);
    if (n < 0)
        return nr_err_set(err, (int)n, NULL, "cannot read the sealed file: %s", strerror((int)-n));
    if ((size_t)n < FILE_HEAD_LEN || memcmp(header, FILE_MAGIC, MAGIC_LEN) != 0)
        return nr_err_set(err, NR_ETAMPERED, NULL, "not a sealed file");
    if (header[4] != FORMAT_VERSION)
        return nr_err_set(err, NR_ETAMPERED, NULL, "sealed file version %u is not supported",
                          header[4]);
    if (header[5] != suite_byte(s))
        return nr_err_set(err, NR_ETAMPERED, NULL,
                          "the file was sealed with suite %s, this installation uses %s",
                          suite_byte_name(header[5]), nr_suite_name(s));
    if (header[6] != FILE_CHUNK_LOG2 || header[7] != 0)
        return nr_err_set(err, NR_ETAMPERED, NULL, "the sealed file header is malformed");
    if (aead_init(&a, s, key, header + 8, FILE_SALT_LEN, "netreview v1 file enc",
                  "netreview v1 file mac", false) != 0)
        return nr__ossl_fail(err, NR_ECRYPTO, "cannot set up the cipher");
    have_aead = true;
    plain = nr_malloc(FILE_CHUNK);
    sealed = nr_malloc(FILE_CHUNK + tl);
    for (;;) {
        size_t ct_len;
        bool last;

        n = read_full(in_fd, sealed, FILE_CHUNK + tl);
        if (n < 0) {
            rc = (int)n;
            nr_err_set(err, rc, NULL, "cannot read the sealed file: %s", strerror(-rc));
            goto out;
        }
        if ((size_t)n < tl) {
            rc = nr_err_set(err, NR_ETAMPERED, NULL, "the sealed file is truncated");
            goto out;
        }
        /* A full chunk is never the last one (see crypto.h), a short one always is. */
        last = (size_t)n < FILE_CHUNK + tl;
        ct_len = (size_t)n - tl;
        chunk_params(header, index, last, iv, aad);
        rc = aead_open(&a, iv, aad, FILE_AAD_LEN, sealed, ct_len, sealed + ct_len, plain);
        if (rc == NR_ETAMPERED) {
            ERR_clear_error();
            nr_err_set(err, rc, NULL,
                       "chunk %llu of the sealed file fails its integrity check (altered, "
                       "truncated, or sealed with another key)",
                       (unsigned long long)index);
            goto out;
        }
        if (rc != 0) {
            nr__ossl_fail(err, rc, "cannot decrypt");
            goto out;
        }
        rc = write_full(out_fd, plain, ct_len);
        if (rc != 0) {
            nr_err_set(err, rc, NULL, "cannot write the opened file: %s", strerror(-rc));
            goto out;
        }
        if (last)
            break;
        index++;
    }
    rc = 0;
out:
    OPENSSL_cleanse(plain, FILE_CHUNK);
    nr_free(plain);
    nr_free(sealed);
    if (have_aead)
        aead_release(&a);
    return rc;
}
