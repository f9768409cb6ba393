/*
 * panel.c - expert review (interface: review.h, "expert review"; MISSION.md R6, R10): forming a
 * case's panel from the experts committee with conflicted experts excluded and their reasons
 * kept, recusal, signed scores per dimension that stay sealed until every member has scored
 * every dimension, and the recommendation the procedure derives from the panel medians.
 *
 * Rules this file settles:
 * - A panel is complete when it has the procedure's panel size of members (status "member").
 *   Scores are sealed until the panel is complete AND every member has scored every dimension;
 *   from then on they are frozen: no resubmission, no recusal (either would let someone change
 *   the outcome after seeing the others' scores).
 * - Re-forming: `panel form` on a case whose panel has lost members (recusals) adds new members
 *   until the size is reached again; experts who already have a row on the panel (member,
 *   recused or excluded) are not considered again. A full panel cannot be formed again.
 * - Median: the median of the members' level indexes on the scale. For an even count it is the
 *   higher of the two middle values, the cautious choice: a split panel leans to the graver risk.
 * - Scores are signed with the expert's own key over
 *     netreview-score/1\ncase=<ref>\nexpert=<login>\ndimension=<d>\nlevel=<l>\nhash=<hex>\n
 *   where hex is the suite hash of the written reason (R10).
 */
#include "evaluation_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netreview/banned.h"

#define NR_REASON_MAX    (16u * 1024)
#define NR_RECUSAL_MAX   4096u
#define NR_LOGIN_MAX     63u
#define NR_PANEL_NAMES   200
#define NR_PANEL_MSG_MAX 400

/* Where the panel of a case stands. */
struct nr_panel_state {
    int64_t panel_id; /* 0 when the case has no panel */
    int members;      /* status "member" */
    int complete;     /* members who scored every dimension */
    bool sealed_done; /* the panel is full and every member scored everything: frozen */
};

static int nr_panel_state_load(struct nr_review *rv, int64_t case_id, struct nr_panel_state *ps,
                               struct nr_err *err)
{
    int64_t v = 0;
    int rc;

    memset(ps, 0, sizeof(*ps));
    rc = nr_store_query_int(rv->st, err, &v, "SELECT id FROM panels WHERE case_id = ?", "i",
                            case_id);
    if (rc == NR_ENOTFOUND)
        return 0;
    if (rc)
        return rc;
    ps->panel_id = v;
    rc = nr_store_query_int(rv->st, err, &v,
                            "SELECT COUNT(*) FROM panel_members WHERE panel_id = ? AND status = "
                            "'member'",
                            "i", ps->panel_id);
    if (rc)
        return rc;
    ps->members = (int)v;
    rc = nr_store_query_int(rv->st, err, &v,
                            "SELECT COUNT(*) FROM (SELECT m.expert_id FROM panel_members m JOIN "
                            "scores s ON s.panel_id = m.panel_id AND s.expert_id = m.expert_id "
                            "WHERE m.panel_id = ? AND m.status = 'member' GROUP BY m.expert_id "
                            "HAVING COUNT(DISTINCT s.dimension) >= ?) x",
                            "ii", ps->panel_id, (int64_t)rv->proc.ndimensions);
    if (rc)
        return rc;
    ps->complete = (int)v;
    /* R6: no one sees another's scores until all are in, on a full panel. */
    ps->sealed_done =
        ps->members > 0 && ps->members >= rv->proc.panel_size && ps->complete == ps->members;
    return 0;
}

int nr_panel_status(struct nr_review *rv, int64_t case_id, int *members, int *complete_scorers,
                    struct nr_err *err)
{
    struct nr_panel_state ps;
    int rc = nr_panel_state_load(rv, case_id, &ps, err);

    *members = rc ? 0 : ps.members;
    *complete_scorers = rc ? 0 : ps.complete;
    return rc;
}

