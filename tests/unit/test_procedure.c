/*
 * test_procedure.c - unit tests of src/model/procedure.c: the shipped procedures load and have the
 * shape the workflow relies on; lookups answer; and every validation rule refuses a procedure
 * that breaks it with the exact JSON path and message. Malformed procedures are made by taking
 * procedures/cn-2017.json, changing one thing with jansson, and parsing the result.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "netreview/procedure.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netreview/banned.h"

#ifndef NR_SOURCE_DIR
#define NR_SOURCE_DIR "."
#endif

#define R(x) NR_ROLE_BIT(NR_ROLE_##x)
#define C(x) NR_COND_BIT(NR_COND_##x)

static char *procedure_path(const char *file)
{
    const char *dir = getenv("NR_SOURCE_DIR");

    if (dir == NULL || *dir == '\0')
        dir = NR_SOURCE_DIR;
    return nr_asprintf("%s/procedures/%s", dir, file);
}

static void load_shipped(struct nr_procedure *p, const char *file)
{
    struct nr_err err;
    char *path = procedure_path(file);
    int rc;

    nr_err_init(&err);
    rc = nr_procedure_load(p, path, &err);
    if (rc != 0)
        fail_msg("%s: %s", path, err.msg);
    assert_string_equal(p->path, path);
    nr_free(path);
}

static json_t *load_shipped_json(const char *file)
{
    json_error_t jerr;
    char *path = procedure_path(file);
    json_t *root = json_load_file(path, 0, &jerr);

    if (root == NULL)
        fail_msg("%s: %s", path, jerr.text);
    nr_free(path);
    return root;
}

static bool struct_is_released(const struct nr_procedure *p)
{
    static const struct nr_procedure zero;
    return memcmp(p, &zero, sizeof(zero)) == 0;
}

/* ---- the default procedure drives the workflow the way the workflow expects ---- */

struct want_phase {
    const char *id;
    int deadline;
    bool terminal, decision_valid;
};

struct want_trigger {
    const char *id;
    nr_role_set roles;
    const char *phase;
};

struct want_transition {
    const char *id;
    const char *from[6];
    const char *to;
    nr_role_set roles;
    nr_cond_set conds;
    unsigned needs;
};

struct want_action {
    const char *id;
    nr_role_set roles;
    const char *phases[12]; /* none = any non-terminal phase */
};

static const struct want_phase cn_phases[] = {
    {"scoping", 10, false, false},        {"acceptance", 10, false, false},
    {"evaluation", 30, false, false},     {"expert_review", 15, false, false},
    {"special_review", 90, false, false}, {"decided", 0, false, true},
    {"published", 0, false, true},        {"not_required", 0, true, false},
    {"refused", 0, true, false},          {"withdrawn", 0, true, false},
    {"closed", 0, true, false},
};

static const struct want_trigger cn_triggers[] = {
    {"state_requirement", R(STATE_DEPT) | R(SECTOR_DEPT) | R(OFFICE) | R(COMMITTEE), "acceptance"},
    {"association_recommendation", R(ASSOCIATION) | R(OFFICE), "acceptance"},
    {"complaints", R(OFFICE), "acceptance"},
    {"provider_application", R(PROVIDER), "acceptance"},
    {"procurement_declaration", R(OPERATOR), "scoping"},
    {"re_review", R(OFFICE) | R(COMMITTEE), "acceptance"},
    {"national_security_procurement", R(OPERATOR), "acceptance"},
};

static const struct want_transition cn_transitions[] = {
    {"scope_in", {"scoping"}, "acceptance", R(PROTECTION_DEPT), 0, NR_NEEDS_REASON},
    {"scope_out", {"scoping"}, "not_required", R(PROTECTION_DEPT), 0, NR_NEEDS_REASON},
    {"accept", {"acceptance"}, "evaluation", R(OFFICE) | R(SECTOR_DEPT), 0, 0},
    {"refuse", {"acceptance"}, "refused", R(OFFICE) | R(SECTOR_DEPT), 0, NR_NEEDS_REASON},
    {"submit_to_experts",
     {"evaluation"},
     "expert_review",
     R(OFFICE) | R(SECTOR_DEPT),
     C(COMMITMENT_SIGNED) | C(TASK_ASSIGNED) | C(ALL_TASKS_REPORTED) | C(NO_PENDING_MATERIALS),
     0},
    {"open_special_review", {"expert_review"}, "special_review", R(OFFICE), 0, NR_NEEDS_REASON},
    {"decide",
     {"expert_review", "special_review"},
     "decided",
     R(OFFICE) | R(SECTOR_DEPT),
     C(PANEL_COMPLETE) | C(ALL_SCORED),
     NR_NEEDS_DECISION},
    {"publish", {"decided"}, "published", R(OFFICE), C(DECISION_RECORDED), 0},
    {"withdraw",
     {"scoping", "acceptance", "evaluation", "expert_review", "special_review"},
     "withdrawn",
     R(OFFICE) | R(COMMITTEE),
     0,
     NR_NEEDS_REASON},
    {"revoke", {"decided", "published"}, "withdrawn", R(OFFICE) | R(COMMITTEE), 0, NR_NEEDS_REASON},
    {"supersede", {"decided", "published"}, "closed", R(OFFICE) | R(COMMITTEE), 0, NR_NEEDS_REASON},
};

#define REVIEW_PHASES "acceptance", "evaluation", "expert_review", "special_review"

static const struct want_action cn_actions[] = {
    {"commitment.sign", R(PROVIDER), {"acceptance", "evaluation"}},
    {"materials.request", R(OFFICE) | R(SECTOR_DEPT) | R(INSTITUTION), {REVIEW_PHASES}},
    {"materials.receive", R(OFFICE) | R(SECTOR_DEPT) | R(PROVIDER), {REVIEW_PHASES}},
    {"deadline.extend", R(OFFICE) | R(SECTOR_DEPT), {"scoping", REVIEW_PHASES}},
    {"task.assign", R(OFFICE) | R(SECTOR_DEPT), {"evaluation"}},
    {"task.report", R(INSTITUTION), {"evaluation"}},
    {"evidence.add", R(OFFICE) | R(INSTITUTION) | R(PROVIDER), {REVIEW_PHASES}},
    {"evidence.read",
     R(OFFICE) | R(SECTOR_DEPT) | R(INSTITUTION) | R(EXPERT) | R(COMMITTEE),
     {"scoping", REVIEW_PHASES, "decided", "published", "not_required", "refused", "withdrawn",
      "closed"}},
    {"finding.add", R(OFFICE) | R(INSTITUTION), {"evaluation"}},
    {"panel.form", R(OFFICE) | R(SECTOR_DEPT), {"evaluation", "expert_review"}},
    {"panel.recuse", R(EXPERT), {"expert_review", "special_review"}},
    {"score.submit", R(EXPERT), {"expert_review", "special_review"}},
    {"complaint.attach", R(OFFICE), {NULL}},
};

