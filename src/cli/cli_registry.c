/*
 * cli_registry.c - the registry's subcommand families (interface: cli.h): `org`, `user`,
 * `product`, `institution`, `expert` and `affiliation`. Each parses its options, opens the
 * installation as the acting user (the local administrator when no --as is given) and calls the
 * registry of review.h; data prints as an aligned table, or with --json as the same JSON the
 * HTTP API serves.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netreview/banned.h"

#define CLI_EXIT_HELP                                                                              \
    "\nExit codes: 0 done, 2 bad command line, 3 not found, 4 refused (role, duplicate,\n"         \
    "conflict), 6 database, 7 malformed input. See `netreview --help`.\n"

/* Prints "added <what> <id>" or {"id": N} and returns 0. */
static int cli_added(struct nr_cli *cli, const char *what, int64_t id, const char *name)
{
    if (cli->json)
        nr_cli_print_json(json_pack("{s:I}", "id", (json_int_t)id));
    else if (name)
        printf("added %s %lld (%s)\n", what, (long long)id, name);
    else
        printf("added %s %lld\n", what, (long long)id);
    return NR_EXIT_OK;
}

/* Prints a list as JSON or as a table of columns; takes the reference to rows. */
static int cli_rows(struct nr_cli *cli, json_t *rows, const char *const *columns)
{
    if (cli->json) {
        nr_cli_print_json(rows);
    } else {
        nr_cli_print_table(rows, columns);
        json_decref(rows);
    }
    return NR_EXIT_OK;
}

/* Keeps the rows whose key equals value (as text, or as a decimal integer). */
static json_t *cli_filter(json_t *rows, const char *key, const char *value)
{
    json_t *out = json_array(), *row;
    size_t i;

    json_array_foreach(rows, i, row)
    {
        json_t *v = json_object_get(row, key);
        char num[24];
        const char *text = json_string_value(v);
        if (json_is_integer(v)) {
            snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
            text = num;
        }
        if (text && strcmp(text, value) == 0)
            json_array_append(out, row);
    }
    json_decref(rows);
    return out;
}

/* The one row whose key equals value, or NULL. Takes the reference to rows. */
static json_t *cli_pick(json_t *rows, const char *key, const char *value)
{
    json_t *kept = cli_filter(rows, key, value);
    json_t *one = json_incref(json_array_get(kept, 0));
    json_decref(kept);
    return one;
}

/* Prints an object as "key: value" lines, or as JSON; takes the reference. */
static int cli_object(struct nr_cli *cli, json_t *o)
{
    const char *key;
    json_t *v;

    if (cli->json) {
        nr_cli_print_json(o);
        return NR_EXIT_OK;
    }
    json_object_foreach(o, key, v)
    {
        if (json_is_array(v) || json_is_object(v))
            continue;
        if (json_is_null(v))
            printf("%-18s -\n", key);
        else if (json_is_string(v))
            printf("%-18s %s\n", key, json_string_value(v));
        else if (json_is_integer(v))
            printf("%-18s %lld\n", key, (long long)json_integer_value(v));
        else
            printf("%-18s %s\n", key, json_is_true(v) ? "yes" : "no");
    }
    json_decref(o);
    return NR_EXIT_OK;
}

static int cli_subcommand(int argc, char **argv, const char *usage, const char **sub)
{
    if (argc < 2)
        return nr_cli_usage(usage, "no subcommand given");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        fputs(usage, stdout);
        exit(NR_EXIT_OK);
    }
    *sub = argv[1];
    return 0;
}

/* ---- org ---- */

static const char cli_org_usage[] =
    "usage: netreview org add NAME --kind KIND [--sector SECTOR] [--country COUNTRY] [--cii]\n"
    "       netreview org list [--kind KIND] [--json]\n"
    "       netreview org show ORG [--json]\n"
    "       netreview org competitor ORG COMPETITOR\n"
    "\n"
    "Organisations take part in reviews: the committee, the office, designated institutions,\n"
    "departments, operators, providers, associations and the experts committee.\n"
    "\n"
    "  add         register an organisation (local administrator, committee or office)\n"
    "  list        every organisation, with its competitors\n"
    "  show        one organisation by id or exact name\n"
    "  competitor  record that two providers compete: an expert or institution affiliated with\n"
    "              a competitor of a case's provider has a conflict of interest (R6, R10)\n"
    "\n"
    "Options:\n"
    "  --kind KIND        committee, office, institution, protection_dept, sector_dept, operator,\n"
    "                     provider, association, state_dept or experts_committee\n"
    "  --sector SECTOR    a lower-case word such as finance, telecom, energy, transport (needed\n"
    "                     by sector_dept and protection_dept)\n"
    "  --country COUNTRY  free text\n"
    "  --cii              the operator runs critical information infrastructure (R1, R9)\n"
    "  --json             print JSON\n" CLI_EXIT_HELP;

