/*
 * sbom.c - the SBOM reader's driver (interface: include/netreview/sbom.h; shared internals:
 * sbom_int.h). It exists so that a document of hundreds of megabytes never becomes one jansson
 * tree: it tokenises only the top-level object itself - member names, colons, commas and the
 * brackets of its arrays - and hands each member value, or each element of an array member, to
 * json_loadb with JSON_DISABLE_EOF_CHECK, whose error.position says how many bytes the value
 * took. The tree of one element goes to cyclonedx.c or spdx.c, which copy the strings they keep
 * into the result's arena, and is freed at once.
 *
 * The format is told by "bomFormat"/"specVersion" or "spdxVersion", which may come after the
 * arrays they govern; when an array comes first, a scan that only follows brackets and strings
 * (never decoding) looks ahead for them, so that the document is still read once.
 */
#include "netreview/sbom.h"

#include "sbom_int.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netreview/banned.h"

/* jansson's flags for one value: any value may be read, the bytes after it are ours, and integers
 * never overflow (no number matters to this reader; a huge one must not reject a document). */
#define LOAD_FLAGS (JSON_DECODE_ANY | JSON_DISABLE_EOF_CHECK | JSON_DECODE_INT_AS_REAL)

/* --- helpers shared with the format files ---------------------------------------------------- */

size_t nr__sbom_push(struct nr__sbom_reader *r, const char *fmt, ...)
{
    size_t mark = r->plen;
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(r->path + r->plen, sizeof(r->path) - r->plen, fmt, ap);
    va_end(ap);
    if (n > 0)
        r->plen +=
            (size_t)n < sizeof(r->path) - r->plen ? (size_t)n : sizeof(r->path) - 1 - r->plen;
    return mark;
}

void nr__sbom_pop(struct nr__sbom_reader *r, size_t mark)
{
    r->plen = mark;
    r->path[mark] = '\0';
}

int nr__sbom_fail(struct nr__sbom_reader *r, int code, const char *key, const char *fmt, ...)
{
    /* Room for the whole path: nr_err_set cuts it to what struct nr_err holds. */
    char field[NR__SBOM_PATH_MAX + NR_ERR_FIELD_MAX], msg[NR_ERR_MSG_MAX];
    va_list ap;

    if (key == NULL)
        snprintf(field, sizeof(field), "%s", r->path);
    else if (r->plen == 0)
        snprintf(field, sizeof(field), "%.100s", key);
    else
        snprintf(field, sizeof(field), "%s.%.100s", r->path, key);
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return nr_err_set(r->err, code, field, "%s", msg);
}

const char *nr__sbom_json_kind(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    case JSON_NULL:
        return "null";
    }
    return "a value";
}

int nr__sbom_get_str(struct nr__sbom_reader *r, json_t *obj, const char *key, const char **out)
{
    json_t *v = json_object_get(obj, key);

    *out = NULL;
    if (v == NULL || json_is_null(v))
        return 0;
    if (!json_is_string(v))
        return nr__sbom_fail(r, NR_EPARSE, key, "expected a string, got %s", nr__sbom_json_kind(v));
    *out = json_string_value(v);
    return 0;
}

static int get_typed(struct nr__sbom_reader *r, json_t *obj, const char *key, json_type type,
                     const char *want, json_t **out)
{
    json_t *v = json_object_get(obj, key);

    *out = NULL;
    if (v == NULL || json_is_null(v))
        return 0;
    if (json_typeof(v) != type)
        return nr__sbom_fail(r, NR_EPARSE, key, "expected %s, got %s", want, nr__sbom_json_kind(v));
    *out = v;
    return 0;
}

int nr__sbom_get_obj(struct nr__sbom_reader *r, json_t *obj, const char *key, json_t **out)
{
    return get_typed(r, obj, key, JSON_OBJECT, "an object", out);
}

int nr__sbom_get_arr(struct nr__sbom_reader *r, json_t *obj, const char *key, json_t **out)
{
    return get_typed(r, obj, key, JSON_ARRAY, "an array", out);
}

int nr__sbom_keep(struct nr__sbom_reader *r, const char *key, const char *s, size_t n,
                  const char **out)
{
    *out = NULL;
    if (s == NULL)
        return 0;
    if (n > NR_SBOM_MAX_STRING)
        return nr__sbom_fail(r, NR_ETOOBIG, key, "longer than %d bytes", NR_SBOM_MAX_STRING);
    *out = nr_arena_strndup(&r->s->arena, s, n);
    return 0;
}

