/*
 * test_case.c - unit tests of src/model/case.c (interface review.h): the procedure's transitions
 * for every role in every phase, in both shipped procedures (cn-2017 and vendor-review); the
 * conditions that block them; reasons and decisions they need; the scoping result of R1; who may
 * see a case (R8, R11); and opening cases from each trigger (R2): its roles, grouping complaints,
 * re-reviews (R14).
 *
 * The expectations come from tables written here from the files in procedures/, checked first
 * against the loaded procedure, so that the tests say what the procedure file says and notice when
 * the two part. Cases are driven into each phase with the real operations (declaration,
 * transitions, commitment, tasks, reports, panel, scores); only where that is impossible is the
 * phase set by SQL, and the test says so.
 */
#include "fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "netreview/banned.h"

static struct nr_err E;

#define CHECK(expect, call)                                                                        \
    do {                                                                                           \
        int rc_;                                                                                   \
        nr_err_init(&E);                                                                           \
        rc_ = (call);                                                                              \
        if (rc_ != (expect))                                                                       \
            fail_msg("%s:%d: %s returned %d %s (%s), expected %s", __FILE__, __LINE__, #call, rc_, \
                     nr_err_name(rc_), E.msg, nr_err_name(expect));                                \
    } while (0)

#define SETUP_NOW   "2026-03-02T09:00:00Z" /* a Monday */
#define REFUSAL_NOW "2026-03-02T15:30:00Z" /* same day: a refused write would show in the times */
#define TODAY       "2026-03-02"

/* ---- the procedures, as their files say ---- */

struct want_transition {
    const char *id, *from, *to, *roles, *conds; /* comma lists */
    bool reason, decision;
};

struct want_trigger {
    const char *id, *roles, *phase;
    bool declaration; /* raised only through nr_declaration_file (R1) */
};

struct want {
    const char *procedure;
    const char *phases; /* every phase, comma list */
    const struct want_transition *transitions;
    size_t ntransitions;
    const struct want_trigger *triggers;
    size_t ntriggers;
};

static const struct want_transition cn_transitions[] = {
    {"scope_in", "scoping", "acceptance", "protection_dept", "", true, false},
    {"scope_out", "scoping", "not_required", "protection_dept", "", true, false},
    {"accept", "acceptance", "evaluation", "office,sector_dept", "", false, false},
    {"refuse", "acceptance", "refused", "office,sector_dept", "", true, false},
    {"submit_to_experts", "evaluation", "expert_review", "office,sector_dept",
     "commitment_signed,task_assigned,all_tasks_reported,no_pending_materials", false, false},
    {"open_special_review", "expert_review", "special_review", "office", "", true, false},
    {"decide", "expert_review,special_review", "decided", "office,sector_dept",
     "panel_complete,all_scored", false, true},
    {"publish", "decided", "published", "office", "decision_recorded", false, false},
    {"withdraw", "scoping,acceptance,evaluation,expert_review,special_review", "withdrawn",
     "office,committee", "", true, false},
    {"revoke", "decided,published", "withdrawn", "office,committee", "", true, false},
    {"supersede", "decided,published", "closed", "office,committee", "", true, false},
};

static const struct want_trigger cn_triggers[] = {
    {"state_requirement", "state_dept,sector_dept,office,committee", "acceptance", false},
    {"association_recommendation", "association,office", "acceptance", false},
    {"complaints", "office", "acceptance", false},
    {"provider_application", "provider", "acceptance", false},
    {"procurement_declaration", "operator", "scoping", true},
    {"national_security_procurement", "operator", "acceptance", true},
    {"re_review", "office,committee", "acceptance", false},
};

static const struct want_transition vr_transitions[] = {
    {"accept", "acceptance", "evaluation", "office", "", false, false},
    {"refuse", "acceptance", "refused", "office", "", true, false},
    {"submit_to_experts", "evaluation", "expert_review", "office",
     "commitment_signed,task_assigned,all_tasks_reported,no_pending_materials", false, false},
    {"decide", "expert_review", "decided", "office", "panel_complete,all_scored", false, true},
    {"publish", "decided", "published", "office", "decision_recorded", false, false},
    {"withdraw", "acceptance,evaluation,expert_review", "withdrawn", "office,operator,committee",
     "", true, false},
    {"revoke", "decided,published", "withdrawn", "office,committee", "", true, false},
    {"supersede", "decided,published", "closed", "office,committee", "", true, false},
};

static const struct want_trigger vr_triggers[] = {
    {"vendor_request", "operator,office", "acceptance", false},
    {"re_review", "office,committee", "acceptance", false},
};

static const struct want wants[] = {
    {"cn-2017",
     "scoping,acceptance,evaluation,expert_review,special_review,decided,published,not_required,"
     "refused,withdrawn,closed",
     cn_transitions, NR_ARRAY_LEN(cn_transitions), cn_triggers, NR_ARRAY_LEN(cn_triggers)},
    {"vendor-review",
     "acceptance,evaluation,expert_review,decided,published,refused,withdrawn,closed",
     vr_transitions, NR_ARRAY_LEN(vr_transitions), vr_triggers, NR_ARRAY_LEN(vr_triggers)},
};

/* The i-th item of a comma list into out; false past the end. */
static bool item(const char *list, size_t i, char *out, size_t n)
{
    const char *p = list;
    for (; i > 0 && p; i--) {
        p = strchr(p, ',');
        if (p)
            p++;
    }
    if (p == NULL || *p == '\0')
        return false;
    {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        snprintf(out, n, "%.*s", (int)len, p);
    }
    return true;
}

static bool in_list(const char *list, const char *s)
{
    char it[64];
    for (size_t i = 0; item(list, i, it, sizeof(it)); i++)
        if (strcmp(it, s) == 0)
            return true;
    return false;
}

static size_t list_len(const char *list)
{
    char it[64];
    size_t i = 0;
    while (item(list, i, it, sizeof(it)))
        i++;
    return i;
}

static nr_role_set roles_of(const char *list)
{
    nr_role_set set = 0;
    char it[64];
    for (size_t i = 0; item(list, i, it, sizeof(it)); i++) {
        int r = nr_role_parse(it);
        assert_true(r >= 0);
        set |= NR_ROLE_BIT(r);
    }
    return set;
}

static nr_cond_set conds_of(const char *list)
{
    nr_cond_set set = 0;
    char it[64];
    for (size_t i = 0; item(list, i, it, sizeof(it)); i++) {
        int c = nr_cond_parse(it);
        assert_true(c >= 0);
        set |= NR_COND_BIT(c);
    }
    return set;
}

/* ---- the world: one organisation and one user per role, and outsiders ---- */

enum raiser { BY_OPERATOR, BY_STATE, BY_ASSOC, BY_OFFICE };

struct world {
    struct nr_fixture fx;
    struct nr_review *rv;
    const struct want *want;
    bool cn;
    /* One per role, and the local administrator and the public. */
    struct nr_actor committee, office, expert, lab, prot, sect, oper, prov, assoc, state, admin,
        public_;
    /* Outsiders who never see the cases of the tables: a department of another sector, another
     * provider, an expert not on the panel, an institution without a task. */
    struct nr_actor sect2, prot2, prov2, e6, lab2;
    struct nr_actor experts[7]; /* e1 .. e6; e1 is `expert` */
    int64_t bank_org, product, other_product;
};

struct who {
    const char *name;
    struct nr_actor *a;
};

/* A case of a test, with what decides who may see it. */
struct tcase {
    int64_t id;
    enum raiser raiser;
    bool task, panel;
    char sector[16];
};

