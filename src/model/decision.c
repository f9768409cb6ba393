/*
 * decision.c - decisions and their publication (R7): the office records the outcome of a case
 * with its rationale, conditions, the versions covered and a validity period, signs it with the
 * office key, publishes it (public register), circulates it within limits (named organisations
 * and sectors) or keeps it internal, and may revoke it. The exported document carries the exact
 * signed text so that anyone holding the office's public key verifies it offline, without the
 * database. Interface: review.h ("decisions and publication"); the visibility rules live here and
 * are shared with the gate through decision_int.h.
 *
 * The signed payload includes the decision's own id: the row is inserted first with an empty
 * payload, then signed and updated, all inside one transaction, so no unsigned row ever stays.
 */
#include "decision_int.h"

#include "netreview/review.h"
#include "netreview/version.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "netreview/banned.h"

#define DEC_RATIONALE_MAX     (64 * 1024)
#define DEC_CONDITIONS_MAX    (16 * 1024)
#define DEC_JUSTIFICATION_MAX (64 * 1024)
#define DEC_REASON_MAX        (16 * 1024)
#define DEC_AUDIENCE_MAX      64   /* entries in an audience */
#define DEC_AUDIENCE_TEXT_MAX 4096 /* bytes of the audience as given */
#define DEC_AUDIENCE_REF_MAX  200  /* bytes of one org name or sector */
#define DEC_VALIDITY_MAX_DAYS (10 * 366)
#define DEC_VALIDITY_DEFAULT  1095
/* An exported document: the payload twice (object and canonical text), escapes included. */
#define DEC_DOC_MAX (4u << 20)

#define DEC_FORMAT "netreview-decision/1"

/* ---- visibility (shared with the gate) ---- */

void nr__viewer_of_actor(const struct nr_actor *a, struct nr__viewer *v)
{
    memset(v, 0, sizeof(*v));
    if (a == NULL)
        return;
    /* R7: internal decisions, and decisions not yet published, are the office's and the
     * committee's (the local administrator carries the committee role for reading). */
    v->all = a->role == NR_ROLE_OFFICE || a->role == NR_ROLE_COMMITTEE;
    v->org_id = a->org_id;
    snprintf(v->sector, sizeof(v->sector), "%s", a->sector);
}

bool nr__audience_has(const char *audience, int64_t org_id, const char *sector)
{
    const char *p = audience;
    size_t slen = sector ? strlen(sector) : 0;

    if (audience == NULL)
        return false;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);

        if (n > 4 && strncmp(p, "org:", 4) == 0 && org_id > 0) {
            char num[32];
            if (n - 4 < sizeof(num)) {
                memcpy(num, p + 4, n - 4);
                num[n - 4] = '\0';
                if (strtoll(num, NULL, 10) == org_id)
                    return true;
            }
        } else if (n > 7 && strncmp(p, "sector:", 7) == 0 && slen > 0) {
            if (n - 7 == slen && strncmp(p + 7, sector, slen) == 0)
                return true;
        }
        if (end == NULL)
            break;
        p = end + 1;
    }
    return false;
}

bool nr__decision_visible(const struct nr__viewer *v, const char *visibility, const char *audience,
                          bool published)
{
    if (v->all)
        return true;
    /* R7: until it is published or circulated, a decision is the office's own. */
    if (!published || visibility == NULL)
        return false;
    if (strcmp(visibility, "public") == 0)
        return true;
    if (strcmp(visibility, "restricted") == 0)
        return nr__audience_has(audience, v->org_id, v->sector);
    return false; /* internal */
}

/* ---- helpers ---- */

static const char *const dec_outcomes[] = {"passed", "passed_with_conditions", "failed"};
static const char *const dec_visibilities[] = {"public", "restricted", "internal"};

static bool dec_one_of(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; s && i < n; i++)
        if (strcmp(s, list[i]) == 0)
            return true;
    return false;
}

static bool dec_blank(const char *s)
{
    if (s == NULL)
        return true;
    for (; *s; s++)
        if (!isspace((unsigned char)*s))
            return false;
    return true;
}

/* A free-text field: present when required, at most max bytes, valid UTF-8 (it goes into the
 * signed JSON payload). */
static int dec_text(const char *field, const char *s, bool required, size_t max, struct nr_err *err)
{
    json_t *j;
    size_t n;

    if (dec_blank(s)) {
        if (required)
            return nr_err_set(err, NR_EINVAL, field, "%s is required", field);
        return 0;
    }
    n = strlen(s);
    if (n > max)
        return nr_err_set(err, NR_ETOOBIG, field, "%s is %zu bytes; at most %zu are allowed", field,
                          n, max);
    j = json_string(s);
    if (j == NULL)
        return nr_err_set(err, NR_EINVAL, field, "%s is not valid UTF-8", field);
    json_decref(j);
    return 0;
}

/* Text of a possibly blank optional field: NULL when blank. */
static const char *dec_opt(const char *s)
{
    return dec_blank(s) ? NULL : s;
}

static json_t *dec_jstr(const char *s)
{
    json_t *j = s ? json_string(s) : NULL;
    return j ? j : json_null();
}

static bool dec_sector_ok(const char *s, size_t n)
{
    if (n == 0 || n > 63)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!(islower((unsigned char)s[i]) || s[i] == '_'))
            return false;
    return true;
}

/* R7 circulation within limits: "org:NAME|ID" and "sector:NAME", comma separated. Appends the
 * canonical form ("org:12,sector:finance", duplicates dropped) to canon and the readable one
 * ("org:Bank of Example") to names. */