int nr__sbom_keep_str(struct nr__sbom_reader *r, const char *key, const char *s, const char **out)
{
    return nr__sbom_keep(r, key, s, s ? strlen(s) : 0, out);
}

int nr__sbom_keep_shared(struct nr__sbom_reader *r, const char *key, const char *s, size_t n,
                         const char **last, const char **out)
{
    int rc;

    if (s != NULL && *last != NULL && strncmp(*last, s, n) == 0 && (*last)[n] == '\0') {
        *out = *last;
        return 0;
    }
    rc = nr__sbom_keep(r, key, s, n, out);
    if (rc == 0 && *out != NULL)
        *last = *out;
    return rc;
}

/* Grows a malloc'd result array by one zeroed entry. */
static void *grow(void *arr, size_t *n, size_t *cap, size_t size)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 64;
        arr = nr_realloc(arr, *cap * size);
    }
    memset((char *)arr + *n * size, 0, size);
    (*n)++;
    return arr;
}

int nr__sbom_component_new(struct nr__sbom_reader *r, size_t *index)
{
    if (r->ncomp >= NR_SBOM_MAX_COMPONENTS)
        return nr__sbom_fail(r, NR_ETOOBIG, NULL, "more than %d components",
                             NR_SBOM_MAX_COMPONENTS);
    r->comp = grow(r->comp, &r->ncomp, &r->capcomp, sizeof(*r->comp));
    *index = r->ncomp - 1;
    return 0;
}

struct nr_sbom_vex *nr__sbom_vex_new(struct nr__sbom_reader *r)
{
    r->vex = grow(r->vex, &r->nvex, &r->capvex, sizeof(*r->vex));
    return &r->vex[r->nvex - 1];
}

struct nr_sbom_dep *nr__sbom_dep_new(struct nr__sbom_reader *r)
{
    r->dep = grow(r->dep, &r->ndep, &r->capdep, sizeof(*r->dep));
    return &r->dep[r->ndep - 1];
}

int nr__sbom_check_ident(struct nr__sbom_reader *r, struct nr_sbom_component *c)
{
    struct nr_err pe, ce;
    bool bad_purl = false, bad_cpe = false;

    nr_err_init(&pe);
    nr_err_init(&ce);
    if (c->purl != NULL)
        bad_purl = nr_purl_parse(&r->purl, c->purl, &pe) != 0;
    if (c->cpe != NULL)
        bad_cpe = nr_cpe_parse(&r->cpe, c->cpe, &ce) != 0;
    if (bad_purl && bad_cpe)
        c->problem = nr_arena_printf(&r->s->arena, "%s; %s", pe.msg, ce.msg);
    else if (bad_purl || bad_cpe)
        c->problem = nr_arena_strdup(&r->s->arena, bad_purl ? pe.msg : ce.msg);
    return 0;
}

/* Hash algorithms by name with '-' dropped and letters upper-cased, so that CycloneDX's
 * "SHA-256" and SPDX's "SHA256" meet; rank as sbom.h orders them, 0 for the rest. */
static const struct {
    const char *key, *name;
    int rank;
} hash_algs[] = {
    {"SHA512", "SHA-512", 5},
    {"SHA384", "SHA-384", 4},
    {"SHA256", "SHA-256", 3},
    {"SHA1", "SHA-1", 2},
    {"MD5", "MD5", 1},
    {"SHA224", "SHA-224", 0},
    {"SHA3256", "SHA3-256", 0},
    {"SHA3384", "SHA3-384", 0},
    {"SHA3512", "SHA3-512", 0},
    {"BLAKE2B256", "BLAKE2b-256", 0},
    {"BLAKE2B384", "BLAKE2b-384", 0},
    {"BLAKE2B512", "BLAKE2b-512", 0},
    {"BLAKE3", "BLAKE3", 0},
    {"MD2", "MD2", 0},
    {"MD4", "MD4", 0},
    {"MD6", "MD6", 0},
};

/* Locale-free: these run over every byte of every hash. */
static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

static char lower_hex(char c)
{
    return c >= 'A' && c <= 'F' ? (char)(c | 0x20) : c;
}