int nr_cli_org(struct nr_cli *cli, int argc, char **argv)
{
    const char *sub = NULL, *pos[2] = {0}, *kind = NULL, *sector = NULL, *country = NULL;
    bool cii = false;
    struct nr_opt opts[] = {
        {"kind", true, &kind, NULL},       {"sector", true, &sector, NULL},
        {"country", true, &country, NULL}, {"cii", false, NULL, &cii},
        {NULL, false, NULL, NULL},
    };
    struct nr_err err;
    json_t *rows = NULL;
    int npos = 0, rc;

    nr_err_init(&err);
    rc = cli_subcommand(argc, argv, cli_org_usage, &sub);
    if (rc)
        return rc;
    rc = nr_cli_parse(cli, argc, argv, 2, opts, pos, 2, &npos, cli_org_usage);
    if (rc)
        return rc;
    if (strcmp(sub, "add") == 0) {
        struct nr_org_spec o = {pos[0], kind, sector, country, cii};
        int64_t id = 0;
        if (npos != 1)
            return nr_cli_usage(cli_org_usage, "org add takes the organisation's name");
        if ((rc = nr_cli_open(cli, NR_CLI_ADMIN)) != 0)
            return rc;
        rc = nr_org_add(&cli->rv, &cli->actor, &o, &id, &err);
        return rc ? nr_cli_fail(cli, rc, &err) : cli_added(cli, "organisation", id, pos[0]);
    }
    if (strcmp(sub, "list") == 0 || strcmp(sub, "show") == 0) {
        static const char *const columns[] = {"id",      "name", "kind", "sector",
                                              "country", "cii",  NULL};
        bool show = strcmp(sub, "show") == 0;
        if (npos != (show ? 1 : 0))
            return nr_cli_usage(cli_org_usage, show ? "org show takes one organisation"
                                                    : "org list takes no argument");
        if ((rc = nr_cli_open(cli, NR_CLI_ADMIN)) != 0)
            return rc;
        if (show) {
            int64_t id = 0;
            char num[24];
            json_t *o, *c, *comp;
            size_t i;
            rc = nr_org_find(&cli->rv, pos[0], &id, &err);
            if (rc == 0)
                rc = nr_org_list(&cli->rv, &rows, &err);
            if (rc)
                return nr_cli_fail(cli, rc, &err);
            snprintf(num, sizeof(num), "%lld", (long long)id);
            o = cli_pick(rows, "id", num);
            if (o == NULL)
                return nr_cli_fail(cli, NR_ENOTFOUND, NULL);
            if (cli->json)
                return cli_object(cli, o);
            comp = json_incref(json_object_get(o, "competitors"));
            cli_object(cli, o);
            printf("%-18s ", "competitors");
            json_array_foreach(comp, i, c) printf("%s%s", i ? ", " : "", json_string_value(c));
            printf("%s\n", json_array_size(comp) ? "" : "-");
            json_decref(comp);
            return NR_EXIT_OK;
        }
        rc = nr_org_list(&cli->rv, &rows, &err);
        if (rc)
            return nr_cli_fail(cli, rc, &err);
        if (kind)
            rows = cli_filter(rows, "kind", kind);
        return cli_rows(cli, rows, columns);
    }
    if (strcmp(sub, "competitor") == 0) {
        int64_t org = 0, competitor = 0;
        if (npos != 2)
            return nr_cli_usage(cli_org_usage,
                                "org competitor takes an organisation and its competitor");
        if ((rc = nr_cli_open(cli, NR_CLI_ADMIN)) != 0)
            return rc;
        rc = nr_org_find(&cli->rv, pos[0], &org, &err);
        if (rc == 0)
            rc = nr_org_find(&cli->rv, pos[1], &competitor, &err);
        if (rc == 0)
            rc = nr_org_competitor_add(&cli->rv, &cli->actor, org, competitor, &err);
        if (rc)
            return nr_cli_fail(cli, rc, &err);
        if (cli->json)
            nr_cli_print_json(json_pack("{s:I,s:I}", "org_id", (json_int_t)org, "competitor_id",
                                        (json_int_t)competitor));
        else
            printf("recorded %s and %s as competitors\n", pos[0], pos[1]);
        return NR_EXIT_OK;
    }
    return nr_cli_usage(cli_org_usage, "unknown subcommand \"org %s\"", sub);
}

