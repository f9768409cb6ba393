/*
 * cyclonedx.c - CycloneDX JSON 1.4, 1.5 and 1.6 for the SBOM reader (interface: sbom.h; sbom.c
 * hands over one element of components[], dependencies[] or vulnerabilities[], or metadata, at a
 * time). It exists to map CycloneDX's shapes onto the flat struct nr_sbom_component: nested
 * components become entries of their own that name their parent, the supplier is looked for
 * where each version of the specification put it, and the vulnerabilities[] that carry an
 * analysis become VEX statements.
 */
#include "sbom_int.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "netreview/banned.h"

/* The component types of CycloneDX 1.6 (earlier versions have a subset): kept as these static
 * strings rather than one copy per component. */
static const char *const cdx_types[] = {
    "application",
    "framework",
    "library",
    "container",
    "platform",
    "operating-system",
    "device",
    "device-driver",
    "firmware",
    "file",
    "machine-learning-model",
    "data",
    "cryptographic-asset",
};

static int keep_type(struct nr__sbom_reader *r, const char *t, const char **out)
{
    *out = NULL;
    if (t == NULL)
        return 0;
    for (size_t i = 0; i < NR_ARRAY_LEN(cdx_types); i++)
        if (strcmp(cdx_types[i], t) == 0) {
            *out = cdx_types[i];
            return 0;
        }
    return nr__sbom_keep_str(r, "type", t, out);
}

/* A country as an ISO 3166-1 alpha-2 code, upper-cased; false for anything else (CycloneDX also
 * allows a country's name, which this reader does not translate). */
static bool country_code(const char *s, char out[3])
{
    if (s == NULL || strlen(s) != 2 || !isalpha((unsigned char)s[0]) ||
        !isalpha((unsigned char)s[1]) || (unsigned char)s[0] >= 0x80 || (unsigned char)s[1] >= 0x80)
        return false;
    out[0] = (char)toupper((unsigned char)s[0]);
    out[1] = (char)toupper((unsigned char)s[1]);
    out[2] = '\0';
    return true;
}

/* An organizationalEntity (supplier, manufacturer): its name and, since 1.6, address.country. */
static int entity(struct nr__sbom_reader *r, json_t *v, const char *key, const char **name,
                  const char **country)
{
    json_t *o, *addr;
    size_t mark;
    int rc;

    *name = NULL;
    if (country)
        *country = NULL;
    rc = nr__sbom_get_obj(r, v, key, &o);
    if (rc || o == NULL)
        return rc;
    mark = nr__sbom_push(r, ".%s", key);
    rc = nr__sbom_get_str(r, o, "name", name);
    if (rc == 0 && country != NULL) {
        rc = nr__sbom_get_obj(r, o, "address", &addr);
        if (rc == 0 && addr != NULL) {
            nr__sbom_push(r, ".address");
            rc = nr__sbom_get_str(r, addr, "country", country);
        }
    }
    if (rc == 0)
        nr__sbom_pop(r, mark);
    return rc;
}

/* Checks that element i of an array is an object, with the path pointing at it on failure. */
static int element_object(struct nr__sbom_reader *r, json_t *e, const char *what)
{
    if (json_is_object(e))
        return 0;
    return nr__sbom_fail(r, NR_EPARSE, NULL, "expected %s (an object), got %s", what,
                         nr__sbom_json_kind(e));
}

/* 1.6 authors[] (organizationalContact): the first name given. */
static int first_author(struct nr__sbom_reader *r, json_t *v, const char **out)
{
    json_t *a, *e;
    size_t i, mark;
    int rc;

    *out = NULL;
    rc = nr__sbom_get_arr(r, v, "authors", &a);
    if (rc || a == NULL)
        return rc;
    json_array_foreach(a, i, e)
    {
        mark = nr__sbom_push(r, ".authors[%zu]", i);
        rc = element_object(r, e, "an author");
        if (rc == 0)
            rc = nr__sbom_get_str(r, e, "name", out);
        if (rc)
            return rc;
        nr__sbom_pop(r, mark);
        if (*out != NULL)
            return 0;
    }
    return 0;
}

static int hashes(struct nr__sbom_reader *r, json_t *v, struct nr_sbom_component *c)
{
    struct nr__sbom_hash_pick pick = {NULL, NULL, 0};
    const char *alg, *content;
    json_t *a, *e;
    size_t i, mark;
    int rc;

    rc = nr__sbom_get_arr(r, v, "hashes", &a);
    if (rc || a == NULL)
        return rc;
    json_array_foreach(a, i, e)
    {
        mark = nr__sbom_push(r, ".hashes[%zu]", i);
        rc = element_object(r, e, "a hash");
        if (rc == 0)
            rc = nr__sbom_get_str(r, e, "alg", &alg);
        if (rc == 0)
            rc = nr__sbom_get_str(r, e, "content", &content);
        if (rc)
            return rc;
        nr__sbom_pop(r, mark);
        nr__sbom_hash_offer(&pick, c, alg, content);
    }
    return nr__sbom_hash_keep(r, c, &pick);
}