static void org(struct world *w, const char *name, const char *kind, const char *sector, bool cii)
{
    struct nr_org_spec o = {.name = name, .kind = kind, .sector = sector, .cii = cii};
    int64_t id = 0;
    CHECK(0, nr_org_add(w->rv, &w->fx.admin, &o, &id, &E));
    if (strcmp(name, "Bank A") == 0)
        w->bank_org = id;
}

static void user(struct world *w, const char *login, const char *orgname, const char *role,
                 struct nr_actor *a)
{
    struct nr_user_spec u = {
        .login = login, .name = login, .org = orgname, .role = role, .password = "correct-horse-1"};
    CHECK(0, nr_user_add(w->rv, &w->fx.admin, &u, NULL, &E));
    CHECK(0, nr_actor_load(w->rv, login, a, &E));
}

static struct world *world_open(const char *procedure)
{
    struct world *w = calloc(1, sizeof(*w));
    struct nr_product_spec p1 = {.name = "Router X", .provider = "Huaxin Networks"};
    struct nr_product_spec p2 = {.name = "Switch Y", .provider = "Pacific Routers"};
    struct nr_institution_spec i1 = {
        .org = "Lab One", .methods = "lab_testing", .from = "2025-01-01", .ref = "D-1"};
    struct nr_institution_spec i2 = {
        .org = "Lab Two", .methods = "lab_testing", .from = "2025-01-01", .ref = "D-2"};
    char login[8];

    assert_non_null(w);
    for (size_t i = 0; i < NR_ARRAY_LEN(wants); i++)
        if (strcmp(wants[i].procedure, procedure) == 0)
            w->want = &wants[i];
    assert_non_null(w->want);
    w->cn = strcmp(procedure, "cn-2017") == 0;
    setenv("NETREVIEW_NOW", SETUP_NOW, 1);
    nr_fixture_open(&w->fx, procedure);
    w->rv = &w->fx.rv;
    w->admin = w->fx.admin;
    nr_actor_public(&w->public_);

    org(w, "Review Committee", "committee", NULL, false);
    org(w, "Review Office", "office", NULL, false);
    org(w, "Experts Committee", "experts_committee", NULL, false);
    org(w, "Lab One", "institution", NULL, false);
    org(w, "Lab Two", "institution", NULL, false);
    org(w, "Finance Protection", "protection_dept", "finance", false);
    org(w, "Telecom Protection", "protection_dept", "telecom", false);
    org(w, "Finance Regulator", "sector_dept", "finance", false);
    org(w, "Telecom Regulator", "sector_dept", "telecom", false);
    org(w, "Bank A", "operator", "finance", true);
    org(w, "Huaxin Networks", "provider", NULL, false);
    org(w, "Pacific Routers", "provider", NULL, false);
    org(w, "Industry Association", "association", NULL, false);
    org(w, "State Department", "state_dept", NULL, false);

    user(w, "chair", "Review Committee", "committee", &w->committee);
    user(w, "office1", "Review Office", "office", &w->office);
    for (int i = 1; i <= 6; i++) {
        snprintf(login, sizeof(login), "e%d", i);
        user(w, login, "Experts Committee", "expert", &w->experts[i]);
        CHECK(0, nr_expert_appoint(w->rv, &w->fx.admin, login, "networks", "2025-01-01", NULL, NULL,
                                   &E));
    }
    w->expert = w->experts[1];
    w->e6 = w->experts[6];
    user(w, "lab1", "Lab One", "institution", &w->lab);
    user(w, "lab2", "Lab Two", "institution", &w->lab2);
    user(w, "prot1", "Finance Protection", "protection_dept", &w->prot);
    user(w, "prot2", "Telecom Protection", "protection_dept", &w->prot2);
    user(w, "sect1", "Finance Regulator", "sector_dept", &w->sect);
    user(w, "sect2", "Telecom Regulator", "sector_dept", &w->sect2);
    user(w, "bank1", "Bank A", "operator", &w->oper);
    user(w, "vendor1", "Huaxin Networks", "provider", &w->prov);
    user(w, "vendor2", "Pacific Routers", "provider", &w->prov2);
    user(w, "assoc1", "Industry Association", "association", &w->assoc);
    user(w, "state1", "State Department", "state_dept", &w->state);

    CHECK(0, nr_product_add(w->rv, &w->fx.admin, &p1, &w->product, &E));
    CHECK(0, nr_product_add(w->rv, &w->fx.admin, &p2, &w->other_product, &E));
    CHECK(0, nr_institution_designate(w->rv, &w->fx.admin, &i1, NULL, &E));
    CHECK(0, nr_institution_designate(w->rv, &w->fx.admin, &i2, NULL, &E));
    return w;
}

static int setup(void **state)
{
    *state = world_open(*state);
    return 0;
}

static int teardown(void **state)
{
    struct world *w = *state;
    nr_fixture_close(&w->fx);
    free(w);
    return 0;
}

/* Every actor of the tables, outsiders included. */
static size_t actors(struct world *w, struct who out[20])
{
    size_t n = 0;
#define A(x) out[n++] = (struct who){#x, &w->x}
    A(committee);
    A(office);
    A(expert);
    A(lab);
    A(prot);
    A(sect);
    A(oper);
    A(prov);
    A(assoc);
    A(state);
    A(admin);
    A(public_);
    A(sect2);
    A(prot2);
    A(prov2);
    A(e6);
    A(lab2);
#undef A
    return n;
}

/* R8, R11, written from MISSION.md and independent of the code: who may see a case. */
static bool expect_visible(struct world *w, const struct tcase *tc, const struct nr_actor *a)
{
    if (a->local_admin)
        return true;
    switch (a->role) {
    case NR_ROLE_COMMITTEE:
    case NR_ROLE_OFFICE:
        return true;
    case NR_ROLE_SECTOR_DEPT:
    case NR_ROLE_PROTECTION_DEPT:
        return tc->sector[0] && strcmp(a->sector, tc->sector) == 0;
    case NR_ROLE_INSTITUTION:
        return tc->task && a->org_id == w->lab.org_id; /* Lab One holds every task */
    case NR_ROLE_EXPERT:
        return tc->panel && a->user_id == w->expert.user_id; /* e1 sits on every panel */
    case NR_ROLE_PROVIDER:
        return a->org_id == w->prov.org_id; /* every case is about Router X */
    case NR_ROLE_OPERATOR:
        return tc->raiser == BY_OPERATOR;
    case NR_ROLE_ASSOCIATION:
        return tc->raiser == BY_ASSOC;
    case NR_ROLE_STATE_DEPT:
        return tc->raiser == BY_STATE;
    default:
        return false;
    }
}

static char *text_of(struct world *w, const char *sql, int64_t id)
{
    char *s = NULL;
    nr_err_init(&E);
    int rc = nr_store_query_text(w->rv->st, &E, &s, sql, "i", id);
    if (rc == NR_ENOTFOUND)
        return NULL;
    if (rc)
        fail_msg("%s: %s", sql, E.msg);
    return s;
}

static int64_t count(struct world *w, const char *sql, int64_t id)
{
    int64_t n = -1;
    CHECK(0, nr_store_query_int(w->rv->st, &E, &n, sql, "i", id));
    return n;
}

static void expect_text(struct world *w, const char *sql, int64_t id, const char *want)
{
    char *s = text_of(w, sql, id);
    if (want == NULL && s != NULL)
        fail_msg("%s (%lld): %s, expected NULL", sql, (long long)id, s);
    if (want != NULL && (s == NULL || strcmp(s, want) != 0))
        fail_msg("%s (%lld): %s, expected %s", sql, (long long)id, s ? s : "NULL", want);
    nr_free(s);
}