/* ---- user ---- */

static const char cli_user_usage[] =
    "usage: netreview user add LOGIN --name NAME --org ORG --role ROLE [--password-stdin]\n"
    "       netreview user list [--org ORG] [--role ROLE] [--json]\n"
    "       netreview user show LOGIN [--json]\n"
    "       netreview user key LOGIN\n"
    "\n"
    "Users act for an organisation in one role. Each user gets a signing key pair in the\n"
    "installation's suite: reports, scores and commitments are signed with it (R10).\n"
    "\n"
    "  add   create a user (local administrator, committee or office; only the committee adds\n"
    "        committee members). The role must fit the organisation: an institution user\n"
    "        belongs to an institution, an expert to the experts committee, and so on\n"
    "  list  every user with role, organisation and key id\n"
    "  show  one user\n"
    "  key   print the user's public key (PEM), to verify their signatures offline\n"
    "\n"
    "Options:\n"
    "  --name NAME        the person's name\n"
    "  --org ORG          organisation id or exact name\n"
    "  --role ROLE        committee, office, expert, institution, protection_dept, sector_dept,\n"
    "                     operator, provider, association or state_dept\n"
    "  --password-stdin   read the password (8 characters or more) from the first line of stdin;\n"
    "                     NETREVIEW_PASSWORD is read when this is not given. A user without a\n"
    "                     password acts only through --as on this machine\n"
    "  --json             print JSON\n" CLI_EXIT_HELP;

/* The first line of stdin, without its line end, into buf. */
static int cli_read_password(char *buf, size_t n)
{
    size_t len;

    if (fgets(buf, (int)n, stdin) == NULL)
        return nr_cli_usage(NULL, "no password on stdin");
    len = strlen(buf);
    if (len == n - 1 && buf[len - 1] != '\n')
        return nr_cli_usage(NULL, "the password on stdin is longer than %zu bytes", n - 2);
    while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
        buf[--len] = '\0';
    return 0;
}

int nr_cli_user(struct nr_cli *cli, int argc, char **argv)
{
    const char *sub = NULL, *pos[1] = {0}, *name = NULL, *org = NULL, *role = NULL;
    bool password_stdin = false;
    struct nr_opt opts[] = {
        {"name", true, &name, NULL}, {"org", true, &org, NULL},
        {"role", true, &role, NULL}, {"password-stdin", false, NULL, &password_stdin},
        {NULL, false, NULL, NULL},
    };
    struct nr_err err;
    json_t *rows = NULL;
    int npos = 0, rc;

    nr_err_init(&err);
    rc = cli_subcommand(argc, argv, cli_user_usage, &sub);
    if (rc)
        return rc;
    rc = nr_cli_parse(cli, argc, argv, 2, opts, pos, 1, &npos, cli_user_usage);
    if (rc)
        return rc;
    if (strcmp(sub, "add") == 0) {
        char password[1100];
        const char *env = getenv("NETREVIEW_PASSWORD");
        struct nr_user_spec u = {pos[0], name, org, role, NULL};
        int64_t id = 0;
        if (npos != 1)
            return nr_cli_usage(cli_user_usage, "user add takes the new user's login");
        if (password_stdin) {
            rc = cli_read_password(password, sizeof(password));
            if (rc)
                return rc;
            u.password = password;
        } else if (env && *env) {
            u.password = env;
        }
        if ((rc = nr_cli_open(cli, NR_CLI_ADMIN)) != 0)
            return rc;
        rc = nr_user_add(&cli->rv, &cli->actor, &u, &id, &err);
        if (password_stdin)
            explicit_bzero(password, sizeof(password));
        return rc ? nr_cli_fail(cli, rc, &err) : cli_added(cli, "user", id, pos[0]);
    }
    if (strcmp(sub, "list") == 0) {
        static const char *const columns[] = {"id",  "login",  "name",         "role",
                                              "org", "key_id", "has_password", NULL};
        if (npos != 0)
            return nr_cli_usage(cli_user_usage, "user list takes no argument");
        if ((rc = nr_cli_open(cli, NR_CLI_ADMIN)) != 0)
            return rc;
        rc = nr_user_list(&cli->rv, &rows, &err);
        if (rc)
            return nr_cli_fail(cli, rc, &err);
        if (org) {
            int64_t org_id = 0;
            char num[24];
            rc = nr_org_find(&cli->rv, org, &org_id, &err);
            if (rc) {
                json_decref(rows);
                return nr_cli_fail(cli, rc, &err);
            }
            snprintf(num, sizeof(num), "%lld", (long long)org_id);
            rows = cli_filter(rows, "org_id", num);
        }
        if (role)
            rows = cli_filter(rows, "role", role);
        return cli_rows(cli, rows, columns);
    }
    if (strcmp(sub, "show") == 0 || strcmp(sub, "key") == 0) {
        json_t *u;
        if (npos != 1)
            return nr_cli_usage(cli_user_usage, "user %s takes one login", sub);
        if ((rc = nr_cli_open(cli, NR_CLI_ADMIN)) != 0)
            return rc;
        rc = nr_user_list(&cli->rv, &rows, &err);
        if (rc)
            return nr_cli_fail(cli, rc, &err);
        u = cli_pick(rows, "login", pos[0]);
        if (u == NULL) {
            nr_err_set(&err, NR_ENOTFOUND, "login", "no user %s", pos[0]);
            return nr_cli_fail(cli, NR_ENOTFOUND, &err);
        }
        if (strcmp(sub, "key") == 0) {
            const char *pem = json_string_value(json_object_get(u, "public_key"));
            if (cli->json)
                nr_cli_print_json(json_pack("{s:s?,s:s?}", "key_id",
                                            json_string_value(json_object_get(u, "key_id")),
                                            "public_key", pem));
            else if (pem)
                fputs(pem, stdout);
            json_decref(u);
            return NR_EXIT_OK;
        }
        /* The PEM spans lines; `user key` prints it. */
        if (!cli->json)
            json_object_del(u, "public_key");
        return cli_object(cli, u);
    }
    return nr_cli_usage(cli_user_usage, "unknown subcommand \"user %s\"", sub);
}

