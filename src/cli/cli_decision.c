/*
 * cli_decision.c - `netreview decision ...` (the signed decisions of R7: show, list, export, the
 * offline verification anyone can run with the office's public key, and that key itself) and
 * `netreview gate check` (the procurement gate of R9). Interface: cli.h; the work is done by
 * review.h (decisions) and gate.h.
 */
#include "cli.h"

#include "netreview/gate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netreview/banned.h"

/* An exported decision carries its payload twice; the verifier refuses anything bigger. */
#define NR_CLI_DOC_MAX (4u << 20)
#define NR_CLI_KEY_MAX (64u << 10)

static const char nr_decision_usage[] =
    "usage: netreview decision <command> [<args>]\n"
    "\n"
    "The office's signed decisions (R7). Decisions are recorded by `netreview case decide`,\n"
    "published by `case publish` and revoked by `case revoke`.\n"
    "\n"
    "  show ID                     the decision, if you may see it\n"
    "  list                        the decisions you may see (the public: the published register)\n"
    "  export ID [--out FILE]      the self-contained signed document (stdout without --out)\n"
    "  verify FILE --key PEM       check an exported decision offline against the office's\n"
    "                              public key; needs no database\n"
    "  key [--out FILE]            the office's public key (PEM) that verifies decisions\n"
    "\n"
    "Options: --json prints data as JSON; --as USER reads as that user (the public sees only\n"
    "published public decisions, an audience its restricted ones).\n"
    "Exit codes: 0 verified / done, 3 no such decision (or not visible to you), 5 the signature\n"
    "or the document does not verify, 7 malformed document or key; see `netreview --help`.\n";

static const char nr_gate_usage[] =
    "usage: netreview gate check (--product NAME|ID | --cpe CPE | --purl PURL) [--version V]\n"
    "                            [--operator ORG] [--json]\n"
    "\n"
    "The procurement gate (R9): may this product and version be bought?\n"
    "  status       passed, passed_with_conditions, failed, under_review, not_reviewed, expired\n"
    "  procurement  prioritized, allowed_with_conditions, prohibited, review_required (a CII\n"
    "               operator and a product that has not passed), allowed\n"
    "\n"
    "  --product    the product's name or id        --cpe   a CPE 2.3 formatted string\n"
    "  --purl       a package URL                   --version  the version (default: the CPE's\n"
    "                                                          or the purl's)\n"
    "  --operator   the operator asking (name or id); a CII operator gets review_required\n"
    "\n"
    "Any answer exits 0: the answer is data. Errors (no product given, malformed CPE, unknown\n"
    "operator) exit non-zero; see `netreview --help`.\n";

static void nr_dec_line(json_t *o, const char *key, const char *label)
{
    json_t *v = json_object_get(o, key);
    if (json_is_string(v))
        printf("%-16s %s\n", label, json_string_value(v));
    else if (json_is_integer(v))
        printf("%-16s %lld\n", label, (long long)json_integer_value(v));
}

static void nr_dec_text(json_t *o, const char *key, const char *label)
{
    json_t *v = json_object_get(o, key);
    const char *p;

    if (!json_is_string(v))
        return;
    printf("\n%s:\n", label);
    p = json_string_value(v);
    while (*p) {
        const char *nl = strchr(p, '\n');
        int n = nl ? (int)(nl - p) : (int)strlen(p);
        printf("  %.*s\n", n, p);
        if (nl == NULL)
            break;
        p = nl + 1;
    }
}

static void nr_dec_print(json_t *d)
{
    const char *ref = json_string_value(json_object_get(d, "case_ref"));
    const char *by = json_string_value(json_object_get(d, "decided_by"));

    printf("decision %lld (case %s)\n", (long long)json_integer_value(json_object_get(d, "id")),
           ref ? ref : "?");
    nr_dec_line(d, "product", "product");
    nr_dec_line(d, "provider", "provider");
    nr_dec_line(d, "outcome", "outcome");
    nr_dec_line(d, "versions", "versions");
    printf("%-16s %s .. %s\n", "valid", json_string_value(json_object_get(d, "valid_from")),
           json_string_value(json_object_get(d, "valid_until")));
    nr_dec_line(d, "visibility", "visibility");
    nr_dec_line(d, "audience", "audience");
    nr_dec_line(d, "status", "status");
    nr_dec_line(d, "revoked_at", "revoked at");
    nr_dec_line(d, "revoke_reason", "revoke reason");
    if (json_is_true(json_object_get(d, "published")))
        nr_dec_line(d, "published_at", "published");
    else if (json_is_string(json_object_get(d, "withdrawn_at")))
        nr_dec_line(d, "withdrawn_at", "withdrawn");
    else
        printf("%-16s %s\n", "published", "no");
    printf("%-16s %s%s%s\n", "decided", json_string_value(json_object_get(d, "decided_at")),
           by ? " by " : "", by ? by : "");
    nr_dec_line(d, "recommendation", "recommendation");
    printf("%-16s key %s (%s)\n", "signed", json_string_value(json_object_get(d, "key_id")),
           json_string_value(json_object_get(d, "suite")));
    nr_dec_text(d, "rationale", "rationale");
    nr_dec_text(d, "conditions", "conditions");
    nr_dec_text(d, "justification", "justification");
}

