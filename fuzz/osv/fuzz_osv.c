/*
 * fuzz_osv.c - libFuzzer target for nr_osv_parse (osv.h). A record that parses must hold what the
 * contract promises: id and modified, a severity word, a score in [0, 10] that nr_cvss_score
 * gives its vector again, a package name for every ecosystem, events with versions, and parsing
 * the same bytes again must give the same record. A record that does not parse must leave the
 * struct empty. Any breach aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netreview/osv.h"

#include "netreview/banned.h"

static bool same(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return strcmp(a, b) == 0;
}

static void check(const struct nr_osv *o)
{
    double again;

    if (o->id == NULL || o->id[0] == '\0' || o->modified == NULL || o->severity == NULL)
        abort();
    if (strcmp(o->severity, "critical") != 0 && strcmp(o->severity, "high") != 0 &&
        strcmp(o->severity, "medium") != 0 && strcmp(o->severity, "low") != 0)
        abort();
    if (o->cvss_score < 0.0 || o->cvss_score > 10.0)
        abort();
    if (o->cvss_vector) {
        if (nr_cvss_score(o->cvss_vector, &again, NULL) != 0 || again != o->cvss_score)
            abort();
    } else if (o->cvss_score != 0.0) {
        abort();
    }
    if (o->naffected > NR_OSV_MAX_AFFECTED + 1)
        abort();
    for (size_t i = 0; i < o->naliases; i++)
        if (o->aliases[i] == NULL)
            abort();
    for (size_t a = 0; a < o->naffected; a++) {
        const struct nr_osv_affected *af = &o->affected[a];
        if ((af->ecosystem == NULL) != (af->name == NULL))
            abort();
        if ((int)af->order >= (int)NR_ORDER__COUNT)
            abort();
        for (size_t r = 0; r < af->nranges; r++) {
            if (af->ranges[r].type == NULL || af->ranges[r].nevents == 0 ||
                af->ranges[r].nevents > NR_OSV_MAX_EVENTS)
                abort();
            for (size_t e = 0; e < af->ranges[r].nevents; e++)
                if (af->ranges[r].events[e].version == NULL ||
                    af->ranges[r].events[e].version[0] == '\0')
                    abort();
        }
        for (size_t v = 0; v < af->nversions; v++)
            if (af->versions[v] == NULL)
                abort();
        for (size_t c = 0; c < af->ncpes; c++)
            if (af->cpes[c] == NULL)
                abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct nr_osv o, again;
    struct nr_err err;

    nr_osv_init(&o);
    nr_osv_init(&again);
    nr_err_init(&err);
    if (nr_osv_parse(&o, (const char *)data, size, &err) == 0) {
        check(&o);
        if (nr_osv_parse(&again, (const char *)data, size, NULL) != 0)
            abort();
        if (!same(o.id, again.id) || !same(o.modified, again.modified) ||
            !same(o.cvss_vector, again.cvss_vector) || !same(o.fixed, again.fixed) ||
            !same(o.severity, again.severity) || o.naffected != again.naffected ||
            o.naliases != again.naliases || o.rce != again.rce ||
            o.auth_bypass != again.auth_bypass)
            abort();
    } else {
        if (err.code == 0 || err.msg[0] == '\0')
            abort();
        if (o.id != NULL || o.naffected != 0 || o.affected != NULL)
            abort();
    }
    nr_osv_release(&o);
    nr_osv_release(&again);
    return 0;
}