/* ---- product ---- */

static const char cli_product_usage[] =
    "usage: netreview product add NAME --provider ORG [--kind product|service]\n"
    "                             [--description TEXT] [--cpe CPE] [--purl PURL]\n"
    "       netreview product add-version PRODUCT VERSION [--cpe CPE] [--purl PURL]\n"
    "       netreview product list [--provider ORG] [--json]\n"
    "       netreview product show PRODUCT [--json]\n"
    "\n"
    "Products and services under review, with their versions and identifiers. PRODUCT is an\n"
    "id, an exact name, a CPE 2.3 name (cpe:2.3:..., its version ignored) or a package URL\n"
    "(pkg:..., matched on its type, namespace and name): what the procurement gate accepts.\n"
    "\n"
    "  add          register a product (local administrator, committee, office, or a provider\n"
    "               for its own organisation)\n"
    "  add-version  register a version; its CPE and package URL must name this product at this\n"
    "               version\n"
    "  list         every product\n"
    "  show         one product with its versions\n"
    "\n"
    "Options:\n"
    "  --provider ORG     the provider organisation (id or exact name)\n"
    "  --kind KIND        product (default) or service\n"
    "  --description TEXT what it is\n"
    "  --cpe CPE          a CPE 2.3 formatted string, e.g. "
    "cpe:2.3:h:huaxin:hx-8000:*:*:*:*:*:*:*:*\n"
    "  --purl PURL        a package URL, e.g. pkg:generic/huaxin/hx-os\n"
    "  --json             print JSON\n" CLI_EXIT_HELP;

