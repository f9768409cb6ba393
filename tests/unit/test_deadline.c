/*
 * test_deadline.c - unit tests of src/model/deadline.c and of the phase deadlines set by
 * src/model/case.c (interface review.h, R13): the due date of every phase counted in working days
 * on calendars/cn.json across the Spring Festival and National Day of 2026 and the turn of the
 * year, the clock stopped by a request for materials and restarted by their receipt, extensions
 * with their reasons, and the overdue list.
 *
 * The clock is fixed with NETREVIEW_NOW, set before each step (every call reads it). The expected
 * dates are worked out by hand from calendars/cn.json, day by day, in the comments beside them.
 * Reminders from that file for 2026: holidays 01-01..03, 02-15..23 (Spring Festival), 04-04..06,
 * 05-01..05, 06-19..21, 09-25..27 (Mid-Autumn), 10-01..07 (National Day); weekend days worked in
 * exchange 01-04 (Sun), 02-14 (Sat), 02-28 (Sat), 05-09 (Sat), 09-20 (Sun), 10-10 (Sat). 2027
 * (provisional): 01-01..03 off. A deadline of n working days is the n-th working day after the
 * day the phase is entered.
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

struct world {
    struct nr_fixture fx;
    struct nr_review *rv;
    struct nr_actor office, committee, prot, sect2, oper, prov, lab, e[6], public_;
};

/* Sets the clock: a date becomes 10:00 UTC of that day. */
static void at(const char *date)
{
    char now[32];
    snprintf(now, sizeof(now), "%sT10:00:00Z", date);
    setenv("NETREVIEW_NOW", now, 1);
}

static void org(struct world *w, const char *name, const char *kind, const char *sector, bool cii)
{
    struct nr_org_spec o = {.name = name, .kind = kind, .sector = sector, .cii = cii};
    CHECK(0, nr_org_add(w->rv, &w->fx.admin, &o, NULL, &E));
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
    struct nr_product_spec p = {.name = "Router X", .provider = "Huaxin Networks"};
    struct nr_institution_spec inst = {
        .org = "Lab One", .methods = "lab_testing", .from = "2025-01-01", .ref = "D-1"};
    char login[8];

    assert_non_null(w);
    at("2026-01-05");
    nr_fixture_open(&w->fx, procedure);
    w->rv = &w->fx.rv;
    nr_actor_public(&w->public_);
    org(w, "Review Office", "office", NULL, false);
    org(w, "Review Committee", "committee", NULL, false);
    org(w, "Experts Committee", "experts_committee", NULL, false);
    org(w, "Finance Protection", "protection_dept", "finance", false);
    org(w, "Telecom Regulator", "sector_dept", "telecom", false);
    org(w, "Bank A", "operator", "finance", true);
    org(w, "Huaxin Networks", "provider", NULL, false);
    org(w, "Lab One", "institution", NULL, false);
    user(w, "office1", "Review Office", "office", &w->office);
    user(w, "chair", "Review Committee", "committee", &w->committee);
    user(w, "prot1", "Finance Protection", "protection_dept", &w->prot);
    user(w, "sect2", "Telecom Regulator", "sector_dept", &w->sect2);
    user(w, "bank1", "Bank A", "operator", &w->oper);
    user(w, "vendor1", "Huaxin Networks", "provider", &w->prov);
    user(w, "lab1", "Lab One", "institution", &w->lab);
    for (int i = 1; i <= 5; i++) {
        snprintf(login, sizeof(login), "e%d", i);
        user(w, login, "Experts Committee", "expert", &w->e[i]);
        CHECK(0, nr_expert_appoint(w->rv, &w->fx.admin, login, "networks", "2025-01-01", NULL, NULL,
                                   &E));
    }
    CHECK(0, nr_product_add(w->rv, &w->fx.admin, &p, NULL, &E));
    CHECK(0, nr_institution_designate(w->rv, &w->fx.admin, &inst, NULL, &E));
    return w;
}