static size_t count(const char *const *v, size_t max)
{
    size_t n = 0;
    while (n < max && v[n] != NULL)
        n++;
    return n;
}

static void test_cn2017_settings(void **state)
{
    static const char *const categories[] = {"control", "supply_chain", "user_data", "dependence",
                                             "other"};
    static const char *const scale[] = {"none", "low", "medium", "high", "critical"};
    static const char *const methods[] = {"lab_testing", "on_site_inspection", "online_monitoring",
                                          "background_investigation"};
    struct nr_procedure p;

    (void)state;
    load_shipped(&p, "cn-2017.json");
    assert_string_equal(p.id, "cn-2017");
    assert_string_equal(p.calendar, "cn");
    assert_non_null(strstr(p.title, "2017"));
    assert_int_equal(p.ncategories, NR_ARRAY_LEN(categories));
    for (size_t i = 0; i < NR_ARRAY_LEN(categories); i++)
        assert_string_equal(p.categories[i], categories[i]);
    assert_int_equal(p.nscale, NR_ARRAY_LEN(scale));
    for (size_t i = 0; i < NR_ARRAY_LEN(scale); i++)
        assert_string_equal(p.scale[i], scale[i]);
    assert_int_equal(p.nmethods, NR_ARRAY_LEN(methods));
    for (size_t i = 0; i < NR_ARRAY_LEN(methods); i++)
        assert_string_equal(p.methods[i], methods[i]);
    /* R4 and Art. 6/12: the five categories plus the supplier, each explained to the experts. */
    assert_int_equal(p.ndimensions, 6);
    for (size_t i = 0; i < 5; i++)
        assert_string_equal(p.dimensions[i], categories[i]);
    assert_string_equal(p.dimensions[5], "supplier");
    for (size_t i = 0; i < p.ndimensions; i++) {
        assert_true(strlen(p.dimension_titles[i]) > 0);
        assert_true(strlen(p.dimension_descriptions[i]) > 20);
    }
    assert_int_equal(p.fail_at, 3);
    assert_int_equal(p.conditions_at, 2);
    assert_int_equal(p.panel_size, 5);
    assert_int_equal(p.max_tasks, 8);
    assert_int_equal(p.validity_days, 1095);
    assert_string_equal(nr_procedure_role_title(&p, NR_ROLE_OFFICE), "Cybersecurity Review Office");
    nr_procedure_release(&p);
}

static void test_cn2017_workflow(void **state)
{
    struct nr_procedure p;

    (void)state;
    load_shipped(&p, "cn-2017.json");

    assert_int_equal(p.nphases, NR_ARRAY_LEN(cn_phases));
    for (size_t i = 0; i < NR_ARRAY_LEN(cn_phases); i++) {
        const struct nr_phase *ph = nr_procedure_phase(&p, cn_phases[i].id);
        assert_non_null(ph);
        assert_int_equal(ph->deadline_days, cn_phases[i].deadline);
        assert_int_equal(ph->terminal, cn_phases[i].terminal);
        assert_int_equal(ph->decision_valid, cn_phases[i].decision_valid);
        assert_true(strlen(ph->title) > 0);
    }

    assert_int_equal(p.ntriggers, NR_ARRAY_LEN(cn_triggers));
    for (size_t i = 0; i < NR_ARRAY_LEN(cn_triggers); i++) {
        const struct nr_trigger *t = nr_procedure_trigger(&p, cn_triggers[i].id);
        assert_non_null(t);
        assert_int_equal(t->roles, cn_triggers[i].roles);
        assert_string_equal(t->phase, cn_triggers[i].phase);
    }

    assert_int_equal(p.ntransitions, NR_ARRAY_LEN(cn_transitions));
    for (size_t i = 0; i < NR_ARRAY_LEN(cn_transitions); i++) {
        const struct want_transition *w = &cn_transitions[i];
        const struct nr_transition *t = nr_procedure_transition(&p, w->id);
        assert_non_null(t);
        assert_int_equal(t->nfrom, count(w->from, NR_ARRAY_LEN(w->from)));
        for (size_t j = 0; j < t->nfrom; j++)
            assert_string_equal(t->from[j], w->from[j]);
        assert_string_equal(t->to, w->to);
        assert_int_equal(t->roles, w->roles);
        assert_int_equal(t->conds, w->conds);
        assert_int_equal(t->needs, w->needs);
    }

    assert_int_equal(p.nactions, NR_ARRAY_LEN(cn_actions));
    for (size_t i = 0; i < NR_ARRAY_LEN(cn_actions); i++) {
        const struct want_action *w = &cn_actions[i];
        const struct nr_action *a = nr_procedure_action(&p, w->id);
        assert_non_null(a);
        assert_int_equal(a->roles, w->roles);
        assert_int_equal(a->nphases, count(w->phases, NR_ARRAY_LEN(w->phases)));
        for (size_t j = 0; j < a->nphases; j++)
            assert_string_equal(a->phases[j], w->phases[j]);
    }
    nr_procedure_release(&p);
}

