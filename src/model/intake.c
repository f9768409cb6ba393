/*
 * intake.c - how reviews come in (interface: review.h, section "intake"): complaints from the
 * public and from any user (R2 "user complaints and market reactions", R3 social supervision),
 * kept loose until the office groups them into a case with the trigger "complaints"; and the
 * procurement declarations of CII operators (R1), each of which opens a case in the phase the
 * procedure gives the trigger "procurement_declaration" (scoping, in cn-2017).
 *
 * Who reads what:
 * - complaints: the office, the committee and the local administrator read all of them, with
 *   contact and source address. Any other signed-in user reads the complaints they filed
 *   themselves. The complaints table has no filer column, so "their own" is taken from the
 *   audit log, whose "complaint.file" entries name the filing user and the complaint; the
 *   audit log is the authoritative record of who did what (R11). The public files complaints
 *   but reads none (NR_EFORBIDDEN): a complaint can carry a complainant's contact details.
 * - declarations: the office, the committee and the local administrator read all; an operator
 *   reads its own organisation's; a protection department and a sector department read those
 *   of the operators of their sector (R1, R8). Everyone else is refused: a procurement plan is
 *   the operator's confidential information (R11).
 */
#include "netreview/review.h"
#include "netreview/version.h"

#include <stdio.h>
#include <string.h>

#include "netreview/banned.h"

/* Limits of the inputs (bytes). */
#define INTAKE_TEXT_MAX     16384 /* a complaint's text */
#define INTAKE_CONTACT_MAX  256
#define INTAKE_PRODUCT_MAX  256 /* a product named in a complaint that is not in the registry */
#define INTAKE_SOURCE_MAX   128 /* the client address the API passes on */
#define INTAKE_PURPOSE_MAX  16384
#define INTAKE_CONTRACT_MAX 256
#define INTAKE_TITLE_MAX    512 /* nr_case_open's cap on a case title */

/* Length of a well-formed UTF-8 sequence at p (at most n bytes), 0 when malformed. */
static size_t intake_utf8_len(const unsigned char *p, size_t n)
{
    size_t len, i;
    uint32_t cp;

    if (p[0] < 0x80)
        return 1;
    if (p[0] >= 0xc2 && p[0] <= 0xdf) {
        len = 2;
        cp = p[0] & 0x1f;
    } else if (p[0] >= 0xe0 && p[0] <= 0xef) {
        len = 3;
        cp = p[0] & 0x0f;
    } else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
        len = 4;
        cp = p[0] & 0x07;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    /* Overlong forms, surrogates and code points past U+10FFFF are not text. */
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

/* A text input: present when required, at most max bytes, valid UTF-8, no control characters
 * (line breaks and tabs only when multiline), not only white space. Input from the public
 * reaches the office's screens and the audit log, so it is held to text. */
static int intake_text(const char *field, const char *label, const char *s, size_t max,
                       bool required, bool multiline, struct nr_err *err)
{
    size_t n, i, l;
    bool blank = true;

    if (s == NULL || *s == '\0') {
        if (required)
            return nr_err_set(err, NR_EINVAL, field, "%s is required", label);
        return 0;
    }
    n = strlen(s);
    if (n > max)
        return nr_err_set(err, NR_ETOOBIG, field, "%s is %zu bytes; at most %zu are allowed", label,
                          n, max);
    for (i = 0; i < n; i += l) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f) {
            if (!(multiline && (c == '\n' || c == '\t' || c == '\r')))
                return nr_err_set(err, NR_EINVAL, field, "%s contains a control character", label);
        }
        l = intake_utf8_len((const unsigned char *)s + i, n - i);
        if (l == 0)
            return nr_err_set(err, NR_EINVAL, field, "%s is not valid UTF-8 text", label);
        if (c != ' ' && c != '\n' && c != '\t' && c != '\r')
            blank = false;
    }
    if (blank)
        return nr_err_set(err, NR_EINVAL, field, "%s is only white space", label);
    return 0;
}

static bool intake_has(const char *s)
{
    return s && *s;
}

static int intake_finish(struct nr_review *rv, int rc, struct nr_err *err)
{
    if (rc) {
        nr_store_rollback(rv->st);
        return rc;
    }
    return nr_store_commit(rv->st, err);
}

/* Column types of the two lists (store.h nr_stmt_rows_json). */
#define INTAKE_COMPLAINT_TYPES   "iittttttit"
#define INTAKE_DECLARATION_TYPES "iittittbttttitt"