int nr_cli_product(struct nr_cli *cli, int argc, char **argv)
{
    const char *sub = NULL, *pos[2] = {0}, *provider = NULL, *kind = NULL, *description = NULL;
    const char *cpe = NULL, *purl = NULL;
    struct nr_opt opts[] = {
        {"provider", true, &provider, NULL},
        {"kind", true, &kind, NULL},
        {"description", true, &description, NULL},
        {"cpe", true, &cpe, NULL},
        {"purl", true, &purl, NULL},
        {NULL, false, NULL, NULL},
    };
    struct nr_err err;
    json_t *rows = NULL;
    int64_t id = 0;
    int npos = 0, rc;

    nr_err_init(&err);
    rc = cli_subcommand(argc, argv, cli_product_usage, &sub);
    if (rc)
        return rc;
    rc = nr_cli_parse(cli, argc, argv, 2, opts, pos, 2, &npos, cli_product_usage);
    if (rc)
        return rc;
    if (strcmp(sub, "add") == 0) {
        struct nr_product_spec p = {pos[0], kind, provider, description, cpe, purl};
        if (npos != 1)
            return nr_cli_usage(cli_product_usage, "product add takes the product's name");
        if ((rc = nr_cli_open(cli, NR_CLI_ADMIN)) != 0)
            return rc;
        rc = nr_product_add(&cli->rv, &cli->actor, &p, &id, &err);
        return rc ? nr_cli_fail(cli, rc, &err) : cli_added(cli, "product", id, pos[0]);
    }
    if (strcmp(sub, "add-version") == 0) {
        if (npos != 2)
            return nr_cli_usage(cli_product_usage, "product add-version takes a product and a "
                                                   "version");
        if ((rc = nr_cli_open(cli, NR_CLI_ADMIN)) != 0)
            return rc;
        rc = nr_product_find(&cli->rv, pos[0], &id, &err);
        if (rc == 0)
            rc = nr_product_version_add(&cli->rv, &cli->actor, id, pos[1], cpe, purl, &err);
        if (rc)
            return nr_cli_fail(cli, rc, &err);
        if (cli->json)
            nr_cli_print_json(
                json_pack("{s:I,s:s}", "product_id", (json_int_t)id, "version", pos[1]));
        else
            printf("added version %s of product %lld\n", pos[1], (long long)id);
        return NR_EXIT_OK;
    }
    if (strcmp(sub, "list") == 0) {
        static const char *const columns[] = {"id",  "name", "kind",          "provider",
                                              "cpe", "purl", "version_count", NULL};
        if (npos != 0)
            return nr_cli_usage(cli_product_usage, "product list takes no argument");
        if ((rc = nr_cli_open(cli, NR_CLI_ADMIN)) != 0)
            return rc;
        rc = nr_product_list(&cli->rv, &rows, &err);
        if (rc)
            return nr_cli_fail(cli, rc, &err);
        if (provider) {
            int64_t org = 0;
            char num[24];
            rc = nr_org_find(&cli->rv, provider, &org, &err);
            if (rc) {
                json_decref(rows);
                return nr_cli_fail(cli, rc, &err);
            }
            snprintf(num, sizeof(num), "%lld", (long long)org);
            rows = cli_filter(rows, "provider_id", num);
        }
        return cli_rows(cli, rows, columns);
    }
    if (strcmp(sub, "show") == 0) {
        static const char *const columns[] = {"id", "version", "cpe", "purl", "created_at", NULL};
        json_t *p = NULL, *versions;
        if (npos != 1)
            return nr_cli_usage(cli_product_usage, "product show takes one product");
        if ((rc = nr_cli_open(cli, NR_CLI_ADMIN)) != 0)
            return rc;
        rc = nr_product_find(&cli->rv, pos[0], &id, &err);
        if (rc == 0)
            rc = nr_product_show(&cli->rv, id, &p, &err);
        if (rc)
            return nr_cli_fail(cli, rc, &err);
        if (cli->json)
            return cli_object(cli, p);
        versions = json_incref(json_object_get(p, "versions"));
        cli_object(cli, p);
        printf("\n");
        return cli_rows(cli, versions, columns);
    }
    return nr_cli_usage(cli_product_usage, "unknown subcommand \"product %s\"", sub);
}

/* ---- institution ---- */

static const char cli_institution_usage[] =
    "usage: netreview institution designate ORG --methods M1,M2 [--from DATE] [--until DATE]\n"
    "                                       [--ref REF]\n"
    "       netreview institution list [--json]\n"
    "\n"
    "The registry of state-designated institutions (R5): only an institution designated on the\n"
    "day, for the method, may be assigned evaluation work.\n"
    "\n"
    "  designate  record the designation of an organisation of kind institution (local\n"
    "             administrator, committee or office)\n"
    "  list       every designated institution, whether in force today, and its affiliations\n"
    "\n"
    "Options:\n"
    "  --methods LIST   comma list of the procedure's evaluation methods, e.g.\n"
    "                   lab_testing,on_site_inspection,online_monitoring,background_investigation\n"
    "  --from DATE      first day of the designation, YYYY-MM-DD (default today)\n"
    "  --until DATE     last day of the designation (default: no expiry); not before --from\n"
    "  --ref REF        the designation's reference, e.g. the notice that made it\n"
    "  --json           print JSON\n" CLI_EXIT_HELP;

