/*
 * review.c - the installation (database, procedure, calendar, keys), the acting user, and the
 * hash-chained audit log (interface: review.h).
 *
 * Layout of the data directory (default "<db>-data"):
 *   keys/master.key   32 random bytes that seal evidence and users' private keys (mode 0600)
 *   keys/office.key   the office's signing key, PKCS#8 PEM (mode 0600)
 *   keys/office.pub   its public half, given to anyone who verifies a published decision
 *   evidence/         encrypted, content-addressed evidence files (evaluation.c)
 */
#include "netreview/review.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netreview/banned.h"

#ifndef NR_SOURCE_DIR
#define NR_SOURCE_DIR "."
#endif

#define NR_PROCEDURE_MAX_PATH 4096

/* Resolved places of an installation, malloc'd. */
struct nr_places {
    char *db, *data_dir, *home;
};

static const char *nr_env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

static int nr_places_resolve(const struct nr_review_config *cfg, struct nr_places *pl,
                             struct nr_err *err)
{
    const char *db = cfg && cfg->db ? cfg->db : nr_env("NETREVIEW_DB");
    const char *data = cfg && cfg->data_dir ? cfg->data_dir : nr_env("NETREVIEW_DATA");
    const char *home = cfg && cfg->home ? cfg->home : nr_env("NETREVIEW_HOME");

    memset(pl, 0, sizeof(*pl));
    if (db == NULL)
        return nr_err_set(err, NR_EINVAL, "db",
                          "no database given (use --db PATH or NETREVIEW_DB)");
    pl->db = nr_strdup(db);
    pl->data_dir = data ? nr_strdup(data) : nr_asprintf("%s-data", db);
    pl->home = nr_strdup(home ? home : NR_SOURCE_DIR);
    return 0;
}

static void nr_places_release(struct nr_places *pl)
{
    nr_free(pl->db);
    nr_free(pl->data_dir);
    nr_free(pl->home);
}

/* A procedure given as an id lives in <home>/procedures/<id>.json; anything with a slash or a
 * .json suffix is a path. */
static char *nr_procedure_path(const char *home, const char *procedure)
{
    size_t n = strlen(procedure);
    if (strchr(procedure, '/') || (n > 5 && strcmp(procedure + n - 5, ".json") == 0))
        return nr_strdup(procedure);
    return nr_asprintf("%s/procedures/%s.json", home, procedure);
}

static int nr_write_secret(const char *path, const void *data, size_t len, struct nr_err *err)
{
    return nr_file_write(path, data, len, 0600, err);
}

int nr_review_init(const struct nr_review_config *cfg, enum nr_suite suite, const char *procedure,
                   struct nr_err *err)
{
    struct nr_places pl;
    struct nr_procedure proc;
    struct nr_store *st = NULL;
    struct nr_key *office = NULL;
    char *ppath = NULL, *keys = NULL, *path = NULL, *pem = NULL, *existing = NULL;
    char key_id[NR_KEY_ID_STR], now[NR_TIME_STR];
    uint8_t master[32];
    int rc;

