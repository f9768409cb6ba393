/*
 * cli.c - option parsing, opening the installation as the acting user, printing, and the exit
 * codes shared by every subcommand family (interface: cli.h).
 */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netreview/banned.h"

int nr_cli_usage(const char *usage, const char *fmt, ...)
{
    va_list ap;
    fputs("netreview: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    if (usage)
        fprintf(stderr, "\n%s", usage);
    return NR_EXIT_USAGE;
}

int nr_cli_parse(struct nr_cli *cli, int argc, char **argv, int first, const struct nr_opt *opts,
                 const char **pos, int maxpos, int *npos, const char *usage)
{
    *npos = 0;
    for (int i = first; i < argc; i++) {
        const char *arg = argv[i];
        const char *name, *eq;
        size_t nlen;
        bool matched = false;

        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            fputs(usage, stdout);
            exit(NR_EXIT_OK);
        }
        if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0') {
            if (strcmp(arg, "--") == 0)
                continue;
            if (*npos >= maxpos)
                return nr_cli_usage(usage, "unexpected argument \"%s\"", arg);
            pos[(*npos)++] = arg;
            continue;
        }
        name = arg + 2;
        eq = strchr(name, '=');
        nlen = eq ? (size_t)(eq - name) : strlen(name);
        /* Global options are accepted after the subcommand too. */
        if (nlen == 4 && strncmp(name, "json", 4) == 0 && !eq) {
            cli->json = true;
            continue;
        }
        static const char *const globals[] = {"db", "data", "as"};
        for (size_t g = 0; g < NR_ARRAY_LEN(globals); g++) {
            if (strlen(globals[g]) == nlen && strncmp(name, globals[g], nlen) == 0) {
                const char *v = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
                if (v == NULL)
                    return nr_cli_usage(usage, "option --%s needs a value", globals[g]);
                if (g == 0)
                    cli->db = v;
                else if (g == 1)
                    cli->data_dir = v;
                else
                    cli->as = v;
                matched = true;
            }
        }
        for (const struct nr_opt *o = opts; !matched && o && o->name; o++) {
            if (strlen(o->name) != nlen || strncmp(o->name, name, nlen) != 0)
                continue;
            matched = true;
            if (o->has_arg) {
                const char *v = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
                if (v == NULL)
                    return nr_cli_usage(usage, "option --%s needs a value", o->name);
                *o->value = v;
            } else {
                if (eq)
                    return nr_cli_usage(usage, "option --%s takes no value", o->name);
                *o->flag = true;
            }
        }
        if (!matched)
            return nr_cli_usage(usage, "unknown option \"%s\"", arg);
    }
    return 0;
}

int nr_cli_exit_code(int code)
{
    switch (code) {
    case 0:
        return NR_EXIT_OK;
    case NR_ENOTFOUND:
        return NR_EXIT_NOTFOUND;
    case NR_EFORBIDDEN:
    case NR_EPHASE:
    case NR_EPRECOND:
    case NR_ECONFLICT:
    case NR_EEXISTS:
    case NR_EAUTH:
        return NR_EXIT_REFUSED;
    case NR_ETAMPERED:
    case NR_EBADSIG:
        return NR_EXIT_INTEGRITY;
    case NR_EDB:
    case NR_EIO:
    case NR_EBUSY:
    case NR_ESCHEMA:
        return NR_EXIT_STORE;
    case NR_EINVAL:
    case NR_EPARSE:
    case NR_ETOOBIG:
        return NR_EXIT_INVALID;
    default:
        return code < 0 && code > NR_E__BASE ? NR_EXIT_STORE : NR_EXIT_ERROR;
    }
}

int nr_cli_fail(struct nr_cli *cli, int code, const struct nr_err *err)
{
    const char *msg = err && err->code && err->msg[0] ? err->msg : nr_strerror(code);
    if (cli && cli->json) {
        json_t *e = json_pack("{s:{s:s,s:s,s:s?}}", "error", "code", nr_err_name(code), "message",
                              msg, "field", err && err->field[0] ? err->field : NULL);
        char *text = json_dumps(e, JSON_INDENT(2));
        fprintf(stderr, "%s\n", text ? text : msg);
        free(text);
        json_decref(e);
    } else {
        fprintf(stderr, "netreview: %s\n", msg);
    }
    return nr_cli_exit_code(code);
}

