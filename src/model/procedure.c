/*
 * procedure.c - loads a review procedure from its JSON file, validates it whole, and answers the
 * workflow's questions about it (interface: netreview/procedure.h; file format: docs/PROCEDURE.md).
 *
 * The file is decoded in one pass in a fixed order (the order of docs/PROCEDURE.md), so that
 * everything a field may refer to is already known when the field is read: the scale before the
 * recommendation, the phases before the triggers, transitions and actions. Graph checks that need
 * every transition (reachability, a way to a terminal phase) follow. The first problem found is
 * reported, with its JSON path, and the half-built procedure is released: a procedure is either
 * valid as a whole or not loaded at all, so the workflow never meets a dangling reference.
 *
 * Every string and array that comes from the file has a cap, and the file itself is capped at
 * 1 MiB; jansson caps the nesting depth.
 */
#include "netreview/procedure.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "netreview/banned.h"

#define PROC_MAX_BYTES  (1024 * 1024)
#define PROC_FORMAT     1
#define ID_MAX          64   /* bytes of an id */
#define TITLE_MAX       200  /* bytes of a title */
#define TEXT_MAX        4000 /* bytes of a description or note */
#define MAX_PHASES      64   /* also the width of the reachability bit sets */
#define MAX_TRANSITIONS 256
#define MAX_ACTIONS     128
#define MAX_TRIGGERS    64
#define MAX_NAMES       32 /* categories, dimensions, methods */
#define MAX_LEVELS      16
#define MAX_LIST        64 /* roles, conditions, needs of one entry */
#define MAX_PANEL       99
#define MAX_TASKS       99
#define MAX_DEADLINE    365
#define MAX_VALIDITY    3650
#define SHOWN_BUF       64 /* buffer for a file's text quoted in a message */

_Static_assert(MAX_PHASES <= 64, "reachability keeps sets of phases in a uint64_t");

static const char *const role_names[] = {
#define XX(name, s) s,
    NR_ROLE_MAP(XX)
#undef XX
};

static const char *const cond_names[] = {
#define XX(name, s) s,
    NR_COND_MAP(XX)
#undef XX
};

/* The actions the workflow implements. An action id in a procedure that is not here would never
 * be asked about, so a misspelt one would silently forbid the action it meant: refuse it. Add an
 * id here when the workflow learns a new action. */
static const char *const known_actions[] = {
    "commitment.sign", "materials.request", "materials.receive", "deadline.extend", "task.assign",
    "task.report",     "evidence.add",      "evidence.read",     "finding.add",     "panel.form",
    "panel.recuse",    "score.submit",      "complaint.attach",
};

enum id_kind {
    ID_NAME,   /* [a-z][a-z0-9_]*: phases, transitions, triggers, categories, levels, methods */
    ID_ACTION, /* names joined by ".": "task.assign" */
    ID_FILE,   /* [a-z0-9][a-z0-9_-]*: the procedure's and the calendar's file names */
};

struct ctx {
    const char *name; /* the file name shown in messages */
    struct nr_err *err;
};

int nr_role_parse(const char *s)
{
    for (size_t i = 0; s != NULL && i < NR_ARRAY_LEN(role_names); i++)
        if (strcmp(s, role_names[i]) == 0)
            return (int)i;
    return -1;
}

const char *nr_role_name(int role)
{
    if (role < 0 || role >= NR_ROLE__COUNT)
        return "?";
    return role_names[role];
}

int nr_cond_parse(const char *s)
{
    for (size_t i = 0; s != NULL && i < NR_ARRAY_LEN(cond_names); i++)
        if (strcmp(s, cond_names[i]) == 0)
            return (int)i;
    return -1;
}

const char *nr_cond_name(int cond)
{
    if (cond < 0 || cond >= NR_COND__COUNT)
        return "?";
    return cond_names[cond];
}

/* Text from the file as it may appear in a message (which may end up in JSON or a terminal):
 * printable ASCII only, "..." when cut to fit size (>= 8). Quotes and backslashes are replaced
 * too unless quotes_ok, so that a name quoted in a message cannot look like two. */
static const char *printable(const char *s, char *buf, size_t size, bool quotes_ok)
{
    size_t n = 0;

    for (; *s && n + 4 < size; s++) {
        unsigned char c = (unsigned char)*s;
        bool quote = c == '"' || c == '\\';
        buf[n++] = (c < 0x20 || c > 0x7e || (quote && !quotes_ok)) ? '?' : (char)c;
    }
    if (*s) {
        memcpy(buf + n, "...", 3);
        n += 3;
    }
    buf[n] = '\0';
    return buf;
}

static const char *shown(const char *s, char *buf, size_t size)
{
    return printable(s, buf, size, false);
}

