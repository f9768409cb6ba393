/*
 * deadline.c - R13: the clock of a case. Requests for materials stop it, their arrival restarts
 * it and moves the deadline by the working days it stood still; extensions need a reason; the
 * overdue list is what the office chases (interface: review.h).
 */
#include "netreview/review.h"

#include <stdio.h>
#include <string.h>

#include "netreview/banned.h"

#define NR_WHAT_MAX 16384

static int nr_finish(struct nr_review *rv, int rc, struct nr_err *err)
{
    if (rc)
        nr_store_rollback(rv->st);
    else
        rc = nr_store_commit(rv->st, err);
    return rc;
}

/* True for NULL, "" and text of spaces only: none of them says anything. */
static bool nr_blank(const char *s)
{
    if (s)
        for (; *s; s++)
            if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
                return false;
    return true;
}

static void nr_case_obj(char *out, size_t n, int64_t id)
{
    snprintf(out, n, "case:%lld", (long long)id);
}

int nr_materials_request(struct nr_review *rv, const struct nr_actor *a, int64_t case_id,
                         const char *what, struct nr_err *err)
{
    struct nr_arena ar;
    struct nr_case c;
    char now[NR_TIME_STR], today[NR_DATE_STR], obj[32];
    int rc;

    if (nr_blank(what))
        return nr_err_set(err, NR_EINVAL, "what", "say which materials are requested (--what)");
    if (strlen(what) > NR_WHAT_MAX)
        return nr_err_set(err, NR_ETOOBIG, "what", "request is longer than 16 KiB");
    nr_arena_init(&ar);
    rc = nr_store_begin(rv->st, err);
    if (rc)
        goto out_notxn;
    rc = nr_case_get(rv, a, case_id, &ar, &c, err);
    if (rc == 0)
        rc = nr_case_check_action(rv, a, &c, "materials.request", err);
    if (rc)
        goto out;
    nr_time_fmt(nr_time_now(), now);
    nr_date_fmt(nr_date_from_time(nr_time_now()), today);
    rc = nr_store_exec(rv->st, err,
                       "INSERT INTO material_requests (case_id, phase, what, requested_by, "
                       "requested_at, requested_on) VALUES (?, ?, ?, ?, ?, ?)",
                       "ittitt", case_id, c.phase, what, a->user_id, now, today);
    /* R13: the clock stops on the first outstanding request. */
    if (rc == 0 && c.paused_on == NULL)
        rc = nr_store_exec(rv->st, err,
                           "UPDATE cases SET paused_on = ?, updated_at = ? WHERE id = ?", "tti",
                           today, now, case_id);
    nr_case_obj(obj, sizeof(obj), case_id);
    if (rc == 0)
        rc = nr_audit_append(rv, a, "materials.request", case_id, obj, what, err);
out:
    rc = nr_finish(rv, rc, err);
out_notxn:
    nr_arena_release(&ar);
    return rc;
}

int nr_materials_receive(struct nr_review *rv, const struct nr_actor *a, int64_t case_id,
                         struct nr_err *err)
{
    struct nr_arena ar;
    struct nr_case c;
    char now[NR_TIME_STR], today[NR_DATE_STR], due[NR_DATE_STR], obj[32], detail[128];
    int32_t paused_from, day, old_due;
    int64_t pending = 0;
    int rc, stood = 0;

    nr_arena_init(&ar);
    rc = nr_store_begin(rv->st, err);
    if (rc)
        goto out_notxn;
    rc = nr_case_get(rv, a, case_id, &ar, &c, err);
    if (rc == 0)
        rc = nr_case_check_action(rv, a, &c, "materials.receive", err);
    if (rc == 0)
        rc = nr_store_query_int(rv->st, err, &pending,
                                "SELECT COUNT(*) FROM material_requests WHERE case_id = ? AND "
                                "received_at IS NULL",
                                "i", case_id);
    if (rc)
        goto out;
    if (pending == 0) {
        rc = nr_err_set(err, NR_EPRECOND, "case",
                        "case %s has no outstanding request for materials", c.ref);
        goto out;
    }
    day = nr_date_from_time(nr_time_now());
    nr_time_fmt(nr_time_now(), now);
    nr_date_fmt(day, today);
    /* R13: the working days the clock stood still are added to the deadline. */
    if (c.paused_on && nr_date_parse(c.paused_on, &paused_from) == 0)
        stood = nr_calendar_workdays_between(&rv->cal, paused_from, day);
    if (stood < 0)
        stood = 0;
    rc = nr_store_exec(rv->st, err,
                       "UPDATE material_requests SET received_by = ?, received_at = ?, "
                       "received_on = ?, paused_days = ? WHERE case_id = ? AND received_at IS NULL",
                       "ittii", a->user_id, now, today, (int64_t)stood, case_id);
    if (rc)
        goto out;
    if (c.phase_due && nr_date_parse(c.phase_due, &old_due) == 0) {
        nr_date_fmt(nr_calendar_add_workdays(&rv->cal, old_due, stood), due);
        rc = nr_store_exec(rv->st, err,
                           "UPDATE cases SET paused_on = NULL, phase_due = ?, updated_at = ? "
                           "WHERE id = ?",
                           "tti", due, now, case_id);
        if (rc == 0)
            rc = nr_store_exec(rv->st, err,
                               "UPDATE case_phases SET due = ? WHERE case_id = ? AND left_at IS "
                               "NULL",
                               "ti", due, case_id);
    } else {
        rc = nr_store_exec(rv->st, err,
                           "UPDATE cases SET paused_on = NULL, updated_at = ? WHERE id = ?", "ti",
                           now, case_id);
    }
    nr_case_obj(obj, sizeof(obj), case_id);
    snprintf(detail, sizeof(detail), "clock restarted after %d working days", stood);
    if (rc == 0)
        rc = nr_audit_append(rv, a, "materials.receive", case_id, obj, detail, err);
out:
    rc = nr_finish(rv, rc, err);
out_notxn:
    nr_arena_release(&ar);
    return rc;
}

