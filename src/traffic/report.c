/*
 * report.c - the analysis report as a person reads it (interface: traffic.h). It prints from the
 * report JSON alone, so the text and `--json` can never disagree: a summary of the capture, the
 * undeclared destinations first, every destination by bytes, the listening services, the
 * protocols and the findings, each with the flows, packets and a tshark filter to check it.
 */
#include "netreview/traffic.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "netreview/banned.h"

#define ROWS_MAX 100 /* rows of a table printed; --json has them all */

static const char *jstr(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static uint64_t jint(const json_t *o, const char *key)
{
    return (uint64_t)json_integer_value(json_object_get(o, key));
}

static const char *bytes(uint64_t b, char *out, size_t n)
{
    return nr_traffic_bytes_fmt(b, out, n);
}

/* "a, b, c" of an array of strings, cut to n bytes. */
static const char *joined(const json_t *arr, char *out, size_t n)
{
    size_t i, len = 0;
    json_t *v;

    out[0] = '\0';
    json_array_foreach(arr, i, v)
    {
        int w = snprintf(out + len, n - len, "%s%s", i ? ", " : "", json_string_value(v));
        if (w < 0 || (size_t)w >= n - len) {
            if (n > 4)
                memcpy(out + n - 4, "...", 4);
            break;
        }
        len += (size_t)w;
    }
    return out;
}

/* A table: a header and rows of cells, columns padded to their widest cell. */
#define COLS 9
struct table {
    const char *head[COLS];
    int ncols;
    char (*cells)[COLS][96];
    size_t nrows, cap;
};

static void table_row(struct table *t, const char *const *cells)
{
    if (t->nrows == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 16;
        t->cells = nr_realloc(t->cells, t->cap * sizeof(*t->cells));
    }
    for (int c = 0; c < t->ncols; c++)
        snprintf(t->cells[t->nrows][c], sizeof(t->cells[0][0]), "%s", cells[c] ? cells[c] : "");
    t->nrows++;
}

static void table_print(struct table *t, FILE *fp)
{
    int w[COLS];
    for (int c = 0; c < t->ncols; c++) {
        w[c] = (int)strlen(t->head[c]);
        for (size_t r = 0; r < t->nrows; r++)
            if ((int)strlen(t->cells[r][c]) > w[c])
                w[c] = (int)strlen(t->cells[r][c]);
    }
    fputs("  ", fp);
    for (int c = 0; c < t->ncols; c++)
        fprintf(fp, "%-*s%s", c + 1 < t->ncols ? w[c] : 0, t->head[c],
                c + 1 < t->ncols ? "  " : "\n");
    for (size_t r = 0; r < t->nrows; r++) {
        fputs("  ", fp);
        for (int c = 0; c < t->ncols; c++)
            fprintf(fp, "%-*s%s", c + 1 < t->ncols ? w[c] : 0, t->cells[r][c],
                    c + 1 < t->ncols ? "  " : "\n");
    }
    nr_free(t->cells);
    t->cells = NULL;
    t->nrows = t->cap = 0;
}

static void destinations(const json_t *report, FILE *fp, bool undeclared_only)
{
    const json_t *dests = json_object_get(report, "destinations");
    bool have_decl = json_is_object(json_object_get(report, "declared"));
    struct table t = {.head = {"DESTINATION", "DECLARED", "ADDRESSES", "PORTS", "PROTOCOLS", "SENT",
                               "RECEIVED", "FLOWS", "PACKETS"},
                      .ncols = 9};
    size_t i, shown = 0, total = 0;
    json_t *d;

    json_array_foreach(dests, i, d)
    {
        char addrs[96], ports[96], protos[96], out[32], in[32], flows[24], pkts[48];
        const char *decl;
        if (undeclared_only && !json_is_false(json_object_get(d, "declared")))
            continue;
        total++;
        if (shown >= ROWS_MAX)
            continue;
        shown++;
        decl = !have_decl                                     ? "-"
               : json_is_true(json_object_get(d, "declared")) ? "yes"
               : strcmp(jstr(d, "direction"), "transit") == 0 ? "no (transit)"
                                                              : "NO";
        snprintf(flows, sizeof(flows), "%llu", (unsigned long long)jint(d, "flows"));
        snprintf(pkts, sizeof(pkts), "%llu-%llu", (unsigned long long)jint(d, "first_packet"),
                 (unsigned long long)jint(d, "last_packet"));
        const char *cells[] = {jstr(d, "destination"),
                               decl,
                               joined(json_object_get(d, "addresses"), addrs, sizeof(addrs)),
                               joined(json_object_get(d, "ports"), ports, sizeof(ports)),
                               joined(json_object_get(d, "protocols"), protos, sizeof(protos)),
                               bytes(jint(d, "payload_out"), out, sizeof(out)),
                               bytes(jint(d, "payload_in"), in, sizeof(in)),
                               flows,
                               pkts};
        table_row(&t, cells);
    }
    if (undeclared_only && total == 0)
        return;
    fprintf(fp, "\n%s (%zu)%s\n",
            undeclared_only ? "Undeclared destinations" : "Destinations by bytes", total,
            undeclared_only ? "" : ", payload sent and received");
    if (total)
        table_print(&t, fp);
    else
        nr_free(t.cells);
    if (total > shown)
        fprintf(fp, "  ... %zu more (--json lists them all)\n", total - shown);
}

static void listening(const json_t *report, FILE *fp)
{
    const json_t *ls = json_object_get(report, "listening");
    bool have_decl = json_is_object(json_object_get(report, "declared"));
    struct table t = {.head = {"PORT", "DECLARED", "PURPOSE", "CONNECTIONS", "PEERS", "RECEIVED",
                               "SENT", "PROTOCOLS"},
                      .ncols = 8};
    size_t i;
    json_t *l;

    if (json_array_size(ls) == 0)
        return;
    fprintf(fp, "\nListening services (%zu): the device accepted connections\n",
            json_array_size(ls));
    json_array_foreach(ls, i, l)
    {
        char conns[24], peers[96], in[32], out[32], protos[96];
        if (i >= ROWS_MAX)
            break;
        snprintf(conns, sizeof(conns), "%llu", (unsigned long long)jint(l, "connections"));
        const char *cells[] = {jstr(l, "port"),
                               !have_decl                                     ? "-"
                               : json_is_true(json_object_get(l, "declared")) ? "yes"
                                                                              : "NO",
                               jstr(l, "purpose"),
                               conns,
                               joined(json_object_get(l, "peers"), peers, sizeof(peers)),
                               bytes(jint(l, "payload_in"), in, sizeof(in)),
                               bytes(jint(l, "payload_out"), out, sizeof(out)),
                               joined(json_object_get(l, "protocols"), protos, sizeof(protos))};
        table_row(&t, cells);
    }
    table_print(&t, fp);
}

static void protocols(const json_t *report, FILE *fp)
{
    const json_t *ps = json_object_get(report, "protocols");
    struct table t = {.head = {"PROTOCOL", "CATEGORY", "FLOWS", "PACKETS", "BYTES"}, .ncols = 5};
    size_t i;
    json_t *p;

    if (json_array_size(ps) == 0)
        return;
    fprintf(fp, "\nProtocols (%zu, nDPI %s)\n", json_array_size(ps), jstr(report, "ndpi"));
    json_array_foreach(ps, i, p)
    {
        char flows[24], pkts[24], b[32];
        if (i >= ROWS_MAX)
            break;
        snprintf(flows, sizeof(flows), "%llu", (unsigned long long)jint(p, "flows"));
        snprintf(pkts, sizeof(pkts), "%llu", (unsigned long long)jint(p, "packets"));
        const char *cells[] = {jstr(p, "protocol"), jstr(p, "category"), flows, pkts,
                               bytes(jint(p, "bytes"), b, sizeof(b))};
        table_row(&t, cells);
    }
    table_print(&t, fp);
}

static void findings(const json_t *report, FILE *fp)
{
    const json_t *fs = json_object_get(report, "findings");
    size_t i;
    json_t *f;

    fprintf(fp, "\nFindings (%zu)%s\n", json_array_size(fs),
            json_is_object(json_object_get(report, "declared"))
                ? ""
                : ": without a declaration, only clear-text credentials and remote access");
    json_array_foreach(fs, i, f)
    {
        size_t j;
        json_t *v;
        fprintf(fp, "  [%s] %s: %s\n", jstr(f, "severity"), jstr(f, "category"), jstr(f, "title"));
        fprintf(fp, "      %s\n", jstr(f, "detail"));
        fputs("      packets", fp);
        json_array_foreach(json_object_get(f, "packets"), j, v)
            fprintf(fp, "%s%lld", j ? ", " : " ", (long long)json_integer_value(v));
        fprintf(fp, "; tshark -r %s -Y '%s'\n", jstr(report, "source"), jstr(f, "filter"));
    }
}

void nr_traffic_report_print(const json_t *report, FILE *fp)
{
    const json_t *c = json_object_get(report, "capture");
    const json_t *decl = json_object_get(report, "declared");
    const json_t *err = json_object_get(report, "error");
    char b[32], devs[256];

    fprintf(fp, "%s: %s, %s, %llu packets (%s), %llu flows, %.1f s from %s\n",
            jstr(report, "source"), jstr(c, "format"), jstr(c, "link_type"),
            (unsigned long long)jint(c, "packets"), bytes(jint(c, "bytes"), b, sizeof(b)),
            (unsigned long long)jint(c, "flows"), json_real_value(json_object_get(c, "duration_s")),
            json_is_string(json_object_get(c, "first_seen")) ? jstr(c, "first_seen") : "-");
    fprintf(fp,
            "  IPv6 %llu, VLAN-tagged %llu, fragments %llu, not IP %llu, truncated %llu, "
            "malformed %llu, flows evicted %llu, dropped %llu\n",
            (unsigned long long)jint(c, "ipv6"), (unsigned long long)jint(c, "vlan_tagged"),
            (unsigned long long)jint(c, "fragments"), (unsigned long long)jint(c, "non_ip"),
            (unsigned long long)jint(c, "truncated"), (unsigned long long)jint(c, "malformed"),
            (unsigned long long)jint(c, "evicted"), (unsigned long long)jint(c, "dropped"));
    fprintf(fp, "device: %s (%s)\n",
            json_array_size(json_object_get(report, "device"))
                ? joined(json_object_get(report, "device"), devs, sizeof(devs))
                : "unknown",
            jstr(report, "device_source"));
    if (json_is_object(decl))
        fprintf(fp,
                "declaration: %s%s%s, %llu endpoints, %llu listening services, %llu resolvers\n",
                jstr(decl, "product"), json_is_string(json_object_get(decl, "version")) ? " " : "",
                jstr(decl, "version"), (unsigned long long)jint(decl, "endpoints"),
                (unsigned long long)jint(decl, "listening"),
                (unsigned long long)jint(decl, "resolvers"));
    else
        fputs("declaration: none (everything is listed as context)\n", fp);
    destinations(report, fp, true);
    destinations(report, fp, false);
    listening(report, fp);
    protocols(report, fp);
    findings(report, fp);
    if (json_is_object(err))
        fprintf(fp,
                "\nerror: the capture ends at packet %llu: %s; the results above are what "
                "was read before\n",
                (unsigned long long)jint(err, "packet"), jstr(err, "message"));
}

void nr_traffic_summary_line(const json_t *report, char *out, size_t n)
{
    const json_t *c = json_object_get(report, "capture");
    const json_t *s = json_object_get(report, "summary");
    char b[32], und[48] = "";

    if (json_is_integer(json_object_get(s, "undeclared")))
        snprintf(und, sizeof(und), " (%llu undeclared)", (unsigned long long)jint(s, "undeclared"));
    snprintf(out, n, "packets %llu (%s), flows %llu, destinations %llu%s, findings %llu",
             (unsigned long long)jint(c, "packets"), bytes(jint(c, "bytes"), b, sizeof(b)),
             (unsigned long long)jint(c, "flows"), (unsigned long long)jint(s, "destinations"), und,
             (unsigned long long)jint(s, "findings"));
}
