/*
 * main.c - the netreview command: global options and the dispatch of git-style subcommands to
 * their families (interface: cli.h).
 */
#include "cli.h"
#include "cli_serve.h"
#include "cli_token.h"

#include <stdio.h>
#include <string.h>

#include "netreview/banned.h"

static const char nr_usage[] =
    "usage: netreview [--db PATH] [--data DIR] [--as USER] [--json] <command> [<args>]\n"
    "\n"
    "Runs a security review of network products and services, from the first complaint or\n"
    "procurement declaration to a signed, published decision.\n"
    "\n"
    "Set-up:\n"
    "  init          create an installation (database, keys, procedure)\n"
    "  migrate       apply pending schema migrations\n"
    "  demo          fill a new installation with demonstration data\n"
    "  procedure     show the procedure in force\n"
    "Registry:\n"
    "  org           organisations and competitors\n"
    "  user          users and their roles\n"
    "  product       products, services and their versions\n"
    "  institution   the registry of designated institutions (R5)\n"
    "  expert        the experts committee (R6)\n"
    "  affiliation   affiliations that make conflicts of interest (R10)\n"
    "Reviews:\n"
    "  complaint     public complaints (R2)\n"
    "  declaration   procurement declarations of CII operators (R1)\n"
    "  case          open, list, show and move cases; deadlines (R13)\n"
    "  commitment    the provider's signed security commitment (R3)\n"
    "  task          evaluation tasks and signed reports (R3, R10)\n"
    "  evidence      encrypted, content-addressed evidence (R11)\n"
    "  finding       findings by risk category (R4)\n"
    "  panel         expert panels (R6)\n"
    "  score         sealed expert scores (R6)\n"
    "  decision      signed decisions: show, export, verify (R7)\n"
    "  gate          the procurement gate (R9)\n"
    "  audit         the hash-chained audit log (R11)\n"
    "Engines:\n"
    "  analyze       analyse an SBOM (supply chain) or a capture (online monitoring)\n"
    "  osv           import and list OSV vulnerability data\n"
    "  watch         re-match the SBOMs of passed products against new advisories (R14)\n"
    "  monitor       watch a live interface against the declared endpoints\n"
    "Server:\n"
    "  serve         the HTTP JSON API, the gate, /healthz and /metrics\n"
    "  token         API tokens for machines that call the HTTP API (office)\n"
    "\n"
    "Global options (also accepted after the command):\n"
    "  --db PATH     the database (or NETREVIEW_DB)\n"
    "  --data DIR    keys and evidence (or NETREVIEW_DATA; default <db>-data)\n"
    "  --as USER     act as this user (or NETREVIEW_USER); without it, as the local administrator\n"
    "  --json        print data as JSON\n"
    "\n"
    "Environment: NETREVIEW_HOME (procedures/ and calendars/), NETREVIEW_NOW (fix the clock,\n"
    "for tests), NETREVIEW_ARGON2_MEMORY_KIB (password hashing cost).\n"
    "\n"
    "Exit codes:\n"
    "  0 success          1 other error           2 bad command line\n"
    "  3 not found (or not visible to you)        4 refused by the procedure (role, phase,\n"
    "  condition, conflict of interest, duplicate) 5 integrity: audit chain or signature fails\n"
    "  6 database or file system                  7 malformed input\n"
    "\n"
    "Run `netreview <command> --help` for a command's own options.\n";

struct nr_command {
    const char *name;
    int (*run)(struct nr_cli *cli, int argc, char **argv);
};

static const struct nr_command nr_commands[] = {
    {"init", nr_cli_init},
    {"migrate", nr_cli_migrate},
    {"demo", nr_cli_demo},
    {"procedure", nr_cli_procedure},
    {"org", nr_cli_org},
    {"user", nr_cli_user},
    {"product", nr_cli_product},
    {"institution", nr_cli_institution},
    {"expert", nr_cli_expert},
    {"affiliation", nr_cli_affiliation},
    {"complaint", nr_cli_complaint},
    {"declaration", nr_cli_declaration},
    {"case", nr_cli_case},
    {"commitment", nr_cli_commitment},
    {"task", nr_cli_task},
    {"evidence", nr_cli_evidence},
    {"finding", nr_cli_finding},
    {"panel", nr_cli_panel},
    {"score", nr_cli_score},
    {"decision", nr_cli_decision},
    {"gate", nr_cli_gate},
    {"audit", nr_cli_audit},
    {"analyze", nr_cli_analyze},
    {"osv", nr_cli_osv},
    {"watch", nr_cli_watch},
    {"monitor", nr_cli_monitor},
    {"serve", nr_cli_serve},
    {"token", nr_cli_token},
};

int main(int argc, char **argv)
{
    struct nr_cli cli;
    int i = 1, rc;

    memset(&cli, 0, sizeof(cli));
    /* Global options before the command. */
    while (i < argc && strncmp(argv[i], "--", 2) == 0) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0) {
            fputs(nr_usage, stdout);
            return NR_EXIT_OK;
        }
        if (strcmp(a, "--version") == 0) {
            printf("netreview %s\n", NR_VERSION);
            return NR_EXIT_OK;
        }
        if (strcmp(a, "--json") == 0) {
            cli.json = true;
            i++;
            continue;
        }
        if (i + 1 >= argc)
            return nr_cli_usage(nr_usage, "option %s needs a value", a);
        if (strcmp(a, "--db") == 0)
            cli.db = argv[i + 1];
        else if (strcmp(a, "--data") == 0)
            cli.data_dir = argv[i + 1];
        else if (strcmp(a, "--as") == 0)
            cli.as = argv[i + 1];
        else
            return nr_cli_usage(nr_usage, "unknown option \"%s\"", a);
        i += 2;
    }
    if (i >= argc)
        return nr_cli_usage(nr_usage, "no command given");
    if (strcmp(argv[i], "help") == 0) {
        fputs(nr_usage, stdout);
        return NR_EXIT_OK;
    }
    for (size_t c = 0; c < NR_ARRAY_LEN(nr_commands); c++) {
        if (strcmp(argv[i], nr_commands[c].name) == 0) {
            rc = nr_commands[c].run(&cli, argc - i, argv + i);
            if (cli.open)
                nr_review_close(&cli.rv);
            return rc;
        }
    }
    return nr_cli_usage(nr_usage, "\"%s\" is not a netreview command", argv[i]);
}