static int intake_rows(struct nr_stmt *s, const char *types, json_t *arr, struct nr_err *err)
{
    int rc = nr_stmt_rows_json(s, types, arr, err);
    nr_stmt_free(s);
    return rc;
}

/* ---- complaints (R2, R3) ---- */

int nr_complaint_file(struct nr_review *rv, const struct nr_actor *a,
                      const struct nr_complaint_spec *sp, int64_t *id, struct nr_err *err)
{
    struct nr_stmt *st = NULL;
    struct nr_err local;
    char now[NR_TIME_STR], object[48];
    char *detail = NULL;
    const char *product_name = NULL;
    int64_t product = 0, new_id = 0;
    int rc;

    if (id)
        *id = 0;
    /* R2: anyone may complain, the public included; only what they send is checked. */
    rc = intake_text("text", "complaint text", sp->text, INTAKE_TEXT_MAX, true, true, err);
    if (rc == 0)
        rc = intake_text("contact", "contact", sp->contact, INTAKE_CONTACT_MAX, false, false, err);
    if (rc == 0 && intake_has(sp->version))
        rc = nr_version_check(sp->version, err);
    if (rc == 0 && intake_has(sp->source_addr))
        rc = intake_text("source_addr", "source address", sp->source_addr, INTAKE_SOURCE_MAX, false,
                         false, err);
    if (rc)
        return rc;
    if (!intake_has(sp->product))
        return nr_err_set(err, NR_EINVAL, "product",
                          "a complaint names the product or service it is about (its name, "
                          "CPE or package URL)");
    rc = intake_text("product", "product", sp->product, INTAKE_PRODUCT_MAX, true, false, err);
    if (rc)
        return rc;

    rc = nr_store_begin(rv->st, err);
    if (rc)
        return rc;
    /* The public does not know the registry: a product that cannot be resolved (unknown,
     * named alike by two providers, or a malformed identifier) is kept by the name given, for
     * the office to match when it groups complaints into a case. */
    nr_err_init(&local);
    rc = nr_product_find(rv, sp->product, &product, &local);
    if (rc == NR_ENOTFOUND || rc == NR_EINVAL || rc == NR_EPARSE || rc == NR_ETOOBIG) {
        product = 0;
        product_name = sp->product;
        rc = 0;
    } else if (rc) {
        rc = nr_err_set(err, rc, local.field, "%s", local.msg);
        goto out;
    }
    nr_time_fmt(nr_time_now(), now);
    rc =
        nr_store_prepare_bind(rv->st, err, &st,
                              "INSERT INTO complaints (product_id, product_name, version, text, "
                              "contact, source_addr, received_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                              "RETURNING id",
                              "ntttttt", product_name, intake_has(sp->version) ? sp->version : NULL,
                              sp->text, intake_has(sp->contact) ? sp->contact : NULL,
                              intake_has(sp->source_addr) ? sp->source_addr : NULL, now);
    if (rc)
        goto out;
    /* Id 0 (not in the registry) stays NULL. */
    if (product)
        nr_stmt_bind_int(st, 1, product);
    rc = nr_stmt_step(st, err);
    if (rc == NR_STORE_ROW) {
        new_id = nr_stmt_int(st, 0);
        rc = 0;
    } else if (rc == NR_STORE_DONE) {
        rc = nr_err_set(err, NR_EDB, NULL, "the complaint insert returned no id");
    }
    nr_stmt_free(st);
    st = NULL;
    if (rc)
        goto out;
    /* The audit entry names who filed (the public or a user) and what about; the text and the
     * contact stay in the complaint, where only the office reads them. */
    snprintf(object, sizeof(object), "complaint:%lld", (long long)new_id);
    if (product)
        detail = nr_asprintf("product=product:%lld version=%s", (long long)product,
                             intake_has(sp->version) ? sp->version : "-");
    else
        detail = nr_asprintf("product_name=%.200s version=%s", product_name,
                             intake_has(sp->version) ? sp->version : "-");
    rc = nr_audit_append(rv, a, "complaint.file", 0, object, detail, err);
    /* R14: a new complaint about a product that passed flags its decision for re-review. */
    if (rc == 0 && product) {
        char *why = nr_asprintf("re-review suggested: complaint %lld filed", (long long)new_id);
        rc = nr__case_watch(rv, a, product, intake_has(sp->version) ? sp->version : NULL, false,
                            why, NULL, err);
        nr_free(why);
    }
out:
    rc = intake_finish(rv, rc, err);
    nr_free(detail);
    if (rc == 0 && id)
        *id = new_id;
    return rc;
}

