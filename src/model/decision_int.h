/*
 * decision_int.h - what decision.c shares with gate.c: who may see a decision (R7, R9).
 *
 * A decision is seen by the office and the committee always; by everyone else only once it is
 * published (a publication row that is not withdrawn), and then by everyone when its visibility
 * is public, by the organisations and sectors of its audience when restricted, never when
 * internal. decision.c adds, for show/list/export, the people who may see the case itself.
 */
#ifndef NETREVIEW_DECISION_INT_H
#define NETREVIEW_DECISION_INT_H

#include "netreview/review.h"

#include <stdbool.h>
#include <stdint.h>

/* Whose eyes a visibility check is made for. */
struct nr__viewer {
    bool all;       /* office and committee: every decision, published or not */
    int64_t org_id; /* 0 for the public */
    char sector[64];
};

void nr__viewer_of_actor(const struct nr_actor *a, struct nr__viewer *v);
/* True when the canonical audience ("org:12,sector:finance") names org_id or sector. */
bool nr__audience_has(const char *audience, int64_t org_id, const char *sector);
bool nr__decision_visible(const struct nr__viewer *v, const char *visibility, const char *audience,
                          bool published);

#endif
