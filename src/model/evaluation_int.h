/*
 * evaluation_int.h - helpers that evaluation.c shares with panel.c (both implement the
 * "evaluation" and "expert review" parts of review.h). Not a public interface.
 */
#ifndef NETREVIEW_EVALUATION_INT_H
#define NETREVIEW_EVALUATION_INT_H

#include "netreview/review.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* Flags of nr__eval_text. */
#define NR__TEXT_OPTIONAL  0x1u /* NULL or "" is accepted (and means absent) */
#define NR__TEXT_MULTILINE 0x2u /* newlines and tabs are accepted */

/* Checks a text input: required unless optional, at most max bytes, valid UTF-8, no control
 * characters but the ones multi-line text needs. NR_EINVAL / NR_ETOOBIG naming field. */
int nr__eval_text(const char *field, const char *s, size_t max, unsigned flags, struct nr_err *err);

/* The one clock (NETREVIEW_NOW in tests): today as a day number and as text, and now as a
 * timestamp. Any output may be NULL. */
void nr__eval_clock(int32_t *today, char date[NR_DATE_STR], char now[NR_TIME_STR]);

/* True when a registry period holds on day today: from <= today and (no until or today <=
 * until). Dates are "YYYY-MM-DD" (a longer timestamp is read by its date). */
bool nr__eval_in_force(const char *from, const char *until, int32_t today);

/* Lower-case hex of the suite hash of text (R10: what signatures cover). */
int nr__eval_hash_hex(struct nr_review *rv, const void *data, size_t len,
                      char hex[2 * NR_HASH_LEN + 1], struct nr_err *err);

/* R11: whether organisation org_id holds an evaluation task on the case. */
int nr__eval_holds_task(struct nr_review *rv, int64_t org_id, int64_t case_id, bool *holds,
                        struct nr_err *err);

/* The actor's expert id and status on the case's panel ("member", "recused", "excluded"; ""
 * when the actor is no expert or not on the panel). expert_id may be NULL. */
int nr__eval_panel_seat(struct nr_review *rv, const struct nr_actor *a, int64_t case_id,
                        int64_t *expert_id, char status[16], struct nr_err *err);

/* Signs a canonical text with the actor's own key (R10). *sig is malloc'd (nr_free). */
int nr__eval_sign(struct nr_review *rv, const struct nr_actor *a, const char *text, char **sig,
                  char key_id[NR_KEY_ID_STR], struct nr_err *err);

#endif
