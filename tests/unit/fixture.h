/*
 * fixture.h - a temporary installation for unit tests: a fresh directory with its database, keys
 * and data, initialised with a procedure of procedures/ and opened. Header-only so each test
 * program stays one file.
 */
#ifndef NETREVIEW_TEST_FIXTURE_H
#define NETREVIEW_TEST_FIXTURE_H

#include "netreview/review.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct nr_fixture {
    char dir[256];
    char db[300];
    struct nr_review rv;
    struct nr_actor admin;
    struct nr_review_config cfg;
};

static inline const char *nr_fixture_home(void)
{
    const char *h = getenv("NR_SOURCE_DIR");
    return h && *h ? h : NR_SOURCE_DIR;
}

/* Creates and opens an installation with the given procedure id and suite. Returns 0 or aborts
 * the test program with the error (a broken fixture makes every assertion meaningless). */
static inline int nr_fixture_open_suite(struct nr_fixture *fx, const char *procedure,
                                        enum nr_suite suite)
{
    struct nr_err err;
    int rc;

    memset(fx, 0, sizeof(*fx));
    /* The installation's places come from the fixture alone, never from the caller's shell. */
    unsetenv("NETREVIEW_DATA");
    unsetenv("NETREVIEW_DB");
    unsetenv("NETREVIEW_HOME");
    /* Keep argon2 cheap in tests; the cost is a parameter, not part of what is tested. */
    setenv("NETREVIEW_ARGON2_MEMORY_KIB", "1024", 0);
    snprintf(fx->dir, sizeof(fx->dir), "/tmp/nr-test-XXXXXX");
    if (mkdtemp(fx->dir) == NULL) {
        perror("mkdtemp");
        abort();
    }
    snprintf(fx->db, sizeof(fx->db), "%s/review.db", fx->dir);
    fx->cfg.db = fx->db;
    fx->cfg.home = nr_fixture_home();
    nr_err_init(&err);
    rc = nr_review_init(&fx->cfg, suite, procedure, &err);
    if (rc == 0)
        rc = nr_review_open(&fx->rv, &fx->cfg, &err);
    if (rc) {
        fprintf(stderr, "fixture: %s (%s)\n", err.msg, nr_strerror(rc));
        abort();
    }
    nr_actor_local_admin(&fx->admin);
    return 0;
}

static inline int nr_fixture_open(struct nr_fixture *fx, const char *procedure)
{
    return nr_fixture_open_suite(fx, procedure, NR_SUITE_INTL);
}

static inline void nr_fixture_close(struct nr_fixture *fx)
{
    char cmd[400];
    nr_review_close(&fx->rv);
    if (getenv("NR_KEEP_FIXTURE") == NULL && strncmp(fx->dir, "/tmp/nr-test-", 13) == 0) {
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
        if (system(cmd) != 0)
            fprintf(stderr, "fixture: could not remove %s\n", fx->dir);
    }
}

#endif
