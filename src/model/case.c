/*
 * case.c - cases: opening them from a trigger, who may see them, the procedure's transitions
 * with their conditions and effects, and the views of a case (interface: review.h).
 *
 * Nothing here knows the phases of a particular procedure except through the procedure file:
 * a transition's effects follow from what it needs (a decision), from the phases it joins
 * (decision_valid, terminal) and from the phase it leaves.
 */
#include "netreview/review.h"
#include "netreview/version.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netreview/banned.h"

#define NR_CASE_COLUMNS                                                                            \
    "c.id, c.ref, c.title, c.procedure, c.trigger, c.trigger_detail, c.versions, c.sector, "       \
    "c.product_id, c.operator_id, c.raised_by_org, c.raised_by_user, c.re_review_of, "             \
    "p.provider_id, c.phase, c.phase_entered_at, c.phase_entered_on, c.phase_due, c.paused_on, "   \
    "c.scoping_result, c.scoping_reason, c.closed_reason, c.watch_reason, c.opened_at, "           \
    "c.updated_at, c.watch_at"

#define NR_TEXT_MAX 65536

static char *nr_col(struct nr_arena *ar, struct nr_stmt *s, int col)
{
    return nr_arena_strdup(ar, nr_stmt_text(s, col));
}

static void nr_case_from_row(struct nr_arena *ar, struct nr_stmt *s, struct nr_case *c)
{
    memset(c, 0, sizeof(*c));
    c->id = nr_stmt_int(s, 0);
    c->ref = nr_col(ar, s, 1);
    c->title = nr_col(ar, s, 2);
    c->procedure = nr_col(ar, s, 3);
    c->trigger = nr_col(ar, s, 4);
    c->trigger_detail = nr_col(ar, s, 5);
    c->versions = nr_col(ar, s, 6);
    c->sector = nr_col(ar, s, 7);
    c->product_id = nr_stmt_int(s, 8);
    c->operator_id = nr_stmt_int(s, 9);
    c->raised_by_org = nr_stmt_int(s, 10);
    c->raised_by_user = nr_stmt_int(s, 11);
    c->re_review_of = nr_stmt_int(s, 12);
    c->provider_id = nr_stmt_int(s, 13);
    c->phase = nr_col(ar, s, 14);
    c->phase_entered_at = nr_col(ar, s, 15);
    c->phase_entered_on = nr_col(ar, s, 16);
    c->phase_due = nr_col(ar, s, 17);
    c->paused_on = nr_col(ar, s, 18);
    c->scoping_result = nr_col(ar, s, 19);
    c->scoping_reason = nr_col(ar, s, 20);
    c->closed_reason = nr_col(ar, s, 21);
    c->watch_reason = nr_col(ar, s, 22);
    c->opened_at = nr_col(ar, s, 23);
    c->updated_at = nr_col(ar, s, 24);
    c->watch_at = nr_col(ar, s, 25);
}

/* True for NULL, "" and text of spaces only: none of them is a written reason. */
static bool nr_blank(const char *s)
{
    if (s)
        for (; *s; s++)
            if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
                return false;
    return true;
}

static bool nr_str_eq(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

/* Runs a COUNT(*) with two id parameters (b ignored when the query has one); 0 on failure. */
static int64_t nr_count(struct nr_review *rv, const char *sql, int64_t a, int64_t b)
{
    int64_t n = 0;
    const char *types = strchr(strchr(sql, '?') + 1, '?') ? "ii" : "i";
    if (nr_store_query_int(rv->st, NULL, &n, sql, types, a, b) != 0)
        return 0;
    return n;
}

bool nr_case_visible(struct nr_review *rv, const struct nr_actor *a, const struct nr_case *c)
{
    if (a->local_admin)
        return true;
    switch (a->role) {
    case NR_ROLE_COMMITTEE:
    case NR_ROLE_OFFICE:
        return true;
    case NR_ROLE_SECTOR_DEPT:
    case NR_ROLE_PROTECTION_DEPT:
        /* R8, R1: departments see the cases of their own sector. */
        return a->sector[0] && nr_str_eq(a->sector, c->sector);
    case NR_ROLE_INSTITUTION:
        /* R11: an institution sees only the cases where it holds a task. */
        return nr_count(
                   rv,
                   "SELECT COUNT(*) FROM tasks t JOIN institutions i ON i.id = t.institution_id"
                   " WHERE t.case_id = ? AND i.org_id = ?",
                   c->id, a->org_id) > 0;
    case NR_ROLE_EXPERT:
        /* R11: an expert sees only the cases of the panels it sits on (not those it was
         * excluded from). */
        return nr_count(rv,
                        "SELECT COUNT(*) FROM panel_members m JOIN panels p ON p.id = m.panel_id "
                        "JOIN experts e ON e.id = m.expert_id WHERE p.case_id = ? AND "
                        "e.user_id = ? AND m.status <> 'excluded'",
                        c->id, a->user_id) > 0;
    case NR_ROLE_PROVIDER:
        return c->provider_id != 0 && c->provider_id == a->org_id;
    case NR_ROLE_OPERATOR:
        return (c->operator_id && c->operator_id == a->org_id) ||
               (c->raised_by_org && c->raised_by_org == a->org_id);
    case NR_ROLE_ASSOCIATION:
    case NR_ROLE_STATE_DEPT:
        return c->raised_by_org && c->raised_by_org == a->org_id;
    default:
        return false;
    }
}

static int nr_case_load(struct nr_review *rv, int64_t id, struct nr_arena *ar, struct nr_case *c,
                        struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    int rc = nr_store_prepare_bind(rv->st, err, &s,
                                   "SELECT " NR_CASE_COLUMNS " FROM cases c LEFT JOIN products p "
                                   "ON p.id = c.product_id WHERE c.id = ?",
                                   "i", id);
    if (rc)
        return rc;
    rc = nr_stmt_step(s, err);
    if (rc == NR_STORE_ROW) {
        nr_case_from_row(ar, s, c);
        rc = 0;
    } else if (rc == NR_STORE_DONE) {
        rc = nr_err_set(err, NR_ENOTFOUND, "case", "no case %lld", (long long)id);
    }
    nr_stmt_free(s);
    return rc;
}

int nr_case_get(struct nr_review *rv, const struct nr_actor *a, int64_t id, struct nr_arena *ar,
                struct nr_case *c, struct nr_err *err)
{
    struct nr_err local;
    int rc;

    nr_err_init(&local);
    rc = nr_case_load(rv, id, ar, c, &local);
    /* R11: a case the actor may not see answers exactly like one that does not exist. */
    if (rc == NR_ENOTFOUND || (rc == 0 && !nr_case_visible(rv, a, c)))
        return nr_err_set(err, NR_ENOTFOUND, "case", "no case %lld", (long long)id);
    if (rc)
        return nr_err_set(err, rc, local.field, "%s", local.msg);
    return 0;
}

int nr_case_resolve(struct nr_review *rv, const struct nr_actor *a, const char *ref, int64_t *id,
                    struct nr_err *err)
{
    struct nr_arena ar;
    struct nr_case c;
    char *end;
    long long v;
    int rc = 0;

    if (ref == NULL || *ref == '\0')
        return nr_err_set(err, NR_EINVAL, "case", "no case given");
    if (strlen(ref) > 64)
        return nr_err_set(err, NR_EINVAL, "case", "case reference is too long");
    v = strtoll(ref, &end, 10);
    if (*end == '\0' && v > 0)
        *id = v;
    else if (nr_store_query_int(rv->st, NULL, id, "SELECT id FROM cases WHERE ref = ?", "t", ref) !=
             0)
        rc = NR_ENOTFOUND;
    /* R11: a case the actor may not see is named exactly like one that does not exist. */
    if (rc == 0 && a) {
        nr_arena_init(&ar);
        if (nr_case_load(rv, *id, &ar, &c, NULL) != 0 || !nr_case_visible(rv, a, &c))
            rc = NR_ENOTFOUND;
        nr_arena_release(&ar);
    }
    if (rc)
        return nr_err_set(err, NR_ENOTFOUND, "case", "no case %s", ref);
    return 0;
}

static int nr_roles_text(nr_role_set roles, char *out, size_t n)
{
    size_t used = 0;
    out[0] = '\0';
    for (int r = 0; r < NR_ROLE__COUNT; r++) {
        if (roles & NR_ROLE_BIT(r)) {
            int w = snprintf(out + used, n - used, "%s%s", used ? ", " : "", nr_role_name(r));
            if (w < 0 || (size_t)w >= n - used)
                break;
            used += (size_t)w;
        }
    }
    return 0;
}

static int nr_phases_text(char **phases, size_t n, char *out, size_t cap)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        int w = snprintf(out + used, cap - used, "%s%s", i ? (i + 1 == n ? " or " : ", ") : "",
                         phases[i]);
        if (w < 0 || (size_t)w >= cap - used)
            break;
        used += (size_t)w;
    }
    return 0;
}