int nr_cli_institution(struct nr_cli *cli, int argc, char **argv)
{
    const char *sub = NULL, *pos[1] = {0}, *methods = NULL, *from = NULL, *until = NULL;
    const char *ref = NULL;
    struct nr_opt opts[] = {
        {"methods", true, &methods, NULL}, {"from", true, &from, NULL},
        {"until", true, &until, NULL},     {"ref", true, &ref, NULL},
        {NULL, false, NULL, NULL},
    };
    struct nr_err err;
    json_t *rows = NULL;
    int npos = 0, rc;

    nr_err_init(&err);
    rc = cli_subcommand(argc, argv, cli_institution_usage, &sub);
    if (rc)
        return rc;
    rc = nr_cli_parse(cli, argc, argv, 2, opts, pos, 1, &npos, cli_institution_usage);
    if (rc)
        return rc;
    if (strcmp(sub, "designate") == 0) {
        struct nr_institution_spec s = {pos[0], methods, from, until, ref};
        int64_t id = 0;
        if (npos != 1)
            return nr_cli_usage(cli_institution_usage,
                                "institution designate takes the institution's organisation");
        if ((rc = nr_cli_open(cli, NR_CLI_ADMIN)) != 0)
            return rc;
        rc = nr_institution_designate(&cli->rv, &cli->actor, &s, &id, &err);
        return rc ? nr_cli_fail(cli, rc, &err) : cli_added(cli, "institution", id, pos[0]);
    }
    if (strcmp(sub, "list") == 0) {
        static const char *const columns[] = {
            "id", "org", "methods", "designated_from", "designated_until", "in_force", NULL};
        if (npos != 0)
            return nr_cli_usage(cli_institution_usage, "institution list takes no argument");
        if ((rc = nr_cli_open(cli, NR_CLI_ADMIN)) != 0)
            return rc;
        rc = nr_institution_list(&cli->rv, &rows, &err);
        return rc ? nr_cli_fail(cli, rc, &err) : cli_rows(cli, rows, columns);
    }
    return nr_cli_usage(cli_institution_usage, "unknown subcommand \"institution %s\"", sub);
}

/* ---- expert ---- */

static const char cli_expert_usage[] =
    "usage: netreview expert appoint LOGIN [--field FIELD] [--from DATE] [--until DATE]\n"
    "       netreview expert list [--json]\n"
    "\n"
    "The experts committee (R5, R6): panels are formed from the experts whose appointment is in\n"
    "force.\n"
    "\n"
    "  appoint  appoint a user of role expert (the committee, or the local administrator)\n"
    "  list     every expert, whether in force today, and their affiliations\n"
    "\n"
    "Options:\n"
    "  --field FIELD   field of expertise, free text\n"
    "  --from DATE     first day of the appointment, YYYY-MM-DD (default today)\n"
    "  --until DATE    last day of the appointment (default: open-ended); not before --from\n"
    "  --json          print JSON\n" CLI_EXIT_HELP;

int nr_cli_expert(struct nr_cli *cli, int argc, char **argv)
{
    const char *sub = NULL, *pos[1] = {0}, *field = NULL, *from = NULL, *until = NULL;
    struct nr_opt opts[] = {
        {"field", true, &field, NULL},
        {"from", true, &from, NULL},
        {"until", true, &until, NULL},
        {NULL, false, NULL, NULL},
    };
    struct nr_err err;
    json_t *rows = NULL;
    int npos = 0, rc;

    nr_err_init(&err);
    rc = cli_subcommand(argc, argv, cli_expert_usage, &sub);
    if (rc)
        return rc;
    rc = nr_cli_parse(cli, argc, argv, 2, opts, pos, 1, &npos, cli_expert_usage);
    if (rc)
        return rc;
    if (strcmp(sub, "appoint") == 0) {
        int64_t id = 0;
        if (npos != 1)
            return nr_cli_usage(cli_expert_usage, "expert appoint takes the expert's login");
        if ((rc = nr_cli_open(cli, NR_CLI_ADMIN)) != 0)
            return rc;
        rc = nr_expert_appoint(&cli->rv, &cli->actor, pos[0], field, from, until, &id, &err);
        return rc ? nr_cli_fail(cli, rc, &err) : cli_added(cli, "expert", id, pos[0]);
    }
    if (strcmp(sub, "list") == 0) {
        static const char *const columns[] = {
            "id", "login", "name", "field", "appointed_from", "appointed_until", "in_force", NULL};
        if (npos != 0)
            return nr_cli_usage(cli_expert_usage, "expert list takes no argument");
        if ((rc = nr_cli_open(cli, NR_CLI_ADMIN)) != 0)
            return rc;
        rc = nr_expert_list(&cli->rv, &rows, &err);
        return rc ? nr_cli_fail(cli, rc, &err) : cli_rows(cli, rows, columns);
    }
    return nr_cli_usage(cli_expert_usage, "unknown subcommand \"expert %s\"", sub);
}