    memset(&proc, 0, sizeof(proc));
    rc = nr_places_resolve(cfg, &pl, err);
    if (rc)
        return rc;
    ppath = nr_procedure_path(pl.home, procedure ? procedure : "cn-2017");
    /* A malformed procedure is refused before anything is created. */
    rc = nr_procedure_load(&proc, ppath, err);
    if (rc)
        goto out;
    rc = nr_store_open(pl.db, NR_STORE_CREATE, &st, err);
    if (rc)
        goto out;
    if (nr_store_setting_get(st, "suite", &existing, NULL) == 0) {
        rc = nr_err_set(err, NR_EEXISTS, "db", "%s is already initialised (suite %s)", pl.db,
                        existing ? existing : "?");
        goto out;
    }
    keys = nr_asprintf("%s/keys", pl.data_dir);
    rc = nr_mkdirs(keys, err);
    if (rc)
        goto out;
    rc = nr_random(master, sizeof(master));
    if (rc) {
        nr_err_set(err, rc, NULL, "cannot draw random bytes for the master key");
        goto out;
    }
    path = nr_asprintf("%s/master.key", keys);
    rc = nr_write_secret(path, master, sizeof(master), err);
    if (rc)
        goto out;
    rc = nr_key_generate(suite, &office, err);
    if (rc == 0)
        rc = nr_key_private_pem(office, &pem);
    if (rc)
        goto out;
    nr_free(path);
    path = nr_asprintf("%s/office.key", keys);
    rc = nr_write_secret(path, pem, strlen(pem), err);
    if (rc)
        goto out;
    nr_free(pem);
    pem = NULL;
    rc = nr_key_public_pem(office, &pem);
    if (rc == 0) {
        nr_free(path);
        path = nr_asprintf("%s/office.pub", keys);
        rc = nr_file_write(path, pem, strlen(pem), 0644, err);
    }
    if (rc == 0)
        rc = nr_key_id(office, key_id);
    if (rc)
        goto out;

    nr_time_fmt(nr_time_now(), now);
    rc = nr_store_begin(st, err);
    if (rc)
        goto out;
    if ((rc = nr_store_setting_set(st, "suite", nr_suite_name(suite), err)) == 0 &&
        (rc = nr_store_setting_set(st, "procedure", ppath, err)) == 0 &&
        (rc = nr_store_setting_set(st, "procedure_id", proc.id, err)) == 0 &&
        (rc = nr_store_setting_set(st, "office_key_id", key_id, err)) == 0 &&
        (rc = nr_store_setting_set(st, "initialised_at", now, err)) == 0)
        rc = nr_store_commit(st, err);
    else
        nr_store_rollback(st);
    if (rc)
        goto out;

    /* The first audit entry names the installation's choices. */
    {
        struct nr_review rv;
        rc = nr_review_open(&rv, cfg, err);
        if (rc == 0) {
            struct nr_actor admin;
            char *detail = nr_asprintf("suite=%s procedure=%s office_key=%s", nr_suite_name(suite),
                                       proc.id, key_id);
            nr_actor_local_admin(&admin);
            rc = nr_store_begin(rv.st, err);
            if (rc == 0)
                rc = nr_audit_append(&rv, &admin, "installation.init", 0, "installation", detail,
                                     err);
            if (rc == 0)
                rc = nr_store_commit(rv.st, err);
            else
                nr_store_rollback(rv.st);
            nr_free(detail);
            nr_review_close(&rv);
        }
    }
out:
    memset(master, 0, sizeof(master));
    nr_procedure_release(&proc);
    nr_store_close(st);
    nr_key_free(office);
    nr_free(existing);
    nr_free(ppath);
    nr_free(keys);
    nr_free(path);
    nr_free(pem);
    nr_places_release(&pl);
    return rc;
}