int nr_case_check_action(struct nr_review *rv, const struct nr_actor *a, const struct nr_case *c,
                         const char *action, struct nr_err *err)
{
    const struct nr_action *act = nr_procedure_action(&rv->proc, action);
    char text[512];

    if (act == NULL)
        return nr_err_set(err, NR_EFORBIDDEN, "action", "procedure %s has no action %s",
                          rv->proc.id, action);
    if (a->local_admin)
        return nr_err_set(err, NR_EFORBIDDEN, "as",
                          "the local administrator takes no part in a case; act with --as USER");
    if (!(act->roles & NR_ROLE_BIT(a->role))) {
        nr_roles_text(act->roles, text, sizeof(text));
        return nr_err_set(err, NR_EFORBIDDEN, "role", "role %s may not %s (allowed: %s)",
                          nr_role_name(a->role), action, text);
    }
    if (!nr_action_in_phase(&rv->proc, act, c->phase)) {
        if (act->nphases)
            nr_phases_text(act->phases, act->nphases, text, sizeof(text));
        else
            snprintf(text, sizeof(text), "an open phase");
        return nr_err_set(err, NR_EPHASE, "phase", "case %s is in phase %s; %s needs phase %s",
                          c->ref, c->phase, action, text);
    }
    /* R8: a sector department runs only its own sector's cases. */
    if (a->role == NR_ROLE_SECTOR_DEPT && !nr_str_eq(a->sector, c->sector))
        return nr_err_set(err, NR_EFORBIDDEN, "sector", "case %s belongs to sector %s, not to %s",
                          c->ref, c->sector ? c->sector : "(none)", a->sector);
    if (!nr_case_visible(rv, a, c))
        return nr_err_set(err, NR_ENOTFOUND, "case", "no case %lld", (long long)c->id);
    return 0;
}

/* ---- opening a case (R1, R2) ---- */

static int nr_case_make_ref(struct nr_review *rv, char *out, size_t n, struct nr_err *err)
{
    char now[NR_TIME_STR], like[16];
    int64_t count = 0;
    int rc;

    nr_time_fmt(nr_time_now(), now);
    snprintf(like, sizeof(like), "NR-%.4s-%%", now);
    rc = nr_store_query_int(rv->st, err, &count, "SELECT COUNT(*) FROM cases WHERE ref LIKE ?", "t",
                            like);
    if (rc)
        return rc;
    snprintf(out, n, "NR-%.4s-%04lld", now, (long long)count + 1);
    return 0;
}

int32_t nr_deadline_due(struct nr_review *rv, const char *phase, int32_t entered)
{
    const struct nr_phase *ph = nr_procedure_phase(&rv->proc, phase);
    if (ph == NULL || ph->deadline_days <= 0)
        return -1;
    /* R13: deadlines count working days on the holiday calendar. */
    return nr_calendar_add_workdays(&rv->cal, entered, ph->deadline_days);
}

/* Puts the case into `phase` today: the case row, the phase history and the new deadline. */
static int nr_case_enter_phase(struct nr_review *rv, const struct nr_actor *a, int64_t case_id,
                               const char *phase, const char *transition, const char *reason,
                               struct nr_err *err)
{
    char now[NR_TIME_STR], today[NR_DATE_STR], due[NR_DATE_STR];
    time_t t = nr_time_now();
    int32_t day = nr_date_from_time(t), d;
    const char *duep = NULL;
    int rc;