/* One licenses[] entry: license.id, else license.name, else expression. */
static int license_text(struct nr__sbom_reader *r, json_t *e, const char **out)
{
    json_t *lic;
    int rc;

    *out = NULL;
    rc = element_object(r, e, "a licence choice");
    if (rc == 0)
        rc = nr__sbom_get_obj(r, e, "license", &lic);
    if (rc == 0 && lic != NULL) {
        size_t mark = nr__sbom_push(r, ".license");
        rc = nr__sbom_get_str(r, lic, "id", out);
        if (rc == 0 && *out == NULL)
            rc = nr__sbom_get_str(r, lic, "name", out);
        if (rc == 0)
            nr__sbom_pop(r, mark);
    }
    if (rc == 0 && *out == NULL)
        rc = nr__sbom_get_str(r, e, "expression", out);
    return rc;
}

/* The licences joined by " AND "; an expression among several is parenthesised so that the
 * joined text keeps its meaning. */
static int licenses(struct nr__sbom_reader *r, json_t *v, struct nr_sbom_component *c)
{
    const char *t;
    json_t *a, *e;
    struct nr_buf b;
    size_t i, mark, n = 0;
    int rc;

    rc = nr__sbom_get_arr(r, v, "licenses", &a);
    if (rc || a == NULL)
        return rc;
    if (json_array_size(a) == 1) {
        mark = nr__sbom_push(r, ".licenses[0]");
        rc = license_text(r, json_array_get(a, 0), &t);
        if (rc)
            return rc;
        nr__sbom_pop(r, mark);
        return t ? nr__sbom_keep_shared(r, "licenses", t, strlen(t), &r->last_licenses,
                                        &c->licenses)
                 : 0;
    }
    nr_buf_init(&b, NR_SBOM_MAX_STRING);
    json_array_foreach(a, i, e)
    {
        bool wrap;
        mark = nr__sbom_push(r, ".licenses[%zu]", i);
        rc = license_text(r, e, &t);
        if (rc)
            goto out;
        nr__sbom_pop(r, mark);
        if (t == NULL || *t == '\0')
            continue;
        wrap = strchr(t, ' ') != NULL && t[0] != '(';
        if (n++ > 0)
            rc = nr_buf_puts(&b, " AND ");
        if (rc == 0 && wrap)
            rc = nr_buf_puts(&b, "(");
        if (rc == 0)
            rc = nr_buf_puts(&b, t);
        if (rc == 0 && wrap)
            rc = nr_buf_puts(&b, ")");
        if (rc) {
            rc = nr__sbom_fail(r, NR_ETOOBIG, "licenses", "longer than %d bytes",
                               NR_SBOM_MAX_STRING);
            goto out;
        }
    }
    if (n > 0)
        rc = nr__sbom_keep_shared(r, "licenses", b.p, b.len, &r->last_licenses, &c->licenses);
out:
    nr_buf_release(&b);
    return rc;
}

/* properties[] named "country" (or "<namespace>:country"): the first one's value. */
static int country_property(struct nr__sbom_reader *r, json_t *v, const char **out)
{
    const char *name, *value;
    json_t *a, *e;
    size_t i, mark, n;
    int rc;

    *out = NULL;
    rc = nr__sbom_get_arr(r, v, "properties", &a);
    if (rc || a == NULL)
        return rc;
    json_array_foreach(a, i, e)
    {
        mark = nr__sbom_push(r, ".properties[%zu]", i);
        rc = element_object(r, e, "a property");
        if (rc == 0)
            rc = nr__sbom_get_str(r, e, "name", &name);
        if (rc == 0)
            rc = nr__sbom_get_str(r, e, "value", &value);
        if (rc)
            return rc;
        nr__sbom_pop(r, mark);
        if (name == NULL || value == NULL)
            continue;
        n = strlen(name);
        if (strcasecmp(name, "country") == 0 ||
            (n > 8 && name[n - 8] == ':' && strcasecmp(name + n - 7, "country") == 0)) {
            *out = value;
            return 0;
        }
    }
    return 0;
}

