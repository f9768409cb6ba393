/*
 * declared.c - the provider's declaration of what its product talks to and listens on, parsed
 * from JSON with caps and JSON-path errors, and the matching of flows against it (interface:
 * traffic.h; the format is described for people in docs/MONITORING.md). The declaration is the
 * yardstick of every compliance finding, so a malformed or ambiguous one is refused outright
 * rather than read as "declares nothing" or "declares everything".
 */
#include "netreview/traffic.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netreview/banned.h"

/* A malformed part: NR_EPARSE with the JSON path as the field and in the message. */
static int bad(struct nr_err *err, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int bad(struct nr_err *err, const char *path, const char *fmt, ...)
{
    char msg[NR_ERR_MSG_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return nr_err_set(err, NR_EPARSE, path, "%s", msg);
}

/* JSON paths are cut to the error's field size rather than overflow it. */
static void sub_path(char *out, size_t n, const char *base, const char *suffix)
{
    size_t a = strnlen(base, n - 1), b = strlen(suffix);
    if (a + b > n - 1)
        b = n - 1 - a;
    memcpy(out, base, a);
    memcpy(out + a, suffix, b);
    out[a + b] = '\0';
}

static void index_path(char *out, size_t n, const char *base, size_t i)
{
    char idx[32];
    snprintf(idx, sizeof(idx), "[%zu]", i);
    sub_path(out, n, base, idx);
}

/* Refuses members other than those allowed (NULL-terminated): a misspelt "user-data" must not
 * leave the field at its default unnoticed. */
static int only_members(json_t *o, const char *path, const char *const *allowed, struct nr_err *err)
{
    const char *key;
    json_t *v;

    json_object_foreach(o, key, v)
    {
        size_t i;
        (void)v;
        for (i = 0; allowed[i]; i++)
            if (strcmp(key, allowed[i]) == 0)
                break;
        if (allowed[i] == NULL) {
            struct nr_buf names;
            nr_buf_init(&names, 512);
            for (i = 0; allowed[i]; i++)
                nr_buf_printf(&names, "%s%s", i ? ", " : "", allowed[i]);
            nr_err_set(err, NR_EPARSE, path, "%s: unknown member \"%.64s\" (known: %s)", path, key,
                       names.p ? names.p : "");
            nr_buf_release(&names);
            return NR_EPARSE;
        }
    }
    return 0;
}

/* A string member: required or not, 1..max bytes, printable, copied into the arena. */
static int text_member(struct nr_declared *d, json_t *o, const char *path, const char *key,
                       bool required, size_t max, const char **out, struct nr_err *err)
{
    char sub[NR_ERR_FIELD_MAX];
    json_t *v = json_object_get(o, key);
    const char *s;
    size_t n;

    *out = NULL;
    snprintf(sub, sizeof(sub), "%s.%s", path, key);
    if (v == NULL) {
        if (required)
            return bad(err, sub, "%s is missing", sub);
        return 0;
    }
    if (!json_is_string(v))
        return bad(err, sub, "%s must be a string", sub);
    s = json_string_value(v);
    n = json_string_length(v);
    if (n == 0 || n > max) {
        nr_err_set(err, NR_EPARSE, sub, "%s must be 1 to %zu bytes long", sub, max);
        return NR_EPARSE;
    }
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return bad(err, sub, "%s holds a control character", sub);
    *out = nr_arena_strndup(&d->ar, s, n);
    return 0;
}

static int proto_parse(const char *s, uint8_t *proto)
{
    static const struct {
        const char *name;
        uint8_t proto;
    } names[] = {{"tcp", 6}, {"udp", 17}, {"icmp", 1}, {"icmpv6", 58}, {"any", 0}};
    for (size_t i = 0; i < NR_ARRAY_LEN(names); i++)
        if (strcmp(s, names[i].name) == 0) {
            *proto = names[i].proto;
            return 0;
        }
    return NR_EPARSE;
}

const char *nr_traffic_proto_name(uint8_t proto, char *buf, size_t n)
{
    switch (proto) {
    case 0:
        return "any";
    case 1:
        return "icmp";
    case 6:
        return "tcp";
    case 17:
        return "udp";
    case 58:
        return "icmpv6";
    default:
        snprintf(buf, n, "ip%u", proto);
        return buf;
    }
}

static int protocol_member(json_t *o, const char *path, uint8_t *proto, struct nr_err *err)
{
    char sub[NR_ERR_FIELD_MAX];
    json_t *v = json_object_get(o, "protocol");

    *proto = 0;
    if (v == NULL)
        return 0;
    sub_path(sub, sizeof(sub), path, ".protocol");
    if (!json_is_string(v) || proto_parse(json_string_value(v), proto) != 0)
        return bad(err, sub, "%s must be \"tcp\", \"udp\", \"icmp\", \"icmpv6\" or \"any\"", sub);
    return 0;
}

/* A port: an integer 1..65535, or a string "lo-hi" of two such with lo <= hi. */
static int port_parse(json_t *v, const char *path, struct nr_declared_ports *p, struct nr_err *err)
{
    if (json_is_integer(v)) {
        json_int_t n = json_integer_value(v);
        if (n < 1 || n > 65535)
            return bad(err, path, "%s: a port is 1 to 65535", path);
        p->lo = p->hi = (uint16_t)n;
        return 0;
    }
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        char *end;
        long lo, hi;
        if (!isdigit((unsigned char)s[0]))
            goto range;
        errno = 0;
        lo = strtol(s, &end, 10);
        if (errno || *end != '-' || !isdigit((unsigned char)end[1]))
            goto range;
        hi = strtol(end + 1, &end, 10);
        if (errno || *end != '\0' || lo < 1 || hi > 65535 || lo > hi)
            goto range;
        p->lo = (uint16_t)lo;
        p->hi = (uint16_t)hi;
        return 0;
    }
range:
    return bad(err, path, "%s must be a port number or a range \"lo-hi\" of ports 1 to 65535",
               path);
}

static bool host_label_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* Checks and lower-cases a host pattern in place: labels of letters, digits, '-' and '_', 1 to
 * 63 bytes each, an optional leading "*." followed by at least two labels (a pattern as wide as
 * "*.com" declares a whole top-level domain). */
static int host_check(char *h, const char *path, struct nr_err *err)
{
    char *p = h;
    size_t n = strlen(h), labels = 0, len = 0;
    struct nr_addr a;

    if (n > 0 && h[n - 1] == '.')
        h[--n] = '\0';
    if (n == 0 || n > NR_DECLARED_HOST_MAX)
        return bad(err, path, "%s must be a DNS name of 1 to 253 bytes", path);
    if (nr_addr_parse(h, &a) == 0)
        return bad(err, path, "%s is an address: declare it as \"cidr\"", path);
    for (char *q = h; *q; q++)
        *q = (char)tolower((unsigned char)*q);
    if (strncmp(p, "*.", 2) == 0)
        p += 2;
    for (;; p++) {
        if (*p == '.' || *p == '\0') {
            if (len == 0 || len > 63)
                return bad(err, path, "%s: every label is 1 to 63 bytes", path);
            labels++;
            len = 0;
            if (*p == '\0')
                break;
            continue;
        }
        if (*p == '*')
            return bad(err, path, "%s: a wildcard is only allowed as a leading \"*.\"", path);
        if (!host_label_char(*p))
            return bad(err, path,
                       "%s: a name holds only letters, digits, '-', '_' and dots (and a leading "
                       "\"*.\")",
                       path);
        len++;
    }
    if (h[0] == '*' && labels < 2)
        return bad(err, path, "%s: a wildcard needs at least two labels after \"*.\"", path);
    return 0;
}

static void addr_mask(struct nr_addr *a, unsigned prefix)
{
    unsigned bits = a->ver == 4 ? 32 : 128;
    for (unsigned i = prefix; i < bits; i++)
        a->b[i / 8] &= (uint8_t) ~(0x80u >> (i % 8));
}

/* "203.0.113.0/24", "2001:db8::/32", or a bare address (a single host). */
static int cidr_parse(const char *s, const char *path, struct nr_addr *net, uint8_t *prefix,
                      struct nr_err *err)
{
    char buf[64], *slash;
    struct nr_addr masked;
    long pl;

    if (strlen(s) >= sizeof(buf))
        return bad(err, path, "%s is not an address or address/prefix", path);
    memcpy(buf, s, strlen(s) + 1);
    slash = strchr(buf, '/');
    if (slash)
        *slash = '\0';
    if (nr_addr_parse(buf, net) != 0)
        return bad(err, path, "%s is not an address or address/prefix", path);
    pl = net->ver == 4 ? 32 : 128;
    if (slash) {
        char *end;
        if (!isdigit((unsigned char)slash[1]))
            return bad(err, path, "%s: the prefix length is a number", path);
        errno = 0;
        long v = strtol(slash + 1, &end, 10);
        if (errno || *end != '\0' || v < 0 || v > pl) {
            nr_err_set(err, NR_EPARSE, path, "%s: the prefix length is 0 to %ld", path, pl);
            return NR_EPARSE;
        }
        pl = v;
    }
    masked = *net;
    addr_mask(&masked, (unsigned)pl);
    if (memcmp(masked.b, net->b, sizeof(net->b)) != 0) {
        char fmt[64];
        nr_err_set(err, NR_EPARSE, path,
                   "%s: %s has bits set past the prefix (did you mean %s/%ld)", path, s,
                   nr_addr_fmt(&masked, fmt, sizeof(fmt)), pl);
        return NR_EPARSE;
    }
    *prefix = (uint8_t)pl;
    return 0;
}

static int endpoint_parse(struct nr_declared *d, json_t *o, const char *path,
                          struct nr_declared_endpoint *e, struct nr_err *err)
{
    static const char *const allowed[] = {"host",          "cidr",        "ports",
                                          "protocol",      "purpose",     "user_data",
                                          "max_bytes_out", "description", NULL};
    char sub[NR_ERR_FIELD_MAX];
    json_t *host, *cidr, *ports, *v;
    const char *desc;
    int rc;

    if (!json_is_object(o))
        return bad(err, path,
                   "%s must be an object like {\"host\": \"api.example.com\", "
                   "\"ports\": [443], \"purpose\": \"...\", \"user_data\": false}",
                   path);
    rc = only_members(o, path, allowed, err);
    if (rc)
        return rc;
    host = json_object_get(o, "host");
    cidr = json_object_get(o, "cidr");
    if ((host == NULL) == (cidr == NULL))
        return bad(err, path, "%s needs exactly one of \"host\" and \"cidr\"", path);
    if (host) {
        char *h;
        sub_path(sub, sizeof(sub), path, ".host");
        if (!json_is_string(host) || json_string_length(host) > NR_DECLARED_HOST_MAX + 1)
            return bad(err, sub, "%s must be a DNS name of 1 to 253 bytes", sub);
        h = nr_arena_strndup(&d->ar, json_string_value(host), json_string_length(host));
        if (strlen(h) != json_string_length(host))
            return bad(err, sub, "%s holds a NUL byte", sub);
        rc = host_check(h, sub, err);
        if (rc)
            return rc;
        e->host = h;
    } else {
        sub_path(sub, sizeof(sub), path, ".cidr");
        if (!json_is_string(cidr))
            return bad(err, sub, "%s must be a string like \"203.0.113.0/24\"", sub);
        rc = cidr_parse(json_string_value(cidr), sub, &e->net, &e->prefix, err);
        if (rc)
            return rc;
        e->has_cidr = true;
    }
    ports = json_object_get(o, "ports");
    if (ports) {
        size_t i;
        sub_path(sub, sizeof(sub), path, ".ports");
        if (!json_is_array(ports) || json_array_size(ports) == 0 ||
            json_array_size(ports) > NR_DECLARED_MAX_PORTS) {
            nr_err_set(err, NR_EPARSE, sub,
                       "%s must be a list of 1 to %d ports or ranges (leave it out for any port)",
                       sub, NR_DECLARED_MAX_PORTS);
            return NR_EPARSE;
        }
        e->nports = json_array_size(ports);
        e->ports = nr_arena_alloc(&d->ar, e->nports * sizeof(*e->ports));
        json_array_foreach(ports, i, v)
        {
            char item[NR_ERR_FIELD_MAX];
            index_path(item, sizeof(item), sub, i);
            rc = port_parse(v, item, &e->ports[i], err);
            if (rc)
                return rc;
        }
    }
    rc = protocol_member(o, path, &e->proto, err);
    if (rc == 0)
        rc = text_member(d, o, path, "purpose", true, NR_DECLARED_MAX_TEXT, &e->purpose, err);
    if (rc == 0)
        rc = text_member(d, o, path, "description", false, NR_DECLARED_MAX_TEXT, &desc, err);
    if (rc)
        return rc;
    v = json_object_get(o, "user_data");
    sub_path(sub, sizeof(sub), path, ".user_data");
    if (v == NULL)
        return bad(err, sub, "%s is missing: say whether user data goes there (true or false)",
                   sub);
    if (!json_is_boolean(v))
        return bad(err, sub, "%s must be true or false", sub);
    e->user_data = json_is_true(v);
    v = json_object_get(o, "max_bytes_out");
    if (v) {
        sub_path(sub, sizeof(sub), path, ".max_bytes_out");
        if (!json_is_integer(v) || json_integer_value(v) < 0)
            return bad(err, sub, "%s must be a number of bytes (0 or more)", sub);
        e->has_max = true;
        e->max_bytes_out = (uint64_t)json_integer_value(v);
    }
    return 0;
}

static int service_parse(struct nr_declared *d, json_t *o, const char *path,
                         struct nr_declared_service *s, struct nr_err *err)
{
    static const char *const allowed[] = {"port", "protocol", "purpose", "description", NULL};
    char sub[NR_ERR_FIELD_MAX];
    const char *desc;
    json_t *v;
    int rc;

    if (!json_is_object(o))
        return bad(err, path,
                   "%s must be an object like {\"port\": 8443, \"protocol\": \"tcp\", "
                   "\"purpose\": \"...\"}",
                   path);
    rc = only_members(o, path, allowed, err);
    if (rc)
        return rc;
    v = json_object_get(o, "port");
    sub_path(sub, sizeof(sub), path, ".port");
    if (v == NULL)
        return bad(err, sub, "%s is missing", sub);
    rc = port_parse(v, sub, &s->port, err);
    if (rc == 0)
        rc = protocol_member(o, path, &s->proto, err);
    if (rc == 0)
        rc = text_member(d, o, path, "purpose", true, NR_DECLARED_MAX_TEXT, &s->purpose, err);
    if (rc == 0)
        rc = text_member(d, o, path, "description", false, NR_DECLARED_MAX_TEXT, &desc, err);
    return rc;
}

/* An optional array member of at most max entries; *arr NULL when absent. */
static int array_member(json_t *doc, const char *key, size_t max, json_t **arr, struct nr_err *err)
{
    char path[NR_ERR_FIELD_MAX];
    json_t *v = json_object_get(doc, key);

    *arr = NULL;
    if (v == NULL)
        return 0;
    sub_path(path, sizeof(path), "$.", key);
    if (!json_is_array(v))
        return bad(err, path, "%s must be a list", path);
    if (json_array_size(v) > max) {
        nr_err_set(err, NR_ETOOBIG, path, "%s has %zu entries; at most %zu are read", path,
                   json_array_size(v), max);
        return NR_ETOOBIG;
    }
    *arr = v;
    return 0;
}

int nr_declared_parse(const char *text, size_t len, struct nr_declared *d, struct nr_err *err)
{
    static const char *const allowed[] = {"product",   "version",   "description", "endpoints",
                                          "listening", "resolvers", NULL};
    json_error_t jerr;
    json_t *doc = NULL, *endpoints, *listening, *resolvers, *v;
    const char *desc;
    size_t i;
    int rc;

    memset(d, 0, sizeof(*d));
    nr_arena_init(&d->ar);
    if (len > NR_DECLARED_MAX_BYTES)
        return nr_err_set(err, NR_ETOOBIG, "$",
                          "a declaration is at most 1 MiB, this one is %zu bytes", len);
    doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (doc == NULL)
        return nr_err_set(err, NR_EPARSE, "$", "not JSON: line %d column %d: %s", jerr.line,
                          jerr.column, jerr.text);
    if (!json_is_object(doc)) {
        rc = nr_err_set(err, NR_EPARSE, "$",
                        "a declaration is an object with \"product\", \"endpoints\", "
                        "\"listening\" and \"resolvers\"");
        goto out;
    }
    rc = only_members(doc, "$", allowed, err);
    if (rc == 0)
        rc = text_member(d, doc, "$", "product", true, NR_DECLARED_MAX_TEXT, &d->product, err);
    if (rc == 0)
        rc = text_member(d, doc, "$", "version", false, NR_DECLARED_MAX_TEXT, &d->version, err);
    if (rc == 0)
        rc = text_member(d, doc, "$", "description", false, NR_DECLARED_MAX_TEXT, &desc, err);
    if (rc)
        goto out;
    rc = array_member(doc, "endpoints", NR_DECLARED_MAX_ENDPOINTS, &endpoints, err);
    if (rc == 0 && endpoints == NULL)
        rc = nr_err_set(err, NR_EPARSE, "$.endpoints",
                        "$.endpoints is missing: list what the product talks to (an empty list "
                        "declares that it talks to nothing)");
    if (rc == 0)
        rc = array_member(doc, "listening", NR_DECLARED_MAX_LISTENING, &listening, err);
    if (rc == 0)
        rc = array_member(doc, "resolvers", NR_DECLARED_MAX_RESOLVERS, &resolvers, err);
    if (rc)
        goto out;

    d->nendpoints = json_array_size(endpoints);
    d->endpoints = nr_arena_alloc(&d->ar, (d->nendpoints + 1) * sizeof(*d->endpoints));
    json_array_foreach(endpoints, i, v)
    {
        char path[NR_ERR_FIELD_MAX];
        index_path(path, sizeof(path), "$.endpoints", i);
        rc = endpoint_parse(d, v, path, &d->endpoints[i], err);
        if (rc)
            goto out;
    }
    d->nlistening = json_array_size(listening);
    d->listening = nr_arena_alloc(&d->ar, (d->nlistening + 1) * sizeof(*d->listening));
    json_array_foreach(listening, i, v)
    {
        char path[NR_ERR_FIELD_MAX];
        index_path(path, sizeof(path), "$.listening", i);
        rc = service_parse(d, v, path, &d->listening[i], err);
        if (rc)
            goto out;
    }
    d->has_resolvers = resolvers != NULL;
    d->nresolvers = json_array_size(resolvers);
    d->resolvers = nr_arena_alloc(&d->ar, (d->nresolvers + 1) * sizeof(*d->resolvers));
    json_array_foreach(resolvers, i, v)
    {
        char path[NR_ERR_FIELD_MAX];
        index_path(path, sizeof(path), "$.resolvers", i);
        if (!json_is_string(v) || json_string_length(v) > 63 ||
            nr_addr_parse(json_string_value(v), &d->resolvers[i]) != 0) {
            rc = bad(err, path, "%s must be an IPv4 or IPv6 address like \"192.0.2.53\"", path);
            goto out;
        }
    }
out:
    json_decref(doc);
    return rc;
}

int nr_declared_load(const char *path, struct nr_declared *d, struct nr_err *err)
{
    char *text = NULL;
    size_t len = 0;
    int rc;

    memset(d, 0, sizeof(*d));
    nr_arena_init(&d->ar);
    rc = nr_file_read(path, NR_DECLARED_MAX_BYTES, &text, &len, err);
    if (rc) {
        if (err && err->field[0] == '\0')
            snprintf(err->field, sizeof(err->field), "declared");
        return rc;
    }
    nr_arena_release(&d->ar);
    rc = nr_declared_parse(text, len, d, err);
    if (rc && err && err->msg[0]) {
        /* Name the file: a person fixing it needs to know which one. */
        char *msg = nr_asprintf("%s: %s", path, err->msg);
        snprintf(err->msg, sizeof(err->msg), "%s", msg);
        nr_free(msg);
    }
    nr_free(text);
    return rc;
}

void nr_declared_release(struct nr_declared *d)
{
    if (d == NULL)
        return;
    nr_arena_release(&d->ar);
    memset(d, 0, sizeof(*d));
}

bool nr_declared_host_match(const char *pattern, const char *name)
{
    size_t pn, nn;

    if (pattern == NULL || name == NULL || *name == '\0')
        return false;
    /* A fully qualified name from the wire ("api.example.com." in an HTTP Host) is the same
     * name: patterns lose their trailing dot when parsed, so names lose it here. */
    nn = strlen(name);
    if (name[nn - 1] == '.')
        nn--;
    if (nn == 0)
        return false;
    if (strncmp(pattern, "*.", 2) != 0)
        return strlen(pattern) == nn && memcmp(pattern, name, nn) == 0;
    /* "*.example.com": "a.example.com" and "a.b.example.com", never "example.com" itself nor
     * "badexample.com". */
    pattern += 1; /* ".example.com" */
    pn = strlen(pattern);
    return nn > pn && memcmp(name + nn - pn, pattern, pn) == 0;
}

bool nr_declared_cidr_match(const struct nr_addr *net, unsigned prefix, const struct nr_addr *a)
{
    unsigned full = prefix / 8, rest = prefix % 8;

    if (net->ver != a->ver || prefix > (a->ver == 4 ? 32u : 128u))
        return false;
    if (memcmp(net->b, a->b, full) != 0)
        return false;
    if (rest == 0)
        return true;
    uint8_t mask = (uint8_t)(0xffu << (8 - rest));
    return (net->b[full] & mask) == (a->b[full] & mask);
}

static bool ports_match(const struct nr_declared_ports *p, size_t n, uint16_t port)
{
    if (n == 0)
        return true;
    for (size_t i = 0; i < n; i++)
        if (port >= p[i].lo && port <= p[i].hi)
            return true;
    return false;
}

int nr_declared_endpoint_find(const struct nr_declared *d, const char *name, const char *alt_name,
                              const struct nr_addr *addr, uint16_t port, uint8_t proto)
{
    if (d == NULL)
        return -1;
    for (size_t i = 0; i < d->nendpoints; i++) {
        const struct nr_declared_endpoint *e = &d->endpoints[i];
        bool where;
        if (e->proto && e->proto != proto)
            continue;
        /* Ports mean nothing to protocols without them, nor to a later IP fragment (port 0),
         * which carries none: its address and protocol decide. */
        if ((proto == 6 || proto == 17) && port != 0 && !ports_match(e->ports, e->nports, port))
            continue;
        if (e->has_cidr)
            where = addr && nr_declared_cidr_match(&e->net, e->prefix, addr);
        else
            where =
                nr_declared_host_match(e->host, name) || nr_declared_host_match(e->host, alt_name);
        if (where)
            return (int)i;
    }
    return -1;
}

int nr_declared_listening_find(const struct nr_declared *d, uint16_t port, uint8_t proto)
{
    if (d == NULL)
        return -1;
    for (size_t i = 0; i < d->nlistening; i++) {
        const struct nr_declared_service *s = &d->listening[i];
        if (s->proto && s->proto != proto)
            continue;
        if (port >= s->port.lo && port <= s->port.hi)
            return (int)i;
    }
    return -1;
}

bool nr_declared_resolver(const struct nr_declared *d, const struct nr_addr *a)
{
    if (d == NULL)
        return false;
    for (size_t i = 0; i < d->nresolvers; i++)
        if (d->resolvers[i].ver == a->ver && memcmp(d->resolvers[i].b, a->b, 16) == 0)
            return true;
    return false;
}