int nr_review_open(struct nr_review *rv, const struct nr_review_config *cfg, struct nr_err *err)
{
    struct nr_places pl;
    char *suite = NULL, *ppath = NULL, *path = NULL, *buf = NULL;
    size_t len = 0;
    int rc;

    memset(rv, 0, sizeof(*rv));
    rc = nr_places_resolve(cfg, &pl, err);
    if (rc)
        return rc;
    rc = nr_store_open(pl.db, 0, &rv->st, err);
    if (rc)
        goto out;
    rc = nr_store_setting_get(rv->st, "suite", &suite, NULL);
    if (rc || suite == NULL) {
        rc = nr_err_set(err, NR_ENOTFOUND, "db",
                        "%s is not initialised (run `netreview init` first)", pl.db);
        goto out;
    }
    rc = nr_suite_parse(suite, &rv->suite);
    if (rc) {
        nr_err_set(err, rc, "suite", "unknown crypto suite %s in the database", suite);
        goto out;
    }
    rc = nr_store_setting_get(rv->st, "procedure", &ppath, err);
    if (rc)
        goto out;
    /* A procedure edited after init is validated again at every start. */
    rc = nr_procedure_load(&rv->proc, ppath, err);
    if (rc)
        goto out;
    path = nr_asprintf("%s/calendars/%s.json", pl.home, rv->proc.calendar);
    rc = nr_calendar_load(&rv->cal, path, err);
    if (rc)
        goto out;
    nr_free(path);
    path = nr_asprintf("%s/keys/master.key", pl.data_dir);
    rc = nr_file_read(path, 64, &buf, &len, err);
    if (rc)
        goto out;
    if (len != sizeof(rv->master_key)) {
        rc = nr_err_set(err, NR_ECRYPTO, NULL, "%s is not a 32-byte key", path);
        goto out;
    }
    memcpy(rv->master_key, buf, len);
    memset(buf, 0, len);
    nr_free(buf);
    buf = NULL;
    nr_free(path);
    path = nr_asprintf("%s/keys/office.key", pl.data_dir);
    rc = nr_file_read(path, 1 << 16, &buf, &len, err);
    if (rc == 0)
        rc = nr_key_from_pem(buf, len, &rv->office_key, err);
    if (rc)
        goto out;
    rv->data_dir = pl.data_dir;
    rv->home = pl.home;
    pl.data_dir = pl.home = NULL;
out:
    if (buf) {
        memset(buf, 0, len);
        nr_free(buf);
    }
    nr_free(suite);
    nr_free(ppath);
    nr_free(path);
    nr_places_release(&pl);
    if (rc)
        nr_review_close(rv);
    return rc;
}

void nr_review_close(struct nr_review *rv)
{
    nr_store_close(rv->st);
    nr_procedure_release(&rv->proc);
    nr_calendar_release(&rv->cal);
    nr_key_free(rv->office_key);
    nr_free(rv->data_dir);
    nr_free(rv->home);
    memset(rv, 0, sizeof(*rv));
}

/* ---- actors ---- */

void nr_actor_local_admin(struct nr_actor *a)
{
    memset(a, 0, sizeof(*a));
    snprintf(a->login, sizeof(a->login), "local-admin");
    a->role = NR_ROLE_COMMITTEE;
    a->local_admin = true;
}

void nr_actor_public(struct nr_actor *a)
{
    memset(a, 0, sizeof(*a));
    snprintf(a->login, sizeof(a->login), "public");
    a->role = NR_ROLE_PUBLIC;
}

static int nr_actor_fill(struct nr_review *rv, const char *login, struct nr_actor *a,
                         char **password_hash, struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    int rc, role;

    rc = nr_store_prepare_bind(rv->st, err, &s,
                               "SELECT u.id, u.login, u.role, u.org_id, o.kind, o.sector, "
                               "u.password_hash FROM users u JOIN orgs o ON o.id = u.org_id "
                               "WHERE u.login = ? AND u.disabled = 0",
                               "t", login);
    if (rc)
        return rc;
    rc = nr_stmt_step(s, err);
    if (rc == NR_STORE_DONE) {
        rc = nr_err_set(err, NR_ENOTFOUND, "as", "no user %s", login);
        goto out;
    }
    if (rc < 0)
        goto out;
    memset(a, 0, sizeof(*a));
    a->user_id = nr_stmt_int(s, 0);
    snprintf(a->login, sizeof(a->login), "%s", nr_stmt_text(s, 1));
    role = nr_role_parse(nr_stmt_text(s, 2));
    a->role = role < 0 ? NR_ROLE_PUBLIC : role;
    a->org_id = nr_stmt_int(s, 3);
    snprintf(a->org_kind, sizeof(a->org_kind), "%s", nr_stmt_text(s, 4) ? nr_stmt_text(s, 4) : "");
    snprintf(a->sector, sizeof(a->sector), "%s", nr_stmt_text(s, 5) ? nr_stmt_text(s, 5) : "");
    if (password_hash)
        *password_hash = nr_stmt_text(s, 6) ? nr_strdup(nr_stmt_text(s, 6)) : NULL;
    rc = 0;
out:
    nr_stmt_free(s);
    return rc;
}

