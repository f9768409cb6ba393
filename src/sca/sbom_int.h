/*
 * sbom_int.h - what the three files of the SBOM reader share (interface of sbom.h). sbom.c walks
 * the top-level object and hands one array element at a time, as a jansson tree, to the format
 * files cyclonedx.c and spdx.c, which copy the strings they keep into the result through the
 * helpers below. The reader keeps the JSON path of the value being read, so that every error
 * names where it is.
 */
#ifndef NETREVIEW_SCA_SBOM_INT_H
#define NETREVIEW_SCA_SBOM_INT_H

#include "netreview/ident.h"
#include "netreview/sbom.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define NR__SBOM_PATH_MAX 2048 /* bytes of a JSON path; longer paths are cut, not refused */

struct nr__sbom_reader {
    struct nr_sbom *s;
    struct nr_err *err;
    /* JSON path of the value being read ("components[3].components[0]"), NUL-terminated. */
    char path[NR__SBOM_PATH_MAX];
    size_t plen;
    /* Result arrays grow in malloc'd memory (realloc of a large block moves no bytes) and are
     * copied into the arena once, when the read succeeds. */
    struct nr_sbom_component *comp;
    size_t ncomp, capcomp;
    struct nr_sbom_vex *vex;
    size_t nvex, capvex;
    struct nr_sbom_dep *dep;
    size_t ndep, capdep;
    /* Reused for every component, so that checking an identifier allocates little. */
    struct nr_purl purl;
    struct nr_cpe cpe;
    /* The last supplier, licences, country and dependency source kept: neighbouring entries of
     * one SBOM repeat them, and sharing one copy keeps the result compact. */
    const char *last_supplier, *last_licenses, *last_country, *last_ref;
};

/* Path: push appends a segment (".name" or "[3]") and returns the length to pop back to. */
size_t nr__sbom_push(struct nr__sbom_reader *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void nr__sbom_pop(struct nr__sbom_reader *r, size_t mark);

/* Sets err (field = the current path, with ".key" appended when key is not NULL) and returns
 * code. */
int nr__sbom_fail(struct nr__sbom_reader *r, int code, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* "a string", "a number", ... for messages. */
const char *nr__sbom_json_kind(const json_t *v);

/* Member key of obj as a string: *out points into the jansson tree (not copied) and is NULL when
 * the key is absent or null. Any other type is NR_EPARSE at path.key. obj must be an object. */
int nr__sbom_get_str(struct nr__sbom_reader *r, json_t *obj, const char *key, const char **out);
/* Member key of obj that must be an object (or an array): NULL when absent or null, NR_EPARSE
 * when of another type. */
int nr__sbom_get_obj(struct nr__sbom_reader *r, json_t *obj, const char *key, json_t **out);
int nr__sbom_get_arr(struct nr__sbom_reader *r, json_t *obj, const char *key, json_t **out);

/* Copies s[0..n) (s NULL gives NULL) into the result arena. NR_ETOOBIG at path.key past
 * NR_SBOM_MAX_STRING. */
int nr__sbom_keep(struct nr__sbom_reader *r, const char *key, const char *s, size_t n,
                  const char **out);
int nr__sbom_keep_str(struct nr__sbom_reader *r, const char *key, const char *s, const char **out);
/* Same, for text that repeats from one entry to the next: *last is shared when equal, and
 * becomes the new copy otherwise. */
int nr__sbom_keep_shared(struct nr__sbom_reader *r, const char *key, const char *s, size_t n,
                         const char **last, const char **out);

/* New zeroed entries of the result, at the end of their array. A component is returned by index
 * because nested ones move the array. NR_ETOOBIG past NR_SBOM_MAX_COMPONENTS components. */
int nr__sbom_component_new(struct nr__sbom_reader *r, size_t *index);
struct nr_sbom_vex *nr__sbom_vex_new(struct nr__sbom_reader *r);
struct nr_sbom_dep *nr__sbom_dep_new(struct nr__sbom_reader *r);

/* Checks the component's purl and CPE and sets its problem when either does not parse. */
int nr__sbom_check_ident(struct nr__sbom_reader *r, struct nr_sbom_component *c);

/* The strongest of a component's hashes, chosen before anything is copied. */
struct nr__sbom_hash_pick {
    const char *alg;   /* CycloneDX spelling, static; NULL until one is offered */
    const char *value; /* points into the jansson tree */
    int rank;
};
/* Offers one hash given as the document writes it: "SHA-256" or SPDX's "SHA256". Counts it in
 * c->nhashes when the algorithm is known and value is hexadecimal (anything else is not a hash
 * this reader can use and is passed over); keeps it in pick when it beats what pick holds, in
 * the preference of sbom.h. */
void nr__sbom_hash_offer(struct nr__sbom_hash_pick *pick, struct nr_sbom_component *c,
                         const char *alg, const char *value);
/* Copies the pick, if any, into c->hash as "ALG:hex" with the hex in lower case. */
int nr__sbom_hash_keep(struct nr__sbom_reader *r, struct nr_sbom_component *c,
                       const struct nr__sbom_hash_pick *pick);

/* The format files: each takes one value, the reader's path naming it. */
int nr__cdx_metadata(struct nr__sbom_reader *r, json_t *v);
int nr__cdx_component(struct nr__sbom_reader *r, json_t *v);
int nr__cdx_dependency(struct nr__sbom_reader *r, json_t *v);
int nr__cdx_vulnerability(struct nr__sbom_reader *r, json_t *v);
int nr__spdx_package(struct nr__sbom_reader *r, json_t *v);
int nr__spdx_relationship(struct nr__sbom_reader *r, json_t *v);

#endif
