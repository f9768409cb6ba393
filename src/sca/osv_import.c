/*
 * osv_import.c - OSV data into the store, and the stored advisories back out for people
 * (interface: osv.h, nr_osv_import and nr_osv_list). The supply-chain engine reads the same
 * tables as its index (sca.h), so the stored form written here is the contract of osv.h:
 * advisories, advisory_aliases and advisory_packages rows, ranges in the compact text form.
 *
 * Speed matters (a full OSV export is a few hundred thousand records), so the importer prepares
 * its statements once and rebinds them per record, writes NR_OSV_BATCH records per transaction,
 * and reads a zip as a stream (libarchive) rather than unpacking it. A replaced advisory keeps
 * its row id (UPDATE, not DELETE + INSERT) because sbom_matches refers to it: the watch (R14)
 * must not see an old match as new because the advisory behind it was refreshed.
 */
#include "netreview/osv.h"
#include "netreview/ident.h"
#include "netreview/procedure.h"
#include "osv_int.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "netreview/banned.h"

#define OSV_WALK_DEPTH   64  /* directory levels below the import root */
#define OSV_SUMMARY_MAX  200 /* bytes of details kept as summary when a record has none */
#define OSV_PROGRESS_RUN 1000

/* What one affected entry becomes in advisory_packages: its key, and its ranges and versions
 * in the compact text form; plus one row per CPE. Built before anything is written, so that a
 * record that cannot be stored is rejected whole. */
struct osv_pkg_row {
    const char *ecosystem, *name, *pkg_key; /* pkg_key NULL when the entry has no package */
    const char *ranges, *versions;
    const char **cpe_names, **cpe_keys;
    size_t ncpes;
};

struct osv_import {
    struct nr_review *rv;
    struct nr_osv_import_stats *stats;
    void (*progress)(void *ctx, int64_t done);
    void *ctx;
    struct nr_stmt *find, *insert, *update, *del_aliases, *del_packages, *add_alias, *add_package;
    struct nr_osv rec;
    struct nr_buf text, data;
    char now[NR_TIME_STR];
    int64_t in_batch;
    bool in_tx;
};

static const char osv_sql_find[] = "SELECT id, modified FROM advisories WHERE osv_id = ?";
static const char osv_sql_insert[] =
    "INSERT INTO advisories (osv_id, modified, published, withdrawn, summary, severity, "
    "cvss_vector, cvss_score10, rce, auth_bypass, fixed, imported_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
static const char osv_sql_update[] =
    "UPDATE advisories SET modified = ?, published = ?, withdrawn = ?, summary = ?, "
    "severity = ?, cvss_vector = ?, cvss_score10 = ?, rce = ?, auth_bypass = ?, fixed = ?, "
    "imported_at = ? WHERE id = ?";
static const char osv_sql_del_aliases[] = "DELETE FROM advisory_aliases WHERE advisory_id = ?";
static const char osv_sql_del_packages[] = "DELETE FROM advisory_packages WHERE advisory_id = ?";
static const char osv_sql_add_alias[] =
    "INSERT INTO advisory_aliases (advisory_id, alias) VALUES (?, ?) "
    "ON CONFLICT (advisory_id, alias) DO NOTHING";
static const char osv_sql_add_package[] =
    "INSERT INTO advisory_packages (advisory_id, ecosystem, name, pkg_key, ranges, versions) "
    "VALUES (?, ?, ?, ?, ?, ?)";

/* ---- the stored form of one record ---- */

static bool osv_has_space(const char *s)
{
    for (; *s; s++)
        if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\v' || *s == '\f')
            return true;
    return false;
}

/* "ECOSYSTEM i0 f1.2.3\nSEMVER i2.0.0 l2.4.1" (osv.h); NULL when the entry has no ranges at all.
 * An entry whose ranges are all GIT (or lost every event) gives "", not NULL: the matcher reads
 * an entry without range data as affecting every version, and commits say nothing of that. A
 * version holding whitespace would break the form, so its event is dropped. */