int nr_deadline_extend(struct nr_review *rv, const struct nr_actor *a, int64_t case_id, int days,
                       const char *reason, struct nr_err *err)
{
    struct nr_arena ar;
    struct nr_case c;
    char now[NR_TIME_STR], due[NR_DATE_STR], obj[32], *detail;
    int32_t old_due;
    int rc;

    if (days < 1 || days > 250)
        return nr_err_set(err, NR_EINVAL, "days", "an extension is 1 to 250 working days, not %d",
                          days);
    /* R13: an extension needs a recorded reason. */
    if (nr_blank(reason))
        return nr_err_set(err, NR_EINVAL, "reason", "an extension needs a reason (--reason)");
    if (strlen(reason) > NR_WHAT_MAX)
        return nr_err_set(err, NR_ETOOBIG, "reason", "reason is longer than 16 KiB");
    nr_arena_init(&ar);
    rc = nr_store_begin(rv->st, err);
    if (rc)
        goto out_notxn;
    rc = nr_case_get(rv, a, case_id, &ar, &c, err);
    if (rc == 0)
        rc = nr_case_check_action(rv, a, &c, "deadline.extend", err);
    if (rc)
        goto out;
    if (c.phase_due == NULL || nr_date_parse(c.phase_due, &old_due) != 0) {
        rc = nr_err_set(err, NR_EPRECOND, "phase", "phase %s of case %s has no deadline to extend",
                        c.phase, c.ref);
        goto out;
    }
    nr_date_fmt(nr_calendar_add_workdays(&rv->cal, old_due, days), due);
    nr_time_fmt(nr_time_now(), now);
    rc = nr_store_exec(rv->st, err,
                       "INSERT INTO extensions (case_id, phase, days, reason, actor_id, at, "
                       "old_due, new_due) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       "ititittt", case_id, c.phase, (int64_t)days, reason, a->user_id, now,
                       c.phase_due, due);
    if (rc == 0)
        rc = nr_store_exec(rv->st, err,
                           "UPDATE cases SET phase_due = ?, updated_at = ? WHERE id = ?", "tti",
                           due, now, case_id);
    if (rc == 0)
        rc = nr_store_exec(rv->st, err,
                           "UPDATE case_phases SET due = ? WHERE case_id = ? AND left_at IS NULL",
                           "ti", due, case_id);
    nr_case_obj(obj, sizeof(obj), case_id);
    detail = nr_asprintf("%s: +%d working days, %s -> %s; reason: %s", c.phase, days, c.phase_due,
                         due, reason);
    if (rc == 0)
        rc = nr_audit_append(rv, a, "deadline.extend", case_id, obj, detail, err);
    nr_free(detail);
out:
    rc = nr_finish(rv, rc, err);
out_notxn:
    nr_arena_release(&ar);
    return rc;
}

int nr_case_overdue(struct nr_review *rv, const struct nr_actor *a, json_t **out,
                    struct nr_err *err)
{
    struct nr_case_filter f;
    json_t *rows = NULL;
    size_t i;
    json_t *o;
    int32_t today = nr_date_from_time(nr_time_now());
    int rc;

    memset(&f, 0, sizeof(f));
    f.overdue_only = true;
    f.limit = 1000;
    rc = nr_case_list(rv, a, &f, &rows, err);
    if (rc)
        return rc;
    json_array_foreach(rows, i, o)
    {
        int32_t due;
        const char *d = json_string_value(json_object_get(o, "phase_due"));
        if (d && nr_date_parse(d, &due) == 0)
            json_object_set_new(o, "working_days_overdue",
                                json_integer(nr_calendar_workdays_between(&rv->cal, due, today)));
    }
    *out = rows;
    return 0;
}
