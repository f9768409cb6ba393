/*
 * cli_evaluation.c - `netreview commitment|task|evidence|finding ...`: the provider's signed
 * security commitment, evaluation tasks and their signed reports, encrypted evidence and
 * findings (interface: cli.h; the operations are review.h's "evaluation" part).
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netreview/banned.h"

#define NR_CLI_COMMITMENT_MAX (64u * 1024)
#define NR_CLI_REPORT_MAX     (1024u * 1024)

static const char nr_commitment_usage[] =
    "usage: netreview commitment sign CASE (--text TEXT | --file FILE) --as USER\n"
    "\n"
    "  sign CASE      the provider signs its security commitment for the case (R3) with the\n"
    "                 user's own key; the text (at most 64 KiB) is hashed and the hash signed.\n"
    "                 A case holds one commitment; a second is refused.\n"
    "\n"
    "Options: --json prints the stored commitment. CASE is an id or a reference such as\n"
    "NR-2026-0003. Exit codes: see `netreview --help`.\n";

static const char nr_task_usage[] =
    "usage: netreview task <command> [<args>] --as USER\n"
    "\n"
    "  assign CASE --institution ORG --method M [--standards S] [--due-days N]\n"
    "                 give a designated institution an evaluation task (R3, R5, R10): the\n"
    "                 designation must be in force, the method in its scope, no conflict of\n"
    "                 interest; due N working days from today (default the phase deadline)\n"
    "  report TASK (--text TEXT | --file FILE) [--standards S]\n"
    "                 the institution signs its evaluation report (at most 1 MiB) naming the\n"
    "                 reference standards it used (R10)\n"
    "  list CASE      the case's tasks you may see\n"
    "\n"
    "Options: --json prints JSON. Exit codes: see `netreview --help`.\n";

static const char nr_evidence_usage[] =
    "usage: netreview evidence <command> [<args>] --as USER\n"
    "\n"
    "  add CASE FILE [--task T] [--type MEDIA] [--name N] [--description D] [--public]\n"
    "                 store FILE encrypted, addressed by its SHA-256 (R11). The media type is\n"
    "                 guessed from the extension (.pcap, .pcapng, .json, .cdx.json, .spdx.json,\n"
    "                 .pdf, .txt, .bin, .img, .zip, .tar.gz ...). Captures, firmware and\n"
    "                 archives may be up to 2 GiB, documents up to 64 MiB. --public marks a\n"
    "                 document that is not confidential\n"
    "  get ID [--out FILE]\n"
    "                 decrypt evidence to FILE (mode 0600) or stdout; every read of\n"
    "                 confidential evidence is logged with its case as the purpose (R11).\n"
    "                 An altered stored file fails with exit code 5 and FILE is removed\n"
    "  list CASE      the evidence of the case you may read\n"
    "\n"
    "Options: --json prints JSON. Exit codes: see `netreview --help`.\n";

static const char nr_finding_usage[] =
    "usage: netreview finding <command> [<args>] --as USER\n"
    "\n"
    "  add CASE --category C --severity S --title T [--detail D] [--evidence 1,2] [--task T]\n"
    "                 record a finding in one of the procedure's risk categories (R4):\n"
    "                 control, supply_chain, user_data, dependence, other; severity info, low,\n"
    "                 medium, high or critical; --evidence cites evidence ids of the same case\n"
    "  list CASE      the case's findings\n"
    "\n"
    "Options: --json prints JSON. Exit codes: see `netreview --help`.\n";

/* ---- helpers ---- */

static int nr_eval_case_arg(struct nr_cli *cli, const char *ref, int64_t *id)
{
    struct nr_err err;
    int rc;

    nr_err_init(&err);
    rc = nr_case_resolve(&cli->rv, &cli->actor, ref, id, &err);
    return rc ? nr_cli_fail(cli, rc, &err) : 0;
}

static int nr_eval_id_arg(const char *usage, const char *what, const char *s, int64_t *id)
{
    if (nr_cli_id(s, id) != 0)
        return nr_cli_usage(usage, "%s must be a positive number, not \"%s\"", what, s);
    return 0;
}