static void expect_phase(struct world *w, int64_t id, const char *phase)
{
    expect_text(w, "SELECT phase FROM cases WHERE id = ?", id, phase);
}

/* Everything a refused transition might have touched, as text. */
static char *snapshot(struct world *w, int64_t case_id)
{
    static const char *const queries[] = {
        "SELECT * FROM cases WHERE id = ?",
        "SELECT * FROM case_phases WHERE case_id = ? ORDER BY id",
        "SELECT * FROM decisions WHERE case_id = ? ORDER BY id",
        "SELECT * FROM publications WHERE case_id = ? ORDER BY id",
        "SELECT * FROM material_requests WHERE case_id = ? ORDER BY id",
        "SELECT COUNT(*) FROM audit WHERE ? > 0",
        "SELECT COUNT(*) FROM cases WHERE ? > 0",
        "SELECT value FROM settings WHERE key = 'audit_head' AND ? > 0",
    };
    struct nr_buf b;

    nr_buf_init(&b, 1 << 24);
    for (size_t q = 0; q < NR_ARRAY_LEN(queries); q++) {
        struct nr_stmt *s = NULL;
        int rc;
        CHECK(0, nr_store_prepare_bind(w->rv->st, &E, &s, queries[q], "i", case_id));
        while ((rc = nr_stmt_step(s, &E)) == NR_STORE_ROW) {
            for (int c = 0; c < nr_stmt_columns(s); c++) {
                const char *v = nr_stmt_text(s, c);
                nr_buf_printf(&b, "%s=%s|", nr_stmt_column_name(s, c), v ? v : "<null>");
            }
            nr_buf_puts(&b, "\n");
        }
        assert_int_equal(rc, NR_STORE_DONE);
        nr_stmt_free(s);
    }
    return nr_buf_steal(&b);
}

static void expect_unchanged(struct world *w, int64_t case_id, const char *before, const char *what)
{
    char *after = snapshot(w, case_id);
    if (strcmp(before, after) != 0)
        fail_msg("%s changed the store:\nbefore:\n%s\nafter:\n%s", what, before, after);
    nr_free(after);
}

/* ---- driving cases ---- */

static const struct nr_decision_spec passed = {.outcome = "passed",
                                               .rationale = "the evaluation found no risk"};

static const struct nr_actor *maker(struct world *w, const char *transition)
{
    if (strcmp(transition, "scope_in") == 0 || strcmp(transition, "scope_out") == 0)
        return &w->prot;
    return &w->office;
}

static void step(struct world *w, struct tcase *tc, const char *transition)
{
    char reason[64];
    snprintf(reason, sizeof(reason), "reason for %s", transition);
    CHECK(0, nr_case_transition(w->rv, maker(w, transition), tc->id, transition, reason,
                                strcmp(transition, "decide") == 0 ? &passed : NULL, &E));
}

/* Opens a case; cn-2017 cases by the operator come through its procurement declaration. */
static struct tcase open_case(struct world *w, enum raiser r)
{
    struct tcase tc;
    struct nr_case_spec cs = {.product = "Router X", .versions = ">=2.0 <3.0"};
    char *sector;

    memset(&tc, 0, sizeof(tc));
    tc.raiser = r;
    setenv("NETREVIEW_NOW", SETUP_NOW, 1);
    switch (r) {
    case BY_OPERATOR:
        if (w->cn) {
            struct nr_declaration_spec d = {
                .product = "Router X", .versions = ">=2.0 <3.0", .purpose = "core network"};
            CHECK(0, nr_declaration_file(w->rv, &w->oper, &d, &tc.id, &E));
        } else {
            cs.trigger = "vendor_request";
            CHECK(0, nr_case_open(w->rv, &w->oper, &cs, &tc.id, &E));
        }
        break;
    case BY_STATE:
        cs.trigger = "state_requirement";
        cs.sector = "finance";
        CHECK(0, nr_case_open(w->rv, &w->state, &cs, &tc.id, &E));
        break;
    case BY_ASSOC:
        cs.trigger = "association_recommendation";
        cs.sector = "finance";
        CHECK(0, nr_case_open(w->rv, &w->assoc, &cs, &tc.id, &E));
        break;
    case BY_OFFICE:
        cs.trigger = "vendor_request";
        CHECK(0, nr_case_open(w->rv, &w->office, &cs, &tc.id, &E));
        break;
    }
    sector = text_of(w, "SELECT sector FROM cases WHERE id = ?", tc.id);
    snprintf(tc.sector, sizeof(tc.sector), "%s", sector ? sector : "");
    nr_free(sector);
    return tc;
}

/* What makes a case in evaluation ready to go on: the commitment, a reported task, a panel. */
static void ready_evaluation(struct world *w, struct tcase *tc)
{
    struct nr_task_spec t = {.institution = "Lab One", .method = "lab_testing"};
    int64_t task = 0;
    CHECK(0, nr_commitment_sign(w->rv, &w->prov, tc->id, "No backdoors, no hidden accounts.", &E));
    CHECK(0, nr_task_assign(w->rv, &w->office, tc->id, &t, &task, &E));
    tc->task = true;
    CHECK(0, nr_task_report(w->rv, &w->lab, task, "Tested; nothing found.", "GB/T 18336", &E));
    CHECK(0, nr_panel_form(w->rv, &w->office, tc->id, NULL, &E));
    tc->panel = true;
}

/* Every member of the panel (e1 .. e<size>, the first appointed) scores every dimension. */
static void score_all(struct world *w, struct tcase *tc, const char *level)
{
    for (int i = 1; i <= w->rv->proc.panel_size; i++)
        for (size_t d = 0; d < w->rv->proc.ndimensions; d++)
            CHECK(0, nr_score_submit(w->rv, &w->experts[i], tc->id, w->rv->proc.dimensions[d],
                                     level, "Based on the evaluation report.", &E));
}

/* The phase before target on the way there, and the transition that leaves it. */
static void route(const char *target, const char **pred, const char **via)
{
    static const char *const r[][3] = {
        {"acceptance", "scoping", "scope_in"},
        {"evaluation", "acceptance", "accept"},
        {"expert_review", "evaluation", "submit_to_experts"},
        {"special_review", "expert_review", "open_special_review"},
        {"decided", "expert_review", "decide"},
        {"published", "decided", "publish"},
        {"not_required", "scoping", "scope_out"},
        {"refused", "acceptance", "refuse"},
        {"withdrawn", "evaluation", "withdraw"},
        {"closed", "decided", "supersede"},
    };
    for (size_t i = 0; i < NR_ARRAY_LEN(r); i++)
        if (strcmp(r[i][0], target) == 0) {
            *pred = r[i][1];
            *via = r[i][2];
            return;
        }
    fail_msg("no route to %s", target);
}

/* Drives a case into target with the real operations, fulfilling every condition on the way. */
static void drive(struct world *w, struct tcase *tc, const char *target)
{
    const char *pred = NULL, *via = NULL;
    char *phase = text_of(w, "SELECT phase FROM cases WHERE id = ?", tc->id);
    bool there = strcmp(phase, target) == 0;

    nr_free(phase);
    if (there)
        return;
    route(target, &pred, &via);
    drive(w, tc, pred);
    setenv("NETREVIEW_NOW", SETUP_NOW, 1);
    step(w, tc, via);
    if (strcmp(target, "evaluation") == 0)
        ready_evaluation(w, tc);
    if (strcmp(target, "expert_review") == 0)
        score_all(w, tc, "none");
    expect_phase(w, tc->id, target);
}

