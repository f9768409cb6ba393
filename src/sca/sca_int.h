/*
 * sca_int.h - what the files of the supply-chain engine (interface sca.h) share: match.c builds
 * the index and matches components, attach.c records an analysis on a case, watch.c re-matches
 * stored components. Not a public interface.
 */
#ifndef NETREVIEW_SCA_SCA_INT_H
#define NETREVIEW_SCA_SCA_INT_H

#include "netreview/sca.h"
#include "netreview/vercmp.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One advisory of the index (strings live in the index's arena). */
struct nr__sca_adv {
    int64_t id; /* advisories.id */
    const char *osv_id, *severity, *cvss_vector, *summary, *fixed;
    int cvss_score10; /* -1 when none */
    bool rce, auth_bypass;
    uint32_t group;               /* index of the alias group's root advisory */
    uint32_t alias_off, naliases; /* its ids and aliases: ix->aliases[alias_off..] */
};

/* A component's hit on one advisory: fixed is the lowest "fixed" above the component's version
 * in the ranges that hit (NULL when none), copied into the caller's arena. */
struct nr__sca_hit {
    uint32_t adv;
    enum nr_order order;
    const char *fixed;
};

struct nr__sca_hits {
    struct nr__sca_hit *v;
    size_t n, cap;
    bool by_cpe; /* the hits came from the CPE fallback */
};

/* Provenance gaps of a component (sca.h "missing"). */
#define NR__SCA_NO_SUPPLIER 0x1u
#define NR__SCA_NO_VERSION  0x2u
#define NR__SCA_NO_HASH     0x4u
#define NR__SCA_NO_IDENT    0x8u

/* Display cap on the ids of one alias group. */
#define NR__SCA_IDS_MAX 64

const struct nr__sca_adv *nr__sca_adv(const struct nr_sca_index *ix, uint32_t i);
/* Index of the advisory with advisories.id id; false when it is not in the index. */
bool nr__sca_adv_find(const struct nr_sca_index *ix, int64_t id, uint32_t *out);
/* Every id of the alias group (osv ids and aliases of its advisories, each once), ordered for
 * display: CVE ids after the others, then by text. Writes at most max; returns how many. */
size_t nr__sca_group_ids(const struct nr_sca_index *ix, uint32_t group, const char **out,
                         size_t max);
/* The settings stamp the index was built at. */
const char *nr__sca_index_stamp(const struct nr_sca_index *ix);

/* Matches one component: by package key, then (when nothing hit) by CPE. release is the release
 * its purl names (vercmp.h nr_pkg_release_purl; NULL or "" when none): the key's entries of
 * another release are skipped. version is the component's version; NULL or "" matches nothing.
 * Hits are appended to hits (whose array the caller frees with nr_free); fixed versions are
 * copied into ar, or left NULL when ar is NULL. */
void nr__sca_match(const struct nr_sca_index *ix, const char *key, const char *release,
                   const char *cpe, const char *version, struct nr__sca_hits *hits,
                   struct nr_arena *ar);

/* Severity rank: critical 4, high 3, medium 2, low 1, anything else 0. */
int nr__sca_severity_rank(const char *s);

/* VEX statements of one SBOM, sorted by vuln_id for lookups. */
struct nr__sca_vexset {
    const struct nr_sbom_vex **by_id;
    size_t n;
};
void nr__sca_vexset_init(struct nr__sca_vexset *vs, const struct nr_sbom_vex *vex, size_t n);
void nr__sca_vexset_release(struct nr__sca_vexset *vs);
/* The statement about this component (its ref, or its purl) and any of ids, one that suppresses
 * preferred; NULL when none. */
const struct nr_sbom_vex *nr__sca_vex_find(const struct nr__sca_vexset *vs, const char *ref,
                                           const char *purl, const char *const *ids, size_t nids);
/* not_affected, false_positive and resolved suppress a finding. */
bool nr__sca_vex_suppresses(const struct nr_sbom_vex *v);

/* One finding of an analysis: a component and one alias group. */
struct nr__sca_finding {
    size_t comp;                /* index of the component in the SBOM */
    const char *name, *version; /* the component's name and matched version */
    uint32_t group;             /* alias group */
    uint32_t *advs;             /* advisories of the group that matched */
    size_t nadvs;
    const char **ids; /* ids of the group, for display */
    size_t nids;
    const char *category, *severity, *cvss_vector, *fixed, *title, *detail;
    int cvss_score10;
    const struct nr_sbom_vex *vex;
    bool suppressed;
};

struct nr__sca_analysis {
    struct nr_arena arena;
    struct nr__sca_finding *findings; /* sorted as the report lists them */
    size_t nfindings;
    const char **keys;      /* per component: package key of its purl, or NULL */
    const char **versions;  /* per component: the version matched (purl's or CPE's when the
                               component gives none), or NULL */
    unsigned char *missing; /* per component: NR__SCA_NO_* bits */
    size_t unknown_provenance, no_supplier, no_version, no_hash, no_ident;
    /* The busiest supplier (not "(none)") and its component count. */
    const char *top_supplier;
    size_t top_supplier_components;
    json_t *report; /* sca.h's report JSON */
};

/* Analyses sbom into an (zeroed by the call); release it with nr__sca_analysis_release. */
int nr__sca_analyze(const struct nr_sca_index *ix, const struct nr_sbom *sbom,
                    struct nr__sca_analysis *an, struct nr_err *err);
void nr__sca_analysis_release(struct nr__sca_analysis *an);

/* Monotonic seconds, for the timings reports carry. */
double nr__sca_clock(void);

#endif