void nr__sbom_hash_offer(struct nr__sbom_hash_pick *pick, struct nr_sbom_component *c,
                         const char *alg, const char *value)
{
    char key[16];
    size_t k = 0;

    if (alg == NULL || value == NULL || *value == '\0')
        return;
    for (const char *p = alg; *p; p++) {
        if (*p == '-')
            continue;
        if (k + 1 >= sizeof(key))
            return;
        key[k++] = (char)toupper((unsigned char)*p);
    }
    key[k] = '\0';
    for (const char *p = value; *p; p++)
        if (!is_hex(*p))
            return;
    for (size_t i = 0; i < NR_ARRAY_LEN(hash_algs); i++) {
        if (strcmp(hash_algs[i].key, key) != 0)
            continue;
        c->nhashes++;
        if (pick->alg == NULL || hash_algs[i].rank > pick->rank) {
            pick->alg = hash_algs[i].name;
            pick->value = value;
            pick->rank = hash_algs[i].rank;
        }
        return;
    }
}

int nr__sbom_hash_keep(struct nr__sbom_reader *r, struct nr_sbom_component *c,
                       const struct nr__sbom_hash_pick *pick)
{
    size_t na, nv;
    char *h;

    if (pick->alg == NULL)
        return 0;
    na = strlen(pick->alg);
    nv = strlen(pick->value);
    if (nv > NR_SBOM_MAX_STRING)
        return nr__sbom_fail(r, NR_ETOOBIG, "hashes", "longer than %d bytes", NR_SBOM_MAX_STRING);
    h = nr_arena_alloc(&r->s->arena, na + 1 + nv + 1);
    memcpy(h, pick->alg, na);
    h[na] = ':';
    for (size_t i = 0; i < nv; i++)
        h[na + 1 + i] = lower_hex(pick->value[i]);
    c->hash = h;
    return 0;
}

/* --- the top-level walker -------------------------------------------------------------------- */

struct walk {
    struct nr__sbom_reader *r;
    const char *p;
    size_t len, pos;
    /* The values that tell the format, first occurrence of each (arena copies). */
    const char *bom_format, *spec_version, *spdx_version;
    enum nr_sbom_format format; /* NONE until decided */
    bool scanned;               /* the look-ahead ran (it runs at most once) */
};

typedef int (*element_fn)(struct nr__sbom_reader *r, json_t *v);

static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void skip_ws(const char *p, size_t len, size_t *pos)
{
    while (*pos < len && is_ws(p[*pos]))
        (*pos)++;
}

/* Text of the byte at pos for messages: the character when printable, else its code. */
static const char *show_byte(const struct walk *w, char *tmp, size_t n)
{
    unsigned char c;

    if (w->pos >= w->len)
        return "end of input";
    c = (unsigned char)w->p[w->pos];
    if (c >= 0x20 && c < 0x7f)
        snprintf(tmp, n, "'%c'", c);
    else
        snprintf(tmp, n, "byte 0x%02x", c);
    return tmp;
}

static int expected(struct walk *w, const char *what)
{
    char tmp[16];
    return nr__sbom_fail(w->r, NR_EPARSE, NULL, "malformed json at byte %zu: expected %s, got %s",
                         w->pos, what, show_byte(w, tmp, sizeof(tmp)));
}

/* True when v holds containers nested deeper than left levels; the reader's path then names the
 * first container past the cap. Only run once a value is known to be too deep. */
static bool deep_path(struct nr__sbom_reader *r, json_t *v, int left)
{
    if (!json_is_object(v) && !json_is_array(v))
        return false;
    if (left <= 0)
        return true;
    if (json_is_object(v)) {
        const char *key;
        json_t *child;
        json_object_foreach(v, key, child)
        {
            size_t mark = nr__sbom_push(r, ".%s", key);
            if (deep_path(r, child, left - 1))
                return true;
            nr__sbom_pop(r, mark);
        }
    } else {
        for (size_t i = 0; i < json_array_size(v); i++) {
            size_t mark = nr__sbom_push(r, "[%zu]", i);
            if (deep_path(r, json_array_get(v, i), left - 1))
                return true;
            nr__sbom_pop(r, mark);
        }
    }
    return false;
}