static const char *osv_ranges_text(struct osv_import *im, const struct nr_osv_affected *af)
{
    static const char letters[] = {'i', 'f', 'l', 'm'}; /* enum nr_osv_event_kind order */
    struct nr_buf *b = &im->text;

    nr_buf_reset(b);
    for (size_t r = 0; r < af->nranges; r++) {
        const struct nr_osv_range *range = &af->ranges[r];
        size_t mark = b->len;
        bool any = false;

        if (strcmp(range->type, "GIT") == 0)
            continue;
        if (b->len)
            nr_buf_puts(b, "\n");
        nr_buf_puts(b, range->type);
        for (size_t e = 0; e < range->nevents; e++) {
            if (osv_has_space(range->events[e].version))
                continue;
            nr_buf_printf(b, " %c%s", letters[range->events[e].kind], range->events[e].version);
            any = true;
        }
        if (!any) {
            b->len = mark;
            if (b->p)
                b->p[mark] = '\0';
        }
    }
    if (b->len == 0)
        return af->nranges ? "" : NULL;
    return nr_arena_strndup(&im->rec.arena, b->p, b->len);
}

static const char *osv_versions_text(struct osv_import *im, const struct nr_osv_affected *af)
{
    struct nr_buf *b = &im->text;

    nr_buf_reset(b);
    for (size_t v = 0; v < af->nversions; v++) {
        if (af->versions[v][0] == '\0' || strchr(af->versions[v], '\n'))
            continue;
        if (b->len)
            nr_buf_puts(b, "\n");
        nr_buf_puts(b, af->versions[v]);
    }
    return b->len ? nr_arena_strndup(&im->rec.arena, b->p, b->len) : NULL;
}

/* Builds every advisory_packages row of the parsed record into its arena. Failures are the
 * record's (a key too long): *perr says which entry, and nothing has been written. */
static int osv_rows(struct osv_import *im, struct osv_pkg_row **out, struct nr_err *perr)
{
    struct nr_osv *o = &im->rec;
    struct osv_pkg_row *rows = nr_arena_alloc(&o->arena, (o->naffected + 1) * sizeof(*rows));
    char key[NR_PKG_KEY_MAX], field[NR_ERR_FIELD_MAX];
    struct nr_cpe cpe;
    struct nr_buf b;
    struct nr_err kerr;
    int rc = 0;

    nr_cpe_init(&cpe);
    nr_buf_init(&b, NR_CPE_MAX * 2 + 16);
    for (size_t i = 0; i < o->naffected && rc == 0; i++) {
        const struct nr_osv_affected *af = &o->affected[i];
        struct osv_pkg_row *row = &rows[i];

        if (af->ecosystem == NULL && af->ncpes == 0)
            continue;
        row->ranges = osv_ranges_text(im, af);
        row->versions = osv_versions_text(im, af);
        if (af->ecosystem) {
            nr_err_init(&kerr);
            rc = nr_pkg_key_osv(af->ecosystem, af->name, key, sizeof(key), &kerr);
            if (rc) {
                snprintf(field, sizeof(field), "affected[%zu].package", i);
                rc = nr_err_set(perr, rc == NR_ETOOBIG ? NR_ETOOBIG : NR_EPARSE, field, "%s: %s",
                                field, kerr.msg[0] ? kerr.msg : nr_strerror(rc));
                break;
            }
            row->ecosystem = af->ecosystem;
            row->name = af->name;
            row->pkg_key = nr_arena_strdup(&o->arena, key);
        }
        if (af->ncpes) {
            row->cpe_names = nr_arena_alloc(&o->arena, af->ncpes * sizeof(char *));
            row->cpe_keys = nr_arena_alloc(&o->arena, af->ncpes * sizeof(char *));
        }
        for (size_t c = 0; c < af->ncpes && rc == 0; c++) {
            nr_err_init(&kerr);
            nr_buf_reset(&b);
            /* Parsed once already (osv.c); this pass makes the canonical name and key. */
            rc = nr_cpe_parse(&cpe, af->cpes[c], &kerr);
            if (rc == 0)
                rc = nr_cpe_format(&cpe, &b);
            if (rc == 0)
                row->cpe_names[c] = nr_arena_strndup(&o->arena, b.p, b.len);
            nr_buf_reset(&b);
            if (rc == 0)
                rc = nr_buf_puts(&b, "cpe:");
            if (rc == 0)
                rc = nr_cpe_product_key(&cpe, &b);
            if (rc == 0 && b.len >= NR_PKG_KEY_MAX)
                rc = NR_ETOOBIG;
            if (rc) {
                snprintf(field, sizeof(field), "affected[%zu].database_specific.cpes[%zu]", i, c);
                rc = nr_err_set(perr, rc, field, "%s: %s", field,
                                kerr.msg[0] ? kerr.msg : nr_strerror(rc));
                break;
            }
            row->cpe_keys[c] = nr_arena_strndup(&o->arena, b.p, b.len);
        }
        row->ncpes = rc == 0 ? af->ncpes : 0;
    }
    nr_buf_release(&b);
    nr_cpe_release(&cpe);
    *out = rows;
    return rc;
}