static int nr_dec_id_arg(const char *s, int64_t *id, const char *usage)
{
    if (nr_cli_id(s, id) != 0)
        return nr_cli_usage(usage, "\"%s\" is not a decision id", s);
    return 0;
}

static int nr_dec_show(struct nr_cli *cli, int argc, char **argv)
{
    const char *pos[1];
    struct nr_err err;
    json_t *out = NULL;
    int64_t id;
    int npos, rc;

    rc = nr_cli_parse(cli, argc, argv, 2, NULL, pos, 1, &npos, nr_decision_usage);
    if (rc)
        return rc;
    if (npos != 1)
        return nr_cli_usage(nr_decision_usage, "decision show needs a decision id");
    if ((rc = nr_dec_id_arg(pos[0], &id, nr_decision_usage)) != 0)
        return rc;
    if ((rc = nr_cli_open(cli, NR_CLI_PUBLIC)) != 0)
        return rc;
    nr_err_init(&err);
    rc = nr_decision_show(&cli->rv, &cli->actor, id, &out, &err);
    if (rc)
        return nr_cli_fail(cli, rc, &err);
    if (cli->json) {
        nr_cli_print_json(out);
    } else {
        nr_dec_print(out);
        json_decref(out);
    }
    return NR_EXIT_OK;
}

static int nr_dec_list(struct nr_cli *cli, int argc, char **argv)
{
    static const char *const columns[] = {"id",        "case_ref",    "product",    "outcome",
                                          "versions",  "valid_until", "visibility", "status",
                                          "published", NULL};
    const char *pos[1];
    struct nr_err err;
    json_t *out = NULL;
    int npos, rc;

    rc = nr_cli_parse(cli, argc, argv, 2, NULL, pos, 0, &npos, nr_decision_usage);
    if (rc)
        return rc;
    if ((rc = nr_cli_open(cli, NR_CLI_PUBLIC)) != 0)
        return rc;
    nr_err_init(&err);
    rc = nr_decision_list(&cli->rv, &cli->actor, &out, &err);
    if (rc)
        return nr_cli_fail(cli, rc, &err);
    if (cli->json) {
        nr_cli_print_json(out);
    } else {
        nr_cli_print_table(out, columns);
        json_decref(out);
    }
    return NR_EXIT_OK;
}

static int nr_dec_export(struct nr_cli *cli, int argc, char **argv)
{
    const char *pos[1], *path = NULL;
    const struct nr_opt opts[] = {{"out", true, &path, NULL}, {NULL, false, NULL, NULL}};
    struct nr_err err;
    char *doc = NULL;
    int64_t id;
    int npos, rc;

    rc = nr_cli_parse(cli, argc, argv, 2, opts, pos, 1, &npos, nr_decision_usage);
    if (rc)
        return rc;
    if (npos != 1)
        return nr_cli_usage(nr_decision_usage, "decision export needs a decision id");
    if ((rc = nr_dec_id_arg(pos[0], &id, nr_decision_usage)) != 0)
        return rc;
    if ((rc = nr_cli_open(cli, NR_CLI_PUBLIC)) != 0)
        return rc;
    nr_err_init(&err);
    rc = nr_decision_export(&cli->rv, &cli->actor, id, &doc, &err);
    if (rc)
        return nr_cli_fail(cli, rc, &err);
    if (path && *path) {
        char *text = nr_asprintf("%s\n", doc);
        rc = nr_file_write(path, text, strlen(text), 0644, &err);
        nr_free(text);
        if (rc == 0 && !cli->json)
            printf("decision %lld exported to %s\n", (long long)id, path);
    } else {
        puts(doc);
    }
    nr_free(doc);
    return rc ? nr_cli_fail(cli, rc, &err) : NR_EXIT_OK;
}