static int dec_audience_parse(struct nr_review *rv, const char *text, struct nr_buf *canon,
                              json_t *names, struct nr_err *err)
{
    const char *p = text;
    int count = 0, rc = 0;

    if (strlen(text) > DEC_AUDIENCE_TEXT_MAX)
        return nr_err_set(err, NR_ETOOBIG, "audience", "audience is longer than %d bytes",
                          DEC_AUDIENCE_TEXT_MAX);
    while (rc == 0) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        char item[DEC_AUDIENCE_REF_MAX + 16], token[DEC_AUDIENCE_REF_MAX + 16], *readable = NULL;

        while (n > 0 && isspace((unsigned char)*p))
            p++, n--;
        while (n > 0 && isspace((unsigned char)p[n - 1]))
            n--;
        if (n == 0) {
            rc = nr_err_set(err, NR_EINVAL, "audience",
                            "audience has an empty entry; give org:NAME or sector:NAME");
            break;
        }
        if (n >= sizeof(item)) {
            rc = nr_err_set(err, NR_ETOOBIG, "audience", "audience entry %.40s... is too long", p);
            break;
        }
        memcpy(item, p, n);
        item[n] = '\0';
        if (strncmp(item, "org:", 4) == 0 && item[4]) {
            int64_t org = 0;
            char *name = NULL;
            struct nr_err lerr;

            nr_err_init(&lerr);
            rc = nr_org_find(rv, item + 4, &org, &lerr);
            if (rc == NR_ENOTFOUND) {
                rc = nr_err_set(err, NR_EINVAL, "audience", "audience: no organisation %s",
                                item + 4);
                break;
            }
            if (rc) {
                nr_err_set(err, rc, "audience", "%s", lerr.msg);
                break;
            }
            rc = nr_store_query_text(rv->st, err, &name, "SELECT name FROM orgs WHERE id = ?", "i",
                                     org);
            if (rc)
                break;
            snprintf(token, sizeof(token), "org:%lld", (long long)org);
            readable = nr_asprintf("org:%s", name ? name : item + 4);
            nr_free(name);
        } else if (strncmp(item, "sector:", 7) == 0) {
            if (!dec_sector_ok(item + 7, strlen(item + 7))) {
                rc = nr_err_set(err, NR_EINVAL, "audience",
                                "audience: sector \"%s\" is not a sector name ([a-z_]+)", item + 7);
                break;
            }
            snprintf(token, sizeof(token), "%s", item);
            readable = nr_strdup(item);
        } else {
            rc = nr_err_set(err, NR_EINVAL, "audience",
                            "audience entry \"%s\" is neither org:NAME nor sector:NAME", item);
            break;
        }
        /* Duplicates are dropped, so that an org named twice by name and id counts once. */
        {
            bool dup = false;
            const char *q = canon->len ? canon->p : "";
            size_t tl = strlen(token);
            while (*q) {
                const char *e = strchr(q, ',');
                size_t m = e ? (size_t)(e - q) : strlen(q);
                if (m == tl && strncmp(q, token, tl) == 0)
                    dup = true;
                if (e == NULL)
                    break;
                q = e + 1;
            }
            if (!dup) {
                if (++count > DEC_AUDIENCE_MAX) {
                    nr_free(readable);
                    rc = nr_err_set(err, NR_ETOOBIG, "audience",
                                    "audience names more than %d organisations and sectors",
                                    DEC_AUDIENCE_MAX);
                    break;
                }
                if (canon->len)
                    nr_buf_puts(canon, ",");
                rc = nr_buf_puts(canon, token);
                json_array_append_new(names, dec_jstr(readable));
            }
        }
        nr_free(readable);
        if (end == NULL)
            break;
        p = end + 1;
    }
    return rc;
}

static const char *dec_algorithm(enum nr_suite s)
{
    return s == NR_SUITE_SM ? "SM2-SM3" : "Ed25519";
}

/* The active decision of a case: id, visibility and audience (audience malloc'd or NULL). */
static int dec_active_of_case(struct nr_review *rv, int64_t case_id, int64_t *id, char **visibility,
                              char **audience, struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    int rc;

    *id = 0;
    if (visibility)
        *visibility = NULL;
    if (audience)
        *audience = NULL;
    rc = nr_store_prepare_bind(rv->st, err, &s,
                               "SELECT id, visibility, audience FROM decisions "
                               "WHERE case_id = ? AND status = 'active' ORDER BY id DESC LIMIT 1",
                               "i", case_id);
    if (rc)
        return rc;
    rc = nr_stmt_step(s, err);
    if (rc == NR_STORE_ROW) {
        *id = nr_stmt_int(s, 0);
        if (visibility)
            *visibility = nr_strdup(nr_stmt_text(s, 1));
        if (audience && nr_stmt_text(s, 2))
            *audience = nr_strdup(nr_stmt_text(s, 2));
        rc = 0;
    } else if (rc == NR_STORE_DONE) {
        rc = NR_ENOTFOUND;
    }
    nr_stmt_free(s);
    return rc;
}

/* ---- recording (the decide transition) ---- */

struct dec_input {
    const char *outcome, *rationale, *conditions, *visibility, *justification;
    char versions[NR_RANGE_EXPR_MAX + 1];
    char valid_from[NR_DATE_STR], valid_until[NR_DATE_STR];
    struct nr_buf audience;     /* canonical */
    json_t *audience_names;     /* array, readable */
    const char *recommendation; /* static, NULL without a complete panel */
};