/* The summary column: the record's, or the first line of its details, cut on a character. */
static const char *osv_summary(struct nr_osv *o)
{
    size_t n;

    if (o->summary && o->summary[0])
        return o->summary;
    if (o->details == NULL)
        return NULL;
    n = strcspn(o->details, "\r\n");
    if (n > OSV_SUMMARY_MAX) {
        n = OSV_SUMMARY_MAX;
        while (n > 0 && ((unsigned char)o->details[n] & 0xC0) == 0x80)
            n--;
    }
    return n ? nr_arena_strndup(&o->arena, o->details, n) : NULL;
}

/* Binds the advisory columns shared by INSERT and UPDATE, from parameter `first` on. */
static void osv_bind_columns(struct nr_stmt *s, int first, struct osv_import *im)
{
    struct nr_osv *o = &im->rec;
    int i = first;

    nr_stmt_bind_text(s, i++, o->published);
    nr_stmt_bind_text(s, i++, o->withdrawn);
    nr_stmt_bind_text(s, i++, osv_summary(o));
    nr_stmt_bind_text(s, i++, o->severity);
    nr_stmt_bind_text(s, i++, o->cvss_vector);
    if (o->cvss_vector)
        nr_stmt_bind_int(s, i++, (int64_t)llround(o->cvss_score * 10.0));
    else
        nr_stmt_bind_null(s, i++);
    nr_stmt_bind_int(s, i++, o->rce);
    nr_stmt_bind_int(s, i++, o->auth_bypass);
    nr_stmt_bind_text(s, i++, o->fixed);
    nr_stmt_bind_text(s, i++, im->now);
}

static int osv_run(struct nr_stmt *s, struct nr_err *err)
{
    int rc = nr_stmt_step(s, err);
    nr_stmt_reset(s);
    return rc < 0 ? rc : 0;
}

static int osv_add_package(struct osv_import *im, int64_t id, const char *ecosystem,
                           const char *name, const char *key, const struct osv_pkg_row *row,
                           struct nr_err *err)
{
    struct nr_stmt *s = im->add_package;

    nr_stmt_bind_int(s, 1, id);
    nr_stmt_bind_text(s, 2, ecosystem);
    nr_stmt_bind_text(s, 3, name);
    nr_stmt_bind_text(s, 4, key);
    nr_stmt_bind_text(s, 5, row->ranges);
    nr_stmt_bind_text(s, 6, row->versions);
    return osv_run(s, err);
}

/* Writes the parsed record (im->rec) unless the store holds it at the same or a later
 * `modified`. Failures here are the store's and stop the import. */
