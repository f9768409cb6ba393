/*
 * cli_panel.c - `netreview panel ...` and `netreview score ...`: forming a case's expert panel,
 * recusal, sealed signed scores and the panel view (interface: cli.h; the operations are
 * review.h's "expert review" part, MISSION.md R6).
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netreview/banned.h"

#define NR_CLI_SCORES_MAX (1024u * 1024)

static const char nr_panel_usage[] =
    "usage: netreview panel <command> [<args>] --as USER\n"
    "\n"
    "  form CASE [--experts a,b,c]\n"
    "                 form the case's panel from the experts committee (R6): the named experts\n"
    "                 in the order given, or every expert appointed today in id order. Experts\n"
    "                 affiliated with the provider or a competitor are excluded with the reason\n"
    "                 kept; the first unconflicted ones up to the procedure's panel size sit.\n"
    "                 After recusals, form again to fill the empty seats\n"
    "  show CASE      members, exclusions and recusals with their reasons, and how many\n"
    "                 dimensions each member has scored. Scores, medians and the\n"
    "                 recommendation appear only once every member has scored every dimension;\n"
    "                 an expert always sees their own\n"
    "  recuse CASE --reason R\n"
    "                 an expert leaves the panel, with the reason kept; their scores no longer\n"
    "                 count. Not possible once all scores are in\n"
    "\n"
    "Options: --json prints JSON. Exit codes: see `netreview --help`.\n";

static const char nr_score_usage[] =
    "usage: netreview score submit CASE --dimension D --level L --reason R --as USER\n"
    "       netreview score submit CASE --file scores.json --as USER\n"
    "\n"
    "  submit CASE    a panel member scores one dimension (R6) with a written reason (at most\n"
    "                 16 KiB), signed with their own key (R10). --file scores several at once,\n"
    "                 all or none: {\"control\": {\"level\": \"high\", \"reason\": \"...\"}, "
    "...}.\n"
    "                 A dimension may be scored again until every member has scored every\n"
    "                 dimension; then the scores are sealed and complete and frozen.\n"
    "\n"
    "Dimensions and levels come from the procedure (`netreview procedure show`).\n"
    "Options: --json prints the panel view. Exit codes: see `netreview --help`.\n";

static int nr_panel_case_arg(struct nr_cli *cli, const char *ref, int64_t *id)
{
    struct nr_err err;
    int rc;

    nr_err_init(&err);
    rc = nr_case_resolve(&cli->rv, &cli->actor, ref, id, &err);
    return rc ? nr_cli_fail(cli, rc, &err) : 0;
}

static const char *nr_panel_str(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "-";
}

static const char *nr_panel_login(json_t *m)
{
    return nr_panel_str(m, "login");
}

static void nr_panel_print(json_t *p)
{
    json_t *members = json_object_get(p, "members"), *m, *scores, *sc, *med;
    size_t i, j;
    bool sealed = json_is_true(json_object_get(p, "sealed"));
    long long total = (long long)json_integer_value(json_object_get(p, "dimensions_total"));

    printf("panel of case %s: %lld of %lld members, %lld scored every dimension%s\n",
           nr_panel_str(p, "case_ref"),
           (long long)json_integer_value(json_object_get(p, "members_active")),
           (long long)json_integer_value(json_object_get(p, "panel_size")),
           (long long)json_integer_value(json_object_get(p, "complete_scorers")),
           sealed ? " (scores sealed until all are in)" : "");
    json_array_foreach(members, i, m)
    {
        const char *reason = json_string_value(json_object_get(m, "reason"));
        const char *status = nr_panel_str(m, "status");
        char scored[48] = "";
        /* An excluded expert never scores; the count would only be noise. */
        if (strcmp(status, "excluded") != 0)
            snprintf(scored, sizeof(scored), "%lld/%lld scored",
                     (long long)json_integer_value(json_object_get(m, "dimensions_scored")), total);
        if (reason)
            printf("  %-20s %-9s %-11s  reason: %s\n", nr_panel_login(m), status, scored, reason);
        else
            printf("  %-20s %-9s %s\n", nr_panel_login(m), status, scored);
        scores = json_object_get(m, "scores");
        json_array_foreach(scores, j, sc)
        {
            printf("      %-14s %-9s %s\n", nr_panel_str(sc, "dimension"),
                   nr_panel_str(sc, "level"), nr_panel_str(sc, "reason"));
        }
    }
    med = json_object_get(p, "medians");
    if (json_is_object(med)) {
        const char *key;
        json_t *v;
        printf("medians:");
        json_object_foreach(med, key, v)
        {
            printf(" %s=%s", key, json_string_value(v));
        }
        printf("\nrecommendation: %s\n", nr_panel_str(p, "recommendation"));
    }
}

