/*
 * cli.h - what every subcommand family of the netreview command shares: global options, opening
 * the installation as the acting user, option parsing, output in text or JSON, and the mapping of
 * error codes to the documented exit codes.
 *
 * Contract: a family entry point `int nr_cli_<family>(struct nr_cli *cli, int argc, char **argv)`
 * gets argv starting at its own name ("case", ...) and returns the process exit code. Messages go
 * to stderr in git's form: "netreview: <problem first, lower case, no full stop>".
 */
#ifndef NETREVIEW_CLI_H
#define NETREVIEW_CLI_H

#include "netreview/review.h"

#include <jansson.h>
#include <stdbool.h>

/* Exit codes, documented in `netreview --help`. */
#define NR_EXIT_OK        0
#define NR_EXIT_ERROR     1 /* anything not below */
#define NR_EXIT_USAGE     2 /* bad command line */
#define NR_EXIT_NOTFOUND  3 /* no such object (or not visible to you) */
#define NR_EXIT_REFUSED   4 /* the procedure refuses: role, phase, condition, conflict */
#define NR_EXIT_INTEGRITY 5 /* audit chain or signature does not verify */
#define NR_EXIT_STORE     6 /* database or file system */
#define NR_EXIT_INVALID   7 /* malformed input (procedure, file, value) */

struct nr_cli {
    const char *db;       /* --db or NETREVIEW_DB */
    const char *data_dir; /* --data or NETREVIEW_DATA */
    const char *as;       /* --as or NETREVIEW_USER: the acting user's login */
    bool json;            /* --json */
    struct nr_review rv;
    bool open;
    struct nr_actor actor;
};

/* One long option. For has_arg options `value` receives the argument; for flags `flag` is set.
 * An option given twice keeps the last value. */
struct nr_opt {
    const char *name; /* without the leading "--" */
    bool has_arg;
    const char **value;
    bool *flag;
};

/* Parses argv[first..argc) into options and positionals. --json, --db, --data and --as are
 * accepted anywhere. Unknown options and too many positionals print usage and return
 * NR_EXIT_USAGE; 0 on success. */
int nr_cli_parse(struct nr_cli *cli, int argc, char **argv, int first, const struct nr_opt *opts,
                 const char **pos, int maxpos, int *npos, const char *usage);
/* Who acts when no --as is given: the local administrator (set-up commands), nobody (commands
 * that act for a user of the review: a usage error), or the public (what anyone may read: the
 * gate, published decisions). `--as public` always means the public. */
#define NR_CLI_ADMIN  0
#define NR_CLI_USER   1
#define NR_CLI_PUBLIC 2
/* Opens the installation and loads the actor (--as), or the default of `who` (NR_CLI_*).
 * Returns an exit code (0 on success). */
int nr_cli_open(struct nr_cli *cli, int who);
/* Prints err (or code's message) and returns the exit code for it. */
int nr_cli_fail(struct nr_cli *cli, int code, const struct nr_err *err);
/* Prints a usage error and returns NR_EXIT_USAGE. */
int nr_cli_usage(const char *usage, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints j (stealing the reference) as indented JSON on stdout. */
void nr_cli_print_json(json_t *j);
/* Parses a decimal id (or a case reference, for cases) or prints a usage error. */
int nr_cli_id(const char *s, int64_t *id);
/* Prints a JSON array of objects as an aligned text table of the given columns. */
void nr_cli_print_table(json_t *rows, const char *const *columns);
int nr_cli_exit_code(int code);

/* Subcommand families. */
int nr_cli_init(struct nr_cli *cli, int argc, char **argv);
int nr_cli_migrate(struct nr_cli *cli, int argc, char **argv);
int nr_cli_demo(struct nr_cli *cli, int argc, char **argv);
int nr_cli_case(struct nr_cli *cli, int argc, char **argv);
int nr_cli_org(struct nr_cli *cli, int argc, char **argv);
int nr_cli_user(struct nr_cli *cli, int argc, char **argv);
int nr_cli_product(struct nr_cli *cli, int argc, char **argv);
/* The engines: cli_analyze.c (analyze sbom; hands analyze traffic to cli_traffic.c), cli_osv.c,
 * cli_watch.c, cli_traffic.c (analyze traffic, monitor). */
int nr_cli_analyze(struct nr_cli *cli, int argc, char **argv);
int nr_cli_analyze_traffic(struct nr_cli *cli, int argc, char **argv);
int nr_cli_osv(struct nr_cli *cli, int argc, char **argv);
int nr_cli_watch(struct nr_cli *cli, int argc, char **argv);
int nr_cli_monitor(struct nr_cli *cli, int argc, char **argv);
int nr_cli_institution(struct nr_cli *cli, int argc, char **argv);
int nr_cli_expert(struct nr_cli *cli, int argc, char **argv);
int nr_cli_affiliation(struct nr_cli *cli, int argc, char **argv);
int nr_cli_commitment(struct nr_cli *cli, int argc, char **argv);
int nr_cli_task(struct nr_cli *cli, int argc, char **argv);
int nr_cli_evidence(struct nr_cli *cli, int argc, char **argv);
int nr_cli_finding(struct nr_cli *cli, int argc, char **argv);
int nr_cli_panel(struct nr_cli *cli, int argc, char **argv);
int nr_cli_score(struct nr_cli *cli, int argc, char **argv);
int nr_cli_decision(struct nr_cli *cli, int argc, char **argv);
int nr_cli_gate(struct nr_cli *cli, int argc, char **argv);
int nr_cli_complaint(struct nr_cli *cli, int argc, char **argv);
int nr_cli_declaration(struct nr_cli *cli, int argc, char **argv);
int nr_cli_audit(struct nr_cli *cli, int argc, char **argv);
int nr_cli_procedure(struct nr_cli *cli, int argc, char **argv);

#endif
