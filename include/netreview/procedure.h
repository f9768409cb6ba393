/*
 * procedure.h - a review procedure as data: roles, triggers, phases, transitions with their
 * conditions, per-action permissions, deadlines, categories, scoring scale and recommendation rule.
 *
 * The procedure file (procedures/<id>.json, schema in docs/PROCEDURE.md) is parsed and validated
 * whole at start; the workflow module then asks this module "may role R do X in phase P" and
 * "which conditions must hold", so that no rule of R1-R13 is hard-coded in the workflow.
 *
 * Contract:
 * - nr_procedure_load/parse fill a caller-owned struct nr_procedure; on failure they return
 *   NR_EPARSE (or -errno for an unreadable file) and set err->field to the JSON path of the
 *   problem ("$.transitions[3].roles[1]") and err->msg to "FILE: PATH: what is wrong".
 *   The struct is left released on failure.
 * - Every string and array inside struct nr_procedure is owned by it and freed by
 *   nr_procedure_release. Lookup functions return pointers into it (or NULL when absent).
 */
#ifndef NETREVIEW_PROCEDURE_H
#define NETREVIEW_PROCEDURE_H

#include "netreview/core.h"

#include <jansson.h>
#include <stdbool.h>

/* The roles of MISSION.md's role table. NR_ROLE_PUBLIC is anyone not signed in. */
#define NR_ROLE_MAP(XX)                                                                            \
    XX(COMMITTEE, "committee")                                                                     \
    XX(OFFICE, "office")                                                                           \
    XX(EXPERT, "expert")                                                                           \
    XX(INSTITUTION, "institution")                                                                 \
    XX(PROTECTION_DEPT, "protection_dept")                                                         \
    XX(SECTOR_DEPT, "sector_dept")                                                                 \
    XX(OPERATOR, "operator")                                                                       \
    XX(PROVIDER, "provider")                                                                       \
    XX(ASSOCIATION, "association")                                                                 \
    XX(STATE_DEPT, "state_dept")                                                                   \
    XX(PUBLIC, "public")

enum nr_role {
#define XX(name, s) NR_ROLE_##name,
    NR_ROLE_MAP(XX)
#undef XX
        NR_ROLE__COUNT
};

/* A set of roles as a bit mask: bit (1u << role). */
typedef unsigned nr_role_set;
#define NR_ROLE_BIT(r) (1u << (unsigned)(r))

/* Returns the role named s, or -1. */
int nr_role_parse(const char *s);
/* Name of a role; "?" for an out-of-range value. */
const char *nr_role_name(int role);

/* Conditions a transition may require, each evaluated by the workflow against the store. */
#define NR_COND_MAP(XX)                                                                            \
    XX(COMMITMENT_SIGNED, "commitment_signed")       /* R3: provider's signed commitment held */   \
    XX(TASK_ASSIGNED, "task_assigned")               /* at least one evaluation task */            \
    XX(ALL_TASKS_REPORTED, "all_tasks_reported")     /* R6: every task has a signed report */      \
    XX(PANEL_COMPLETE, "panel_complete")             /* panel has panel.size active members */     \
    XX(ALL_SCORED, "all_scored")                     /* R6: every member scored every dimension */ \
    XX(DECISION_RECORDED, "decision_recorded")       /* a signed decision exists on the case */    \
    XX(NO_PENDING_MATERIALS, "no_pending_materials") /* the clock is not paused */

enum nr_cond {
#define XX(name, s) NR_COND_##name,
    NR_COND_MAP(XX)
#undef XX
        NR_COND__COUNT
};

typedef unsigned nr_cond_set;
#define NR_COND_BIT(c) (1u << (unsigned)(c))

int nr_cond_parse(const char *s);
const char *nr_cond_name(int cond);

/* Things a transition needs from its caller besides the actor. */
#define NR_NEEDS_REASON   0x1u /* a written reason, kept on the case */
#define NR_NEEDS_DECISION 0x2u /* outcome, rationale, ... (the decide transition) */

struct nr_phase {
    char *id;            /* "evaluation" */
    char *title;         /* "Third-party evaluation" */
    int deadline_days;   /* working days; 0 = no deadline */
    bool terminal;       /* no transition leaves it; the case is closed */
    bool decision_valid; /* a decision made on the case is in force while the case is here */
};

struct nr_transition {
    char *id;    /* "accept" */
    char *title; /* "Accept the case for review" */
    char **from; /* phase ids it may start from */
    size_t nfrom;
    char *to;          /* phase id */
    nr_role_set roles; /* who may make it */
    nr_cond_set conds; /* what must hold */
    unsigned needs;    /* NR_NEEDS_* */
};