    nr_time_fmt(t, now);
    nr_date_fmt(day, today);
    d = nr_deadline_due(rv, phase, day);
    if (d >= 0) {
        nr_date_fmt(d, due);
        duep = due;
    }
    rc = nr_store_exec(rv->st, err,
                       "UPDATE case_phases SET left_at = ? WHERE case_id = ? AND left_at IS NULL",
                       "ti", now, case_id);
    if (rc == 0)
        rc = nr_store_exec(rv->st, err,
                           "UPDATE cases SET phase = ?, phase_entered_at = ?, phase_entered_on = "
                           "?, phase_due = ?, paused_on = NULL, updated_at = ? WHERE id = ?",
                           "ttttti", phase, now, today, duep, now, case_id);
    if (rc == 0) {
        struct nr_stmt *s = NULL;
        rc =
            nr_store_prepare_bind(rv->st, err, &s,
                                  "INSERT INTO case_phases (case_id, phase, transition, "
                                  "actor_id, reason, entered_at, due) VALUES (?, ?, ?, ?, ?, ?, ?)",
                                  "ittnttt", case_id, phase, transition, reason, now, duep);
        if (rc == 0 && a->user_id)
            nr_stmt_bind_int(s, 4, a->user_id);
        if (rc == 0) {
            /* The step's own code: err may already hold an earlier error (the first wins). */
            int st = nr_stmt_step(s, err);
            rc = st < 0 ? st : 0;
        }
        nr_stmt_free(s);
    }
    /* Requests for materials made in the phase that ends are settled with it. */
    if (rc == 0)
        rc = nr_store_exec(rv->st, err,
                           "UPDATE material_requests SET received_at = ?, received_on = ?, "
                           "paused_days = 0 WHERE case_id = ? AND received_at IS NULL",
                           "tti", now, today, case_id);
    return rc;
}

/* A sector as the registry writes it (orgs.sector): what the departments' need-to-know compares
 * against, so a case with any other text would be invisible to every department (R8). */
static bool nr_sector_word(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > 63)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || *s == '_'))
            return false;
    return true;
}

static bool nr_trigger_allowed(const struct nr_trigger *t, const struct nr_actor *a)
{
    return (t->roles & NR_ROLE_BIT(a->role)) != 0;
}

static int nr_case_group_complaints(struct nr_review *rv, int64_t case_id, int64_t product,
                                    const char *list, struct nr_err *err)
{
    char *copy, *p, *save = NULL;
    int rc = 0, n = 0;

    if (list == NULL || *list == '\0')
        return nr_err_set(err, NR_EINVAL, "complaints",
                          "a case from complaints needs the complaints it groups (--complaints "
                          "1,2,...)");
    if (strlen(list) > 4096)
        return nr_err_set(err, NR_ETOOBIG, "complaints", "complaint list is too long");
    copy = nr_strdup(list);
    for (p = strtok_r(copy, ",", &save); p && rc == 0; p = strtok_r(NULL, ",", &save)) {
        char *end;
        long long id = strtoll(p, &end, 10);
        int64_t attached = -1, cprod = 0;
        struct nr_stmt *s = NULL;
        if (*end != '\0' || id <= 0) {
            rc = nr_err_set(err, NR_EINVAL, "complaints", "\"%s\" is not a complaint id", p);
            break;
        }
        rc = nr_store_prepare_bind(rv->st, err, &s,
                                   "SELECT COALESCE(case_id, 0), COALESCE(product_id, 0) FROM "
                                   "complaints WHERE id = ?",
                                   "i", (int64_t)id);
        if (rc == 0) {
            int st = nr_stmt_step(s, err);
            if (st == NR_STORE_ROW) {
                attached = nr_stmt_int(s, 0);
                cprod = nr_stmt_int(s, 1);
            } else if (st < 0) {
                rc = st;
            }
        }
        nr_stmt_free(s);
        if (rc)
            break;
        if (attached < 0)
            rc = nr_err_set(err, NR_ENOTFOUND, "complaints", "no complaint %lld", id);
        else if (attached > 0)
            rc = nr_err_set(err, NR_EEXISTS, "complaints",
                            "complaint %lld is already part of case %lld", id, (long long)attached);
        else if (cprod && product && cprod != product)
            rc = nr_err_set(err, NR_EINVAL, "complaints", "complaint %lld is about another product",
                            id);
        else
            rc = nr_store_exec(rv->st, err,
                               "UPDATE complaints SET case_id = ?, product_id = COALESCE("
                               "product_id, ?) WHERE id = ?",
                               "iii", case_id, product, (int64_t)id);
        n++;
    }
    nr_free(copy);
    return rc;
}

