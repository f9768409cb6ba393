/*
 * cli_case.c - `netreview case ...`: opening cases, lists, the case view, the procedure's
 * transitions (any transition id of the procedure is a subcommand), materials, extensions and
 * overdue work (interface: cli.h).
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netreview/banned.h"

static const char nr_case_usage[] =
    "usage: netreview case <command> [<args>] --as USER\n"
    "\n"
    "  open --trigger T --product P [--versions EXPR] [--title T] [--sector S] [--detail TEXT]\n"
    "       [--complaints 1,2,...] [--of CASE]     raise a case (R2); --of names the decided\n"
    "                                               case a re_review reviews again (R14)\n"
    "  list [--phase P] [--sector S] [--trigger T] [--product P] [--overdue] [--open]\n"
    "       [--limit N] [--offset N]\n"
    "  show CASE                                    everything about the case you may see\n"
    "  options CASE                                 the transitions you could make now\n"
    "  <transition> CASE [--reason R]               make a transition of the procedure, e.g.\n"
    "                                               scope_in, scope_out, accept, refuse,\n"
    "                                               submit_to_experts, publish, withdraw, revoke\n"
    "  decide CASE --outcome passed|passed_with_conditions|failed --rationale TEXT\n"
    "       [--conditions TEXT] [--versions EXPR] [--valid-until DATE]\n"
    "       [--visibility public|restricted|internal] [--audience org:X,sector:Y]\n"
    "       [--justification TEXT]                 R7: needed when departing from the panel\n"
    "  request-materials CASE --what TEXT           stops the clock (R13)\n"
    "  receive-materials CASE                       restarts it; the deadline moves\n"
    "  extend CASE --days N --reason TEXT           extend the phase deadline\n"
    "  overdue                                      open cases past their deadline\n"
    "\n"
    "CASE is an id or a reference such as NR-2026-0003. Exit codes: see `netreview --help`.\n";

static const char *const nr_case_columns[] = {"id",     "ref",     "phase", "phase_due", "clock",
                                              "sector", "trigger", "title", NULL};

static int nr_case_arg(struct nr_cli *cli, const char *ref, int64_t *id)
{
    struct nr_err err;
    int rc;
    nr_err_init(&err);
    rc = nr_case_resolve(&cli->rv, &cli->actor, ref, id, &err);
    return rc ? nr_cli_fail(cli, rc, &err) : 0;
}

static void nr_print_case(json_t *c)
{
    const char *keys[] = {
        "ref",      "title",          "product",        "versions",      "procedure",
        "trigger",  "trigger_detail", "sector",         "phase",         "phase_due",
        "clock",    "scoping_result", "scoping_reason", "closed_reason", "watch_reason",
        "opened_at"};
    json_t *v, *row;
    size_t i;

    for (size_t k = 0; k < NR_ARRAY_LEN(keys); k++) {
        v = json_object_get(c, keys[k]);
        if (v && json_is_string(v))
            printf("%-16s %s\n", keys[k], json_string_value(v));
    }
    if (json_is_true(json_object_get(c, "overdue")))
        printf("%-16s %s\n", "overdue", "yes");
    v = json_object_get(c, "phases");
    if (json_array_size(v)) {
        printf("\nphases:\n");
        json_array_foreach(v, i, row)
        {
            const char *due = json_string_value(json_object_get(row, "due"));
            const char *reason = json_string_value(json_object_get(row, "reason"));
            printf("  %-16s entered %s%s%s%s%s\n", json_string_value(json_object_get(row, "phase")),
                   json_string_value(json_object_get(row, "entered_at")), due ? ", due " : "",
                   due ? due : "", reason ? " — " : "", reason ? reason : "");
        }
    }
    v = json_object_get(c, "commitment");
    if (v && json_is_object(v))
        printf("\ncommitment signed by %s at %s\n",
               json_string_value(json_object_get(v, "signed_by")),
               json_string_value(json_object_get(v, "signed_at")));
    v = json_object_get(c, "tasks");
    if (json_array_size(v)) {
        printf("\ntasks:\n");
        json_array_foreach(v, i, row)
        {
            char *t = json_dumps(row, JSON_COMPACT);
            printf("  %s\n", t ? t : "");
            free(t);
        }
    }
    v = json_object_get(c, "findings");
    if (json_array_size(v)) {
        printf("\nfindings:\n");
        json_array_foreach(v, i, row)
        {
            printf("  #%lld %-12s %-8s %s\n",
                   (long long)json_integer_value(json_object_get(row, "id")),
                   json_string_value(json_object_get(row, "category")),
                   json_string_value(json_object_get(row, "severity")),
                   json_string_value(json_object_get(row, "title")));
        }
    }
    v = json_object_get(c, "evidence");
    if (json_array_size(v))
        printf("\nevidence: %zu file(s) (netreview evidence list)\n", json_array_size(v));
    v = json_object_get(c, "panel");
    if (v && json_is_object(v)) {
        json_t *rec = json_object_get(v, "recommendation");
        printf("\npanel: %zu member(s)%s%s\n", json_array_size(json_object_get(v, "members")),
               json_is_string(rec) ? ", recommendation " : " (scores sealed until all are in)",
               json_is_string(rec) ? json_string_value(rec) : "");
    }
    v = json_object_get(c, "decision");
    if (v && json_is_object(v))
        printf("\ndecision #%lld: %s, valid until %s, %s\n",
               (long long)json_integer_value(json_object_get(v, "id")),
               json_string_value(json_object_get(v, "outcome")),
               json_string_value(json_object_get(v, "valid_until")),
               json_string_value(json_object_get(v, "visibility")));
    v = json_object_get(c, "options");
    if (json_array_size(v)) {
        printf("\nnext steps:\n");
        json_array_foreach(v, i, row)
        {
            json_t *unmet = json_object_get(row, "unmet"), *u;
            size_t j;
            printf("  %-20s -> %-14s %s\n", json_string_value(json_object_get(row, "transition")),
                   json_string_value(json_object_get(row, "to")),
                   json_is_true(json_object_get(row, "allowed")) ? "" : "(not for your role)");
            json_array_foreach(unmet, j, u)
            {
                printf("  %20s    waiting: %s\n", "", json_string_value(json_object_get(u, "why")));
            }
        }
    }
}

static int nr_case_open_cmd(struct nr_cli *cli, int argc, char **argv)
{
    struct nr_case_spec sp = {0};
    const char *pos[1], *of = NULL;
    struct nr_opt opts[] = {{"trigger", true, &sp.trigger, NULL},
                            {"product", true, &sp.product, NULL},
                            {"versions", true, &sp.versions, NULL},
                            {"title", true, &sp.title, NULL},
                            {"sector", true, &sp.sector, NULL},
                            {"detail", true, &sp.detail, NULL},
                            {"complaints", true, &sp.complaints, NULL},
                            {"of", true, &of, NULL},
                            {NULL, false, NULL, NULL}};
    struct nr_err err;
    int64_t id = 0;
    int npos, rc;

    rc = nr_cli_parse(cli, argc, argv, 2, opts, pos, 0, &npos, nr_case_usage);
    if (rc)
        return rc;
    if (sp.trigger == NULL || sp.product == NULL)
        return nr_cli_usage(nr_case_usage, "case open needs --trigger and --product");
    rc = nr_cli_open(cli, NR_CLI_USER);
    if (rc)
        return rc;
    if (of && (rc = nr_case_arg(cli, of, &sp.re_review_of)) != 0)
        return rc;
    nr_err_init(&err);
    rc = nr_case_open(&cli->rv, &cli->actor, &sp, &id, &err);
    if (rc)
        return nr_cli_fail(cli, rc, &err);
    {
        json_t *c = NULL;
        if (nr_case_show(&cli->rv, &cli->actor, id, &c, &err) == 0) {
            if (cli->json) {
                nr_cli_print_json(c);
            } else {
                printf("opened case %s (id %lld) in phase %s, due %s\n",
                       json_string_value(json_object_get(c, "ref")), (long long)id,
                       json_string_value(json_object_get(c, "phase")),
                       json_is_string(json_object_get(c, "phase_due"))
                           ? json_string_value(json_object_get(c, "phase_due"))
                           : "-");
                json_decref(c);
            }
        }
    }
    return NR_EXIT_OK;
}

static int nr_case_list_cmd(struct nr_cli *cli, int argc, char **argv, bool overdue_cmd)
{
    struct nr_case_filter f = {0};
    const char *pos[1], *product = NULL, *limit = NULL, *offset = NULL;
    bool overdue = false, open_only = false;
    struct nr_opt opts[] = {{"phase", true, &f.phase, NULL},
                            {"sector", true, &f.sector, NULL},
                            {"trigger", true, &f.trigger, NULL},
                            {"product", true, &product, NULL},
                            {"limit", true, &limit, NULL},
                            {"offset", true, &offset, NULL},
                            {"overdue", false, NULL, &overdue},
                            {"open", false, NULL, &open_only},
                            {NULL, false, NULL, NULL}};
    struct nr_err err;
    json_t *rows = NULL;
    int64_t n;
    int npos, rc;

    rc = nr_cli_parse(cli, argc, argv, 2, opts, pos, 0, &npos, nr_case_usage);
    if (rc)
        return rc;
    if (limit) {
        if (nr_cli_id(limit, &n) != 0 || n > 1000)
            return nr_cli_usage(nr_case_usage, "--limit is 1 to 1000");
        f.limit = (int)n;
    }
    if (offset) {
        char *end;
        long long v = strtoll(offset, &end, 10);
        if (*end || v < 0 || v > 1000000000)
            return nr_cli_usage(nr_case_usage, "--offset needs a number");
        f.offset = (int)v;
    }
    rc = nr_cli_open(cli, NR_CLI_USER);
    if (rc)
        return rc;
    nr_err_init(&err);
    if (product && (rc = nr_product_find(&cli->rv, product, &f.product_id, &err)) != 0)
        return nr_cli_fail(cli, rc, &err);
    f.overdue_only = overdue;
    f.open_only = open_only;
    if (overdue_cmd)
        rc = nr_case_overdue(&cli->rv, &cli->actor, &rows, &err);
    else
        rc = nr_case_list(&cli->rv, &cli->actor, &f, &rows, &err);
    if (rc)
        return nr_cli_fail(cli, rc, &err);
    if (cli->json) {
        nr_cli_print_json(rows);
    } else {
        static const char *const overdue_cols[] = {
            "id", "ref", "phase", "phase_due", "working_days_overdue", "sector", "title", NULL};
        nr_cli_print_table(rows, overdue_cmd ? overdue_cols : nr_case_columns);
        json_decref(rows);
    }
    return NR_EXIT_OK;
}

static int nr_case_show_cmd(struct nr_cli *cli, int argc, char **argv, bool options)
{
    const char *pos[1];
    struct nr_err err;
    json_t *c = NULL;
    int64_t id;
    int npos, rc;

    rc = nr_cli_parse(cli, argc, argv, 2, NULL, pos, 1, &npos, nr_case_usage);
    if (rc)
        return rc;
    if (npos != 1)
        return nr_cli_usage(nr_case_usage, "case %s needs a CASE", argv[1]);
    rc = nr_cli_open(cli, NR_CLI_USER);
    if (rc == 0)
        rc = nr_case_arg(cli, pos[0], &id);
    if (rc)
        return rc;
    nr_err_init(&err);
    rc = options ? nr_case_options(&cli->rv, &cli->actor, id, &c, &err)
                 : nr_case_show(&cli->rv, &cli->actor, id, &c, &err);
    if (rc)
        return nr_cli_fail(cli, rc, &err);
    if (cli->json || options) {
        nr_cli_print_json(c);
    } else {
        nr_print_case(c);
        json_decref(c);
    }
    return NR_EXIT_OK;
}

/* One case argument plus --reason, for a transition named by the subcommand. */
static int nr_case_transition_cmd(struct nr_cli *cli, int argc, char **argv, const char *tid)
{
    struct nr_decision_spec d = {0};
    const char *pos[1], *reason = NULL;
    struct nr_opt opts[] = {{"reason", true, &reason, NULL},
                            {"outcome", true, &d.outcome, NULL},
                            {"rationale", true, &d.rationale, NULL},
                            {"conditions", true, &d.conditions, NULL},
                            {"versions", true, &d.versions, NULL},
                            {"valid-until", true, &d.valid_until, NULL},
                            {"visibility", true, &d.visibility, NULL},
                            {"audience", true, &d.audience, NULL},
                            {"justification", true, &d.justification, NULL},
                            {NULL, false, NULL, NULL}};
    const struct nr_transition *t;
    struct nr_err err;
    int64_t id;
    int npos, rc;

    rc = nr_cli_parse(cli, argc, argv, 2, opts, pos, 1, &npos, nr_case_usage);
    if (rc)
        return rc;
    if (npos != 1)
        return nr_cli_usage(nr_case_usage, "case %s needs a CASE", argv[1]);
    rc = nr_cli_open(cli, NR_CLI_USER);
    if (rc == 0)
        rc = nr_case_arg(cli, pos[0], &id);
    if (rc)
        return rc;
    t = nr_procedure_transition(&cli->rv.proc, tid);
    if (t == NULL)
        return nr_cli_usage(nr_case_usage, "procedure %s has no transition or command \"%s\"",
                            cli->rv.proc.id, argv[1]);
    if (!(t->needs & NR_NEEDS_DECISION) && (d.outcome || d.rationale))
        return nr_cli_usage(nr_case_usage, "%s takes no decision options", tid);
    nr_err_init(&err);
    rc = nr_case_transition(&cli->rv, &cli->actor, id, tid, reason,
                            (t->needs & NR_NEEDS_DECISION) ? &d : NULL, &err);
    if (rc)
        return nr_cli_fail(cli, rc, &err);
    if (cli->json) {
        json_t *c = NULL;
        if (nr_case_show(&cli->rv, &cli->actor, id, &c, &err) == 0)
            nr_cli_print_json(c);
    } else {
        printf("case %s: %s -> %s\n", pos[0], tid, t->to);
    }
    return NR_EXIT_OK;
}