static struct tcase new_case(struct world *w, enum raiser r, const char *phase)
{
    struct tcase tc = open_case(w, r);
    drive(w, &tc, phase);
    return tc;
}

/* ---- the tables match the procedure files ---- */

static void test_tables_match_procedure(void **state)
{
    struct world *w = *state;
    const struct nr_procedure *p = &w->rv->proc;
    const struct want *want = w->want;
    char it[64];

    assert_int_equal(p->nphases, list_len(want->phases));
    for (size_t i = 0; item(want->phases, i, it, sizeof(it)); i++)
        assert_non_null(nr_procedure_phase(p, it));
    assert_int_equal(p->ntransitions, want->ntransitions);
    for (size_t i = 0; i < want->ntransitions; i++) {
        const struct want_transition *wt = &want->transitions[i];
        const struct nr_transition *t = nr_procedure_transition(p, wt->id);
        assert_non_null(t);
        assert_string_equal(t->to, wt->to);
        assert_int_equal(t->nfrom, list_len(wt->from));
        for (size_t f = 0; f < t->nfrom; f++)
            assert_true(in_list(wt->from, t->from[f]));
        if (t->roles != roles_of(wt->roles))
            fail_msg("transition %s: roles differ from the table", wt->id);
        if (t->conds != conds_of(wt->conds))
            fail_msg("transition %s: conditions differ from the table", wt->id);
        assert_int_equal((t->needs & NR_NEEDS_REASON) != 0, wt->reason);
        assert_int_equal((t->needs & NR_NEEDS_DECISION) != 0, wt->decision);
    }
    assert_int_equal(p->ntriggers, want->ntriggers);
    for (size_t i = 0; i < want->ntriggers; i++) {
        const struct nr_trigger *t = nr_procedure_trigger(p, want->triggers[i].id);
        assert_non_null(t);
        if (t->roles != roles_of(want->triggers[i].roles))
            fail_msg("trigger %s: roles differ from the table", t->id);
        assert_string_equal(t->phase, want->triggers[i].phase);
        assert_int_equal(t->declaration, want->triggers[i].declaration);
    }
}

/* ---- every transition, every role, every phase ---- */

/* Who raises the case that sits in each phase: varied so that the operator, the association and
 * the state department each see (and are refused on) some of them. */
static enum raiser raiser_for(struct world *w, size_t i, const char *phase)
{
    if (!w->cn)
        return i % 2 ? BY_OFFICE : BY_OPERATOR;
    if (strcmp(phase, "scoping") == 0 || strcmp(phase, "not_required") == 0)
        return BY_OPERATOR; /* only a declaration starts in scoping */
    return (enum raiser)(i % 3);
}

/* One refused attempt: the code expected (or either of two), the field, and nothing changed. */
static void attempt(struct world *w, const struct tcase *tc, const char *phase,
                    const struct want_transition *wt, const struct who *x, const char *reason,
                    int code, int alt, const char *field, const char *before)
{
    char what[256];
    int rc;

    snprintf(what, sizeof(what), "%s on a case in %s by %s (reason \"%s\")", wt->id, phase, x->name,
             reason ? reason : "NULL");
    nr_err_init(&E);
    rc = nr_case_transition(w->rv, x->a, tc->id, wt->id, reason, wt->decision ? &passed : NULL, &E);
    if (rc != code && rc != alt)
        fail_msg("%s: got %s (%s), expected %s", what, nr_err_name(rc), E.msg, nr_err_name(code));
    if (field && rc == code && strcmp(E.field, field) != 0)
        fail_msg("%s: field %s, expected %s (%s)", what, E.field, field, E.msg);
    expect_unchanged(w, tc->id, before, what);
}

static void test_transition_matrix(void **state)
{
    struct world *w = *state;
    struct who who[20];
    size_t nwho = actors(w, who);
    struct tcase cases[16];
    char phase[32];
    size_t ncases = 0;

    for (size_t i = 0; item(w->want->phases, i, phase, sizeof(phase)); i++) {
        char *before;
        cases[ncases] = new_case(w, raiser_for(w, i, phase), phase);
        struct tcase *tc = &cases[ncases++];
        before = snapshot(w, tc->id);
        setenv("NETREVIEW_NOW", REFUSAL_NOW, 1);

        for (size_t k = 0; k < nwho; k++) {
            bool vis = expect_visible(w, tc, who[k].a);
            struct nr_arena ar;
            struct nr_case c;

            /* R8, R11: need to know, and an invisible case answers like a missing one. */
            nr_arena_init(&ar);
            CHECK(0, nr_case_get(w->rv, &w->office, tc->id, &ar, &c, &E));
            if (nr_case_visible(w->rv, who[k].a, &c) != vis)
                fail_msg("case in %s raised by %d: %s %s see it", phase, tc->raiser, who[k].name,
                         vis ? "should" : "should not");
            nr_arena_release(&ar);
            nr_arena_init(&ar);
            nr_err_init(&E);
            assert_int_equal(nr_case_get(w->rv, who[k].a, tc->id, &ar, &c, &E),
                             vis ? 0 : NR_ENOTFOUND);
            if (!vis) {
                char msg[64];
                snprintf(msg, sizeof(msg), "no case %lld", (long long)tc->id);
                assert_string_equal(E.msg, msg);
            }
            nr_arena_release(&ar);
        }

        for (size_t t = 0; t < w->want->ntransitions; t++) {
            const struct want_transition *wt = &w->want->transitions[t];
            bool in_from = in_list(wt->from, phase);
            for (size_t k = 0; k < nwho; k++) {
                const struct nr_actor *a = who[k].a;
                bool allowed = !a->local_admin && (roles_of(wt->roles) & NR_ROLE_BIT(a->role));

                if (!expect_visible(w, tc, a)) {
                    attempt(w, tc, phase, wt, &who[k], "r", NR_ENOTFOUND, NR_ENOTFOUND, "case",
                            before);
                } else if (a->local_admin) {
                    attempt(w, tc, phase, wt, &who[k], "r", NR_EFORBIDDEN, NR_EFORBIDDEN, "as",
                            before);
                } else if (in_from && allowed) {
                    /* The only move that would succeed here: the success test makes it on a
                     * case of its own. Here only what it needs is left out. */
                    if (wt->reason) {
                        attempt(w, tc, phase, wt, &who[k], NULL, NR_EINVAL, NR_EINVAL, "reason",
                                before);
                        attempt(w, tc, phase, wt, &who[k], "", NR_EINVAL, NR_EINVAL, "reason",
                                before);
                        attempt(w, tc, phase, wt, &who[k], " \t\n", NR_EINVAL, NR_EINVAL, "reason",
                                before);
                    }
                    if (wt->decision) {
                        nr_err_init(&E);
                        assert_int_equal(
                            nr_case_transition(w->rv, a, tc->id, wt->id, NULL, NULL, &E),
                            NR_EINVAL);
                        assert_string_equal(E.field, "outcome");
                        expect_unchanged(w, tc->id, before, "decide without a decision");
                    }
                } else if (in_from) {
                    attempt(w, tc, phase, wt, &who[k], "r", NR_EFORBIDDEN, NR_EFORBIDDEN, "role",
                            before);
                } else if (allowed) {
                    attempt(w, tc, phase, wt, &who[k], "r", NR_EPHASE, NR_EPHASE, "phase", before);
                } else {
                    /* Neither role nor phase: refused for either. */
                    attempt(w, tc, phase, wt, &who[k], "r", NR_EPHASE, NR_EFORBIDDEN, NULL, before);
                }
            }
        }
        /* A transition the procedure does not have. */
        nr_err_init(&E);
        assert_int_equal(nr_case_transition(w->rv, &w->office, tc->id, "approve", "r", NULL, &E),
                         NR_EINVAL);
        assert_string_equal(E.field, "transition");
        expect_unchanged(w, tc->id, before, "an unknown transition");
        nr_free(before);
    }

    /* R11: lists hold exactly the cases each actor may see. */
    for (size_t k = 0; k < nwho; k++) {
        json_t *list = NULL, *o;
        size_t i, want_n = 0;
        CHECK(0, nr_case_list(w->rv, who[k].a, NULL, &list, &E));
        for (size_t c = 0; c < ncases; c++)
            want_n += expect_visible(w, &cases[c], who[k].a);
        if (json_array_size(list) != want_n)
            fail_msg("%s lists %zu cases, expected %zu", who[k].name, json_array_size(list),
                     want_n);
        json_array_foreach(list, i, o)
        {
            int64_t id = json_integer_value(json_object_get(o, "id"));
            bool found = false;
            for (size_t c = 0; c < ncases; c++)
                if (cases[c].id == id) {
                    found = true;
                    assert_true(expect_visible(w, &cases[c], who[k].a));
                }
            assert_true(found);
        }
        json_decref(list);
    }
}