/* Prints the panel view after a change (what the actor may see of it). */
static void nr_panel_report(struct nr_cli *cli, int64_t case_id, const char *done)
{
    json_t *p = NULL;

    if (nr_panel_show(&cli->rv, &cli->actor, case_id, &p, NULL) != 0) {
        if (!cli->json)
            printf("%s\n", done);
        return;
    }
    if (cli->json) {
        nr_cli_print_json(p);
        return;
    }
    printf("%s\n", done);
    nr_panel_print(p);
    json_decref(p);
}

static int nr_panel_form_cmd(struct nr_cli *cli, int argc, char **argv)
{
    const char *pos[1], *experts = NULL;
    struct nr_opt opts[] = {{"experts", true, &experts, NULL}, {NULL, false, NULL, NULL}};
    struct nr_err err;
    int64_t case_id = 0;
    int npos, rc;

    rc = nr_cli_parse(cli, argc, argv, 2, opts, pos, 1, &npos, nr_panel_usage);
    if (rc)
        return rc;
    if (npos != 1)
        return nr_cli_usage(nr_panel_usage, "panel form needs CASE");
    rc = nr_cli_open(cli, NR_CLI_USER);
    if (rc == 0)
        rc = nr_panel_case_arg(cli, pos[0], &case_id);
    if (rc)
        return rc;
    nr_err_init(&err);
    rc = nr_panel_form(&cli->rv, &cli->actor, case_id, experts, &err);
    if (rc)
        return nr_cli_fail(cli, rc, &err);
    nr_panel_report(cli, case_id, "panel formed");
    return NR_EXIT_OK;
}

static int nr_panel_show_cmd(struct nr_cli *cli, int argc, char **argv)
{
    const char *pos[1];
    struct nr_err err;
    json_t *p = NULL;
    int64_t case_id = 0;
    int npos, rc;

    rc = nr_cli_parse(cli, argc, argv, 2, NULL, pos, 1, &npos, nr_panel_usage);
    if (rc)
        return rc;
    if (npos != 1)
        return nr_cli_usage(nr_panel_usage, "panel show needs CASE");
    rc = nr_cli_open(cli, NR_CLI_USER);
    if (rc == 0)
        rc = nr_panel_case_arg(cli, pos[0], &case_id);
    if (rc)
        return rc;
    nr_err_init(&err);
    rc = nr_panel_show(&cli->rv, &cli->actor, case_id, &p, &err);
    if (rc)
        return nr_cli_fail(cli, rc, &err);
    if (cli->json) {
        nr_cli_print_json(p);
    } else {
        nr_panel_print(p);
        json_decref(p);
    }
    return NR_EXIT_OK;
}