static int osv_store(struct osv_import *im, const struct osv_pkg_row *rows, struct nr_err *err)
{
    struct nr_osv *o = &im->rec;
    char new_key[NR__OSV_TIME_KEY], old_key[NR__OSV_TIME_KEY];
    int64_t id = 0;
    bool exists = false, newer = true;
    int rc;

    nr_stmt_bind_text(im->find, 1, o->id);
    rc = nr_stmt_step(im->find, err);
    if (rc == NR_STORE_ROW) {
        exists = true;
        id = nr_stmt_int(im->find, 0);
        /* osv.c accepted this modified; a stored one that does not read counts as older. */
        nr__osv_time_key(o->modified, new_key);
        if (nr__osv_time_key(nr_stmt_text(im->find, 1), old_key) == 0)
            newer = strcmp(new_key, old_key) > 0;
    }
    nr_stmt_reset(im->find);
    if (rc < 0)
        return rc;
    if (exists && !newer) {
        im->stats->unchanged++;
        return 0;
    }
    if (exists) {
        struct nr_stmt *s = im->update;
        nr_stmt_bind_text(s, 1, o->modified);
        osv_bind_columns(s, 2, im);
        nr_stmt_bind_int(s, 12, id);
        rc = osv_run(s, err);
        if (rc == 0) {
            nr_stmt_bind_int(im->del_aliases, 1, id);
            rc = osv_run(im->del_aliases, err);
        }
        if (rc == 0) {
            nr_stmt_bind_int(im->del_packages, 1, id);
            rc = osv_run(im->del_packages, err);
        }
        if (rc)
            return rc;
        im->stats->updated++;
    } else {
        struct nr_stmt *s = im->insert;
        nr_stmt_bind_text(s, 1, o->id);
        nr_stmt_bind_text(s, 2, o->modified);
        osv_bind_columns(s, 3, im);
        rc = nr_stmt_step(s, err);
        if (rc == NR_STORE_ROW)
            id = nr_stmt_int(s, 0);
        nr_stmt_reset(s);
        if (rc < 0)
            return rc;
        if (rc != NR_STORE_ROW)
            return nr_err_set(err, NR_EDB, NULL, "advisory %s: no id returned", o->id);
        rc = 0;
        im->stats->added++;
    }
    if (o->withdrawn)
        im->stats->withdrawn++;

    /* Aliases: the id itself too, so that one lookup by any name finds the record. */
    for (size_t i = 0; i <= o->naliases && rc == 0; i++) {
        const char *alias = i == 0 ? o->id : o->aliases[i - 1];
        if (alias[0] == '\0')
            continue;
        nr_stmt_bind_int(im->add_alias, 1, id);
        nr_stmt_bind_text(im->add_alias, 2, alias);
        rc = osv_run(im->add_alias, err);
    }
    for (size_t i = 0; i < o->naffected && rc == 0; i++) {
        const struct osv_pkg_row *row = &rows[i];
        if (row->pkg_key)
            rc = osv_add_package(im, id, row->ecosystem, row->name, row->pkg_key, row, err);
        for (size_t c = 0; c < row->ncpes && rc == 0; c++)
            rc = osv_add_package(im, id, "CPE", row->cpe_names[c], row->cpe_keys[c], row, err);
    }
    return rc;
}

/* ---- records, batches ---- */

static void osv_reject(struct osv_import *im, const char *name, const struct nr_err *perr)
{
    struct nr_osv_import_stats *st = im->stats;

    st->rejected++;
    if (st->nerrors < NR_OSV_ERRORS_KEPT) {
        snprintf(st->errors[st->nerrors].file, sizeof(st->errors[0].file), "%s", name);
        st->errors[st->nerrors].err = *perr;
        st->nerrors++;
    }
}

static int osv_batch_end(struct osv_import *im, struct nr_err *err)
{
    int rc;

    if (!im->in_tx)
        return 0;
    rc = nr_store_commit(im->rv->st, err);
    im->in_tx = false;
    im->in_batch = 0;
    return rc;
}

/* Counts one record read and closes its batch when full. */
static int osv_counted(struct osv_import *im, struct nr_err *err)
{
    int rc = 0;

    im->stats->files++;
    if (++im->in_batch >= NR_OSV_BATCH)
        rc = osv_batch_end(im, err);
    if (im->progress && im->stats->files % OSV_PROGRESS_RUN == 0)
        im->progress(im->ctx, im->stats->files);
    return rc;
}

/* One record that could not even be read (too big, unreadable). */
static int osv_unreadable(struct osv_import *im, const char *name, const struct nr_err *perr,
                          struct nr_err *err)
{
    osv_reject(im, name, perr);
    return osv_counted(im, err);
}

static int osv_record(struct osv_import *im, const char *name, const char *buf, size_t len,
                      struct nr_err *err)
{
    struct osv_pkg_row *rows = NULL;
    struct nr_err perr;
    int rc;

    nr_err_init(&perr);
    if (!im->in_tx) {
        rc = nr_store_begin(im->rv->st, err);
        if (rc)
            return rc;
        im->in_tx = true;
    }
    rc = nr_osv_parse(&im->rec, buf, len, &perr);
    if (rc == 0)
        rc = osv_rows(im, &rows, &perr);
    if (rc) {
        osv_reject(im, name, &perr);
    } else {
        rc = osv_store(im, rows, err);
        if (rc)
            return rc;
    }
    return osv_counted(im, err);
}

