/*
 * cli_analyze.c - `netreview analyze sbom|traffic ...`: the engines' analyses from the command
 * line (interface: cli.h). `analyze sbom` reads a CycloneDX or SPDX SBOM (sbom.h) and matches it
 * against the imported advisories (sca.h): on its own it only prints the report, and with a case
 * it attaches the SBOM as evidence and records the findings, as the acting user. `analyze
 * traffic` belongs to the online-monitoring engine and is handed to cli_traffic.c.
 */
#include "cli.h"

#include "netreview/sbom.h"
#include "netreview/sca.h"

#include <stdio.h>
#include <string.h>

#include "netreview/banned.h"

static const char nr_analyze_usage[] =
    "usage: netreview analyze <kind> [<args>]\n"
    "\n"
    "  sbom FILE [--case CASE [--task TASK]] [--json]\n"
    "                 read a CycloneDX (1.4-1.6) or SPDX (2.3) JSON SBOM and match every\n"
    "                 component against the imported OSV advisories (`netreview osv import`),\n"
    "                 by package URL in its ecosystem's version order, else by CPE 2.3.\n"
    "                 Prints the findings (severity from CVSS; VEX statements of the SBOM\n"
    "                 suppress theirs and say so), components of unknown provenance and the\n"
    "                 suppliers' shares. Without --case nothing is stored and anyone may run it.\n"
    "                 With --case, as the institution of TASK or the office (--as USER): the\n"
    "                 SBOM becomes evidence of the case, its components are kept for the watch\n"
    "                 (R14) and every finding not suppressed is recorded in category\n"
    "                 supply_chain (control for remote code execution or authentication\n"
    "                 bypass), all in one transaction\n"
    "  traffic ...    analyse a capture against the declared endpoints (online monitoring);\n"
    "                 see `netreview analyze traffic --help`\n"
    "\n"
    "Options: --json prints the report as JSON (docs/SUPPLY_CHAIN.md describes it). A malformed\n"
    "SBOM exits 7 with the JSON path of the offending value. Exit codes: see `netreview --help`.\n";

/* A reader's error names the JSON path in err->field; the person reading the message needs it
 * there too, with the file it is in. Only malformed input is the file's: a refusal (role, phase,
 * task) is told as the model words it. */
static int nr_analyze_fail(struct nr_cli *cli, const char *path, int rc, const struct nr_err *err)
{
    struct nr_err e;
    bool input = rc == NR_EPARSE || rc == NR_ETOOBIG || rc == NR_EINVAL;

    if (!input || err->field[0] == '\0' || strcmp(err->field, "task") == 0 ||
        strncmp(err->msg, path, strlen(path)) == 0)
        return nr_cli_fail(cli, rc, err);
    nr_err_init(&e);
    nr_err_set(&e, rc, err->field, "%s: %s: %s", path, err->field,
               err->msg[0] ? err->msg : nr_strerror(rc));
    return nr_cli_fail(cli, rc, &e);
}

/* The summary line after an attachment, for a person. */
static void nr_analyze_print_attached(const json_t *report, const char *ref)
{
    json_t *ids = json_object_get(report, "finding_ids");

    printf("\nattached to case %s as evidence %lld (sbom %lld): %zu finding%s recorded\n", ref,
           (long long)json_integer_value(json_object_get(report, "evidence_id")),
           (long long)json_integer_value(json_object_get(report, "sbom_id")), json_array_size(ids),
           json_array_size(ids) == 1 ? "" : "s");
}

static int nr_analyze_sbom(struct nr_cli *cli, int argc, char **argv)
{
    const char *pos[1], *case_ref = NULL, *task = NULL;
    struct nr_opt opts[] = {
        {"case", true, &case_ref, NULL}, {"task", true, &task, NULL}, {NULL, false, NULL, NULL}};
    struct nr_sca_index *ix = NULL;
    struct nr_sbom sbom;
    struct nr_err err;
    json_t *report = NULL;
    int64_t case_id = 0, task_id = 0;
    int npos, rc;

    rc = nr_cli_parse(cli, argc, argv, 2, opts, pos, 1, &npos, nr_analyze_usage);
    if (rc)
        return rc;
    if (npos != 1)
        return nr_cli_usage(nr_analyze_usage, "analyze sbom needs FILE");
    if (task && case_ref == NULL)
        return nr_cli_usage(nr_analyze_usage, "--task names a task of a case; give --case too");
    if (task && nr_cli_id(task, &task_id) != 0)
        return nr_cli_usage(nr_analyze_usage, "--task must be a positive number, not \"%s\"", task);
    nr_err_init(&err);

    if (case_ref) {
        /* The case's rules are the model's: role, phase, need-to-know, one transaction. */
        rc = nr_cli_open(cli, NR_CLI_USER);
        if (rc)
            return rc;
        rc = nr_case_resolve(&cli->rv, &cli->actor, case_ref, &case_id, &err);
        if (rc)
            return nr_cli_fail(cli, rc, &err);
        rc = nr_sca_attach_file(&cli->rv, &cli->actor, case_id, task_id, pos[0], &report, &err);
        if (rc)
            return nr_analyze_fail(cli, pos[0], rc, &err);
        if (cli->json) {
            nr_cli_print_json(report);
        } else {
            nr_sca_report_print(report, stdout);
            nr_analyze_print_attached(report, case_ref);
            json_decref(report);
        }
        return NR_EXIT_OK;
    }

    /* Without a case nothing is written and no one's rights are at stake: anyone with the
     * database may analyse. The SBOM is read before the index is built, so that a malformed
     * file fails at once, and so that the index holds only the advisories of its keys (sca.h
     * nr_sca_index_acquire_sbom): one process, one SBOM. */
    rc = nr_cli_open(cli, NR_CLI_PUBLIC);
    if (rc)
        return rc;
    nr_sbom_init(&sbom);
    rc = nr_sbom_read_file(&sbom, pos[0], &err);
    if (rc) {
        nr_sbom_release(&sbom);
        return nr_analyze_fail(cli, pos[0], rc, &err);
    }
    rc = nr_sca_index_acquire_sbom(&cli->rv, &sbom, &ix, &err);
    if (rc == 0) {
        rc = nr_sca_analyze(ix, &sbom, &report, &err);
        nr_sca_index_release(ix);
    }
    nr_sbom_release(&sbom);
    if (rc)
        return nr_cli_fail(cli, rc, &err);
    if (cli->json) {
        nr_cli_print_json(report);
    } else {
        nr_sca_report_print(report, stdout);
        json_decref(report);
    }
    return NR_EXIT_OK;
}

int nr_cli_analyze(struct nr_cli *cli, int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(nr_analyze_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? NR_EXIT_USAGE : NR_EXIT_OK;
    }
    if (strcmp(argv[1], "sbom") == 0)
        return nr_analyze_sbom(cli, argc, argv);
    if (strcmp(argv[1], "traffic") == 0)
        return nr_cli_analyze_traffic(cli, argc, argv);
    return nr_cli_usage(nr_analyze_usage, "\"%s\" is not something analyze reads (sbom, traffic)",
                        argv[1]);
}
