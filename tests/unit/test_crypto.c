/*
 * test_crypto.c - unit tests of the crypto module (src/crypto/, interface crypto.h): both suites'
 * hashes against known answers, signatures and their failure modes, PEM round trips, sealed
 * blobs and files and their tampering, base64 and argon2id passwords.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "netreview/core.h"
#include "netreview/crypto.h"

#include "netreview/banned.h"

static const enum nr_suite suites[] = {NR_SUITE_INTL, NR_SUITE_SM};

static const uint8_t key_a[NR_SEAL_KEY_LEN] = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11,
                                               12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,
                                               23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
static const uint8_t key_b[NR_SEAL_KEY_LEN] = {32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22,
                                               21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11,
                                               10, 9,  8,  7,  6,  5,  4,  3,  2,  1};

/* ---- helpers ---- */

/* An anonymous temporary file holding len bytes of data, positioned at its start. */
static int temp_fd(const void *data, size_t len)
{
    const char *dir = getenv("TMPDIR");
    char path[512];
    const uint8_t *p = data;
    int fd;

    snprintf(path, sizeof(path), "%s/nr-test-crypto-XXXXXX", dir && dir[0] ? dir : "/tmp");
    fd = mkstemp(path);
    assert_true(fd >= 0);
    unlink(path);
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        assert_true(w > 0);
        p += w;
        len -= (size_t)w;
    }
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    return fd;
}

/* Everything fd holds from its start, into a malloc'd buffer. */
static uint8_t *slurp(int fd, size_t *len)
{
    struct nr_buf b;
    uint8_t chunk[65536];
    ssize_t n;

    nr_buf_init(&b, SIZE_MAX / 2);
    if (lseek(fd, 0, SEEK_SET) < 0)
        assert_int_equal(errno, ESPIPE); /* a pipe: read from where it is */
    while ((n = read(fd, chunk, sizeof(chunk))) > 0)
        assert_int_equal(nr_buf_append(&b, chunk, (size_t)n), 0);
    assert_int_equal(n, 0);
    *len = b.len;
    return (uint8_t *)nr_buf_steal(&b);
}

static uint8_t *random_bytes(size_t n)
{
    uint8_t *p = nr_malloc(n);
    assert_int_equal(nr_random(p, n), 0);
    return p;
}

static void assert_ossl_queue_empty(void)
{
    assert_int_equal(ERR_peek_error(), 0);
}

/* ---- suites ---- */

static void test_suite_parse(void **state)
{
    enum nr_suite s;
    (void)state;

    assert_int_equal(nr_suite_parse("intl", &s), 0);
    assert_int_equal(s, NR_SUITE_INTL);
    assert_int_equal(nr_suite_parse("sm", &s), 0);
    assert_int_equal(s, NR_SUITE_SM);
    assert_int_equal(nr_suite_parse("SM", &s), NR_EINVAL);
    assert_int_equal(nr_suite_parse("", &s), NR_EINVAL);
    assert_int_equal(nr_suite_parse("intl ", &s), NR_EINVAL);
    assert_int_equal(nr_suite_parse(NULL, &s), NR_EINVAL);
    assert_string_equal(nr_suite_name(NR_SUITE_INTL), "intl");
    assert_string_equal(nr_suite_name(NR_SUITE_SM), "sm");
    assert_string_equal(nr_suite_name((enum nr_suite)7), "unknown");
    assert_string_equal(nr_suite_sig_alg(NR_SUITE_SM), "sm2-sm3");
    assert_string_equal(nr_suite_hash_alg(NR_SUITE_INTL), "sha256");
    assert_string_equal(nr_suite_cipher_alg(NR_SUITE_SM), "sm4-ctr-hmac-sm3");
}

/* ---- hashes ---- */

static void assert_hash_hex(const uint8_t h[NR_HASH_LEN], const char *want)
{
    char hex[2 * NR_HASH_LEN + 1];
    nr_hex(h, NR_HASH_LEN, hex);
    assert_string_equal(hex, want);
}

