/*
 * osv_int.h - what osv.c (parsing) and osv_import.c (the store) share and nobody else needs.
 */
#ifndef NETREVIEW_OSV_INT_H
#define NETREVIEW_OSV_INT_H

#include <stddef.h>

/* An RFC 3339 timestamp ("2024-05-01T12:00:00Z", "...:00.123456Z", "...:00+02:00") as a key
 * that sorts as the instant does: "YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ" in UTC. OSV's `modified`
 * decides which copy of a record wins, and plain text order gets fractions and offsets wrong
 * ("00.5Z" sorts before "00Z"). Returns 0, or -1 when s is not such a timestamp. */
#define NR__OSV_TIME_KEY 32
int nr__osv_time_key(const char *s, char out[NR__OSV_TIME_KEY]);

#endif