int nr_case_open(struct nr_review *rv, const struct nr_actor *a, const struct nr_case_spec *sp,
                 int64_t *id, struct nr_err *err)
{
    const struct nr_trigger *trig;
    struct nr_range range;
    struct nr_arena ar;
    struct nr_stmt *s = NULL;
    char ref[32], now[NR_TIME_STR], today[NR_DATE_STR], *title = NULL, *pname = NULL;
    const char *versions = sp->versions && *sp->versions ? sp->versions : "*";
    const char *sector = sp->sector && *sp->sector ? sp->sector : (a->sector[0] ? a->sector : NULL);
    int64_t product = 0, operator_org = 0, case_id = 0;
    int rc;

    nr_arena_init(&ar);
    nr_range_init(&range);
    rc = nr_store_begin(rv->st, err);
    if (rc)
        goto out_notxn;
    trig = sp->trigger ? nr_procedure_trigger(&rv->proc, sp->trigger) : NULL;
    if (trig == NULL) {
        rc = nr_err_set(err, NR_EINVAL, "trigger", "procedure %s has no trigger %s", rv->proc.id,
                        sp->trigger ? sp->trigger : "(none)");
        goto out;
    }
    if (a->local_admin) {
        rc = nr_err_set(err, NR_EFORBIDDEN, "as",
                        "the local administrator cannot raise a case; act with --as USER");
        goto out;
    }
    if (!nr_trigger_allowed(trig, a)) {
        char roles[256];
        nr_roles_text(trig->roles, roles, sizeof(roles));
        rc = nr_err_set(err, NR_EFORBIDDEN, "trigger", "role %s may not raise %s (allowed: %s)",
                        nr_role_name(a->role), trig->id, roles);
        goto out;
    }
    if (sector && !nr_sector_word(sector)) {
        rc = nr_err_set(err, NR_EINVAL, "sector",
                        "sector %.80s is not a lower-case word of a-z and _ (at most 63 bytes)",
                        sector);
        goto out;
    }
    /* R8: a sector department raises the reviews of its own sector only. */
    if (a->role == NR_ROLE_SECTOR_DEPT && !nr_str_eq(sector, a->sector)) {
        rc = nr_err_set(err, NR_EFORBIDDEN, "sector",
                        "a sector department raises cases of its own sector %s, not of %s",
                        a->sector, sector ? sector : "(none)");
        goto out;
    }
    /* R1: such a case comes with its procurement declaration (and its CII check). */
    if (trig->declaration && !sp->declared) {
        rc = nr_err_set(err, NR_EFORBIDDEN, "trigger",
                        "an operator raises a case by declaring the procurement "
                        "(netreview declaration file)");
        goto out;
    }
    if (sp->product == NULL || *sp->product == '\0') {
        rc = nr_err_set(err, NR_EINVAL, "product", "a case needs the product under review");
        goto out;
    }
    rc = nr_product_find(rv, sp->product, &product, err);
    if (rc)
        goto out;
    rc = nr_range_parse(&range, versions, err);
    if (rc)
        goto out;
    if (sp->title && strlen(sp->title) > 512) {
        rc = nr_err_set(err, NR_ETOOBIG, "title", "title is longer than 512 characters");
        goto out;
    }
    if (sp->detail && strlen(sp->detail) > NR_TEXT_MAX) {
        rc = nr_err_set(err, NR_ETOOBIG, "detail", "trigger detail is longer than 64 KiB");
        goto out;
    }
    /* R2: a provider applies only for its own products. */
    if (a->role == NR_ROLE_PROVIDER) {
        int64_t prov = 0;
        nr_store_query_int(rv->st, NULL, &prov, "SELECT provider_id FROM products WHERE id = ?",
                           "i", product);
        if (prov != a->org_id) {
            rc = nr_err_set(err, NR_EFORBIDDEN, "product",
                            "a provider may apply only for its own products");
            goto out;
        }
    }
    if (a->role == NR_ROLE_OPERATOR)
        operator_org = a->org_id;
    if (sp->re_review_of) {
        struct nr_case prev;
        const struct nr_phase *ph;
        rc = nr_case_get(rv, a, sp->re_review_of, &ar, &prev, err);
        if (rc)
            goto out;
        ph = nr_procedure_phase(&rv->proc, prev.phase);
        if (ph == NULL || !ph->decision_valid) {
            rc = nr_err_set(err, NR_EPHASE, "re_review_of",
                            "case %s is in phase %s; only a decided case can be reviewed again",
                            prev.ref, prev.phase);
            goto out;
        }
        if (prev.product_id != product) {
            rc = nr_err_set(err, NR_EINVAL, "product", "a re-review covers the product of case %s",
                            prev.ref);
            goto out;
        }
    } else if (strcmp(trig->id, "re_review") == 0) {
        rc = nr_err_set(err, NR_EINVAL, "re_review_of",
                        "a re-review names the decided case it reviews again");
        goto out;
    }
    rc = nr_case_make_ref(rv, ref, sizeof(ref), err);
    if (rc)
        goto out;
    nr_store_query_text(rv->st, NULL, &pname, "SELECT name FROM products WHERE id = ?", "i",
                        product);
    title = sp->title && *sp->title ? nr_strdup(sp->title)
                                    : nr_asprintf("%s %s", pname ? pname : "product", versions);
    nr_time_fmt(nr_time_now(), now);
    nr_date_fmt(nr_date_from_time(nr_time_now()), today);
    {
        struct nr_buf norm;
        nr_buf_init(&norm, 4096);
        nr_range_normalize(&range, &norm);
        rc = nr_store_prepare_bind(
            rv->st, err, &s,
            "INSERT INTO cases (ref, title, procedure, product_id, versions, trigger, "
            "trigger_detail, raised_by_org, raised_by_user, sector, operator_id, phase, "
            "phase_entered_at, phase_entered_on, re_review_of, opened_at, updated_at) VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            "tttitttiitntttntt", ref, title, rv->proc.id, product, norm.p ? norm.p : versions,
            trig->id, sp->detail, a->org_id, a->user_id, sector, trig->phase, now, today, now, now);
        nr_buf_release(&norm);
    }
    if (rc)
        goto out;
    if (operator_org)
        nr_stmt_bind_int(s, 11, operator_org);
    if (sp->re_review_of)
        nr_stmt_bind_int(s, 15, sp->re_review_of);
    rc = nr_stmt_step(s, err);
    if (rc == NR_STORE_ROW) {
        case_id = nr_stmt_int(s, 0);
        rc = 0;
    } else if (rc == NR_STORE_DONE) {
        rc = nr_err_set(err, NR_EDB, NULL, "case insert returned no id");
    }
    nr_stmt_free(s);
    s = NULL;
    if (rc)
        goto out;
    rc = nr_case_enter_phase(rv, a, case_id, trig->phase, trig->id, sp->detail, err);
    if (rc == 0 && strcmp(trig->id, "complaints") == 0)
        rc = nr_case_group_complaints(rv, case_id, product, sp->complaints, err);
    if (rc == 0 && sp->re_review_of)
        rc = nr_store_exec(rv->st, err, "UPDATE cases SET watch_reason = ? WHERE id = ?", "ti",
                           "re-review opened", sp->re_review_of);
    if (rc == 0) {
        char *detail = nr_asprintf("trigger=%s product=%lld versions=%s phase=%s", trig->id,
                                   (long long)product, versions, trig->phase);
        char obj[32];
        snprintf(obj, sizeof(obj), "case:%lld", (long long)case_id);
        rc = nr_audit_append(rv, a, "case.open", case_id, obj, detail, err);
        nr_free(detail);
    }
out:
    if (rc)
        nr_store_rollback(rv->st);
    else
        rc = nr_store_commit(rv->st, err);
out_notxn:
    nr_range_release(&range);
    if (rc == 0 && id)
        *id = case_id;
    nr_free(title);
    nr_free(pname);
    nr_stmt_free(s);
    nr_arena_release(&ar);
    return rc;
}