/* Exactly one of --text and --file; the file is read whole, at most max bytes, no NUL. */
static int nr_eval_text_arg(struct nr_cli *cli, const char *usage, const char *text,
                            const char *file, size_t max, char **out)
{
    struct nr_err err;
    size_t len = 0;
    int rc;

    *out = NULL;
    if ((text == NULL) == (file == NULL))
        return nr_cli_usage(usage, "give the text with exactly one of --text and --file");
    if (text) {
        *out = nr_strdup(text);
        return 0;
    }
    nr_err_init(&err);
    rc = nr_file_read(file, max, out, &len, &err);
    if (rc)
        return nr_cli_fail(cli, rc, &err);
    if (strlen(*out) != len) {
        nr_free(*out);
        *out = NULL;
        nr_err_set(&err, NR_EINVAL, "file", "%s contains NUL bytes; give a text file", file);
        return nr_cli_fail(cli, NR_EINVAL, &err);
    }
    return 0;
}

/* The row of id in a list, with a new reference (NULL when absent). */
static json_t *nr_eval_row(json_t *rows, int64_t id)
{
    size_t i;
    json_t *row;

    json_array_foreach(rows, i, row)
    {
        if (json_integer_value(json_object_get(row, "id")) == id)
            return json_incref(row);
    }
    return NULL;
}

static const char *nr_eval_str(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "-";
}

/* ---- commitment ---- */

int nr_cli_commitment(struct nr_cli *cli, int argc, char **argv)
{
    const char *pos[1], *text = NULL, *file = NULL;
    struct nr_opt opts[] = {
        {"text", true, &text, NULL}, {"file", true, &file, NULL}, {NULL, false, NULL, NULL}};
    struct nr_err err;
    char *body = NULL;
    int64_t case_id = 0;
    int npos, rc;

    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(nr_commitment_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? NR_EXIT_USAGE : NR_EXIT_OK;
    }
    if (strcmp(argv[1], "sign") != 0)
        return nr_cli_usage(nr_commitment_usage, "\"%s\" is not a commitment command", argv[1]);
    rc = nr_cli_parse(cli, argc, argv, 2, opts, pos, 1, &npos, nr_commitment_usage);
    if (rc)
        return rc;
    if (npos != 1)
        return nr_cli_usage(nr_commitment_usage, "commitment sign needs CASE");
    rc = nr_eval_text_arg(cli, nr_commitment_usage, text, file, NR_CLI_COMMITMENT_MAX, &body);
    if (rc)
        return rc;
    rc = nr_cli_open(cli, NR_CLI_USER);
    if (rc == 0)
        rc = nr_eval_case_arg(cli, pos[0], &case_id);
    if (rc)
        goto out;
    nr_err_init(&err);
    rc = nr_commitment_sign(&cli->rv, &cli->actor, case_id, body, &err);
    if (rc) {
        rc = nr_cli_fail(cli, rc, &err);
        goto out;
    }
    {
        json_t *c = NULL, *cm;
        if (nr_case_show(&cli->rv, &cli->actor, case_id, &c, NULL) == 0) {
            cm = json_object_get(c, "commitment");
            if (cli->json)
                nr_cli_print_json(json_incref(cm));
            else
                printf("signed the security commitment of case %s with your key (%s %s)\n",
                       nr_eval_str(c, "ref"), nr_suite_hash_alg(cli->rv.suite),
                       nr_eval_str(cm, "text_hash"));
            json_decref(c);
        }
    }
    rc = NR_EXIT_OK;
out:
    nr_free(body);
    return rc;
}

/* ---- tasks ---- */

static const char *const nr_task_columns[] = {"id",          "institution", "method",
                                              "status",      "due",         "standards",
                                              "reported_by", "reported_at", NULL};