static int dec_validate(struct nr_review *rv, const struct nr_case *c,
                        const struct nr_decision_spec *d, struct dec_input *in, struct nr_err *err)
{
    struct nr_range range;
    struct nr_buf norm;
    int32_t today = nr_date_from_time(nr_time_now()), until;
    const char *versions;
    int rc;

    in->outcome = d->outcome;
    if (dec_blank(d->outcome))
        return nr_err_set(err, NR_EINVAL, "outcome",
                          "a decision needs an outcome: passed, passed_with_conditions or failed");
    if (!dec_one_of(d->outcome, dec_outcomes, NR_ARRAY_LEN(dec_outcomes)))
        return nr_err_set(err, NR_EINVAL, "outcome",
                          "outcome %.64s is not one of passed, passed_with_conditions, failed",
                          d->outcome);
    rc = dec_text("rationale", d->rationale, true, DEC_RATIONALE_MAX, err);
    if (rc)
        return rc;
    in->rationale = d->rationale;
    rc = dec_text("conditions", d->conditions, false, DEC_CONDITIONS_MAX, err);
    if (rc)
        return rc;
    in->conditions = dec_opt(d->conditions);
    /* R7: conditions belong to passed_with_conditions and only to it. */
    if (strcmp(d->outcome, "passed_with_conditions") == 0 && in->conditions == NULL)
        return nr_err_set(err, NR_EINVAL, "conditions",
                          "outcome passed_with_conditions needs the conditions");
    if (strcmp(d->outcome, "passed_with_conditions") != 0 && in->conditions != NULL)
        return nr_err_set(err, NR_EINVAL, "conditions",
                          "conditions are only for outcome passed_with_conditions, not %s",
                          d->outcome);
    rc = dec_text("justification", d->justification, false, DEC_JUSTIFICATION_MAX, err);
    if (rc)
        return rc;
    in->justification = dec_opt(d->justification);

    /* R7: the versions covered, as a range expression stored in canonical form. */
    versions = dec_opt(d->versions) ? d->versions : (c->versions ? c->versions : "*");
    nr_range_init(&range);
    nr_buf_init(&norm, NR_RANGE_EXPR_MAX);
    rc = nr_range_parse(&range, versions, err);
    if (rc == 0)
        rc = nr_range_normalize(&range, &norm);
    if (rc == NR_ETOOBIG)
        nr_err_set(err, rc, "versions", "versions: the canonical form exceeds %d bytes",
                   NR_RANGE_EXPR_MAX);
    if (rc == 0)
        snprintf(in->versions, sizeof(in->versions), "%s", norm.p ? norm.p : "*");
    nr_range_release(&range);
    nr_buf_release(&norm);
    if (rc)
        return rc;

    nr_date_fmt(today, in->valid_from);
    if (dec_opt(d->valid_until)) {
        if (nr_date_parse(d->valid_until, &until) != 0)
            return nr_err_set(err, NR_EINVAL, "valid_until",
                              "valid_until %.32s is not a date (YYYY-MM-DD)", d->valid_until);
        if (until <= today)
            return nr_err_set(err, NR_EINVAL, "valid_until",
                              "valid_until %s is not after today (%s)", d->valid_until,
                              in->valid_from);
        if (until - today > DEC_VALIDITY_MAX_DAYS)
            return nr_err_set(err, NR_EINVAL, "valid_until",
                              "valid_until %s is more than ten years ahead", d->valid_until);
    } else {
        until =
            today + (rv->proc.validity_days > 0 ? rv->proc.validity_days : DEC_VALIDITY_DEFAULT);
    }
    nr_date_fmt(until, in->valid_until);

    /* Nothing is public before the publish transition, so "public" is a safe default. */
    in->visibility = dec_opt(d->visibility) ? d->visibility : "public";
    if (!dec_one_of(in->visibility, dec_visibilities, NR_ARRAY_LEN(dec_visibilities)))
        return nr_err_set(err, NR_EINVAL, "visibility",
                          "visibility %.32s is not one of public, restricted, internal",
                          in->visibility);
    if (strcmp(in->visibility, "restricted") == 0) {
        /* R7: circulated within certain limits: the limits are named. */
        if (dec_blank(d->audience))
            return nr_err_set(err, NR_EINVAL, "audience",
                              "a restricted decision needs an audience (org:NAME, sector:NAME)");
        rc = dec_audience_parse(rv, d->audience, &in->audience, in->audience_names, err);
        if (rc)
            return rc;
    } else if (!dec_blank(d->audience)) {
        return nr_err_set(err, NR_EINVAL, "audience",
                          "an audience is only for restricted decisions, not %s", in->visibility);
    }

    /* R7: overriding the panel's recommendation needs a written justification. A case without a
     * complete panel has no recommendation; the procedure's conditions decide whether it may
     * be decided at all. */
    {
        struct nr_err lerr;
        json_t *medians = NULL;
        const char *rec = NULL;

        nr_err_init(&lerr);
        rc = nr_panel_recommendation(rv, c->id, &rec, &medians, &lerr);
        json_decref(medians);
        if (rc == NR_EPRECOND || rc == NR_ENOTFOUND) {
            rec = NULL;
            rc = 0;
        } else if (rc) {
            return nr_err_set(err, rc, lerr.field, "%s", lerr.msg);
        }
        in->recommendation = rec;
        if (rec && strcmp(rec, d->outcome) != 0 && in->justification == NULL)
            return nr_err_set(err, NR_EPRECOND, "justification",
                              "the panel recommends %s; deciding %s needs a written justification",
                              rec, d->outcome);
    }
    return 0;
}

