/*
 * crypto.h - the two crypto suites: hashes, keys and signatures, sealed blobs and sealed files,
 * base64, random bytes, constant-time comparison and password hashing.
 *
 * Contract:
 * - An installation chooses one suite (MISSION.md, "two suites"):
 *     intl = Ed25519 signatures, SHA-256 hashes, AES-256-GCM encryption;
 *     sm   = SM2 signatures (SM3 digest, distinguishing ID "1234567812345678"), SM3 hashes,
 *            SM4-CTR + HMAC-SM3 encryption (encrypt-then-MAC).
 *   Both come from OpenSSL 3 libcrypto; passwords use argon2id from libargon2 in both suites.
 * - Functions that can fail return 0 or a negative NR_E... code, and put detail into the
 *   struct nr_err they take (NULL accepted). A failure inside OpenSSL is NR_ECRYPTO; the OpenSSL
 *   error queue is always left empty, so one failure never leaks into the next call.
 * - Everything this header returns through a `char **` is malloc'd and freed by the caller with
 *   nr_free. On failure such an out pointer is set to NULL. struct nr_key is freed with
 *   nr_key_free; struct nr_hash_ctx with nr_hash_ctx_free (both accept NULL).
 * - Functions taking a `struct nr_buf *out` append to a buffer the caller has initialised with
 *   nr_buf_init (its max applies: NR_ETOOBIG past it). On failure out is left at the length it had
 *   before the call, and nothing unauthenticated is ever appended.
 * - Out of memory aborts (core.h); no function here returns NR_ENOMEM.
 * - All functions are safe to call from several threads at once on distinct objects; a struct
 *   nr_key may be shared read-only by threads that sign or verify with it.
 * - Secrets (derived keys, plaintext buffers) are wiped with OPENSSL_cleanse before they are
 *   freed. Strings handed to the caller (PEM of a private key, password hashes) are the caller's
 *   to wipe.
 *
 * Sealed blob format (nr_seal / nr_open), version 1, all integers big-endian:
 *
 *   offset  size  field
 *   0       4     magic "NRSB"
 *   4       1     version, 1
 *   5       1     suite: 1 = intl, 2 = sm
 *   6       N     nonce: 12 random bytes (intl, the GCM IV) or 16 random bytes (sm, the CTR IV)
 *   6+N     L     ciphertext, as long as the plaintext
 *   6+N+L   T     tag: 16 bytes (intl, GCM tag) or 32 bytes (sm, HMAC-SM3)
 *
 *   The tag covers every byte before it: intl passes bytes 0..5 as GCM additional data (the
 *   nonce is the IV); sm computes HMAC-SM3 over bytes 0..6+N+L-1. The cipher and MAC keys are
 *   derived from the caller's 32-byte key with HKDF (HKDF-SHA256 for intl, HKDF-SM3 for sm; no
 *   salt; info "netreview v1 seal enc" and "netreview v1 seal mac"), so the caller's key is
 *   never used directly by a cipher. Overhead: 34 bytes (intl), 54 bytes (sm).
 *
 * Sealed file format (nr_seal_file / nr_open_file), version 1, a chunked "STREAM" layout so that
 * a file of any size is sealed and opened in constant memory and each chunk is checked before
 * its plaintext is written:
 *
 *   offset  size  field
 *   0       4     magic "NRSF"
 *   4       1     version, 1
 *   5       1     suite: 1 = intl, 2 = sm
 *   6       1     log2 of the chunk size, 16 (chunks of 65536 plaintext bytes)
 *   7       1     reserved, 0
 *   8       32    salt, random per file
 *   40      ...   chunks: ciphertext then tag (16 bytes intl, 32 bytes sm)
 *
 *   Every chunk but the last holds exactly 65536 plaintext bytes; the last holds 0..65535 (it is
 *   empty when the plaintext length is a multiple of 65536), so a file always ends with a short
 *   chunk. Per-file keys come from HKDF(key, salt = the file's salt, info "netreview v1 file
 *   enc" / "netreview v1 file mac"). Chunk i (from 0) uses the IV be64(i) followed by zeros
 *   (12 bytes intl, 16 bytes sm) and authenticates, besides its ciphertext, the 40-byte header,
 *   be64(i) and one byte that is 1 for the last chunk and 0 otherwise (GCM additional data for
 *   intl; HMAC-SM3 input header || be64(i) || last || IV || ciphertext for sm). Reordering,
 *   dropping, duplicating or truncating chunks, or appending data, therefore fails the tag.
 *
 * Signatures are returned base64 (RFC 4648, padded, no line breaks): for intl the 64-byte
 * Ed25519 signature (RFC 8032, over the data itself), for sm the DER SEQUENCE { r, s } of SM2
 * over SM3(Z || data) where Z uses the ID "1234567812345678" (GM/T 0009), so that
 * `openssl dgst -sm3 -verify pub.pem -sigopt distid:1234567812345678` and GmSSL agree.
 */
