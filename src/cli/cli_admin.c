/*
 * cli_admin.c - `netreview init`, `migrate`, `procedure` and `audit` (interface: cli.h).
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netreview/banned.h"

static const char nr_init_usage[] =
    "usage: netreview init --db PATH [--data DIR] [--crypto intl|sm] [--procedure ID|FILE]\n"
    "\n"
    "Creates an installation: the database and its schema, a 32-byte master key that encrypts\n"
    "evidence at rest, the office's signing key pair, and the procedure in force.\n"
    "  --crypto intl   Ed25519, SHA-256, AES-256-GCM (default)\n"
    "  --crypto sm     SM2, SM3, SM4 (the Chinese national suite)\n"
    "  --procedure     an id under procedures/ (default cn-2017) or a path to a .json file\n";

int nr_cli_init(struct nr_cli *cli, int argc, char **argv)
{
    const char *crypto = "intl", *procedure = "cn-2017", *pos[1];
    struct nr_opt opts[] = {{"crypto", true, &crypto, NULL},
                            {"procedure", true, &procedure, NULL},
                            {NULL, false, NULL, NULL}};
    struct nr_review_config cfg = {0};
    struct nr_err err;
    enum nr_suite suite;
    int npos, rc;

    rc = nr_cli_parse(cli, argc, argv, 1, opts, pos, 0, &npos, nr_init_usage);
    if (rc)
        return rc;
    if (nr_suite_parse(crypto, &suite) != 0)
        return nr_cli_usage(nr_init_usage, "unknown crypto suite \"%s\" (intl or sm)", crypto);
    cfg.db = cli->db ? cli->db : getenv("NETREVIEW_DB");
    cfg.data_dir = cli->data_dir ? cli->data_dir : getenv("NETREVIEW_DATA");
    if (cfg.db == NULL)
        return nr_cli_usage(nr_init_usage, "no database given; use --db PATH");
    nr_err_init(&err);
    rc = nr_review_init(&cfg, suite, procedure, &err);
    if (rc)
        return nr_cli_fail(cli, rc, &err);
    if (cli->json) {
        nr_cli_print_json(json_pack("{s:s,s:s,s:s}", "db", cfg.db, "suite", nr_suite_name(suite),
                                    "procedure", procedure));
    } else {
        printf("initialised %s (suite %s, procedure %s)\n", cfg.db, nr_suite_name(suite),
               procedure);
    }
    return NR_EXIT_OK;
}

static const char nr_migrate_usage[] =
    "usage: netreview migrate --db PATH [--status]\n"
    "\n"
    "Applies every pending schema migration (each in its own transaction). --status only\n"
    "reports the database's schema version and the newest this program knows.\n";

int nr_cli_migrate(struct nr_cli *cli, int argc, char **argv)
{
    bool status = false;
    const char *pos[1];
    struct nr_opt opts[] = {{"status", false, NULL, &status}, {NULL, false, NULL, NULL}};
    struct nr_store *st = NULL;
    struct nr_err err;
    int npos, rc, version = 0, applied = 0;
    const char *db;

    rc = nr_cli_parse(cli, argc, argv, 1, opts, pos, 0, &npos, nr_migrate_usage);
    if (rc)
        return rc;
    db = cli->db ? cli->db : getenv("NETREVIEW_DB");
    if (db == NULL)
        return nr_cli_usage(nr_migrate_usage, "no database given; use --db PATH");
    nr_err_init(&err);
    rc = nr_store_open(db, NR_STORE_NO_MIGRATE, &st, &err);
    if (rc == 0 && !status)
        rc = nr_store_migrate(st, &applied, &err);
    if (rc == 0)
        rc = nr_store_schema_version(st, &version, &err);
    nr_store_close(st);
    if (rc)
        return nr_cli_fail(cli, rc, &err);
    if (cli->json)
        nr_cli_print_json(json_pack("{s:i,s:i,s:i}", "schema_version", version, "latest",
                                    nr_store_schema_latest(), "applied", applied));
    else
        printf("schema version %d (latest %d); %d migration%s applied\n", version,
               nr_store_schema_latest(), applied, applied == 1 ? "" : "s");
    return NR_EXIT_OK;
}

static const char nr_procedure_usage[] =
    "usage: netreview procedure [show] [--json]\n"
    "       netreview procedure check FILE\n"
    "\n"
    "show   the procedure in force: phases with deadlines, transitions, actions, triggers\n"
    "check  validate a procedure file without an installation (the file, the JSON path and what\n"
    "       is wrong when it is malformed)\n";

int nr_cli_procedure(struct nr_cli *cli, int argc, char **argv)
{
    const char *pos[2];
    struct nr_err err;
    int npos, rc;

    rc = nr_cli_parse(cli, argc, argv, 1, NULL, pos, 2, &npos, nr_procedure_usage);
    if (rc)
        return rc;
    if (npos >= 1 && strcmp(pos[0], "check") == 0) {
        struct nr_procedure p;
        if (npos != 2)
            return nr_cli_usage(nr_procedure_usage, "procedure check needs a FILE");
        nr_err_init(&err);
        rc = nr_procedure_load(&p, pos[1], &err);
        if (rc)
            return nr_cli_fail(cli, rc, &err);
        printf("%s: procedure %s is valid (%zu phases, %zu transitions)\n", pos[1], p.id, p.nphases,
               p.ntransitions);
        nr_procedure_release(&p);
        return NR_EXIT_OK;
    }
    if (npos >= 1 && strcmp(pos[0], "show") != 0)
        return nr_cli_usage(nr_procedure_usage, "unknown procedure command \"%s\"", pos[0]);
    rc = nr_cli_open(cli, NR_CLI_ADMIN);
    if (rc)
        return rc;
    if (cli->json) {
        nr_cli_print_json(nr_procedure_json(&cli->rv.proc, true));
        return NR_EXIT_OK;
    }
    {
        const struct nr_procedure *p = &cli->rv.proc;
        printf("procedure %s: %s\n  file %s\n\nphases (deadline in working days):\n", p->id,
               p->title ? p->title : "", p->path ? p->path : "");
        for (size_t i = 0; i < p->nphases; i++)
            printf("  %-16s %3d%s\n", p->phases[i].id, p->phases[i].deadline_days,
                   p->phases[i].terminal ? "  (closed)" : "");
        printf("\ntransitions:\n");
        for (size_t i = 0; i < p->ntransitions; i++) {
            const struct nr_transition *t = &p->transitions[i];
            printf("  %-20s", t->id);
            for (size_t f = 0; f < t->nfrom; f++)
                printf("%s%s", f ? "|" : "", t->from[f]);
            printf(" -> %s\n", t->to);
        }
        printf("\npanel of %d; a dimension median at %s or worse recommends failed, at %s "
               "passed_with_conditions\n",
               p->panel_size, p->scale[p->fail_at], p->scale[p->conditions_at]);
    }
    return NR_EXIT_OK;
}

static const char nr_audit_usage[] =
    "usage: netreview audit log [--case ID] [--limit N] [--json]\n"
    "       netreview audit verify [--json]\n"
    "\n"
    "log     the entries, oldest first; --case shows one case's history\n"
    "verify  recomputes the hash chain; exits 5 and names the first entry that was altered,\n"
    "        removed or reordered\n";

int nr_cli_audit(struct nr_cli *cli, int argc, char **argv)
{
    const char *pos[1], *case_ref = NULL, *limit = NULL;
    struct nr_opt opts[] = {
        {"case", true, &case_ref, NULL}, {"limit", true, &limit, NULL}, {NULL, false, NULL, NULL}};
    struct nr_err err;
    int npos, rc;

    rc = nr_cli_parse(cli, argc, argv, 1, opts, pos, 1, &npos, nr_audit_usage);
    if (rc)
        return rc;
    if (npos != 1)
        return nr_cli_usage(nr_audit_usage, "audit needs log or verify");
    nr_err_init(&err);
    if (strcmp(pos[0], "verify") == 0) {
        int64_t bad = 0, count = 0;
        rc = nr_cli_open(cli, NR_CLI_ADMIN);
        if (rc)
            return rc;
        rc = nr_audit_verify(&cli->rv, &bad, &count, &err);
        if (cli->json)
            nr_cli_print_json(json_pack("{s:b,s:I,s:o,s:s?}", "ok", rc == 0, "entries",
                                        (json_int_t)count, "first_bad_entry",
                                        bad ? json_integer(bad) : json_null(), "message",
                                        rc ? err.msg : NULL));
        if (rc == NR_ETAMPERED) {
            if (!cli->json)
                fprintf(stderr, "netreview: audit chain broken at entry %lld: %s\n", (long long)bad,
                        err.msg);
            return NR_EXIT_INTEGRITY;
        }
        if (rc)
            return nr_cli_fail(cli, rc, &err);
        if (!cli->json)
            printf("audit chain intact: %lld entries\n", (long long)count);
        return NR_EXIT_OK;
    }
    if (strcmp(pos[0], "log") == 0) {
        int64_t case_id = 0, n = 0;
        json_t *rows = NULL;
        static const char *const cols[] = {"id", "at", "actor", "action", "object", "detail", NULL};
        rc = nr_cli_open(cli, NR_CLI_ADMIN);
        if (rc)
            return rc;
        if (case_ref &&
            (rc = nr_case_resolve(&cli->rv, &cli->actor, case_ref, &case_id, &err)) != 0)
            return nr_cli_fail(cli, rc, &err);
        if (limit && nr_cli_id(limit, &n) != 0)
            return nr_cli_usage(nr_audit_usage, "--limit needs a positive number");
        rc = nr_audit_list(&cli->rv, &cli->actor, case_id, (int)n, &rows, &err);
        if (rc)
            return nr_cli_fail(cli, rc, &err);
        if (cli->json) {
            nr_cli_print_json(rows);
        } else {
            nr_cli_print_table(rows, cols);
            json_decref(rows);
        }
        return NR_EXIT_OK;
    }
    return nr_cli_usage(nr_audit_usage, "unknown audit command \"%s\"", pos[0]);
}