static int fail(struct ctx *c, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Records "FILE: PATH: what is wrong" with the path as the error's field. */
static int fail(struct ctx *c, const char *path, const char *fmt, ...)
{
    char what[NR_ERR_MSG_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    return nr_err_set(c->err, NR_EPARSE, path, "%s: %s: %s", c->name, path, what);
}

static bool is_plain_key(const char *key)
{
    if (!((*key >= 'a' && *key <= 'z') || (*key >= 'A' && *key <= 'Z') || *key == '_'))
        return false;
    for (const char *s = key; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_'))
            return false;
    return true;
}

static void path_printf(char out[NR_ERR_FIELD_MAX], const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A path too long for err->field (only unknown keys can make one) is cut and ends in "...". */
static void path_printf(char out[NR_ERR_FIELD_MAX], const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(out, NR_ERR_FIELD_MAX, fmt, ap);
    va_end(ap);
    if (n >= NR_ERR_FIELD_MAX)
        memcpy(out + NR_ERR_FIELD_MAX - 4, "...", 4);
}

/* JSON paths: "$.phases[3].id"; a key that is not an identifier is written $["odd key"]. */
static void path_key(char out[NR_ERR_FIELD_MAX], const char *path, const char *key)
{
    char b[SHOWN_BUF];

    if (is_plain_key(key))
        path_printf(out, "%s.%s", path, key);
    else
        path_printf(out, "%s[\"%s\"]", path, shown(key, b, sizeof(b)));
}

static void path_index(char out[NR_ERR_FIELD_MAX], const char *path, size_t i)
{
    path_printf(out, "%s[%zu]", path, i);
}

static bool is_name(const char *s, size_t *len)
{
    size_t n = 0;

    if (!(s[0] >= 'a' && s[0] <= 'z'))
        return false;
    while ((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9') || s[n] == '_')
        n++;
    *len = n;
    return true;
}

static bool valid_id(const char *s, enum id_kind kind)
{
    size_t n;

    switch (kind) {
    case ID_NAME:
        return is_name(s, &n) && s[n] == '\0';
    case ID_ACTION:
        for (;;) {
            if (!is_name(s, &n))
                return false;
            if (s[n] == '\0')
                return true;
            if (s[n] != '.')
                return false;
            s += n + 1;
        }
    case ID_FILE:
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
            return false;
        for (; *s; s++)
            if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
                return false;
        return true;
    }
    return false;
}

static const char *id_rule(enum id_kind kind)
{
    switch (kind) {
    case ID_NAME:
        return "a lower-case letter, then lower-case letters, digits or \"_\"";
    case ID_ACTION:
        return "names of lower-case letters, digits and \"_\" joined by \".\"";
    case ID_FILE:
        return "a lower-case letter or digit, then lower-case letters, digits, \"_\" or \"-\"";
    }
    return "?";
}

/* Fails unless every key of obj is one of known (NULL-terminated). */
static int check_fields(struct ctx *c, json_t *obj, const char *path, const char *const *known)
{
    const char *key;
    json_t *v;

    json_object_foreach(obj, key, v)
    {
        size_t i = 0;
        while (known[i] != NULL && strcmp(known[i], key) != 0)
            i++;
        if (known[i] == NULL) {
            char sub[NR_ERR_FIELD_MAX], b[SHOWN_BUF];
            path_key(sub, path, key);
            return fail(c, sub, "unknown field \"%s\"", shown(key, b, sizeof(b)));
        }
    }
    return 0;
}

/* Looks up key in obj; *v is NULL when it is absent and not required. */
static int member(struct ctx *c, json_t *obj, const char *path, const char *key, bool required,
                  json_t **v, char sub[NR_ERR_FIELD_MAX])
{
    path_key(sub, path, key);
    *v = json_object_get(obj, key);
    if (*v == NULL && required)
        return fail(c, sub, "required field is missing");
    return 0;
}

/* A string of 1..max bytes (0..max when may_be_empty), copied into *out (which the procedure
 * owns from then on, so that a later failure frees it). out may be NULL to only check. */
static int take_string(struct ctx *c, json_t *v, const char *path, size_t max, bool may_be_empty,
                       char **out)
{
    size_t n;

    if (!json_is_string(v))
        return fail(c, path, "expected a string");
    n = json_string_length(v);
    if (n == 0 && !may_be_empty)
        return fail(c, path, "must not be empty");
    if (n > max)
        return fail(c, path, "longer than %zu bytes", max);
    if (out != NULL)
        *out = nr_strndup(json_string_value(v), n);
    return 0;
}

static int take_id(struct ctx *c, json_t *v, const char *path, enum id_kind kind, char **out)
{
    char b[SHOWN_BUF];
    int rc = take_string(c, v, path, ID_MAX, false, out);

    if (rc)
        return rc;
    if (!valid_id(*out, kind))
        return fail(c, path, "\"%s\" is not a valid id: %s", shown(*out, b, sizeof(b)),
                    id_rule(kind));
    return 0;
}

static int get_string(struct ctx *c, json_t *obj, const char *path, const char *key, bool required,
                      size_t max, char **out)
{
    char sub[NR_ERR_FIELD_MAX];
    json_t *v;
    int rc = member(c, obj, path, key, required, &v, sub);

    if (rc || v == NULL)
        return rc;
    return take_string(c, v, sub, max, false, out);
}

static int get_id(struct ctx *c, json_t *obj, const char *path, enum id_kind kind, char **out)
{
    char sub[NR_ERR_FIELD_MAX];
    json_t *v;
    int rc = member(c, obj, path, "id", true, &v, sub);

    return rc ? rc : take_id(c, v, sub, kind, out);
}

/* "note" is documentation for the people who read the file: checked, not kept. */
static int check_note(struct ctx *c, json_t *obj, const char *path)
{
    char sub[NR_ERR_FIELD_MAX];
    json_t *v;

    member(c, obj, path, "note", false, &v, sub);
    return v == NULL ? 0 : take_string(c, v, sub, TEXT_MAX, true, NULL);
}

static int get_int(struct ctx *c, json_t *obj, const char *path, const char *key, bool required,
                   int min, int max, int *out)
{
    char sub[NR_ERR_FIELD_MAX];
    json_t *v;
    json_int_t n;
    int rc = member(c, obj, path, key, required, &v, sub);

    if (rc || v == NULL)
        return rc;
    if (!json_is_integer(v))
        return fail(c, sub, "expected an integer");
    n = json_integer_value(v);
    if (n < min || n > max)
        return fail(c, sub, "%" JSON_INTEGER_FORMAT " is out of range: %d to %d", n, min, max);
    *out = (int)n;
    return 0;
}

static int get_bool(struct ctx *c, json_t *obj, const char *path, const char *key, bool *out)
{
    char sub[NR_ERR_FIELD_MAX];
    json_t *v;

    member(c, obj, path, key, false, &v, sub);
    if (v == NULL)
        return 0;
    if (!json_is_boolean(v))
        return fail(c, sub, "expected true or false");
    *out = json_is_true(v);
    return 0;
}

static int get_object(struct ctx *c, json_t *obj, const char *path, const char *key, bool required,
                      json_t **out, char sub[NR_ERR_FIELD_MAX])
{
    int rc = member(c, obj, path, key, required, out, sub);

    if (rc || *out == NULL)
        return rc;
    if (!json_is_object(*out))
        return fail(c, sub, "expected an object");
    return 0;
}

static int get_array(struct ctx *c, json_t *obj, const char *path, const char *key, bool required,
                     size_t min, size_t max, json_t **out, char sub[NR_ERR_FIELD_MAX])
{
    int rc = member(c, obj, path, key, required, out, sub);
    size_t n;

    if (rc || *out == NULL)
        return rc;
    if (!json_is_array(*out))
        return fail(c, sub, "expected an array");
    n = json_array_size(*out);
    if (n < min)
        return min == 1 ? fail(c, sub, "must not be empty")
                        : fail(c, sub, "needs at least %zu entries", min);
    if (n > max)
        return fail(c, sub, "more than %zu entries", max);
    return 0;
}

static int find(char *const *v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] != NULL && strcmp(v[i], s) == 0)
            return (int)i;
    return -1;
}

/* A list of distinct names (categories, scale, methods). */
static int get_names(struct ctx *c, json_t *obj, const char *path, const char *key, size_t min,
                     size_t max, char ***out, size_t *n)
{
    char sub[NR_ERR_FIELD_MAX], item[NR_ERR_FIELD_MAX], b[SHOWN_BUF];
    json_t *a;
    int rc = get_array(c, obj, path, key, true, min, max, &a, sub);

    if (rc)
        return rc;
    *n = json_array_size(a);
    *out = nr_calloc(*n, sizeof(**out));
    for (size_t i = 0; i < *n; i++) {
        path_index(item, sub, i);
        rc = take_id(c, json_array_get(a, i), item, ID_NAME, &(*out)[i]);
        if (rc)
            return rc;
        if (find(*out, i, (*out)[i]) >= 0)
            return fail(c, item, "duplicate \"%s\"", shown((*out)[i], b, sizeof(b)));
    }
    return 0;
}

/* A non-empty list of distinct roles; "public" only where it may raise a trigger. */
static int get_roles(struct ctx *c, json_t *obj, const char *path, bool allow_public,
                     nr_role_set *out)
{
    char sub[NR_ERR_FIELD_MAX], item[NR_ERR_FIELD_MAX], b[SHOWN_BUF];
    json_t *a;
    int rc = get_array(c, obj, path, "roles", true, 1, MAX_LIST, &a, sub);

    if (rc)
        return rc;
    for (size_t i = 0; i < json_array_size(a); i++) {
        json_t *v = json_array_get(a, i);
        int role;

        path_index(item, sub, i);
        if (!json_is_string(v))
            return fail(c, item, "expected a string");
        role = nr_role_parse(json_string_value(v));
        if (role < 0)
            return fail(c, item, "unknown role \"%s\"", shown(json_string_value(v), b, sizeof(b)));
        if (role == NR_ROLE_PUBLIC && !allow_public)
            return fail(c, item, "role \"public\" may only raise triggers");
        if (*out & NR_ROLE_BIT(role))
            return fail(c, item, "duplicate role \"%s\"", nr_role_name(role));
        *out |= NR_ROLE_BIT(role);
    }
    return 0;
}

static int get_conditions(struct ctx *c, json_t *obj, const char *path, nr_cond_set *out)
{
    char sub[NR_ERR_FIELD_MAX], item[NR_ERR_FIELD_MAX], b[SHOWN_BUF];
    json_t *a;
    int rc = get_array(c, obj, path, "conditions", false, 0, MAX_LIST, &a, sub);

    if (rc || a == NULL)
        return rc;
    for (size_t i = 0; i < json_array_size(a); i++) {
        json_t *v = json_array_get(a, i);
        int cond;

        path_index(item, sub, i);
        if (!json_is_string(v))
            return fail(c, item, "expected a string");
        cond = nr_cond_parse(json_string_value(v));
        if (cond < 0)
            return fail(c, item, "unknown condition \"%s\"",
                        shown(json_string_value(v), b, sizeof(b)));
        if (*out & NR_COND_BIT(cond))
            return fail(c, item, "duplicate condition \"%s\"", nr_cond_name(cond));
        *out |= NR_COND_BIT(cond);
    }
    return 0;
}

static int get_needs(struct ctx *c, json_t *obj, const char *path, unsigned *out)
{
    char sub[NR_ERR_FIELD_MAX], item[NR_ERR_FIELD_MAX], b[SHOWN_BUF];
    json_t *a;
    int rc = get_array(c, obj, path, "needs", false, 0, MAX_LIST, &a, sub);

    if (rc || a == NULL)
        return rc;
    for (size_t i = 0; i < json_array_size(a); i++) {
        json_t *v = json_array_get(a, i);
        const char *s;
        unsigned bit;

        path_index(item, sub, i);
        if (!json_is_string(v))
            return fail(c, item, "expected a string");
        s = json_string_value(v);
        if (strcmp(s, "reason") == 0)
            bit = NR_NEEDS_REASON;
        else if (strcmp(s, "decision") == 0)
            bit = NR_NEEDS_DECISION;
        else
            return fail(c, item, "unknown need \"%s\" (\"reason\" or \"decision\")",
                        shown(s, b, sizeof(b)));
        if (*out & bit)
            return fail(c, item, "duplicate need \"%s\"", s);
        *out |= bit;
    }
    return 0;
}

static int phase_index(const struct nr_procedure *p, const char *id)
{
    for (size_t i = 0; i < p->nphases; i++)
        if (strcmp(p->phases[i].id, id) == 0)
            return (int)i;
    return -1;
}

/* A reference to a phase declared in $.phases, copied into *out. */
static int take_phase(struct ctx *c, const struct nr_procedure *p, json_t *v, const char *path,
                      char **out, int *index)
{
    char b[SHOWN_BUF];

    if (!json_is_string(v))
        return fail(c, path, "expected a string");
    *index = phase_index(p, json_string_value(v));
    if (*index < 0)
        return fail(c, path, "unknown phase \"%s\"", shown(json_string_value(v), b, sizeof(b)));
    *out = nr_strdup(p->phases[*index].id);
    return 0;
}

/* A non-empty list of distinct phases. */
static int get_phase_list(struct ctx *c, const struct nr_procedure *p, json_t *obj,
                          const char *path, const char *key, bool required, char ***out, size_t *n)
{
    char sub[NR_ERR_FIELD_MAX], item[NR_ERR_FIELD_MAX];
    json_t *a;
    int index, rc = get_array(c, obj, path, key, required, 1, MAX_PHASES, &a, sub);

    if (rc || a == NULL)
        return rc;
    *n = json_array_size(a);
    *out = nr_calloc(*n, sizeof(**out));
    for (size_t i = 0; i < *n; i++) {
        path_index(item, sub, i);
        rc = take_phase(c, p, json_array_get(a, i), item, &(*out)[i], &index);
        if (rc)
            return rc;
        if (find(*out, i, (*out)[i]) >= 0)
            return fail(c, item, "duplicate phase \"%s\"", (*out)[i]);
    }
    return 0;
}

static int parse_role_titles(struct ctx *c, struct nr_procedure *p, json_t *root)
{
    char sub[NR_ERR_FIELD_MAX], item[NR_ERR_FIELD_MAX], b[SHOWN_BUF];
    const char *key;
    json_t *obj, *v;
    int rc = get_object(c, root, "$", "roles", false, &obj, sub);

    if (rc || obj == NULL)
        return rc;
    json_object_foreach(obj, key, v)
    {
        int role = nr_role_parse(key);

        path_key(item, sub, key);
        if (role < 0)
            return fail(c, item, "unknown role \"%s\"", shown(key, b, sizeof(b)));
        rc = take_string(c, v, item, TITLE_MAX, false, &p->role_titles[role]);
        if (rc)
            return rc;
    }
    return 0;
}

static int parse_dimensions(struct ctx *c, struct nr_procedure *p, json_t *root)
{
    static const char *const fields[] = {"id", "title", "description", "note", NULL};
    char sub[NR_ERR_FIELD_MAX], item[NR_ERR_FIELD_MAX], b[SHOWN_BUF];
    json_t *a;
    size_t n;
    int rc = get_array(c, root, "$", "dimensions", true, 1, MAX_NAMES, &a, sub);

    if (rc)
        return rc;
    n = json_array_size(a);
    p->ndimensions = n;
    p->dimensions = nr_calloc(n, sizeof(char *));
    p->dimension_titles = nr_calloc(n, sizeof(char *));
    p->dimension_descriptions = nr_calloc(n, sizeof(char *));
    for (size_t i = 0; i < n; i++) {
        json_t *d = json_array_get(a, i);

        path_index(item, sub, i);
        if (!json_is_object(d))
            return fail(c, item, "expected an object");
        if ((rc = check_fields(c, d, item, fields)) ||
            (rc = get_id(c, d, item, ID_NAME, &p->dimensions[i])))
            return rc;
        if (find(p->dimensions, i, p->dimensions[i]) >= 0) {
            char field[NR_ERR_FIELD_MAX];
            path_key(field, item, "id");
            return fail(c, field, "duplicate dimension id \"%s\"",
                        shown(p->dimensions[i], b, sizeof(b)));
        }
        if ((rc = get_string(c, d, item, "title", true, TITLE_MAX, &p->dimension_titles[i])) ||
            (rc = get_string(c, d, item, "description", false, TEXT_MAX,
                             &p->dimension_descriptions[i])) ||
            (rc = check_note(c, d, item)))
            return rc;
        if (p->dimension_descriptions[i] == NULL)
            p->dimension_descriptions[i] = nr_strdup("");
    }
    /* R6: each expert scores every category, so every category is a dimension. */
    for (size_t i = 0; i < p->ncategories; i++) {
        if (find(p->dimensions, n, p->categories[i]) < 0) {
            path_index(item, "$.categories", i);
            return fail(c, item, "category \"%s\" is not among the dimensions experts score",
                        p->categories[i]);
        }
    }
    return 0;
}

static int get_level(struct ctx *c, const struct nr_procedure *p, json_t *obj, const char *path,
                     const char *key, int *out)
{
    char sub[NR_ERR_FIELD_MAX], b[SHOWN_BUF];
    json_t *v;
    int rc = member(c, obj, path, key, true, &v, sub);

    if (rc)
        return rc;
    if (!json_is_string(v))
        return fail(c, sub, "expected a string");
    *out = nr_procedure_level(p, json_string_value(v));
    if (*out < 0)
        return fail(c, sub, "unknown level \"%s\": not in $.scale",
                    shown(json_string_value(v), b, sizeof(b)));
    return 0;
}

/* R6: the rule that turns the panel's medians into a recommendation. */
static int parse_recommendation(struct ctx *c, struct nr_procedure *p, json_t *root)
{
    static const char *const fields[] = {"fail_at", "conditions_at", "note", NULL};
    char sub[NR_ERR_FIELD_MAX], item[NR_ERR_FIELD_MAX];
    json_t *obj;
    int rc = get_object(c, root, "$", "recommendation", true, &obj, sub);

    if (rc || (rc = check_fields(c, obj, sub, fields)) ||
        (rc = get_level(c, p, obj, sub, "fail_at", &p->fail_at)) ||
        (rc = get_level(c, p, obj, sub, "conditions_at", &p->conditions_at)) ||
        (rc = check_note(c, obj, sub)))
        return rc;
    if (p->conditions_at > p->fail_at) {
        path_key(item, sub, "conditions_at");
        return fail(c, item, "conditions_at \"%s\" is above fail_at \"%s\"",
                    p->scale[p->conditions_at], p->scale[p->fail_at]);
    }
    return 0;
}

/* An object holding one integer setting and an optional note: panel, evaluation, decision. */
static int parse_setting(struct ctx *c, json_t *root, const char *key, bool required,
                         const char *field, int min, int max, int *out)
{
    const char *fields[] = {field, "note", NULL};
    char sub[NR_ERR_FIELD_MAX];
    json_t *obj;
    int rc = get_object(c, root, "$", key, required, &obj, sub);

    if (rc || obj == NULL)
        return rc;
    if ((rc = check_fields(c, obj, sub, fields)) ||
        (rc = get_int(c, obj, sub, field, true, min, max, out)))
        return rc;
    return check_note(c, obj, sub);
}

/* R13: each phase with its deadline in working days. */
static int parse_phases(struct ctx *c, struct nr_procedure *p, json_t *root)
{
    static const char *const fields[] = {
        "id", "title", "deadline_days", "terminal", "decision_valid", "note", NULL};
    char sub[NR_ERR_FIELD_MAX], item[NR_ERR_FIELD_MAX], field[NR_ERR_FIELD_MAX];
    char b[SHOWN_BUF];
    json_t *a;
    int rc = get_array(c, root, "$", "phases", true, 1, MAX_PHASES, &a, sub);

    if (rc)
        return rc;
    p->nphases = json_array_size(a);
    p->phases = nr_calloc(p->nphases, sizeof(*p->phases));
    for (size_t i = 0; i < p->nphases; i++) {
        struct nr_phase *ph = &p->phases[i];
        json_t *o = json_array_get(a, i);

        path_index(item, sub, i);
        if (!json_is_object(o))
            return fail(c, item, "expected an object");
        if ((rc = check_fields(c, o, item, fields)) || (rc = get_id(c, o, item, ID_NAME, &ph->id)))
            return rc;
        for (size_t j = 0; j < i; j++) {
            if (strcmp(p->phases[j].id, ph->id) == 0) {
                path_key(field, item, "id");
                return fail(c, field, "duplicate phase id \"%s\"", shown(ph->id, b, sizeof(b)));
            }
        }
        if ((rc = get_string(c, o, item, "title", true, TITLE_MAX, &ph->title)) ||
            (rc = get_int(c, o, item, "deadline_days", false, 0, MAX_DEADLINE,
                          &ph->deadline_days)) ||
            (rc = get_bool(c, o, item, "terminal", &ph->terminal)) ||
            (rc = get_bool(c, o, item, "decision_valid", &ph->decision_valid)) ||
            (rc = check_note(c, o, item)))
            return rc;
        if (ph->terminal && ph->deadline_days > 0) {
            path_key(field, item, "deadline_days");
            return fail(c, field, "phase \"%s\" is terminal and cannot have a deadline", ph->id);
        }
    }
    return 0;
}

/* R2: what may start a case, who may raise it, and where the case starts. */
static int parse_triggers(struct ctx *c, struct nr_procedure *p, json_t *root)
{
    static const char *const fields[] = {"id",          "title", "roles", "phase",
                                         "declaration", "note",  NULL};
    char sub[NR_ERR_FIELD_MAX], item[NR_ERR_FIELD_MAX], field[NR_ERR_FIELD_MAX];
    char b[SHOWN_BUF];
    json_t *a, *v;
    int index, rc = get_array(c, root, "$", "triggers", true, 1, MAX_TRIGGERS, &a, sub);

    if (rc)
        return rc;
    p->ntriggers = json_array_size(a);
    p->triggers = nr_calloc(p->ntriggers, sizeof(*p->triggers));
    for (size_t i = 0; i < p->ntriggers; i++) {
        struct nr_trigger *t = &p->triggers[i];
        json_t *o = json_array_get(a, i);

        path_index(item, sub, i);
        if (!json_is_object(o))
            return fail(c, item, "expected an object");
        if ((rc = check_fields(c, o, item, fields)) || (rc = get_id(c, o, item, ID_NAME, &t->id)))
            return rc;
        for (size_t j = 0; j < i; j++) {
            if (strcmp(p->triggers[j].id, t->id) == 0) {
                path_key(field, item, "id");
                return fail(c, field, "duplicate trigger id \"%s\"", shown(t->id, b, sizeof(b)));
            }
        }
        if ((rc = get_string(c, o, item, "title", true, TITLE_MAX, &t->title)) ||
            (rc = get_roles(c, o, item, true, &t->roles)) ||
            (rc = member(c, o, item, "phase", true, &v, field)) ||
            (rc = take_phase(c, p, v, field, &t->phase, &index)) ||
            (rc = get_bool(c, o, item, "declaration", &t->declaration)) ||
            (rc = check_note(c, o, item)))
            return rc;
        if (p->phases[index].terminal)
            return fail(c, field, "a case cannot start in terminal phase \"%s\"", t->phase);
    }
    return 0;
}

static int parse_transitions(struct ctx *c, struct nr_procedure *p, json_t *root)
{
    static const char *const fields[] = {"id",         "title", "from", "to", "roles",
                                         "conditions", "needs", "note", NULL};
    char sub[NR_ERR_FIELD_MAX], item[NR_ERR_FIELD_MAX], field[NR_ERR_FIELD_MAX];
    char b[SHOWN_BUF];
    json_t *a, *v;
    int index, rc = get_array(c, root, "$", "transitions", true, 1, MAX_TRANSITIONS, &a, sub);

    if (rc)
        return rc;
    p->ntransitions = json_array_size(a);
    p->transitions = nr_calloc(p->ntransitions, sizeof(*p->transitions));
    for (size_t i = 0; i < p->ntransitions; i++) {
        struct nr_transition *t = &p->transitions[i];
        json_t *o = json_array_get(a, i);

        path_index(item, sub, i);
        if (!json_is_object(o))
            return fail(c, item, "expected an object");
        if ((rc = check_fields(c, o, item, fields)) || (rc = get_id(c, o, item, ID_NAME, &t->id)))
            return rc;
        for (size_t j = 0; j < i; j++) {
            if (strcmp(p->transitions[j].id, t->id) == 0) {
                path_key(field, item, "id");
                return fail(c, field, "duplicate transition id \"%s\"", shown(t->id, b, sizeof(b)));
            }
        }
        if ((rc = get_string(c, o, item, "title", true, TITLE_MAX, &t->title)) ||
            (rc = get_phase_list(c, p, o, item, "from", true, &t->from, &t->nfrom)))
            return rc;
        for (size_t j = 0; j < t->nfrom; j++) {
            if (p->phases[phase_index(p, t->from[j])].terminal) {
                char from[NR_ERR_FIELD_MAX];
                path_key(from, item, "from");
                path_index(field, from, j);
                return fail(c, field, "phase \"%s\" is terminal: no transition may leave it",
                            t->from[j]);
            }
        }
        if ((rc = member(c, o, item, "to", true, &v, field)) ||
            (rc = take_phase(c, p, v, field, &t->to, &index)))
            return rc;
        if (find(t->from, t->nfrom, t->to) >= 0)
            return fail(c, field,
                        "transition leads back to \"%s\", a phase it starts from; "
                        "use an action for work that stays in a phase",
                        t->to);
        if ((rc = get_roles(c, o, item, false, &t->roles)) ||
            (rc = get_conditions(c, o, item, &t->conds)) ||
            (rc = get_needs(c, o, item, &t->needs)) || (rc = check_note(c, o, item)))
            return rc;
        /* R7: a recorded decision is in force where the transition that records it leads. */
        if ((t->needs & NR_NEEDS_DECISION) && !p->phases[index].decision_valid)
            return fail(c, field,
                        "transition records a decision but phase \"%s\" is not "
                        "decision_valid",
                        t->to);
    }
    return 0;
}

static int parse_actions(struct ctx *c, struct nr_procedure *p, json_t *root)
{
    static const char *const fields[] = {"id", "roles", "phases", "note", NULL};
    char sub[NR_ERR_FIELD_MAX], item[NR_ERR_FIELD_MAX], field[NR_ERR_FIELD_MAX];
    char b[SHOWN_BUF];
    json_t *a;
    int rc = get_array(c, root, "$", "actions", true, 0, MAX_ACTIONS, &a, sub);

    if (rc)
        return rc;
    p->nactions = json_array_size(a);
    p->actions = nr_calloc(p->nactions, sizeof(*p->actions));
    for (size_t i = 0; i < p->nactions; i++) {
        struct nr_action *act = &p->actions[i];
        json_t *o = json_array_get(a, i);
        size_t k = 0;

        path_index(item, sub, i);
        if (!json_is_object(o))
            return fail(c, item, "expected an object");
        if ((rc = check_fields(c, o, item, fields)) ||
            (rc = get_id(c, o, item, ID_ACTION, &act->id)))
            return rc;
        path_key(field, item, "id");
        while (k < NR_ARRAY_LEN(known_actions) && strcmp(known_actions[k], act->id) != 0)
            k++;
        if (k == NR_ARRAY_LEN(known_actions))
            return fail(c, field, "unknown action \"%s\"", act->id);
        for (size_t j = 0; j < i; j++)
            if (strcmp(p->actions[j].id, act->id) == 0)
                return fail(c, field, "duplicate action id \"%s\"", shown(act->id, b, sizeof(b)));
        if ((rc = get_roles(c, o, item, false, &act->roles)) ||
            (rc = get_phase_list(c, p, o, item, "phases", false, &act->phases, &act->nphases)) ||
            (rc = check_note(c, o, item)))
            return rc;
    }
    return 0;
}

/* Whole-graph rules: a decision can be recorded; every open phase can be entered from a
 * trigger's start phase and has a way on to a terminal phase, so no case can be stranded. */
static int check_graph(struct ctx *c, const struct nr_procedure *p)
{
    uint64_t succ[MAX_PHASES] = {0}, reached = 0, ends = 0;
    char item[NR_ERR_FIELD_MAX];
    bool decides = false, changed;

    for (size_t i = 0; i < p->ntransitions; i++) {
        const struct nr_transition *t = &p->transitions[i];
        int to = phase_index(p, t->to);

        decides |= (t->needs & NR_NEEDS_DECISION) != 0;
        for (size_t j = 0; j < t->nfrom; j++)
            succ[phase_index(p, t->from[j])] |= UINT64_C(1) << to;
    }
    if (!decides)
        return fail(c, "$.transitions", "no transition records a decision (needs \"decision\")");

    for (size_t i = 0; i < p->ntriggers; i++)
        reached |= UINT64_C(1) << phase_index(p, p->triggers[i].phase);
    for (size_t i = 0; i < p->nphases; i++)
        if (p->phases[i].terminal)
            ends |= UINT64_C(1) << i;
    do {
        changed = false;
        for (size_t i = 0; i < p->nphases; i++) {
            uint64_t bit = UINT64_C(1) << i;
            if ((reached & bit) && (succ[i] & ~reached)) {
                reached |= succ[i];
                changed = true;
            }
            if (!(ends & bit) && (succ[i] & ends)) {
                ends |= bit;
                changed = true;
            }
        }
    } while (changed);

    for (size_t i = 0; i < p->nphases; i++) {
        uint64_t bit = UINT64_C(1) << i;
        if (p->phases[i].terminal)
            continue;
        path_index(item, "$.phases", i);
        if (!(reached & bit))
            return fail(c, item, "phase \"%s\" cannot be reached from any trigger's start phase",
                        p->phases[i].id);
        if (!(ends & bit))
            return fail(c, item, "phase \"%s\" cannot reach a terminal phase", p->phases[i].id);
    }
    return 0;
}

static int parse_root(struct ctx *c, struct nr_procedure *p, json_t *root)
{
    static const char *const fields[] = {
        "format",         "id",          "title",      "note",       "calendar",
        "roles",          "categories",  "scale",      "dimensions", "methods",
        "recommendation", "panel",       "evaluation", "decision",   "phases",
        "triggers",       "transitions", "actions",    NULL};
    char sub[NR_ERR_FIELD_MAX];
    json_t *v;
    int rc;

    if (!json_is_object(root))
        return fail(c, "$", "expected an object");
    if ((rc = check_fields(c, root, "$", fields)) ||
        (rc = member(c, root, "$", "format", true, &v, sub)))
        return rc;
    if (!json_is_integer(v) || json_integer_value(v) != PROC_FORMAT)
        return fail(c, sub, "unsupported format: this program reads format %d", PROC_FORMAT);
    if ((rc = get_id(c, root, "$", ID_FILE, &p->id)) ||
        (rc = get_string(c, root, "$", "title", true, TITLE_MAX, &p->title)) ||
        (rc = check_note(c, root, "$")) || (rc = member(c, root, "$", "calendar", true, &v, sub)) ||
        (rc = take_id(c, v, sub, ID_FILE, &p->calendar)) || (rc = parse_role_titles(c, p, root)) ||
        (rc = get_names(c, root, "$", "categories", 1, MAX_NAMES, &p->categories,
                        &p->ncategories)) ||
        (rc = get_names(c, root, "$", "scale", 2, MAX_LEVELS, &p->scale, &p->nscale)) ||
        (rc = parse_dimensions(c, p, root)) ||
        (rc = get_names(c, root, "$", "methods", 1, MAX_NAMES, &p->methods, &p->nmethods)) ||
        (rc = parse_recommendation(c, p, root)) ||
        (rc = parse_setting(c, root, "panel", true, "size", 1, MAX_PANEL, &p->panel_size)) ||
        (rc = parse_setting(c, root, "evaluation", false, "max_tasks", 0, MAX_TASKS,
                            &p->max_tasks)) ||
        (rc = parse_setting(c, root, "decision", true, "validity_days", 1, MAX_VALIDITY,
                            &p->validity_days)) ||
        (rc = parse_phases(c, p, root)) || (rc = parse_triggers(c, p, root)) ||
        (rc = parse_transitions(c, p, root)) || (rc = parse_actions(c, p, root)))
        return rc;
    return check_graph(c, p);
}

static int parse(struct nr_procedure *p, const char *text, size_t len, const char *name,
                 const char *path, struct nr_err *err)
{
    struct ctx c = {name != NULL ? name : "procedure", err};
    json_error_t jerr;
    json_t *root = NULL;
    const char *nul;
    char b[160];
    int rc;

    memset(p, 0, sizeof(*p));
    if (len > PROC_MAX_BYTES) {
        rc = fail(&c, "$", "larger than %d bytes", PROC_MAX_BYTES);
        goto out;
    }
    /* jansson reads "{\"a\": 1\0}" as {"a": 1}; a procedure is text, so a NUL byte is wrong. */
    if (text != NULL && (nul = memchr(text, '\0', len)) != NULL) {
        rc = fail(&c, "$", "invalid JSON: NUL byte at offset %zu", (size_t)(nul - text));
        goto out;
    }
    root =
        json_loadb(text != NULL ? text : "", text != NULL ? len : 0, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL) {
        rc = fail(&c, "$", "invalid JSON at line %d column %d: %s", jerr.line, jerr.column,
                  printable(jerr.text, b, sizeof(b), true));
        goto out;
    }
    p->path = nr_strdup(path);
    rc = parse_root(&c, p, root);
out:
    json_decref(root);
    if (rc)
        nr_procedure_release(p);
    return rc;
}

int nr_procedure_parse(struct nr_procedure *p, const char *text, size_t len, const char *name,
                       struct nr_err *err)
{
    return parse(p, text, len, name, "", err);
}

int nr_procedure_load(struct nr_procedure *p, const char *path, struct nr_err *err)
{
    struct nr_err ferr;
    char *text = NULL;
    size_t len = 0;
    int rc;

    memset(p, 0, sizeof(*p));
    nr_err_init(&ferr);
    rc = nr_file_read(path, PROC_MAX_BYTES, &text, &len, &ferr);
    if (rc == NR_ETOOBIG) {
        struct ctx c = {path, err};
        return fail(&c, "$", "larger than %d bytes", PROC_MAX_BYTES);
    }
    if (rc)
        return nr_err_set(err, rc, NULL, "%s", ferr.msg);
    rc = parse(p, text, len, path, path, err);
    nr_free(text);
    return rc;
}

static void free_strings(char **v, size_t n)
{
    for (size_t i = 0; v != NULL && i < n; i++)
        nr_free(v[i]);
    nr_free(v);
}

void nr_procedure_release(struct nr_procedure *p)
{
    nr_free(p->id);
    nr_free(p->title);
    nr_free(p->calendar);
    nr_free(p->path);
    free_strings(p->categories, p->ncategories);
    free_strings(p->dimensions, p->ndimensions);
    free_strings(p->dimension_titles, p->ndimensions);
    free_strings(p->dimension_descriptions, p->ndimensions);
    free_strings(p->scale, p->nscale);
    free_strings(p->methods, p->nmethods);
    for (size_t i = 0; i < p->nphases; i++) {
        nr_free(p->phases[i].id);
        nr_free(p->phases[i].title);
    }
    nr_free(p->phases);
    for (size_t i = 0; i < p->ntransitions; i++) {
        nr_free(p->transitions[i].id);
        nr_free(p->transitions[i].title);
        free_strings(p->transitions[i].from, p->transitions[i].nfrom);
        nr_free(p->transitions[i].to);
    }
    nr_free(p->transitions);
    for (size_t i = 0; i < p->nactions; i++) {
        nr_free(p->actions[i].id);
        free_strings(p->actions[i].phases, p->actions[i].nphases);
    }
    nr_free(p->actions);
    for (size_t i = 0; i < p->ntriggers; i++) {
        nr_free(p->triggers[i].id);
        nr_free(p->triggers[i].title);
        nr_free(p->triggers[i].phase);
    }
    nr_free(p->triggers);
    for (size_t i = 0; i < NR_ROLE__COUNT; i++)
        nr_free(p->role_titles[i]);
    memset(p, 0, sizeof(*p));
}

const struct nr_phase *nr_procedure_phase(const struct nr_procedure *p, const char *id)
{
    int i = id != NULL ? phase_index(p, id) : -1;
    return i < 0 ? NULL : &p->phases[i];
}

const struct nr_transition *nr_procedure_transition(const struct nr_procedure *p, const char *id)
{
    for (size_t i = 0; id != NULL && i < p->ntransitions; i++)
        if (strcmp(p->transitions[i].id, id) == 0)
            return &p->transitions[i];
    return NULL;
}

const struct nr_action *nr_procedure_action(const struct nr_procedure *p, const char *id)
{
    for (size_t i = 0; id != NULL && i < p->nactions; i++)
        if (strcmp(p->actions[i].id, id) == 0)
            return &p->actions[i];
    return NULL;
}

const struct nr_trigger *nr_procedure_trigger(const struct nr_procedure *p, const char *id)
{
    for (size_t i = 0; id != NULL && i < p->ntriggers; i++)
        if (strcmp(p->triggers[i].id, id) == 0)
            return &p->triggers[i];
    return NULL;
}

int nr_procedure_level(const struct nr_procedure *p, const char *level)
{
    return level != NULL ? find(p->scale, p->nscale, level) : -1;
}

int nr_procedure_dimension(const struct nr_procedure *p, const char *dimension)
{
    return dimension != NULL ? find(p->dimensions, p->ndimensions, dimension) : -1;
}

bool nr_procedure_has_category(const struct nr_procedure *p, const char *category)
{
    return category != NULL && find(p->categories, p->ncategories, category) >= 0;
}

bool nr_procedure_has_method(const struct nr_procedure *p, const char *method)
{
    return method != NULL && find(p->methods, p->nmethods, method) >= 0;
}

const char *nr_procedure_role_title(const struct nr_procedure *p, int role)
{
    if (role < 0 || role >= NR_ROLE__COUNT)
        return "?";
    return p->role_titles[role] != NULL ? p->role_titles[role] : role_names[role];
}

bool nr_transition_from(const struct nr_transition *t, const char *phase)
{
    return phase != NULL && find(t->from, t->nfrom, phase) >= 0;
}

bool nr_action_in_phase(const struct nr_procedure *p, const struct nr_action *a, const char *phase)
{
    const struct nr_phase *ph;

    if (phase == NULL)
        return false;
    if (a->nphases > 0)
        return find(a->phases, a->nphases, phase) >= 0;
    ph = nr_procedure_phase(p, phase);
    return ph != NULL && !ph->terminal;
}

const char *nr_procedure_recommend(const struct nr_procedure *p, const int *medians, size_t n)
{
    bool conditions = false;

    /* R6: the worst dimension decides; fail_at >= conditions_at holds after validation. */
    for (size_t i = 0; i < n; i++) {
        if (medians[i] >= p->fail_at)
            return "failed";
        if (medians[i] >= p->conditions_at)
            conditions = true;
    }
    return conditions ? "passed_with_conditions" : "passed";
}

/* ---- as JSON ---- */

static json_t *nr_roles_json(nr_role_set roles)
{
    json_t *a = json_array();
    for (int r = 0; r < NR_ROLE__COUNT; r++)
        if (roles & NR_ROLE_BIT(r))
            json_array_append_new(a, json_string(nr_role_name(r)));
    return a;
}

static json_t *nr_strings_json(char **v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_string(v[i]));
    return a;
}

json_t *nr_procedure_json(const struct nr_procedure *p, bool full_path)
{
    json_t *o = json_object(), *phases = json_array(), *trans = json_array(), *trig = json_array();
    json_t *acts = json_array();
    const char *file = p->path ? p->path : "", *slash = strrchr(file, '/');

    for (size_t i = 0; i < p->nphases; i++)
        json_array_append_new(phases,
                              json_pack("{s:s,s:s,s:i,s:b,s:b}", "id", p->phases[i].id, "title",
                                        p->phases[i].title ? p->phases[i].title : p->phases[i].id,
                                        "deadline_days", p->phases[i].deadline_days, "terminal",
                                        p->phases[i].terminal, "decision_valid",
                                        p->phases[i].decision_valid));
    for (size_t i = 0; i < p->ntransitions; i++) {
        const struct nr_transition *t = &p->transitions[i];
        json_t *conds = json_array();
        for (int c = 0; c < NR_COND__COUNT; c++)
            if (t->conds & NR_COND_BIT(c))
                json_array_append_new(conds, json_string(nr_cond_name(c)));
        json_array_append_new(trans,
                              json_pack("{s:s,s:o,s:s,s:o,s:o,s:b,s:b}", "id", t->id, "from",
                                        nr_strings_json(t->from, t->nfrom), "to", t->to, "roles",
                                        nr_roles_json(t->roles), "conditions", conds,
                                        "needs_reason", (t->needs & NR_NEEDS_REASON) != 0,
                                        "needs_decision", (t->needs & NR_NEEDS_DECISION) != 0));
    }
    for (size_t i = 0; i < p->nactions; i++)
        json_array_append_new(
            acts, json_pack("{s:s,s:o,s:o}", "id", p->actions[i].id, "roles",
                            nr_roles_json(p->actions[i].roles), "phases",
                            nr_strings_json(p->actions[i].phases, p->actions[i].nphases)));
    for (size_t i = 0; i < p->ntriggers; i++)
        json_array_append_new(trig, json_pack("{s:s,s:o,s:s,s:b}", "id", p->triggers[i].id, "roles",
                                              nr_roles_json(p->triggers[i].roles), "phase",
                                              p->triggers[i].phase, "declaration",
                                              p->triggers[i].declaration));
    json_object_set_new(o, "id", json_string(p->id));
    json_object_set_new(o, "title", json_string(p->title ? p->title : p->id));
    json_object_set_new(o, "file", json_string(full_path || !slash ? file : slash + 1));
    json_object_set_new(o, "phases", phases);
    json_object_set_new(o, "transitions", trans);
    json_object_set_new(o, "actions", acts);
    json_object_set_new(o, "triggers", trig);
    json_object_set_new(o, "categories", nr_strings_json(p->categories, p->ncategories));
    json_object_set_new(o, "dimensions", nr_strings_json(p->dimensions, p->ndimensions));
    json_object_set_new(o, "scale", nr_strings_json(p->scale, p->nscale));
    json_object_set_new(o, "methods", nr_strings_json(p->methods, p->nmethods));
    json_object_set_new(o, "panel_size", json_integer(p->panel_size));
    json_object_set_new(o, "max_tasks", json_integer(p->max_tasks));
    json_object_set_new(o, "validity_days", json_integer(p->validity_days));
    json_object_set_new(o, "fail_at", json_string(p->scale[p->fail_at]));
    json_object_set_new(o, "conditions_at", json_string(p->scale[p->conditions_at]));
    return o;
}