#ifndef NETREVIEW_CRYPTO_H
#define NETREVIEW_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netreview/core.h"

/* ---- suites ---- */

enum nr_suite { NR_SUITE_INTL, NR_SUITE_SM };

/* "intl" or "sm" (exact, lower case) into *out; NR_EINVAL otherwise (also for NULL). */
int nr_suite_parse(const char *s, enum nr_suite *out);
/* "intl" or "sm"; "unknown" for a value outside the enum. Never NULL, static storage. */
const char *nr_suite_name(enum nr_suite s);
/* Names of the suite's algorithms, for documents that say how they were signed:
 * "ed25519" | "sm2-sm3", "sha256" | "sm3", "aes-256-gcm" | "sm4-ctr-hmac-sm3". Static, never
 * NULL ("unknown" outside the enum). */
const char *nr_suite_sig_alg(enum nr_suite s);
const char *nr_suite_hash_alg(enum nr_suite s);
const char *nr_suite_cipher_alg(enum nr_suite s);

/* ---- hashes ---- */

#define NR_HASH_LEN 32 /* both SHA-256 and SM3 */

/* One-shot suite hash (SHA-256 or SM3) of len bytes (data may be NULL when len is 0).
 * 0, NR_EINVAL for a bad suite, NR_ECRYPTO if libcrypto fails. */
int nr_hash(enum nr_suite s, const void *data, size_t len, uint8_t out[NR_HASH_LEN]);

/* Streaming hash. nr_hash_ctx_new picks the suite hash; nr_hash_ctx_new_sha256 is SHA-256
 * whatever the suite (evidence digests are SHA-256 so that anyone can check them with common
 * tools). Both return 0 and a context the caller frees with nr_hash_ctx_free, or NR_EINVAL /
 * NR_ECRYPTO and *out = NULL. _final writes the digest and resets the context so that it can
 * hash a new message. */
struct nr_hash_ctx;
int nr_hash_ctx_new(enum nr_suite s, struct nr_hash_ctx **out);
int nr_hash_ctx_new_sha256(struct nr_hash_ctx **out);
int nr_hash_ctx_update(struct nr_hash_ctx *ctx, const void *data, size_t len);
int nr_hash_ctx_final(struct nr_hash_ctx *ctx, uint8_t out[NR_HASH_LEN]);
void nr_hash_ctx_free(struct nr_hash_ctx *ctx);

/* HMAC with the suite hash (HMAC-SHA256 or HMAC-SM3), for tokens and other keyed checks.
 * 0, NR_EINVAL (bad suite), NR_ECRYPTO. */
int nr_hmac(enum nr_suite s, const void *key, size_t key_len, const void *data, size_t len,
            uint8_t out[NR_HASH_LEN]);

/* Lower-case hex of n bytes into out, which has room for 2n+1 bytes; always NUL-terminated.
 * Cannot fail. */
void nr_hex(const uint8_t *in, size_t n, char *out);

/* ---- keys and signatures ---- */

/* An EVP_PKEY (Ed25519 or SM2), the suite it belongs to, and whether it holds the private half.
 * Immutable once made. */
