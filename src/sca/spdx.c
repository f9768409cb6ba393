/*
 * spdx.c - SPDX 2.3 (and 2.2) JSON for the SBOM reader (interface: sbom.h; sbom.c hands over one
 * element of packages[] or relationships[] at a time). It exists to map SPDX's packages onto the
 * flat struct nr_sbom_component: identifiers come from externalRefs, the supplier loses the
 * "Organization: "/"Person: " tag SPDX puts in front of it, NOASSERTION means "not said", and of
 * the relationships only those that are dependencies become edges (CONTAINS is packaging, not
 * dependency).
 */
#include "sbom_int.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "netreview/banned.h"

/* SPDX 2.3 primaryPackagePurpose values, kept lower-case to read as CycloneDX's types do. */
static const char *const purposes[] = {
    "application", "framework", "library", "container", "operating-system", "device",
    "firmware",    "source",    "archive", "file",      "install",          "other",
};

static int keep_purpose(struct nr__sbom_reader *r, const char *p, const char **out)
{
    *out = NULL;
    if (p == NULL)
        return 0;
    for (size_t i = 0; i < NR_ARRAY_LEN(purposes); i++)
        if (strcasecmp(purposes[i], p) == 0) {
            *out = purposes[i];
            return 0;
        }
    return nr__sbom_keep_str(r, "primaryPackagePurpose", p, out);
}

/* NOASSERTION and NONE say nothing about the package. */
static bool said(const char *s)
{
    return s != NULL && *s != '\0' && strcmp(s, "NOASSERTION") != 0 && strcmp(s, "NONE") != 0;
}

/* A supplier or originator: "Organization: Debian" or "Person: Jane Doe (jane@example.org)"
 * becomes "Debian" or "Jane Doe"; the e-mail address is contact detail, not the party. */
static int keep_party(struct nr__sbom_reader *r, const char *key, const char *s, const char **out)
{
    const char *open;
    size_t n;

    *out = NULL;
    if (!said(s))
        return 0;
    if (strncmp(s, "Organization:", 13) == 0)
        s += 13;
    else if (strncmp(s, "Person:", 7) == 0)
        s += 7;
    while (*s == ' ')
        s++;
    n = strlen(s);
    if (n > 0 && s[n - 1] == ')' && (open = strrchr(s, '(')) != NULL &&
        (memchr(open, '@', (size_t)(s + n - open)) != NULL || open + 2 == s + n))
        n = (size_t)(open - s);
    while (n > 0 && s[n - 1] == ' ')
        n--;
    if (n == 0 || (n == 11 && strncmp(s, "NOASSERTION", 11) == 0))
        return 0;
    return nr__sbom_keep_shared(r, key, s, n, &r->last_supplier, out);
}

static int checksums(struct nr__sbom_reader *r, json_t *v, struct nr_sbom_component *c)
{
    struct nr__sbom_hash_pick pick = {NULL, NULL, 0};
    const char *alg, *value;
    json_t *a, *e;
    size_t i, mark;
    int rc;

    rc = nr__sbom_get_arr(r, v, "checksums", &a);
    if (rc || a == NULL)
        return rc;
    json_array_foreach(a, i, e)
    {
        mark = nr__sbom_push(r, ".checksums[%zu]", i);
        if (!json_is_object(e))
            return nr__sbom_fail(r, NR_EPARSE, NULL, "expected a checksum (an object), got %s",
                                 nr__sbom_json_kind(e));
        if ((rc = nr__sbom_get_str(r, e, "algorithm", &alg)) ||
            (rc = nr__sbom_get_str(r, e, "checksumValue", &value)))
            return rc;
        nr__sbom_pop(r, mark);
        nr__sbom_hash_offer(&pick, c, alg, value);
    }
    return nr__sbom_hash_keep(r, c, &pick);
}

/* externalRefs: the first purl, and the first cpe23Type (else the first cpe22Type). */
static int external_refs(struct nr__sbom_reader *r, json_t *v, const char **purl, const char **cpe)
{
    const char *type, *loc, *cpe22 = NULL;
    json_t *a, *e;
    size_t i, mark;
    int rc;

    *purl = *cpe = NULL;
    rc = nr__sbom_get_arr(r, v, "externalRefs", &a);
    if (rc || a == NULL)
        return rc;
    json_array_foreach(a, i, e)
    {
        mark = nr__sbom_push(r, ".externalRefs[%zu]", i);
        if (!json_is_object(e))
            return nr__sbom_fail(r, NR_EPARSE, NULL,
                                 "expected an external reference (an object), got %s",
                                 nr__sbom_json_kind(e));
        if ((rc = nr__sbom_get_str(r, e, "referenceType", &type)) ||
            (rc = nr__sbom_get_str(r, e, "referenceLocator", &loc)))
            return rc;
        nr__sbom_pop(r, mark);
        if (type == NULL || loc == NULL)
            continue;
        if (*purl == NULL && strcmp(type, "purl") == 0)
            *purl = loc;
        else if (*cpe == NULL && strcmp(type, "cpe23Type") == 0)
            *cpe = loc;
        else if (cpe22 == NULL && strcmp(type, "cpe22Type") == 0)
            cpe22 = loc;
    }
    if (*cpe == NULL)
        *cpe = cpe22;
    return 0;
}