static int component(struct nr__sbom_reader *r, json_t *v, const char *parent, int level)
{
    const char *ref, *type, *group, *name, *version, *purl, *cpe, *author;
    const char *supplier, *maker, *country, *maker_country, *prop_country;
    struct nr_sbom_component *c;
    char cc[3];
    json_t *kids, *kid;
    size_t idx, i, mark;
    int rc;

    if (!json_is_object(v))
        return nr__sbom_fail(r, NR_EPARSE, NULL, "expected a component (an object), got %s",
                             nr__sbom_json_kind(v));
    if (level > NR_SBOM_MAX_DEPTH)
        return nr__sbom_fail(r, NR_ETOOBIG, NULL, "components nested deeper than %d levels",
                             NR_SBOM_MAX_DEPTH);
    if ((rc = nr__sbom_get_str(r, v, "bom-ref", &ref)) ||
        (rc = nr__sbom_get_str(r, v, "type", &type)) ||
        (rc = nr__sbom_get_str(r, v, "group", &group)) ||
        (rc = nr__sbom_get_str(r, v, "name", &name)) ||
        (rc = nr__sbom_get_str(r, v, "version", &version)) ||
        (rc = nr__sbom_get_str(r, v, "purl", &purl)) ||
        (rc = nr__sbom_get_str(r, v, "cpe", &cpe)) ||
        (rc = entity(r, v, "supplier", &supplier, &country)) ||
        (rc = nr__sbom_get_str(r, v, "author", &author)))
        return rc;
    /* manufacturer and authors[] came with 1.6; a supplier named on the component wins. */
    maker = NULL;
    if (supplier == NULL && (rc = entity(r, v, "manufacturer", &maker, &maker_country)))
        return rc;
    if (supplier == NULL && maker != NULL)
        country = maker_country;
    if (supplier == NULL && maker == NULL && author == NULL && (rc = first_author(r, v, &author)))
        return rc;
    if ((rc = country_property(r, v, &prop_country)))
        return rc;
    if (!country_code(country, cc) && !country_code(prop_country, cc))
        cc[0] = '\0';

    if ((rc = nr__sbom_component_new(r, &idx)))
        return rc;
    c = &r->comp[idx];
    c->name = ""; /* sbom.h: never NULL */
    if ((rc = keep_type(r, type, &c->type)) ||
        (name != NULL && (rc = nr__sbom_keep_str(r, "name", name, &c->name))) ||
        (rc = nr__sbom_keep_str(r, "group", group, &c->group)) ||
        (rc = nr__sbom_keep_str(r, "version", version, &c->version)) ||
        (rc = nr__sbom_keep_str(r, "purl", purl, &c->purl)) ||
        (rc = nr__sbom_keep_str(r, "cpe", cpe, &c->cpe)))
        return rc;
    /* Many tools make the bom-ref the purl: one copy serves both. */
    if (ref != NULL && purl != NULL && strcmp(ref, purl) == 0)
        c->ref = c->purl;
    else if ((rc = nr__sbom_keep_str(r, "bom-ref", ref, &c->ref)))
        return rc;
    supplier = supplier ? supplier : maker ? maker : author;
    if (supplier != NULL && (rc = nr__sbom_keep_shared(r, "supplier", supplier, strlen(supplier),
                                                       &r->last_supplier, &c->supplier)))
        return rc;
    if (cc[0] != '\0')
        nr__sbom_keep_shared(r, "country", cc, 2, &r->last_country, &c->country);
    if ((rc = hashes(r, v, c)) || (rc = licenses(r, v, c)))
        return rc;
    c->parent = parent;
    c->path = nr_arena_strndup(&r->s->arena, r->path, r->plen);
    if ((rc = nr__sbom_check_ident(r, c)))
        return rc;

    /* Nested components move r->comp: c is not used past this point. */
    if ((rc = nr__sbom_get_arr(r, v, "components", &kids)) || kids == NULL)
        return rc;
    parent = r->comp[idx].ref;
    json_array_foreach(kids, i, kid)
    {
        mark = nr__sbom_push(r, ".components[%zu]", i);
        rc = component(r, kid, parent, level + 1);
        if (rc)
            return rc;
        nr__sbom_pop(r, mark);
    }
    return 0;
}

int nr__cdx_component(struct nr__sbom_reader *r, json_t *v)
{
    return component(r, v, NULL, 1);
}