static int nr_task_assign_cmd(struct nr_cli *cli, int argc, char **argv)
{
    struct nr_task_spec sp = {0};
    const char *pos[1], *due = NULL;
    struct nr_opt opts[] = {{"institution", true, &sp.institution, NULL},
                            {"method", true, &sp.method, NULL},
                            {"standards", true, &sp.standards, NULL},
                            {"due-days", true, &due, NULL},
                            {NULL, false, NULL, NULL}};
    struct nr_err err;
    int64_t case_id = 0, id = 0;
    int npos, rc;

    rc = nr_cli_parse(cli, argc, argv, 2, opts, pos, 1, &npos, nr_task_usage);
    if (rc)
        return rc;
    if (npos != 1 || sp.institution == NULL || sp.method == NULL)
        return nr_cli_usage(nr_task_usage, "task assign needs CASE, --institution and --method");
    if (due) {
        char *end;
        long v;
        errno = 0;
        v = strtol(due, &end, 10);
        if (errno || *end != '\0' || end == due || v < 0 || v > 365)
            return nr_cli_usage(nr_task_usage,
                                "--due-days must be a number of working days from 0 to 365");
        sp.due_days = (int)v;
    }
    rc = nr_cli_open(cli, NR_CLI_USER);
    if (rc == 0)
        rc = nr_eval_case_arg(cli, pos[0], &case_id);
    if (rc)
        return rc;
    nr_err_init(&err);
    rc = nr_task_assign(&cli->rv, &cli->actor, case_id, &sp, &id, &err);
    if (rc)
        return nr_cli_fail(cli, rc, &err);
    {
        json_t *rows = NULL, *row = NULL;
        if (nr_task_list(&cli->rv, &cli->actor, case_id, &rows, NULL) == 0)
            row = nr_eval_row(rows, id);
        if (cli->json)
            nr_cli_print_json(row ? row : json_pack("{s:I}", "id", (json_int_t)id));
        else {
            printf("assigned task %lld: %s by %s, due %s\n", (long long)id, sp.method,
                   nr_eval_str(row, "institution"), nr_eval_str(row, "due"));
            json_decref(row);
        }
        json_decref(rows);
    }
    return NR_EXIT_OK;
}

static int nr_task_report_cmd(struct nr_cli *cli, int argc, char **argv)
{
    const char *pos[1], *text = NULL, *file = NULL, *standards = NULL;
    struct nr_opt opts[] = {{"text", true, &text, NULL},
                            {"file", true, &file, NULL},
                            {"standards", true, &standards, NULL},
                            {NULL, false, NULL, NULL}};
    struct nr_err err;
    char *body = NULL;
    int64_t task = 0;
    int npos, rc;

    rc = nr_cli_parse(cli, argc, argv, 2, opts, pos, 1, &npos, nr_task_usage);
    if (rc)
        return rc;
    if (npos != 1)
        return nr_cli_usage(nr_task_usage, "task report needs TASK");
    rc = nr_eval_id_arg(nr_task_usage, "TASK", pos[0], &task);
    if (rc == 0)
        rc = nr_eval_text_arg(cli, nr_task_usage, text, file, NR_CLI_REPORT_MAX, &body);
    if (rc)
        return rc;
    rc = nr_cli_open(cli, NR_CLI_USER);
    if (rc)
        goto out;
    nr_err_init(&err);
    rc = nr_task_report(&cli->rv, &cli->actor, task, body, standards, &err);
    if (rc) {
        rc = nr_cli_fail(cli, rc, &err);
        goto out;
    }
    if (cli->json)
        nr_cli_print_json(json_pack("{s:I,s:s}", "id", (json_int_t)task, "status", "reported"));
    else
        printf("task %lld reported; the report is signed with your key\n", (long long)task);
    rc = NR_EXIT_OK;
out:
    nr_free(body);
    return rc;
}