/* ---- continuous monitoring (R14) ---- */

int nr__case_flag(struct nr_review *rv, const struct nr_actor *a, int64_t case_id,
                  const char *reason, struct nr_err *err)
{
    char obj[32], now[NR_TIME_STR];
    int rc;

    /* watch_at dates the flag so that the gate feed can tell procurement systems (R9). */
    nr_time_fmt(nr_time_now(), now);
    snprintf(obj, sizeof(obj), "case:%lld", (long long)case_id);
    rc = nr_store_exec(
        rv->st, err, "UPDATE cases SET watch_reason = ?, watch_at = ?, updated_at = ? WHERE id = ?",
        "ttti", reason, now, now, case_id);
    if (rc == 0)
        rc = nr_audit_append(rv, a, "case.watch", case_id, obj, reason, err);
    return rc;
}

int nr__case_watch(struct nr_review *rv, const struct nr_actor *a, int64_t product_id,
                   const char *version, bool uncovered_only, const char *reason, int *flagged,
                   struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    int64_t ids[256];
    int n = 0, rc;

    if (flagged)
        *flagged = 0;
    /* Cases with a decision in force: the phases where the procedure keeps decisions valid. */
    rc = nr_store_prepare_bind(rv->st, err, &s,
                               "SELECT c.id, c.phase, d.versions FROM cases c JOIN decisions d ON "
                               "d.case_id = c.id AND d.status = 'active' WHERE c.product_id = ? "
                               "ORDER BY c.id",
                               "i", product_id);
    if (rc)
        return rc;
    while (n < (int)NR_ARRAY_LEN(ids) && (rc = nr_stmt_step(s, err)) == NR_STORE_ROW) {
        const struct nr_phase *ph = nr_procedure_phase(&rv->proc, nr_stmt_text(s, 1));
        bool covers = true;
        if (ph == NULL || !ph->decision_valid)
            continue;
        if (version) {
            struct nr_range r;
            nr_range_init(&r);
            covers =
                nr_range_parse(&r, nr_stmt_text(s, 2), NULL) == 0 && nr_range_match(&r, version);
            nr_range_release(&r);
        }
        if (version && covers == uncovered_only)
            continue;
        ids[n++] = nr_stmt_int(s, 0);
    }
    nr_stmt_free(s);
    if (rc < 0)
        return rc;
    for (int i = 0; i < n; i++) {
        rc = nr__case_flag(rv, a, ids[i], reason, err);
        if (rc)
            return rc;
    }
    if (flagged)
        *flagged = n;
    return 0;
}

/* ---- transitions ---- */

/* Evaluates one condition of the procedure; *why gets a sentence when it does not hold. */
static int nr_cond_holds(struct nr_review *rv, const struct nr_case *c, int cond, bool *holds,
                         char *why, size_t n, struct nr_err *err)
{
    int64_t k = 0, m = 0;
    int members = 0, scorers = 0, rc = 0;

    *holds = false;
    switch (cond) {
    case NR_COND_COMMITMENT_SIGNED:
        /* R3: the provider's signed security commitment is part of every review. */
        k = nr_count(rv, "SELECT COUNT(*) FROM commitments WHERE case_id = ?", c->id, 0);
        *holds = k > 0;
        snprintf(why, n, "the provider has not signed its security commitment");
        break;
    case NR_COND_TASK_ASSIGNED:
        k = nr_count(rv, "SELECT COUNT(*) FROM tasks WHERE case_id = ?", c->id, 0);
        *holds = k > 0;
        snprintf(why, n, "no evaluation task has been assigned");
        break;
    case NR_COND_ALL_TASKS_REPORTED:
        /* R6: no expert review before a signed evaluation report. */
        k = nr_count(rv, "SELECT COUNT(*) FROM tasks WHERE case_id = ?", c->id, 0);
        m = nr_count(rv,
                     "SELECT COUNT(*) FROM tasks WHERE case_id = ? AND report_signature IS NOT "
                     "NULL",
                     c->id, 0);
        *holds = k > 0 && m == k;
        snprintf(why, n, "%lld of %lld evaluation tasks have a signed report", (long long)m,
                 (long long)k);
        break;
    case NR_COND_PANEL_COMPLETE:
        rc = nr_panel_status(rv, c->id, &members, &scorers, err);
        *holds = rc == 0 && members >= rv->proc.panel_size;
        snprintf(why, n, "the panel has %d of %d members", members, rv->proc.panel_size);
        break;
    case NR_COND_ALL_SCORED:
        /* R6: no decision before every panel member has scored. */
        rc = nr_panel_status(rv, c->id, &members, &scorers, err);
        *holds = rc == 0 && members > 0 && scorers == members;
        snprintf(why, n, "%d of %d panel members have scored every dimension", scorers, members);
        break;
    case NR_COND_DECISION_RECORDED:
        k = nr_count(rv, "SELECT COUNT(*) FROM decisions WHERE case_id = ? AND status = 'active' ",
                     c->id, 0);
        *holds = k > 0;
        snprintf(why, n, "no signed decision is recorded");
        break;
    case NR_COND_NO_PENDING_MATERIALS:
        k = nr_count(rv,
                     "SELECT COUNT(*) FROM material_requests WHERE case_id = ? AND received_at "
                     "IS NULL",
                     c->id, 0);
        *holds = k == 0;
        snprintf(why, n, "%lld requested materials have not arrived", (long long)k);
        break;
    default:
        snprintf(why, n, "unknown condition");
        break;
    }
    if (rc == NR_ENOTFOUND) {
        *holds = false;
        rc = 0;
    }
    return rc;
}