int nr_cli_open(struct nr_cli *cli, int who)
{
    struct nr_review_config cfg = {0};
    struct nr_err err;
    int rc;

    nr_err_init(&err);
    if (cli->open)
        return 0;
    if (cli->db == NULL)
        cli->db = getenv("NETREVIEW_DB");
    if (cli->data_dir == NULL)
        cli->data_dir = getenv("NETREVIEW_DATA");
    if (cli->as == NULL)
        cli->as = getenv("NETREVIEW_USER");
    if (cli->db == NULL || *cli->db == '\0')
        return nr_cli_usage(NULL, "no database given; use --db PATH or set NETREVIEW_DB");
    cfg.db = cli->db;
    cfg.data_dir = cli->data_dir;
    rc = nr_review_open(&cli->rv, &cfg, &err);
    if (rc)
        return nr_cli_fail(cli, rc, &err);
    cli->open = true;
    if (cli->as && strcmp(cli->as, "public") == 0) {
        nr_actor_public(&cli->actor);
    } else if (cli->as && *cli->as) {
        rc = nr_actor_load(&cli->rv, cli->as, &cli->actor, &err);
        if (rc)
            return nr_cli_fail(cli, rc, &err);
    } else if (who == NR_CLI_USER) {
        return nr_cli_usage(NULL, "this command acts for a user of the review; pass --as USER");
    } else if (who == NR_CLI_PUBLIC) {
        /* R11: what needs no sign-in shows only what the public may see. */
        nr_actor_public(&cli->actor);
    } else {
        nr_actor_local_admin(&cli->actor);
    }
    return 0;
}

void nr_cli_print_json(json_t *j)
{
    char *text = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
    if (text) {
        puts(text);
        free(text);
    }
    json_decref(j);
}

int nr_cli_id(const char *s, int64_t *id)
{
    char *end;
    long long v;
    if (s == NULL || *s == '\0')
        return NR_EINVAL;
    v = strtoll(s, &end, 10);
    if (*end != '\0' || v <= 0)
        return NR_EINVAL;
    *id = v;
    return 0;
}

static void nr_cell(json_t *v, char *out, size_t n)
{
    if (v == NULL || json_is_null(v))
        snprintf(out, n, "-");
    else if (json_is_string(v))
        snprintf(out, n, "%s", json_string_value(v));
    else if (json_is_integer(v))
        snprintf(out, n, "%lld", (long long)json_integer_value(v));
    else if (json_is_true(v))
        snprintf(out, n, "yes");
    else if (json_is_false(v))
        snprintf(out, n, "no");
    else {
        char *t = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        snprintf(out, n, "%s", t ? t : "?");
        free(t);
    }
    /* One line per row: fold newlines and cap the width. */
    for (char *p = out; *p; p++)
        if (*p == '\n' || *p == '\t')
            *p = ' ';
    if (strlen(out) > 48) {
        out[45] = out[46] = out[47] = '.';
        out[48] = '\0';
    }
}

void nr_cli_print_table(json_t *rows, const char *const *columns)
{
    size_t ncol = 0, i;
    json_t *row;
    int width[32];
    char cell[256];

    while (columns[ncol] && ncol < 32)
        ncol++;
    for (size_t c = 0; c < ncol; c++)
        width[c] = (int)strlen(columns[c]);
    json_array_foreach(rows, i, row)
    {
        for (size_t c = 0; c < ncol; c++) {
            nr_cell(json_object_get(row, columns[c]), cell, sizeof(cell));
            if ((int)strlen(cell) > width[c])
                width[c] = (int)strlen(cell);
        }
    }
    for (size_t c = 0; c < ncol; c++)
        printf("%-*s%s", width[c], columns[c], c + 1 < ncol ? "  " : "\n");
    json_array_foreach(rows, i, row)
    {
        for (size_t c = 0; c < ncol; c++) {
            nr_cell(json_object_get(row, columns[c]), cell, sizeof(cell));
            printf("%-*s%s", width[c], cell, c + 1 < ncol ? "  " : "\n");
        }
    }
    if (json_array_size(rows) == 0)
        printf("(none)\n");
}