#define INTAKE_COMPLAINT_COLUMNS                                                                   \
    "SELECT c.id, c.product_id, COALESCE(p.name, c.product_name) AS product_name, c.version, "     \
    "c.text, c.contact, c.source_addr, c.received_at, c.case_id, k.ref AS case_ref "               \
    "FROM complaints c LEFT JOIN products p ON p.id = c.product_id "                               \
    "LEFT JOIN cases k ON k.id = c.case_id "

int nr_complaint_list(struct nr_review *rv, const struct nr_actor *a, json_t **out,
                      struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    json_t *rows;
    int rc;

    *out = NULL;
    if (a->local_admin || a->role == NR_ROLE_OFFICE || a->role == NR_ROLE_COMMITTEE) {
        rc = nr_store_prepare(rv->st, INTAKE_COMPLAINT_COLUMNS "ORDER BY c.id", &s, err);
    } else if (a->user_id == 0) {
        return nr_err_set(err, NR_EFORBIDDEN, "as",
                          "the public may file complaints but not read them; the office reads "
                          "them");
    } else {
        /* R11: a user reads back only what they filed; the audit log records the filer. */
        rc = nr_store_prepare_bind(rv->st, err, &s,
                                   INTAKE_COMPLAINT_COLUMNS
                                   "WHERE EXISTS (SELECT 1 FROM audit l WHERE l.action = "
                                   "'complaint.file' AND l.actor_id = ? AND l.object = "
                                   "'complaint:' || c.id) ORDER BY c.id",
                                   "i", a->user_id);
    }
    if (rc)
        return rc;
    rows = json_array();
    rc = intake_rows(s, INTAKE_COMPLAINT_TYPES, rows, err);
    if (rc) {
        json_decref(rows);
        return rc;
    }
    *out = rows;
    return 0;
}

int nr_complaint_count_since(struct nr_review *rv, const char *source_addr, const char *since,
                             int64_t *count, struct nr_err *err)
{
    char canon[NR_TIME_STR];
    time_t t;

    *count = 0;
    if (since == NULL || nr_time_parse(since, &t) != 0)
        return nr_err_set(err, NR_EINVAL, "since", "since is not an ISO 8601 time: %.64s",
                          since ? since : "(none)");
    if (!intake_has(source_addr))
        return nr_err_set(err, NR_EINVAL, "source_addr", "no source address to count");
    /* Times are compared as text in the one form they are stored in (core.h nr_time_fmt);
     * the complaints_source index answers it. */
    nr_time_fmt(t, canon);
    return nr_store_query_int(rv->st, err, count,
                              "SELECT COUNT(*) FROM complaints WHERE source_addr = ? AND "
                              "received_at > ?",
                              "tt", source_addr, canon);
}

/* ---- procurement declarations (R1) ---- */

/* The operator's organisation: whether it runs CII, its name and its sector (malloc'd). */
static int intake_operator(struct nr_review *rv, int64_t org, bool *cii, char **name, char **sector,
                           struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    int rc;

    *cii = false;
    *name = *sector = NULL;
    rc = nr_store_prepare_bind(rv->st, err, &s, "SELECT cii, name, sector FROM orgs WHERE id = ?",
                               "i", org);
    if (rc)
        return rc;
    rc = nr_stmt_step(s, err);
    if (rc == NR_STORE_ROW) {
        *cii = nr_stmt_int(s, 0) != 0;
        *name = nr_strdup(nr_stmt_text(s, 1) ? nr_stmt_text(s, 1) : "?");
        *sector = nr_stmt_text(s, 2) ? nr_strdup(nr_stmt_text(s, 2)) : NULL;
        rc = 0;
    } else if (rc == NR_STORE_DONE) {
        rc = nr_err_set(err, NR_ENOTFOUND, "as", "the organisation of the acting user is gone");
    }
    nr_stmt_free(s);
    return rc;
}