/* The product as the payload names it, or null for a case without a product. */
static int dec_product_json(struct nr_review *rv, int64_t product_id, json_t **out,
                            struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    int rc;

    *out = json_null();
    if (product_id <= 0)
        return 0;
    rc = nr_store_prepare_bind(rv->st, err, &s,
                               "SELECT p.name, o.name, p.cpe, p.purl FROM products p "
                               "LEFT JOIN orgs o ON o.id = p.provider_id WHERE p.id = ?",
                               "i", product_id);
    if (rc)
        return rc;
    rc = nr_stmt_step(s, err);
    if (rc == NR_STORE_ROW) {
        json_decref(*out);
        *out = json_pack("{s:I, s:o, s:o, s:o, s:o}", "id", (json_int_t)product_id, "name",
                         dec_jstr(nr_stmt_text(s, 0)), "provider", dec_jstr(nr_stmt_text(s, 1)),
                         "cpe", dec_jstr(nr_stmt_text(s, 2)), "purl", dec_jstr(nr_stmt_text(s, 3)));
        rc = 0;
    } else if (rc == NR_STORE_DONE) {
        rc = 0;
    }
    nr_stmt_free(s);
    return rc;
}

int nr__decision_record(struct nr_review *rv, const struct nr_actor *a, const struct nr_case *c,
                        const struct nr_decision_spec *d, int64_t *id, struct nr_err *err)
{
    struct dec_input in;
    json_t *payload = NULL, *product = NULL;
    char *canon = NULL, *sig = NULL, *detail = NULL;
    char key_id[NR_KEY_ID_STR], now[NR_TIME_STR];
    const char *suite;
    int64_t did = 0;
    bool txn = false;
    int rc;

    memset(&in, 0, sizeof(in));
    nr_buf_init(&in.audience, DEC_AUDIENCE_TEXT_MAX * 2);
    in.audience_names = json_array();
    if (id)
        *id = 0;
    if (d == NULL) {
        rc = nr_err_set(err, NR_EINVAL, "outcome", "the decide transition needs a decision");
        goto out;
    }
    if (rv->office_key == NULL || !nr_key_has_private(rv->office_key)) {
        rc = nr_err_set(err, NR_ECRYPTO, NULL, "the office signing key is not loaded");
        goto out;
    }
    rc = dec_validate(rv, c, d, &in, err);
    if (rc)
        goto out;
    rc = nr_key_id(rv->office_key, key_id);
    if (rc) {
        nr_err_set(err, rc, NULL, "cannot compute the office key id");
        goto out;
    }
    suite = nr_suite_name(nr_key_suite(rv->office_key));
    nr_time_fmt(nr_time_now(), now);

    rc = nr_store_begin(rv->st, err);
    if (rc)
        goto out;
    txn = true;
    /* A case holds one decision in force: a new one (a special review's conclusion after a
     * draft, say) supersedes the previous, whose publication ends with it. */
    rc = nr_store_exec(rv->st, err,
                       "UPDATE publications SET withdrawn_at = ? WHERE withdrawn_at IS NULL AND "
                       "decision_id IN (SELECT id FROM decisions WHERE case_id = ? AND "
                       "status = 'active')",
                       "ti", now, c->id);
    if (rc == 0)
        rc = nr_store_exec(rv->st, err,
                           "UPDATE decisions SET status = 'superseded' "
                           "WHERE case_id = ? AND status = 'active'",
                           "i", c->id);
    if (rc)
        goto out;
    rc = nr_store_query_int(
        rv->st, err, &did,
        "INSERT INTO decisions (case_id, product_id, outcome, rationale, conditions, versions, "
        "valid_from, valid_until, visibility, audience, recommendation, justification, payload, "
        "signature, key_id, suite, decided_by, decided_at, status) VALUES (?, NULLIF(?, 0), ?, ?, "
        "?, ?, ?, ?, ?, ?, ?, ?, '', '', ?, ?, NULLIF(?, 0), ?, 'active') RETURNING id",
        "iittttttttttttit", c->id, c->product_id > 0 ? c->product_id : (int64_t)0, in.outcome,
        in.rationale, in.conditions, in.versions, in.valid_from, in.valid_until, in.visibility,
        in.audience.len ? in.audience.p : NULL, in.recommendation, in.justification, key_id, suite,
        a && a->user_id > 0 ? a->user_id : (int64_t)0, now);
    if (rc == 0)
        rc = dec_product_json(rv, c->product_id, &product, err);
    if (rc)
        goto out;

    /* R7: the signed payload, canonical JSON (sorted keys, no whitespace). */
    payload = json_object();
    json_object_set_new(payload, "decision_id", json_integer(did));
    json_object_set_new(payload, "case_ref", dec_jstr(c->ref));
    json_object_set_new(payload, "product", product);
    product = NULL;
    json_object_set_new(payload, "outcome", dec_jstr(in.outcome));
    json_object_set_new(payload, "rationale", dec_jstr(in.rationale));
    json_object_set_new(payload, "conditions", dec_jstr(in.conditions));
    json_object_set_new(payload, "versions", dec_jstr(in.versions));
    json_object_set_new(payload, "valid_from", dec_jstr(in.valid_from));
    json_object_set_new(payload, "valid_until", dec_jstr(in.valid_until));
    json_object_set_new(payload, "visibility", dec_jstr(in.visibility));
    json_object_set_new(payload, "audience",
                        json_array_size(in.audience_names) ? json_incref(in.audience_names)
                                                           : json_null());
    json_object_set_new(payload, "recommendation", dec_jstr(in.recommendation));
    json_object_set_new(payload, "justification", dec_jstr(in.justification));
    json_object_set_new(payload, "decided_at", dec_jstr(now));
    json_object_set_new(payload, "decided_by", dec_jstr(a ? a->login : NULL));
    json_object_set_new(payload, "procedure", dec_jstr(c->procedure ? c->procedure : rv->proc.id));
    json_object_set_new(payload, "suite", dec_jstr(suite));
    json_object_set_new(payload, "key_id", dec_jstr(key_id));
    canon = json_dumps(payload, JSON_SORT_KEYS | JSON_COMPACT);
    if (canon == NULL) {
        rc = nr_err_set(err, NR_EINVAL, NULL, "cannot serialise the decision payload");
        goto out;
    }
    rc = nr_sign(rv->office_key, canon, strlen(canon), &sig, err);
    if (rc == 0)
        rc = nr_store_exec(rv->st, err,
                           "UPDATE decisions SET payload = ?, signature = ? WHERE id = ?", "tti",
                           canon, sig, did);
    if (rc)
        goto out;
    detail = nr_asprintf("outcome=%s versions=%s valid_until=%s visibility=%s%s%s%s%s key=%s",
                         in.outcome, in.versions, in.valid_until, in.visibility,
                         in.audience.len ? " audience=" : "", in.audience.len ? in.audience.p : "",
                         in.recommendation ? " recommendation=" : "",
                         in.recommendation ? in.recommendation : "", key_id);
    {
        char object[48];
        snprintf(object, sizeof(object), "decision:%lld", (long long)did);
        rc = nr_audit_append(rv, a, "decision.record", c->id, object, detail, err);
    }
out:
    if (txn) {
        if (rc)
            nr_store_rollback(rv->st);
        else
            rc = nr_store_commit(rv->st, err);
    }
    if (rc == 0 && id)
        *id = did;
    json_decref(payload);
    json_decref(product);
    json_decref(in.audience_names);
    nr_buf_release(&in.audience);
    free(canon); /* jansson's allocator is the C library's */
    nr_free(sig);
    nr_free(detail);
    return rc;
}