static int nr_case_deadline_cmd(struct nr_cli *cli, int argc, char **argv)
{
    const char *pos[1], *what = NULL, *reason = NULL, *days = NULL;
    struct nr_opt opts[] = {{"what", true, &what, NULL},
                            {"reason", true, &reason, NULL},
                            {"days", true, &days, NULL},
                            {NULL, false, NULL, NULL}};
    struct nr_err err;
    int64_t id, n = 0;
    int npos, rc;
    const char *cmd = argv[1];

    rc = nr_cli_parse(cli, argc, argv, 2, opts, pos, 1, &npos, nr_case_usage);
    if (rc)
        return rc;
    if (npos != 1)
        return nr_cli_usage(nr_case_usage, "case %s needs a CASE", cmd);
    if (strcmp(cmd, "extend") == 0 && (days == NULL || nr_cli_id(days, &n) != 0 || n > 250))
        return nr_cli_usage(nr_case_usage, "extend needs --days N (1 to 250 working days)");
    rc = nr_cli_open(cli, NR_CLI_USER);
    if (rc == 0)
        rc = nr_case_arg(cli, pos[0], &id);
    if (rc)
        return rc;
    nr_err_init(&err);
    if (strcmp(cmd, "request-materials") == 0)
        rc = nr_materials_request(&cli->rv, &cli->actor, id, what, &err);
    else if (strcmp(cmd, "receive-materials") == 0)
        rc = nr_materials_receive(&cli->rv, &cli->actor, id, &err);
    else
        rc = nr_deadline_extend(&cli->rv, &cli->actor, id, (int)n, reason, &err);
    if (rc)
        return nr_cli_fail(cli, rc, &err);
    {
        json_t *c = NULL;
        if (nr_case_show(&cli->rv, &cli->actor, id, &c, &err) == 0) {
            if (cli->json) {
                nr_cli_print_json(c);
            } else {
                printf("case %s: clock %s, phase %s due %s\n", pos[0],
                       json_string_value(json_object_get(c, "clock")),
                       json_string_value(json_object_get(c, "phase")),
                       json_is_string(json_object_get(c, "phase_due"))
                           ? json_string_value(json_object_get(c, "phase_due"))
                           : "-");
                json_decref(c);
            }
        }
    }
    return NR_EXIT_OK;
}