static void test_lookups(void **state)
{
    struct nr_procedure p;
    const struct nr_transition *decide;

    (void)state;
    load_shipped(&p, "cn-2017.json");
    assert_null(nr_procedure_phase(&p, "evaluaton"));
    assert_null(nr_procedure_phase(&p, NULL));
    assert_null(nr_procedure_transition(&p, "approve"));
    assert_null(nr_procedure_action(&p, "task.delete"));
    assert_null(nr_procedure_trigger(&p, "rumour"));

    decide = nr_procedure_transition(&p, "decide");
    assert_true(nr_transition_from(decide, "expert_review"));
    assert_true(nr_transition_from(decide, "special_review"));
    assert_false(nr_transition_from(decide, "evaluation"));
    assert_false(nr_transition_from(decide, NULL));

    /* An explicit list, terminal phases included: a read is allowed after the decision. */
    assert_true(nr_action_in_phase(&p, nr_procedure_action(&p, "evidence.read"), "closed"));
    assert_true(nr_action_in_phase(&p, nr_procedure_action(&p, "evidence.read"), "scoping"));
    assert_false(nr_action_in_phase(&p, nr_procedure_action(&p, "score.submit"), "evaluation"));
    assert_true(nr_action_in_phase(&p, nr_procedure_action(&p, "score.submit"), "special_review"));
    /* No list: every non-terminal phase, and nothing else. */
    assert_true(nr_action_in_phase(&p, nr_procedure_action(&p, "complaint.attach"), "scoping"));
    assert_true(nr_action_in_phase(&p, nr_procedure_action(&p, "complaint.attach"), "published"));
    assert_false(nr_action_in_phase(&p, nr_procedure_action(&p, "complaint.attach"), "refused"));
    assert_false(nr_action_in_phase(&p, nr_procedure_action(&p, "complaint.attach"), "limbo"));
    assert_false(nr_action_in_phase(&p, nr_procedure_action(&p, "complaint.attach"), NULL));

    assert_int_equal(nr_procedure_level(&p, "none"), 0);
    assert_int_equal(nr_procedure_level(&p, "critical"), 4);
    assert_int_equal(nr_procedure_level(&p, "severe"), -1);
    assert_int_equal(nr_procedure_level(&p, NULL), -1);
    assert_int_equal(nr_procedure_dimension(&p, "supplier"), 5);
    assert_int_equal(nr_procedure_dimension(&p, "control"), 0);
    assert_int_equal(nr_procedure_dimension(&p, "price"), -1);
    assert_true(nr_procedure_has_category(&p, "dependence"));
    assert_false(nr_procedure_has_category(&p, "supplier"));
    assert_false(nr_procedure_has_category(&p, NULL));
    assert_true(nr_procedure_has_method(&p, "online_monitoring"));
    assert_false(nr_procedure_has_method(&p, "penetration_test"));

    assert_string_equal(nr_procedure_role_title(&p, NR_ROLE_PUBLIC), "The public");
    assert_string_equal(nr_procedure_role_title(&p, -1), "?");
    assert_string_equal(nr_procedure_role_title(&p, NR_ROLE__COUNT), "?");
    nr_procedure_release(&p);
}

static void test_recommend(void **state)
{
    struct nr_procedure p;
    /* none=0 low=1 medium=2 high=3 critical=4; fail_at high, conditions_at medium */
    const int all_low[] = {0, 1, 1, 0, 1, 0};
    const int one_medium[] = {0, 1, 2, 0, 1, 0};
    const int one_high[] = {0, 1, 2, 3, 1, 0};
    const int critical_last[] = {0, 0, 0, 0, 0, 4};
    const int unscored[] = {-1, -1};

    (void)state;
    load_shipped(&p, "cn-2017.json");
    assert_string_equal(nr_procedure_recommend(&p, all_low, 6), "passed");
    assert_string_equal(nr_procedure_recommend(&p, one_medium, 6), "passed_with_conditions");
    assert_string_equal(nr_procedure_recommend(&p, one_high, 6), "failed");
    assert_string_equal(nr_procedure_recommend(&p, critical_last, 6), "failed");
    assert_string_equal(nr_procedure_recommend(&p, critical_last, 5), "passed");
    assert_string_equal(nr_procedure_recommend(&p, NULL, 0), "passed");
    assert_string_equal(nr_procedure_recommend(&p, unscored, 2), "passed");
    nr_procedure_release(&p);

    /* The vendor review attaches conditions from "low" upwards. */
    load_shipped(&p, "vendor-review.json");
    assert_string_equal(nr_procedure_recommend(&p, all_low, 6), "passed_with_conditions");
    assert_string_equal(nr_procedure_recommend(&p, one_high, 6), "failed");
    nr_procedure_release(&p);
}

static void test_role_and_condition_names(void **state)
{
    (void)state;
    for (int r = 0; r < NR_ROLE__COUNT; r++)
        assert_int_equal(nr_role_parse(nr_role_name(r)), r);
    assert_int_equal(nr_role_parse("protection_dept"), NR_ROLE_PROTECTION_DEPT);
    assert_int_equal(nr_role_parse("public"), NR_ROLE_PUBLIC);
    assert_int_equal(nr_role_parse("Office"), -1);
    assert_int_equal(nr_role_parse(""), -1);
    assert_int_equal(nr_role_parse(NULL), -1);
    assert_string_equal(nr_role_name(-1), "?");
    assert_string_equal(nr_role_name(NR_ROLE__COUNT), "?");

    for (int c = 0; c < NR_COND__COUNT; c++)
        assert_int_equal(nr_cond_parse(nr_cond_name(c)), c);
    assert_int_equal(nr_cond_parse("no_pending_materials"), NR_COND_NO_PENDING_MATERIALS);
    assert_int_equal(nr_cond_parse("all_scored "), -1);
    assert_int_equal(nr_cond_parse(NULL), -1);
    assert_string_equal(nr_cond_name(NR_COND__COUNT), "?");
}

/* The vendor review runs through the same workflow: same action ids, only known conditions. */
static void test_vendor_review(void **state)
{
    struct nr_procedure p, cn;

    (void)state;
    load_shipped(&p, "vendor-review.json");
    load_shipped(&cn, "cn-2017.json");
    assert_string_equal(p.id, "vendor-review");
    assert_null(nr_procedure_phase(&p, "scoping"));
    assert_null(nr_procedure_phase(&p, "special_review"));
    assert_null(nr_procedure_trigger(&p, "procurement_declaration"));
    assert_int_equal(p.ntriggers, 2);
    assert_int_equal(nr_procedure_trigger(&p, "vendor_request")->roles, R(OPERATOR) | R(OFFICE));
    assert_string_equal(nr_procedure_trigger(&p, "vendor_request")->phase, "acceptance");
    assert_non_null(nr_procedure_trigger(&p, "re_review"));
    assert_int_equal(nr_procedure_phase(&p, "acceptance")->deadline_days, 5);
    assert_int_equal(nr_procedure_phase(&p, "evaluation")->deadline_days, 20);
    assert_int_equal(nr_procedure_phase(&p, "expert_review")->deadline_days, 10);
    assert_int_equal(p.max_tasks, 1);
    assert_int_equal(p.panel_size, 3);
    assert_string_equal(nr_procedure_role_title(&p, NR_ROLE_OFFICE), "Procurement security team");
    assert_string_equal(nr_procedure_role_title(&p, NR_ROLE_SECTOR_DEPT), "sector_dept");

    assert_int_equal(p.nactions, cn.nactions);
    for (size_t i = 0; i < cn.nactions; i++)
        assert_non_null(nr_procedure_action(&p, cn.actions[i].id));
    for (size_t i = 0; i < p.ntransitions; i++) {
        const struct nr_transition *mine = &p.transitions[i];
        const struct nr_transition *theirs = nr_procedure_transition(&cn, mine->id);
        assert_non_null(theirs);
        assert_int_equal(mine->conds, theirs->conds);
        assert_int_equal(mine->needs, theirs->needs);
    }
    nr_procedure_release(&cn);
    nr_procedure_release(&p);
}

