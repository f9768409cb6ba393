/*
 * sbom_harness.h - the body both SBOM fuzz targets share (fuzz/cyclonedx, fuzz/spdx): they feed
 * the same reader (sbom.h's nr_sbom_read_mem, which tells the format from the document) and differ
 * in their corpus and dictionary. Any input must give either a result that keeps the contract -
 * every component named and placed, every nested one naming a parent read before it, every
 * dependency edge and VEX statement complete, and nothing SPDX cannot say (parents, groups, VEX)
 * - or an error with its code and message and an empty struct. Any breach aborts.
 */
#ifndef NETREVIEW_FUZZ_SBOM_HARNESS_H
#define NETREVIEW_FUZZ_SBOM_HARNESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netreview/sbom.h"

#include "netreview/banned.h"

static void check_result(const struct nr_sbom *s)
{
    if (s->format == NR_SBOM_NONE || s->spec_version == NULL)
        abort();
    if ((s->ncomponents == 0) != (s->components == NULL) || (s->nvex == 0) != (s->vex == NULL) ||
        (s->ndeps == 0) != (s->deps == NULL))
        abort();
    for (size_t i = 0; i < s->ncomponents; i++) {
        const struct nr_sbom_component *c = &s->components[i];
        bool found = false;
        if (c->name == NULL || c->path == NULL || strlen(c->name) > NR_SBOM_MAX_STRING)
            abort();
        if ((c->hash == NULL) != (c->nhashes == 0))
            abort();
        if (s->format == NR_SBOM_SPDX && (c->group != NULL || c->parent != NULL))
            abort();
        if (c->hash != NULL && strchr(c->hash, ':') == NULL)
            abort();
        if (c->parent == NULL)
            continue;
        /* The parent is the ref of an earlier component, shared rather than copied. */
        for (size_t j = 0; j < i && !found; j++)
            found = s->components[j].ref == c->parent;
        if (!found || s->format != NR_SBOM_CYCLONEDX)
            abort();
    }
    if (s->format == NR_SBOM_SPDX && s->nvex != 0)
        abort();
    for (size_t i = 0; i < s->nvex; i++)
        if (s->vex[i].vuln_id == NULL || s->vex[i].ref == NULL || s->vex[i].state == NULL)
            abort();
    for (size_t i = 0; i < s->ndeps; i++)
        if (s->deps[i].from == NULL || s->deps[i].to == NULL)
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct nr_sbom s;
    struct nr_err err;
    int rc;

    nr_sbom_init(&s);
    nr_err_init(&err);
    rc = nr_sbom_read_mem(&s, (const char *)data, size, &err);
    if (rc == 0) {
        if (err.code != 0)
            abort();
        check_result(&s);
    } else if (err.code != rc || err.msg[0] == '\0' || s.format != NR_SBOM_NONE ||
               s.components != NULL || s.arena.head != NULL) {
        abort();
    }
    nr_sbom_release(&s);
    return 0;
}

#endif