static int setup(void **state)
{
    *state = world_open(*state ? *state : "cn-2017");
    return 0;
}

static int teardown(void **state)
{
    struct world *w = *state;
    nr_fixture_close(&w->fx);
    free(w);
    return 0;
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

static void expect_text(struct world *w, const char *sql, int64_t id, const char *want)
{
    char *s = text_of(w, sql, id);
    if (want == NULL && s != NULL)
        fail_msg("%s (%lld): %s, expected NULL", sql, (long long)id, s);
    if (want != NULL && (s == NULL || strcmp(s, want) != 0))
        fail_msg("%s (%lld): %s, expected %s", sql, (long long)id, s ? s : "NULL", want);
    nr_free(s);
}

static int64_t count(struct world *w, const char *sql, int64_t id)
{
    int64_t n = -1;
    CHECK(0, nr_store_query_int(w->rv->st, &E, &n, sql, "i", id));
    return n;
}

/* The due date of the case and of its open phase-history row, which must agree. */
static void expect_due(struct world *w, int64_t id, const char *phase, const char *due)
{
    expect_text(w, "SELECT phase FROM cases WHERE id = ?", id, phase);
    expect_text(w, "SELECT phase_due FROM cases WHERE id = ?", id, due);
    expect_text(w, "SELECT due FROM case_phases WHERE case_id = ? AND left_at IS NULL", id, due);
}

static void expect_paused(struct world *w, int64_t id, const char *since)
{
    expect_text(w, "SELECT paused_on FROM cases WHERE id = ?", id, since);
}

/* A case opened on `date` by the office (state requirement): in acceptance, sector finance. */
static int64_t open_on(struct world *w, const char *date)
{
    struct nr_case_spec cs = {
        .trigger = strcmp(w->rv->proc.id, "cn-2017") == 0 ? "state_requirement" : "vendor_request",
        .product = "Router X",
        .sector = "finance"};
    int64_t id = 0;
    at(date);
    CHECK(0, nr_case_open(w->rv, &w->office, &cs, &id, &E));
    return id;
}

static void transition(struct world *w, const struct nr_actor *a, int64_t id, const char *t,
                       const char *date)
{
    static const struct nr_decision_spec dec = {.outcome = "passed", .rationale = "no risk found"};
    at(date);
    CHECK(0,
          nr_case_transition(w->rv, a, id, t, "the reason", strcmp(t, "decide") ? NULL : &dec, &E));
}

/* ---- the due date of every phase ---- */

struct due_case {
    const char *phase, *entered, *due;
};

/* cn-2017: scoping 10, acceptance 10, evaluation 30, expert review 15, special review 90. */
static const struct due_case cn_dues[] = {
    /* Spring Festival. Entered Friday 02-13: 02-14 (Sat, worked) is the 1st working day,
     * 02-15..23 are off, 02-24..27 the 2nd..5th, 02-28 (Sat, worked) the 6th, 03-02..05 the
     * 7th..10th. */
    {"scoping", "2026-02-13", "2026-03-05"},
    {"acceptance", "2026-02-13", "2026-03-05"},
    /* ... 03-06 11th, 03-09..12 12th..15th, 03-13 16th, 03-16..20 17th..21st, 03-23..27
     * 22nd..26th, 03-30..04-02 27th..30th (04-04..06 Qingming would come next). */
    {"expert_review", "2026-02-13", "2026-03-12"},
    {"evaluation", "2026-02-13", "2026-04-02"},
    {"special_review", "2026-02-13", "2026-07-01"},
    /* Entered Monday 02-09: 02-10..13 1st..4th, 02-14 (Sat, worked) 5th: the deadline of 5
     * working days falls on a worked Saturday (vendor-review's acceptance, below) and that of 10
     * on the next one: 02-24..27 6th..9th, 02-28 (Sat, worked) the 10th. */
    {"acceptance", "2026-02-09", "2026-02-28"},
    /* National Day. Entered Wednesday 09-30: 10-01..07 are off, 10-08 and 10-09 are the 1st and
     * 2nd, 10-10 (Sat, worked) the 3rd, 10-12..16 4th..8th, 10-19 9th, 10-20 10th. */
    {"scoping", "2026-09-30", "2026-10-20"},
    {"acceptance", "2026-09-30", "2026-10-20"},
    /* ... 10-21..23 11th..13th, 10-26, 10-27 14th, 15th. */
    {"expert_review", "2026-09-30", "2026-10-27"},
    /* ... 10-28..30 16th..18th, 11-02..06 19th..23rd, 11-09..13 24th..28th, 11-16, 11-17. */
    {"evaluation", "2026-09-30", "2026-11-17"},
    {"special_review", "2026-09-30", "2027-02-16"},
    /* Entered on a holiday (Saturday 10-03): counted from the next working day, like 09-30. */
    {"acceptance", "2026-10-03", "2026-10-20"},
    /* Year end. Entered Thursday 12-24: 12-25 1st, 12-28..31 2nd..5th, 2027-01-01..03 off,
     * 01-04..08 6th..10th. */
    {"scoping", "2026-12-24", "2027-01-08"},
    {"acceptance", "2026-12-24", "2027-01-08"},
    /* ... 01-11..15 11th..15th. */
    {"expert_review", "2026-12-24", "2027-01-15"},
    /* ... 01-18..22 16th..20th, 01-25..29 21st..25th, 02-01..04 26th..30th. */
    {"evaluation", "2026-12-24", "2027-02-04"},
    {"special_review", "2026-12-24", "2027-05-11"},
    /* Phases without a deadline. */
    {"decided", "2026-02-13", NULL},
    {"published", "2026-02-13", NULL},
    {"withdrawn", "2026-02-13", NULL},
    {"no_such_phase", "2026-02-13", NULL},
};

/* vendor-review: acceptance 5, evaluation 20, expert review 10 (counted as above). */
static const struct due_case vr_dues[] = {
    {"acceptance", "2026-02-13", "2026-02-27"},    /* 02-14, 02-24..27 */
    {"expert_review", "2026-02-13", "2026-03-05"}, /* as cn's 10 */
    {"evaluation", "2026-02-13", "2026-03-19"},    /* ... 03-06, 03-09..13, 03-16..19 */
    {"acceptance", "2026-02-09", "2026-02-14"},    /* 02-10..13, 02-14 (Sat, worked) */
    {"acceptance", "2026-09-30", "2026-10-13"},    /* 10-08, 10-09, 10-10, 10-12, 10-13 */
    {"expert_review", "2026-09-30", "2026-10-20"},
    {"evaluation", "2026-09-30", "2026-11-03"}, /* ... 10-21..23, 10-26..30, 11-02, 11-03 */
    {"acceptance", "2026-12-24", "2026-12-31"}, /* 12-25, 12-28..31 */
    {"expert_review", "2026-12-24", "2027-01-08"},
    {"evaluation", "2026-12-24", "2027-01-22"}, /* ... 01-11..15, 01-18..22 */
    {"scoping", "2026-02-13", NULL},            /* not a phase of vendor-review */
    {"decided", "2026-02-13", NULL},
};

static void check_dues(struct world *w, const struct due_case *d, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int32_t entered, due;
        char got[NR_DATE_STR];
        assert_int_equal(nr_date_parse(d[i].entered, &entered), 0);
        due = nr_deadline_due(w->rv, d[i].phase, entered);
        if (d[i].due == NULL) {
            if (due >= 0)
                fail_msg("%s entered %s: due %d, expected none", d[i].phase, d[i].entered, due);
            continue;
        }
        assert_true(due >= 0);
        nr_date_fmt(due, got);
        if (strcmp(got, d[i].due) != 0)
            fail_msg("%s entered %s: due %s, expected %s", d[i].phase, d[i].entered, got, d[i].due);
    }
}