static void test_later_practice(void **state)
{
    struct nr_procedure p;
    const struct nr_transition *approve;

    (void)state;
    load_shipped(&p, "later-practice.json");
    assert_int_equal(nr_procedure_phase(&p, "filing")->deadline_days, 10);
    assert_int_equal(nr_procedure_phase(&p, "preliminary_review")->deadline_days, 30);
    assert_int_equal(nr_procedure_phase(&p, "opinions")->deadline_days, 15);
    assert_int_equal(nr_procedure_phase(&p, "special_review")->deadline_days, 90);
    assert_string_equal(nr_procedure_trigger(&p, "procurement_declaration")->phase, "filing");
    approve = nr_procedure_transition(&p, "approve_special_review");
    assert_int_equal(approve->roles, R(COMMITTEE));
    assert_int_equal(approve->needs, NR_NEEDS_DECISION);
    assert_true(nr_action_in_phase(&p, nr_procedure_action(&p, "score.submit"), "opinions"));
    nr_procedure_release(&p);
}

static void test_release_twice(void **state)
{
    struct nr_procedure p;

    (void)state;
    load_shipped(&p, "cn-2017.json");
    nr_procedure_release(&p);
    assert_true(struct_is_released(&p));
    nr_procedure_release(&p);
}

/* The mutation base itself: cn-2017 serialized by jansson parses, with path "". */
static void test_roundtrip(void **state)
{
    json_t *root = load_shipped_json("cn-2017.json");
    char *text = json_dumps(root, JSON_COMPACT);
    struct nr_procedure p;
    struct nr_err err;

    (void)state;
    nr_err_init(&err);
    assert_int_equal(nr_procedure_parse(&p, text, strlen(text), "cn-2017.json", &err), 0);
    assert_string_equal(p.path, "");
    assert_int_equal(p.ntransitions, NR_ARRAY_LEN(cn_transitions));
    nr_procedure_release(&p);
    free(text);
    json_decref(root);
}

/* ---- malformed procedures ---- */

/* A change to the parsed cn-2017.json. where is a path of '/'-separated steps: an object key, an
 * array index, "#id" for the array element with that "id", or a final "-" to append. */
enum op_kind { OP_NONE, OP_SET, OP_DEL };

struct op {
    enum op_kind kind;
    const char *where;
    const char *json; /* the new value, for OP_SET */
};

struct bad {
    const char *name;
    struct op ops[3];
    const char *field; /* a literal "$..." path, or a where-path resolved after the change */
    const char *msg;   /* a substring of the message */
};

/* Resolves one step of a where-path inside container c; appends it to jpath. */
static json_t *step(json_t *c, const char *s, char *jpath, size_t size, size_t *index)
{
    size_t len = strlen(jpath);

    if (json_is_object(c)) {
        snprintf(jpath + len, size - len, ".%s", s);
        return json_object_get(c, s);
    }
    assert_true(json_is_array(c));
    if (s[0] == '#') {
        for (*index = 0; *index < json_array_size(c); (*index)++) {
            json_t *id = json_object_get(json_array_get(c, *index), "id");
            if (id != NULL && strcmp(json_string_value(id), s + 1) == 0)
                break;
        }
        if (*index == json_array_size(c))
            fail_msg("no element with id %s", s + 1);
    } else {
        *index = strtoul(s, NULL, 10);
    }
    snprintf(jpath + len, size - len, "[%zu]", *index);
    return json_array_get(c, *index);
}

/* Walks where in root: *parent is the container of the last step, last its text. */
static void walk(json_t *root, const char *where, json_t **parent, char *last, char *jpath,
                 size_t size)
{
    char buf[256];
    char *save = NULL, *s, *next;
    json_t *c = root;
    size_t index;

    snprintf(buf, sizeof(buf), "%s", where);
    snprintf(jpath, size, "$");
    s = strtok_r(buf, "/", &save);
    while ((next = strtok_r(NULL, "/", &save)) != NULL) {
        c = step(c, s, jpath, size, &index);
        assert_non_null(c);
        s = next;
    }
    *parent = c;
    snprintf(last, 64, "%s", s);
}

static void apply(json_t *root, const struct op *op)
{
    char last[64], jpath[256];
    json_t *parent, *value = NULL;
    size_t index;

    walk(root, op->where, &parent, last, jpath, sizeof(jpath));
    if (op->kind == OP_SET) {
        value = json_loads(op->json, JSON_DECODE_ANY, NULL);
        assert_non_null(value);
    }
    if (json_is_object(parent)) {
        if (op->kind == OP_SET)
            json_object_set_new(parent, last, value);
        else
            assert_int_equal(json_object_del(parent, last), 0);
        return;
    }
    if (op->kind == OP_SET && strcmp(last, "-") == 0) {
        json_array_append_new(parent, value);
        return;
    }
    step(parent, last, jpath, sizeof(jpath), &index);
    if (op->kind == OP_SET)
        assert_int_equal(json_array_set_new(parent, index, value), 0);
    else
        assert_int_equal(json_array_remove(parent, index), 0);
}

static void expected_field(json_t *root, const char *field, char *out, size_t size)
{
    char last[64];
    json_t *parent;
    size_t index;

    if (field[0] == '$') {
        snprintf(out, size, "%s", field);
        return;
    }
    walk(root, field, &parent, last, out, size);
    step(parent, last, out, size, &index);
}