int nr__spdx_package(struct nr__sbom_reader *r, json_t *v)
{
    const char *id, *name, *version, *supplier, *originator, *concluded, *declared, *purpose;
    const char *purl, *cpe, *lic;
    struct nr_sbom_component *c;
    size_t idx;
    int rc;

    if (!json_is_object(v))
        return nr__sbom_fail(r, NR_EPARSE, NULL, "expected a package (an object), got %s",
                             nr__sbom_json_kind(v));
    if ((rc = nr__sbom_get_str(r, v, "SPDXID", &id)) ||
        (rc = nr__sbom_get_str(r, v, "name", &name)) ||
        (rc = nr__sbom_get_str(r, v, "versionInfo", &version)) ||
        (rc = nr__sbom_get_str(r, v, "supplier", &supplier)) ||
        (rc = nr__sbom_get_str(r, v, "originator", &originator)) ||
        (rc = nr__sbom_get_str(r, v, "licenseConcluded", &concluded)) ||
        (rc = nr__sbom_get_str(r, v, "licenseDeclared", &declared)) ||
        (rc = nr__sbom_get_str(r, v, "primaryPackagePurpose", &purpose)) ||
        (rc = external_refs(r, v, &purl, &cpe)))
        return rc;
    if ((rc = nr__sbom_component_new(r, &idx)))
        return rc;
    c = &r->comp[idx];
    c->name = ""; /* sbom.h: never NULL */
    if ((rc = nr__sbom_keep_str(r, "SPDXID", id, &c->ref)) ||
        (name != NULL && (rc = nr__sbom_keep_str(r, "name", name, &c->name))) ||
        (rc = nr__sbom_keep_str(r, "versionInfo", said(version) ? version : NULL, &c->version)) ||
        (rc = keep_purpose(r, purpose, &c->type)) ||
        (rc = nr__sbom_keep_str(r, "purl", purl, &c->purl)) ||
        (rc = nr__sbom_keep_str(r, "cpe", cpe, &c->cpe)))
        return rc;
    if ((rc = keep_party(r, "supplier", supplier, &c->supplier)))
        return rc;
    if (c->supplier == NULL && (rc = keep_party(r, "originator", originator, &c->supplier)))
        return rc;
    lic = said(concluded) ? concluded : said(declared) ? declared : NULL;
    if (lic != NULL &&
        (rc = nr__sbom_keep_shared(r, lic == concluded ? "licenseConcluded" : "licenseDeclared",
                                   lic, strlen(lic), &r->last_licenses, &c->licenses)))
        return rc;
    if ((rc = checksums(r, v, c)))
        return rc;
    c->path = nr_arena_strndup(&r->s->arena, r->path, r->plen);
    return nr__sbom_check_ident(r, c);
}

int nr__spdx_relationship(struct nr__sbom_reader *r, json_t *v)
{
    const char *elem, *type, *related, *from, *to;
    struct nr_sbom_dep *d;
    int rc;

    if (!json_is_object(v))
        return nr__sbom_fail(r, NR_EPARSE, NULL, "expected a relationship (an object), got %s",
                             nr__sbom_json_kind(v));
    if ((rc = nr__sbom_get_str(r, v, "spdxElementId", &elem)) ||
        (rc = nr__sbom_get_str(r, v, "relationshipType", &type)) ||
        (rc = nr__sbom_get_str(r, v, "relatedSpdxElement", &related)))
        return rc;
    if (type == NULL || !said(elem) || !said(related))
        return 0;
    if (strcmp(type, "DEPENDS_ON") == 0) {
        from = elem;
        to = related;
    } else if (strcmp(type, "DEPENDENCY_OF") == 0) {
        from = related;
        to = elem;
    } else {
        return 0;
    }
    if ((rc = nr__sbom_keep_shared(r, "spdxElementId", from, strlen(from), &r->last_ref, &from)) ||
        (rc = nr__sbom_keep_str(r, "relatedSpdxElement", to, &to)))
        return rc;
    d = nr__sbom_dep_new(r);
    d->from = from;
    d->to = to;
    return 0;
}