/* Each transition from each phase it starts from, by each role allowed to make it. */
static void test_transition_success(void **state)
{
    struct world *w = *state;
    struct who who[20];
    size_t nwho = actors(w, who);
    char from[32];

    for (size_t t = 0; t < w->want->ntransitions; t++) {
        const struct want_transition *wt = &w->want->transitions[t];
        for (size_t f = 0; item(wt->from, f, from, sizeof(from)); f++) {
            for (size_t k = 0; k < nwho; k++) {
                const struct nr_actor *a = who[k].a;
                const char *reason = wt->reason ? "the written reason" : NULL;
                const struct nr_phase *to = nr_procedure_phase(&w->rv->proc, wt->to);
                int64_t transitions, rows;
                int32_t due;
                char due_s[NR_DATE_STR], row[128];
                struct tcase tc;

                if (a->local_admin || !(roles_of(wt->roles) & NR_ROLE_BIT(a->role)))
                    continue;
                if (a == &w->sect2 || a == &w->prot2)
                    continue; /* outsiders: refused in the matrix */
                tc = new_case(w, BY_OPERATOR, from);
                assert_true(expect_visible(w, &tc, a));
                transitions = count(w,
                                    "SELECT COUNT(*) FROM audit WHERE case_id = ? AND action = "
                                    "'case.transition'",
                                    tc.id);
                rows = count(w, "SELECT COUNT(*) FROM case_phases WHERE case_id = ?", tc.id);
                setenv("NETREVIEW_NOW", SETUP_NOW, 1);
                nr_err_init(&E);
                if (nr_case_transition(w->rv, a, tc.id, wt->id, reason,
                                       wt->decision ? &passed : NULL, &E) != 0)
                    fail_msg("%s from %s by %s refused: %s", wt->id, from, who[k].name, E.msg);

                /* The new phase, its deadline, its history row and one audit entry. */
                expect_phase(w, tc.id, wt->to);
                due = nr_deadline_due(w->rv, wt->to, nr_date_from_time(nr_time_now()));
                if (due >= 0)
                    nr_date_fmt(due, due_s);
                assert_int_equal(due >= 0, to->deadline_days > 0);
                expect_text(w, "SELECT phase_due FROM cases WHERE id = ?", tc.id,
                            due >= 0 ? due_s : NULL);
                expect_text(w, "SELECT phase_entered_on FROM cases WHERE id = ?", tc.id, TODAY);
                assert_int_equal(
                    count(w, "SELECT COUNT(*) FROM case_phases WHERE case_id = ?", tc.id),
                    rows + 1);
                assert_int_equal(count(w,
                                       "SELECT COUNT(*) FROM case_phases WHERE case_id = ? AND "
                                       "left_at IS NULL",
                                       tc.id),
                                 1);
                snprintf(row, sizeof(row), "%s %s %s", wt->id, wt->to, reason ? reason : "-");
                expect_text(w,
                            "SELECT transition || ' ' || phase || ' ' || COALESCE(reason, '-') "
                            "FROM case_phases WHERE case_id = ? AND left_at IS NULL",
                            tc.id, row);
                assert_int_equal(count(w,
                                       "SELECT COUNT(*) FROM audit WHERE case_id = ? AND action "
                                       "= 'case.transition'",
                                       tc.id),
                                 transitions + 1);
                expect_text(w,
                            "SELECT actor FROM audit WHERE case_id = ? AND action = "
                            "'case.transition' ORDER BY id DESC LIMIT 1",
                            tc.id, a->login);
                if (to->terminal)
                    expect_text(w, "SELECT closed_reason FROM cases WHERE id = ?", tc.id, reason);

                /* What the transition does besides the phase (R7). */
                if (wt->decision)
                    assert_int_equal(count(w,
                                           "SELECT COUNT(*) FROM decisions WHERE case_id = ? "
                                           "AND status = 'active'",
                                           tc.id),
                                     1);
                if (strcmp(wt->id, "publish") == 0)
                    assert_int_equal(count(w,
                                           "SELECT COUNT(*) FROM publications WHERE case_id = ? "
                                           "AND withdrawn_at IS NULL",
                                           tc.id),
                                     1);
                if (strcmp(wt->id, "revoke") == 0 || strcmp(wt->id, "supersede") == 0) {
                    assert_int_equal(count(w,
                                           "SELECT COUNT(*) FROM decisions WHERE case_id = ? "
                                           "AND status = 'active'",
                                           tc.id),
                                     0);
                    assert_int_equal(count(w,
                                           "SELECT COUNT(*) FROM publications WHERE case_id = ? "
                                           "AND withdrawn_at IS NULL",
                                           tc.id),
                                     0);
                }
                {
                    int64_t bad = -1, n = -1;
                    CHECK(0, nr_audit_verify(w->rv, &bad, &n, &E));
                }
            }
        }
    }
}

/* ---- conditions ---- */

static void expect_precond(struct world *w, struct tcase *tc, const char *transition,
                           const char *cond)
{
    char *before = snapshot(w, tc->id);
    char reason[] = "a reason";
    nr_err_init(&E);
    int rc = nr_case_transition(w->rv, &w->office, tc->id, transition, reason,
                                strcmp(transition, "decide") == 0 ? &passed : NULL, &E);
    if (rc != NR_EPRECOND || strcmp(E.field, cond) != 0)
        fail_msg("%s: got %s field %s (%s), expected precondition_failed on %s", transition,
                 nr_err_name(rc), E.field, E.msg, cond);
    assert_non_null(strstr(E.msg, cond));
    expect_unchanged(w, tc->id, before, cond);
    nr_free(before);
}

/* The unmet conditions of a transition in nr_case_options, as a comma list. */
static void expect_unmet(struct world *w, struct tcase *tc, const char *transition,
                         const char *unmet)
{
    json_t *opts = NULL, *o, *u;
    size_t i, j;
    bool seen = false;

    CHECK(0, nr_case_options(w->rv, &w->office, tc->id, &opts, &E));
    json_array_foreach(opts, i, o)
    {
        if (strcmp(json_string_value(json_object_get(o, "transition")), transition) != 0)
            continue;
        seen = true;
        assert_true(json_is_true(json_object_get(o, "allowed")));
        assert_int_equal(json_array_size(json_object_get(o, "unmet")), list_len(unmet));
        json_array_foreach(json_object_get(o, "unmet"), j, u)
        {
            assert_true(in_list(unmet, json_string_value(json_object_get(u, "condition"))));
        }
    }
    assert_true(seen);
    json_decref(opts);
}