/* Container depth of v (0 for a scalar), or more than limit as soon as it is exceeded. */
static int depth_of(json_t *v, int limit)
{
    int deepest = 0, d;

    if (json_is_object(v)) {
        const char *key;
        json_t *child;
        if (limit <= 0)
            return 1;
        json_object_foreach(v, key, child)
        {
            if (json_is_object(child) || json_is_array(child)) {
                d = depth_of(child, limit - 1);
                if (d > deepest)
                    deepest = d;
                if (deepest >= limit)
                    break;
            }
        }
        return deepest + 1;
    }
    if (json_is_array(v)) {
        if (limit <= 0)
            return 1;
        for (size_t i = 0; i < json_array_size(v); i++) {
            json_t *child = json_array_get(v, i);
            if (json_is_object(child) || json_is_array(child)) {
                d = depth_of(child, limit - 1);
                if (d > deepest)
                    deepest = d;
                if (deepest >= limit)
                    break;
            }
        }
        return deepest + 1;
    }
    return 0;
}

/* Decodes the value at w->pos, which sits inside `level` containers of the document, and moves
 * past it. The caller decrefs *out. */
static int load(struct walk *w, int level, json_t **out)
{
    json_error_t je;
    json_t *v;
    int left = NR_SBOM_MAX_DEPTH - level;

    *out = NULL;
    v = json_loadb(w->p + w->pos, w->len - w->pos, LOAD_FLAGS, &je);
    if (v == NULL) {
        size_t at = w->pos + (je.position > 0 ? (size_t)je.position - 1 : 0);
        if (json_error_code(&je) == json_error_stack_overflow)
            return nr__sbom_fail(w->r, NR_ETOOBIG, NULL, "nested deeper than %d levels",
                                 NR_SBOM_MAX_DEPTH);
        return nr__sbom_fail(w->r, NR_EPARSE, NULL, "malformed json at byte %zu: %s", at, je.text);
    }
    w->pos += (size_t)je.position;
    if (depth_of(v, left) > left) {
        size_t mark = w->r->plen;
        deep_path(w->r, v, left);
        nr__sbom_fail(w->r, NR_ETOOBIG, NULL, "nested deeper than %d levels", NR_SBOM_MAX_DEPTH);
        nr__sbom_pop(w->r, mark);
        json_decref(v);
        return NR_ETOOBIG;
    }
    *out = v;
    return 0;
}

/* Walks the array at w->pos, inside `level` containers, element by element (null counts as
 * empty), handing each to fn with the path "name[i]"; fn NULL only checks and skips them. */
static int walk_array(struct walk *w, int level, element_fn fn)
{
    struct nr__sbom_reader *r = w->r;
    json_t *v = NULL;
    size_t i = 0, mark;
    int rc = 0;

    /* A document cut after the member's colon: there is no value to step into. */
    if (w->pos >= w->len)
        return expected(w, "a value");
    if (w->p[w->pos] != '[') {
        rc = load(w, level, &v);
        if (rc == 0 && !json_is_null(v))
            rc = nr__sbom_fail(r, NR_EPARSE, NULL, "expected an array, got %s",
                               nr__sbom_json_kind(v));
        json_decref(v);
        return rc;
    }
    w->pos++;
    skip_ws(w->p, w->len, &w->pos);
    if (w->pos < w->len && w->p[w->pos] == ']') {
        w->pos++;
        return 0;
    }
    for (;;) {
        mark = nr__sbom_push(r, "[%zu]", i);
        rc = load(w, level + 1, &v);
        if (rc == 0 && fn != NULL)
            rc = fn(r, v);
        json_decref(v);
        if (rc)
            return rc;
        nr__sbom_pop(r, mark);
        skip_ws(w->p, w->len, &w->pos);
        if (w->pos < w->len && w->p[w->pos] == ',') {
            w->pos++;
            i++;
            continue;
        }
        if (w->pos < w->len && w->p[w->pos] == ']') {
            w->pos++;
            return 0;
        }
        return expected(w, "',' or ']'");
    }
}

/* A member whose value this reader does not need: arrays go element by element so that a large
 * one (SPDX "files") is never whole in memory. */
static int skip_member(struct walk *w)
{
    json_t *v;
    int rc;

    if (w->pos < w->len && w->p[w->pos] == '[')
        return walk_array(w, 1, NULL);
    rc = load(w, 1, &v);
    json_decref(v);
    return rc;
}