static void test_due_cn(void **state)
{
    struct world *w = *state;
    check_dues(w, cn_dues, NR_ARRAY_LEN(cn_dues));
}

static void test_due_vendor(void **state)
{
    struct world *w = *state;
    check_dues(w, vr_dues, NR_ARRAY_LEN(vr_dues));
    /* A case entering acceptance on 02-09 is due on the worked Saturday. */
    expect_due(w, open_on(w, "2026-02-09"), "acceptance", "2026-02-14");
}

/* The same dates set on real cases as they enter each phase (R13). */
static void test_due_on_cases(void **state)
{
    struct world *w = *state;
    struct nr_declaration_spec d = {.product = "Router X", .versions = "*"};
    struct nr_task_spec task = {.institution = "Lab One", .method = "lab_testing"};
    int64_t id = 0, t = 0;

    at("2026-02-13");
    CHECK(0, nr_declaration_file(w->rv, &w->oper, &d, &id, &E));
    expect_due(w, id, "scoping", "2026-03-05");
    transition(w, &w->prot, id, "scope_in", "2026-02-13");
    expect_due(w, id, "acceptance", "2026-03-05");
    transition(w, &w->office, id, "accept", "2026-02-13");
    expect_due(w, id, "evaluation", "2026-04-02");
    CHECK(0, nr_commitment_sign(w->rv, &w->prov, id, "No backdoors.", &E));
    CHECK(0, nr_task_assign(w->rv, &w->office, id, &task, &t, &E));
    /* A task without its own deadline takes the phase's. */
    expect_text(w, "SELECT due FROM tasks WHERE id = ?", t, "2026-04-02");
    CHECK(0, nr_task_report(w->rv, &w->lab, t, "Tested.", "GB/T 18336", &E));
    CHECK(0, nr_panel_form(w->rv, &w->office, id, NULL, &E));
    transition(w, &w->office, id, "submit_to_experts", "2026-02-13");
    expect_due(w, id, "expert_review", "2026-03-12");
    for (int i = 1; i <= 5; i++)
        for (size_t k = 0; k < w->rv->proc.ndimensions; k++)
            CHECK(0, nr_score_submit(w->rv, &w->e[i], id, w->rv->proc.dimensions[k], "none",
                                     "Read the report.", &E));
    transition(w, &w->office, id, "open_special_review", "2026-02-13");
    expect_due(w, id, "special_review", "2026-07-01");
    transition(w, &w->office, id, "decide", "2026-02-13");
    expect_due(w, id, "decided", NULL);
    /* The history keeps each phase's due date. */
    assert_int_equal(count(w,
                           "SELECT COUNT(*) FROM case_phases WHERE case_id = ? AND due IS NOT "
                           "NULL",
                           id),
                     5);

    /* Entered across National Day and the year end. */
    at("2026-09-30");
    CHECK(0, nr_declaration_file(w->rv, &w->oper, &d, &id, &E));
    expect_due(w, id, "scoping", "2026-10-20");
    transition(w, &w->prot, id, "scope_in", "2026-12-24");
    expect_due(w, id, "acceptance", "2027-01-08");
    expect_text(w, "SELECT phase_entered_on FROM cases WHERE id = ?", id, "2026-12-24");
    /* The scoping row was left when acceptance was entered, and keeps its own due date. */
    expect_text(w,
                "SELECT due || ' ' || left_at FROM case_phases WHERE case_id = ? AND phase = "
                "'scoping'",
                id, "2026-10-20 2026-12-24T10:00:00Z");
}