/* All conditions of t; on the first that fails, NR_EPRECOND naming it. */
static int nr_transition_conditions(struct nr_review *rv, const struct nr_case *c,
                                    const struct nr_transition *t, struct nr_err *err)
{
    char why[256];
    for (int cond = 0; cond < NR_COND__COUNT; cond++) {
        bool holds;
        int rc;
        if (!(t->conds & NR_COND_BIT(cond)))
            continue;
        rc = nr_cond_holds(rv, c, cond, &holds, why, sizeof(why), err);
        if (rc)
            return rc;
        if (!holds)
            return nr_err_set(err, NR_EPRECOND, nr_cond_name(cond), "case %s cannot %s: %s (%s)",
                              c->ref, t->id, why, nr_cond_name(cond));
    }
    return 0;
}

static int nr_transition_allowed(struct nr_review *rv, const struct nr_actor *a,
                                 const struct nr_case *c, const struct nr_transition *t,
                                 struct nr_err *err)
{
    char text[512];

    if (a->local_admin)
        return nr_err_set(err, NR_EFORBIDDEN, "as",
                          "the local administrator takes no part in a case; act with --as USER");
    /* The role first, as for actions: a role that may never make it hears so in any phase. */
    if (!(t->roles & NR_ROLE_BIT(a->role))) {
        nr_roles_text(t->roles, text, sizeof(text));
        return nr_err_set(err, NR_EFORBIDDEN, "role", "role %s may not %s (allowed: %s)",
                          nr_role_name(a->role), t->id, text);
    }
    if (!nr_transition_from(t, c->phase)) {
        nr_phases_text(t->from, t->nfrom, text, sizeof(text));
        return nr_err_set(err, NR_EPHASE, "phase", "case %s is in phase %s; %s needs phase %s",
                          c->ref, c->phase, t->id, text);
    }
    if ((a->role == NR_ROLE_SECTOR_DEPT || a->role == NR_ROLE_PROTECTION_DEPT) &&
        !nr_str_eq(a->sector, c->sector))
        return nr_err_set(err, NR_EFORBIDDEN, "sector", "case %s belongs to sector %s, not to %s",
                          c->ref, c->sector ? c->sector : "(none)", a->sector);
    (void)rv;
    return 0;
}

int nr_case_transition(struct nr_review *rv, const struct nr_actor *a, int64_t case_id,
                       const char *transition, const char *reason,
                       const struct nr_decision_spec *dec, struct nr_err *err)
{
    const struct nr_transition *t;
    const struct nr_phase *from, *to;
    struct nr_arena ar;
    struct nr_case c;
    int64_t decision_id = 0;
    int rc;

    nr_arena_init(&ar);
    rc = nr_store_begin(rv->st, err);
    if (rc) {
        nr_arena_release(&ar);
        return rc;
    }
    rc = nr_case_get(rv, a, case_id, &ar, &c, err);
    if (rc)
        goto out;
    t = transition ? nr_procedure_transition(&rv->proc, transition) : NULL;
    if (t == NULL) {
        rc = nr_err_set(err, NR_EINVAL, "transition", "procedure %s has no transition %s",
                        rv->proc.id, transition ? transition : "(none)");
        goto out;
    }
    rc = nr_transition_allowed(rv, a, &c, t, err);
    if (rc)
        goto out;
    if ((t->needs & NR_NEEDS_REASON) && nr_blank(reason)) {
        rc = nr_err_set(err, NR_EINVAL, "reason", "%s needs a written reason (--reason)", t->id);
        goto out;
    }
    if (reason && strlen(reason) > NR_TEXT_MAX) {
        rc = nr_err_set(err, NR_ETOOBIG, "reason", "reason is longer than 64 KiB");
        goto out;
    }
    if ((t->needs & NR_NEEDS_DECISION) && dec == NULL) {
        rc = nr_err_set(err, NR_EINVAL, "outcome", "%s needs a decision (--outcome ...)", t->id);
        goto out;
    }
    rc = nr_transition_conditions(rv, &c, t, err);
    if (rc)
        goto out;
    from = nr_procedure_phase(&rv->proc, c.phase);
    to = nr_procedure_phase(&rv->proc, t->to);

    /* Effects that follow from what the transition needs and which phases it joins. */
    if (t->needs & NR_NEEDS_DECISION) {
        /* R7: the decision is validated, compared with the recommendation, signed. */
        rc = nr__decision_record(rv, a, &c, dec, &decision_id, err);
        if (rc)
            goto out;
        /* R14: a re-review's decision replaces the one it reviewed. */
        if (c.re_review_of)
            rc = nr_store_exec(rv->st, err,
                               "UPDATE decisions SET status = 'superseded' WHERE case_id = ? AND "
                               "status = 'active'",
                               "i", c.re_review_of);
    } else if (from && to && from->decision_valid && to->decision_valid) {
        rc = nr__decision_publish(rv, a, &c, err);
    } else if (from && to && from->decision_valid && !to->decision_valid) {
        rc = nr__decision_revoke(rv, a, &c, reason, err);
    }
    if (rc)
        goto out;
    /* Only a transition the protection department makes is a determination: a case withdrawn
     * in scoping was never scoped. */
    if (strcmp(c.phase, "scoping") == 0 && (t->roles & NR_ROLE_BIT(NR_ROLE_PROTECTION_DEPT))) {
        /* R1: the protection department's determination and its reasons stay on the case. */
        rc = nr_store_exec(
            rv->st, err, "UPDATE cases SET scoping_result = ?, scoping_reason = ? WHERE id = ?",
            "tti", to && to->terminal ? "not_required" : "required", reason, case_id);
        if (rc)
            goto out;
    }
    if (to && to->terminal) {
        rc = nr_store_exec(rv->st, err, "UPDATE cases SET closed_reason = ? WHERE id = ?", "ti",
                           reason ? reason : t->id, case_id);
        if (rc)
            goto out;
    }
    rc = nr_case_enter_phase(rv, a, case_id, t->to, t->id, reason, err);
    if (rc == 0) {
        char obj[32];
        char *detail = nr_asprintf("%s -> %s by %s%s%s", c.phase, t->to, t->id,
                                   reason ? "; reason: " : "", reason ? reason : "");
        snprintf(obj, sizeof(obj), "case:%lld", (long long)case_id);
        rc = nr_audit_append(rv, a, "case.transition", case_id, obj, detail, err);
        nr_free(detail);
    }
out:
    if (rc)
        nr_store_rollback(rv->st);
    else
        rc = nr_store_commit(rv->st, err);
    nr_arena_release(&ar);
    return rc;
}