/* A member that must be a string (or null): its copy in the arena, or NULL. */
static int member_str(struct walk *w, const char **out)
{
    json_t *v;
    int rc;

    *out = NULL;
    rc = load(w, 1, &v);
    if (rc == 0 && !json_is_null(v)) {
        if (!json_is_string(v))
            rc = nr__sbom_fail(w->r, NR_EPARSE, NULL, "expected a string, got %s",
                               nr__sbom_json_kind(v));
        else
            rc = nr__sbom_keep(w->r, NULL, json_string_value(v), json_string_length(v), out);
    }
    json_decref(v);
    return rc;
}

/* --- look-ahead for the format --------------------------------------------------------------- */

/* Moves past the string opening at *pos. False when it does not end. */
static bool raw_string(const char *p, size_t len, size_t *pos)
{
    size_t i = *pos + 1;

    for (;;) {
        const char *q = i < len ? memchr(p + i, '"', len - i) : NULL;
        size_t bs = 0, at;
        if (q == NULL)
            return false;
        at = (size_t)(q - p);
        while (at - bs > *pos + 1 && p[at - bs - 1] == '\\')
            bs++;
        i = at + 1;
        if (bs % 2 == 0) {
            *pos = i;
            return true;
        }
    }
}

/* Moves past the value at *pos following only strings and brackets: it decodes nothing and
 * validates little, which is enough to find the members that follow. False on structure it
 * cannot follow; the main walk then reports it properly. */
static bool raw_skip(const char *p, size_t len, size_t *pos)
{
    size_t i = *pos;
    long depth = 0;

    do {
        skip_ws(p, len, &i);
        if (i >= len)
            return false;
        switch (p[i]) {
        case '"':
            if (!raw_string(p, len, &i))
                return false;
            break;
        case '{':
        case '[':
            depth++;
            i++;
            break;
        case '}':
        case ']':
            if (depth-- == 0)
                return false;
            i++;
            break;
        case ',':
        case ':':
            if (depth == 0)
                return false;
            i++;
            break;
        default:
            while (i < len && !is_ws(p[i]) && p[i] != ',' && p[i] != ':' && p[i] != ']' &&
                   p[i] != '}' && p[i] != '[' && p[i] != '{' && p[i] != '"')
                i++;
            break;
        }
    } while (depth > 0);
    *pos = i;
    return true;
}

/* Decodes the string at *pos with jansson (NULL when it is not one) and moves past it. */
static json_t *raw_load_string(const char *p, size_t len, size_t *pos)
{
    json_error_t je;
    json_t *v;

    if (*pos >= len || p[*pos] != '"')
        return NULL;
    v = json_loadb(p + *pos, len - *pos, LOAD_FLAGS, &je);
    if (v == NULL)
        return NULL;
    *pos += (size_t)je.position;
    return v;
}

static int record(struct walk *w, const char *key, const char **slot, json_t *v)
{
    if (*slot != NULL || !json_is_string(v))
        return 0;
    return nr__sbom_keep(w->r, key, json_string_value(v), json_string_length(v), slot);
}

/* From the member value at w->pos to the end of the top-level object, records the first
 * bomFormat, specVersion and spdxVersion not seen yet. Returns false when the structure could not
 * be followed. */
static bool look_ahead(struct walk *w)
{
    const char *p = w->p;
    size_t len = w->len, i = w->pos;
    bool ok = false;

    if (!raw_skip(p, len, &i))
        return false;
    for (;;) {
        json_t *key, *val;
        const char *k;
        const char **slot = NULL;
        skip_ws(p, len, &i);
        if (i < len && p[i] == '}')
            return true;
        if (i >= len || p[i] != ',')
            return false;
        i++;
        skip_ws(p, len, &i);
        key = raw_load_string(p, len, &i);
        if (key == NULL || !json_is_string(key)) {
            json_decref(key);
            return false;
        }
        k = json_string_value(key);
        if (strcmp(k, "bomFormat") == 0)
            slot = &w->bom_format;
        else if (strcmp(k, "specVersion") == 0)
            slot = &w->spec_version;
        else if (strcmp(k, "spdxVersion") == 0)
            slot = &w->spdx_version;
        skip_ws(p, len, &i);
        ok = i < len && p[i] == ':';
        i++;
        skip_ws(p, len, &i);
        if (ok && slot != NULL && i < len && p[i] == '"') {
            val = raw_load_string(p, len, &i);
            ok = val != NULL && record(w, k, slot, val) == 0;
            json_decref(val);
        } else if (ok) {
            ok = raw_skip(p, len, &i);
        }
        json_decref(key);
        if (!ok)
            return false;
    }
}