static void test_hash_known_answers(void **state)
{
    static const char sha256_abc[] =
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    /* GB/T 32905-2016, example 1. */
    static const char sm3_abc[] =
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0";
    /* GB/T 32905-2016, example 2: "abcd" repeated 16 times. */
    static const char sm3_abcd16[] =
        "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732";
    uint8_t h[NR_HASH_LEN];
    char abcd16[65] = "";
    (void)state;

    assert_int_equal(nr_hash(NR_SUITE_INTL, "abc", 3, h), 0);
    assert_hash_hex(h, sha256_abc);
    assert_int_equal(nr_hash(NR_SUITE_SM, "abc", 3, h), 0);
    assert_hash_hex(h, sm3_abc);
    for (int i = 0; i < 16; i++)
        memcpy(abcd16 + 4 * i, "abcd", 4);
    assert_int_equal(nr_hash(NR_SUITE_SM, abcd16, 64, h), 0);
    assert_hash_hex(h, sm3_abcd16);
    assert_int_equal(nr_hash(NR_SUITE_INTL, NULL, 0, h), 0);
    assert_hash_hex(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert_int_equal(nr_hash((enum nr_suite)9, "abc", 3, h), NR_EINVAL);
}

static void test_hash_streaming(void **state)
{
    struct nr_hash_ctx *ctx;
    uint8_t h[NR_HASH_LEN], one[NR_HASH_LEN];
    (void)state;

    /* Split updates give the one-shot answer, and _final resets for the next message. */
    for (size_t i = 0; i < NR_ARRAY_LEN(suites); i++) {
        assert_int_equal(nr_hash_ctx_new(suites[i], &ctx), 0);
        assert_int_equal(nr_hash_ctx_update(ctx, "a", 1), 0);
        assert_int_equal(nr_hash_ctx_update(ctx, NULL, 0), 0);
        assert_int_equal(nr_hash_ctx_update(ctx, "bc", 2), 0);
        assert_int_equal(nr_hash_ctx_final(ctx, h), 0);
        assert_int_equal(nr_hash(suites[i], "abc", 3, one), 0);
        assert_memory_equal(h, one, NR_HASH_LEN);
        assert_int_equal(nr_hash_ctx_update(ctx, "abc", 3), 0);
        assert_int_equal(nr_hash_ctx_final(ctx, h), 0);
        assert_memory_equal(h, one, NR_HASH_LEN);
        nr_hash_ctx_free(ctx);
    }
    assert_int_equal(nr_hash_ctx_new_sha256(&ctx), 0);
    assert_int_equal(nr_hash_ctx_update(ctx, "ab", 2), 0);
    assert_int_equal(nr_hash_ctx_update(ctx, "c", 1), 0);
    assert_int_equal(nr_hash_ctx_final(ctx, h), 0);
    assert_hash_hex(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    nr_hash_ctx_free(ctx);
    nr_hash_ctx_free(NULL);
    assert_int_equal(nr_hash_ctx_new((enum nr_suite)5, &ctx), NR_EINVAL);
    assert_null(ctx);
}

static void test_hmac(void **state)
{
    uint8_t h[NR_HASH_LEN], h2[NR_HASH_LEN];
    static const char data[] = "what do ya want for nothing?";
    (void)state;

    /* RFC 4231, test case 2. */
    assert_int_equal(nr_hmac(NR_SUITE_INTL, "Jefe", 4, data, strlen(data), h), 0);
    assert_hash_hex(h, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    assert_int_equal(nr_hmac(NR_SUITE_SM, "Jefe", 4, data, strlen(data), h2), 0);
    assert_memory_not_equal(h, h2, NR_HASH_LEN);
    assert_int_equal(nr_hmac(NR_SUITE_SM, "Jefe", 4, data, strlen(data), h), 0);
    assert_memory_equal(h, h2, NR_HASH_LEN);
}

static void test_hex_random_ct(void **state)
{
    static const uint8_t bytes[] = {0x00, 0x01, 0xab, 0xff};
    uint8_t a[32], b[32];
    char hex[9];
    (void)state;

    nr_hex(bytes, 4, hex);
    assert_string_equal(hex, "0001abff");
    nr_hex(bytes, 0, hex);
    assert_string_equal(hex, "");
    assert_int_equal(nr_random(a, sizeof(a)), 0);
    assert_int_equal(nr_random(b, sizeof(b)), 0);
    assert_memory_not_equal(a, b, sizeof(a));
    assert_int_equal(nr_random(a, 0), 0);
    assert_true(nr_ct_equal(a, a, sizeof(a)));
    memcpy(b, a, sizeof(a));
    assert_true(nr_ct_equal(a, b, sizeof(a)));
    b[31] ^= 0x80;
    assert_false(nr_ct_equal(a, b, sizeof(a)));
    assert_true(nr_ct_equal(a, b, 31));
}

/* ---- base64 ---- */

static void test_base64_vectors(void **state)
{
    /* RFC 4648, section 10. */
    static const char *const plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    static const char *const enc[] = {"",         "Zg==",     "Zm8=",    "Zm9v",
                                      "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
    (void)state;

    for (size_t i = 0; i < NR_ARRAY_LEN(plain); i++) {
        struct nr_buf b;
        char *s;
        assert_int_equal(nr_base64_encode(plain[i], strlen(plain[i]), &s), 0);
        assert_string_equal(s, enc[i]);
        nr_free(s);
        nr_buf_init(&b, 1024);
        assert_int_equal(nr_base64_decode(enc[i], strlen(enc[i]), &b), 0);
        assert_int_equal(b.len, strlen(plain[i]));
        if (b.len)
            assert_memory_equal(b.p, plain[i], b.len);
        nr_buf_release(&b);
    }
}

static void test_base64_round_trip(void **state)
{
    (void)state;

    for (size_t n = 0; n < 300; n += (n < 20 ? 1 : 37)) {
        uint8_t *data = random_bytes(n);
        struct nr_buf b;
        char *s;

        assert_int_equal(nr_base64_encode(data, n, &s), 0);
        assert_int_equal(strlen(s), (n + 2) / 3 * 4);
        nr_buf_init(&b, 4096);
        assert_int_equal(nr_buf_append(&b, "x", 1), 0); /* decoding appends */
        assert_int_equal(nr_base64_decode(s, strlen(s), &b), 0);
        assert_int_equal(b.len, n + 1);
        if (n)
            assert_memory_equal(b.p + 1, data, n);
        nr_buf_release(&b);
        nr_free(s);
        nr_free(data);
    }
}

static void test_base64_bad_input(void **state)
{
    static const char *const bad[] = {
        "Zg=",                                    /* length not a multiple of 4 */
        "Zg",                                     /* missing padding */
        "Z===",                                   /* three padding characters */
        "====",                                   /* nothing but padding */
        "Zh==",                                   /* unused bits set: not canonical */
        "Zm9=",                                   /* unused bits set: not canonical */
        "Zm=v",                                   /* data after padding */
        "Zg==Zg==",                               /* padding before the end */
        "Zm9v\nYmFy", "Zm9 ", "Zm9v!!!!", "Zm9-", /* base64url is not accepted */
        "Zm9_",
    };
    struct nr_buf b;
    (void)state;

    for (size_t i = 0; i < NR_ARRAY_LEN(bad); i++) {
        nr_buf_init(&b, 1024);
        assert_int_equal(nr_buf_append(&b, "keep", 4), 0);
        assert_int_equal(nr_base64_decode(bad[i], strlen(bad[i]), &b), NR_EPARSE);
        /* A failed decode leaves the buffer as it was. */
        assert_int_equal(b.len, 4);
        assert_string_equal(b.p, "keep");
        nr_buf_release(&b);
    }
    /* An embedded NUL is just a bad character. */
    nr_buf_init(&b, 1024);
    assert_int_equal(nr_base64_decode("Zm\0v", 4, &b), NR_EPARSE);
    assert_int_equal(b.len, 0);
    /* The buffer's cap holds. */
    nr_buf_release(&b);
    nr_buf_init(&b, 5);
    assert_int_equal(nr_base64_decode("Zm9vYmFy", 8, &b), NR_ETOOBIG);
    assert_int_equal(b.len, 0);
    nr_buf_release(&b);
}

/* ---- keys and signatures ---- */

static const char message[] = "decision 42: passed_with_conditions, valid until 2027-03-01";

static void test_sign_verify(void **state)
{
    (void)state;

    for (size_t i = 0; i < NR_ARRAY_LEN(suites); i++) {
        struct nr_key *k = NULL, *other = NULL;
        struct nr_err err;
        char *sig = NULL, *sig2 = NULL, *empty_sig = NULL;
        char altered[sizeof(message)];

        nr_err_init(&err);
        assert_int_equal(nr_key_generate(suites[i], &k, &err), 0);
        assert_int_equal(nr_key_suite(k), suites[i]);
        assert_true(nr_key_has_private(k));
        assert_int_equal(nr_sign(k, message, strlen(message), &sig, &err), 0);
        assert_non_null(sig);
        assert_int_equal(nr_verify(k, message, strlen(message), sig, &err), 0);
        assert_int_equal(err.code, 0);

        /* A second signature verifies too (SM2 is randomised, Ed25519 is not). */
        assert_int_equal(nr_sign(k, message, strlen(message), &sig2, NULL), 0);
        assert_int_equal(nr_verify(k, message, strlen(message), sig2, NULL), 0);
        if (suites[i] == NR_SUITE_INTL)
            assert_string_equal(sig, sig2);

        /* Empty data can be signed. */
        assert_int_equal(nr_sign(k, NULL, 0, &empty_sig, NULL), 0);
        assert_int_equal(nr_verify(k, "", 0, empty_sig, NULL), 0);
        assert_int_equal(nr_verify(k, message, strlen(message), empty_sig, NULL), NR_EBADSIG);

        /* Altered data. */
        memcpy(altered, message, sizeof(message));
        altered[9] ^= 0x01;
        assert_int_equal(nr_verify(k, altered, strlen(altered), sig, &err), NR_EBADSIG);
        assert_int_equal(err.code, NR_EBADSIG);
        assert_ossl_queue_empty();
        assert_int_equal(nr_verify(k, message, strlen(message) - 1, sig, NULL), NR_EBADSIG);

        /* The wrong key of the same suite. */
        assert_int_equal(nr_key_generate(suites[i], &other, NULL), 0);
        nr_err_init(&err);
        assert_int_equal(nr_verify(other, message, strlen(message), sig, &err), NR_EBADSIG);
        assert_string_equal(err.field, "signature");
        assert_ossl_queue_empty();

        nr_free(sig);
        nr_free(sig2);
        nr_free(empty_sig);
        nr_key_free(k);
        nr_key_free(other);
    }
}

static void test_verify_garbage(void **state)
{
    (void)state;

    for (size_t i = 0; i < NR_ARRAY_LEN(suites); i++) {
        struct nr_key *k;
        struct nr_err err;
        char *sig, *junk_b64, *cut;
        uint8_t junk[72];
        char long_sig[600];

        assert_int_equal(nr_key_generate(suites[i], &k, NULL), 0);
        assert_int_equal(nr_sign(k, message, strlen(message), &sig, NULL), 0);

        nr_err_init(&err);
        assert_int_equal(nr_verify(k, message, strlen(message), "!!!not base64!!!", &err),
                         NR_EBADSIG);
        assert_non_null(strstr(err.msg, "base64"));
        assert_int_equal(nr_verify(k, message, strlen(message), "", NULL), NR_EBADSIG);
        assert_int_equal(nr_verify(k, message, strlen(message), NULL, NULL), NR_EBADSIG);
        assert_int_equal(nr_verify(k, message, strlen(message), "AAAA", NULL), NR_EBADSIG);

        /* Well-formed base64 of bytes that are no signature, of every plausible length. */
        for (size_t n = 1; n <= sizeof(junk); n++) {
            assert_int_equal(nr_random(junk, n), 0);
            if (n >= 2) {
                junk[0] = 0x30; /* looks like DER to the SM2 decoder */
                junk[1] = (uint8_t)(n - 2);
            }
            assert_int_equal(nr_base64_encode(junk, n, &junk_b64), 0);
            assert_int_equal(nr_verify(k, message, strlen(message), junk_b64, NULL), NR_EBADSIG);
            nr_free(junk_b64);
        }

        /* A truncated signature. */
        cut = nr_strndup(sig, strlen(sig) - 4);
        assert_int_equal(nr_verify(k, message, strlen(message), cut, NULL), NR_EBADSIG);
        nr_free(cut);

        /* An absurdly long one. */
        memset(long_sig, 'A', sizeof(long_sig) - 1);
        long_sig[sizeof(long_sig) - 1] = '\0';
        assert_int_equal(nr_verify(k, message, strlen(message), long_sig, NULL), NR_EBADSIG);
        assert_ossl_queue_empty();

        nr_free(sig);
        nr_key_free(k);
    }
}

static void test_cross_suite(void **state)
{
    struct nr_key *intl, *sm;
    char *sig_intl, *sig_sm;
    (void)state;

    assert_int_equal(nr_key_generate(NR_SUITE_INTL, &intl, NULL), 0);
    assert_int_equal(nr_key_generate(NR_SUITE_SM, &sm, NULL), 0);
    assert_int_equal(nr_sign(intl, message, strlen(message), &sig_intl, NULL), 0);
    assert_int_equal(nr_sign(sm, message, strlen(message), &sig_sm, NULL), 0);
    assert_int_equal(nr_verify(intl, message, strlen(message), sig_sm, NULL), NR_EBADSIG);
    assert_int_equal(nr_verify(sm, message, strlen(message), sig_intl, NULL), NR_EBADSIG);
    assert_ossl_queue_empty();
    nr_free(sig_intl);
    nr_free(sig_sm);
    nr_key_free(intl);
    nr_key_free(sm);
}

/* Verifies an nr_sign SM2 signature with plain OpenSSL calls and a chosen ID, the way another
 * tool would. */
static int sm2_verify_with_id(struct nr_key *k, const char *sig_b64, const char *id)
{
    char *pem;
    BIO *bio;
    EVP_PKEY *pkey;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx;
    struct nr_buf sig;
    int ok;

    assert_int_equal(nr_key_public_pem(k, &pem), 0);
    bio = BIO_new_mem_buf(pem, -1);
    pkey = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
    assert_non_null(pkey);
    nr_buf_init(&sig, 1024);
    assert_int_equal(nr_base64_decode(sig_b64, strlen(sig_b64), &sig), 0);
    pctx = EVP_PKEY_CTX_new(pkey, NULL);
    assert_true(EVP_PKEY_CTX_set1_id(pctx, id, strlen(id)) > 0);
    EVP_MD_CTX_set_pkey_ctx(md, pctx);
    assert_int_equal(EVP_DigestVerifyInit(md, NULL, EVP_sm3(), NULL, pkey), 1);
    ok = EVP_DigestVerify(md, (unsigned char *)sig.p, sig.len, (const unsigned char *)message,
                          strlen(message));
    ERR_clear_error();
    EVP_MD_CTX_free(md);
    EVP_PKEY_CTX_free(pctx);
    EVP_PKEY_free(pkey);
    BIO_free(bio);
    nr_buf_release(&sig);
    nr_free(pem);
    return ok;
}

static void test_sm2_distinguishing_id(void **state)
{
    struct nr_key *k;
    char *sig;
    (void)state;

    assert_int_equal(nr_key_generate(NR_SUITE_SM, &k, NULL), 0);
    assert_int_equal(nr_sign(k, message, strlen(message), &sig, NULL), 0);
    assert_int_equal(sm2_verify_with_id(k, sig, "1234567812345678"), 1);
    assert_int_not_equal(sm2_verify_with_id(k, sig, "ALICE123@YAHOO.COM"), 1);
    nr_free(sig);
    nr_key_free(k);
}

static void test_pem_round_trip(void **state)
{
    (void)state;

    for (size_t i = 0; i < NR_ARRAY_LEN(suites); i++) {
        struct nr_key *k, *priv, *pub, *tmp;
        struct nr_err err;
        char *priv_pem, *pub_pem, *again, *sig, *pem2;
        char id[NR_KEY_ID_STR], id_priv[NR_KEY_ID_STR], id_pub[NR_KEY_ID_STR],
            id_again[NR_KEY_ID_STR];

        nr_err_init(&err);
        assert_int_equal(nr_key_generate(suites[i], &k, &err), 0);
        assert_int_equal(nr_key_private_pem(k, &priv_pem), 0);
        assert_int_equal(nr_key_public_pem(k, &pub_pem), 0);
        assert_true(strncmp(priv_pem, "-----BEGIN PRIVATE KEY-----\n", 28) == 0);
        assert_true(strncmp(pub_pem, "-----BEGIN PUBLIC KEY-----\n", 27) == 0);

        assert_int_equal(nr_key_from_pem(priv_pem, strlen(priv_pem), &priv, &err), 0);
        assert_int_equal(nr_key_from_pem(pub_pem, strlen(pub_pem), &pub, &err), 0);
        assert_int_equal(nr_key_suite(priv), suites[i]);
        assert_int_equal(nr_key_suite(pub), suites[i]);
        assert_true(nr_key_has_private(priv));
        assert_false(nr_key_has_private(pub));

        /* One id for the key, whatever form it was loaded from, and stable across calls. */
        assert_int_equal(nr_key_id(k, id), 0);
        assert_int_equal(nr_key_id(priv, id_priv), 0);
        assert_int_equal(nr_key_id(pub, id_pub), 0);
        assert_int_equal(strlen(id), 32);
        assert_int_equal(strspn(id, "0123456789abcdef"), 32);
        assert_string_equal(id, id_priv);
        assert_string_equal(id, id_pub);
        assert_int_equal(nr_key_id(k, id_again), 0);
        assert_string_equal(id, id_again);

        /* Exports of the loaded keys are byte for byte the originals. */
        assert_int_equal(nr_key_private_pem(priv, &again), 0);
        assert_string_equal(again, priv_pem);
        nr_free(again);
        assert_int_equal(nr_key_public_pem(pub, &again), 0);
        assert_string_equal(again, pub_pem);
        nr_free(again);

        /* The loaded private key signs for the original public key and vice versa. */
        assert_int_equal(nr_sign(priv, message, strlen(message), &sig, NULL), 0);
        assert_int_equal(nr_verify(pub, message, strlen(message), sig, NULL), 0);
        assert_int_equal(nr_verify(k, message, strlen(message), sig, NULL), 0);
        nr_free(sig);

        /* A public key neither signs nor exports a private PEM. */
        nr_err_init(&err);
        assert_int_equal(nr_sign(pub, message, strlen(message), &sig, &err), NR_EINVAL);
        assert_null(sig);
        assert_int_equal(nr_key_private_pem(pub, &pem2), NR_EINVAL);
        assert_null(pem2);

        /* Text around the PEM block and a PEM without its final newline are fine. */
        again = nr_asprintf("key of the office\n%s", pub_pem);
        assert_int_equal(nr_key_from_pem(again, strlen(again), &tmp, NULL), 0);
        nr_key_free(tmp);
        nr_free(again);
        assert_int_equal(nr_key_from_pem(pub_pem, strlen(pub_pem) - 1, &tmp, NULL), 0);
        nr_key_free(tmp);

        nr_free(priv_pem);
        nr_free(pub_pem);
        nr_key_free(k);
        nr_key_free(priv);
        nr_key_free(pub);
    }
}

static void test_key_id_distinct(void **state)
{
    struct nr_key *a, *b;
    char ida[NR_KEY_ID_STR], idb[NR_KEY_ID_STR];
    (void)state;

    assert_int_equal(nr_key_generate(NR_SUITE_SM, &a, NULL), 0);
    assert_int_equal(nr_key_generate(NR_SUITE_SM, &b, NULL), 0);
    assert_int_equal(nr_key_id(a, ida), 0);
    assert_int_equal(nr_key_id(b, idb), 0);
    assert_string_not_equal(ida, idb);
    nr_key_free(a);
    nr_key_free(b);
}

/* PEM of a key made directly with OpenSSL. */
static char *ossl_pem(EVP_PKEY *pkey, bool private_key, const char *password)
{
    BIO *bio = BIO_new(BIO_s_mem());
    char *data, *s;
    long n;

    if (!private_key)
        assert_int_equal(PEM_write_bio_PUBKEY(bio, pkey), 1);
    else if (password)
        assert_int_equal(PEM_write_bio_PKCS8PrivateKey(bio, pkey, EVP_aes_256_cbc(), NULL, 0, NULL,
                                                       (void *)password),
                         1);
    else
        assert_int_equal(PEM_write_bio_PrivateKey(bio, pkey, NULL, NULL, 0, NULL, NULL), 1);
    n = BIO_get_mem_data(bio, &data);
    s = nr_strndup(data, (size_t)n);
    BIO_free(bio);
    EVP_PKEY_free(pkey);
    return s;
}

static void assert_pem_rejected(const char *pem, size_t len, const char *msg_part)
{
    struct nr_key *k = (struct nr_key *)1;
    struct nr_err err;

    nr_err_init(&err);
    assert_int_equal(nr_key_from_pem(pem, len, &k, &err), NR_ECRYPTO);
    assert_null(k);
    assert_int_equal(err.code, NR_ECRYPTO);
    if (strstr(err.msg, msg_part) == NULL)
        fail_msg("message '%s' does not mention '%s'", err.msg, msg_part);
    assert_ossl_queue_empty();
}

static void test_pem_rejects(void **state)
{
    char *pem, *cut;
    static const char cert[] = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    static const char junk_pub[] =
        "-----BEGIN PUBLIC KEY-----\nAAAAAAAA\n-----END PUBLIC KEY-----\n";
    (void)state;

    pem = ossl_pem(EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256"), false, NULL);
    assert_pem_rejected(pem, strlen(pem), "EC key cannot be used");
    nr_free(pem);
    pem = ossl_pem(EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256"), true, NULL);
    assert_pem_rejected(pem, strlen(pem), "EC key cannot be used");
    nr_free(pem);
    pem = ossl_pem(EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024), false, NULL);
    assert_pem_rejected(pem, strlen(pem), "RSA key cannot be used");
    nr_free(pem);
    pem = ossl_pem(EVP_PKEY_Q_keygen(NULL, NULL, "X25519"), true, NULL);
    assert_pem_rejected(pem, strlen(pem), "X25519 key cannot be used");
    nr_free(pem);
    pem = ossl_pem(EVP_PKEY_Q_keygen(NULL, NULL, "ED25519"), true, "secret");
    assert_pem_rejected(pem, strlen(pem), "encrypted private keys are not supported");
    nr_free(pem);

    assert_pem_rejected(cert, strlen(cert), "unsupported PEM block 'CERTIFICATE'");
    assert_pem_rejected(junk_pub, strlen(junk_pub), "public key is malformed");
    assert_pem_rejected("hello", 5, "not PEM");
    assert_pem_rejected("", 0, "empty");
    assert_pem_rejected(NULL, 0, "empty");

    /* A PEM cut short. */
    pem = ossl_pem(EVP_PKEY_Q_keygen(NULL, NULL, "SM2"), true, NULL);
    cut = nr_strndup(pem, strlen(pem) / 2);
    assert_pem_rejected(cut, strlen(cut), "not PEM");
    nr_free(cut);
    nr_free(pem);
}

/* ---- sealed blobs ---- */

static void test_seal_round_trip(void **state)
{
    static const size_t sizes[] = {0, 1, 15, 16, 17, 31, 32, 33, 1000, 70000};
    (void)state;

    for (size_t i = 0; i < NR_ARRAY_LEN(suites); i++) {
        for (size_t j = 0; j < NR_ARRAY_LEN(sizes); j++) {
            uint8_t *plain = random_bytes(sizes[j]);
            struct nr_buf sealed, again, opened;
            struct nr_err err;
            size_t overhead = suites[i] == NR_SUITE_INTL ? 34 : 54;

            nr_err_init(&err);
            nr_buf_init(&sealed, SIZE_MAX / 2);
            nr_buf_init(&again, SIZE_MAX / 2);
            nr_buf_init(&opened, SIZE_MAX / 2);
            assert_int_equal(nr_seal(suites[i], key_a, plain, sizes[j], &sealed, &err), 0);
            assert_int_equal(sealed.len, sizes[j] + overhead);
            assert_memory_equal(sealed.p, "NRSB\x01", 5);
            assert_int_equal((uint8_t)sealed.p[5], suites[i] == NR_SUITE_INTL ? 1 : 2);
            /* Fresh nonce each time. */
            assert_int_equal(nr_seal(suites[i], key_a, plain, sizes[j], &again, &err), 0);
            assert_memory_not_equal(sealed.p, again.p, sealed.len);
            assert_int_equal(nr_open(suites[i], key_a, sealed.p, sealed.len, &opened, &err), 0);
            assert_int_equal(opened.len, sizes[j]);
            if (sizes[j])
                assert_memory_equal(opened.p, plain, sizes[j]);
            assert_int_equal(err.code, 0);
            nr_buf_release(&sealed);
            nr_buf_release(&again);
            nr_buf_release(&opened);
            nr_free(plain);
        }
    }
}

static void test_seal_tampering(void **state)
{
    static const char secret[] = "-----BEGIN PRIVATE KEY----- of the review office";
    (void)state;

    for (size_t i = 0; i < NR_ARRAY_LEN(suites); i++) {
        enum nr_suite other = suites[i] == NR_SUITE_INTL ? NR_SUITE_SM : NR_SUITE_INTL;
        struct nr_buf sealed, opened;
        struct nr_err err;
        uint8_t *copy;

        nr_buf_init(&sealed, 4096);
        nr_buf_init(&opened, 4096);
        assert_int_equal(nr_buf_append(&opened, "prior", 5), 0);
        assert_int_equal(nr_seal(suites[i], key_a, secret, strlen(secret), &sealed, NULL), 0);
        copy = nr_malloc(sealed.len + 1);

        /* Flip one byte anywhere, in every bit position. */
        for (size_t pos = 0; pos < sealed.len; pos++) {
            for (int bit = 0; bit < 8; bit++) {
                memcpy(copy, sealed.p, sealed.len);
                copy[pos] ^= (uint8_t)(1u << bit);
                nr_err_init(&err);
                assert_int_equal(nr_open(suites[i], key_a, copy, sealed.len, &opened, &err),
                                 NR_ETAMPERED);
                assert_int_equal(err.code, NR_ETAMPERED);
                assert_int_equal(opened.len, 5);
            }
        }
        /* Every truncation, and one byte more. */
        for (size_t len = 0; len < sealed.len; len++)
            assert_int_equal(nr_open(suites[i], key_a, sealed.p, len, &opened, NULL), NR_ETAMPERED);
        memcpy(copy, sealed.p, sealed.len);
        copy[sealed.len] = 0;
        assert_int_equal(nr_open(suites[i], key_a, copy, sealed.len + 1, &opened, NULL),
                         NR_ETAMPERED);
        /* Another key, the other suite. */
        assert_int_equal(nr_open(suites[i], key_b, sealed.p, sealed.len, &opened, NULL),
                         NR_ETAMPERED);
        nr_err_init(&err);
        assert_int_equal(nr_open(other, key_a, sealed.p, sealed.len, &opened, &err), NR_ETAMPERED);
        assert_non_null(strstr(err.msg, "sealed with suite"));
        assert_int_equal(nr_open(suites[i], key_a, NULL, 0, &opened, NULL), NR_ETAMPERED);
        assert_int_equal(opened.len, 5);
        assert_string_equal(opened.p, "prior");
        assert_ossl_queue_empty();

        /* Still opens when untouched; a buffer too small is NR_ETOOBIG and unchanged. */
        assert_int_equal(nr_open(suites[i], key_a, sealed.p, sealed.len, &opened, NULL), 0);
        assert_int_equal(opened.len, 5 + strlen(secret));
        nr_buf_release(&opened);
        nr_buf_init(&opened, 10);
        assert_int_equal(nr_open(suites[i], key_a, sealed.p, sealed.len, &opened, NULL),
                         NR_ETOOBIG);
        assert_int_equal(opened.len, 0);

        nr_free(copy);
        nr_buf_release(&sealed);
        nr_buf_release(&opened);
    }
    assert_int_equal(nr_seal((enum nr_suite)3, key_a, "x", 1, &(struct nr_buf){0}, NULL),
                     NR_EINVAL);
}

/* ---- sealed files ---- */

#define CHUNK 65536

/* Seals data from a temporary file; returns the sealed bytes. */
static uint8_t *seal_bytes(enum nr_suite s, const uint8_t *data, size_t len, size_t *sealed_len)
{
    int in = temp_fd(data, len), out = temp_fd(NULL, 0);
    uint8_t sha[NR_HASH_LEN], want[NR_HASH_LEN];
    uint64_t plain_len = 0;
    struct nr_err err;
    uint8_t *sealed;

    nr_err_init(&err);
    assert_int_equal(nr_seal_file(s, key_a, in, out, sha, &plain_len, &err), 0);
    assert_int_equal(plain_len, len);
    assert_int_equal(nr_hash(NR_SUITE_INTL, data, len, want), 0);
    assert_memory_equal(sha, want, NR_HASH_LEN);
    sealed = slurp(out, sealed_len);
    close(in);
    close(out);
    return sealed;
}

/* Opens sealed bytes; returns the code and the plaintext written. */
static int open_bytes(enum nr_suite s, const uint8_t *key, const uint8_t *sealed, size_t len,
                      uint8_t **plain, size_t *plain_len)
{
    int in = temp_fd(sealed, len), out = temp_fd(NULL, 0);
    struct nr_err err;
    int rc;

    nr_err_init(&err);
    rc = nr_open_file(s, key, in, out, &err);
    assert_int_equal(err.code, rc);
    *plain = slurp(out, plain_len);
    close(in);
    close(out);
    return rc;
}

static void test_file_round_trip(void **state)
{
    static const size_t sizes[] = {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 7};
    (void)state;

    for (size_t i = 0; i < NR_ARRAY_LEN(suites); i++) {
        size_t tag = suites[i] == NR_SUITE_INTL ? 16 : 32;
        for (size_t j = 0; j < NR_ARRAY_LEN(sizes); j++) {
            uint8_t *data = random_bytes(sizes[j]), *sealed, *plain;
            size_t sealed_len, plain_len, chunks = sizes[j] / CHUNK + 1;

            sealed = seal_bytes(suites[i], data, sizes[j], &sealed_len);
            assert_int_equal(sealed_len, 40 + sizes[j] + chunks * tag);
            assert_memory_equal(sealed, "NRSF\x01", 5);
            assert_int_equal(open_bytes(suites[i], key_a, sealed, sealed_len, &plain, &plain_len),
                             0);
            assert_int_equal(plain_len, sizes[j]);
            if (sizes[j])
                assert_memory_equal(plain, data, sizes[j]);
            nr_free(data);
            nr_free(sealed);
            nr_free(plain);
        }
    }
}

/* A multi-megabyte file through pipes both ways: a writer process feeds nr_seal_file, and
 * nr_open_file runs in a child that writes into a pipe the test reads. */
static void test_file_pipes_multi_mb(void **state)
{
    const size_t len = 5 * 1024 * 1024 + 12345;
    (void)state;

    for (size_t i = 0; i < NR_ARRAY_LEN(suites); i++) {
        uint8_t *data = random_bytes(len), *plain, sha[NR_HASH_LEN], want[NR_HASH_LEN];
        int to_seal[2], from_open[2], sealed_fd = temp_fd(NULL, 0), status;
        uint64_t plain_len;
        size_t got;
        pid_t pid;

        assert_int_equal(pipe(to_seal), 0);
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            size_t off = 0;
            close(to_seal[0]);
            while (off < len) {
                size_t step = len - off < 100003 ? len - off : 100003; /* odd-sized writes */
                ssize_t w = write(to_seal[1], data + off, step);
                if (w <= 0)
                    _exit(1);
                off += (size_t)w;
            }
            _exit(0);
        }
        close(to_seal[1]);
        assert_int_equal(
            nr_seal_file(suites[i], key_a, to_seal[0], sealed_fd, sha, &plain_len, NULL), 0);
        close(to_seal[0]);
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        assert_int_equal(plain_len, len);
        assert_int_equal(nr_hash(NR_SUITE_INTL, data, len, want), 0);
        assert_memory_equal(sha, want, NR_HASH_LEN);

        assert_int_equal(lseek(sealed_fd, 0, SEEK_SET), 0);
        assert_int_equal(pipe(from_open), 0);
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            close(from_open[0]);
            _exit(nr_open_file(suites[i], key_a, sealed_fd, from_open[1], NULL) == 0 ? 0 : 1);
        }
        close(from_open[1]);
        plain = slurp(from_open[0], &got);
        close(from_open[0]);
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        assert_int_equal(got, len);
        assert_memory_equal(plain, data, len);

        close(sealed_fd);
        nr_free(plain);
        nr_free(data);
    }
}

static void expect_file_tampered(enum nr_suite s, const uint8_t *key, const uint8_t *sealed,
                                 size_t len)
{
    uint8_t *plain;
    size_t plain_len;

    assert_int_equal(open_bytes(s, key, sealed, len, &plain, &plain_len), NR_ETAMPERED);
    nr_free(plain);
}

static void test_file_tampering(void **state)
{
    const size_t len = 3 * CHUNK + 100;
    (void)state;

    for (size_t i = 0; i < NR_ARRAY_LEN(suites); i++) {
        enum nr_suite other = suites[i] == NR_SUITE_INTL ? NR_SUITE_SM : NR_SUITE_INTL;
        size_t tag = suites[i] == NR_SUITE_INTL ? 16 : 32, full = CHUNK + tag;
        uint8_t *data = random_bytes(len), *sealed, *copy, *plain;
        size_t sealed_len, plain_len;

        sealed = seal_bytes(suites[i], data, len, &sealed_len);
        copy = nr_malloc(sealed_len + full);

        /* One flipped byte: every header byte, every chunk's first and last bytes (the last is
         * in its tag), and a spread of bytes in between. */
        for (size_t pos = 0; pos < sealed_len; pos++) {
            size_t in_chunk = pos < 40 ? 0 : (pos - 40) % full;
            if (pos >= 40 && in_chunk != 0 && in_chunk != full - 1 && pos != sealed_len - 1 &&
                pos % 4099 != 0)
                continue;
            memcpy(copy, sealed, sealed_len);
            copy[pos] ^= 0x20;
            expect_file_tampered(suites[i], key_a, copy, sealed_len);
        }
        /* Truncations: inside the header, at a chunk boundary (the rest dropped), one byte
         * short, nothing. */
        expect_file_tampered(suites[i], key_a, sealed, 39);
        expect_file_tampered(suites[i], key_a, sealed, 40);
        expect_file_tampered(suites[i], key_a, sealed, 40 + full);
        expect_file_tampered(suites[i], key_a, sealed, 40 + 2 * full);
        expect_file_tampered(suites[i], key_a, sealed, sealed_len - 1);
        expect_file_tampered(suites[i], key_a, sealed, 0);
        /* Data appended. */
        memcpy(copy, sealed, sealed_len);
        memset(copy + sealed_len, 0, full);
        expect_file_tampered(suites[i], key_a, copy, sealed_len + 1);
        expect_file_tampered(suites[i], key_a, copy, sealed_len + full);
        /* Two chunks swapped, one chunk duplicated over another. */
        memcpy(copy, sealed, sealed_len);
        memcpy(copy + 40, sealed + 40 + full, full);
        memcpy(copy + 40 + full, sealed + 40, full);
        expect_file_tampered(suites[i], key_a, copy, sealed_len);
        memcpy(copy, sealed, sealed_len);
        memcpy(copy + 40 + full, sealed + 40, full);
        expect_file_tampered(suites[i], key_a, copy, sealed_len);
        /* Another key, the other suite. */
        expect_file_tampered(suites[i], key_b, sealed, sealed_len);
        expect_file_tampered(other, key_a, sealed, sealed_len);

        /* Only authentic chunks reach the output: chunk 2 altered leaves chunks 0 and 1. */
        memcpy(copy, sealed, sealed_len);
        copy[40 + 2 * full + 5] ^= 1;
        assert_int_equal(open_bytes(suites[i], key_a, copy, sealed_len, &plain, &plain_len),
                         NR_ETAMPERED);
        assert_int_equal(plain_len, 2 * CHUNK);
        assert_memory_equal(plain, data, 2 * CHUNK);
        nr_free(plain);

        nr_free(copy);
        nr_free(sealed);
        nr_free(data);
    }
}

static void test_file_exact_chunks_drop_last(void **state)
{
    (void)state;

    /* A plaintext of exactly two chunks ends with an empty chunk (a bare tag); dropping it must
     * not go unnoticed. */
    for (size_t i = 0; i < NR_ARRAY_LEN(suites); i++) {
        size_t tag = suites[i] == NR_SUITE_INTL ? 16 : 32;
        uint8_t *data = random_bytes(2 * CHUNK), *sealed;
        size_t sealed_len;

        sealed = seal_bytes(suites[i], data, 2 * CHUNK, &sealed_len);
        assert_int_equal(sealed_len, 40 + 2 * CHUNK + 3 * tag);
        expect_file_tampered(suites[i], key_a, sealed, sealed_len - tag);
        nr_free(sealed);
        nr_free(data);
    }
}

static void test_file_io_errors(void **state)
{
    struct nr_err err;
    int fd = temp_fd("x", 1);
    (void)state;

    /* Reading from a closed descriptor is -EBADF, not a crash. */
    nr_err_init(&err);
    assert_int_equal(nr_seal_file(NR_SUITE_INTL, key_a, -1, fd, NULL, NULL, &err), -EBADF);
    assert_int_equal(err.code, -EBADF);
    assert_int_equal(nr_open_file(NR_SUITE_SM, key_a, -1, fd, NULL), -EBADF);
    assert_int_equal(nr_seal_file((enum nr_suite)4, key_a, fd, fd, NULL, NULL, NULL), NR_EINVAL);
    close(fd);
}

/* ---- passwords ---- */

static void test_password(void **state)
{
    char *enc = NULL, *enc2 = NULL;
    struct nr_err err;
    (void)state;

    assert_int_equal(setenv(NR_ARGON2_MEMORY_ENV, "256", 1), 0);
    nr_err_init(&err);
    assert_int_equal(nr_password_hash("correct horse battery staple", &enc, &err), 0);
    assert_true(strncmp(enc, "$argon2id$v=19$m=256,t=3,p=1$", 29) == 0);
    assert_int_equal(nr_password_verify(enc, "correct horse battery staple"), 0);
    assert_int_equal(nr_password_verify(enc, "correct horse battery stapl"), NR_EAUTH);
    assert_int_equal(nr_password_verify(enc, ""), NR_EAUTH);
    assert_int_equal(nr_password_verify(enc, NULL), NR_EAUTH);
    assert_int_equal(nr_password_verify(NULL, "x"), NR_EAUTH);
    /* Salted: the same password hashes differently. */
    assert_int_equal(nr_password_hash("correct horse battery staple", &enc2, &err), 0);
    assert_string_not_equal(enc, enc2);
    nr_free(enc2);

    /* Malformed or hostile encodings. */
    assert_int_equal(nr_password_verify("", "x"), NR_EAUTH);
    assert_int_equal(nr_password_verify("$argon2i$v=19$m=256,t=3,p=1$c2FsdHNhbHQ$aGFzaA", "x"),
                     NR_EAUTH);
    assert_int_equal(nr_password_verify("$argon2id$v=19$m=256,t=3,p=1$", "x"), NR_EAUTH);
    assert_int_equal(nr_password_verify("$argon2id$v=19$m=99999999,t=3,p=1$c2FsdHNhbHRzYWx0"
                                        "c2FsdA$aGFzaGhhc2hoYXNoaGFzaA",
                                        "x"),
                     NR_EAUTH);
    assert_int_equal(nr_password_verify("$argon2id$v=19$m=256,t=3,p=1$!!!$!!!", "x"), NR_EAUTH);
    enc[strlen(enc) - 2] = enc[strlen(enc) - 2] == 'A' ? 'B' : 'A';
    assert_int_equal(nr_password_verify(enc, "correct horse battery staple"), NR_EAUTH);
    nr_free(enc);

    /* A bad environment value is refused, not silently replaced. */
    static const char *const bad_env[] = {"abc", "7", "65537", "-5", "256k", "99999999999999999"};
    for (size_t i = 0; i < NR_ARRAY_LEN(bad_env); i++) {
        assert_int_equal(setenv(NR_ARGON2_MEMORY_ENV, bad_env[i], 1), 0);
        nr_err_init(&err);
        assert_int_equal(nr_password_hash("pw", &enc, &err), NR_EINVAL);
        assert_null(enc);
        assert_string_equal(err.field, NR_ARGON2_MEMORY_ENV);
    }
    assert_int_equal(nr_password_hash(NULL, &enc, NULL), NR_EINVAL);

    /* Without the variable: the full 64 MiB cost. */
    assert_int_equal(unsetenv(NR_ARGON2_MEMORY_ENV), 0);
    assert_int_equal(nr_password_hash("pw", &enc, NULL), 0);
    assert_true(strncmp(enc, "$argon2id$v=19$m=65536,t=3,p=1$", 31) == 0);
    assert_int_equal(nr_password_verify(enc, "pw"), 0);
    nr_free(enc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_suite_parse),
        cmocka_unit_test(test_hash_known_answers),
        cmocka_unit_test(test_hash_streaming),
        cmocka_unit_test(test_hmac),
        cmocka_unit_test(test_hex_random_ct),
        cmocka_unit_test(test_base64_vectors),
        cmocka_unit_test(test_base64_round_trip),
        cmocka_unit_test(test_base64_bad_input),
        cmocka_unit_test(test_sign_verify),
        cmocka_unit_test(test_verify_garbage),
        cmocka_unit_test(test_cross_suite),
        cmocka_unit_test(test_sm2_distinguishing_id),
        cmocka_unit_test(test_pem_round_trip),
        cmocka_unit_test(test_key_id_distinct),
        cmocka_unit_test(test_pem_rejects),
        cmocka_unit_test(test_seal_round_trip),
        cmocka_unit_test(test_seal_tampering),
        cmocka_unit_test(test_file_round_trip),
        cmocka_unit_test(test_file_pipes_multi_mb),
        cmocka_unit_test(test_file_tampering),
        cmocka_unit_test(test_file_exact_chunks_drop_last),
        cmocka_unit_test(test_file_io_errors),
        cmocka_unit_test(test_password),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