/* Works without the database: only the document and the key the verifier trusts. */
static int nr_dec_verify(struct nr_cli *cli, int argc, char **argv)
{
    const char *pos[1], *keypath = NULL;
    const struct nr_opt opts[] = {{"key", true, &keypath, NULL}, {NULL, false, NULL, NULL}};
    struct nr_err err;
    char *doc = NULL, *pem = NULL;
    size_t doclen = 0, pemlen = 0;
    json_t *payload = NULL;
    int npos, rc;

    rc = nr_cli_parse(cli, argc, argv, 2, opts, pos, 1, &npos, nr_decision_usage);
    if (rc)
        return rc;
    if (npos != 1)
        return nr_cli_usage(nr_decision_usage, "decision verify needs the exported file");
    if (keypath == NULL || *keypath == '\0')
        return nr_cli_usage(nr_decision_usage,
                            "decision verify needs the office's public key: --key office.pub");
    nr_err_init(&err);
    rc = nr_file_read(pos[0], NR_CLI_DOC_MAX, &doc, &doclen, &err);
    if (rc == 0)
        rc = nr_file_read(keypath, NR_CLI_KEY_MAX, &pem, &pemlen, &err);
    if (rc == 0)
        rc = nr_decision_verify(doc, doclen, pem, pemlen, &payload, &err);
    if (rc) {
        /* The file name helps when several documents are checked in a loop. */
        if (err.msg[0] && (rc == NR_EBADSIG || rc == NR_EPARSE)) {
            char *msg = nr_asprintf("%s: %s", pos[0], err.msg);
            size_t n = strlen(msg) < sizeof(err.msg) ? strlen(msg) : sizeof(err.msg) - 1;
            memcpy(err.msg, msg, n);
            err.msg[n] = '\0';
            nr_free(msg);
        }
        rc = nr_cli_fail(cli, rc, &err);
        goto out;
    }
    if (cli->json) {
        json_t *o = json_pack("{s:b, s:s, s:O}", "valid", 1, "file", pos[0], "payload", payload);
        nr_cli_print_json(o);
    } else {
        json_t *product = json_object_get(payload, "product");
        const char *pname = json_string_value(json_object_get(product, "name"));
        const char *prov = json_string_value(json_object_get(product, "provider"));
        const char *by = json_string_value(json_object_get(payload, "decided_by"));

        printf("%s: the signature verifies with key %s (%s)\n", pos[0],
               json_string_value(json_object_get(payload, "key_id")),
               json_string_value(json_object_get(payload, "suite")));
        printf("%-16s %lld (case %s)\n", "decision",
               (long long)json_integer_value(json_object_get(payload, "decision_id")),
               json_string_value(json_object_get(payload, "case_ref")));
        if (pname)
            printf("%-16s %s%s%s%s\n", "product", pname, prov ? " (" : "", prov ? prov : "",
                   prov ? ")" : "");
        nr_dec_line(payload, "outcome", "outcome");
        nr_dec_line(payload, "versions", "versions");
        printf("%-16s %s .. %s\n", "valid",
               json_string_value(json_object_get(payload, "valid_from")),
               json_string_value(json_object_get(payload, "valid_until")));
        nr_dec_line(payload, "visibility", "visibility");
        printf("%-16s %s%s%s\n", "decided",
               json_string_value(json_object_get(payload, "decided_at")), by ? " by " : "",
               by ? by : "");
        nr_dec_text(payload, "conditions", "conditions");
    }
    rc = NR_EXIT_OK;
out:
    json_decref(payload);
    nr_free(doc);
    nr_free(pem);
    return rc;
}

static int nr_dec_key(struct nr_cli *cli, int argc, char **argv)
{
    const char *pos[1], *path = NULL;
    const struct nr_opt opts[] = {{"out", true, &path, NULL}, {NULL, false, NULL, NULL}};
    struct nr_err err;
    char *pem = NULL;
    char key_id[NR_KEY_ID_STR];
    enum nr_suite suite;
    int npos, rc;

    rc = nr_cli_parse(cli, argc, argv, 2, opts, pos, 0, &npos, nr_decision_usage);
    if (rc)
        return rc;
    if ((rc = nr_cli_open(cli, NR_CLI_PUBLIC)) != 0)
        return rc;
    nr_err_init(&err);
    suite = nr_key_suite(cli->rv.office_key);
    rc = nr_key_public_pem(cli->rv.office_key, &pem);
    if (rc == 0)
        rc = nr_key_id(cli->rv.office_key, key_id);
    if (rc) {
        nr_err_set(&err, rc, NULL, "cannot read the office public key");
        goto out;
    }
    if (path && *path) {
        rc = nr_file_write(path, pem, strlen(pem), 0644, &err);
        if (rc)
            goto out;
    }
    if (cli->json) {
        nr_cli_print_json(json_pack(
            "{s:s, s:s, s:s, s:s}", "key_id", key_id, "suite", nr_suite_name(suite), "algorithm",
            suite == NR_SUITE_SM ? "SM2-SM3" : "Ed25519", "public_key", pem));
    } else if (path && *path) {
        printf("office key %s (%s) written to %s\n", key_id, nr_suite_name(suite), path);
    } else {
        fputs(pem, stdout);
    }
out:
    nr_free(pem);
    return rc ? nr_cli_fail(cli, rc, &err) : NR_EXIT_OK;
}