static int nr_case_list_of(struct nr_cli *cli, int argc, char **argv, const char *usage,
                           const char *what,
                           int (*list)(struct nr_review *, const struct nr_actor *, int64_t,
                                       json_t **, struct nr_err *),
                           const char *const *columns)
{
    const char *pos[1];
    struct nr_err err;
    json_t *rows = NULL;
    int64_t case_id = 0;
    int npos, rc;

    rc = nr_cli_parse(cli, argc, argv, 2, NULL, pos, 1, &npos, usage);
    if (rc)
        return rc;
    if (npos != 1)
        return nr_cli_usage(usage, "%s list needs CASE", what);
    rc = nr_cli_open(cli, NR_CLI_USER);
    if (rc == 0)
        rc = nr_eval_case_arg(cli, pos[0], &case_id);
    if (rc)
        return rc;
    nr_err_init(&err);
    rc = list(&cli->rv, &cli->actor, case_id, &rows, &err);
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

int nr_cli_task(struct nr_cli *cli, int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(nr_task_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? NR_EXIT_USAGE : NR_EXIT_OK;
    }
    if (strcmp(argv[1], "assign") == 0)
        return nr_task_assign_cmd(cli, argc, argv);
    if (strcmp(argv[1], "report") == 0)
        return nr_task_report_cmd(cli, argc, argv);
    if (strcmp(argv[1], "list") == 0)
        return nr_case_list_of(cli, argc, argv, nr_task_usage, "task", nr_task_list,
                               nr_task_columns);
    return nr_cli_usage(nr_task_usage, "\"%s\" is not a task command", argv[1]);
}

/* ---- evidence ---- */

static const char *const nr_evidence_columns[] = {
    "id",      "filename", "media_type", "size",   "confidential",
    "task_id", "added_by", "added_at",   "sha256", NULL};

static int nr_evidence_add_cmd(struct nr_cli *cli, int argc, char **argv)
{
    struct nr_evidence_spec sp = {0};
    const char *pos[2], *task = NULL;
    struct nr_opt opts[] = {{"task", true, &task, NULL},
                            {"type", true, &sp.media_type, NULL},
                            {"name", true, &sp.filename, NULL},
                            {"description", true, &sp.description, NULL},
                            {"public", false, NULL, &sp.public_doc},
                            {NULL, false, NULL, NULL}};
    struct nr_err err;
    char sha[65];
    int64_t case_id = 0, id = 0;
    int npos, rc;

    rc = nr_cli_parse(cli, argc, argv, 2, opts, pos, 2, &npos, nr_evidence_usage);
    if (rc)
        return rc;
    if (npos != 2)
        return nr_cli_usage(nr_evidence_usage, "evidence add needs CASE and FILE");
    if (task && (rc = nr_eval_id_arg(nr_evidence_usage, "--task", task, &sp.task_id)) != 0)
        return rc;
    sp.path = pos[1];
    rc = nr_cli_open(cli, NR_CLI_USER);
    if (rc == 0)
        rc = nr_eval_case_arg(cli, pos[0], &case_id);
    if (rc)
        return rc;
    nr_err_init(&err);
    rc = nr_evidence_add(&cli->rv, &cli->actor, case_id, &sp, &id, sha, &err);
    if (rc)
        return nr_cli_fail(cli, rc, &err);
    {
        json_t *rows = NULL, *row = NULL;
        if (nr_evidence_list(&cli->rv, &cli->actor, case_id, &rows, NULL) == 0)
            row = nr_eval_row(rows, id);
        if (cli->json) {
            nr_cli_print_json(row ? row
                                  : json_pack("{s:I,s:s}", "id", (json_int_t)id, "sha256", sha));
        } else {
            printf("added evidence %lld: %s (%s, %lld bytes, sha256 %s), stored encrypted\n",
                   (long long)id, nr_eval_str(row, "filename"), nr_eval_str(row, "media_type"),
                   (long long)json_integer_value(json_object_get(row, "size")), sha);
            json_decref(row);
        }
        json_decref(rows);
    }
    return NR_EXIT_OK;
}

static int nr_evidence_get_cmd(struct nr_cli *cli, int argc, char **argv)
{
    const char *pos[1], *out = NULL;
    struct nr_opt opts[] = {{"out", true, &out, NULL}, {NULL, false, NULL, NULL}};
    struct nr_err err;
    int64_t id = 0;
    int npos, rc, fd = STDOUT_FILENO;

    rc = nr_cli_parse(cli, argc, argv, 2, opts, pos, 1, &npos, nr_evidence_usage);
    if (rc)
        return rc;
    if (npos != 1)
        return nr_cli_usage(nr_evidence_usage, "evidence get needs ID");
    rc = nr_eval_id_arg(nr_evidence_usage, "ID", pos[0], &id);
    if (rc)
        return rc;
    rc = nr_cli_open(cli, NR_CLI_USER);
    if (rc)
        return rc;
    nr_err_init(&err);
    if (out) {
        /* Confidential content: readable by its owner only. */
        fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0) {
            rc = -errno;
            nr_err_set(&err, rc, "out", "cannot create %s: %s", out, strerror(errno));
            return nr_cli_fail(cli, rc, &err);
        }
    }
    rc = nr_evidence_read(&cli->rv, &cli->actor, id, fd, &err);
    if (out) {
        if (close(fd) != 0 && rc == 0) {
            rc = -errno;
            nr_err_set(&err, rc, "out", "cannot write %s: %s", out, strerror(errno));
        }
        /* An incomplete or unauthentic output must not be mistaken for the evidence. */
        if (rc)
            unlink(out);
    }
    if (rc)
        return nr_cli_fail(cli, rc, &err);
    if (out && cli->json)
        nr_cli_print_json(json_pack("{s:I,s:s}", "id", (json_int_t)id, "out", out));
    else if (out)
        fprintf(stderr, "wrote evidence %lld to %s\n", (long long)id, out);
    return NR_EXIT_OK;
}