static const struct bad bad_procedures[] = {
    /* unknown fields, at every level */
    {"unknown top-level field",
     {{OP_SET, "colour", "\"red\""}},
     "$.colour",
     "unknown field \"colour\""},
    {"unknown key that is no identifier",
     {{OP_SET, "two words", "1"}},
     "$[\"two words\"]",
     "unknown field \"two words\""},
    {"unknown phase field",
     {{OP_SET, "phases/#evaluation/dedline_days", "30"}},
     "$.phases[2].dedline_days",
     "unknown field \"dedline_days\""},
    {"unknown transition field",
     {{OP_SET, "transitions/#accept/condition", "[]"}},
     "$.transitions[2].condition",
     "unknown field \"condition\""},
    {"unknown trigger field",
     {{OP_SET, "triggers/#complaints/start", "\"acceptance\""}},
     "$.triggers[2].start",
     "unknown field \"start\""},
    {"unknown action field",
     {{OP_SET, "actions/#task.assign/phase", "\"evaluation\""}},
     "$.actions[4].phase",
     "unknown field \"phase\""},
    {"unknown dimension field",
     {{OP_SET, "dimensions/#supplier/weight", "2"}},
     "$.dimensions[5].weight",
     "unknown field \"weight\""},
    {"unknown recommendation field",
     {{OP_SET, "recommendation/pass_at", "\"low\""}},
     "$.recommendation.pass_at",
     "unknown field \"pass_at\""},
    {"unknown panel field",
     {{OP_SET, "panel/members", "5"}},
     "$.panel.members",
     "unknown field \"members\""},
    {"unknown decision field",
     {{OP_SET, "decision/validity", "5"}},
     "$.decision.validity",
     "unknown field \"validity\""},

    /* required fields and types */
    {"missing format", {{OP_DEL, "format", NULL}}, "$.format", "required field is missing"},
    {"unsupported format", {{OP_SET, "format", "2"}}, "$.format", "unsupported format"},
    {"missing id", {{OP_DEL, "id", NULL}}, "$.id", "required field is missing"},
    {"missing phases", {{OP_DEL, "phases", NULL}}, "$.phases", "required field is missing"},
    {"missing phase title",
     {{OP_DEL, "phases/#decided/title", NULL}},
     "$.phases[5].title",
     "required field is missing"},
    {"missing transition target",
     {{OP_DEL, "transitions/#publish/to", NULL}},
     "$.transitions[7].to",
     "required field is missing"},
    {"missing trigger phase",
     {{OP_DEL, "triggers/#re_review/phase", NULL}},
     "$.triggers[5].phase",
     "required field is missing"},
    {"missing action roles",
     {{OP_DEL, "actions/#finding.add/roles", NULL}},
     "$.actions[8].roles",
     "required field is missing"},
    {"missing panel size",
     {{OP_DEL, "panel/size", NULL}},
     "$.panel.size",
     "required field is missing"},
    {"title not a string", {{OP_SET, "title", "5"}}, "$.title", "expected a string"},
    {"empty phase title",
     {{OP_SET, "phases/#scoping/title", "\"\""}},
     "$.phases[0].title",
     "must not be empty"},
    {"deadline as a string",
     {{OP_SET, "phases/#evaluation/deadline_days", "\"30\""}},
     "$.phases[2].deadline_days",
     "expected an integer"},
    {"deadline as a real",
     {{OP_SET, "phases/#evaluation/deadline_days", "30.0"}},
     "$.phases[2].deadline_days",
     "expected an integer"},
    {"terminal not a boolean",
     {{OP_SET, "phases/#refused/terminal", "\"yes\""}},
     "$.phases[8].terminal",
     "expected true or false"},
    {"from not an array",
     {{OP_SET, "transitions/#accept/from", "\"acceptance\""}},
     "$.transitions[2].from",
     "expected an array"},
    {"phase not an object",
     {{OP_SET, "phases/0", "\"scoping\""}},
     "$.phases[0]",
     "expected an object"},
    {"role titles not an object", {{OP_SET, "roles", "[]"}}, "$.roles", "expected an object"},
    {"role title empty", {{OP_SET, "roles/office", "\"\""}}, "$.roles.office", "must not be empty"},
    {"recommendation not an object",
     {{OP_SET, "recommendation", "\"high\""}},
     "$.recommendation",
     "expected an object"},
    {"note not a string",
     {{OP_SET, "phases/#scoping/note", "[\"R1\"]"}},
     "$.phases[0].note",
     "expected a string"},

    /* ids */
    {"phase id with a capital",
     {{OP_SET, "phases/#evaluation/id", "\"Evaluation\""}},
     "$.phases[2].id",
     "\"Evaluation\" is not a valid id"},
    {"transition id with a hyphen",
     {{OP_SET, "transitions/#accept/id", "\"accept-now\""}},
     "$.transitions[2].id",
     "\"accept-now\" is not a valid id"},
    {"trigger id with a leading digit",
     {{OP_SET, "triggers/#complaints/id", "\"2complaints\""}},
     "$.triggers[2].id",
     "is not a valid id"},
    {"action id with an empty name",
     {{OP_SET, "actions/#task.assign/id", "\"task..assign\""}},
     "$.actions[4].id",
     "is not a valid id"},
    {"procedure id with a space",
     {{OP_SET, "id", "\"cn 2017\""}},
     "$.id",
     "\"cn 2017\" is not a valid id"},
    {"calendar that climbs out",
     {{OP_SET, "calendar", "\"../etc/passwd\""}},
     "$.calendar",
     "is not a valid id"},
    {"category with a hyphen",
     {{OP_SET, "categories/1", "\"supply-chain\""}},
     "$.categories[1]",
     "is not a valid id"},
    {"unknown action",
     {{OP_SET, "actions/#task.assign/id", "\"task.asign\""}},
     "$.actions[4].id",
     "unknown action \"task.asign\""},

    /* uniqueness */
    {"duplicate phase id",
     {{OP_SET, "phases/#closed/id", "\"refused\""}},
     "$.phases[10].id",
     "duplicate phase id \"refused\""},
    {"duplicate transition id",
     {{OP_SET, "transitions/#supersede/id", "\"revoke\""}},
     "$.transitions[10].id",
     "duplicate transition id \"revoke\""},
    {"duplicate trigger id",
     {{OP_SET, "triggers/#re_review/id", "\"complaints\""}},
     "$.triggers[5].id",
     "duplicate trigger id \"complaints\""},
    {"duplicate action id",
     {{OP_SET, "actions/#complaint.attach/id", "\"evidence.read\""}},
     "$.actions[12].id",
     "duplicate action id \"evidence.read\""},
    {"duplicate dimension id",
     {{OP_SET, "dimensions/#supplier/id", "\"other\""}},
     "$.dimensions[5].id",
     "duplicate dimension id \"other\""},
    {"duplicate category",
     {{OP_SET, "categories/4", "\"control\""}},
     "$.categories[4]",
     "duplicate \"control\""},
    {"duplicate level", {{OP_SET, "scale/4", "\"high\""}}, "$.scale[4]", "duplicate \"high\""},
    {"duplicate method",
     {{OP_SET, "methods/-", "\"lab_testing\""}},
     "$.methods[4]",
     "duplicate \"lab_testing\""},
    {"duplicate role",
     {{OP_SET, "transitions/#refuse/roles/-", "\"office\""}},
     "$.transitions[3].roles[2]",
     "duplicate role \"office\""},
    {"duplicate condition",
     {{OP_SET, "transitions/#decide/conditions/-", "\"all_scored\""}},
     "$.transitions[6].conditions[2]",
     "duplicate condition \"all_scored\""},
    {"duplicate need",
     {{OP_SET, "transitions/#refuse/needs/-", "\"reason\""}},
     "$.transitions[3].needs[1]",
     "duplicate need \"reason\""},
    {"duplicate from phase",
     {{OP_SET, "transitions/#withdraw/from/-", "\"scoping\""}},
     "$.transitions[8].from[5]",
     "duplicate phase \"scoping\""},
    {"duplicate action phase",
     {{OP_SET, "actions/#task.assign/phases/-", "\"evaluation\""}},
     "$.actions[4].phases[1]",
     "duplicate phase \"evaluation\""},

    /* references to phases */
    {"unknown from phase",
     {{OP_SET, "transitions/#accept/from/0", "\"acceptnce\""}},
     "$.transitions[2].from[0]",
     "unknown phase \"acceptnce\""},
    {"unknown target phase",
     {{OP_SET, "transitions/#accept/to", "\"evaluaton\""}},
     "$.transitions[2].to",
     "unknown phase \"evaluaton\""},
    {"unknown trigger phase",
     {{OP_SET, "triggers/#complaints/phase", "\"intake\""}},
     "$.triggers[2].phase",
     "unknown phase \"intake\""},
    {"unknown action phase",
     {{OP_SET, "actions/#score.submit/phases/1", "\"special\""}},
     "$.actions[11].phases[1]",
     "unknown phase \"special\""},
    {"empty action phases",
     {{OP_SET, "actions/#task.assign/phases", "[]"}},
     "$.actions[4].phases",
     "must not be empty"},

    /* roles */
    {"unknown transition role",
     {{OP_SET, "transitions/3/roles/1", "\"offce\""}},
     "$.transitions[3].roles[1]",
     "unknown role \"offce\""},
    {"unknown trigger role",
     {{OP_SET, "triggers/#complaints/roles/-", "\"citizen\""}},
     "$.triggers[2].roles[1]",
     "unknown role \"citizen\""},
    {"unknown action role",
     {{OP_SET, "actions/#panel.form/roles/0", "\"chair\""}},
     "$.actions[9].roles[0]",
     "unknown role \"chair\""},
    {"unknown role title",
     {{OP_SET, "roles/auditor", "\"Auditor\""}},
     "$.roles.auditor",
     "unknown role \"auditor\""},
    {"public makes a transition",
     {{OP_SET, "transitions/#accept/roles/-", "\"public\""}},
     "$.transitions[2].roles[2]",
     "role \"public\" may only raise triggers"},
    {"public takes an action",
     {{OP_SET, "actions/#complaint.attach/roles/-", "\"public\""}},
     "$.actions[12].roles[1]",
     "role \"public\" may only raise triggers"},
    {"nobody may make a transition",
     {{OP_SET, "transitions/#publish/roles", "[]"}},
     "$.transitions[7].roles",
     "must not be empty"},
    {"role not a string",
     {{OP_SET, "triggers/#complaints/roles/0", "7"}},
     "$.triggers[2].roles[0]",
     "expected a string"},

    /* conditions and needs */
    {"unknown condition",
     {{OP_SET, "transitions/#submit_to_experts/conditions/1", "\"task_asigned\""}},
     "$.transitions[4].conditions[1]",
     "unknown condition \"task_asigned\""},
    {"unknown need",
     {{OP_SET, "transitions/#refuse/needs/0", "\"justification\""}},
     "$.transitions[3].needs[0]",
     "unknown need \"justification\""},

    /* the graph */
    {"transition out of a terminal phase",
     {{OP_SET, "transitions/#withdraw/from/-", "\"refused\""}},
     "$.transitions[8].from[5]",
     "phase \"refused\" is terminal: no transition may leave it"},
    {"trigger starts in a terminal phase",
     {{OP_SET, "triggers/#complaints/phase", "\"closed\""}},
     "$.triggers[2].phase",
     "a case cannot start in terminal phase \"closed\""},
    {"transition back into its own phase",
     {{OP_SET, "transitions/#accept/to", "\"acceptance\""}},
     "$.transitions[2].to",
     "leads back to \"acceptance\""},
    {"phase no trigger reaches",
     {{OP_SET, "phases/-", "{\"id\": \"limbo\", \"title\": \"Limbo\", \"deadline_days\": 5}"}},
     "phases/#limbo",
     "phase \"limbo\" cannot be reached from any trigger's start phase"},
    {"special review nobody opens",
     {{OP_DEL, "transitions/#open_special_review", NULL}},
     "$.phases[4]",
     "phase \"special_review\" cannot be reached"},
    {"scoping without its trigger",
     {{OP_DEL, "triggers/#procurement_declaration", NULL}},
     "$.phases[0]",
     "phase \"scoping\" cannot be reached"},
    {"phase with no way out",
     {{OP_SET, "phases/-", "{\"id\": \"limbo\", \"title\": \"Limbo\"}"},
      {OP_SET, "transitions/-",
       "{\"id\": \"park\", \"title\": \"Park\", \"from\": [\"evaluation\"], \"to\": \"limbo\", "
       "\"roles\": [\"office\"]}"}},
     "phases/#limbo",
     "phase \"limbo\" cannot reach a terminal phase"},
    {"no decision can be recorded",
     {{OP_SET, "transitions/#decide/needs", "[\"reason\"]"}},
     "$.transitions",
     "no transition records a decision"},
    {"decision recorded where it is not valid",
     {{OP_SET, "transitions/#decide/to", "\"closed\""}},
     "$.transitions[6].to",
     "phase \"closed\" is not decision_valid"},

    /* scale and recommendation */
    {"fail_at not a level",
     {{OP_SET, "recommendation/fail_at", "\"severe\""}},
     "$.recommendation.fail_at",
     "unknown level \"severe\""},
    {"conditions_at not a level",
     {{OP_SET, "recommendation/conditions_at", "\"moderate\""}},
     "$.recommendation.conditions_at",
     "unknown level \"moderate\""},
    {"conditions_at above fail_at",
     {{OP_SET, "recommendation/conditions_at", "\"critical\""}},
     "$.recommendation.conditions_at",
     "conditions_at \"critical\" is above fail_at \"high\""},
    {"a scale of one level",
     {{OP_SET, "scale", "[\"only\"]"}},
     "$.scale",
     "needs at least 2 entries"},

    /* non-empty lists */
    {"no categories", {{OP_SET, "categories", "[]"}}, "$.categories", "must not be empty"},
    {"no dimensions", {{OP_SET, "dimensions", "[]"}}, "$.dimensions", "must not be empty"},
    {"no methods", {{OP_SET, "methods", "[]"}}, "$.methods", "must not be empty"},
    {"no triggers", {{OP_SET, "triggers", "[]"}}, "$.triggers", "must not be empty"},
    {"category nobody scores",
     {{OP_DEL, "dimensions/#other", NULL}},
     "$.categories[4]",
     "category \"other\" is not among the dimensions"},

    /* numbers */
    {"panel of nobody", {{OP_SET, "panel/size", "0"}}, "$.panel.size", "0 is out of range: 1 to"},
    {"panel size beyond an int",
     {{OP_SET, "panel/size", "99999999999"}},
     "$.panel.size",
     "99999999999 is out of range"},
    {"deadline over a year",
     {{OP_SET, "phases/#special_review/deadline_days", "366"}},
     "$.phases[4].deadline_days",
     "366 is out of range: 0 to 365"},
    {"negative deadline",
     {{OP_SET, "phases/#scoping/deadline_days", "-1"}},
     "$.phases[0].deadline_days",
     "-1 is out of range: 0 to 365"},
    {"terminal phase with a deadline",
     {{OP_SET, "phases/#closed/deadline_days", "5"}},
     "$.phases[10].deadline_days",
     "phase \"closed\" is terminal and cannot have a deadline"},
    {"decision valid for no day",
     {{OP_SET, "decision/validity_days", "0"}},
     "$.decision.validity_days",
     "0 is out of range: 1 to"},
    {"negative task limit",
     {{OP_SET, "evaluation/max_tasks", "-1"}},
     "$.evaluation.max_tasks",
     "-1 is out of range: 0 to"},
};