/* An action that does not change the phase: "task.assign", "score.submit", ... */
struct nr_action {
    char *id;
    nr_role_set roles;
    char **phases; /* phase ids where it is allowed; nphases == 0 means any non-terminal phase */
    size_t nphases;
};

struct nr_trigger {
    char *id; /* "procurement_declaration" */
    char *title;
    nr_role_set roles; /* who may raise it */
    char *phase;       /* phase a new case starts in */
    bool declaration;  /* raised only through a procurement declaration (R1) */
};

struct nr_procedure {
    char *id; /* "cn-2017" */
    char *title;
    char *calendar; /* calendar file name under calendars/, without ".json" */
    char *path;     /* file it was loaded from ("" when parsed from memory) */

    char **categories; /* finding categories, in display order (the five of R4) */
    size_t ncategories;
    char **dimensions; /* what each expert scores: the categories plus e.g. "supplier" */
    size_t ndimensions;
    char **scale; /* ordered scoring levels, lowest first: "none" ... "critical" */
    size_t nscale;
    char **methods; /* evaluation methods of R3 */
    size_t nmethods;

    struct nr_phase *phases;
    size_t nphases;
    struct nr_transition *transitions;
    size_t ntransitions;
    struct nr_action *actions;
    size_t nactions;
    struct nr_trigger *triggers;
    size_t ntriggers;

    int max_tasks;     /* evaluation tasks per case; 0 = no limit */
    int panel_size;    /* members a complete panel has */
    int fail_at;       /* index into scale: a dimension median at or above it recommends fail */
    int conditions_at; /* index into scale: at or above it recommends passed_with_conditions */
    int validity_days; /* default validity of a decision, in calendar days */

    /* Added with the loader: text for people, parallel to dimensions ("" when the file gives
     * none), and the title each role carries in this procedure (NULL = the role's name), e.g.
     * "Procurement security team" for NR_ROLE_OFFICE in a company's vendor review. */
    char **dimension_titles;
    char **dimension_descriptions;
    char *role_titles[NR_ROLE__COUNT];
};

/* Loads and validates path. The file is capped at 1 MiB. */
int nr_procedure_load(struct nr_procedure *p, const char *path, struct nr_err *err);
/* Parses and validates text (len bytes). name is used in messages in place of a file name. */
int nr_procedure_parse(struct nr_procedure *p, const char *text, size_t len, const char *name,
                       struct nr_err *err);
void nr_procedure_release(struct nr_procedure *p);

const struct nr_phase *nr_procedure_phase(const struct nr_procedure *p, const char *id);
const struct nr_transition *nr_procedure_transition(const struct nr_procedure *p, const char *id);
const struct nr_action *nr_procedure_action(const struct nr_procedure *p, const char *id);
const struct nr_trigger *nr_procedure_trigger(const struct nr_procedure *p, const char *id);
/* Index of a level in the scale, or -1. */
int nr_procedure_level(const struct nr_procedure *p, const char *level);
/* Index of a scoring dimension (into dimensions, and the medians of recommend()), or -1. */
int nr_procedure_dimension(const struct nr_procedure *p, const char *dimension);
/* The title of role in this procedure, else the role's name; "?" for an out-of-range value. */
const char *nr_procedure_role_title(const struct nr_procedure *p, int role);
bool nr_procedure_has_category(const struct nr_procedure *p, const char *category);
bool nr_procedure_has_method(const struct nr_procedure *p, const char *method);
bool nr_transition_from(const struct nr_transition *t, const char *phase);
/* True when the action is allowed in phase (its phases list, or any non-terminal phase). */
bool nr_action_in_phase(const struct nr_procedure *p, const struct nr_action *a, const char *phase);

/* The procedure as the JSON that `procedure show --json` and GET /api/v1/procedure print: phases,
 * transitions, actions, triggers, categories, dimensions, scale, methods and the rules. `file`
 * is the full path when full_path, else only the file name (what the public may read). The
 * caller json_decrefs the result. */
json_t *nr_procedure_json(const struct nr_procedure *p, bool full_path);

/* R6: the recommendation from per-dimension medians (indexes into the scale, one per dimension):
 * "failed" if any median >= fail_at, "passed_with_conditions" if any >= conditions_at, else
 * "passed". Returns a static string. */
const char *nr_procedure_recommend(const struct nr_procedure *p, const int *medians, size_t n);

#endif