int nr_case_options(struct nr_review *rv, const struct nr_actor *a, int64_t case_id, json_t **out,
                    struct nr_err *err)
{
    struct nr_arena ar;
    struct nr_case c;
    json_t *list;
    int rc;

    *out = NULL;
    nr_arena_init(&ar);
    rc = nr_case_get(rv, a, case_id, &ar, &c, err);
    if (rc)
        goto out;
    list = json_array();
    for (size_t i = 0; i < rv->proc.ntransitions; i++) {
        const struct nr_transition *t = &rv->proc.transitions[i];
        json_t *o, *unmet;
        struct nr_err e;
        char why[256];
        if (!nr_transition_from(t, c.phase))
            continue;
        nr_err_init(&e);
        o = json_object();
        json_object_set_new(o, "transition", json_string(t->id));
        json_object_set_new(o, "title", json_string(t->title ? t->title : t->id));
        json_object_set_new(o, "to", json_string(t->to));
        json_object_set_new(o, "allowed",
                            json_boolean(nr_transition_allowed(rv, a, &c, t, &e) == 0));
        json_object_set_new(o, "needs_reason", json_boolean(t->needs & NR_NEEDS_REASON));
        json_object_set_new(o, "needs_decision", json_boolean(t->needs & NR_NEEDS_DECISION));
        unmet = json_array();
        for (int cond = 0; cond < NR_COND__COUNT; cond++) {
            bool holds = false;
            if (!(t->conds & NR_COND_BIT(cond)))
                continue;
            if (nr_cond_holds(rv, &c, cond, &holds, why, sizeof(why), NULL) == 0 && !holds) {
                json_t *u = json_object();
                json_object_set_new(u, "condition", json_string(nr_cond_name(cond)));
                json_object_set_new(u, "why", json_string(why));
                json_array_append_new(unmet, u);
            }
        }
        json_object_set_new(o, "unmet", unmet);
        json_array_append_new(list, o);
    }
    *out = list;
out:
    nr_arena_release(&ar);
    return rc;
}

/* ---- views ---- */