static void test_malformed(void **state)
{
    (void)state;
    for (size_t i = 0; i < NR_ARRAY_LEN(bad_procedures); i++) {
        const struct bad *b = &bad_procedures[i];
        json_t *root = load_shipped_json("cn-2017.json");
        char field[256], prefix[512], *text;
        struct nr_procedure p;
        struct nr_err err;
        int rc;

        for (size_t j = 0; j < NR_ARRAY_LEN(b->ops) && b->ops[j].kind != OP_NONE; j++)
            apply(root, &b->ops[j]);
        expected_field(root, b->field, field, sizeof(field));
        text = json_dumps(root, JSON_INDENT(2));
        assert_non_null(text);

        nr_err_init(&err);
        memset(&p, 0xa5, sizeof(p)); /* parse must not rely on the caller zeroing it */
        rc = nr_procedure_parse(&p, text, strlen(text), "cn-2017.json", &err);
        if (rc != NR_EPARSE || strcmp(err.field, field) != 0 || strstr(err.msg, b->msg) == NULL)
            fail_msg("%s: want rc %d field %s message ...%s...; got rc %d field %s message %s",
                     b->name, NR_EPARSE, field, b->msg, rc, err.field, err.msg);
        assert_int_equal(err.code, NR_EPARSE);
        snprintf(prefix, sizeof(prefix), "cn-2017.json: %s: ", field);
        assert_memory_equal(err.msg, prefix, strlen(prefix));
        assert_true(struct_is_released(&p));
        free(text);
        json_decref(root);
    }
}