int nr_cli_decision(struct nr_cli *cli, int argc, char **argv)
{
    const char *cmd = argc > 1 ? argv[1] : NULL;

    if (cmd == NULL)
        return nr_cli_usage(nr_decision_usage, "decision needs a command");
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(nr_decision_usage, stdout);
        return NR_EXIT_OK;
    }
    if (strcmp(cmd, "show") == 0)
        return nr_dec_show(cli, argc, argv);
    if (strcmp(cmd, "list") == 0)
        return nr_dec_list(cli, argc, argv);
    if (strcmp(cmd, "export") == 0)
        return nr_dec_export(cli, argc, argv);
    if (strcmp(cmd, "verify") == 0)
        return nr_dec_verify(cli, argc, argv);
    if (strcmp(cmd, "key") == 0)
        return nr_dec_key(cli, argc, argv);
    return nr_cli_usage(nr_decision_usage, "\"%s\" is not a decision command", cmd);
}

/* ---- gate ---- */

static void nr_gate_print(const struct nr_gate_answer *ans)
{
    printf("%-12s %s\n", "status", ans->status);
    printf("%-12s %s\n", "procurement", ans->procurement);
    if (ans->product_id > 0)
        printf("%-12s %s (id %lld)\n", "product", ans->product, (long long)ans->product_id);
    else
        printf("%-12s %s (not registered)\n", "product", ans->product);
    printf("%-12s %s\n", "version", ans->version[0] ? ans->version : "(not given)");
    if (ans->decision_id > 0)
        printf("%-12s %lld\n", "decision", (long long)ans->decision_id);
    if (ans->case_id > 0)
        printf("%-12s %lld\n", "case", (long long)ans->case_id);
    if (ans->outcome[0])
        printf("%-12s %s\n", "outcome", ans->outcome);
    if (ans->valid_until[0])
        printf("%-12s %s\n", "valid until", ans->valid_until);
    if (ans->conditions[0])
        printf("%-12s %s\n", "conditions", ans->conditions);
    printf("%-12s %s\n", "reason", ans->reason);
}

int nr_cli_gate(struct nr_cli *cli, int argc, char **argv)
{
    const char *product = NULL, *cpe = NULL, *purl = NULL, *version = NULL, *op = NULL;
    const struct nr_opt opts[] = {
        {"product", true, &product, NULL}, {"cpe", true, &cpe, NULL},
        {"purl", true, &purl, NULL},       {"version", true, &version, NULL},
        {"operator", true, &op, NULL},     {NULL, false, NULL, NULL}};
    struct nr_gate_query q;
    struct nr_gate_answer ans;
    struct nr_err err;
    const char *pos[1];
    const char *cmd = argc > 1 ? argv[1] : NULL;
    int npos, rc, named;

    if (cmd == NULL)
        return nr_cli_usage(nr_gate_usage, "gate needs a command: check");
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(nr_gate_usage, stdout);
        return NR_EXIT_OK;
    }
    if (strcmp(cmd, "check") != 0)
        return nr_cli_usage(nr_gate_usage, "\"%s\" is not a gate command", cmd);
    rc = nr_cli_parse(cli, argc, argv, 2, opts, pos, 0, &npos, nr_gate_usage);
    if (rc)
        return rc;
    named = (product && *product) + (cpe && *cpe) + (purl && *purl);
    if (named != 1)
        return nr_cli_usage(nr_gate_usage,
                            "gate check needs exactly one of --product, --cpe and --purl");
    if ((rc = nr_cli_open(cli, NR_CLI_PUBLIC)) != 0)
        return rc;
    memset(&q, 0, sizeof(q));
    q.product = product;
    q.cpe = cpe;
    q.purl = purl;
    q.version = version;
    q.operator_org = op;
    nr_err_init(&err);
    rc = nr_gate_check(&cli->rv, &cli->actor, &q, &ans, &err);
    if (rc)
        return nr_cli_fail(cli, rc, &err);
    if (cli->json)
        nr_cli_print_json(nr_gate_answer_json(&ans));
    else
        nr_gate_print(&ans);
    return NR_EXIT_OK;
}