static void test_conditions(void **state)
{
    struct world *w = *state;
    struct nr_task_spec t = {.institution = "Lab One", .method = "lab_testing"};
    struct tcase tc;
    int64_t task = 0;

    /* Evaluation, bare: nothing done yet. Conditions are checked in the procedure's order, so
     * each is reported once those before it hold. */
    tc = new_case(w, BY_OPERATOR, "acceptance");
    step(w, &tc, "accept");
    expect_unmet(w, &tc, "submit_to_experts", "commitment_signed,task_assigned,all_tasks_reported");
    expect_precond(w, &tc, "submit_to_experts", "commitment_signed");
    CHECK(0, nr_commitment_sign(w->rv, &w->prov, tc.id, "No backdoors.", &E));
    expect_precond(w, &tc, "submit_to_experts", "task_assigned");
    CHECK(0, nr_task_assign(w->rv, &w->office, tc.id, &t, &task, &E));
    tc.task = true;
    expect_precond(w, &tc, "submit_to_experts", "all_tasks_reported");
    CHECK(0, nr_task_report(w->rv, &w->lab, task, "Tested.", "GB/T 18336", &E));
    CHECK(0, nr_materials_request(w->rv, &w->office, tc.id, "the source of the bootloader", &E));
    expect_unmet(w, &tc, "submit_to_experts", "no_pending_materials");
    expect_precond(w, &tc, "submit_to_experts", "no_pending_materials");
    CHECK(0, nr_materials_receive(w->rv, &w->prov, tc.id, &E));
    expect_unmet(w, &tc, "submit_to_experts", "");
    step(w, &tc, "submit_to_experts");

    /* Expert review without a panel, with one seat empty, with scores missing. */
    expect_precond(w, &tc, "decide", "panel_complete");
    CHECK(0, nr_panel_form(w->rv, &w->office, tc.id, NULL, &E));
    tc.panel = true;
    CHECK(0, nr_panel_recuse(w->rv, &w->experts[1], tc.id, "a former employer", &E));
    expect_precond(w, &tc, "decide", "panel_complete");
    CHECK(0, nr_panel_form(w->rv, &w->office, tc.id, NULL, &E)); /* the next expert sits */
    for (size_t d = 0; d < w->rv->proc.ndimensions; d++)
        CHECK(0, nr_score_submit(w->rv, &w->experts[2], tc.id, w->rv->proc.dimensions[d], "low",
                                 "Seen the report.", &E));
    expect_unmet(w, &tc, "decide", "all_scored");
    expect_precond(w, &tc, "decide", "all_scored");
    for (int i = 3; i <= w->rv->proc.panel_size + 1; i++)
        for (size_t d = 0; d < w->rv->proc.ndimensions; d++)
            CHECK(0, nr_score_submit(w->rv, &w->experts[i], tc.id, w->rv->proc.dimensions[d], "low",
                                     "Seen the report.", &E));
    {
        /* Both procedures recommend passed_with_conditions or passed on lows; decide with the
         * recommendation, whatever it is. */
        const char *rec = NULL;
        json_t *med = NULL;
        struct nr_decision_spec d = passed;
        char *before;
        CHECK(0, nr_panel_recommendation(w->rv, tc.id, &rec, &med, &E));
        json_decref(med);
        /* R7: departing from the recommendation needs a justification; a refused decision
         * leaves nothing, not even the decision row written before the check failed. */
        before = snapshot(w, tc.id);
        d.outcome = "failed";
        CHECK(NR_EPRECOND, nr_case_transition(w->rv, &w->office, tc.id, "decide", NULL, &d, &E));
        assert_string_equal(E.field, "justification");
        expect_unchanged(w, tc.id, before, "decide against the recommendation");
        nr_free(before);
        d.outcome = rec;
        d.conditions = strcmp(rec, "passed_with_conditions") == 0 ? "patch within 30 days" : NULL;
        CHECK(0, nr_case_transition(w->rv, &w->office, tc.id, "decide", NULL, &d, &E));
    }
    expect_phase(w, tc.id, "decided");

    /* decision_recorded: a case always gets its decision with the decide transition, so a
     * decided case without one cannot be driven there; set the phase by SQL. */
    tc = new_case(w, BY_OPERATOR, "expert_review");
    CHECK(0, nr_store_exec(w->rv->st, &E, "UPDATE cases SET phase = ? WHERE id = ?", "ti",
                           "decided", tc.id));
    expect_unmet(w, &tc, "publish", "decision_recorded");
    expect_precond(w, &tc, "publish", "decision_recorded");
}

/* ---- R1: the scoping result ---- */

static void test_scoping_result(void **state)
{
    struct world *w = *state;
    struct tcase tc;

    tc = new_case(w, BY_OPERATOR, "scoping");
    /* Only the protection department of the case's sector scopes it. */
    CHECK(NR_ENOTFOUND,
          nr_case_transition(w->rv, &w->prot2, tc.id, "scope_in", "telecom view", NULL, &E));
    expect_text(w, "SELECT scoping_result FROM cases WHERE id = ?", tc.id, NULL);
    CHECK(0,
          nr_case_transition(w->rv, &w->prot, tc.id, "scope_in",
                             "carries interbank payments: may affect national security", NULL, &E));
    expect_text(w, "SELECT scoping_result FROM cases WHERE id = ?", tc.id, "required");
    expect_text(w, "SELECT scoping_reason FROM cases WHERE id = ?", tc.id,
                "carries interbank payments: may affect national security");
    expect_text(w, "SELECT closed_reason FROM cases WHERE id = ?", tc.id, NULL);

    tc = new_case(w, BY_OPERATOR, "scoping");
    CHECK(0,
          nr_case_transition(w->rv, &w->prot, tc.id, "scope_out", "an office printer", NULL, &E));
    expect_phase(w, tc.id, "not_required");
    expect_text(w, "SELECT scoping_result FROM cases WHERE id = ?", tc.id, "not_required");
    expect_text(w, "SELECT scoping_reason FROM cases WHERE id = ?", tc.id, "an office printer");
    expect_text(w, "SELECT closed_reason FROM cases WHERE id = ?", tc.id, "an office printer");
    expect_text(w, "SELECT phase_due FROM cases WHERE id = ?", tc.id, NULL);

    /* A case withdrawn while in scoping was never scoped: no result is recorded. */
    tc = new_case(w, BY_OPERATOR, "scoping");
    CHECK(0,
          nr_case_transition(w->rv, &w->office, tc.id, "withdraw", "the bank cancelled", NULL, &E));
    expect_phase(w, tc.id, "withdrawn");
    expect_text(w, "SELECT scoping_result FROM cases WHERE id = ?", tc.id, NULL);
    expect_text(w, "SELECT closed_reason FROM cases WHERE id = ?", tc.id, "the bank cancelled");

    /* Cases that do not start in scoping carry no result. */
    tc = new_case(w, BY_STATE, "acceptance");
    expect_text(w, "SELECT scoping_result FROM cases WHERE id = ?", tc.id, NULL);
}

/* ---- R8: sectors ---- */