/* The message the brief gives as the example, in full. */
static void test_message_format(void **state)
{
    json_t *root = load_shipped_json("cn-2017.json");
    const struct op op = {OP_SET, "transitions/3/roles/1", "\"offce\""};
    struct nr_procedure p;
    struct nr_err err;
    char *text;

    (void)state;
    apply(root, &op);
    text = json_dumps(root, 0);
    nr_err_init(&err);
    assert_int_equal(nr_procedure_parse(&p, text, strlen(text), "cn-2017.json", &err), NR_EPARSE);
    assert_string_equal(err.field, "$.transitions[3].roles[1]");
    assert_string_equal(err.msg, "cn-2017.json: $.transitions[3].roles[1]: unknown role \"offce\"");
    free(text);
    json_decref(root);
}

/* "public" may raise a trigger (a complaint from anyone). */
static void test_public_trigger(void **state)
{
    json_t *root = load_shipped_json("cn-2017.json");
    const struct op op = {OP_SET, "triggers/#complaints/roles/-", "\"public\""};
    struct nr_procedure p;
    struct nr_err err;
    char *text;

    (void)state;
    apply(root, &op);
    text = json_dumps(root, 0);
    nr_err_init(&err);
    assert_int_equal(nr_procedure_parse(&p, text, strlen(text), NULL, &err), 0);
    assert_int_equal(nr_procedure_trigger(&p, "complaints")->roles, R(OFFICE) | R(PUBLIC));
    nr_procedure_release(&p);
    free(text);
    json_decref(root);
}

static void expect_refused(json_t *root, const char *field, const char *msg)
{
    char *text = json_dumps(root, JSON_COMPACT);
    struct nr_procedure p;
    struct nr_err err;

    nr_err_init(&err);
    assert_int_equal(nr_procedure_parse(&p, text, strlen(text), "x.json", &err), NR_EPARSE);
    if (strcmp(err.field, field) != 0 || strstr(err.msg, msg) == NULL)
        fail_msg("want %s ...%s...; got %s %s", field, msg, err.field, err.msg);
    assert_true(struct_is_released(&p));
    free(text);
}