static json_t *nr_jstr(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *nr_jid(int64_t v)
{
    return v ? json_integer(v) : json_null();
}

static json_t *nr_case_json(struct nr_review *rv, const struct nr_case *c)
{
    json_t *o = json_object();
    char today[NR_DATE_STR];
    const struct nr_phase *ph = nr_procedure_phase(&rv->proc, c->phase);
    bool overdue = false;

    nr_date_fmt(nr_date_from_time(nr_time_now()), today);
    if (c->phase_due && !c->paused_on && ph && !ph->terminal && strcmp(c->phase_due, today) < 0)
        overdue = true;
    json_object_set_new(o, "id", json_integer(c->id));
    json_object_set_new(o, "ref", nr_jstr(c->ref));
    json_object_set_new(o, "title", nr_jstr(c->title));
    json_object_set_new(o, "procedure", nr_jstr(c->procedure));
    json_object_set_new(o, "trigger", nr_jstr(c->trigger));
    json_object_set_new(o, "trigger_detail", nr_jstr(c->trigger_detail));
    json_object_set_new(o, "product_id", nr_jid(c->product_id));
    json_object_set_new(o, "provider_id", nr_jid(c->provider_id));
    json_object_set_new(o, "versions", nr_jstr(c->versions));
    json_object_set_new(o, "sector", nr_jstr(c->sector));
    json_object_set_new(o, "operator_id", nr_jid(c->operator_id));
    json_object_set_new(o, "raised_by_org", nr_jid(c->raised_by_org));
    json_object_set_new(o, "raised_by_user", nr_jid(c->raised_by_user));
    json_object_set_new(o, "re_review_of", nr_jid(c->re_review_of));
    json_object_set_new(o, "phase", nr_jstr(c->phase));
    json_object_set_new(o, "phase_entered_at", nr_jstr(c->phase_entered_at));
    json_object_set_new(o, "phase_due", nr_jstr(c->phase_due));
    json_object_set_new(o, "clock",
                        json_string(ph && ph->terminal            ? "stopped"
                                    : c->paused_on                ? "paused"
                                    : ph && ph->deadline_days > 0 ? "running"
                                                                  : "none"));
    json_object_set_new(o, "paused_on", nr_jstr(c->paused_on));
    json_object_set_new(o, "overdue", json_boolean(overdue));
    json_object_set_new(o, "closed", json_boolean(ph && ph->terminal));
    json_object_set_new(o, "scoping_result", nr_jstr(c->scoping_result));
    json_object_set_new(o, "scoping_reason", nr_jstr(c->scoping_reason));
    json_object_set_new(o, "closed_reason", nr_jstr(c->closed_reason));
    json_object_set_new(o, "watch_reason", nr_jstr(c->watch_reason));
    json_object_set_new(o, "watch_at", nr_jstr(c->watch_at));
    json_object_set_new(o, "opened_at", nr_jstr(c->opened_at));
    json_object_set_new(o, "updated_at", nr_jstr(c->updated_at));
    return o;
}

/* Rows of a query on one case id as objects keyed by column name (types: store.h). */
static int nr_rows_json(struct nr_review *rv, const char *sql, const char *types, int64_t id,
                        json_t **out, struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    json_t *rows;
    int rc = nr_store_prepare_bind(rv->st, err, &s, sql, "i", id);
    if (rc)
        return rc;
    rows = json_array();
    rc = nr_stmt_rows_json(s, types, rows, err);
    nr_stmt_free(s);
    if (rc) {
        json_decref(rows);
        return rc;
    }
    *out = rows;
    return 0;
}

/* Adds key: the result of a per-case list, or null when the actor may not see that part. */
static void nr_case_part(json_t *o, const char *key, int rc, json_t *v)
{
    json_object_set_new(o, key, rc == 0 && v ? v : json_null());
}

int nr_case_show(struct nr_review *rv, const struct nr_actor *a, int64_t id, json_t **out,
                 struct nr_err *err)
{
    struct nr_arena ar;
    struct nr_case c;
    json_t *o = NULL, *v = NULL;
    int rc;

    *out = NULL;
    nr_arena_init(&ar);
    rc = nr_case_get(rv, a, id, &ar, &c, err);
    if (rc)
        goto out;
    o = nr_case_json(rv, &c);
    {
        char *pname = NULL;
        nr_store_query_text(rv->st, NULL, &pname,
                            "SELECT p.name || ' (' || o.name || ')' FROM products p JOIN orgs o "
                            "ON o.id = p.provider_id WHERE p.id = ?",
                            "i", c.product_id);
        json_object_set_new(o, "product", nr_jstr(pname));
        nr_free(pname);
    }
    rc = nr_rows_json(rv,
                      "SELECT phase, transition, reason, entered_at, due, left_at FROM case_phases "
                      "WHERE case_id = ? ORDER BY id",
                      "tttttt", id, &v, err);
    if (rc)
        goto out;
    json_object_set_new(o, "phases", v);
    rc = nr_rows_json(rv,
                      "SELECT id, phase, what, requested_at, received_at, paused_days FROM "
                      "material_requests WHERE case_id = ? ORDER BY id",
                      "itttti", id, &v, err);
    if (rc)
        goto out;
    json_object_set_new(o, "material_requests", v);
    rc = nr_rows_json(rv,
                      "SELECT phase, days, reason, at, old_due, new_due FROM extensions WHERE "
                      "case_id = ? ORDER BY id",
                      "titttt", id, &v, err);
    if (rc)
        goto out;
    json_object_set_new(o, "extensions", v);
    rc = nr_rows_json(rv,
                      "SELECT c.id, u.login AS signed_by, c.text_hash, c.key_id, c.signed_at FROM "
                      "commitments c JOIN users u ON u.id = c.signed_by WHERE c.case_id = ?",
                      "itttt", id, &v, err);
    if (rc)
        goto out;
    json_object_set_new(o, "commitment",
                        json_array_size(v) ? json_incref(json_array_get(v, 0)) : json_null());
    json_decref(v);
    rc = nr_rows_json(rv,
                      "SELECT id, text, received_at FROM complaints WHERE case_id = ? ORDER BY id",
                      "itt", id, &v, err);
    if (rc)
        goto out;
    json_object_set_new(o, "complaints", v);
    /* The parts each module guards itself; what the actor may not see stays null. */
    int prc;
    v = NULL;
    prc = nr_task_list(rv, a, id, &v, NULL);
    nr_case_part(o, "tasks", prc, v);
    v = NULL;
    prc = nr_evidence_list(rv, a, id, &v, NULL);
    nr_case_part(o, "evidence", prc, v);
    v = NULL;
    prc = nr_finding_list(rv, a, id, &v, NULL);
    nr_case_part(o, "findings", prc, v);
    v = NULL;
    prc = nr_panel_show(rv, a, id, &v, NULL);
    nr_case_part(o, "panel", prc, v);
    {
        int64_t did = 0;
        v = NULL;
        if (nr_store_query_int(rv->st, NULL, &did,
                               "SELECT id FROM decisions WHERE case_id = ? ORDER BY id DESC "
                               "LIMIT 1",
                               "i", id) == 0) {
            prc = nr_decision_show(rv, a, did, &v, NULL);
            nr_case_part(o, "decision", prc, v);
        } else {
            json_object_set_new(o, "decision", json_null());
        }
    }
    v = NULL;
    prc = nr_case_options(rv, a, id, &v, NULL);
    nr_case_part(o, "options", prc, v);
    rc = 0;
    *out = o;
    o = NULL;
out:
    json_decref(o);
    nr_arena_release(&ar);
    return rc;
}

int nr_case_list(struct nr_review *rv, const struct nr_actor *a, const struct nr_case_filter *f,
                 json_t **out, struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    struct nr_arena ar;
    json_t *rows;
    int rc, skipped = 0, limit = f && f->limit > 0 && f->limit <= 1000 ? f->limit : 100;
    int offset = f && f->offset > 0 ? f->offset : 0;

    *out = NULL;
    rc = nr_store_prepare_bind(rv->st, err, &s,
                               "SELECT " NR_CASE_COLUMNS " FROM cases c LEFT JOIN products p ON "
                               "p.id = c.product_id WHERE (? IS NULL OR c.phase = ?) AND (? IS "
                               "NULL OR c.sector = ?) AND (? IS NULL OR c.trigger = ?) AND (? = 0 "
                               "OR c.product_id = ?) ORDER BY c.id",
                               "ttttttii", f ? f->phase : NULL, f ? f->phase : NULL,
                               f ? f->sector : NULL, f ? f->sector : NULL, f ? f->trigger : NULL,
                               f ? f->trigger : NULL, f ? f->product_id : 0, f ? f->product_id : 0);
    if (rc)
        return rc;
    nr_arena_init(&ar);
    rows = json_array();
    while ((rc = nr_stmt_step(s, err)) == NR_STORE_ROW) {
        struct nr_case c;
        json_t *o;
        nr_case_from_row(&ar, s, &c);
        /* R11: lists hold only what the actor may see. */
        if (!nr_case_visible(rv, a, &c))
            continue;
        o = nr_case_json(rv, &c);
        if (f && f->overdue_only && !json_is_true(json_object_get(o, "overdue"))) {
            json_decref(o);
            continue;
        }
        if (f && f->open_only && json_is_true(json_object_get(o, "closed"))) {
            json_decref(o);
            continue;
        }
        if (skipped < offset) {
            skipped++;
            json_decref(o);
            continue;
        }
        if ((int)json_array_size(rows) >= limit) {
            json_decref(o);
            break;
        }
        json_array_append_new(rows, o);
    }
    nr_stmt_free(s);
    nr_arena_release(&ar);
    if (rc < 0) {
        json_decref(rows);
        return rc;
    }
    *out = rows;
    return 0;
}