/* Tells the format from what has been seen. With final false, missing values are not yet an
 * error: a later member may give them. */
static int decide(struct walk *w, bool final)
{
    struct nr_err *err = w->r->err;

    if (w->bom_format != NULL && w->spdx_version != NULL)
        return nr_err_set(err, NR_EINVAL, "spdxVersion",
                          "both bomFormat and spdxVersion: not one sbom format");
    if (w->bom_format != NULL) {
        if (strcmp(w->bom_format, "CycloneDX") != 0)
            return nr_err_set(err, NR_EINVAL, "bomFormat", "\"%.64s\" is not an sbom format",
                              w->bom_format);
        if (w->spec_version == NULL)
            return final ? nr_err_set(err, NR_EINVAL, "specVersion",
                                      "missing: a cyclonedx document names its version")
                         : 0;
        if (strcmp(w->spec_version, "1.4") != 0 && strcmp(w->spec_version, "1.5") != 0 &&
            strcmp(w->spec_version, "1.6") != 0)
            return nr_err_set(err, NR_EINVAL, "specVersion",
                              "cyclonedx %.32s is not supported (1.4, 1.5 and 1.6 are)",
                              w->spec_version);
        w->format = NR_SBOM_CYCLONEDX;
        return 0;
    }
    if (w->spdx_version != NULL) {
        if (strcmp(w->spdx_version, "SPDX-2.3") != 0 && strcmp(w->spdx_version, "SPDX-2.2") != 0)
            return nr_err_set(err, NR_EINVAL, "spdxVersion",
                              "%.32s is not supported (SPDX-2.3 and SPDX-2.2 are)",
                              w->spdx_version);
        w->format = NR_SBOM_SPDX;
        return 0;
    }
    if (final)
        return nr_err_set(err, NR_EINVAL, "",
                          "not an sbom: neither cyclonedx (bomFormat) nor spdx (spdxVersion)");
    return 0;
}

/* The format, looking ahead once when the members that tell it have not come yet. NONE when the
 * document does not say (yet), or when the look-ahead could not follow it. */
static int need_format(struct walk *w)
{
    int rc;

    if (w->format != NR_SBOM_NONE)
        return 0;
    rc = decide(w, false);
    if (rc || w->format != NR_SBOM_NONE)
        return rc;
    if (w->scanned)
        return 0;
    w->scanned = true;
    if (!look_ahead(w))
        return 0;
    rc = decide(w, false);
    if (rc == 0 && w->format == NR_SBOM_NONE)
        rc = decide(w, true);
    return rc;
}

enum member_kind { M_SKIP, M_FORMAT, M_STR, M_OBJ, M_ARRAY };

static const struct member {
    const char *name;
    enum nr_sbom_format format; /* NONE: both */
    enum member_kind kind;
    element_fn fn; /* M_OBJ, M_ARRAY */
} members[] = {
    {"bomFormat", NR_SBOM_NONE, M_FORMAT, NULL},
    {"specVersion", NR_SBOM_NONE, M_FORMAT, NULL},
    {"spdxVersion", NR_SBOM_NONE, M_FORMAT, NULL},
    {"serialNumber", NR_SBOM_CYCLONEDX, M_STR, NULL},
    {"metadata", NR_SBOM_CYCLONEDX, M_OBJ, nr__cdx_metadata},
    {"components", NR_SBOM_CYCLONEDX, M_ARRAY, nr__cdx_component},
    {"dependencies", NR_SBOM_CYCLONEDX, M_ARRAY, nr__cdx_dependency},
    {"vulnerabilities", NR_SBOM_CYCLONEDX, M_ARRAY, nr__cdx_vulnerability},
    {"documentNamespace", NR_SBOM_SPDX, M_STR, NULL},
    {"name", NR_SBOM_SPDX, M_STR, NULL},
    {"packages", NR_SBOM_SPDX, M_ARRAY, nr__spdx_package},
    {"relationships", NR_SBOM_SPDX, M_ARRAY, nr__spdx_relationship},
};