/* Strings and arrays that grow from input have caps. */
static void test_caps(void **state)
{
    char long_text[4100];
    json_t *root, *a;

    (void)state;
    memset(long_text, 'x', sizeof(long_text) - 1);
    long_text[sizeof(long_text) - 1] = '\0';

    root = load_shipped_json("cn-2017.json");
    json_object_set_new(root, "title", json_stringn(long_text, 201));
    expect_refused(root, "$.title", "longer than 200 bytes");
    json_object_set_new(root, "title", json_stringn(long_text, 200));
    json_object_set_new(root, "note", json_stringn(long_text, 4001));
    expect_refused(root, "$.note", "longer than 4000 bytes");
    json_object_set_new(root, "note", json_stringn(long_text, 4000));
    json_object_set_new(root, "id", json_stringn(long_text, 65));
    expect_refused(root, "$.id", "longer than 64 bytes");
    json_decref(root);

    /* A path too long for err->field is cut and says so. */
    {
        char *text, key[201];
        struct nr_procedure p;
        struct nr_err err;

        root = load_shipped_json("cn-2017.json");
        memset(key, 'k', 200);
        key[200] = '\0';
        json_object_set_new(root, key, json_true());
        text = json_dumps(root, JSON_COMPACT);
        nr_err_init(&err);
        assert_int_equal(nr_procedure_parse(&p, text, strlen(text), "x.json", &err), NR_EPARSE);
        assert_int_equal(strlen(err.field), NR_ERR_FIELD_MAX - 1);
        assert_memory_equal(err.field, "$.kkk", 5);
        assert_string_equal(err.field + NR_ERR_FIELD_MAX - 4, "...");
        assert_non_null(strstr(err.msg, "unknown field \"kkk"));
        free(text);
        json_decref(root);
    }

    root = load_shipped_json("cn-2017.json");
    a = json_array();
    for (int i = 0; i < 33; i++)
        json_array_append_new(a, json_sprintf("c%d", i));
    json_object_set_new(root, "categories", a);
    expect_refused(root, "$.categories", "more than 32 entries");
    json_decref(root);

    root = load_shipped_json("cn-2017.json");
    a = json_object_get(root, "phases");
    for (int i = 0; i < 60; i++)
        json_array_append_new(
            a, json_pack("{s:o, s:s}", "id", json_sprintf("p%d", i), "title", "Padding"));
    expect_refused(root, "$.phases", "more than 64 entries");
    json_decref(root);

    root = load_shipped_json("cn-2017.json");
    a = json_object_get(json_array_get(json_object_get(root, "transitions"), 0), "roles");
    for (int i = 0; i < 70; i++)
        json_array_append_new(a, json_string("office"));
    expect_refused(root, "$.transitions[0].roles", "more than 64 entries");
    json_decref(root);
}

static void expect_raw(const char *text, size_t len, const char *msg)
{
    struct nr_procedure p;
    struct nr_err err;

    nr_err_init(&err);
    assert_int_equal(nr_procedure_parse(&p, text, len, "raw.json", &err), NR_EPARSE);
    assert_string_equal(err.field, "$");
    if (strstr(err.msg, msg) == NULL || strncmp(err.msg, "raw.json: $: ", 13) != 0)
        fail_msg("want ...%s...; got %s", msg, err.msg);
    /* The message holds printable ASCII only, whatever the input held. */
    for (const char *s = err.msg; *s; s++)
        assert_true(*s >= 0x20 && *s <= 0x7e);
    assert_true(struct_is_released(&p));
}

static void test_not_a_procedure(void **state)
{
    static const char nul_inside[] = "{\"format\": 1\0}";
    static const char bad_utf8[] = "{\"format\": \"\xff\xfe\"}";
    char *big;

    (void)state;
    expect_raw("", 0, "invalid JSON at line 1");
    expect_raw(NULL, 0, "invalid JSON");
    expect_raw("{", 1, "invalid JSON at line 1 column 1");
    expect_raw("{\"format\": 1, \"format\": 1}", 26, "duplicate object key");
    expect_raw("[]", 2, "expected an object");
    expect_raw("{\"a\": \"\\u0000\"}", 15, "invalid JSON");
    expect_raw(nul_inside, sizeof(nul_inside) - 1, "invalid JSON");
    expect_raw(bad_utf8, sizeof(bad_utf8) - 1, "invalid JSON");
    expect_raw("{} {}", 5, "invalid JSON");

    big = nr_malloc(1024 * 1024 + 2);
    memset(big, ' ', 1024 * 1024 + 1);
    big[0] = '{';
    big[1024 * 1024] = '}';
    expect_raw(big, 1024 * 1024 + 1, "larger than 1048576 bytes");
    /* Exactly 1 MiB is read (and then found to lack every field). */
    big[1024 * 1024 - 1] = '}';
    {
        struct nr_procedure p;
        struct nr_err err;
        nr_err_init(&err);
        assert_int_equal(nr_procedure_parse(&p, big, 1024 * 1024, "big", &err), NR_EPARSE);
        assert_string_equal(err.field, "$.format");
    }
    nr_free(big);
}

static void test_load_files(void **state)
{
    char path[] = "/tmp/nr-test-procedure-XXXXXX";
    struct nr_procedure p;
    struct nr_err err;
    FILE *f;
    int fd;

    (void)state;
    nr_err_init(&err);
    assert_int_equal(nr_procedure_load(&p, "/nonexistent/cn-2017.json", &err), -ENOENT);
    assert_int_equal(err.code, -ENOENT);
    assert_non_null(strstr(err.msg, "/nonexistent/cn-2017.json"));
    assert_true(struct_is_released(&p));

    fd = mkstemp(path);
    assert_true(fd >= 0);
    f = fdopen(fd, "w");
    assert_non_null(f);
    fputc('{', f);
    for (int i = 0; i < 1024 * 1024; i++)
        fputc(' ', f);
    fputc('}', f);
    fclose(f);
    nr_err_init(&err);
    assert_int_equal(nr_procedure_load(&p, path, &err), NR_EPARSE);
    assert_string_equal(err.field, "$");
    assert_non_null(strstr(err.msg, "larger than 1048576 bytes"));
    assert_memory_equal(err.msg, path, strlen(path));
    assert_true(struct_is_released(&p));

    f = fopen(path, "w");
    assert_non_null(f);
    fputs("{\"format\": 1, \"id\": \"x\"}\n", f);
    fclose(f);
    nr_err_init(&err);
    assert_int_equal(nr_procedure_load(&p, path, &err), NR_EPARSE);
    assert_string_equal(err.field, "$.title");
    assert_memory_equal(err.msg, path, strlen(path));
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cn2017_settings),
        cmocka_unit_test(test_cn2017_workflow),
        cmocka_unit_test(test_lookups),
        cmocka_unit_test(test_recommend),
        cmocka_unit_test(test_role_and_condition_names),
        cmocka_unit_test(test_vendor_review),
        cmocka_unit_test(test_later_practice),
        cmocka_unit_test(test_release_twice),
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_message_format),
        cmocka_unit_test(test_public_trigger),
        cmocka_unit_test(test_caps),
        cmocka_unit_test(test_not_a_procedure),
        cmocka_unit_test(test_load_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