static int nr_panel_recuse_cmd(struct nr_cli *cli, int argc, char **argv)
{
    const char *pos[1], *reason = NULL;
    struct nr_opt opts[] = {{"reason", true, &reason, NULL}, {NULL, false, NULL, NULL}};
    struct nr_err err;
    int64_t case_id = 0;
    int npos, rc;

    rc = nr_cli_parse(cli, argc, argv, 2, opts, pos, 1, &npos, nr_panel_usage);
    if (rc)
        return rc;
    if (npos != 1 || reason == NULL)
        return nr_cli_usage(nr_panel_usage, "panel recuse needs CASE and --reason");
    rc = nr_cli_open(cli, NR_CLI_USER);
    if (rc == 0)
        rc = nr_panel_case_arg(cli, pos[0], &case_id);
    if (rc)
        return rc;
    nr_err_init(&err);
    rc = nr_panel_recuse(&cli->rv, &cli->actor, case_id, reason, &err);
    if (rc)
        return nr_cli_fail(cli, rc, &err);
    nr_panel_report(cli, case_id, "you have recused yourself; the reason is kept");
    return NR_EXIT_OK;
}

int nr_cli_panel(struct nr_cli *cli, int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(nr_panel_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? NR_EXIT_USAGE : NR_EXIT_OK;
    }
    if (strcmp(argv[1], "form") == 0)
        return nr_panel_form_cmd(cli, argc, argv);
    if (strcmp(argv[1], "show") == 0)
        return nr_panel_show_cmd(cli, argc, argv);
    if (strcmp(argv[1], "recuse") == 0)
        return nr_panel_recuse_cmd(cli, argc, argv);
    return nr_cli_usage(nr_panel_usage, "\"%s\" is not a panel command", argv[1]);
}

/* Scores every dimension of a scores file in one transaction: all are stored or none. */
static int nr_score_file(struct nr_cli *cli, int64_t case_id, const char *path, struct nr_err *err)
{
    struct nr_err inner;
    char *text = NULL;
    size_t len = 0;
    int rc;

    rc = nr_file_read(path, NR_CLI_SCORES_MAX, &text, &len, err);
    if (rc)
        return rc;
    nr_err_init(&inner);
    rc = nr_score_sheet_submit(&cli->rv, &cli->actor, case_id, text, len, &inner);
    nr_free(text);
    if (rc)
        nr_err_set(err, rc, inner.field, "%s: %s", path,
                   inner.msg[0] ? inner.msg : nr_strerror(rc));
    return rc;
}

int nr_cli_score(struct nr_cli *cli, int argc, char **argv)
{
    const char *pos[1], *dimension = NULL, *level = NULL, *reason = NULL, *file = NULL;
    struct nr_opt opts[] = {{"dimension", true, &dimension, NULL},
                            {"level", true, &level, NULL},
                            {"reason", true, &reason, NULL},
                            {"file", true, &file, NULL},
                            {NULL, false, NULL, NULL}};
    struct nr_err err;
    int64_t case_id = 0;
    int npos, rc;

    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(nr_score_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? NR_EXIT_USAGE : NR_EXIT_OK;
    }
    if (strcmp(argv[1], "submit") != 0)
        return nr_cli_usage(nr_score_usage, "\"%s\" is not a score command", argv[1]);
    rc = nr_cli_parse(cli, argc, argv, 2, opts, pos, 1, &npos, nr_score_usage);
    if (rc)
        return rc;
    if (npos != 1)
        return nr_cli_usage(nr_score_usage, "score submit needs CASE");
    if (file && (dimension || level || reason))
        return nr_cli_usage(nr_score_usage,
                            "give either --file or --dimension, --level and --reason");
    if (!file && (dimension == NULL || level == NULL || reason == NULL))
        return nr_cli_usage(nr_score_usage,
                            "score submit needs --dimension, --level and --reason (or --file)");
    rc = nr_cli_open(cli, NR_CLI_USER);
    if (rc == 0)
        rc = nr_panel_case_arg(cli, pos[0], &case_id);
    if (rc)
        return rc;
    nr_err_init(&err);
    if (file)
        rc = nr_score_file(cli, case_id, file, &err);
    else
        rc = nr_score_submit(&cli->rv, &cli->actor, case_id, dimension, level, reason, &err);
    if (rc)
        return nr_cli_fail(cli, rc, &err);
    nr_panel_report(cli, case_id, "score recorded and signed with your key");
    return NR_EXIT_OK;
}