/* ---- publication and revocation ---- */

int nr__decision_publish(struct nr_review *rv, const struct nr_actor *a, const struct nr_case *c,
                         struct nr_err *err)
{
    char *visibility = NULL, *audience = NULL, *detail = NULL;
    char now[NR_TIME_STR], object[48];
    int64_t did = 0, open = 0, pid = 0;
    int rc;

    nr_time_fmt(nr_time_now(), now);
    rc = nr_store_begin(rv->st, err);
    if (rc)
        return rc;
    rc = dec_active_of_case(rv, c->id, &did, &visibility, &audience, err);
    if (rc == NR_ENOTFOUND) {
        rc = nr_err_set(err, NR_EPRECOND, "case", "case %s holds no decision to publish", c->ref);
        goto out;
    }
    if (rc)
        goto out;
    rc = nr_store_query_int(rv->st, err, &open,
                            "SELECT COUNT(*) FROM publications WHERE decision_id = ? "
                            "AND withdrawn_at IS NULL",
                            "i", did);
    if (rc == 0 && open > 0)
        rc = nr_err_set(err, NR_EEXISTS, "case", "decision %lld of case %s is already published",
                        (long long)did, c->ref);
    if (rc)
        goto out;
    /* R7: published, circulated within limits or kept internal, as the decision says. */
    rc = nr_store_query_int(rv->st, err, &pid,
                            "INSERT INTO publications (decision_id, case_id, visibility, audience, "
                            "published_by, published_at) VALUES (?, ?, ?, ?, NULLIF(?, 0), ?) "
                            "RETURNING id",
                            "iittit", did, c->id, visibility, audience,
                            a && a->user_id > 0 ? a->user_id : (int64_t)0, now);
    if (rc)
        goto out;
    snprintf(object, sizeof(object), "decision:%lld", (long long)did);
    detail = nr_asprintf("publication=%lld visibility=%s%s%s", (long long)pid, visibility,
                         audience ? " audience=" : "", audience ? audience : "");
    rc = nr_audit_append(rv, a, "decision.publish", c->id, object, detail, err);
out:
    if (rc)
        nr_store_rollback(rv->st);
    else
        rc = nr_store_commit(rv->st, err);
    nr_free(visibility);
    nr_free(audience);
    nr_free(detail);
    return rc;
}