static bool osv_is_json(const char *name)
{
    size_t n = strlen(name);
    return n > 5 && strcasecmp(name + n - 5, ".json") == 0;
}

/* ---- sources: a file, a directory tree, a zip ---- */

static int osv_file(struct osv_import *im, const char *path, const char *name, struct nr_err *err)
{
    struct nr_err ferr;
    char *buf = NULL;
    size_t len = 0;
    int rc;

    nr_err_init(&ferr);
    rc = nr_file_read(path, NR_OSV_MAX_BYTES, &buf, &len, &ferr);
    if (rc) {
        if (rc == NR_ETOOBIG)
            snprintf(ferr.msg, sizeof(ferr.msg), "a record is larger than %d bytes",
                     NR_OSV_MAX_BYTES);
        return osv_unreadable(im, name, &ferr, err);
    }
    rc = osv_record(im, name, buf, len, err);
    nr_free(buf);
    return rc;
}

static int osv_name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every *.json below root/rel, in name order (so that runs and their error lists repeat).
 * Symbolic links to directories are not followed: a link loop would never end. */
static int osv_walk(struct osv_import *im, const char *root, const char *rel, int depth,
                    struct nr_err *err)
{
    char *dirpath = rel[0] ? nr_asprintf("%s/%s", root, rel) : nr_strdup(root);
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    DIR *d;
    int rc = 0;

    if (depth > OSV_WALK_DEPTH) {
        rc = nr_err_set(err, NR_ETOOBIG, NULL, "%s: more than %d directory levels", dirpath,
                        OSV_WALK_DEPTH);
        goto out;
    }
    d = opendir(dirpath);
    if (d == NULL) {
        rc = -errno;
        nr_err_set(err, rc, NULL, "cannot read directory %s: %s", dirpath, strerror(errno));
        goto out;
    }
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            names = nr_realloc(names, cap * sizeof(*names));
        }
        names[n++] = nr_strdup(de->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof(*names), osv_name_cmp);
    for (size_t i = 0; i < n && rc == 0; i++) {
        char *full = nr_asprintf("%s/%s", dirpath, names[i]);
        char *sub = rel[0] ? nr_asprintf("%s/%s", rel, names[i]) : nr_strdup(names[i]);
        struct stat lst, sst;

        if (lstat(full, &lst) == 0) {
            if (S_ISDIR(lst.st_mode))
                rc = osv_walk(im, root, sub, depth + 1, err);
            else if (osv_is_json(names[i]) &&
                     (S_ISREG(lst.st_mode) ||
                      (S_ISLNK(lst.st_mode) && stat(full, &sst) == 0 && S_ISREG(sst.st_mode))))
                rc = osv_file(im, full, sub, err);
        }
        nr_free(full);
        nr_free(sub);
    }
out:
    for (size_t i = 0; i < n; i++)
        nr_free(names[i]);
    nr_free(names);
    nr_free(dirpath);
    return rc;
}