struct nr_key;

#define NR_KEY_ID_STR 33 /* 32 hex digits and the NUL */

/* Fresh key pair of the suite. 0, or NR_EINVAL (bad suite) / NR_ECRYPTO with *out = NULL. */
int nr_key_generate(enum nr_suite s, struct nr_key **out, struct nr_err *err);
void nr_key_free(struct nr_key *k);
enum nr_suite nr_key_suite(const struct nr_key *k);
bool nr_key_has_private(const struct nr_key *k);
/* Unencrypted PKCS#8 PEM ("BEGIN PRIVATE KEY") of the private key; NR_EINVAL when k has no
 * private half, NR_ECRYPTO if libcrypto fails. The caller frees *pem (and should wipe it). */
int nr_key_private_pem(const struct nr_key *k, char **pem);
/* SubjectPublicKeyInfo PEM ("BEGIN PUBLIC KEY"); works for private keys too. */
int nr_key_public_pem(const struct nr_key *k, char **pem);
/* Loads the first PEM block of pem[0..len) (need not be NUL-terminated, at most 64 KiB):
 * "PRIVATE KEY" (unencrypted PKCS#8) or "PUBLIC KEY" (SubjectPublicKeyInfo) holding an Ed25519
 * key (suite intl) or an SM2 key (suite sm). Anything else, an encrypted key, a key of another
 * type (RSA, P-256, X25519 ...), trailing bytes after the DER or a key that fails its
 * consistency check is NR_ECRYPTO with a message saying which. Never prompts for a passphrase. */
int nr_key_from_pem(const char *pem, size_t len, struct nr_key **out, struct nr_err *err);
/* Key id: hex of the first 16 bytes of the suite hash of the DER SubjectPublicKeyInfo. Equal for
 * a private key and its public key, stable across PEM round trips. 0 or NR_ECRYPTO. */
int nr_key_id(const struct nr_key *k, char out[NR_KEY_ID_STR]);

/* Signs len bytes of data (see the signature format above). *sig_b64 is malloc'd base64 the
 * caller frees. NR_EINVAL when k has no private half; NR_ECRYPTO if libcrypto fails. SM2
 * signatures are randomised, Ed25519 ones deterministic. */
int nr_sign(const struct nr_key *k, const void *data, size_t len, char **sig_b64,
            struct nr_err *err);
/* 0 when sig_b64 is a valid signature of data by pub (a private key works too). NR_EBADSIG for
 * everything else a signer could cause: wrong key, key of the other suite, altered data, empty,
 * NULL, oversized or non-base64 signature, malformed DER. NR_EINVAL for a NULL pub (or NULL data
 * with len > 0), a programming error; NR_ECRYPTO only when libcrypto itself fails. Never crashes
 * on any signature. */
int nr_verify(const struct nr_key *pub, const void *data, size_t len, const char *sig_b64,
              struct nr_err *err);

/* ---- randomness and comparison ---- */

/* n bytes from OpenSSL's CSPRNG. 0 or NR_ECRYPTO (buf is then wiped). */
int nr_random(void *buf, size_t n);
/* true when the n bytes at a and b are equal, in time that depends only on n (CRYPTO_memcmp). */
bool nr_ct_equal(const void *a, const void *b, size_t n);

/* ---- sealed blobs and files (R11: evidence and keys encrypted at rest) ---- */

#define NR_SEAL_KEY_LEN 32
#define NR_SEAL_MAX     (1u << 30) /* largest nr_seal plaintext; bigger data goes to files */

/* Seals len bytes (at most NR_SEAL_MAX, else NR_ETOOBIG) into a blob appended to out.
 * 0, NR_EINVAL (bad suite), NR_ETOOBIG, NR_ECRYPTO. */
int nr_seal(enum nr_suite s, const uint8_t key[NR_SEAL_KEY_LEN], const void *in, size_t len,
            struct nr_buf *out, struct nr_err *err);
