/*
 * cli_demo.c - `netreview demo`: fills a new installation with the demonstration data set and
 * says how to look around in it (interface: cli.h; the data set is src/model/demo.c behind
 * review.h's nr_demo_load); `netreview demo portfolio` loads a portfolio of passed products
 * with their SBOMs (src/model/portfolio.c, nr_demo_portfolio) for the supply-chain watch.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

#include "netreview/banned.h"

#define CLI_DEMO_PASSWORD_LEN 16

static const char nr_demo_usage[] =
    "usage: netreview demo --db PATH [--password PW]\n"
    "\n"
    "Fills a new installation (`netreview init --procedure cn-2017` first) with demonstration\n"
    "data: organisations over three sectors, one user per role, experts, designated\n"
    "institutions, products, and cases in every phase of the procedure, all made through the\n"
    "review's own operations so that the audit log is their real history. Every name in it is\n"
    "fictional. A database that already holds data is refused.\n"
    "\n"
    "  --password PW   the password of every demo user (at least 8 characters); without it a\n"
    "                  random one is made and printed\n"
    "\n"
    "Exit codes: see `netreview --help`.\n"
    "\n"
    "usage: netreview demo portfolio --sboms DIR --db PATH [--password PW]\n"
    "\n"
    "Loads a portfolio of passed products: for every *.json SBOM of DIR (CycloneDX or SPDX), in\n"
    "name order, one product (named by the SBOM's subject) and one case driven through the\n"
    "procedure to a passed, published decision with the SBOM attached by the laboratory, as\n"
    "`netreview analyze sbom --case` does; what `netreview watch` then re-matches (R14). The\n"
    "portfolio's organisations and users (portfolio-office, portfolio-lab, portfolio-vendor,\n"
    "portfolio-expert1..N) are made when missing, with the password given (or a random one,\n"
    "printed). One transaction: a failure leaves nothing. bench/sbom.sh uses it.\n";

/* A random password of letters and digits without the look-alikes (0/O, 1/l/I). */
static int nr_demo_password(char out[CLI_DEMO_PASSWORD_LEN + 1])
{
    static const char alphabet[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    const unsigned n = (unsigned)(sizeof(alphabet) - 1);
    /* Bytes at or above the largest multiple of n are drawn again, so no letter is likelier. */
    const unsigned limit = 256 - 256 % n;
    size_t len = 0;

    while (len < CLI_DEMO_PASSWORD_LEN) {
        unsigned char bytes[32];
        int rc = nr_random(bytes, sizeof(bytes));
        if (rc)
            return rc;
        for (size_t i = 0; i < sizeof(bytes) && len < CLI_DEMO_PASSWORD_LEN; i++)
            if (bytes[i] < limit)
                out[len++] = alphabet[bytes[i] % n];
    }
    out[len] = '\0';
    return 0;
}

/* {"role": ["login", ...]} in the order of the roles of MISSION.md. */
static json_t *nr_demo_users_by_role(json_t *users)
{
    json_t *by_role = json_object(), *u;
    size_t i;

    for (int r = 0; r < NR_ROLE__COUNT; r++) {
        json_t *logins = json_array();
        json_array_foreach(users, i, u)
        {
            const char *role = json_string_value(json_object_get(u, "role"));
            if (role && strcmp(role, nr_role_name(r)) == 0)
                json_array_append(logins, json_object_get(u, "login"));
        }
        if (json_array_size(logins))
            json_object_set_new(by_role, nr_role_name(r), logins);
        else
            json_decref(logins);
    }
    return by_role;
}

/* {"phase": count} in the order of the procedure's phases, and the first case of each. */
static void nr_demo_cases_by_phase(const struct nr_procedure *p, json_t *cases, json_t **counts,
                                   json_t **first)
{
    json_t *c;
    size_t i;

    *counts = json_object();
    *first = json_object();
    for (size_t k = 0; k < p->nphases; k++) {
        json_int_t n = 0;
        json_array_foreach(cases, i, c)
        {
            const char *phase = json_string_value(json_object_get(c, "phase"));
            if (phase && strcmp(phase, p->phases[k].id) == 0) {
                if (n++ == 0)
                    json_object_set(*first, phase, json_object_get(c, "ref"));
            }
        }
        json_object_set_new(*counts, p->phases[k].id, json_integer(n));
    }
}

static const char *nr_demo_ref(json_t *first, const char *phase)
{
    const char *ref = json_string_value(json_object_get(first, phase));
    return ref ? ref : "1";
}

static void nr_demo_print(struct nr_cli *cli, const char *password, json_t *by_role, json_t *counts,
                          json_t *first, size_t ncases)
{
    const char *key, *db = cli->db;
    json_t *v;
    size_t i;

    printf("loaded the demonstration data into %s (procedure %s)\n\n", db, cli->rv.proc.id);
    printf("every demo user's password: %s\n", password);
    printf("(for demonstration only: anyone who reads this can sign in as every user)\n\n");
    printf("users by role:\n");
    json_object_foreach(by_role, key, v)
    {
        json_t *login;
        printf("  %-16s", key);
        json_array_foreach(v, i, login)
        {
            printf(" %s", json_string_value(login));
        }
        printf("\n");
    }
    printf("\n%zu cases by phase:\n", ncases);
    json_object_foreach(counts, key, v)
    {
        printf("  %-16s %lld\n", key, (long long)json_integer_value(v));
    }
    printf("\ntry:\n");
    printf("  netreview --db %s case list --as office\n", db);
    printf("  netreview --db %s case overdue --as office\n", db);
    printf("  netreview --db %s case show %s --as protect-finance\n", db,
           nr_demo_ref(first, "scoping"));
    printf("  netreview --db %s panel show %s --as expert1\n", db,
           nr_demo_ref(first, "expert_review"));
    printf("  netreview --db %s complaint list --as office\n", db);
    printf("  netreview --db %s decision list --as telecom-ops\n", db);
    printf("  netreview --db %s gate check --product \"Halcyon Smart Meter Controller\" "
           "--version 1.9.0\n",
           db);
    printf("  netreview --db %s gate check --cpe "
           "cpe:2.3:h:halcyon:substation_rtu:2.2.0:*:*:*:*:*:*:* --operator \"Eastern Grid Power "
           "Company\"\n",
           db);
    printf("  netreview --db %s audit verify\n", db);
}

static void nr_portfolio_progress(void *ctx, int64_t done, int64_t total)
{
    (void)ctx;
    /* A line now and then, on stderr: stdout stays the result. */
    if (done % 100 == 0 || done == total)
        fprintf(stderr, "netreview: portfolio: %lld of %lld products passed\n", (long long)done,
                (long long)total);
}

static int nr_cli_demo_portfolio(struct nr_cli *cli, int argc, char **argv)
{
    const char *password = NULL, *dir = NULL, *pos[1];
    struct nr_opt opts[] = {{"password", true, &password, NULL},
                            {"sboms", true, &dir, NULL},
                            {NULL, false, NULL, NULL}};
    struct nr_portfolio_stats st;
    struct nr_err err;
    char made[CLI_DEMO_PASSWORD_LEN + 1];
    int npos, rc;

    rc = nr_cli_parse(cli, argc, argv, 2, opts, pos, 0, &npos, nr_demo_usage);
    if (rc)
        return rc;
    if (dir == NULL)
        return nr_cli_usage(nr_demo_usage, "demo portfolio needs --sboms DIR");
    if (cli->as && *cli->as)
        return nr_cli_usage(nr_demo_usage,
                            "demo portfolio runs as the local administrator; drop --as");
    rc = nr_cli_open(cli, NR_CLI_ADMIN);
    if (rc)
        return rc;
    nr_err_init(&err);
    if (password == NULL) {
        if (nr_demo_password(made) != 0) {
            nr_err_set(&err, NR_ECRYPTO, "password", "cannot draw random bytes for a password");
            return nr_cli_fail(cli, NR_ECRYPTO, &err);
        }
        password = made;
    }
    rc = nr_demo_portfolio(&cli->rv, dir, password, &st, nr_portfolio_progress, NULL, &err);
    if (rc)
        return nr_cli_fail(cli, rc, &err);
    if (cli->json) {
        nr_cli_print_json(json_pack("{s:s,s:I,s:I,s:s}", "db", cli->db, "products",
                                    (json_int_t)st.products, "components",
                                    (json_int_t)st.components, "password", password));
    } else {
        printf("loaded a portfolio of %lld passed products (%lld components) into %s\n",
               (long long)st.products, (long long)st.components, cli->db);
        printf("password of the portfolio's new users: %s\n", password);
        printf("\ntry:\n  netreview --db %s watch\n", cli->db);
    }
    return NR_EXIT_OK;
}

int nr_cli_demo(struct nr_cli *cli, int argc, char **argv)
{
    const char *password = NULL, *pos[1];
    struct nr_opt opts[] = {{"password", true, &password, NULL}, {NULL, false, NULL, NULL}};
    struct nr_case_filter filter;
    struct nr_actor admin;
    struct nr_err err;
    char made[CLI_DEMO_PASSWORD_LEN + 1];
    json_t *users = NULL, *cases = NULL, *by_role, *counts, *first;
    int npos, rc;

    if (argc > 1 && strcmp(argv[1], "portfolio") == 0)
        return nr_cli_demo_portfolio(cli, argc, argv);
    rc = nr_cli_parse(cli, argc, argv, 1, opts, pos, 0, &npos, nr_demo_usage);
    if (rc)
        return rc;
    if (cli->as && *cli->as)
        return nr_cli_usage(nr_demo_usage,
                            "demo runs as the local administrator of a new installation; drop "
                            "--as");
    rc = nr_cli_open(cli, NR_CLI_ADMIN);
    if (rc)
        return rc;
    if (password == NULL) {
        if (nr_demo_password(made) != 0) {
            nr_err_init(&err);
            nr_err_set(&err, NR_ECRYPTO, "password", "cannot draw random bytes for a password");
            return nr_cli_fail(cli, NR_ECRYPTO, &err);
        }
        password = made;
    }
    nr_err_init(&err);
    rc = nr_demo_load(&cli->rv, password, &err);
    if (rc)
        return nr_cli_fail(cli, rc, &err);

    nr_actor_local_admin(&admin);
    memset(&filter, 0, sizeof(filter));
    filter.limit = 1000;
    rc = nr_user_list(&cli->rv, &users, &err);
    if (rc == 0)
        rc = nr_case_list(&cli->rv, &admin, &filter, &cases, &err);
    if (rc) {
        json_decref(users);
        return nr_cli_fail(cli, rc, &err);
    }
    by_role = nr_demo_users_by_role(users);
    nr_demo_cases_by_phase(&cli->rv.proc, cases, &counts, &first);
    if (cli->json) {
        nr_cli_print_json(json_pack("{s:s,s:s,s:s,s:o,s:I,s:o,s:o}", "db", cli->db, "procedure",
                                    cli->rv.proc.id, "password", password, "users", by_role,
                                    "cases", (json_int_t)json_array_size(cases), "phases", counts,
                                    "first_case_of_phase", first));
    } else {
        nr_demo_print(cli, password, by_role, counts, first, json_array_size(cases));
        json_decref(by_role);
        json_decref(counts);
        json_decref(first);
    }
    json_decref(users);
    json_decref(cases);
    return NR_EXIT_OK;
}