int nr_actor_load(struct nr_review *rv, const char *login, struct nr_actor *a, struct nr_err *err)
{
    return nr_actor_fill(rv, login, a, NULL, err);
}

/* A hash of the installation's cost that no password matches, made once per process. */
static pthread_once_t nr_dummy_once = PTHREAD_ONCE_INIT;
static char *nr_dummy_hash;

static void nr_dummy_make(void)
{
    if (nr_password_hash("netreview: no such user", &nr_dummy_hash, NULL) != 0)
        nr_dummy_hash = NULL;
}

int nr_actor_authenticate(struct nr_review *rv, const char *login, const char *password,
                          struct nr_actor *a, struct nr_err *err)
{
    char *hash = NULL;
    int rc = nr_actor_fill(rv, login, a, &hash, NULL);

    /* Unknown users and wrong passwords answer the same way, and take as long: an unknown
     * login is checked against a hash of the same cost. */
    if (rc != 0 || hash == NULL) {
        pthread_once(&nr_dummy_once, nr_dummy_make);
        if (nr_dummy_hash)
            nr_password_verify(nr_dummy_hash, password);
        rc = NR_EAUTH;
    } else if (nr_password_verify(hash, password) != 0) {
        rc = NR_EAUTH;
    }
    if (rc) {
        memset(a, 0, sizeof(*a));
        rc = nr_err_set(err, NR_EAUTH, "password", "wrong user or password");
    }
    nr_free(hash);
    return rc;
}

/* ---- audit log (R11) ---- */

/* Appends a text field with its backslashes and newlines escaped, so that the newline between
 * fields is unambiguous: without it, text could move from one field into the next (an object
 * "a\nb" with detail "c" hashing like object "a" with detail "b\nc") and the chain would not
 * notice. Text without either character hashes as it always did. */
static void nr_audit_field(struct nr_buf *b, const char *s)
{
    nr_buf_puts(b, "\n");
    while (s && *s) {
        size_t n = strcspn(s, "\\\n");
        nr_buf_append(b, s, n);
        s += n;
        if (*s) {
            nr_buf_puts(b, *s == '\\' ? "\\\\" : "\\n");
            s++;
        }
    }
}

/* The hashed text of an entry: every field, in order, with the previous entry's hash first, so
 * an edit, a removal or a swap breaks the chain at the first entry it touches. */
static void nr_audit_text(struct nr_buf *b, const char *prev, int64_t id, const char *at,
                          int64_t actor_id, const char *actor, const char *action, int64_t case_id,
                          const char *object, const char *detail)
{
    nr_buf_reset(b);
    nr_buf_printf(b, "%s\n%lld", prev, (long long)id);
    nr_audit_field(b, at);
    nr_buf_printf(b, "\n%lld", (long long)actor_id);
    nr_audit_field(b, actor);
    nr_audit_field(b, action);
    nr_buf_printf(b, "\n%lld", (long long)case_id);
    nr_audit_field(b, object);
    nr_audit_field(b, detail);
}

static void nr_audit_hash(struct nr_review *rv, const struct nr_buf *b, char out[65])
{
    uint8_t h[NR_HASH_LEN];
    nr_hash(rv->suite, b->p, b->len, h);
    nr_hex(h, NR_HASH_LEN, out);
}

#define NR_AUDIT_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

/* Reads the recorded head "ID:HASH" of the chain; false when there is none or it is malformed. */
static bool nr_audit_head(struct nr_review *rv, int64_t *id, char hash[65])
{
    char *head = NULL, *end = NULL;
    long long v;
    bool ok = false;

    if (nr_store_setting_get(rv->st, "audit_head", &head, NULL) == 0 && head) {
        v = strtoll(head, &end, 10);
        if (v > 0 && end && *end == ':' && strlen(end + 1) == 64) {
            *id = v;
            memcpy(hash, end + 1, 65);
            ok = true;
        }
    }
    nr_free(head);
    return ok;
}