static int nr_int_cmp(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* Median level index per dimension over the members' scores (see the file comment). */
static int nr_panel_medians(struct nr_review *rv, int64_t panel_id, int *medians,
                            struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    int *v = NULL;
    size_t cap = 16, n;
    int rc = 0;

    v = nr_malloc(cap * sizeof(*v));
    for (size_t d = 0; d < rv->proc.ndimensions && rc == 0; d++) {
        rc = nr_store_prepare_bind(rv->st, err, &s,
                                   "SELECT s.level FROM scores s JOIN panel_members m ON "
                                   "m.panel_id = s.panel_id AND m.expert_id = s.expert_id WHERE "
                                   "s.panel_id = ? AND s.dimension = ? AND m.status = 'member'",
                                   "it", panel_id, rv->proc.dimensions[d]);
        if (rc)
            break;
        n = 0;
        while ((rc = nr_stmt_step(s, err)) == NR_STORE_ROW) {
            const char *level = nr_stmt_text(s, 0);
            int idx = nr_procedure_level(&rv->proc, level ? level : "");
            if (idx < 0) {
                rc = nr_err_set(err, NR_EINVAL, "level",
                                "a stored score has level %s, not on the "
                                "scale of %s",
                                level ? level : "(null)", rv->proc.id);
                break;
            }
            if (n == cap) {
                cap *= 2;
                v = nr_realloc(v, cap * sizeof(*v));
            }
            v[n++] = idx;
        }
        nr_stmt_free(s);
        s = NULL;
        if (rc < 0)
            break;
        rc = 0;
        if (n == 0) {
            rc = nr_err_set(err, NR_EPRECOND, "dimension", "no score for dimension %s",
                            rv->proc.dimensions[d]);
            break;
        }
        qsort(v, n, sizeof(*v), nr_int_cmp);
        /* R6: odd count: the middle; even count: the higher middle (the cautious one). */
        medians[d] = v[n / 2];
    }
    nr_free(v);
    return rc;
}

static json_t *nr_medians_json(const struct nr_procedure *p, const int *medians)
{
    json_t *o = json_object();

    for (size_t d = 0; d < p->ndimensions; d++)
        json_object_set_new(o, p->dimensions[d], json_string(p->scale[medians[d]]));
    return o;
}

static int nr_case_ref(struct nr_review *rv, int64_t case_id, char *out, size_t n)
{
    char *ref = NULL;

    if (nr_store_query_text(rv->st, NULL, &ref, "SELECT ref FROM cases WHERE id = ?", "i",
                            case_id) == 0 &&
        ref) {
        snprintf(out, n, "%s", ref);
        nr_free(ref);
        return 0;
    }
    snprintf(out, n, "%lld", (long long)case_id);
    return 0;
}

int nr_panel_recommendation(struct nr_review *rv, int64_t case_id, const char **rec,
                            json_t **medians, struct nr_err *err)
{
    struct nr_panel_state ps;
    char ref[64];
    int *m = NULL, rc;

    if (rec)
        *rec = NULL;
    if (medians)
        *medians = NULL;
    rc = nr_panel_state_load(rv, case_id, &ps, err);
    if (rc)
        return rc;
    nr_case_ref(rv, case_id, ref, sizeof(ref));
    if (ps.panel_id == 0)
        return nr_err_set(err, NR_EPRECOND, "panel", "case %s has no panel", ref);
    if (!ps.sealed_done)
        return nr_err_set(err, NR_EPRECOND, "panel",
                          "the scores of case %s are not all in: %d of %d members (panel size "
                          "%d) have scored every dimension",
                          ref, ps.complete, ps.members, rv->proc.panel_size);
    m = nr_calloc(rv->proc.ndimensions ? rv->proc.ndimensions : 1, sizeof(*m));
    rc = nr_panel_medians(rv, ps.panel_id, m, err);
    if (rc == 0) {
        if (rec)
            *rec = nr_procedure_recommend(&rv->proc, m, rv->proc.ndimensions);
        if (medians)
            *medians = nr_medians_json(&rv->proc, m);
    }
    nr_free(m);
    return rc;
}

/* ---- forming the panel (R6, R10) ---- */

struct nr_candidate {
    int64_t expert_id, user_id;
    char *login;
    char *reason; /* conflict, NULL when none */
};

/* Today's committee members in id order who have no row on the panel yet. */
static int nr_committee_all(struct nr_review *rv, int64_t panel_id, int32_t today,
                            struct nr_arena *ar, struct nr_candidate **out, size_t *n,
                            struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    size_t cap = 16;
    int rc;

    *n = 0;
    *out = nr_arena_alloc(ar, cap * sizeof(**out));
    rc = nr_store_prepare_bind(rv->st, err, &s,
                               "SELECT e.id, e.user_id, u.login, e.appointed_from, "
                               "e.appointed_until FROM experts e JOIN users u ON u.id = "
                               "e.user_id WHERE u.disabled = 0 AND NOT EXISTS (SELECT 1 FROM "
                               "panel_members m WHERE m.panel_id = ? AND m.expert_id = e.id) "
                               "ORDER BY e.id",
                               "i", panel_id);
    if (rc)
        return rc;
    while ((rc = nr_stmt_step(s, err)) == NR_STORE_ROW) {
        if (!nr__eval_in_force(nr_stmt_text(s, 3), nr_stmt_text(s, 4), today))
            continue;
        if (*n == cap) {
            struct nr_candidate *bigger = nr_arena_alloc(ar, 2 * cap * sizeof(*bigger));
            memcpy(bigger, *out, cap * sizeof(*bigger));
            *out = bigger;
            cap *= 2;
        }
        (*out)[*n].expert_id = nr_stmt_int(s, 0);
        (*out)[*n].user_id = nr_stmt_int(s, 1);
        (*out)[*n].login = nr_arena_strdup(ar, nr_stmt_text(s, 2));
        (*out)[*n].reason = NULL;
        (*n)++;
    }
    nr_stmt_free(s);
    return rc < 0 ? rc : 0;
}

/* The experts named in a comma list of logins, in the order given, each checked. */
static int nr_committee_named(struct nr_review *rv, int64_t panel_id, int32_t today,
                              const char *list, const char *ref, struct nr_arena *ar,
                              struct nr_candidate **out, size_t *n, struct nr_err *err)
{
    char *copy, *p;
    size_t cap = 0;
    int rc = 0;

    *n = 0;
    if (strlen(list) > NR_PANEL_NAMES * (NR_LOGIN_MAX + 1))
        return nr_err_set(err, NR_ETOOBIG, "experts", "the list of experts is too long");
    for (const char *q = list; *q; q++)
        if (*q == ',')
            cap++;
    cap++;
    if (cap > NR_PANEL_NAMES)
        return nr_err_set(err, NR_ETOOBIG, "experts", "name at most %d experts", NR_PANEL_NAMES);
    *out = nr_arena_alloc(ar, cap * sizeof(**out));
    copy = nr_arena_strdup(ar, list);
    p = copy;
    while (p && rc == 0) {
        struct nr_stmt *s = NULL;
        char *end = strchr(p, ','), *login = p;
        size_t len;

        if (end)
            *end = '\0';
        while (*login == ' ')
            login++;
        len = strlen(login);
        while (len && login[len - 1] == ' ')
            login[--len] = '\0';
        p = end ? end + 1 : NULL;
        if (len == 0) {
            rc = nr_err_set(err, NR_EINVAL, "experts", "the list of experts has an empty name");
            break;
        }
        rc = nr__eval_text("experts", login, NR_LOGIN_MAX, 0, err);
        if (rc)
            break;
        for (size_t i = 0; i < *n; i++)
            if (strcmp((*out)[i].login, login) == 0)
                rc = nr_err_set(err, NR_EINVAL, "experts", "%s is named twice", login);
        if (rc)
            break;
        rc = nr_store_prepare_bind(rv->st, err, &s,
                                   "SELECT e.id, e.user_id, e.appointed_from, e.appointed_until, "
                                   "u.disabled, (SELECT m.status FROM panel_members m WHERE "
                                   "m.panel_id = ? AND m.expert_id = e.id) FROM experts e JOIN "
                                   "users u ON u.id = e.user_id WHERE u.login = ?",
                                   "it", panel_id, login);
        if (rc)
            break;
        rc = nr_stmt_step(s, err);
        if (rc == NR_STORE_DONE) {
            rc = nr_err_set(err, NR_ENOTFOUND, "experts", "%s is not on the experts committee",
                            login);
        } else if (rc == NR_STORE_ROW) {
            rc = 0;
            if (!nr__eval_in_force(nr_stmt_text(s, 2), nr_stmt_text(s, 3), today) ||
                nr_stmt_int(s, 4) != 0)
                rc = nr_err_set(err, NR_EPRECOND, "experts",
                                "the appointment of %s to the experts committee is not in force "
                                "today",
                                login);
            else if (!nr_stmt_is_null(s, 5))
                rc = nr_err_set(err, NR_EEXISTS, "experts",
                                "%s already has a seat on the panel of case %s (%s)", login, ref,
                                nr_stmt_text(s, 5));
            if (rc == 0) {
                (*out)[*n].expert_id = nr_stmt_int(s, 0);
                (*out)[*n].user_id = nr_stmt_int(s, 1);
                (*out)[*n].login = nr_arena_strdup(ar, login);
                (*out)[*n].reason = NULL;
                (*n)++;
            }
        }
        nr_stmt_free(s);
    }
    return rc;
}

int nr_panel_form(struct nr_review *rv, const struct nr_actor *a, int64_t case_id,
                  const char *experts, struct nr_err *err)
{
    struct nr_panel_state ps;
    struct nr_candidate *cand = NULL;
    struct nr_arena ar;
    struct nr_case c;
    struct nr_buf members, excluded;
    char now[NR_TIME_STR], obj[48];
    size_t ncand = 0;
    int32_t today;
    int need, available = 0, nexcluded = 0, rc;
    char *detail = NULL;

    nr_arena_init(&ar);
    nr_buf_init(&members, 1 << 16);
    nr_buf_init(&excluded, 1 << 16);
    nr__eval_clock(&today, NULL, now);
    rc = nr_store_begin(rv->st, err);
    if (rc)
        goto out_notxn;
    rc = nr_case_get(rv, a, case_id, &ar, &c, err);
    if (rc == 0)
        rc = nr_case_check_action(rv, a, &c, "panel.form", err);
    if (rc == 0)
        rc = nr_panel_state_load(rv, case_id, &ps, err);
    if (rc)
        goto out;
    if (rv->proc.panel_size <= 0) {
        rc = nr_err_set(err, NR_EPRECOND, "panel", "procedure %s has no expert panel", rv->proc.id);
        goto out;
    }
    if (ps.members >= rv->proc.panel_size) {
        rc = nr_err_set(err, NR_EEXISTS, "case", "case %s already has a full panel of %d members",
                        c.ref, ps.members);
        goto out;
    }
    need = rv->proc.panel_size - ps.members;
    if (experts && *experts)
        rc = nr_committee_named(rv, ps.panel_id, today, experts, c.ref, &ar, &cand, &ncand, err);
    else
        rc = nr_committee_all(rv, ps.panel_id, today, &ar, &cand, &ncand, err);
    if (rc)
        goto out;
    /* R6, R10: an expert affiliated with the provider or a competitor is excluded. */
    for (size_t i = 0; i < ncand; i++) {
        bool conflicted = false;
        char *reason = NULL;
        rc = nr_conflict_check(rv, "expert", cand[i].user_id, case_id, &conflicted, &reason, &ar,
                               err);
        if (rc)
            goto out;
        if (conflicted) {
            cand[i].reason = reason && *reason ? reason : "conflict of interest";
            nr_buf_printf(&excluded, "%s%s: %s", nexcluded ? "; " : "", cand[i].login,
                          cand[i].reason);
            nexcluded++;
        } else {
            available++;
        }
    }
    if (available < need) {
        /* The message is capped so that the reasons fit the error. */
        char list[NR_PANEL_MSG_MAX];
        snprintf(list, sizeof(list), "%s", excluded.p ? excluded.p : "");
        if (nexcluded)
            rc = nr_err_set(err, NR_EPRECOND, "experts",
                            "panel needs %d %sunconflicted expert%s; only %d %s available (%d "
                            "excluded: %s)",
                            need, ps.members ? "more " : "", need == 1 ? "" : "s", available,
                            available == 1 ? "is" : "are", nexcluded, list);
        else
            rc = nr_err_set(err, NR_EPRECOND, "experts",
                            "panel needs %d %sunconflicted expert%s; only %d %s available", need,
                            ps.members ? "more " : "", need == 1 ? "" : "s", available,
                            available == 1 ? "is" : "are");
        goto out;
    }
    if (ps.panel_id == 0) {
        rc = nr_store_query_int(rv->st, err, &ps.panel_id,
                                "INSERT INTO panels (case_id, formed_by, formed_at) VALUES (?, "
                                "NULLIF(?, 0), ?) RETURNING id",
                                "iit", case_id, a->user_id, now);
        if (rc)
            goto out;
    }
    /* The first `need` unconflicted candidates in the given (or id) order sit; every conflicted
     * one is recorded as excluded with the reason kept (R6). */
    for (size_t i = 0; i < ncand; i++) {
        const char *status;
        if (cand[i].reason) {
            status = "excluded";
        } else if (need > 0) {
            status = "member";
            need--;
            nr_buf_printf(&members, "%s%s", members.len ? "," : "", cand[i].login);
        } else {
            continue;
        }
        rc = nr_store_exec(rv->st, err,
                           "INSERT INTO panel_members (panel_id, expert_id, status, reason, at) "
                           "VALUES (?, ?, ?, ?, ?)",
                           "iittt", ps.panel_id, cand[i].expert_id, status, cand[i].reason, now);
        if (rc)
            goto out;
    }
    snprintf(obj, sizeof(obj), "panel:%lld", (long long)ps.panel_id);
    detail = nr_asprintf("members=%s excluded=%d", members.p ? members.p : "", nexcluded);
    rc = nr_audit_append(rv, a, "panel.form", case_id, obj, detail, err);
out:
    if (rc)
        nr_store_rollback(rv->st);
    else
        rc = nr_store_commit(rv->st, err);
out_notxn:
    nr_free(detail);
    nr_buf_release(&members);
    nr_buf_release(&excluded);
    nr_arena_release(&ar);
    return rc;
}

int nr_panel_recuse(struct nr_review *rv, const struct nr_actor *a, int64_t case_id,
                    const char *reason, struct nr_err *err)
{
    struct nr_panel_state ps;
    struct nr_arena ar;
    struct nr_case c;
    char seat[16], now[NR_TIME_STR], obj[48];
    int64_t expert_id = 0;
    char *detail = NULL;
    int rc;

    nr_arena_init(&ar);
    nr__eval_clock(NULL, NULL, now);
    rc = nr_store_begin(rv->st, err);
    if (rc)
        goto out_notxn;
    rc = nr_case_get(rv, a, case_id, &ar, &c, err);
    if (rc == 0)
        rc = nr_case_check_action(rv, a, &c, "panel.recuse", err);
    if (rc == 0)
        rc = nr_panel_state_load(rv, case_id, &ps, err);
    if (rc == 0)
        rc = nr__eval_panel_seat(rv, a, case_id, &expert_id, seat, err);
    if (rc)
        goto out;
    if (ps.panel_id == 0 || strcmp(seat, "member") != 0) {
        rc = nr_err_set(err, NR_EFORBIDDEN, "case", "you do not sit on the panel of case %s%s",
                        c.ref, strcmp(seat, "recused") == 0 ? " (you have recused already)" : "");
        goto out;
    }
    rc = nr__eval_text("reason", reason, NR_RECUSAL_MAX, NR__TEXT_MULTILINE, err);
    if (rc)
        goto out;
    if (ps.sealed_done) {
        rc = nr_err_set(err, NR_EPRECOND, "case",
                        "scores are sealed and complete; a recusal can no longer change them");
        goto out;
    }
    /* R6: the reason is kept; the expert's scores no longer count (they stay on record). */
    rc = nr_store_exec(rv->st, err,
                       "UPDATE panel_members SET status = 'recused', reason = ?, at = ? WHERE "
                       "panel_id = ? AND expert_id = ?",
                       "ttii", reason, now, ps.panel_id, expert_id);
    if (rc)
        goto out;
    snprintf(obj, sizeof(obj), "panel:%lld", (long long)ps.panel_id);
    detail = nr_asprintf("expert=%s", a->login);
    rc = nr_audit_append(rv, a, "panel.recuse", case_id, obj, detail, err);
out:
    if (rc)
        nr_store_rollback(rv->st);
    else
        rc = nr_store_commit(rv->st, err);
out_notxn:
    nr_free(detail);
    nr_arena_release(&ar);
    return rc;
}

/* ---- scores (R6, R10) ---- */

int nr_score_submit(struct nr_review *rv, const struct nr_actor *a, int64_t case_id,
                    const char *dimension, const char *level, const char *reason,
                    struct nr_err *err)
{
    struct nr_panel_state ps;
    struct nr_arena ar;
    struct nr_case c;
    char seat[16], now[NR_TIME_STR], obj[48], hash[2 * NR_HASH_LEN + 1], key_id[NR_KEY_ID_STR];
    char *canon = NULL, *sig = NULL, *detail = NULL;
    int64_t expert_id = 0, existing = 0;
    int *medians = NULL;
    int rc;

    nr_arena_init(&ar);
    nr__eval_clock(NULL, NULL, now);
    rc = nr_store_begin(rv->st, err);
    if (rc)
        goto out_notxn;
    rc = nr_case_get(rv, a, case_id, &ar, &c, err);
    if (rc == 0)
        rc = nr_case_check_action(rv, a, &c, "score.submit", err);
    if (rc == 0)
        rc = nr_panel_state_load(rv, case_id, &ps, err);
    if (rc == 0)
        rc = nr__eval_panel_seat(rv, a, case_id, &expert_id, seat, err);
    if (rc)
        goto out;
    if (ps.panel_id == 0 || strcmp(seat, "member") != 0) {
        rc = nr_err_set(err, NR_EFORBIDDEN, "case", "you do not sit on the panel of case %s%s",
                        c.ref, strcmp(seat, "recused") == 0 ? " (you have recused)" : "");
        goto out;
    }
    if (ps.sealed_done) {
        rc = nr_err_set(err, NR_EPRECOND, "case", "scores are sealed and complete");
        goto out;
    }
    if (dimension == NULL || nr_procedure_dimension(&rv->proc, dimension) < 0) {
        struct nr_buf dims;
        nr_buf_init(&dims, 2048);
        for (size_t i = 0; i < rv->proc.ndimensions; i++)
            nr_buf_printf(&dims, "%s%s", i ? ", " : "", rv->proc.dimensions[i]);
        rc = nr_err_set(err, NR_EINVAL, "dimension", "%s is not a dimension of %s (one of: %s)",
                        dimension && *dimension ? dimension : "(none)", rv->proc.id,
                        dims.p ? dims.p : "");
        nr_buf_release(&dims);
        goto out;
    }
    if (level == NULL || nr_procedure_level(&rv->proc, level) < 0) {
        struct nr_buf lv;
        nr_buf_init(&lv, 2048);
        for (size_t i = 0; i < rv->proc.nscale; i++)
            nr_buf_printf(&lv, "%s%s", i ? ", " : "", rv->proc.scale[i]);
        rc = nr_err_set(err, NR_EINVAL, "level", "%s is not a level of the scale (one of: %s)",
                        level && *level ? level : "(none)", lv.p ? lv.p : "");
        nr_buf_release(&lv);
        goto out;
    }
    /* R6: every score carries its written reason. */
    rc = nr__eval_text("reason", reason, NR_REASON_MAX, NR__TEXT_MULTILINE, err);
    if (rc == 0)
        rc = nr__eval_hash_hex(rv, reason, strlen(reason), hash, err);
    if (rc)
        goto out;
    canon = nr_asprintf("netreview-score/1\ncase=%s\nexpert=%s\ndimension=%s\nlevel=%s\nhash=%s\n",
                        c.ref, a->login, dimension, level, hash);
    rc = nr__eval_sign(rv, a, canon, &sig, key_id, err);
    if (rc)
        goto out;
    rc = nr_store_query_int(rv->st, err, &existing,
                            "SELECT id FROM scores WHERE panel_id = ? AND expert_id = ? AND "
                            "dimension = ?",
                            "iit", ps.panel_id, expert_id, dimension);
    if (rc == NR_ENOTFOUND) {
        existing = 0;
        rc = nr_store_exec(rv->st, err,
                           "INSERT INTO scores (panel_id, expert_id, dimension, level, reason, "
                           "signature, key_id, submitted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           "iitttttt", ps.panel_id, expert_id, dimension, level, reason, sig,
                           key_id, now);
    } else if (rc == 0) {
        /* Until every score is in, an expert may change their mind; the audit keeps it. */
        rc = nr_store_exec(rv->st, err,
                           "UPDATE scores SET level = ?, reason = ?, signature = ?, key_id = ?, "
                           "submitted_at = ? WHERE id = ?",
                           "ttttti", level, reason, sig, key_id, now, existing);
    }
    if (rc)
        goto out;
    snprintf(obj, sizeof(obj), "panel:%lld", (long long)ps.panel_id);
    /* R6: the audit entry names the dimension, never the level, while scores are sealed. */
    detail = nr_asprintf("dimension=%s%s", dimension, existing ? " replaced=yes" : "");
    rc = nr_audit_append(rv, a, "score.submit", case_id, obj, detail, err);
    if (rc)
        goto out;
    /* The last score unseals the panel: record the medians and recommendation once. */
    rc = nr_panel_state_load(rv, case_id, &ps, err);
    if (rc == 0 && ps.sealed_done) {
        json_t *mj;
        char *mtext, *cdetail;
        const char *rec;
        medians = nr_calloc(rv->proc.ndimensions ? rv->proc.ndimensions : 1, sizeof(*medians));
        rc = nr_panel_medians(rv, ps.panel_id, medians, err);
        if (rc)
            goto out;
        rec = nr_procedure_recommend(&rv->proc, medians, rv->proc.ndimensions);
        mj = nr_medians_json(&rv->proc, medians);
        mtext = json_dumps(mj, JSON_COMPACT | JSON_PRESERVE_ORDER);
        json_decref(mj);
        rc = nr_store_exec(rv->st, err,
                           "UPDATE panels SET recommendation = ?, medians = ?, computed_at = ? "
                           "WHERE id = ?",
                           "ttti", rec, mtext, now, ps.panel_id);
        cdetail = nr_asprintf("recommendation=%s medians=%s", rec, mtext ? mtext : "{}");
        if (rc == 0)
            rc = nr_audit_append(rv, a, "panel.complete", case_id, obj, cdetail, err);
        free(mtext);
        nr_free(cdetail);
    }
out:
    if (rc)
        nr_store_rollback(rv->st);
    else
        rc = nr_store_commit(rv->st, err);
out_notxn:
    nr_free(medians);
    nr_free(canon);
    nr_free(sig);
    nr_free(detail);
    nr_arena_release(&ar);
    return rc;
}

/* ---- the view (R6: sealed) ---- */

static int nr_member_scores(struct nr_review *rv, int64_t panel_id, int64_t expert_id, json_t **out,
                            struct nr_err *err)
{
    struct nr_stmt *s = NULL;
    json_t *rows = json_array();
    int rc = nr_store_prepare_bind(rv->st, err, &s,
                                   "SELECT dimension, level, reason, signature, key_id, "
                                   "submitted_at FROM scores WHERE panel_id = ? AND expert_id = "
                                   "? ORDER BY id",
                                   "ii", panel_id, expert_id);
    if (rc == 0)
        rc = nr_stmt_rows_json(s, "tttttt", rows, err);
    nr_stmt_free(s);
    if (rc) {
        json_decref(rows);
        return rc;
    }
    *out = rows;
    return 0;
}

int nr_panel_show(struct nr_review *rv, const struct nr_actor *a, int64_t case_id, json_t **out,
                  struct nr_err *err)
{
    struct nr_panel_state ps;
    struct nr_stmt *s = NULL;
    struct nr_arena ar;
    struct nr_case c;
    json_t *o = NULL, *members = NULL;
    char seat[16];
    int64_t me = 0;
    int rc;

    *out = NULL;
    nr_arena_init(&ar);
    rc = nr_case_get(rv, a, case_id, &ar, &c, err);
    if (rc)
        goto out;
    /* R11: the panel is the business of those who run the case and of its experts. */
    switch (a->role) {
    case NR_ROLE_COMMITTEE:
    case NR_ROLE_OFFICE:
    case NR_ROLE_SECTOR_DEPT:
        break;
    case NR_ROLE_EXPERT:
        rc = nr__eval_panel_seat(rv, a, case_id, &me, seat, err);
        if (rc == 0 && seat[0] == '\0')
            rc = nr_err_set(err, NR_EFORBIDDEN, "case", "you do not sit on the panel of case %s",
                            c.ref);
        break;
    default:
        if (!a->local_admin)
            rc = nr_err_set(err, NR_EFORBIDDEN, "role", "role %s may not see the panel of case %s",
                            nr_role_name(a->role), c.ref);
        break;
    }
    if (rc == 0)
        rc = nr_panel_state_load(rv, case_id, &ps, err);
    if (rc)
        goto out;
    if (ps.panel_id == 0) {
        rc = nr_err_set(err, NR_ENOTFOUND, "panel", "case %s has no panel yet", c.ref);
        goto out;
    }
    o = json_object();
    json_object_set_new(o, "case_id", json_integer(case_id));
    json_object_set_new(o, "case_ref", json_string(c.ref));
    json_object_set_new(o, "panel_id", json_integer(ps.panel_id));
    {
        char *formed = NULL;
        nr_store_query_text(rv->st, NULL, &formed, "SELECT formed_at FROM panels WHERE id = ?", "i",
                            ps.panel_id);
        json_object_set_new(o, "formed_at", formed ? json_string(formed) : json_null());
        nr_free(formed);
    }
    json_object_set_new(o, "panel_size", json_integer(rv->proc.panel_size));
    json_object_set_new(o, "members_active", json_integer(ps.members));
    json_object_set_new(o, "complete_scorers", json_integer(ps.complete));
    json_object_set_new(o, "dimensions_total", json_integer((json_int_t)rv->proc.ndimensions));
    /* R6: sealed until every member of a full panel has scored every dimension. */
    json_object_set_new(o, "sealed", json_boolean(!ps.sealed_done));
    rc = nr_store_prepare_bind(
        rv->st, err, &s,
        "SELECT m.expert_id AS expert_id, u.login AS login, u.name AS name, m.status AS status, "
        "m.reason AS reason, m.at AS at, (SELECT COUNT(*) FROM scores s WHERE s.panel_id = "
        "m.panel_id AND s.expert_id = m.expert_id) AS dimensions_scored FROM panel_members m "
        "JOIN experts e ON e.id = m.expert_id JOIN users u ON u.id = e.user_id WHERE m.panel_id "
        "= ? ORDER BY m.id",
        "i", ps.panel_id);
    if (rc)
        goto out;
    members = json_array();
    rc = nr_stmt_rows_json(s, "ittttti", members, err);
    nr_stmt_free(s);
    s = NULL;
    if (rc)
        goto out;
    for (size_t i = 0; i < json_array_size(members); i++) {
        json_t *m = json_array_get(members, i), *scores = NULL;
        int64_t eid = json_integer_value(json_object_get(m, "expert_id"));
        const char *st = json_string_value(json_object_get(m, "status"));
        bool mine = me && eid == me;
        /* R6: each expert sees their own scores; all see them once all are in. */
        if (mine || (ps.sealed_done && st && strcmp(st, "member") == 0)) {
            rc = nr_member_scores(rv, ps.panel_id, eid, &scores, err);
            if (rc)
                goto out;
            json_object_set_new(m, "scores", scores);
        }
    }
    json_object_set_new(o, "members", members);
    members = NULL;
    if (ps.sealed_done) {
        const char *rec = NULL;
        json_t *med = NULL;
        rc = nr_panel_recommendation(rv, case_id, &rec, &med, err);
        if (rc)
            goto out;
        json_object_set_new(o, "medians", med);
        json_object_set_new(o, "recommendation", json_string(rec));
    } else {
        json_object_set_new(o, "medians", json_null());
        json_object_set_new(o, "recommendation", json_null());
    }
    *out = o;
    o = NULL;
out:
    nr_stmt_free(s);
    json_decref(members);
    json_decref(o);
    nr_arena_release(&ar);
    return rc;
}

/* ---- score sheets ---- */

#define NR_SHEET_MAX     (1 << 20)
#define NR_SHEET_ENTRIES 64

int nr_score_sheet_parse(const char *text, size_t len, json_t **out, struct nr_err *err)
{
    json_error_t jerr;
    json_t *doc, *v;
    const char *dim;

    *out = NULL;
    if (len > NR_SHEET_MAX)
        return nr_err_set(err, NR_EPARSE, "$", "score sheet is larger than 1 MiB");
    doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (doc == NULL)
        return nr_err_set(err, NR_EPARSE, "$", "line %d column %d: %s", jerr.line, jerr.column,
                          jerr.text);
    if (!json_is_object(doc) || json_object_size(doc) == 0 ||
        json_object_size(doc) > NR_SHEET_ENTRIES) {
        json_decref(doc);
        return nr_err_set(err, NR_EPARSE, "$",
                          "expected an object of 1 to %d dimensions, like {\"control\": "
                          "{\"level\": \"high\", \"reason\": \"...\"}}",
                          NR_SHEET_ENTRIES);
    }
    json_object_foreach(doc, dim, v)
    {
        char path[NR_ERR_FIELD_MAX];
        snprintf(path, sizeof(path), "$.%.100s", dim);
        if (!json_is_object(v) || json_object_size(v) != 2 ||
            !json_is_string(json_object_get(v, "level")) ||
            !json_is_string(json_object_get(v, "reason"))) {
            json_decref(doc);
            return nr_err_set(err, NR_EPARSE, path,
                              "%s must be {\"level\": \"...\", \"reason\": \"...\"}", path);
        }
    }
    *out = doc;
    return 0;
}

int nr_score_sheet_submit(struct nr_review *rv, const struct nr_actor *a, int64_t case_id,
                          const char *text, size_t len, struct nr_err *err)
{
    json_t *doc = NULL, *v;
    const char *dim;
    int rc = nr_score_sheet_parse(text, len, &doc, err);

    if (rc)
        return rc;
    rc = nr_store_begin(rv->st, err);
    if (rc) {
        json_decref(doc);
        return rc;
    }
    json_object_foreach(doc, dim, v)
    {
        struct nr_err one;
        nr_err_init(&one);
        rc = nr_score_submit(rv, a, case_id, dim, json_string_value(json_object_get(v, "level")),
                             json_string_value(json_object_get(v, "reason")), &one);
        if (rc) {
            nr_err_set(err, rc, one.field, "$.%.100s: %s", dim,
                       one.msg[0] ? one.msg : nr_strerror(rc));
            break;
        }
    }
    if (rc)
        nr_store_rollback(rv->st);
    else
        rc = nr_store_commit(rv->st, err);
    json_decref(doc);
    return rc;
}
