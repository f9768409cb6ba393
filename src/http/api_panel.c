/*
 * api_panel.c - the expert review of a case over HTTP (interface: api.h): the panel view, forming
 * the panel, recusal and the experts' signed scores, as `netreview panel ...` and `netreview
 * score submit ...` do them (the rules are review.h's "expert review", MISSION.md R6).
 *
 * Every write answers with the panel view as the actor may now see it, which is what the CLI
 * prints with --json after the same command. R6: the model keeps the scores sealed until every
 * member has scored every dimension; an expert sees their own before that, nobody else's.
 */
#include "api.h"
#include "api_registry_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netreview/banned.h"

/* Answers a change with the panel view. An actor who may no longer see the panel (an expert who
 * has just recused) gets the case id only: the change itself was made. */
static void panel_reply(struct nr_req *r, int64_t case_id)
{
    json_t *p = NULL;

    if (nr_panel_show(r->rv, &r->actor, case_id, &p, NULL) != 0) {
        nr_req_json(r, 200, json_pack("{s:I}", "case_id", (json_int_t)case_id));
        return;
    }
    nr_req_json(r, 200, p);
}

NR_HANDLER(api_panel_show)
{
    struct nr_err err;
    json_t *p = NULL;
    int64_t case_id = 0;
    int rc;

    if (nr_req_param_case(r, 0, &case_id) != 0)
        return;
    nr_err_init(&err);
    rc = nr_panel_show(r->rv, &r->actor, case_id, &p, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    nr_req_json(r, 200, p);
}

NR_HANDLER(api_panel_form)
{
    static const char *const allowed[] = {"experts", NULL};
    const char *experts = NULL;
    struct nr_err err;
    int64_t case_id = 0;
    int rc;

    if (nr_req_param_case(r, 0, &case_id) != 0 || nr_req_fields(r, allowed) != 0 ||
        nr__req_list(r, "experts", &experts) != 0)
        return;
    /* Without experts the model takes the whole committee in id order; R6: conflicted experts
     * are left out either way, with the reason kept. */
    nr_err_init(&err);
    rc = nr_panel_form(r->rv, &r->actor, case_id, experts, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    panel_reply(r, case_id);
}

NR_HANDLER(api_panel_recuse)
{
    static const char *const allowed[] = {"reason", NULL};
    const char *reason = NULL;
    const struct nr__req_field fields[] = {
        {"reason", NR_API_TEXT_MAX, true, &reason},
        {NULL, 0, false, NULL},
    };
    struct nr_err err;
    int64_t case_id = 0;
    int rc;

    if (nr_req_param_case(r, 0, &case_id) != 0 || nr_req_fields(r, allowed) != 0 ||
        nr__req_strs(r, fields) != 0)
        return;
    nr_err_init(&err);
    rc = nr_panel_recuse(r->rv, &r->actor, case_id, reason, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    panel_reply(r, case_id);
}

/* A sheet's errors name "$.control.level"; in a request body the sheet is the member "scores". */
static void panel_sheet_field(struct nr_err *err)
{
    char field[NR_ERR_FIELD_MAX];

    if (err->field[0] != '$')
        return;
    snprintf(field, sizeof(field), "scores%s", err->field + 1);
    memcpy(err->field, field, sizeof(field));
}

NR_HANDLER(api_score_submit)
{
    static const char *const allowed[] = {"dimension", "level", "reason", "scores", NULL};
    const char *dimension = NULL, *level = NULL, *reason = NULL;
    const struct nr__req_field fields[] = {
        {"dimension", NR_API_LINE_MAX, false, &dimension},
        {"level", NR_API_LINE_MAX, false, &level},
        {"reason", NR_API_TEXT_MAX, false, &reason},
        {NULL, 0, false, NULL},
    };
    json_t *sheet;
    struct nr_err err;
    int64_t case_id = 0;
    int rc;

    if (nr_req_param_case(r, 0, &case_id) != 0 || nr_req_fields(r, allowed) != 0 ||
        nr__req_strs(r, fields) != 0)
        return;
    sheet = r->body ? json_object_get(r->body, "scores") : NULL;
    if (sheet && (dimension || level || reason)) {
        nr_req_fail(r, NR_EINVAL, "scores",
                    "give either scores or dimension, level and reason, not both");
        return;
    }
    if (!sheet && !(dimension && level && reason)) {
        nr_req_fail(r, NR_EINVAL, dimension ? (level ? "reason" : "level") : "dimension",
                    "a score needs dimension, level and reason (or scores: {dimension: {level, "
                    "reason}, ...})");
        return;
    }
    nr_err_init(&err);
    if (sheet) {
        /* The model parses and checks the sheet and stores all of it in one transaction, or
         * none of it; it takes the text, as from `score submit --file`. */
        char *text = json_dumps(sheet, JSON_COMPACT | JSON_ENCODE_ANY);
        if (text == NULL) {
            nr_req_fail(r, NR_EINVAL, "scores", "scores cannot be read");
            return;
        }
        rc = nr_score_sheet_submit(r->rv, &r->actor, case_id, text, strlen(text), &err);
        free(text); /* jansson's allocator is the C library's */
        if (rc)
            panel_sheet_field(&err);
    } else {
        rc = nr_score_submit(r->rv, &r->actor, case_id, dimension, level, reason, &err);
    }
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    panel_reply(r, case_id);
}
