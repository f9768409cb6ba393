/*
 * cli_osv.c - `netreview osv import|list`: vulnerability data in the OSV schema brought into the
 * installation, and a look at what is stored (interface: cli.h; the engine is osv.h). Importing
 * is for the local administrator or the office; listing is for anyone who may open the database.
 */
#include "cli.h"
#include "netreview/osv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netreview/banned.h"

static const char cli_osv_usage[] =
    "usage: netreview osv import PATH [--json]\n"
    "       netreview osv list [--q ID_OR_KEY] [--limit N] [--json]\n"
    "\n"
    "Vulnerability data in the OSV schema (https://ossf.github.io/osv-schema/), the data that\n"
    "`netreview analyze sbom` and the watch match components against.\n"
    "\n"
    "  import  reads PATH: a directory (every *.json below it), a .zip such as OSV's "
    "per-ecosystem\n"
    "          all.zip, or one .json record. A record replaces the stored one with the same id\n"
    "          only when its `modified` is later, so importing again is harmless. Records that\n"
    "          do not parse are skipped and listed with their file and JSON path; the others\n"
    "          land. Prints the counts; a progress line goes to stderr when it is a terminal.\n"
    "  list    stored advisories, newest first; --q takes an id or alias (CVE-2021-44228,\n"
    "          GHSA-...) or a package key (npm/lodash, PyPI/django, Maven/g:a, "
    "cpe:vendor:product);\n"
    "          --limit N (default 50)\n"
    "\n"
    "import: the office (--as LOGIN) or the local administrator (no --as).\n"
    "Exit codes: 0 done (even when some records were rejected), 2 usage, 4 refused,\n"
    "6 store or file system, 7 every record was rejected or PATH is not OSV data.\n";

static void cli_osv_progress(void *ctx, int64_t done)
{
    (void)ctx;
    fprintf(stderr, "\rnetreview: %lld records read", (long long)done);
    fflush(stderr);
}

static json_t *cli_osv_stats_json(const char *path, const struct nr_osv_import_stats *st)
{
    json_t *j = json_object(), *errors = json_array();

    json_object_set_new(j, "path", json_string(path));
    json_object_set_new(j, "files", json_integer(st->files));
    json_object_set_new(j, "added", json_integer(st->added));
    json_object_set_new(j, "updated", json_integer(st->updated));
    json_object_set_new(j, "unchanged", json_integer(st->unchanged));
    json_object_set_new(j, "withdrawn", json_integer(st->withdrawn));
    json_object_set_new(j, "rejected", json_integer(st->rejected));
    json_object_set_new(j, "seconds", json_real(st->seconds));
    json_object_set_new(j, "records_per_second",
                        json_real(st->seconds > 0 ? (double)st->files / st->seconds : 0.0));
    for (int i = 0; i < st->nerrors; i++)
        json_array_append_new(errors,
                              json_pack("{s:s,s:s,s:s,s:s}", "file", st->errors[i].file, "code",
                                        nr_err_name(st->errors[i].err.code), "field",
                                        st->errors[i].err.field, "message", st->errors[i].err.msg));
    json_object_set_new(j, "errors", errors);
    return j;
}

static int cli_osv_import(struct nr_cli *cli, const char *path)
{
    struct nr_osv_import_stats *st = nr_calloc(1, sizeof(*st));
    bool tty = isatty(STDERR_FILENO);
    struct nr_err err;
    int rc;

    rc = nr_cli_open(cli, NR_CLI_ADMIN);
    if (rc)
        goto out;
    nr_err_init(&err);
    rc = nr_osv_import(&cli->rv, &cli->actor, path, st, tty ? cli_osv_progress : NULL, NULL, &err);
    if (tty && st->files >= 1000)
        fputc('\n', stderr);
    if (rc) {
        rc = nr_cli_fail(cli, rc, &err);
        goto out;
    }
    if (cli->json) {
        nr_cli_print_json(cli_osv_stats_json(path, st));
    } else {
        printf("imported %s: %lld records, %lld added, %lld updated, %lld unchanged, "
               "%lld withdrawn, %lld rejected in %.2f s (%.0f records/s)\n",
               path, (long long)st->files, (long long)st->added, (long long)st->updated,
               (long long)st->unchanged, (long long)st->withdrawn, (long long)st->rejected,
               st->seconds, st->seconds > 0 ? (double)st->files / st->seconds : 0.0);
        for (int i = 0; i < st->nerrors; i++)
            fprintf(stderr, "netreview: rejected %s: %s\n", st->errors[i].file,
                    st->errors[i].err.msg);
        if (st->rejected > st->nerrors)
            fprintf(stderr, "netreview: and %lld more rejected\n",
                    (long long)(st->rejected - st->nerrors));
    }
    rc = st->files > 0 && st->rejected == st->files ? NR_EXIT_INVALID : NR_EXIT_OK;
    if (rc)
        fprintf(stderr, "netreview: no record of %s could be read\n", path);
out:
    nr_free(st);
    return rc;
}

static int cli_osv_list(struct nr_cli *cli, const char *q, const char *limit_s)
{
    static const char *const columns[] = {"id",       "modified",  "severity", "cvss_score",
                                          "packages", "withdrawn", "summary",  NULL};
    struct nr_err err;
    json_t *rows = NULL;
    long limit = 50;
    char *end = NULL;
    int rc;

    if (limit_s) {
        limit = strtol(limit_s, &end, 10);
        if (end == limit_s || *end != '\0' || limit < 1 || limit > 100000)
            return nr_cli_usage(cli_osv_usage, "--limit takes a number from 1 to 100000");
    }
    rc = nr_cli_open(cli, NR_CLI_ADMIN);
    if (rc)
        return rc;
    nr_err_init(&err);
    rc = nr_osv_list(&cli->rv, q, (int)limit, &rows, &err);
    if (rc)
        return nr_cli_fail(cli, rc, &err);
    if (cli->json) {
        nr_cli_print_json(rows);
    } else {
        nr_cli_print_table(rows, columns);
        json_decref(rows);
    }
    return NR_EXIT_OK;
}

int nr_cli_osv(struct nr_cli *cli, int argc, char **argv)
{
    const char *pos[2] = {0}, *q = NULL, *limit = NULL;
    struct nr_opt opts[] = {
        {"q", true, &q, NULL},
        {"limit", true, &limit, NULL},
        {NULL, false, NULL, NULL},
    };
    int npos = 0, rc;

    rc = nr_cli_parse(cli, argc, argv, 1, opts, pos, 2, &npos, cli_osv_usage);
    if (rc)
        return rc;
    if (npos < 1)
        return nr_cli_usage(cli_osv_usage, "osv needs import or list");
    if (strcmp(pos[0], "import") == 0) {
        if (npos != 2)
            return nr_cli_usage(cli_osv_usage, "osv import takes the path to import");
        if (q || limit)
            return nr_cli_usage(cli_osv_usage, "--q and --limit are options of osv list");
        return cli_osv_import(cli, pos[1]);
    }
    if (strcmp(pos[0], "list") == 0) {
        if (npos != 1)
            return nr_cli_usage(cli_osv_usage, "osv list takes no argument");
        return cli_osv_list(cli, q, limit);
    }
    return nr_cli_usage(cli_osv_usage, "unknown osv command \"%s\"", pos[0]);
}
