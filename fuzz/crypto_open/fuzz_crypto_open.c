/*
 * fuzz_crypto_open.c - libFuzzer target for the parsers of the crypto module (crypto.h): the
 * sealed-blob opener, the sealed-file opener, the base64 decoder, the PEM key loader and the
 * signature verifier all get the same bytes, and none may crash, leak or read out of bounds.
 *
 * Everything is deterministic (fixed seal key, fixed public keys) so that a crash found once
 * replays. The corpus holds valid blobs, files, keys and signatures made with these keys, so the
 * fuzzer starts from inputs that pass the format checks. The replay driver (fuzz/replay.c) runs
 * the corpus in the regular build.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "netreview/core.h"
#include "netreview/crypto.h"

#include "netreview/banned.h"

/* The key the corpus blobs and files were sealed with: 31 characters and the NUL. */
static const uint8_t fuzz_key[NR_SEAL_KEY_LEN] = "netreview fuzz key, not secret!";

/* The message the corpus signatures sign, and the public keys that verify them. */
static const char fuzz_message[] = "netreview fuzz message";
static const char pub_intl[] = "-----BEGIN PUBLIC KEY-----\n"
                               "MCowBQYDK2VwAyEAMsHOGcB3nWhdkIdxx6poO2cycrJRu/ihCjZcnOL3I3g=\n"
                               "-----END PUBLIC KEY-----\n";
static const char pub_sm[] = "-----BEGIN PUBLIC KEY-----\n"
                             "MFkwEwYHKoZIzj0CAQYIKoEcz1UBgi0DQgAEfzy4MB49S5tmgmptGeL1HEaaceh3\n"
                             "JlR3YoJ6iBrtJghC50km/3J74PeZhDWSJGZKytCvI2h8kkl/yCGAZzv0yA==\n"
                             "-----END PUBLIC KEY-----\n";

static const enum nr_suite suites[] = {NR_SUITE_INTL, NR_SUITE_SM};

static struct nr_key *verify_keys[2];
static int sink_fd = -1;

static void setup(void)
{
    if (sink_fd >= 0)
        return;
    if (nr_key_from_pem(pub_intl, strlen(pub_intl), &verify_keys[0], NULL) != 0 ||
        nr_key_from_pem(pub_sm, strlen(pub_sm), &verify_keys[1], NULL) != 0)
        abort();
    sink_fd = memfd_create("fuzz-sink", MFD_CLOEXEC);
    if (sink_fd < 0)
        abort();
}

/* The sealed-file opener reads from a descriptor: give it the input in a memory file. */
static void fuzz_open_file(enum nr_suite s, const uint8_t *data, size_t size)
{
    int in = memfd_create("fuzz-in", MFD_CLOEXEC);
    size_t off = 0;

    if (in < 0)
        abort();
    while (off < size) {
        ssize_t w = write(in, data + off, size - off);
        if (w <= 0)
            abort();
        off += (size_t)w;
    }
    if (lseek(in, 0, SEEK_SET) != 0 || ftruncate(sink_fd, 0) != 0 ||
        lseek(sink_fd, 0, SEEK_SET) != 0)
        abort();
    (void)nr_open_file(s, fuzz_key, in, sink_fd, NULL);
    close(in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct nr_buf out;
    struct nr_key *key = NULL;
    struct nr_err err;
    char *text;

    setup();

    /* Base64, with a cap smaller than some inputs' decoded length. */
    nr_buf_init(&out, 4096);
    (void)nr_base64_decode((const char *)data, size, &out);
    nr_buf_release(&out);

    /* Sealed blobs and files, in both suites. */
    for (size_t i = 0; i < 2; i++) {
        nr_buf_init(&out, 1 << 20);
        nr_err_init(&err);
        if (nr_open(suites[i], fuzz_key, data, size, &out, &err) == 0 && err.code != 0)
            abort();
        nr_buf_release(&out);
        fuzz_open_file(suites[i], data, size);
    }

    /* PEM keys; one that loads must work end to end. */
    nr_err_init(&err);
    if (nr_key_from_pem((const char *)data, size, &key, &err) == 0) {
        char id[NR_KEY_ID_STR], *pem = NULL, *sig = NULL;
        if (nr_key_id(key, id) != 0 || nr_key_public_pem(key, &pem) != 0)
            abort();
        nr_free(pem);
        if (nr_key_has_private(key)) {
            if (nr_sign(key, fuzz_message, strlen(fuzz_message), &sig, NULL) != 0 ||
                nr_verify(key, fuzz_message, strlen(fuzz_message), sig, NULL) != 0)
                abort();
            nr_free(sig);
        }
        nr_key_free(key);
    } else if (key != NULL || err.code != NR_ECRYPTO) {
        abort();
    }

    /* Signatures: the input as a base64 signature of the fixed message, under both keys. */
    text = nr_strndup((const char *)data, size);
    for (size_t i = 0; i < 2; i++) {
        int rc = nr_verify(verify_keys[i], fuzz_message, strlen(fuzz_message), text, NULL);
        if (rc != 0 && rc != NR_EBADSIG)
            abort();
    }
    nr_free(text);
    return 0;
}