int nr_audit_append(struct nr_review *rv, const struct nr_actor *a, const char *action,
                    int64_t case_id, const char *object, const char *detail, struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    struct nr_buf b;
    char prev[65] = NR_AUDIT_GENESIS, hash[65], now[NR_TIME_STR], head[96];
    int64_t id = 1;
    int rc;

    nr_buf_init(&b, 1 << 20);
    /* R11: the chain continues from the recorded head, not from whatever row is last, so that
     * entries cut off the end stay visible to nr_audit_verify after the next append (chaining
     * from the last row would silently re-use their ids and hide the cut). */
    if (nr_audit_head(rv, &id, prev)) {
        id++;
    } else {
        rc = nr_store_prepare(rv->st, "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1", &s,
                              err);
        if (rc)
            goto out;
        rc = nr_stmt_step(s, err);
        if (rc == NR_STORE_ROW) {
            id = nr_stmt_int(s, 0) + 1;
            snprintf(prev, sizeof(prev), "%s", nr_stmt_text(s, 1));
        } else if (rc < 0) {
            goto out;
        }
    }
    nr_time_fmt(nr_time_now(), now);
    nr_audit_text(&b, prev, id, now, a->user_id, a->login, action, case_id, object, detail);
    nr_audit_hash(rv, &b, hash);
    nr_stmt_free(s);
    s = NULL;
    rc = nr_store_prepare_bind(rv->st, err, &s,
                               "INSERT INTO audit (id, at, actor_id, actor, action, case_id, "
                               "object, detail, prev_hash, hash) "
                               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                               "ittttttttt", id, now, NULL, a->login, action, NULL, object, detail,
                               prev, hash);
    if (rc)
        goto out;
    /* Ids of 0 (the local administrator, the public, no case) stay NULL. */
    if (a->user_id)
        nr_stmt_bind_int(s, 3, a->user_id);
    if (case_id)
        nr_stmt_bind_int(s, 6, case_id);
    rc = nr_stmt_step(s, err);
    if (rc < 0)
        goto out;
    /* The head lets verify notice entries cut off the end of the chain. */
    snprintf(head, sizeof(head), "%lld:%s", (long long)id, hash);
    rc = nr_store_setting_set(rv->st, "audit_head", head, err);
out:
    nr_stmt_free(s);
    nr_buf_release(&b);
    return rc;
}

int nr_audit_verify(struct nr_review *rv, int64_t *bad_id, int64_t *count, struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    struct nr_buf b;
    char prev[65] = NR_AUDIT_GENESIS, hash[65];
    char *head = NULL;
    int64_t last = 0, n = 0;
    int rc;

    *bad_id = 0;
    nr_buf_init(&b, 1 << 20);
    rc = nr_store_prepare(rv->st,
                          "SELECT id, at, actor_id, actor, action, case_id, object, detail, "
                          "prev_hash, hash FROM audit ORDER BY id",
                          &s, err);
    if (rc)
        goto out;
    while ((rc = nr_stmt_step(s, err)) == NR_STORE_ROW) {
        int64_t id = nr_stmt_int(s, 0);
        const char *stored_prev = nr_stmt_text(s, 8), *stored = nr_stmt_text(s, 9);
        n++;
        if (id != last + 1 || stored_prev == NULL || strcmp(stored_prev, prev) != 0) {
            *bad_id = id;
            rc = nr_err_set(err, NR_ETAMPERED, "audit",
                            "audit entry %lld does not follow entry %lld: an entry was removed, "
                            "inserted or reordered",
                            (long long)id, (long long)last);
            goto out;
        }
        nr_audit_text(&b, prev, id, nr_stmt_text(s, 1) ? nr_stmt_text(s, 1) : "", nr_stmt_int(s, 2),
                      nr_stmt_text(s, 3) ? nr_stmt_text(s, 3) : "",
                      nr_stmt_text(s, 4) ? nr_stmt_text(s, 4) : "", nr_stmt_int(s, 5),
                      nr_stmt_text(s, 6), nr_stmt_text(s, 7));
        nr_audit_hash(rv, &b, hash);
        if (stored == NULL || strcmp(stored, hash) != 0) {
            *bad_id = id;
            rc = nr_err_set(err, NR_ETAMPERED, "audit",
                            "audit entry %lld was altered: its content does not match its hash",
                            (long long)id);
            goto out;
        }
        memcpy(prev, hash, sizeof(prev));
        last = id;
    }
    if (rc < 0)
        goto out;
    rc = 0;
    if (nr_store_setting_get(rv->st, "audit_head", &head, NULL) == 0 && head) {
        char expect[96];
        snprintf(expect, sizeof(expect), "%lld:%s", (long long)last, prev);
        if (strcmp(expect, head) != 0) {
            *bad_id = last + 1;
            rc = nr_err_set(err, NR_ETAMPERED, "audit",
                            "audit entries after %lld were removed: the recorded head is %s",
                            (long long)last, head);
        }
    }
out:
    *count = n;
    nr_free(head);
    nr_stmt_free(s);
    nr_buf_release(&b);
    return rc;
}