int nr_declaration_file(struct nr_review *rv, const struct nr_actor *a,
                        const struct nr_declaration_spec *sp, int64_t *case_id, struct nr_err *err)
{
    struct nr_case_spec cs;
    struct nr_range range;
    struct nr_buf norm;
    char now[NR_TIME_STR], object[48], idtext[24];
    char *org_name = NULL, *sector = NULL, *pname = NULL, *title = NULL, *detail = NULL;
    bool cii = false;
    int64_t product = 0, decl = 0, opened = 0;
    int rc;

    if (case_id)
        *case_id = 0;
    nr_range_init(&range);
    nr_buf_init(&norm, NR_RANGE_EXPR_MAX + 1);
    if (a->local_admin) {
        rc = nr_err_set(err, NR_EFORBIDDEN, "as",
                        "the local administrator cannot declare a procurement; act with --as "
                        "USER");
        goto out_notxn;
    }
    /* R1: declarations come from operators; the procedure's trigger says the same. */
    if (a->role != NR_ROLE_OPERATOR) {
        rc = nr_err_set(err, NR_EFORBIDDEN, "role",
                        "role %s may not declare procurements (allowed: operator)",
                        nr_role_name(a->role));
        goto out_notxn;
    }
    if (!intake_has(sp->product)) {
        rc = nr_err_set(err, NR_EINVAL, "product", "a declaration names the product procured");
        goto out_notxn;
    }
    if (!intake_has(sp->versions)) {
        rc = nr_err_set(err, NR_EINVAL, "versions",
                        "a declaration names the versions procured: a range expression such as "
                        "\">=2.0 <3.0\", or \"*\"");
        goto out_notxn;
    }
    rc = nr_range_parse(&range, sp->versions, err);
    if (rc == 0)
        rc = nr_range_normalize(&range, &norm);
    if (rc == NR_ETOOBIG)
        nr_err_set(err, rc, "versions", "versions: the canonical form exceeds %d bytes",
                   NR_RANGE_EXPR_MAX);
    if (rc == 0)
        rc = intake_text("purpose", "purpose", sp->purpose, INTAKE_PURPOSE_MAX, false, true, err);
    if (rc == 0)
        rc = intake_text("contract_ref", "contract reference", sp->contract_ref,
                         INTAKE_CONTRACT_MAX, false, false, err);
    if (rc)
        goto out_notxn;

    /* The declaration and its case are one write: begin here, nr_case_open nests inside. */
    rc = nr_store_begin(rv->st, err);
    if (rc)
        goto out_notxn;
    rc = intake_operator(rv, a->org_id, &cii, &org_name, &sector, err);
    if (rc)
        goto out;
    /* R1: the duty to declare, and the right, belong to operators of critical information
     * infrastructure. */
    if (!cii) {
        rc = nr_err_set(err, NR_EFORBIDDEN, "as",
                        "%s is not registered as a CII operator; only CII operators declare "
                        "procurements (R1)",
                        org_name);
        goto out;
    }
    rc = nr_product_find(rv, sp->product, &product, err);
    if (rc)
        goto out;
    nr_time_fmt(nr_time_now(), now);
    rc =
        nr_store_query_int(rv->st, err, &decl,
                           "INSERT INTO declarations (operator_id, product_id, versions, purpose, "
                           "contract_ref, declared_by, declared_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                           "RETURNING id",
                           "iittt"
                           "it",
                           a->org_id, product, norm.p ? norm.p : sp->versions,
                           intake_has(sp->purpose) ? sp->purpose : NULL,
                           intake_has(sp->contract_ref) ? sp->contract_ref : NULL, a->user_id, now);
    if (rc)
        goto out;

    nr_store_query_text(rv->st, NULL, &pname, "SELECT name FROM products WHERE id = ?", "i",
                        product);
    title = nr_asprintf("%s procures %s %s", org_name, pname ? pname : "a product",
                        norm.p ? norm.p : sp->versions);
    detail = nr_asprintf("procurement declaration %lld by %s%s%s%s%s", (long long)decl, org_name,
                         intake_has(sp->contract_ref) ? "; contract " : "",
                         intake_has(sp->contract_ref) ? sp->contract_ref : "",
                         intake_has(sp->purpose) ? "; purpose: " : "",
                         intake_has(sp->purpose) ? sp->purpose : "");
    snprintf(idtext, sizeof(idtext), "%lld", (long long)product);
    memset(&cs, 0, sizeof(cs));
    cs.trigger =
        sp->national_security ? "national_security_procurement" : "procurement_declaration";
    cs.product = idtext;
    cs.declared = true;
    cs.versions = norm.p ? norm.p : sp->versions;
    /* A long title would be refused by nr_case_open; the default names product and versions. */
    cs.title = strlen(title) <= INTAKE_TITLE_MAX ? title : NULL;
    /* R1, R8: the case belongs to the operator's sector, whose protection department scopes it. */
    cs.sector = sector;
    cs.detail = detail;
    rc = nr_case_open(rv, a, &cs, &opened, err);
    if (rc)
        goto out;
    rc = nr_store_exec(rv->st, err,
                       "UPDATE declarations SET case_id = ?, national_security = ? WHERE id = ?",
                       "iii", opened, (int64_t)(sp->national_security ? 1 : 0), decl);
    /* R1: products for national-security and public-interest systems are always in scope. */
    if (rc == 0 && sp->national_security)
        rc = nr_store_exec(rv->st, err,
                           "UPDATE cases SET scoping_result = 'required', scoping_reason = ? "
                           "WHERE id = ?",
                           "ti",
                           "always in scope: declared for a national-security or public-interest "
                           "system (Measures Art. 2)",
                           opened);
    if (rc)
        goto out;
    nr_free(detail);
    detail = nr_asprintf("operator=org:%lld product=product:%lld versions=%s contract=%.200s",
                         (long long)a->org_id, (long long)product, norm.p ? norm.p : sp->versions,
                         intake_has(sp->contract_ref) ? sp->contract_ref : "-");
    snprintf(object, sizeof(object), "declaration:%lld", (long long)decl);
    rc = nr_audit_append(rv, a, "declaration.file", opened, object, detail, err);
out:
    rc = intake_finish(rv, rc, err);
out_notxn:
    nr_range_release(&range);
    nr_buf_release(&norm);
    nr_free(org_name);
    nr_free(sector);
    nr_free(pname);
    nr_free(title);
    nr_free(detail);
    if (rc == 0 && case_id)
        *case_id = opened;
    return rc;
}