static void test_sector_rule(void **state)
{
    struct world *w = *state;
    struct nr_case_spec cs = {.trigger = "state_requirement", .product = "Router X"};
    struct nr_arena ar;
    struct nr_case c;
    struct tcase tc;
    int64_t id = 0, n;

    tc = new_case(w, BY_STATE, "acceptance");
    nr_arena_init(&ar);
    CHECK(0, nr_case_get(w->rv, &w->office, tc.id, &ar, &c, &E));
    /* The action check itself refuses a department of another sector, naming the rule... */
    CHECK(NR_EFORBIDDEN, nr_case_check_action(w->rv, &w->sect2, &c, "deadline.extend", &E));
    assert_string_equal(E.field, "sector");
    CHECK(0, nr_case_check_action(w->rv, &w->sect, &c, "deadline.extend", &E));
    nr_arena_release(&ar);
    /* ... and through the operations such a case does not exist for it. */
    CHECK(NR_ENOTFOUND, nr_case_transition(w->rv, &w->sect2, tc.id, "accept", NULL, NULL, &E));
    CHECK(NR_ENOTFOUND, nr_deadline_extend(w->rv, &w->sect2, tc.id, 5, "busy", &E));
    expect_phase(w, tc.id, "acceptance");
    CHECK(0, nr_case_transition(w->rv, &w->sect, tc.id, "accept", NULL, NULL, &E));
    expect_phase(w, tc.id, "evaluation");

    /* A sector department raises cases of its own sector only. */
    n = count(w, "SELECT COUNT(*) FROM cases WHERE ? > 0", 1);
    cs.sector = "telecom";
    CHECK(NR_EFORBIDDEN, nr_case_open(w->rv, &w->sect, &cs, &id, &E));
    assert_string_equal(E.field, "sector");
    assert_int_equal(count(w, "SELECT COUNT(*) FROM cases WHERE ? > 0", 1), n);
    cs.sector = NULL;
    CHECK(0, nr_case_open(w->rv, &w->sect, &cs, &id, &E));
    expect_text(w, "SELECT sector FROM cases WHERE id = ?", id, "finance");
    /* A sector is a word as the registry writes it, else no department could ever see it. */
    cs.sector = "Finance ";
    CHECK(NR_EINVAL, nr_case_open(w->rv, &w->office, &cs, &id, &E));
    assert_string_equal(E.field, "sector");
    {
        char big[100];
        memset(big, 'a', sizeof(big) - 1);
        big[sizeof(big) - 1] = '\0';
        cs.sector = big;
        CHECK(NR_EINVAL, nr_case_open(w->rv, &w->office, &cs, &id, &E));
    }
}

/* ---- R2: triggers ---- */

/* Opens a case from a trigger (not complaints) as actor a; a re-review reviews `decided`. */
static int open_from(struct world *w, const struct nr_actor *a, const char *trigger,
                     int64_t decided, int64_t *id)
{
    struct nr_case_spec cs = {.trigger = trigger, .product = "Router X", .detail = "why"};

    if (strcmp(trigger, "re_review") == 0)
        cs.re_review_of = decided;
    nr_err_init(&E);
    return nr_case_open(w->rv, a, &cs, id, &E);
}

static void test_trigger_roles(void **state)
{
    struct world *w = *state;
    struct who who[20];
    size_t nwho = actors(w, who);
    struct tcase decided = new_case(w, BY_OPERATOR, "decided");

    for (size_t t = 0; t < w->want->ntriggers; t++) {
        const struct want_trigger *wt = &w->want->triggers[t];
        for (size_t k = 0; k < nwho; k++) {
            const struct nr_actor *a = who[k].a;
            bool allowed = !a->local_admin && (roles_of(wt->roles) & NR_ROLE_BIT(a->role));
            int64_t cases = count(w, "SELECT COUNT(*) FROM cases WHERE ? > 0", 1);
            int64_t audit = count(w, "SELECT COUNT(*) FROM audit WHERE ? > 0", 1);
            int64_t id = 0;
            int rc;

            /* A complaint is filed first for the complaints trigger: count after it. */
            if (strcmp(wt->id, "complaints") == 0) {
                struct nr_complaint_spec c = {.product = "Router X", .text = "Odd traffic."};
                char list[32];
                struct nr_case_spec cs = {.trigger = wt->id, .product = "Router X"};
                int64_t cid = 0;
                CHECK(0, nr_complaint_file(w->rv, &w->public_, &c, &cid, &E));
                snprintf(list, sizeof(list), "%lld", (long long)cid);
                cs.complaints = list;
                cases = count(w, "SELECT COUNT(*) FROM cases WHERE ? > 0", 1);
                audit = count(w, "SELECT COUNT(*) FROM audit WHERE ? > 0", 1);
                nr_err_init(&E);
                rc = nr_case_open(w->rv, a, &cs, &id, &E);
            } else {
                rc = open_from(w, a, wt->id, decided.id, &id);
            }
            if (wt->declaration) {
                /* R1: these come only with a procurement declaration, never directly. */
                if (rc != NR_EFORBIDDEN || strcmp(E.field, a->local_admin ? "as" : "trigger") != 0)
                    fail_msg("%s opened directly by %s: %s field %s (%s)", wt->id, who[k].name,
                             nr_err_name(rc), E.field, E.msg);
                assert_int_equal(count(w, "SELECT COUNT(*) FROM cases WHERE ? > 0", 1), cases);
                if (!allowed)
                    continue;
                /* The operator declares, and the case comes from the trigger. */
                {
                    struct nr_declaration_spec d = {
                        .product = "Router X",
                        .versions = "*",
                        .national_security = strcmp(wt->id, "national_security_procurement") == 0};
                    CHECK(0, nr_declaration_file(w->rv, a, &d, &id, &E));
                    expect_phase(w, id, wt->phase);
                    expect_text(w, "SELECT trigger FROM cases WHERE id = ?", id, wt->id);
                    assert_int_equal(count(w, "SELECT operator_id FROM cases WHERE id = ?", id),
                                     a->org_id);
                }
                continue;
            } else if (allowed && a == &w->prov2) {
                /* R2: a provider applies only for its own products. */
                if (rc != NR_EFORBIDDEN || strcmp(E.field, "product") != 0)
                    fail_msg("%s by another provider: %s (%s)", wt->id, nr_err_name(rc), E.msg);
            } else if (allowed) {
                if (rc != 0)
                    fail_msg("%s by %s refused: %s", wt->id, who[k].name, E.msg);
                expect_phase(w, id, wt->phase);
                expect_text(w, "SELECT trigger FROM cases WHERE id = ?", id, wt->id);
                assert_int_equal(count(w, "SELECT raised_by_org FROM cases WHERE id = ?", id),
                                 a->org_id);
                assert_int_equal(count(w, "SELECT raised_by_user FROM cases WHERE id = ?", id),
                                 a->user_id);
                assert_int_equal(count(w, "SELECT COUNT(*) FROM case_phases WHERE case_id = ?", id),
                                 1);
                assert_int_equal(count(w,
                                       "SELECT COUNT(*) FROM audit WHERE case_id = ? AND action "
                                       "= 'case.open'",
                                       id),
                                 1);
                /* The one who raised it sees it (R2: the trigger and its raiser stay on it). */
                {
                    struct nr_arena ar;
                    struct nr_case c;
                    nr_arena_init(&ar);
                    CHECK(0, nr_case_get(w->rv, a, id, &ar, &c, &E));
                    nr_arena_release(&ar);
                }
                continue;
            } else if (a->local_admin) {
                if (rc != NR_EFORBIDDEN || strcmp(E.field, "as") != 0)
                    fail_msg("%s by the local administrator: %s (%s)", wt->id, nr_err_name(rc),
                             E.msg);
            } else if (rc != NR_EFORBIDDEN || strcmp(E.field, "trigger") != 0) {
                fail_msg("%s by %s: %s field %s (%s), expected forbidden on trigger", wt->id,
                         who[k].name, nr_err_name(rc), E.field, E.msg);
            }
            assert_int_equal(count(w, "SELECT COUNT(*) FROM cases WHERE ? > 0", 1), cases);
            assert_int_equal(count(w, "SELECT COUNT(*) FROM audit WHERE ? > 0", 1), audit);
        }
    }
    /* A trigger the procedure does not have. */
    CHECK(NR_EINVAL, open_from(w, &w->office, "rumour", 0, NULL));
    assert_string_equal(E.field, "trigger");
}