static int member(struct walk *w, const char *name)
{
    const struct member *m = NULL;
    struct nr_sbom *s = w->r->s;
    const char *str, **slot;
    json_t *v;
    int rc;

    for (size_t i = 0; i < NR_ARRAY_LEN(members); i++)
        if (strcmp(members[i].name, name) == 0)
            m = &members[i];
    if (m == NULL)
        return skip_member(w);
    if (m->kind == M_FORMAT) {
        slot = strcmp(name, "bomFormat") == 0     ? &w->bom_format
               : strcmp(name, "specVersion") == 0 ? &w->spec_version
                                                  : &w->spdx_version;
        rc = member_str(w, &str);
        if (rc == 0 && *slot == NULL)
            *slot = str;
        return rc;
    }
    rc = need_format(w);
    if (rc)
        return rc;
    if (w->format != m->format)
        return skip_member(w);
    switch (m->kind) {
    case M_STR:
        rc = member_str(w, &str);
        if (rc == 0 && str != NULL)
            *(strcmp(name, "name") == 0 ? &s->subject : &s->serial) = str;
        return rc;
    case M_OBJ:
        rc = load(w, 1, &v);
        if (rc == 0 && !json_is_null(v)) {
            if (!json_is_object(v))
                rc = nr__sbom_fail(w->r, NR_EPARSE, NULL, "expected an object, got %s",
                                   nr__sbom_json_kind(v));
            else
                rc = m->fn(w->r, v);
        }
        json_decref(v);
        return rc;
    case M_ARRAY:
        return walk_array(w, 1, m->fn);
    default:
        return skip_member(w);
    }
}

static int walk_document(struct walk *w)
{
    struct nr__sbom_reader *r = w->r;
    json_t *key, *v;
    int rc;

    /* A UTF-8 byte order mark is not JSON, but editors on Windows write one. */
    if (w->len >= 3 && memcmp(w->p, "\xef\xbb\xbf", 3) == 0)
        w->pos = 3;
    skip_ws(w->p, w->len, &w->pos);
    if (w->pos >= w->len)
        return nr_err_set(r->err, NR_EPARSE, "", "empty document");
    if (w->p[w->pos] != '{') {
        if (w->p[w->pos] == '[')
            rc = walk_array(w, 0, NULL);
        else {
            rc = load(w, 0, &v);
            json_decref(v);
        }
        if (rc == 0) {
            skip_ws(w->p, w->len, &w->pos);
            if (w->pos < w->len)
                return expected(w, "end of input");
            rc = nr_err_set(r->err, NR_EINVAL, "", "not an sbom: the document is not an object");
        }
        return rc;
    }
    w->pos++;
    skip_ws(w->p, w->len, &w->pos);
    if (w->pos < w->len && w->p[w->pos] == '}')
        w->pos++;
    else
        for (;;) {
            size_t mark;
            if (w->pos >= w->len || w->p[w->pos] != '"')
                return expected(w, "a member name");
            rc = load(w, 1, &key);
            if (rc)
                return rc;
            skip_ws(w->p, w->len, &w->pos);
            if (w->pos >= w->len || w->p[w->pos] != ':') {
                json_decref(key);
                return expected(w, "':'");
            }
            w->pos++;
            skip_ws(w->p, w->len, &w->pos);
            mark = nr__sbom_push(r, "%s", json_string_value(key));
            rc = member(w, json_string_value(key));
            json_decref(key);
            if (rc)
                return rc;
            nr__sbom_pop(r, mark);
            skip_ws(w->p, w->len, &w->pos);
            if (w->pos < w->len && w->p[w->pos] == ',') {
                w->pos++;
                skip_ws(w->p, w->len, &w->pos);
                continue;
            }
            if (w->pos < w->len && w->p[w->pos] == '}') {
                w->pos++;
                break;
            }
            return expected(w, "',' or '}'");
        }
    skip_ws(w->p, w->len, &w->pos);
    if (w->pos < w->len)
        return expected(w, "end of input");
    if (w->format == NR_SBOM_NONE) {
        rc = decide(w, true);
        if (rc)
            return rc;
    }
    return 0;
}

/* --- the public functions -------------------------------------------------------------------- */

void nr_sbom_init(struct nr_sbom *s)
{
    memset(s, 0, sizeof(*s));
    nr_arena_init(&s->arena);
}