#define INTAKE_DECLARATION_COLUMNS                                                                 \
    "SELECT d.id, d.operator_id, o.name AS operator, o.sector, d.product_id, p.name AS product, "  \
    "d.versions, d.national_security, d.purpose, d.contract_ref, u.login AS declared_by, "         \
    "d.declared_at, d.case_id, "                                                                   \
    "k.ref AS case_ref, k.phase AS case_phase FROM declarations d "                                \
    "JOIN orgs o ON o.id = d.operator_id JOIN products p ON p.id = d.product_id "                  \
    "LEFT JOIN users u ON u.id = d.declared_by LEFT JOIN cases k ON k.id = d.case_id "

int nr_declaration_list(struct nr_review *rv, const struct nr_actor *a, json_t **out,
                        struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    json_t *rows;
    int rc;

    *out = NULL;
    if (a->local_admin || a->role == NR_ROLE_OFFICE || a->role == NR_ROLE_COMMITTEE) {
        rc = nr_store_prepare(rv->st, INTAKE_DECLARATION_COLUMNS "ORDER BY d.id", &s, err);
    } else if (a->role == NR_ROLE_OPERATOR) {
        rc = nr_store_prepare_bind(
            rv->st, err, &s, INTAKE_DECLARATION_COLUMNS "WHERE d.operator_id = ? ORDER BY d.id",
            "i", a->org_id);
    } else if (a->role == NR_ROLE_PROTECTION_DEPT || a->role == NR_ROLE_SECTOR_DEPT) {
        /* R1, R8: a department reads the declarations of its own sector's operators. */
        if (a->sector[0] == '\0')
            return nr_err_set(err, NR_EFORBIDDEN, "as",
                              "your organisation has no sector; a department reads the "
                              "declarations of its sector");
        rc = nr_store_prepare_bind(rv->st, err, &s,
                                   INTAKE_DECLARATION_COLUMNS "WHERE o.sector = ? ORDER BY d.id",
                                   "t", a->sector);
    } else {
        return nr_err_set(err, NR_EFORBIDDEN, "as",
                          "role %s may not read procurement declarations (R11: they are the "
                          "operators' confidential information)",
                          nr_role_name(a->role));
    }
    if (rc)
        return rc;
    rows = json_array();
    rc = intake_rows(s, INTAKE_DECLARATION_TYPES, rows, err);
    if (rc) {
        json_decref(rows);
        return rc;
    }
    *out = rows;
    return 0;
}