int nr_audit_list(struct nr_review *rv, const struct nr_actor *a, int64_t case_id, int limit,
                  json_t **out, struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    json_t *rows = NULL;
    int rc;

    *out = NULL;
    if (limit <= 0 || limit > 100000)
        limit = 100000;
    if (case_id) {
        struct nr_arena ar;
        struct nr_case c;
        nr_arena_init(&ar);
        /* R11: a case's history is shown to those who may see the case; the office sees all. */
        rc = nr_case_get(rv, a, case_id, &ar, &c, err);
        nr_arena_release(&ar);
        if (rc)
            return rc;
        if (!a->local_admin && a->role != NR_ROLE_OFFICE && a->role != NR_ROLE_COMMITTEE &&
            a->role != NR_ROLE_SECTOR_DEPT)
            return nr_err_set(err, NR_EFORBIDDEN, "case", "role %s may not read the audit log",
                              nr_role_name(a->role));
    } else if (!a->local_admin && a->role != NR_ROLE_OFFICE && a->role != NR_ROLE_COMMITTEE) {
        return nr_err_set(err, NR_EFORBIDDEN, NULL, "role %s may not read the whole audit log",
                          nr_role_name(a->role));
    }
    rc = nr_store_prepare_bind(rv->st, err, &s,
                               "SELECT id, at, actor, action, case_id, object, detail, hash "
                               "FROM audit WHERE (? = 0 OR case_id = ?) ORDER BY id LIMIT ?",
                               "iii", case_id, case_id, (int64_t)limit);
    if (rc)
        return rc;
    rows = json_array();
    while ((rc = nr_stmt_step(s, err)) == NR_STORE_ROW) {
        json_t *o = json_object();
        json_object_set_new(o, "id", json_integer(nr_stmt_int(s, 0)));
        json_object_set_new(o, "at", json_string(nr_stmt_text(s, 1)));
        json_object_set_new(o, "actor", json_string(nr_stmt_text(s, 2)));
        json_object_set_new(o, "action", json_string(nr_stmt_text(s, 3)));
        json_object_set_new(o, "case_id",
                            nr_stmt_int(s, 4) ? json_integer(nr_stmt_int(s, 4)) : json_null());
        json_object_set_new(o, "object",
                            nr_stmt_text(s, 5) ? json_string(nr_stmt_text(s, 5)) : json_null());
        json_object_set_new(o, "detail",
                            nr_stmt_text(s, 6) ? json_string(nr_stmt_text(s, 6)) : json_null());
        json_object_set_new(o, "hash", json_string(nr_stmt_text(s, 7)));
        json_array_append_new(rows, o);
    }
    nr_stmt_free(s);
    if (rc < 0) {
        json_decref(rows);
        return rc;
    }
    *out = rows;
    return 0;
}