void nr_sbom_release(struct nr_sbom *s)
{
    nr_arena_release(&s->arena);
    nr_sbom_init(s);
}

const char *nr_sbom_format_name(enum nr_sbom_format f)
{
    switch (f) {
    case NR_SBOM_CYCLONEDX:
        return "cyclonedx";
    case NR_SBOM_SPDX:
        return "spdx";
    default:
        return "none";
    }
}

/* Copies a finished malloc'd array into the arena, where the contract says it lives. */
static void *settle(struct nr_arena *a, void *arr, size_t n, size_t size)
{
    void *out = NULL;

    if (n > 0) {
        out = nr_arena_alloc(a, n * size);
        memcpy(out, arr, n * size);
    }
    nr_free(arr);
    return out;
}

int nr_sbom_read_mem(struct nr_sbom *s, const char *buf, size_t len, struct nr_err *err)
{
    struct nr__sbom_reader *r;
    struct walk w;
    int rc;

    nr_sbom_release(s);
    if ((uint64_t)len > NR_SBOM_MAX_BYTES)
        return nr_err_set(err, NR_ETOOBIG, "", "document of %zu bytes: the cap is %llu", len,
                          (unsigned long long)NR_SBOM_MAX_BYTES);
    r = nr_calloc(1, sizeof(*r));
    r->s = s;
    r->err = err;
    nr_purl_init(&r->purl);
    nr_cpe_init(&r->cpe);
    memset(&w, 0, sizeof(w));
    w.r = r;
    w.p = buf;
    w.len = len;
    rc = walk_document(&w);
    if (rc == 0) {
        s->format = w.format;
        s->spec_version = w.format == NR_SBOM_CYCLONEDX ? w.spec_version : w.spdx_version;
        s->bytes = len;
        s->components = settle(&s->arena, r->comp, r->ncomp, sizeof(*r->comp));
        s->ncomponents = r->ncomp;
        s->vex = settle(&s->arena, r->vex, r->nvex, sizeof(*r->vex));
        s->nvex = r->nvex;
        s->deps = settle(&s->arena, r->dep, r->ndep, sizeof(*r->dep));
        s->ndeps = r->ndep;
    } else {
        nr_free(r->comp);
        nr_free(r->vex);
        nr_free(r->dep);
        nr_sbom_release(s);
    }
    nr_purl_release(&r->purl);
    nr_cpe_release(&r->cpe);
    nr_free(r);
    return rc;
}

int nr_sbom_read_file(struct nr_sbom *s, const char *path, struct nr_err *err)
{
    struct stat st;
    void *map;
    char *data;
    size_t len;
    int fd, rc;

    nr_sbom_release(s);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return nr_err_set(err, -errno, "", "%s: %s", path, strerror(errno));
    if (fstat(fd, &st) != 0) {
        rc = -errno;
        nr_err_set(err, rc, "", "%s: %s", path, strerror(errno));
        close(fd);
        return rc;
    }
    if (!S_ISREG(st.st_mode)) {
        /* A pipe or a device cannot be mapped; read it whole, under the same cap. */
        close(fd);
        rc = nr_file_read(path, NR_SBOM_MAX_BYTES, &data, &len, err);
        if (rc)
            return rc;
        rc = nr_sbom_read_mem(s, data, len, err);
        nr_free(data);
        return rc;
    }
    if ((uint64_t)st.st_size > NR_SBOM_MAX_BYTES) {
        close(fd);
        return nr_err_set(err, NR_ETOOBIG, "", "%s: %lld bytes: the cap is %llu", path,
                          (long long)st.st_size, (unsigned long long)NR_SBOM_MAX_BYTES);
    }
    if (st.st_size == 0) {
        close(fd);
        return nr_sbom_read_mem(s, "", 0, err);
    }
    len = (size_t)st.st_size;
    map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
    rc = map == MAP_FAILED ? -errno : 0;
    close(fd);
    if (rc)
        return nr_err_set(err, rc, "", "%s: %s", path, strerror(-rc));
    /* One pass from start to end: read-ahead helps, and pages behind may go. */
    madvise(map, len, MADV_SEQUENTIAL);
    rc = nr_sbom_read_mem(s, map, len, err);
    munmap(map, len);
    return rc;
}