/* ---- affiliation ---- */

static const char cli_affiliation_usage[] =
    "usage: netreview affiliation add (--expert LOGIN | --institution ORG) --org ORG\n"
    "                                 --relation RELATION\n"
    "       netreview affiliation list [--expert LOGIN | --institution ORG] [--json]\n"
    "       netreview affiliation check (--expert LOGIN | --institution ORG) --case CASE [--json]\n"
    "\n"
    "Affiliations of experts and institutions with organisations (R6, R10). An expert or an\n"
    "institution affiliated with a case's provider, or with a competitor of it, has a conflict\n"
    "of interest: it is left out of the panel, or not assigned the evaluation. An institution\n"
    "that is the provider itself is always conflicted.\n"
    "\n"
    "  add    record an affiliation, in force from today (local administrator, committee or\n"
    "         office); a former employment counts for three years after it is recorded, the\n"
    "         other relations until they end\n"
    "  list   the affiliations of appointed experts and designated institutions\n"
    "  check  whether an expert or institution has a conflict of interest on a case, and why\n"
    "\n"
    "Options:\n"
    "  --expert LOGIN       the expert (a user of role expert)\n"
    "  --institution ORG    the institution's organisation (id or exact name)\n"
    "  --org ORG            the organisation it is affiliated with\n"
    "  --relation RELATION  employee, consultant, shareholder, board_member, contractor or\n"
    "                       former_employee\n"
    "  --case CASE          case id or reference (NR-2026-0001)\n"
    "  --json               print JSON\n" CLI_EXIT_HELP;

/* Flattens the affiliations of the expert or institution list into rows naming the holder. */
static void cli_affiliation_rows(json_t *holders, const char *holder_kind, const char *holder_key,
                                 const char *only, json_t *out)
{
    json_t *h, *a;
    size_t i, j;

    json_array_foreach(holders, i, h)
    {
        const char *holder = json_string_value(json_object_get(h, holder_key));
        if (only && (holder == NULL || strcmp(holder, only) != 0))
            continue;
        json_array_foreach(json_object_get(h, "affiliations"), j, a)
        {
            json_t *row = json_deep_copy(a);
            json_object_set_new(row, "holder_kind", json_string(holder_kind));
            json_object_set_new(row, "holder", holder ? json_string(holder) : json_null());
            json_array_append_new(out, row);
        }
    }
}