/* ---- the clock stops for materials (R13) ---- */

static void test_materials_pause(void **state)
{
    struct world *w = *state;
    int64_t a, b, c, n;

    /* A: evaluation entered Monday 09-21, due 11-09 (09-22..24 1st..3rd, 09-25..27 off,
     * 09-28..30 4th..6th, 10-08 7th, 10-09 8th, 10-10 (Sat, worked) 9th, then five weeks of five
     * days to 11-06, the 29th, and 11-09 the 30th). */
    a = open_on(w, "2026-09-21");
    transition(w, &w->office, a, "accept", "2026-09-21");
    expect_due(w, a, "evaluation", "2026-11-09");

    /* Requested on 09-30; the clock stops that day. */
    at("2026-09-30");
    CHECK(0, nr_materials_request(w->rv, &w->office, a, "the firmware build scripts", &E));
    expect_paused(w, a, "2026-09-30");
    expect_due(w, a, "evaluation", "2026-11-09");
    /* A second request while stopped does not move when it stopped. */
    at("2026-10-08");
    CHECK(0, nr_materials_request(w->rv, &w->office, a, "the SBOM of version 2.1", &E));
    expect_paused(w, a, "2026-09-30");
    /* A stopped clock is not overdue, whatever the date. */
    {
        json_t *list = NULL;
        at("2026-12-01");
        CHECK(0, nr_case_overdue(w->rv, &w->office, &list, &E));
        assert_int_equal(json_array_size(list), 0);
        json_decref(list);
    }
    /* Received on Friday 10-09: it stood still over 10-08 and 10-09 (10-01..07 are off), two
     * working days, so the deadline moves from 11-09 by two working days to 11-11. Both
     * requests are settled with the days they cost. */
    at("2026-10-09");
    CHECK(0, nr_materials_receive(w->rv, &w->prov, a, &E));
    expect_paused(w, a, NULL);
    expect_due(w, a, "evaluation", "2026-11-11");
    assert_int_equal(count(w,
                           "SELECT COUNT(*) FROM material_requests WHERE case_id = ? AND "
                           "received_on = '2026-10-09' AND paused_days = 2",
                           a),
                     2);
    assert_int_equal(count(w,
                           "SELECT COUNT(*) FROM audit WHERE case_id = ? AND action = "
                           "'materials.receive' AND detail LIKE '%after 2 working days%'",
                           a),
                     1);
    /* Nothing is outstanding any more. */
    n = count(w, "SELECT COUNT(*) FROM audit WHERE ? > 0", 1);
    CHECK(NR_EPRECOND, nr_materials_receive(w->rv, &w->office, a, &E));
    assert_int_equal(count(w, "SELECT COUNT(*) FROM audit WHERE ? > 0", 1), n);

    /* B: acceptance entered Monday 02-09, due on the worked Saturday 02-28; stopped on 02-12,
     * received on 02-25: it stood still over 02-13, 02-14 (Sat, worked), 02-24 and 02-25 (the
     * Spring Festival between is off), four working days: 02-28 + 4 = 03-05 (03-02..05). */
    b = open_on(w, "2026-02-09");
    expect_due(w, b, "acceptance", "2026-02-28");
    at("2026-02-12");
    CHECK(0, nr_materials_request(w->rv, &w->office, b, "the contract", &E));
    at("2026-02-25");
    CHECK(0, nr_materials_receive(w->rv, &w->prov, b, &E));
    expect_due(w, b, "acceptance", "2026-03-05");

    /* C: requested and received the same day: no working day lost, nothing moves. */
    c = open_on(w, "2026-03-02");
    expect_due(w, c, "acceptance", "2026-03-16");
    at("2026-03-04");
    CHECK(0, nr_materials_request(w->rv, &w->office, c, "the contract", &E));
    CHECK(0, nr_materials_receive(w->rv, &w->office, c, &E));
    expect_due(w, c, "acceptance", "2026-03-16");
    /* Stopped over a weekend only (Fri 03-06 to Mon 03-09): one working day, 03-09. */
    at("2026-03-06");
    CHECK(0, nr_materials_request(w->rv, &w->office, c, "the SBOM", &E));
    at("2026-03-09");
    CHECK(0, nr_materials_receive(w->rv, &w->office, c, &E));
    expect_due(w, c, "acceptance", "2026-03-17");

    /* A request outstanding when the phase ends is settled with it; the new phase's clock
     * runs from the day it is entered. */
    at("2026-03-10");
    CHECK(0, nr_materials_request(w->rv, &w->office, c, "the test plan", &E));
    transition(w, &w->office, c, "accept", "2026-03-11");
    expect_paused(w, c, NULL);
    /* 03-11 + 30: 03-12, 03-13, 03-16..20, 03-23..27, 03-30..04-03 (17th), 04-07..10 (21st),
     * 04-13..17 (26th), 04-20..23 (30th). */
    expect_due(w, c, "evaluation", "2026-04-23");
    assert_int_equal(count(w,
                           "SELECT COUNT(*) FROM material_requests WHERE case_id = ? AND "
                           "received_at IS NULL",
                           c),
                     0);

    /* Refusals, each leaving no request behind: no text, a role that may not ask, a phase
     * where nothing is asked, a case the actor may not see. */
    n = count(w, "SELECT COUNT(*) FROM material_requests WHERE ? > 0", 1);
    CHECK(NR_EINVAL, nr_materials_request(w->rv, &w->office, c, NULL, &E));
    assert_string_equal(E.field, "what");
    CHECK(NR_EINVAL, nr_materials_request(w->rv, &w->office, c, "  ", &E));
    CHECK(NR_EFORBIDDEN, nr_materials_request(w->rv, &w->prov, c, "anything", &E));
    CHECK(NR_ENOTFOUND, nr_materials_request(w->rv, &w->sect2, c, "anything", &E));
    CHECK(NR_ENOTFOUND, nr_materials_request(w->rv, &w->public_, c, "anything", &E));
    {
        char big[16 * 1024 + 2];
        memset(big, 'x', sizeof(big) - 1);
        big[sizeof(big) - 1] = '\0';
        CHECK(NR_ETOOBIG, nr_materials_request(w->rv, &w->office, c, big, &E));
    }
    transition(w, &w->office, b, "refuse", "2026-03-12");
    CHECK(NR_EPHASE, nr_materials_request(w->rv, &w->office, b, "anything", &E));
    assert_int_equal(count(w, "SELECT COUNT(*) FROM material_requests WHERE ? > 0", 1), n);
    /* Only roles of materials.receive restart the clock. */
    at("2026-03-12");
    CHECK(0, nr_materials_request(w->rv, &w->office, c, "the SBOM", &E));
    CHECK(NR_EFORBIDDEN, nr_materials_receive(w->rv, &w->committee, c, &E));
    expect_paused(w, c, "2026-03-12");
}