int nr__decision_revoke(struct nr_review *rv, const struct nr_actor *a, const struct nr_case *c,
                        const char *reason, struct nr_err *err)
{
    char now[NR_TIME_STR], object[48];
    char *detail = NULL;
    int64_t did = 0;
    int rc;

    nr_time_fmt(nr_time_now(), now);
    rc = nr_store_begin(rv->st, err);
    if (rc)
        return rc;
    rc = dec_active_of_case(rv, c->id, &did, NULL, NULL, err);
    if (rc == NR_ENOTFOUND) {
        /* A case withdrawn before any decision: nothing to revoke. */
        rc = 0;
        goto out;
    }
    if (rc)
        goto out;
    if (dec_blank(reason)) {
        rc = nr_err_set(err, NR_EINVAL, "reason",
                        "revoking decision %lld of case %s needs a reason", (long long)did, c->ref);
        goto out;
    }
    rc = dec_text("reason", reason, true, DEC_REASON_MAX, err);
    if (rc == 0)
        rc = nr_store_exec(rv->st, err,
                           "UPDATE decisions SET status = 'revoked', revoked_at = ?, "
                           "revoke_reason = ? WHERE id = ?",
                           "tti", now, reason, did);
    /* R7, R9: a revoked decision leaves the register and stops counting at the gate. */
    if (rc == 0)
        rc = nr_store_exec(rv->st, err,
                           "UPDATE publications SET withdrawn_at = ? WHERE decision_id = ? AND "
                           "withdrawn_at IS NULL",
                           "ti", now, did);
    if (rc)
        goto out;
    snprintf(object, sizeof(object), "decision:%lld", (long long)did);
    detail = nr_asprintf("reason=%.200s", reason);
    rc = nr_audit_append(rv, a, "decision.revoke", c->id, object, detail, err);
out:
    if (rc)
        nr_store_rollback(rv->st);
    else
        rc = nr_store_commit(rv->st, err);
    nr_free(detail);
    return rc;
}

/* ---- reading ---- */

/* Columns of show and list; payload and signature, left out of the JSON by DEC_SHOWN, and the
 * case's sector, added by dec_row_out, last. */
#define DEC_SELECT                                                                                 \
    "SELECT d.id, d.case_id, c.ref AS case_ref, d.product_id, p.name AS product, "                 \
    "o.name AS provider, d.outcome, d.rationale, d.conditions, d.versions, d.valid_from, "         \
    "d.valid_until, d.visibility, d.audience, d.recommendation, d.justification, "                 \
    "u.login AS decided_by, d.decided_at, d.status, d.revoked_at, d.revoke_reason, d.key_id, "     \
    "d.suite, (SELECT pb.published_at FROM publications pb WHERE pb.decision_id = d.id "           \
    "ORDER BY pb.id DESC LIMIT 1) AS published_at, (SELECT pb.withdrawn_at FROM publications pb "  \
    "WHERE pb.decision_id = d.id ORDER BY pb.id DESC LIMIT 1) AS withdrawn_at, d.payload, "        \
    "d.signature, c.sector FROM decisions d JOIN cases c ON c.id = d.case_id "                     \
    "LEFT JOIN products p ON p.id = d.product_id LEFT JOIN orgs o ON o.id = p.provider_id "        \
    "LEFT JOIN users u ON u.id = d.decided_by "

enum {
    DEC_COL_ID,
    DEC_COL_CASE_ID,
    DEC_COL_VISIBILITY = 12,
    DEC_COL_AUDIENCE = 13,
    DEC_COL_STATUS = 18,
    DEC_COL_KEY_ID = 21,
    DEC_COL_SUITE = 22,
    DEC_COL_PUBLISHED_AT = 23,
    DEC_COL_WITHDRAWN_AT = 24,
    DEC_COL_PAYLOAD = 25,
    DEC_COL_SIGNATURE = 26,
    DEC_COL_SECTOR = 27,
    DEC_SHOWN = 25
};
/* Types of the DEC_SHOWN columns (store.h nr_stmt_row_json). */
#define DEC_SHOWN_TYPES "iitittttttttttttttttttttt"

/* May the actor see the decision on the current row? The office and committee, the published
 * audience (decision_int.h), and anyone who may see the case itself unless it is internal. */
static bool dec_row_visible(struct nr_review *rv, const struct nr_actor *a,
                            const struct nr__viewer *v, struct nr_stmt *s)
{
    const char *visibility = nr_stmt_text(s, DEC_COL_VISIBILITY);
    bool published =
        !nr_stmt_is_null(s, DEC_COL_PUBLISHED_AT) && nr_stmt_is_null(s, DEC_COL_WITHDRAWN_AT);
    struct nr_arena ar;
    struct nr_case c;
    bool ok;

    if (nr__decision_visible(v, visibility, nr_stmt_text(s, DEC_COL_AUDIENCE), published))
        return true;
    if (a == NULL || visibility == NULL || strcmp(visibility, "internal") == 0)
        return false;
    /* R11: the provider and those working on the case know its outcome before the public. */
    nr_arena_init(&ar);
    ok = nr_case_get(rv, a, nr_stmt_int(s, DEC_COL_CASE_ID), &ar, &c, NULL) == 0;
    nr_arena_release(&ar);
    return ok;
}

static json_t *dec_row_out(struct nr_stmt *s)
{
    json_t *o = nr_stmt_row_json(s, DEC_SHOWN_TYPES);
    bool published =
        !nr_stmt_is_null(s, DEC_COL_PUBLISHED_AT) && nr_stmt_is_null(s, DEC_COL_WITHDRAWN_AT);
    json_object_set_new(o, "published", json_boolean(published));
    /* R8, R12: the register is read by sector. A row is made only for an actor who may see the
     * decision, and its case's sector was never hidden from them: the register's sector filter
     * already answered by it. */
    json_object_set_new(o, "sector",
                        nr_stmt_is_null(s, DEC_COL_SECTOR)
                            ? json_null()
                            : json_string(nr_stmt_text(s, DEC_COL_SECTOR)));
    return o;
}

int nr_decision_show(struct nr_review *rv, const struct nr_actor *a, int64_t id, json_t **out,
                     struct nr_err *err)
{
    struct nr__viewer v;
    struct nr_stmt *s = NULL;
    int rc;