/* Checks and opens a blob, appending the plaintext to out. NR_ETAMPERED when the blob is
 * malformed, truncated, sealed with the other suite or another key, or altered in any byte;
 * NR_ETOOBIG when out cannot hold the plaintext; NR_ECRYPTO if libcrypto fails. Any input is
 * safe. */
int nr_open(enum nr_suite s, const uint8_t key[NR_SEAL_KEY_LEN], const void *in, size_t len,
            struct nr_buf *out, struct nr_err *err);

/* Reads in_fd to its end (a file or a pipe) and writes the sealed file to out_fd, in constant
 * memory. Gives the SHA-256 of the plaintext and its length (either pointer may be NULL).
 * 0, NR_EINVAL, NR_ECRYPTO, or -errno when reading or writing fails (out_fd then holds a
 * partial sealed file, which nr_open_file rejects). Neither fd is closed or rewound. */
int nr_seal_file(enum nr_suite s, const uint8_t key[NR_SEAL_KEY_LEN], int in_fd, int out_fd,
                 uint8_t sha256_of_plain[NR_HASH_LEN], uint64_t *plain_len, struct nr_err *err);
/* Reads a sealed file from in_fd and writes its plaintext to out_fd, one checked chunk at a
 * time. NR_ETAMPERED when the header is wrong (magic, version, suite, chunk size) or a chunk
 * fails its tag, or the file is truncated or extended: out_fd may then already hold a prefix of
 * the plaintext (every byte of it authentic, but incomplete) and the caller must discard it.
 * -errno when reading or writing fails; NR_EINVAL, NR_ECRYPTO. */
int nr_open_file(enum nr_suite s, const uint8_t key[NR_SEAL_KEY_LEN], int in_fd, int out_fd,
                 struct nr_err *err);

/* ---- base64 (RFC 4648 standard alphabet, with padding, no line breaks) ---- */

/* *out is a malloc'd NUL-terminated string the caller frees. 0 always (n == 0 gives ""). */
int nr_base64_encode(const void *in, size_t n, char **out);
/* Strict decoding of in[0..n), appended to out: the length must be a multiple of 4, '=' only as
 * the last one or two characters, no whitespace, and the unused bits of the last character must
 * be zero (so each byte string has exactly one encoding). NR_EPARSE otherwise; NR_ETOOBIG when
 * out's max is reached. */
int nr_base64_decode(const char *in, size_t n, struct nr_buf *out);

/* ---- passwords ---- */

/*
 * argon2id (libargon2) with t = 3 passes, p = 1 lane, a 16-byte random salt, a 32-byte hash and
 * m = 65536 KiB (64 MiB) of memory. The environment variable NETREVIEW_ARGON2_MEMORY_KIB, when
 * set, replaces m: an integer from 8 to 65536 (it may only lower the cost; tests and the demo set
 * it so that they stay fast). Any other value makes nr_password_hash fail with NR_EINVAL rather
 * than silently use a cost the operator did not intend. Verification reads the cost from the
 * encoded hash, so hashes made with any setting keep verifying.
 */
#define NR_ARGON2_T_COST      3
#define NR_ARGON2_M_COST_KIB  65536
#define NR_ARGON2_PARALLELISM 1
#define NR_ARGON2_MEMORY_ENV  "NETREVIEW_ARGON2_MEMORY_KIB"

/* *encoded is the malloc'd PHC string "$argon2id$v=19$m=...,t=...,p=...$salt$hash" the caller
 * frees. 0, NR_EINVAL (NULL password, bad environment value), NR_ECRYPTO (libargon2 failed). */
int nr_password_hash(const char *password, char **encoded, struct nr_err *err);
/* 0 when password matches encoded; NR_EAUTH for a mismatch, a NULL argument, an encoded string
 * that is malformed, not argon2id v19, or asks for more than 1 GiB of memory, 64 passes or 16
 * lanes (a guard against a planted hash that would exhaust the server). Comparison is constant
 * time. */
int nr_password_verify(const char *encoded, const char *password);

#endif