/* ---- extensions (R13) ---- */

static void test_extend(void **state)
{
    struct world *w = *state;
    int64_t id, n;
    char *before, *after;

    /* Acceptance entered Monday 03-02, due 03-16 (03-03..06, 03-09..13, 03-16). */
    id = open_on(w, "2026-03-02");
    expect_due(w, id, "acceptance", "2026-03-16");

    /* Refused: no reason, a blank one, days out of 1..250, a role that may not, an outsider. */
    before = nr_asprintf("%lld", (long long)count(w, "SELECT COUNT(*) FROM audit WHERE ? > 0", 1));
    at("2026-03-10");
    CHECK(NR_EINVAL, nr_deadline_extend(w->rv, &w->office, id, 5, NULL, &E));
    assert_string_equal(E.field, "reason");
    CHECK(NR_EINVAL, nr_deadline_extend(w->rv, &w->office, id, 5, "", &E));
    assert_string_equal(E.field, "reason");
    CHECK(NR_EINVAL, nr_deadline_extend(w->rv, &w->office, id, 5, " \t", &E));
    CHECK(NR_EINVAL, nr_deadline_extend(w->rv, &w->office, id, 0, "lab busy", &E));
    assert_string_equal(E.field, "days");
    CHECK(NR_EINVAL, nr_deadline_extend(w->rv, &w->office, id, -3, "lab busy", &E));
    CHECK(NR_EINVAL, nr_deadline_extend(w->rv, &w->office, id, 251, "lab busy", &E));
    assert_string_equal(E.field, "days");
    CHECK(NR_EFORBIDDEN, nr_deadline_extend(w->rv, &w->prov, id, 5, "please", &E));
    CHECK(NR_EFORBIDDEN, nr_deadline_extend(w->rv, &w->committee, id, 5, "please", &E));
    CHECK(NR_ENOTFOUND, nr_deadline_extend(w->rv, &w->sect2, id, 5, "please", &E));
    CHECK(NR_EFORBIDDEN, nr_deadline_extend(w->rv, &w->fx.admin, id, 5, "please", &E));
    after = nr_asprintf("%lld", (long long)count(w, "SELECT COUNT(*) FROM audit WHERE ? > 0", 1));
    assert_string_equal(before, after);
    nr_free(before);
    nr_free(after);
    assert_int_equal(count(w, "SELECT COUNT(*) FROM extensions WHERE case_id = ?", id), 0);
    expect_due(w, id, "acceptance", "2026-03-16");

    /* Five working days with a reason: 03-16 + 5 = 03-23 (03-17..20, 03-23). */
    CHECK(0, nr_deadline_extend(w->rv, &w->office, id, 5, "the provider asked for a meeting", &E));
    expect_due(w, id, "acceptance", "2026-03-23");
    expect_text(w,
                "SELECT phase || ' ' || days || ' ' || old_due || ' ' || new_due || ' ' || "
                "reason FROM extensions WHERE case_id = ?",
                id, "acceptance 5 2026-03-16 2026-03-23 the provider asked for a meeting");
    assert_int_equal(
        count(w, "SELECT COUNT(*) FROM audit WHERE case_id = ? AND action = 'deadline.extend'", id),
        1);
    /* The most, 250 working days, reaches into the provisional 2027 and across all its
     * holidays: 03-23 + 250 = 2027-03-25 (counted day by day over the file's lists). */
    CHECK(0, nr_deadline_extend(w->rv, &w->office, id, 250, "a year of lab work", &E));
    expect_due(w, id, "acceptance", "2027-03-25");
    assert_int_equal(count(w, "SELECT COUNT(*) FROM extensions WHERE case_id = ?", id), 2);

    /* A phase without a deadline has none to extend. */
    transition(w, &w->office, id, "refuse", "2026-03-12");
    n = count(w, "SELECT COUNT(*) FROM extensions WHERE ? > 0", 1);
    CHECK(NR_EPHASE, nr_deadline_extend(w->rv, &w->office, id, 5, "too late", &E));
    assert_int_equal(count(w, "SELECT COUNT(*) FROM extensions WHERE ? > 0", 1), n);
}