    *out = NULL;
    nr__viewer_of_actor(a, &v);
    rc = nr_store_prepare_bind(rv->st, err, &s, DEC_SELECT "WHERE d.id = ?", "i", id);
    if (rc)
        return rc;
    rc = nr_stmt_step(s, err);
    if (rc == NR_STORE_ROW && dec_row_visible(rv, a, &v, s)) {
        *out = dec_row_out(s);
        rc = 0;
    } else if (rc >= 0) {
        /* Absent and not visible answer alike (review.h). */
        rc = nr_err_set(err, NR_ENOTFOUND, "id", "no decision %lld", (long long)id);
    }
    nr_stmt_free(s);
    return rc;
}

int nr_decision_list(struct nr_review *rv, const struct nr_actor *a, json_t **out,
                     struct nr_err *err)
{
    struct nr__viewer v;
    struct nr_stmt *s = NULL;
    json_t *arr = json_array();
    int rc;

    *out = NULL;
    nr__viewer_of_actor(a, &v);
    rc = nr_store_prepare_bind(rv->st, err, &s, DEC_SELECT "ORDER BY d.decided_at DESC, d.id DESC",
                               "");
    if (rc)
        goto out;
    while ((rc = nr_stmt_step(s, err)) == NR_STORE_ROW) {
        if (!dec_row_visible(rv, a, &v, s))
            continue;
        json_t *o = dec_row_out(s);
        /* The list is a register: the long texts are in show. */
        json_object_del(o, "rationale");
        json_object_del(o, "justification");
        json_array_append_new(arr, o);
    }
out:
    nr_stmt_free(s);
    if (rc == 0) {
        *out = arr;
        return 0;
    }
    json_decref(arr);
    return rc;
}

int nr_decision_export(struct nr_review *rv, const struct nr_actor *a, int64_t id, char **json,
                       struct nr_err *err)
{
    struct nr__viewer v;
    struct nr_stmt *s = NULL;
    json_t *doc = NULL, *payload = NULL;
    char *pem = NULL, *text = NULL;
    char key_id[NR_KEY_ID_STR];
    json_error_t jerr;
    enum nr_suite suite;
    int rc;

    *json = NULL;
    nr__viewer_of_actor(a, &v);
    rc = nr_store_prepare_bind(rv->st, err, &s, DEC_SELECT "WHERE d.id = ?", "i", id);
    if (rc)
        return rc;
    rc = nr_stmt_step(s, err);
    if (rc < 0)
        goto out;
    if (rc != NR_STORE_ROW || !dec_row_visible(rv, a, &v, s)) {
        rc = nr_err_set(err, NR_ENOTFOUND, "id", "no decision %lld", (long long)id);
        goto out;
    }
    payload = json_loads(nr_stmt_text(s, DEC_COL_PAYLOAD), JSON_REJECT_DUPLICATES, &jerr);
    if (payload == NULL || !json_is_object(payload)) {
        rc = nr_err_set(err, NR_ETAMPERED, "payload",
                        "the stored payload of decision %lld is not a JSON object", (long long)id);
        goto out;
    }
    if (nr_suite_parse(nr_stmt_text(s, DEC_COL_SUITE), &suite) != 0) {
        rc = nr_err_set(err, NR_ETAMPERED, "suite", "decision %lld names an unknown suite",
                        (long long)id);
        goto out;
    }
    rc = nr_key_id(rv->office_key, key_id);
    if (rc == 0)
        rc = nr_key_public_pem(rv->office_key, &pem);
    if (rc) {
        nr_err_set(err, rc, NULL, "cannot read the office public key");
        goto out;
    }
    /* The document must carry the key that verifies it; after a key change the old decision's
     * key is not this installation's to hand out. */
    if (strcmp(key_id, nr_stmt_text(s, DEC_COL_KEY_ID)) != 0) {
        rc = nr_err_set(err, NR_ECRYPTO, "key_id",
                        "decision %lld was signed by key %s; the office key is now %s",
                        (long long)id, nr_stmt_text(s, DEC_COL_KEY_ID), key_id);
        goto out;
    }
    doc = json_pack("{s:s, s:O, s:s, s:{s:s, s:s, s:s, s:s}, s:s}", "format", DEC_FORMAT, "payload",
                    payload, "payload_canonical", nr_stmt_text(s, DEC_COL_PAYLOAD), "signature",
                    "suite", nr_suite_name(suite), "algorithm", dec_algorithm(suite), "key_id",
                    nr_stmt_text(s, DEC_COL_KEY_ID), "value", nr_stmt_text(s, DEC_COL_SIGNATURE),
                    "public_key", pem);
    text = doc ? json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    if (text == NULL) {
        rc = nr_err_set(err, NR_EINVAL, NULL, "cannot serialise decision %lld", (long long)id);
        goto out;
    }
    *json = nr_strdup(text);
    rc = 0;
out:
    nr_stmt_free(s);
    json_decref(doc);
    json_decref(payload);
    free(text);
    nr_free(pem);
    return rc;
}

/* ---- offline verification ---- */

static int dec_doc_string(json_t *obj, const char *key, const char *path, const char **out,
                          struct nr_err *err)
{
    json_t *j = json_object_get(obj, key);
    if (!json_is_string(j))
        return nr_err_set(err, NR_EPARSE, path, "%s must be a string", path);
    *out = json_string_value(j);
    return 0;
}

