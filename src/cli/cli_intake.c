/*
 * cli_intake.c - `netreview complaint ...` and `netreview declaration ...`: how reviews come
 * in (interface: cli.h; the rules live in src/model/intake.c behind review.h).
 *
 * A complaint is filed by anyone: without --as the command acts as the public (R2, R3 social
 * supervision), not as the local administrator, so that the audit log names the public as the
 * filer. A declaration is made by a user of a CII operator and needs --as (R1).
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

#include "netreview/banned.h"

/* A complaint's text read from standard input ("--text -") stops one byte past the model's
 * cap, so that an overlong text is refused with the model's message rather than cut. */
#define CLI_INTAKE_STDIN_MAX (16384 + 1)

static const char nr_complaint_usage[] =
    "usage: netreview complaint file --product NAME [--version V] --text TEXT [--contact C]\n"
    "       netreview complaint list [--as USER]\n"
    "\n"
    "file   file a complaint about a product or service (R2: user complaints and market\n"
    "       reactions). Anyone may: without --as the complaint is filed by the public.\n"
    "       --product  the product's name, CPE 2.3 or package URL; a product that is not in\n"
    "                  the registry is kept by the name given\n"
    "       --text     what is wrong, up to 16 KiB (\"-\" reads it from standard input)\n"
    "       --contact  how the office may reach you (optional, up to 256 bytes)\n"
    "       The office later groups complaints into a case (case open --trigger complaints\n"
    "       --complaints 1,2,...).\n"
    "list   complaints: the office and the committee read all of them (so does the local\n"
    "       administrator, without --as); any other user reads the ones they filed; the\n"
    "       public reads none\n"
    "\n"
    "Exit codes: see `netreview --help`.\n";

static const char *const nr_complaint_columns[] = {
    "id", "received_at", "product_name", "version", "case_ref", "contact", "text", NULL};

/* Reads standard input into a malloc'd string of at most max bytes (more is cut at max + 1 so
 * that the caller's check refuses it). */
static char *nr_read_stdin(size_t max)
{
    struct nr_buf b;
    char chunk[4096];
    size_t n;

    nr_buf_init(&b, max);
    while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0) {
        size_t room = max - b.len;
        if (nr_buf_append(&b, chunk, n < room ? n : room) != 0 || n >= room)
            break;
    }
    if (b.p == NULL)
        nr_buf_puts(&b, "");
    return nr_buf_steal(&b);
}

static int nr_complaint_file_cmd(struct nr_cli *cli, int argc, char **argv)
{
    const char *product = NULL, *version = NULL, *text = NULL, *contact = NULL, *pos[1];
    struct nr_opt opts[] = {{"product", true, &product, NULL},
                            {"version", true, &version, NULL},
                            {"text", true, &text, NULL},
                            {"contact", true, &contact, NULL},
                            {NULL, false, NULL, NULL}};
    struct nr_complaint_spec spec;
    struct nr_actor public_actor;
    const struct nr_actor *actor;
    struct nr_err err;
    char *input = NULL;
    int64_t id = 0;
    int npos, rc;

    rc = nr_cli_parse(cli, argc, argv, 2, opts, pos, 0, &npos, nr_complaint_usage);
    if (rc)
        return rc;
    if (product == NULL)
        return nr_cli_usage(nr_complaint_usage, "complaint file needs --product");
    if (text == NULL)
        return nr_cli_usage(nr_complaint_usage, "complaint file needs --text");
    rc = nr_cli_open(cli, NR_CLI_ADMIN);
    if (rc)
        return rc;
    /* R2: without --as the complaint comes from the public, not from the administrator. */
    if (cli->as && *cli->as) {
        actor = &cli->actor;
    } else {
        nr_actor_public(&public_actor);
        actor = &public_actor;
    }
    if (strcmp(text, "-") == 0)
        text = input = nr_read_stdin(CLI_INTAKE_STDIN_MAX);
    memset(&spec, 0, sizeof(spec));
    spec.product = product;
    spec.version = version;
    spec.text = text;
    spec.contact = contact;
    nr_err_init(&err);
    rc = nr_complaint_file(&cli->rv, actor, &spec, &id, &err);
    nr_free(input);
    if (rc)
        return nr_cli_fail(cli, rc, &err);
    if (cli->json)
        nr_cli_print_json(json_pack("{s:I,s:s}", "id", (json_int_t)id, "filed_by", actor->login));
    else
        printf("filed complaint %lld; the review office will read it\n", (long long)id);
    return NR_EXIT_OK;
}

static int nr_complaint_list_cmd(struct nr_cli *cli, int argc, char **argv)
{
    const char *pos[1];
    struct nr_err err;
    json_t *rows = NULL;
    int npos, rc;

    rc = nr_cli_parse(cli, argc, argv, 2, NULL, pos, 0, &npos, nr_complaint_usage);
    if (rc)
        return rc;
    rc = nr_cli_open(cli, NR_CLI_ADMIN);
    if (rc)
        return rc;
    nr_err_init(&err);
    rc = nr_complaint_list(&cli->rv, &cli->actor, &rows, &err);
    if (rc)
        return nr_cli_fail(cli, rc, &err);
    if (cli->json) {
        nr_cli_print_json(rows);
    } else {
        nr_cli_print_table(rows, nr_complaint_columns);
        json_decref(rows);
    }
    return NR_EXIT_OK;
}

