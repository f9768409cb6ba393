/*
 * cli_token.c - `netreview token create|list|revoke`: API tokens for the machines that call the
 * HTTP API, managed without the server (interface: cli_token.h; the store side is token.h).
 * Only the office, the committee and the local administrator (no --as) may; the model checks.
 */
#include "cli_token.h"
#include "netreview/token.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netreview/banned.h"

static const char cli_token_usage[] =
    "usage: netreview token create --user LOGIN --name NAME --scopes gate|read|write[,...]\n"
    "                              [--expires DATE] [--json]\n"
    "       netreview token list [--json]\n"
    "       netreview token revoke ID [--json]\n"
    "\n"
    "API tokens let a machine (a procurement system asking the gate, a script) call the HTTP\n"
    "API with the header `Authorization: Bearer nr_...`. A token acts as its user (role,\n"
    "organisation, the cases it may see), limited to its scopes:\n"
    "  gate    GET /api/v1/gate and /api/v1/gate/feed, nothing else\n"
    "  read    every GET (the gate included)\n"
    "  write   every request that changes something\n"
    "\n"
    "  create  makes a token and prints it on stdout, once: only its hash is kept, so it cannot\n"
    "          be shown again. --expires DATE (YYYY-MM-DD, midnight UTC, or YYYY-MM-DDTHH:MM:SSZ)\n"
    "          ends it then; without it, it lasts until revoked\n"
    "  list    every token: its first characters, name, user, scopes, last use, state\n"
    "  revoke  ends a token at once\n"
    "\n"
    "The office or the committee (--as LOGIN), or the local administrator (no --as).\n";

static int cli_token_print(struct nr_cli *cli, json_t *row)
{
    if (cli->json) {
        nr_cli_print_json(row);
        return NR_EXIT_OK;
    }
    printf("token %lld (%s) for %s, scopes %s, %s\n",
           (long long)json_integer_value(json_object_get(row, "id")),
           json_string_value(json_object_get(row, "prefix")),
           json_string_value(json_object_get(row, "user")),
           json_string_value(json_object_get(row, "scopes")),
           json_string_value(json_object_get(row, "state")));
    json_decref(row);
    return NR_EXIT_OK;
}

static int cli_token_create(struct nr_cli *cli, const char *user, const char *name,
                            const char *scopes, const char *expires)
{
    struct nr_token_spec spec = {user, name, 0, expires};
    struct nr_err err;
    char *secret = NULL;
    json_t *row = NULL;
    int64_t id = 0;
    int rc;

    if (user == NULL || name == NULL || scopes == NULL)
        return nr_cli_usage(cli_token_usage, "token create needs --user, --name and --scopes");
    nr_err_init(&err);
    if (nr_token_scopes_parse(scopes, &spec.scopes, &err) != 0)
        return nr_cli_usage(cli_token_usage, "%s", err.msg);
    rc = nr_cli_open(cli, NR_CLI_ADMIN);
    if (rc)
        return rc;
    rc = nr_token_create(&cli->rv, &cli->actor, &spec, &id, &secret, &err);
    if (rc == 0)
        rc = nr_token_show(&cli->rv, &cli->actor, id, &row, &err);
    if (rc) {
        if (secret)
            memset(secret, 0, strlen(secret));
        nr_free(secret);
        return nr_cli_fail(cli, rc, &err);
    }
    if (cli->json) {
        json_object_set_new(row, "token", json_string(secret));
        nr_cli_print_json(row);
    } else {
        /* The token alone on stdout, so that a script can capture it; the rest on stderr. */
        printf("%s\n", secret);
        fprintf(stderr,
                "netreview: created token %lld for %s (scopes %s%s%s); it is shown only this "
                "once\n",
                (long long)id, user, json_string_value(json_object_get(row, "scopes")),
                json_is_string(json_object_get(row, "expires_at")) ? ", expires " : "",
                json_is_string(json_object_get(row, "expires_at"))
                    ? json_string_value(json_object_get(row, "expires_at"))
                    : "");
        json_decref(row);
    }
    memset(secret, 0, strlen(secret));
    nr_free(secret);
    return NR_EXIT_OK;
}

int nr_cli_token(struct nr_cli *cli, int argc, char **argv)
{
    const char *pos[2] = {0}, *user = NULL, *name = NULL, *scopes = NULL, *expires = NULL;
    struct nr_opt opts[] = {
        {"user", true, &user, NULL},     {"name", true, &name, NULL},
        {"scopes", true, &scopes, NULL}, {"expires", true, &expires, NULL},
        {NULL, false, NULL, NULL},
    };
    struct nr_err err;
    json_t *rows = NULL, *row = NULL;
    int64_t id = 0;
    int npos = 0, rc;

    rc = nr_cli_parse(cli, argc, argv, 1, opts, pos, 2, &npos, cli_token_usage);
    if (rc)
        return rc;
    if (npos < 1)
        return nr_cli_usage(cli_token_usage, "token needs create, list or revoke");
    nr_err_init(&err);
    if (strcmp(pos[0], "create") == 0) {
        if (npos != 1)
            return nr_cli_usage(cli_token_usage, "token create takes no argument");
        return cli_token_create(cli, user, name, scopes, expires);
    }
    if (user || name || scopes || expires)
        return nr_cli_usage(cli_token_usage, "--user, --name, --scopes and --expires are options "
                                             "of token create");
    if (strcmp(pos[0], "list") == 0) {
        static const char *const columns[] = {"id",         "prefix",     "name",  "user",
                                              "scopes",     "expires_at", "state", "last_used_at",
                                              "created_by", NULL};
        if (npos != 1)
            return nr_cli_usage(cli_token_usage, "token list takes no argument");
        rc = nr_cli_open(cli, NR_CLI_ADMIN);
        if (rc)
            return rc;
        rc = nr_token_list(&cli->rv, &cli->actor, &rows, &err);
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
    if (strcmp(pos[0], "revoke") == 0) {
        if (npos != 2 || nr_cli_id(pos[1], &id) != 0)
            return nr_cli_usage(cli_token_usage, "token revoke takes the token's id");
        rc = nr_cli_open(cli, NR_CLI_ADMIN);
        if (rc)
            return rc;
        rc = nr_token_revoke(&cli->rv, &cli->actor, id, &err);
        if (rc == 0)
            rc = nr_token_show(&cli->rv, &cli->actor, id, &row, &err);
        if (rc)
            return nr_cli_fail(cli, rc, &err);
        return cli_token_print(cli, row);
    }
    return nr_cli_usage(cli_token_usage, "unknown token command \"%s\"", pos[0]);
}
