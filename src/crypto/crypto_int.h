/*
 * crypto_int.h - what the files of src/crypto/ share and nobody else sees: the key struct, the
 * mapping from a suite to its OpenSSL algorithms, OpenSSL error reporting and HKDF.
 */
#ifndef NETREVIEW_CRYPTO_INT_H
#define NETREVIEW_CRYPTO_INT_H

#include <openssl/evp.h>

#include "netreview/crypto.h"

struct nr_key {
    EVP_PKEY *pkey;
    enum nr_suite suite;
    bool has_private;
};

/* The suite's hash: EVP_sha256() or EVP_sm3(); NULL for a value outside the enum. */
const EVP_MD *nr__suite_md(enum nr_suite s);
/* OpenSSL digest name for EVP_KDF / EVP_MAC parameters: "SHA256" or "SM3". */
const char *nr__suite_md_name(enum nr_suite s);
bool nr__suite_valid(enum nr_suite s);

/* Records code in err with "what: <first OpenSSL reason>" and empties OpenSSL's error queue.
 * Returns code. */
int nr__ossl_fail(struct nr_err *err, int code, const char *what);

/* HKDF (RFC 5869) with the suite hash: out_len bytes from ikm, an optional salt and info.
 * 0 or NR_ECRYPTO. */
int nr__hkdf(enum nr_suite s, const uint8_t *ikm, size_t ikm_len, const uint8_t *salt,
             size_t salt_len, const char *info, uint8_t *out, size_t out_len);

#endif