static int osv_zip(struct osv_import *im, const char *path, struct nr_err *err)
{
    struct archive *ar = archive_read_new();
    struct archive_entry *ent;
    char chunk[65536];
    int r, rc = 0;

    archive_read_support_format_zip(ar);
    if (archive_read_open_filename(ar, path, 1 << 16) != ARCHIVE_OK) {
        rc = nr_err_set(err, NR_EPARSE, NULL, "%s: not a readable zip archive: %s", path,
                        archive_error_string(ar));
        goto out;
    }
    while (rc == 0 && (r = archive_read_next_header(ar, &ent)) != ARCHIVE_EOF) {
        const char *name;
        struct nr_err ferr;
        ssize_t got;

        if (r < ARCHIVE_WARN) {
            rc = nr_err_set(err, NR_EPARSE, NULL, "%s: %s", path, archive_error_string(ar));
            break;
        }
        name = archive_entry_pathname(ent);
        if (archive_entry_filetype(ent) != AE_IFREG || name == NULL || !osv_is_json(name))
            continue;
        nr_err_init(&ferr);
        if (archive_entry_size_is_set(ent) && archive_entry_size(ent) > NR_OSV_MAX_BYTES) {
            nr_err_set(&ferr, NR_ETOOBIG, "", "a record is larger than %d bytes", NR_OSV_MAX_BYTES);
            rc = osv_unreadable(im, name, &ferr, err);
            continue;
        }
        nr_buf_reset(&im->data);
        while ((got = archive_read_data(ar, chunk, sizeof(chunk))) > 0)
            if (nr_buf_append(&im->data, chunk, (size_t)got) != 0)
                break;
        if (got < 0) {
            /* A damaged member (bad CRC, unsupported compression) is that record's problem;
             * a damaged archive stops the import at the next header. */
            nr_err_set(&ferr, NR_EPARSE, "", "cannot read the member: %s",
                       archive_error_string(ar));
            rc = osv_unreadable(im, name, &ferr, err);
        } else if (got > 0) {
            nr_err_set(&ferr, NR_ETOOBIG, "", "a record is larger than %d bytes", NR_OSV_MAX_BYTES);
            rc = osv_unreadable(im, name, &ferr, err);
        } else {
            rc = osv_record(im, name, im->data.p ? im->data.p : "", im->data.len, err);
        }
    }
out:
    archive_read_free(ar);
    return rc;
}

static bool osv_looks_zip(const char *path)
{
    size_t n = strlen(path);
    char magic[4] = {0};
    FILE *f;
    bool zip;

    if (n > 4 && strcasecmp(path + n - 4, ".zip") == 0)
        return true;
    f = fopen(path, "rb");
    if (f == NULL)
        return false;
    zip = fread(magic, 1, 4, f) == 4 && memcmp(magic, "PK\003\004", 4) == 0;
    fclose(f);
    return zip;
}

/* "osv.last_import": the import's time, made distinct from the previous value (osv.h). */
static int osv_mark(struct osv_import *im, struct nr_err *err)
{
    char *old = NULL, value[NR_TIME_STR + 24];
    struct nr_err gerr;
    int rc;

    nr_err_init(&gerr);
    rc = nr_store_setting_get(im->rv->st, "osv.last_import", &old, &gerr);
    if (rc && rc != NR_ENOTFOUND)
        return nr_err_set(err, rc, gerr.field, "%s", gerr.msg);
    snprintf(value, sizeof(value), "%s", im->now);
    if (old && strncmp(old, im->now, strlen(im->now)) == 0) {
        long long seq = 0;
        if (old[strlen(im->now)] == '+')
            seq = strtoll(old + strlen(im->now) + 1, NULL, 10);
        snprintf(value, sizeof(value), "%s+%lld", im->now, seq + 1);
    }
    nr_free(old);
    return nr_store_setting_set(im->rv->st, "osv.last_import", value, err);
}

static const char *osv_base(const char *path)
{
    size_t n = strlen(path);
    const char *slash;

    while (n > 1 && path[n - 1] == '/')
        n--;
    slash = memrchr(path, '/', n > 0 ? n - 1 : 0);
    return slash ? slash + 1 : path;
}