int nr_cli_evidence(struct nr_cli *cli, int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(nr_evidence_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? NR_EXIT_USAGE : NR_EXIT_OK;
    }
    if (strcmp(argv[1], "add") == 0)
        return nr_evidence_add_cmd(cli, argc, argv);
    if (strcmp(argv[1], "get") == 0)
        return nr_evidence_get_cmd(cli, argc, argv);
    if (strcmp(argv[1], "list") == 0)
        return nr_case_list_of(cli, argc, argv, nr_evidence_usage, "evidence", nr_evidence_list,
                               nr_evidence_columns);
    return nr_cli_usage(nr_evidence_usage, "\"%s\" is not an evidence command", argv[1]);
}

/* ---- findings ---- */

static const char *const nr_finding_columns[] = {"id",     "category",     "severity",   "title",
                                                 "source", "evidence_ids", "created_by", NULL};

static int nr_finding_add_cmd(struct nr_cli *cli, int argc, char **argv)
{
    struct nr_finding_spec sp = {0};
    const char *pos[1], *task = NULL;
    struct nr_opt opts[] = {{"category", true, &sp.category, NULL},
                            {"severity", true, &sp.severity, NULL},
                            {"title", true, &sp.title, NULL},
                            {"detail", true, &sp.detail, NULL},
                            {"evidence", true, &sp.evidence_ids, NULL},
                            {"task", true, &task, NULL},
                            {NULL, false, NULL, NULL}};
    struct nr_err err;
    int64_t case_id = 0, id = 0;
    int npos, rc;

    rc = nr_cli_parse(cli, argc, argv, 2, opts, pos, 1, &npos, nr_finding_usage);
    if (rc)
        return rc;
    if (npos != 1 || sp.category == NULL || sp.severity == NULL || sp.title == NULL)
        return nr_cli_usage(nr_finding_usage,
                            "finding add needs CASE, --category, --severity and --title");
    if (task && (rc = nr_eval_id_arg(nr_finding_usage, "--task", task, &sp.task_id)) != 0)
        return rc;
    rc = nr_cli_open(cli, NR_CLI_USER);
    if (rc == 0)
        rc = nr_eval_case_arg(cli, pos[0], &case_id);
    if (rc)
        return rc;
    nr_err_init(&err);
    rc = nr_finding_add(&cli->rv, &cli->actor, case_id, &sp, &id, &err);
    if (rc)
        return nr_cli_fail(cli, rc, &err);
    {
        json_t *rows = NULL, *row = NULL;
        if (nr_finding_list(&cli->rv, &cli->actor, case_id, &rows, NULL) == 0)
            row = nr_eval_row(rows, id);
        if (cli->json)
            nr_cli_print_json(row ? row : json_pack("{s:I}", "id", (json_int_t)id));
        else {
            printf("recorded finding %lld: %s, %s: %s\n", (long long)id, sp.category, sp.severity,
                   sp.title);
            json_decref(row);
        }
        json_decref(rows);
    }
    return NR_EXIT_OK;
}

int nr_cli_finding(struct nr_cli *cli, int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(nr_finding_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? NR_EXIT_USAGE : NR_EXIT_OK;
    }
    if (strcmp(argv[1], "add") == 0)
        return nr_finding_add_cmd(cli, argc, argv);
    if (strcmp(argv[1], "list") == 0)
        return nr_case_list_of(cli, argc, argv, nr_finding_usage, "finding", nr_finding_list,
                               nr_finding_columns);
    return nr_cli_usage(nr_finding_usage, "\"%s\" is not a finding command", argv[1]);
}