int nr_decision_verify(const char *doc, size_t len, const char *pub_pem, size_t pem_len,
                       json_t **payload, struct nr_err *err)
{
    json_t *root = NULL, *pl, *sigobj;
    json_error_t jerr;
    struct nr_key *key = NULL;
    struct nr_err lerr;
    const char *format = NULL, *canonical = NULL, *sig = NULL, *kid = NULL, *suite_s = NULL;
    const char *alg = NULL, *psuite = NULL;
    char *canon = NULL;
    char key_id[NR_KEY_ID_STR];
    enum nr_suite suite;
    int rc;

    if (payload)
        *payload = NULL;
    if (doc == NULL || len == 0)
        return nr_err_set(err, NR_EPARSE, "$", "the document is empty");
    if (len > DEC_DOC_MAX)
        return nr_err_set(err, NR_EPARSE, "$", "the document is larger than %u bytes", DEC_DOC_MAX);
    root = json_loadb(doc, len, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL) {
        rc = nr_err_set(err, NR_EPARSE, "$", "not JSON: line %d column %d: %s", jerr.line,
                        jerr.column, jerr.text);
        goto out;
    }
    if (!json_is_object(root)) {
        rc = nr_err_set(err, NR_EPARSE, "$", "the document is not a JSON object");
        goto out;
    }
    rc = dec_doc_string(root, "format", "$.format", &format, err);
    if (rc)
        goto out;
    if (strcmp(format, DEC_FORMAT) != 0) {
        rc = nr_err_set(err, NR_EPARSE, "$.format", "format %.64s is not %s", format, DEC_FORMAT);
        goto out;
    }
    pl = json_object_get(root, "payload");
    if (!json_is_object(pl)) {
        rc = nr_err_set(err, NR_EPARSE, "$.payload", "$.payload must be an object");
        goto out;
    }
    sigobj = json_object_get(root, "signature");
    if (!json_is_object(sigobj)) {
        rc = nr_err_set(err, NR_EPARSE, "$.signature", "$.signature must be an object");
        goto out;
    }
    if ((rc = dec_doc_string(root, "payload_canonical", "$.payload_canonical", &canonical, err)) !=
            0 ||
        (rc = dec_doc_string(sigobj, "suite", "$.signature.suite", &suite_s, err)) != 0 ||
        (rc = dec_doc_string(sigobj, "algorithm", "$.signature.algorithm", &alg, err)) != 0 ||
        (rc = dec_doc_string(sigobj, "key_id", "$.signature.key_id", &kid, err)) != 0 ||
        (rc = dec_doc_string(sigobj, "value", "$.signature.value", &sig, err)) != 0)
        goto out;
    if (nr_suite_parse(suite_s, &suite) != 0) {
        rc = nr_err_set(err, NR_EPARSE, "$.signature.suite", "suite %.32s is not intl or sm",
                        suite_s);
        goto out;
    }
    if (strcmp(alg, dec_algorithm(suite)) != 0) {
        rc = nr_err_set(err, NR_EPARSE, "$.signature.algorithm",
                        "algorithm %.32s is not the %s suite's %s", alg, suite_s,
                        dec_algorithm(suite));
        goto out;
    }

    nr_err_init(&lerr);
    if (pub_pem == NULL || pem_len == 0 || nr_key_from_pem(pub_pem, pem_len, &key, &lerr) != 0) {
        rc = nr_err_set(err, NR_EPARSE, "key", "the key is not a usable public key: %s",
                        lerr.msg[0] ? lerr.msg : "empty");
        goto out;
    }
    /* The text that was signed must be exactly the payload shown: nothing else is trusted. */
    canon = json_dumps(pl, JSON_SORT_KEYS | JSON_COMPACT);
    if (canon == NULL ||
        json_string_length(json_object_get(root, "payload_canonical")) != strlen(canon) ||
        strcmp(canon, canonical) != 0) {
        rc = nr_err_set(err, NR_EBADSIG, "$.payload",
                        "the payload does not match payload_canonical: the document was altered");
        goto out;
    }
    psuite = json_string_value(json_object_get(pl, "suite"));
    if (psuite == NULL || strcmp(psuite, suite_s) != 0) {
        rc = nr_err_set(err, NR_EBADSIG, "$.payload.suite",
                        "the payload's suite %s differs from the signature's %s",
                        psuite ? psuite : "(none)", suite_s);
        goto out;
    }
    if (nr_key_suite(key) != suite) {
        rc = nr_err_set(err, NR_EBADSIG, "key",
                        "the document is signed in suite %s; the key given is for suite %s",
                        suite_s, nr_suite_name(nr_key_suite(key)));
        goto out;
    }
    if (nr_key_id(key, key_id) != 0) {
        rc = nr_err_set(err, NR_EPARSE, "key", "cannot compute the id of the key given");
        goto out;
    }
    if (strcmp(key_id, kid) != 0) {
        rc = nr_err_set(err, NR_EBADSIG, "$.signature.key_id",
                        "the document was signed by key %.64s; the key given is %s", kid, key_id);
        goto out;
    }
    nr_err_init(&lerr);
    rc = nr_verify(key, canon, strlen(canon), sig, &lerr);
    if (rc) {
        rc = nr_err_set(err, NR_EBADSIG, "$.signature.value",
                        "the signature does not verify with key %s: the payload was altered or "
                        "not signed by this key",
                        key_id);
        goto out;
    }
    if (payload)
        *payload = json_incref(pl);
out:
    json_decref(root);
    nr_key_free(key);
    free(canon);
    return rc;
}