int nr_osv_import(struct nr_review *rv, const struct nr_actor *a, const char *path,
                  struct nr_osv_import_stats *stats, void (*progress)(void *ctx, int64_t done),
                  void *ctx, struct nr_err *err)
{
    struct osv_import im;
    struct timespec t0, t1;
    struct stat sb;
    char object[300], *detail = NULL;
    int rc;

    memset(stats, 0, sizeof(*stats));
    if (!a->local_admin && a->role != NR_ROLE_OFFICE)
        return nr_err_set(err, NR_EFORBIDDEN, NULL, "role %s may not import advisories",
                          nr_role_name(a->role));
    if (stat(path, &sb) != 0)
        return nr_err_set(err, -errno, NULL, "cannot read %s: %s", path, strerror(errno));
    if (!S_ISDIR(sb.st_mode) && !S_ISREG(sb.st_mode))
        return nr_err_set(err, NR_EINVAL, NULL, "%s is not a directory, a .zip or a .json file",
                          path);
    if (S_ISREG(sb.st_mode) && !osv_looks_zip(path) && !osv_is_json(path))
        return nr_err_set(err, NR_EINVAL, NULL, "%s is not a directory, a .zip or a .json file",
                          path);

    clock_gettime(CLOCK_MONOTONIC, &t0);
    memset(&im, 0, sizeof(im));
    im.rv = rv;
    im.stats = stats;
    im.progress = progress;
    im.ctx = ctx;
    nr_osv_init(&im.rec);
    nr_buf_init(&im.text, NR_OSV_MAX_BYTES);
    nr_buf_init(&im.data, NR_OSV_MAX_BYTES);
    nr_time_fmt(nr_time_now(), im.now);
    if ((rc = nr_store_prepare(rv->st, osv_sql_find, &im.find, err)) ||
        (rc = nr_store_prepare(rv->st, osv_sql_insert, &im.insert, err)) ||
        (rc = nr_store_prepare(rv->st, osv_sql_update, &im.update, err)) ||
        (rc = nr_store_prepare(rv->st, osv_sql_del_aliases, &im.del_aliases, err)) ||
        (rc = nr_store_prepare(rv->st, osv_sql_del_packages, &im.del_packages, err)) ||
        (rc = nr_store_prepare(rv->st, osv_sql_add_alias, &im.add_alias, err)) ||
        (rc = nr_store_prepare(rv->st, osv_sql_add_package, &im.add_package, err)))
        goto out;

    if (S_ISDIR(sb.st_mode))
        rc = osv_walk(&im, path, "", 0, err);
    else if (osv_looks_zip(path))
        rc = osv_zip(&im, path, err);
    else
        rc = osv_file(&im, path, path, err);

    /* R11: the import is on the record, with its counts, in the last batch's transaction. */
    if (rc == 0 && !im.in_tx) {
        rc = nr_store_begin(rv->st, err);
        im.in_tx = rc == 0;
    }
    if (rc == 0) {
        snprintf(object, sizeof(object), "osv:%s", osv_base(path));
        detail = nr_asprintf("files=%lld added=%lld updated=%lld unchanged=%lld withdrawn=%lld "
                             "rejected=%lld",
                             (long long)stats->files, (long long)stats->added,
                             (long long)stats->updated, (long long)stats->unchanged,
                             (long long)stats->withdrawn, (long long)stats->rejected);
        rc = nr_audit_append(rv, a, "osv.import", 0, object, detail, err);
    }
    if (rc == 0 && stats->added + stats->updated > 0)
        rc = osv_mark(&im, err);
    if (rc == 0)
        rc = osv_batch_end(&im, err);
out:
    if (im.in_tx)
        nr_store_rollback(rv->st);
    nr_stmt_free(im.find);
    nr_stmt_free(im.insert);
    nr_stmt_free(im.update);
    nr_stmt_free(im.del_aliases);
    nr_stmt_free(im.del_packages);
    nr_stmt_free(im.add_alias);
    nr_stmt_free(im.add_package);
    nr_osv_release(&im.rec);
    nr_arena_release(&im.rec.arena);
    nr_buf_release(&im.text);
    nr_buf_release(&im.data);
    nr_free(detail);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    stats->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    return rc;
}

/* ---- listing ---- */

static json_t *osv_list_strings(struct nr_stmt *s, int64_t id, struct nr_err *err, int *rc)
{
    json_t *arr = json_array();
    int r;

    nr_stmt_bind_int(s, 1, id);
    while ((r = nr_stmt_step(s, err)) == NR_STORE_ROW)
        json_array_append_new(arr, json_string(nr_stmt_text(s, 0)));
    nr_stmt_reset(s);
    if (r < 0)
        *rc = r;
    return arr;
}

int nr_osv_list(struct nr_review *rv, const char *alias_or_key, int limit, json_t **out,
                struct nr_err *err)
{
    static const char cols[] =
        "SELECT a.id, a.osv_id, a.modified, a.published, a.withdrawn, a.severity, "
        "a.cvss_score10, a.cvss_vector, a.rce, a.auth_bypass, a.fixed, a.summary "
        "FROM advisories a ";
    struct nr_stmt *s = NULL, *aliases = NULL, *packages = NULL;
    char key[NR_PKG_KEY_MAX] = "";
    json_t *rows = json_array();
    char *sql = NULL;
    int rc;