/* ---- the overdue list (R13) ---- */

static json_t *overdue_entry(json_t *list, int64_t id)
{
    size_t i;
    json_t *o;
    json_array_foreach(list, i, o)
    {
        if (json_integer_value(json_object_get(o, "id")) == id)
            return o;
    }
    return NULL;
}

static void expect_overdue(json_t *list, int64_t id, int days)
{
    json_t *o = overdue_entry(list, id);
    if (days < 0) {
        if (o)
            fail_msg("case %lld is listed as overdue", (long long)id);
        return;
    }
    if (o == NULL)
        fail_msg("case %lld is not listed as overdue", (long long)id);
    assert_true(json_is_true(json_object_get(o, "overdue")));
    assert_int_equal(json_integer_value(json_object_get(o, "working_days_overdue")), days);
}

static void test_overdue(void **state)
{
    struct world *w = *state;
    int64_t x, y, z, v, t;
    json_t *list = NULL;

    x = open_on(w, "2026-03-02"); /* due 03-16 */
    y = open_on(w, "2026-03-02"); /* due 03-16, then stopped */
    z = open_on(w, "2026-03-09"); /* due 03-23 (03-10..13, 03-16..20, 03-23) */
    v = open_on(w, "2026-03-05"); /* due 03-19 (03-06, 03-09..13, 03-16..19) */
    t = open_on(w, "2026-03-02"); /* refused: closed cases are never overdue */
    expect_due(w, z, "acceptance", "2026-03-23");
    expect_due(w, v, "acceptance", "2026-03-19");
    at("2026-03-10");
    CHECK(0, nr_materials_request(w->rv, &w->office, y, "the contract", &E));
    transition(w, &w->office, t, "refuse", "2026-03-10");

    /* Thursday 03-19: x is three working days late (03-17, 03-18, 03-19); v is due today, not
     * late; z not yet; y is stopped. */
    at("2026-03-19");
    CHECK(0, nr_case_overdue(w->rv, &w->office, &list, &E));
    assert_int_equal(json_array_size(list), 1);
    expect_overdue(list, x, 3);
    json_decref(list);

    /* Tuesday 04-07, after Qingming (04-04..06): x is 15 late (03-17..20, 03-23..27,
     * 03-30..04-03, 04-07), v 12, z 10 (03-24..27, 03-30..04-03, 04-07); y still stopped. */
    at("2026-04-07");
    CHECK(0, nr_case_overdue(w->rv, &w->office, &list, &E));
    assert_int_equal(json_array_size(list), 3);
    expect_overdue(list, x, 15);
    expect_overdue(list, v, 12);
    expect_overdue(list, z, 10);
    expect_overdue(list, y, -1);
    expect_overdue(list, t, -1);
    json_decref(list);
    /* On the holiday itself, 04-06, nothing more is late than on 04-03. */
    at("2026-04-06");
    CHECK(0, nr_case_overdue(w->rv, &w->office, &list, &E));
    expect_overdue(list, x, 14);
    json_decref(list);

    /* Once y's materials arrive on 04-07 its clock restarts with the 19 working days it stood
     * still (03-11..13, 03-16..20, 03-23..27, 03-30..04-03, 04-07): 03-16 + 19 = 04-13
     * (03-17..20, 03-23..27, 03-30..04-03, 04-07..10, 04-13), not yet late. An extension takes x
     * off the list too: 03-16 + 20 = 04-14. */
    at("2026-04-07");
    CHECK(0, nr_materials_receive(w->rv, &w->office, y, &E));
    expect_due(w, y, "acceptance", "2026-04-13");
    CHECK(0, nr_deadline_extend(w->rv, &w->office, x, 20, "the lab was closed", &E));
    expect_due(w, x, "acceptance", "2026-04-14");
    CHECK(0, nr_case_overdue(w->rv, &w->office, &list, &E));
    assert_int_equal(json_array_size(list), 2);
    expect_overdue(list, x, -1);
    expect_overdue(list, y, -1);
    json_decref(list);

    /* R11: each sees only the overdue cases it may see. */
    CHECK(0, nr_case_overdue(w->rv, &w->sect2, &list, &E));
    assert_int_equal(json_array_size(list), 0);
    json_decref(list);
    CHECK(0, nr_case_overdue(w->rv, &w->public_, &list, &E));
    assert_int_equal(json_array_size(list), 0);
    json_decref(list);
    CHECK(0, nr_case_overdue(w->rv, &w->prot, &list, &E));
    assert_int_equal(json_array_size(list), 2);
    json_decref(list);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_prestate_setup_teardown(test_due_cn, setup, teardown, (void *)"cn-2017"),
        cmocka_unit_test_prestate_setup_teardown(test_due_vendor, setup, teardown,
                                                 (void *)"vendor-review"),
        cmocka_unit_test_prestate_setup_teardown(test_due_on_cases, setup, teardown,
                                                 (void *)"cn-2017"),
        cmocka_unit_test_prestate_setup_teardown(test_materials_pause, setup, teardown,
                                                 (void *)"cn-2017"),
        cmocka_unit_test_prestate_setup_teardown(test_extend, setup, teardown, (void *)"cn-2017"),
        cmocka_unit_test_prestate_setup_teardown(test_overdue, setup, teardown, (void *)"cn-2017"),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