int nr_cli_complaint(struct nr_cli *cli, int argc, char **argv)
{
    if (argc < 2)
        return nr_cli_usage(nr_complaint_usage, "complaint needs a command: file or list");
    if (strcmp(argv[1], "file") == 0)
        return nr_complaint_file_cmd(cli, argc, argv);
    if (strcmp(argv[1], "list") == 0)
        return nr_complaint_list_cmd(cli, argc, argv);
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        fputs(nr_complaint_usage, stdout);
        return NR_EXIT_OK;
    }
    return nr_cli_usage(nr_complaint_usage, "unknown complaint command \"%s\"", argv[1]);
}

/* ---- declarations (R1) ---- */

static const char nr_declaration_usage[] =
    "usage: netreview declaration file --product P --versions EXPR [--purpose TEXT]\n"
    "                                  [--contract REF] [--national-security] --as USER\n"
    "       netreview declaration list --as USER\n"
    "\n"
    "file   a CII operator declares a procurement (R1): the declaration and a case in phase\n"
    "       scoping, where the protection department of the operator's sector records whether\n"
    "       the procurement may affect national security.\n"
    "       --product   the product's id, name, CPE 2.3 or package URL\n"
    "       --versions  the versions procured, a range expression: \"*\", \"2.1.0\",\n"
    "                   \">=2.0 <3.0\", \"2.1.* || 3.0.0\"\n"
    "       --purpose   what the product is procured for (optional, up to 16 KiB)\n"
    "       --contract  the procurement's contract or tender reference (optional)\n"
    "       --national-security  for a national-security or public-interest system: always\n"
    "                   in scope (R1), so the case skips scoping and starts in acceptance\n"
    "       Only users of an operator registered as CII may declare.\n"
    "list   declarations: an operator's own; a protection or sector department's sector; all\n"
    "       for the office and the committee\n"
    "\n"
    "Exit codes: see `netreview --help`.\n";

static const char *const nr_declaration_columns[] = {"id",       "declared_at", "operator",
                                                     "product",  "versions",    "contract_ref",
                                                     "case_ref", "case_phase",  NULL};

static int nr_declaration_file_cmd(struct nr_cli *cli, int argc, char **argv)
{
    const char *product = NULL, *versions = NULL, *purpose = NULL, *contract = NULL, *pos[1];
    bool national = false;
    struct nr_opt opts[] = {
        {"national-security", false, NULL, &national}, {"product", true, &product, NULL},
        {"versions", true, &versions, NULL},           {"purpose", true, &purpose, NULL},
        {"contract", true, &contract, NULL},           {NULL, false, NULL, NULL}};
    struct nr_declaration_spec spec;
    struct nr_arena ar;
    struct nr_case c;
    struct nr_err err;
    int64_t case_id = 0;
    int npos, rc;

    rc = nr_cli_parse(cli, argc, argv, 2, opts, pos, 0, &npos, nr_declaration_usage);
    if (rc)
        return rc;
    if (product == NULL)
        return nr_cli_usage(nr_declaration_usage, "declaration file needs --product");
    if (versions == NULL)
        return nr_cli_usage(nr_declaration_usage,
                            "declaration file needs --versions (\"*\" for every version)");
    rc = nr_cli_open(cli, NR_CLI_USER);
    if (rc)
        return rc;
    memset(&spec, 0, sizeof(spec));
    spec.product = product;
    spec.versions = versions;
    spec.purpose = purpose;
    spec.contract_ref = contract;
    spec.national_security = national;
    nr_err_init(&err);
    rc = nr_declaration_file(&cli->rv, &cli->actor, &spec, &case_id, &err);
    if (rc)
        return nr_cli_fail(cli, rc, &err);
    nr_arena_init(&ar);
    rc = nr_case_get(&cli->rv, &cli->actor, case_id, &ar, &c, &err);
    if (rc) {
        nr_arena_release(&ar);
        return nr_cli_fail(cli, rc, &err);
    }
    if (cli->json)
        nr_cli_print_json(json_pack("{s:I,s:s,s:s,s:s?,s:s?}", "case_id", (json_int_t)case_id,
                                    "ref", c.ref, "phase", c.phase, "phase_due", c.phase_due,
                                    "sector", c.sector));
    else
        printf("declared: case %s (id %lld) is in phase %s%s%s\n", c.ref, (long long)case_id,
               c.phase, c.phase_due ? ", due " : "", c.phase_due ? c.phase_due : "");
    nr_arena_release(&ar);
    return NR_EXIT_OK;
}

static int nr_declaration_list_cmd(struct nr_cli *cli, int argc, char **argv)
{
    const char *pos[1];
    struct nr_err err;
    json_t *rows = NULL;
    int npos, rc;

    rc = nr_cli_parse(cli, argc, argv, 2, NULL, pos, 0, &npos, nr_declaration_usage);
    if (rc)
        return rc;
    rc = nr_cli_open(cli, NR_CLI_ADMIN);
    if (rc)
        return rc;
    nr_err_init(&err);
    rc = nr_declaration_list(&cli->rv, &cli->actor, &rows, &err);
    if (rc)
        return nr_cli_fail(cli, rc, &err);
    if (cli->json) {
        nr_cli_print_json(rows);
    } else {
        nr_cli_print_table(rows, nr_declaration_columns);
        json_decref(rows);
    }
    return NR_EXIT_OK;
}

int nr_cli_declaration(struct nr_cli *cli, int argc, char **argv)
{
    if (argc < 2)
        return nr_cli_usage(nr_declaration_usage, "declaration needs a command: file or list");
    if (strcmp(argv[1], "file") == 0)
        return nr_declaration_file_cmd(cli, argc, argv);
    if (strcmp(argv[1], "list") == 0)
        return nr_declaration_list_cmd(cli, argc, argv);
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        fputs(nr_declaration_usage, stdout);
        return NR_EXIT_OK;
    }
    return nr_cli_usage(nr_declaration_usage, "unknown declaration command \"%s\"", argv[1]);
}