    *out = NULL;
    if (limit <= 0 || limit > 100000)
        limit = 100;
    if (alias_or_key) {
        /* "PyPI/Django" finds "PyPI/django": the key is made the way the importer makes it. */
        const char *slash = strchr(alias_or_key, '/');
        if (slash && slash != alias_or_key) {
            char eco[128];
            size_t n = (size_t)(slash - alias_or_key);
            if (n < sizeof(eco)) {
                memcpy(eco, alias_or_key, n);
                eco[n] = '\0';
                if (nr_pkg_key_osv(eco, slash + 1, key, sizeof(key), NULL) != 0)
                    key[0] = '\0';
            }
        }
        sql = nr_asprintf("%sWHERE a.id IN (SELECT advisory_id FROM advisory_aliases WHERE "
                          "alias = ?) OR a.id IN (SELECT advisory_id FROM advisory_packages "
                          "WHERE pkg_key = ? OR pkg_key = ?) "
                          "ORDER BY a.modified DESC, a.osv_id LIMIT ?",
                          cols);
        rc = nr_store_prepare_bind(rv->st, err, &s, sql, "ttti", alias_or_key, alias_or_key,
                                   key[0] ? key : alias_or_key, (int64_t)limit);
    } else {
        sql = nr_asprintf("%sORDER BY a.modified DESC, a.osv_id LIMIT ?", cols);
        rc = nr_store_prepare_bind(rv->st, err, &s, sql, "i", (int64_t)limit);
    }
    if (rc == 0)
        rc = nr_store_prepare(rv->st,
                              "SELECT alias FROM advisory_aliases WHERE advisory_id = ? AND "
                              "alias <> (SELECT osv_id FROM advisories WHERE id = advisory_id) "
                              "ORDER BY alias",
                              &aliases, err);
    if (rc == 0)
        rc = nr_store_prepare(rv->st,
                              "SELECT DISTINCT pkg_key FROM advisory_packages WHERE "
                              "advisory_id = ? ORDER BY pkg_key",
                              &packages, err);
    while (rc == 0) {
        int64_t id;
        json_t *row;
        int r = nr_stmt_step(s, err);

        if (r < 0)
            rc = r;
        if (r != NR_STORE_ROW)
            break;
        id = nr_stmt_int(s, 0);
        row = json_object();
        json_object_set_new(row, "id", json_string(nr_stmt_text(s, 1)));
        json_object_set_new(row, "aliases", osv_list_strings(aliases, id, err, &rc));
        json_object_set_new(row, "modified", json_string(nr_stmt_text(s, 2)));
        json_object_set_new(row, "published",
                            nr_stmt_is_null(s, 3) ? json_null() : json_string(nr_stmt_text(s, 3)));
        json_object_set_new(row, "withdrawn",
                            nr_stmt_is_null(s, 4) ? json_null() : json_string(nr_stmt_text(s, 4)));
        json_object_set_new(row, "severity", json_string(nr_stmt_text(s, 5)));
        json_object_set_new(row, "cvss_score",
                            nr_stmt_is_null(s, 6) ? json_null()
                                                  : json_real((double)nr_stmt_int(s, 6) / 10.0));
        json_object_set_new(row, "cvss_vector",
                            nr_stmt_is_null(s, 7) ? json_null() : json_string(nr_stmt_text(s, 7)));
        json_object_set_new(row, "rce", json_boolean(nr_stmt_int(s, 8)));
        json_object_set_new(row, "auth_bypass", json_boolean(nr_stmt_int(s, 9)));
        json_object_set_new(
            row, "fixed", nr_stmt_is_null(s, 10) ? json_null() : json_string(nr_stmt_text(s, 10)));
        json_object_set_new(row, "summary",
                            nr_stmt_is_null(s, 11) ? json_null()
                                                   : json_string(nr_stmt_text(s, 11)));
        json_object_set_new(row, "packages", osv_list_strings(packages, id, err, &rc));
        json_array_append_new(rows, row);
    }
    nr_stmt_free(s);
    nr_stmt_free(aliases);
    nr_stmt_free(packages);
    nr_free(sql);
    if (rc) {
        json_decref(rows);
        return rc;
    }
    *out = rows;
    return 0;
}