static void test_complaints_grouping(void **state)
{
    struct world *w = *state;
    struct nr_complaint_spec c = {.product = "Router X", .text = "It phones home at night."};
    struct nr_case_spec cs = {.trigger = "complaints", .product = "Router X"};
    int64_t c1 = 0, c2 = 0, c3 = 0, c4 = 0, first = 0, id = 0, cases;
    char list[64];

    CHECK(0, nr_complaint_file(w->rv, &w->public_, &c, &c1, &E));
    CHECK(0, nr_complaint_file(w->rv, &w->public_, &c, &c2, &E));
    c.product = "Switch Y";
    CHECK(0, nr_complaint_file(w->rv, &w->public_, &c, &c3, &E));
    c.product = "Mystery Box"; /* not in the registry: kept by name */
    CHECK(0, nr_complaint_file(w->rv, &w->public_, &c, &c4, &E));

    snprintf(list, sizeof(list), "%lld,%lld", (long long)c1, (long long)c2);
    cs.complaints = list;
    CHECK(0, nr_case_open(w->rv, &w->office, &cs, &first, &E));
    assert_int_equal(count(w, "SELECT COUNT(*) FROM complaints WHERE case_id = ?", first), 2);
    cases = count(w, "SELECT COUNT(*) FROM cases WHERE ? > 0", 1);

    /* An attached complaint cannot be grouped again; nothing of the attempt stays, not even
     * the attachment of a free complaint listed before it. */
    snprintf(list, sizeof(list), "%lld,%lld", (long long)c4, (long long)c1);
    CHECK(NR_EEXISTS, nr_case_open(w->rv, &w->office, &cs, &id, &E));
    assert_string_equal(E.field, "complaints");
    assert_int_equal(count(w, "SELECT COUNT(*) FROM cases WHERE ? > 0", 1), cases);
    assert_int_equal(
        count(w, "SELECT COUNT(*) FROM complaints WHERE case_id IS NULL AND id = ?", c4), 1);
    assert_int_equal(count(w, "SELECT case_id FROM complaints WHERE id = ?", c1), first);
    /* Another product's complaint, a missing one, a malformed list, none. */
    snprintf(list, sizeof(list), "%lld", (long long)c3);
    CHECK(NR_EINVAL, nr_case_open(w->rv, &w->office, &cs, &id, &E));
    assert_string_equal(E.field, "complaints");
    snprintf(list, sizeof(list), "999");
    CHECK(NR_ENOTFOUND, nr_case_open(w->rv, &w->office, &cs, &id, &E));
    snprintf(list, sizeof(list), "%lld,x", (long long)c4);
    CHECK(NR_EINVAL, nr_case_open(w->rv, &w->office, &cs, &id, &E));
    cs.complaints = NULL;
    CHECK(NR_EINVAL, nr_case_open(w->rv, &w->office, &cs, &id, &E));
    assert_string_equal(E.field, "complaints");
    assert_int_equal(count(w, "SELECT COUNT(*) FROM cases WHERE ? > 0", 1), cases);

    /* The complaint kept by name joins the case and takes its product. */
    cs.complaints = list;
    snprintf(list, sizeof(list), "%lld", (long long)c4);
    CHECK(0, nr_case_open(w->rv, &w->office, &cs, &id, &E));
    assert_int_equal(count(w, "SELECT case_id FROM complaints WHERE id = ?", c4), id);
    assert_int_equal(count(w, "SELECT product_id FROM complaints WHERE id = ?", c4), w->product);
}

static void test_re_review(void **state)
{
    struct world *w = *state;
    struct nr_case_spec cs = {.trigger = "re_review", .product = "Router X"};
    struct tcase old = new_case(w, BY_OPERATOR, "published");
    struct tcase open = new_case(w, BY_OPERATOR, "evaluation");
    struct tcase rr;
    int64_t id = 0, cases = count(w, "SELECT COUNT(*) FROM cases WHERE ? > 0", 1);

    /* R14: a re-review names a decided case of the same product, visible to whoever opens it. */
    CHECK(NR_EINVAL, nr_case_open(w->rv, &w->office, &cs, &id, &E));
    assert_string_equal(E.field, "re_review_of");
    cs.re_review_of = open.id;
    CHECK(NR_EPHASE, nr_case_open(w->rv, &w->office, &cs, &id, &E));
    assert_string_equal(E.field, "re_review_of");
    cs.re_review_of = 9999;
    CHECK(NR_ENOTFOUND, nr_case_open(w->rv, &w->office, &cs, &id, &E));
    cs.re_review_of = old.id;
    cs.product = "Switch Y";
    CHECK(NR_EINVAL, nr_case_open(w->rv, &w->office, &cs, &id, &E));
    assert_string_equal(E.field, "product");
    assert_int_equal(count(w, "SELECT COUNT(*) FROM cases WHERE ? > 0", 1), cases);
    expect_text(w, "SELECT watch_reason FROM cases WHERE id = ?", old.id, NULL);

    cs.product = "Router X";
    CHECK(0, nr_case_open(w->rv, &w->office, &cs, &rr.id, &E));
    expect_phase(w, rr.id, "acceptance");
    assert_int_equal(count(w, "SELECT re_review_of FROM cases WHERE id = ?", rr.id), old.id);
    expect_text(w, "SELECT watch_reason FROM cases WHERE id = ?", old.id, "re-review opened");

    /* The old decision stays in force until the re-review is decided, then is superseded;
     * closing the old case afterwards leaves it superseded. */
    rr.raiser = BY_OFFICE;
    rr.task = rr.panel = false;
    rr.sector[0] = '\0';
    assert_int_equal(
        count(w, "SELECT COUNT(*) FROM decisions WHERE case_id = ? AND status = 'active'", old.id),
        1);
    drive(w, &rr, "decided");
    expect_text(w, "SELECT status FROM decisions WHERE case_id = ?", old.id, "superseded");
    CHECK(0, nr_case_transition(w->rv, &w->office, old.id, "supersede", "replaced by the re-review",
                                NULL, &E));
    expect_phase(w, old.id, "closed");
    expect_text(w, "SELECT status FROM decisions WHERE case_id = ?", old.id, "superseded");
    assert_int_equal(
        count(w, "SELECT COUNT(*) FROM decisions WHERE case_id = ? AND status = 'active'", rr.id),
        1);
}

#define BOTH(f)                                                                                    \
    cmocka_unit_test_prestate_setup_teardown(f, setup, teardown, (void *)"cn-2017"),               \
        cmocka_unit_test_prestate_setup_teardown(f, setup, teardown, (void *)"vendor-review")
#define CN(f) cmocka_unit_test_prestate_setup_teardown(f, setup, teardown, (void *)"cn-2017")

int main(void)
{
    const struct CMUnitTest tests[] = {
        BOTH(test_tables_match_procedure),
        BOTH(test_transition_matrix),
        BOTH(test_transition_success),
        BOTH(test_conditions),
        CN(test_scoping_result),
        CN(test_sector_rule),
        BOTH(test_trigger_roles),
        CN(test_complaints_grouping),
        BOTH(test_re_review),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