int nr__cdx_metadata(struct nr__sbom_reader *r, json_t *v)
{
    const char *name, *version;
    json_t *c;
    size_t mark;
    int rc;

    rc = nr__sbom_get_obj(r, v, "component", &c);
    if (rc || c == NULL)
        return rc;
    mark = nr__sbom_push(r, ".component");
    if ((rc = nr__sbom_get_str(r, c, "name", &name)) ||
        (rc = nr__sbom_get_str(r, c, "version", &version)) ||
        (rc = nr__sbom_keep_str(r, "name", name, &r->s->subject)) ||
        (rc = nr__sbom_keep_str(r, "version", version, &r->s->subject_version)))
        return rc;
    nr__sbom_pop(r, mark);
    return 0;
}

int nr__cdx_dependency(struct nr__sbom_reader *r, json_t *v)
{
    const char *ref, *from = NULL;
    json_t *a, *e;
    size_t i, mark;
    int rc;

    if (!json_is_object(v))
        return nr__sbom_fail(r, NR_EPARSE, NULL, "expected a dependency (an object), got %s",
                             nr__sbom_json_kind(v));
    if ((rc = nr__sbom_get_str(r, v, "ref", &ref)) ||
        (rc = nr__sbom_get_arr(r, v, "dependsOn", &a)))
        return rc;
    if (a == NULL || ref == NULL)
        return 0;
    json_array_foreach(a, i, e)
    {
        struct nr_sbom_dep *d;
        const char *to;
        if (!json_is_string(e)) {
            mark = nr__sbom_push(r, ".dependsOn[%zu]", i);
            rc = nr__sbom_fail(r, NR_EPARSE, NULL, "expected a ref (a string), got %s",
                               nr__sbom_json_kind(e));
            nr__sbom_pop(r, mark);
            return rc;
        }
        if (from == NULL &&
            (rc = nr__sbom_keep_shared(r, "ref", ref, strlen(ref), &r->last_ref, &from)))
            return rc;
        if ((rc = nr__sbom_keep(r, "dependsOn", json_string_value(e), json_string_length(e), &to)))
            return rc;
        d = nr__sbom_dep_new(r);
        d->from = from;
        d->to = to;
    }
    return 0;
}

int nr__cdx_vulnerability(struct nr__sbom_reader *r, json_t *v)
{
    const char *id, *state, *just, *detail, *ref;
    const char *kid = NULL, *kstate = NULL, *kjust = NULL, *kdetail = NULL;
    json_t *analysis, *affects, *e;
    size_t i, mark;
    int rc;

    if (!json_is_object(v))
        return nr__sbom_fail(r, NR_EPARSE, NULL, "expected a vulnerability (an object), got %s",
                             nr__sbom_json_kind(v));
    if ((rc = nr__sbom_get_str(r, v, "id", &id)) ||
        (rc = nr__sbom_get_obj(r, v, "analysis", &analysis)) ||
        (rc = nr__sbom_get_arr(r, v, "affects", &affects)))
        return rc;
    /* Without an analysis the entry reports a vulnerability but states nothing about it. */
    if (analysis == NULL)
        return 0;
    mark = nr__sbom_push(r, ".analysis");
    if ((rc = nr__sbom_get_str(r, analysis, "state", &state)) ||
        (rc = nr__sbom_get_str(r, analysis, "justification", &just)) ||
        (rc = nr__sbom_get_str(r, analysis, "detail", &detail)))
        return rc;
    nr__sbom_pop(r, mark);
    if (id == NULL || state == NULL || affects == NULL)
        return 0;
    json_array_foreach(affects, i, e)
    {
        struct nr_sbom_vex *x;
        mark = nr__sbom_push(r, ".affects[%zu]", i);
        rc = element_object(r, e, "an affected component");
        if (rc == 0)
            rc = nr__sbom_get_str(r, e, "ref", &ref);
        if (rc)
            return rc;
        if (ref == NULL) {
            nr__sbom_pop(r, mark);
            continue;
        }
        if ((rc = nr__sbom_keep_str(r, "ref", ref, &ref)))
            return rc;
        nr__sbom_pop(r, mark);
        /* The statement's own text is copied once, for its first affected component. */
        if (kid == NULL) {
            mark = nr__sbom_push(r, ".analysis");
            if ((rc = nr__sbom_keep_str(r, "state", state, &kstate)) ||
                (rc = nr__sbom_keep_str(r, "justification", just, &kjust)) ||
                (rc = nr__sbom_keep_str(r, "detail", detail, &kdetail)))
                return rc;
            nr__sbom_pop(r, mark);
            if ((rc = nr__sbom_keep_str(r, "id", id, &kid)))
                return rc;
        }
        x = nr__sbom_vex_new(r);
        x->vuln_id = kid;
        x->ref = ref;
        x->state = kstate;
        x->justification = kjust;
        x->detail = kdetail;
    }
    return 0;
}