int nr_cli_affiliation(struct nr_cli *cli, int argc, char **argv)
{
    const char *sub = NULL, *pos[1] = {0}, *expert = NULL, *institution = NULL, *org = NULL;
    const char *relation = NULL, *case_ref = NULL;
    struct nr_opt opts[] = {
        {"expert", true, &expert, NULL}, {"institution", true, &institution, NULL},
        {"org", true, &org, NULL},       {"relation", true, &relation, NULL},
        {"case", true, &case_ref, NULL}, {NULL, false, NULL, NULL},
    };
    struct nr_err err;
    int npos = 0, rc;

    nr_err_init(&err);
    rc = cli_subcommand(argc, argv, cli_affiliation_usage, &sub);
    if (rc)
        return rc;
    rc = nr_cli_parse(cli, argc, argv, 2, opts, pos, 0, &npos, cli_affiliation_usage);
    if (rc)
        return rc;
    if (expert && institution)
        return nr_cli_usage(cli_affiliation_usage, "give --expert or --institution, not both");
    if (strcmp(sub, "add") == 0) {
        if (!expert && !institution)
            return nr_cli_usage(cli_affiliation_usage, "give --expert LOGIN or --institution ORG");
        if ((rc = nr_cli_open(cli, NR_CLI_ADMIN)) != 0)
            return rc;
        rc = nr_affiliation_add(&cli->rv, &cli->actor, expert ? "expert" : "institution",
                                expert ? expert : institution, org, relation, &err);
        if (rc)
            return nr_cli_fail(cli, rc, &err);
        if (cli->json)
            nr_cli_print_json(json_pack(
                "{s:s,s:s,s:s?,s:s?}", "holder_kind", expert ? "expert" : "institution", "holder",
                expert ? expert : institution, "org", org, "relation", relation));
        else
            printf("recorded %s as %s of %s\n", expert ? expert : institution, relation, org);
        return NR_EXIT_OK;
    }
    if (strcmp(sub, "list") == 0) {
        static const char *const columns[] = {"id",    "holder_kind", "holder",   "relation", "org",
                                              "since", "until",       "in_force", NULL};
        json_t *experts = NULL, *institutions = NULL, *rows = json_array();
        if ((rc = nr_cli_open(cli, NR_CLI_ADMIN)) != 0) {
            json_decref(rows);
            return rc;
        }
        rc = nr_expert_list(&cli->rv, &experts, &err);
        if (rc == 0)
            rc = nr_institution_list(&cli->rv, &institutions, &err);
        if (rc == 0) {
            if (!institution)
                cli_affiliation_rows(experts, "expert", "login", expert, rows);
            if (!expert)
                cli_affiliation_rows(institutions, "institution", "org", institution, rows);
        }
        json_decref(experts);
        json_decref(institutions);
        if (rc) {
            json_decref(rows);
            return nr_cli_fail(cli, rc, &err);
        }
        return cli_rows(cli, rows, columns);
    }
    if (strcmp(sub, "check") == 0) {
        struct nr_arena ar;
        struct nr_case c;
        int64_t case_id = 0, holder_id = 0;
        bool conflicted = false;
        char *reason = NULL;
        if (!expert && !institution)
            return nr_cli_usage(cli_affiliation_usage, "give --expert LOGIN or --institution ORG");
        if (case_ref == NULL)
            return nr_cli_usage(cli_affiliation_usage, "give the case with --case CASE");
        if ((rc = nr_cli_open(cli, NR_CLI_ADMIN)) != 0)
            return rc;
        /* Who may ask is who keeps the registry; the case must be visible to them (R11). */
        if (!cli->actor.local_admin && cli->actor.role != NR_ROLE_OFFICE &&
            cli->actor.role != NR_ROLE_COMMITTEE) {
            nr_err_set(&err, NR_EFORBIDDEN, NULL, "role %s may not check conflicts of interest",
                       nr_role_name(cli->actor.role));
            return nr_cli_fail(cli, NR_EFORBIDDEN, &err);
        }
        nr_arena_init(&ar);
        rc = nr_case_resolve(&cli->rv, &cli->actor, case_ref, &case_id, &err);
        if (rc == 0)
            rc = nr_case_get(&cli->rv, &cli->actor, case_id, &ar, &c, &err);
        if (rc == 0 && expert) {
            json_t *users = NULL, *u;
            rc = nr_user_list(&cli->rv, &users, &err);
            u = rc == 0 ? cli_pick(users, "login", expert) : NULL;
            if (rc == 0 && u == NULL)
                rc = nr_err_set(&err, NR_ENOTFOUND, "expert", "no user %s", expert);
            holder_id = u ? (int64_t)json_integer_value(json_object_get(u, "id")) : 0;
            json_decref(u);
        } else if (rc == 0) {
            rc = nr_org_find(&cli->rv, institution, &holder_id, &err);
        }
        if (rc == 0)
            rc = nr_conflict_check(&cli->rv, expert ? "expert" : "institution", holder_id, case_id,
                                   &conflicted, &reason, &ar, &err);
        if (rc == 0) {
            if (cli->json)
                nr_cli_print_json(json_pack(
                    "{s:I,s:s,s:s,s:b,s:s?}", "case_id", (json_int_t)case_id, "holder_kind",
                    expert ? "expert" : "institution", "holder", expert ? expert : institution,
                    "conflicted", conflicted, "reason", reason));
            else if (conflicted)
                printf("%s has a conflict of interest on case %s: %s\n",
                       expert ? expert : institution, c.ref, reason);
            else
                printf("%s has no conflict of interest on case %s\n", expert ? expert : institution,
                       c.ref);
        }
        nr_arena_release(&ar);
        return rc ? nr_cli_fail(cli, rc, &err) : NR_EXIT_OK;
    }
    return nr_cli_usage(cli_affiliation_usage, "unknown subcommand \"affiliation %s\"", sub);
}