int nr_cli_case(struct nr_cli *cli, int argc, char **argv)
{
    const char *cmd;
    char tid[64];

    if (argc < 2)
        return nr_cli_usage(nr_case_usage, "case needs a command");
    cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(nr_case_usage, stdout);
        return NR_EXIT_OK;
    }
    if (strcmp(cmd, "open") == 0)
        return nr_case_open_cmd(cli, argc, argv);
    if (strcmp(cmd, "list") == 0)
        return nr_case_list_cmd(cli, argc, argv, false);
    if (strcmp(cmd, "overdue") == 0)
        return nr_case_list_cmd(cli, argc, argv, true);
    if (strcmp(cmd, "show") == 0)
        return nr_case_show_cmd(cli, argc, argv, false);
    if (strcmp(cmd, "options") == 0)
        return nr_case_show_cmd(cli, argc, argv, true);
    if (strcmp(cmd, "request-materials") == 0 || strcmp(cmd, "receive-materials") == 0 ||
        strcmp(cmd, "extend") == 0)
        return nr_case_deadline_cmd(cli, argc, argv);
    if (strcmp(cmd, "transition") == 0) {
        if (argc < 4)
            return nr_cli_usage(nr_case_usage, "case transition needs CASE and TRANSITION");
        /* "case transition CASE NAME" is the long form of "case NAME CASE". */
        snprintf(tid, sizeof(tid), "%s", argv[3]);
        argv[3] = argv[2];
        return nr_case_transition_cmd(cli, argc - 1, argv + 1, tid);
    }
    /* Any transition of the procedure, with dashes allowed for underscores. */
    snprintf(tid, sizeof(tid), "%s", cmd);
    for (char *p = tid; *p; p++)
        if (*p == '-')
            *p = '_';
    return nr_case_transition_cmd(cli, argc, argv, tid);
}
