/*
 * test_traffic.c - the online-monitoring analysis (src/traffic/declared.c, analyze.c; interface
 * traffic.h): the declaration's parsing and its errors with JSON paths, host wildcards and CIDR
 * matching, and each comparison rule on flows built by hand (nr_traffic_add_flow), so that the
 * rules are tested apart from packet decoding.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "netreview/traffic.h"

#include "netreview/banned.h"

static const char DECL[] =
    "{\"product\": \"Acme Router\", \"version\": \"2.1.0\",\n"
    " \"endpoints\": [\n"
    "  {\"host\": \"*.updates.example.com\", \"ports\": [443], \"protocol\": \"tcp\",\n"
    "   \"purpose\": \"firmware updates\", \"user_data\": false},\n"
    "  {\"host\": \"telemetry.example.com\", \"ports\": [443, \"8000-8010\"],\n"
    "   \"purpose\": \"statistics\", \"user_data\": true, \"max_bytes_out\": 1000},\n"
    "  {\"cidr\": \"203.0.113.0/28\", \"ports\": [123], \"protocol\": \"udp\",\n"
    "   \"purpose\": \"time\", \"user_data\": false},\n"
    "  {\"cidr\": \"2001:db8:5::/48\", \"purpose\": \"v6 anything\", \"user_data\": false},\n"
    "  {\"host\": \"mgmt.example.com\", \"ports\": [22], \"protocol\": \"tcp\",\n"
    "   \"purpose\": \"remote support\", \"user_data\": false}],\n"
    " \"listening\": [{\"port\": 8443, \"protocol\": \"tcp\", \"purpose\": \"admin\"},\n"
    "                {\"port\": \"5000-5010\", \"purpose\": \"media\"}],\n"
    " \"resolvers\": [\"192.0.2.53\", \"2001:db8::53\"]}";

static void parse_ok(struct nr_declared *d)
{
    struct nr_err err;
    nr_err_init(&err);
    if (nr_declared_parse(DECL, strlen(DECL), d, &err) != 0)
        fail_msg("declaration: %s (%s)", err.msg, err.field);
}

static void test_declared_parse(void **state)
{
    struct nr_declared d;
    (void)state;

    parse_ok(&d);
    assert_string_equal(d.product, "Acme Router");
    assert_string_equal(d.version, "2.1.0");
    assert_int_equal(d.nendpoints, 5);
    assert_string_equal(d.endpoints[0].host, "*.updates.example.com");
    assert_int_equal(d.endpoints[0].proto, 6);
    assert_int_equal(d.endpoints[1].proto, 0);
    assert_int_equal(d.endpoints[1].nports, 2);
    assert_int_equal(d.endpoints[1].ports[1].lo, 8000);
    assert_int_equal(d.endpoints[1].ports[1].hi, 8010);
    assert_true(d.endpoints[1].user_data);
    assert_true(d.endpoints[1].has_max);
    assert_int_equal(d.endpoints[1].max_bytes_out, 1000);
    assert_false(d.endpoints[0].has_max);
    assert_true(d.endpoints[2].has_cidr);
    assert_int_equal(d.endpoints[2].prefix, 28);
    assert_int_equal(d.endpoints[3].net.ver, 6);
    assert_int_equal(d.nlistening, 2);
    assert_int_equal(d.listening[1].port.lo, 5000);
    assert_int_equal(d.listening[1].proto, 0);
    assert_int_equal(d.nresolvers, 2);
    assert_true(d.has_resolvers);
    nr_declared_release(&d);
}

/* A malformed declaration names the JSON path in the field and the message. */
static void test_declared_errors(void **state)
{
    static const struct {
        const char *json, *field, *words;
        int code;
    } cases[] = {
        {"[]", "$", "is an object", NR_EPARSE},
        {"{\"product\": \"x\"", "$", "not JSON", NR_EPARSE},
        {"{\"endpoints\": []}", "$.product", "missing", NR_EPARSE},
        {"{\"product\": \"x\"}", "$.endpoints", "missing", NR_EPARSE},
        {"{\"product\": \"x\", \"endpoints\": [], \"resolver\": []}", "$", "unknown member",
         NR_EPARSE},
        {"{\"product\": \"x\", \"endpoints\": [{\"host\": \"a.example.com\", \"purpose\": \"p\"}]}",
         "$.endpoints[0].user_data", "missing", NR_EPARSE},
        {"{\"product\": \"x\", \"endpoints\": [{\"host\": \"a.example.com\", \"purpose\": \"p\", "
         "\"user-data\": true}]}",
         "$.endpoints[0]", "unknown member \"user-data\"", NR_EPARSE},
        {"{\"product\": \"x\", \"endpoints\": [{\"purpose\": \"p\", \"user_data\": true}]}",
         "$.endpoints[0]", "exactly one of", NR_EPARSE},
        {"{\"product\": \"x\", \"endpoints\": [{\"host\": \"a.b\", \"cidr\": \"10.0.0.0/8\", "
         "\"purpose\": \"p\", \"user_data\": true}]}",
         "$.endpoints[0]", "exactly one of", NR_EPARSE},
        {"{\"product\": \"x\", \"endpoints\": [{\"host\": \"*.com\", \"purpose\": \"p\", "
         "\"user_data\": true}]}",
         "$.endpoints[0].host", "two labels", NR_EPARSE},
        {"{\"product\": \"x\", \"endpoints\": [{\"host\": \"a.*.com\", \"purpose\": \"p\", "
         "\"user_data\": true}]}",
         "$.endpoints[0].host", "leading", NR_EPARSE},
        {"{\"product\": \"x\", \"endpoints\": [{\"host\": \"bad host.com\", \"purpose\": \"p\", "
         "\"user_data\": true}]}",
         "$.endpoints[0].host", "only letters", NR_EPARSE},
        {"{\"product\": \"x\", \"endpoints\": [{\"host\": \"192.0.2.1\", \"purpose\": \"p\", "
         "\"user_data\": true}]}",
         "$.endpoints[0].host", "declare it as \"cidr\"", NR_EPARSE},
        {"{\"product\": \"x\", \"endpoints\": [{\"cidr\": \"203.0.113.5/24\", \"purpose\": \"p\", "
         "\"user_data\": true}]}",
         "$.endpoints[0].cidr", "did you mean 203.0.113.0/24", NR_EPARSE},
        {"{\"product\": \"x\", \"endpoints\": [{\"cidr\": \"10.0.0.0/33\", \"purpose\": \"p\", "
         "\"user_data\": true}]}",
         "$.endpoints[0].cidr", "0 to 32", NR_EPARSE},
        {"{\"product\": \"x\", \"endpoints\": [{\"cidr\": \"10.0.0.0/8\", \"ports\": [0], "
         "\"purpose\": \"p\", \"user_data\": true}]}",
         "$.endpoints[0].ports[0]", "1 to 65535", NR_EPARSE},
        {"{\"product\": \"x\", \"endpoints\": [{\"cidr\": \"10.0.0.0/8\", \"ports\": [443, "
         "\"90-80\"], \"purpose\": \"p\", \"user_data\": true}]}",
         "$.endpoints[0].ports[1]", "range", NR_EPARSE},
        {"{\"product\": \"x\", \"endpoints\": [{\"cidr\": \"10.0.0.0/8\", \"protocol\": \"sctp\", "
         "\"purpose\": \"p\", \"user_data\": true}]}",
         "$.endpoints[0].protocol", "\"tcp\"", NR_EPARSE},
        {"{\"product\": \"x\", \"endpoints\": [{\"cidr\": \"10.0.0.0/8\", \"purpose\": \"p\", "
         "\"user_data\": true, \"max_bytes_out\": -1}]}",
         "$.endpoints[0].max_bytes_out", "bytes", NR_EPARSE},
        {"{\"product\": \"x\", \"endpoints\": [], \"listening\": [{\"protocol\": \"tcp\", "
         "\"purpose\": \"p\"}]}",
         "$.listening[0].port", "missing", NR_EPARSE},
        {"{\"product\": \"x\", \"endpoints\": [], \"resolvers\": [\"dns.example.com\"]}",
         "$.resolvers[0]", "address", NR_EPARSE},
        {"{\"product\": \"\", \"endpoints\": []}", "$.product", "1 to", NR_EPARSE},
        {"{\"product\": \"x\", \"product\": \"y\", \"endpoints\": []}", "$", "not JSON", NR_EPARSE},
    };
    (void)state;

    for (size_t i = 0; i < NR_ARRAY_LEN(cases); i++) {
        struct nr_declared d;
        struct nr_err err;
        int rc;
        nr_err_init(&err);
        rc = nr_declared_parse(cases[i].json, strlen(cases[i].json), &d, &err);
        if (rc != cases[i].code || strcmp(err.field, cases[i].field) != 0 ||
            strstr(err.msg, cases[i].words) == NULL)
            fail_msg("case %zu: %s\n  got %d field \"%s\" message \"%s\"\n  want field \"%s\" "
                     "with \"%s\"",
                     i, cases[i].json, rc, err.field, err.msg, cases[i].field, cases[i].words);
        if (strcmp(cases[i].field, "$") != 0 && strstr(err.msg, cases[i].field) == NULL)
            fail_msg("case %zu: the message \"%s\" does not name %s", i, err.msg, cases[i].field);
        nr_declared_release(&d);
    }
}

static void test_declared_caps(void **state)
{
    struct nr_buf b;
    struct nr_declared d;
    struct nr_err err;
    (void)state;

    /* Past the byte cap, whatever it holds. */
    nr_buf_init(&b, 4u << 20);
    nr_buf_puts(&b, "{\"product\": \"x\", \"endpoints\": []}");
    while (b.len <= NR_DECLARED_MAX_BYTES)
        nr_buf_puts(&b, "                                                                ");
    nr_err_init(&err);
    assert_int_equal(nr_declared_parse(b.p, b.len, &d, &err), NR_ETOOBIG);
    assert_string_equal(err.field, "$");
    nr_declared_release(&d);
    /* Under it, past the number of endpoints. */
    nr_buf_reset(&b);
    nr_buf_puts(&b, "{\"product\": \"x\", \"endpoints\": [");
    for (int i = 0; i <= NR_DECLARED_MAX_ENDPOINTS; i++)
        nr_buf_printf(&b, "%s{\"cidr\":\"10.0.0.1\",\"purpose\":\"p\",\"user_data\":false}",
                      i ? "," : "");
    nr_buf_puts(&b, "]}");
    assert_true(b.len < NR_DECLARED_MAX_BYTES);
    nr_err_init(&err);
    assert_int_equal(nr_declared_parse(b.p, b.len, &d, &err), NR_ETOOBIG);
    assert_string_equal(err.field, "$.endpoints");
    nr_declared_release(&d);
    nr_buf_release(&b);
}

static void test_host_match(void **state)
{
    (void)state;
    assert_true(nr_declared_host_match("api.example.com", "api.example.com"));
    assert_false(nr_declared_host_match("api.example.com", "xapi.example.com"));
    assert_true(nr_declared_host_match("*.example.com", "a.example.com"));
    assert_true(nr_declared_host_match("*.example.com", "a.b.example.com"));
    assert_false(nr_declared_host_match("*.example.com", "example.com"));
    assert_false(nr_declared_host_match("*.example.com", "badexample.com"));
    assert_false(nr_declared_host_match("*.example.com", "a.example.com.evil.net"));
    assert_false(nr_declared_host_match("*.example.com", ""));
    assert_false(nr_declared_host_match("*.example.com", NULL));
    /* A name from the wire may be fully qualified (HTTP Host "api.example.com."): the same
     * name, as docs/MONITORING.md says of patterns. */
    assert_true(nr_declared_host_match("api.example.com", "api.example.com."));
    assert_true(nr_declared_host_match("*.example.com", "a.example.com."));
    assert_false(nr_declared_host_match("*.example.com", "example.com."));
    assert_false(nr_declared_host_match("api.example.com", "."));
}

static void test_cidr_match(void **state)
{
    struct nr_addr net, a;
    (void)state;

    assert_int_equal(nr_addr_parse("203.0.113.0", &net), 0);
    assert_int_equal(nr_addr_parse("203.0.113.15", &a), 0);
    assert_true(nr_declared_cidr_match(&net, 28, &a));
    assert_int_equal(nr_addr_parse("203.0.113.16", &a), 0);
    assert_false(nr_declared_cidr_match(&net, 28, &a));
    assert_true(nr_declared_cidr_match(&net, 0, &a));
    assert_int_equal(nr_addr_parse("2001:db8:5::", &net), 0);
    assert_int_equal(nr_addr_parse("2001:db8:5:ffff::1", &a), 0);
    assert_true(nr_declared_cidr_match(&net, 48, &a));
    assert_int_equal(nr_addr_parse("2001:db8:6::1", &a), 0);
    assert_false(nr_declared_cidr_match(&net, 48, &a));
    /* Versions never match each other. */
    assert_int_equal(nr_addr_parse("32.1.13.184", &a), 0);
    assert_false(nr_declared_cidr_match(&net, 0, &a));
}

static void test_endpoint_find(void **state)
{
    struct nr_declared d;
    struct nr_addr a;
    (void)state;

    parse_ok(&d);
    assert_int_equal(nr_addr_parse("198.51.100.10", &a), 0);
    assert_int_equal(nr_declared_endpoint_find(&d, "fw.updates.example.com", NULL, &a, 443, 6), 0);
    assert_int_equal(nr_declared_endpoint_find(&d, "fw.updates.example.com", NULL, &a, 80, 6), -1);
    assert_int_equal(nr_declared_endpoint_find(&d, "fw.updates.example.com", NULL, &a, 443, 17),
                     -1);
    /* The DNS name counts as well as the server name. */
    assert_int_equal(
        nr_declared_endpoint_find(&d, "cdn.other.net", "telemetry.example.com", &a, 8005, 17), 1);
    assert_int_equal(nr_declared_endpoint_find(&d, "telemetry.example.com", NULL, &a, 8011, 6), -1);
    assert_int_equal(nr_addr_parse("203.0.113.5", &a), 0);
    assert_int_equal(nr_declared_endpoint_find(&d, NULL, NULL, &a, 123, 17), 2);
    /* A later IP fragment has no ports: the address and protocol decide. */
    assert_int_equal(nr_declared_endpoint_find(&d, NULL, NULL, &a, 0, 17), 2);
    assert_int_equal(nr_declared_endpoint_find(&d, NULL, NULL, &a, 123, 6), -1);
    assert_int_equal(nr_addr_parse("2001:db8:5::9", &a), 0);
    assert_int_equal(nr_declared_endpoint_find(&d, NULL, NULL, &a, 9999, 58), 3);
    assert_int_equal(nr_declared_listening_find(&d, 8443, 6), 0);
    assert_int_equal(nr_declared_listening_find(&d, 8443, 17), -1);
    assert_int_equal(nr_declared_listening_find(&d, 5005, 17), 1);
    assert_int_equal(nr_declared_listening_find(&d, 2323, 6), -1);
    assert_int_equal(nr_addr_parse("2001:db8::53", &a), 0);
    assert_true(nr_declared_resolver(&d, &a));
    assert_int_equal(nr_addr_parse("8.8.8.8", &a), 0);
    assert_false(nr_declared_resolver(&d, &a));
    assert_int_equal(nr_declared_endpoint_find(NULL, "x", NULL, &a, 1, 6), -1);
    nr_declared_release(&d);
}

/* --- the rules on flows built by hand ----------------------------------------------------- */

#define DEVICE "192.168.1.10"
#define SEC    1000000ull
#define T0     (1772442000ull * SEC)

static uint64_t next_id, next_pkt;

static struct nr_flow mkflow(const char *cli, uint16_t cport, const char *srv, uint16_t sport,
                             uint8_t proto, uint64_t start_s, uint64_t dur_s, uint64_t out,
                             uint64_t in)
{
    struct nr_flow f;
    memset(&f, 0, sizeof(f));
    f.id = ++next_id;
    assert_int_equal(nr_addr_parse(cli, &f.cli), 0);
    assert_int_equal(nr_addr_parse(srv, &f.srv), 0);
    f.cli_port = cport;
    f.srv_port = sport;
    f.proto = proto;
    f.first_us = T0 + start_s * SEC;
    f.last_us = f.first_us + dur_s * SEC;
    f.first_pkt = next_pkt + 1;
    f.pkts[0] = 5;
    f.pkts[1] = in ? 5 : 0;
    f.last_pkt = next_pkt += 10;
    f.payload[0] = out;
    f.payload[1] = in;
    f.bytes[0] = out + 200;
    f.bytes[1] = in + (in ? 200 : 0);
    f.tcp = proto == 6 ? (in ? NR_TCP_CLOSED : NR_TCP_SYN) : NR_TCP_NONE;
    f.handshake_seen = proto == 6;
    return f;
}

struct run {
    struct nr_declared d;
    struct nr_traffic *t;
    json_t *report;
};

static void run_start(struct run *r, bool declared, const char *device)
{
    struct nr_traffic_options o;
    struct nr_err err;

    memset(r, 0, sizeof(*r));
    memset(&o, 0, sizeof(o));
    if (declared) {
        parse_ok(&r->d);
        o.declared = &r->d;
    }
    o.device = device;
    o.source = "by-hand";
    nr_err_init(&err);
    if (nr_traffic_new(&o, &r->t, &err) != 0)
        fail_msg("nr_traffic_new: %s", err.msg);
    next_id = 0;
    next_pkt = 0;
}

static void add(struct run *r, struct nr_flow f, const struct nr_traffic_facts *facts)
{
    nr_traffic_add_flow(r->t, &f, facts);
}

static void run_report(struct run *r)
{
    nr_traffic_finish(r->t);
    assert_int_equal(nr_traffic_report(r->t, NULL, NULL, &r->report, NULL), 0);
}

static void run_end(struct run *r)
{
    json_decref(r->report);
    nr_traffic_free(r->t);
    nr_declared_release(&r->d);
}

/* The finding of rule for destination, or NULL. */
static json_t *finding(const struct run *r, const char *rule, const char *dest)
{
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(r->report, "findings"), i, f)
    {
        if (strcmp(json_string_value(json_object_get(f, "rule")), rule) == 0 &&
            strcmp(json_string_value(json_object_get(f, "destination")), dest) == 0)
            return f;
    }
    return NULL;
}

static size_t nfindings(const struct run *r)
{
    return json_array_size(json_object_get(r->report, "findings"));
}

static json_t *destination(const struct run *r, const char *dest)
{
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(r->report, "destinations"), i, d)
    {
        if (strcmp(json_string_value(json_object_get(d, "destination")), dest) == 0)
            return d;
    }
    return NULL;
}

static void expect(const struct run *r, const char *rule, const char *dest, const char *category,
                   const char *severity, uint64_t first_packet)
{
    json_t *f = finding(r, rule, dest);
    if (f == NULL) {
        char *dump = json_dumps(json_object_get(r->report, "findings"), JSON_INDENT(1));
        fail_msg("no %s finding for %s in %s", rule, dest, dump);
    }
    assert_string_equal(json_string_value(json_object_get(f, "category")), category);
    assert_string_equal(json_string_value(json_object_get(f, "severity")), severity);
    assert_int_equal(json_integer_value(json_array_get(json_object_get(f, "packets"), 0)),
                     first_packet);
}

static void test_rule_undeclared_data(void **state)
{
    struct run r;
    struct nr_traffic_facts fx = {.sni = "collector.tracker.example.net", .protocol = "TLS"};
    (void)state;

    run_start(&r, true, DEVICE);
    add(&r, mkflow(DEVICE, 50000, "198.51.100.50", 443, 6, 0, 5, 2u << 20, 3000), &fx);
    fx.sni = "small.example.net";
    add(&r, mkflow(DEVICE, 50001, "198.51.100.51", 443, 6, 10, 5, 500, 3000), &fx);
    /* Declared: no finding. */
    fx.sni = "fw.updates.example.com";
    add(&r, mkflow(DEVICE, 50002, "198.51.100.10", 443, 6, 20, 5, 600, 60000), &fx);
    run_report(&r);
    expect(&r, "undeclared_data", "collector.tracker.example.net", "user_data", "high", 1);
    expect(&r, "undeclared_data", "small.example.net", "user_data", "medium", 11);
    assert_null(finding(&r, "undeclared_data", "fw.updates.example.com"));
    assert_true(
        json_is_true(json_object_get(destination(&r, "fw.updates.example.com"), "declared")));
    assert_int_equal(nfindings(&r), 2);
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(r.report, "summary"), "undeclared")), 2);
    /* Undeclared destinations come first. */
    assert_string_equal(
        json_string_value(json_object_get(
            json_array_get(json_object_get(r.report, "destinations"), 2), "destination")),
        "fw.updates.example.com");
    run_end(&r);
}

static void test_rule_control(void **state)
{
    struct run r;
    struct nr_traffic_facts fx = {.sni = "beacon.example.biz"};
    (void)state;

    run_start(&r, true, DEVICE);
    /* Long-lived: one session longer than NR_TRAFFIC_LONG_SESSION_S, no payload. */
    add(&r,
        mkflow(DEVICE, 40000, "198.51.100.77", 5222, 6, 0, NR_TRAFFIC_LONG_SESSION_S + 1, 0, 10),
        NULL);
    /* Persistent: three sessions started more than NR_TRAFFIC_PERSIST_SPAN_S apart. */
    add(&r, mkflow(DEVICE, 40001, "198.51.100.90", 443, 6, 0, 1, 0, 10), &fx);
    add(&r, mkflow(DEVICE, 40002, "198.51.100.90", 443, 6, 40, 1, 0, 10), &fx);
    add(&r, mkflow(DEVICE, 40003, "198.51.100.90", 443, 6, NR_TRAFFIC_PERSIST_SPAN_S, 1, 0, 10),
        &fx);
    /* Three sessions within seconds are a burst, not a presence. */
    fx.sni = "burst.example.biz";
    for (int i = 0; i < 3; i++)
        add(&r, mkflow(DEVICE, (uint16_t)(40010 + i), "198.51.100.91", 443, 6, 100, 1, 0, 10), &fx);
    run_report(&r);
    expect(&r, "undeclared_control", "198.51.100.77", "control", "high", 1);
    expect(&r, "undeclared_control", "beacon.example.biz", "control", "high", 11);
    assert_int_equal(json_array_size(json_object_get(
                         finding(&r, "undeclared_control", "beacon.example.biz"), "flows")),
                     3);
    assert_null(finding(&r, "undeclared_control", "burst.example.biz"));
    expect(&r, "undeclared_contact", "burst.example.biz", "other", "low", 41);
    run_end(&r);
}

static void test_rule_volume(void **state)
{
    struct run r;
    struct nr_traffic_facts fx = {.sni = "telemetry.example.com"};
    (void)state;

    run_start(&r, true, DEVICE);
    add(&r, mkflow(DEVICE, 40000, "198.51.100.20", 443, 6, 0, 1, 600, 10), &fx);
    add(&r, mkflow(DEVICE, 40001, "198.51.100.20", 443, 6, 5, 1, 600, 10), &fx);
    run_report(&r);
    expect(&r, "over_declared_volume", "telemetry.example.com", "user_data", "medium", 1);
    assert_int_equal(nfindings(&r), 1);
    run_end(&r);

    run_start(&r, true, DEVICE);
    add(&r, mkflow(DEVICE, 40000, "198.51.100.20", 443, 6, 0, 1, 1000, 10), &fx);
    run_report(&r);
    assert_int_equal(nfindings(&r), 0);
    run_end(&r);
}

static void test_rule_listening(void **state)
{
    struct run r;
    (void)state;

    run_start(&r, true, DEVICE);
    /* Answered on an undeclared port; answered on the declared one; a probe left unanswered. */
    add(&r, mkflow("203.0.113.66", 41234, DEVICE, 2323, 6, 0, 6, 50, 120), NULL);
    add(&r, mkflow("192.168.1.50", 52000, DEVICE, 8443, 6, 10, 1, 300, 9000), NULL);
    add(&r, mkflow("203.0.113.66", 41240, DEVICE, 23, 6, 20, 0, 0, 0), NULL);
    run_report(&r);
    expect(&r, "undeclared_listening", "tcp/2323", "control", "high", 1);
    assert_int_equal(nfindings(&r), 1);
    assert_int_equal(json_array_size(json_object_get(r.report, "listening")), 2);
    run_end(&r);
}

/* A device that answers an echo request listens on no port: nothing a declaration could list
 * (its "listening" entries are ports), so no listening service and no finding. */
static void test_inbound_icmp_is_not_listening(void **state)
{
    struct run r;
    (void)state;

    run_start(&r, true, DEVICE);
    add(&r, mkflow("203.0.113.66", 0, DEVICE, 0, 1, 0, 1, 56, 56), NULL);
    add(&r, mkflow("203.0.113.66", 41234, DEVICE, 2323, 6, 5, 6, 50, 120), NULL);
    run_report(&r);
    assert_int_equal(json_array_size(json_object_get(r.report, "listening")), 1);
    expect(&r, "undeclared_listening", "tcp/2323", "control", "high", 11);
    assert_int_equal(nfindings(&r), 1);
    run_end(&r);
}

static const char *filter_of(const struct run *r, const char *rule, const char *dest)
{
    json_t *f = finding(r, rule, dest);
    if (f == NULL)
        fail_msg("no %s finding for %s", rule, dest);
    return json_string_value(json_object_get(f, "filter"));
}

/* Every filter a finding gives is one tshark accepts and selects the destination's packets. */
static void test_finding_filters(void **state)
{
    struct run r;
    (void)state;

    run_start(&r, true, DEVICE ",fd00::10");
    add(&r, mkflow(DEVICE, 50000, "198.51.100.50", 443, 6, 0, 1, 500, 10), NULL);
    add(&r, mkflow(DEVICE, 0, "198.51.100.60", 0, 1, 1, 1, 56, 56), NULL);
    add(&r, mkflow(DEVICE, 0, "198.51.100.70", 0, 47, 2, 1, 300, 0), NULL);
    add(&r, mkflow("fd00::10", 0, "2001:db8:9::1", 0, 47, 3, 1, 300, 0), NULL);
    add(&r, mkflow("203.0.113.66", 41234, DEVICE, 2323, 6, 4, 6, 50, 120), NULL);
    run_report(&r);
    assert_string_equal(filter_of(&r, "undeclared_data", "198.51.100.50"),
                        "(ip.addr==198.51.100.50) && tcp.port==443");
    assert_string_equal(filter_of(&r, "undeclared_contact", "198.51.100.60"),
                        "(ip.addr==198.51.100.60) && icmp");
    /* tshark knows no "ip47": an IP protocol without a name of its own is a number. */
    assert_string_equal(filter_of(&r, "undeclared_contact", "198.51.100.70"),
                        "(ip.addr==198.51.100.70) && ip.proto==47");
    assert_string_equal(filter_of(&r, "undeclared_contact", "2001:db8:9::1"),
                        "(ipv6.addr==2001:db8:9::1) && ipv6.nxt==47");
    assert_string_equal(filter_of(&r, "undeclared_listening", "tcp/2323"),
                        "(ip.addr==192.168.1.10 || ipv6.addr==fd00::10) && tcp.port==2323");
    run_end(&r);
}

/* A name served from more addresses than a destination lists: the filter still selects every
 * packet the finding cites. */
static void test_filter_many_addresses(void **state)
{
    struct run r;
    struct nr_traffic_facts fx = {.sni = "cdn.tracker.example.net"};
    struct nr_buf want;
    json_t *f, *v;
    size_t i;
    (void)state;

    run_start(&r, true, DEVICE);
    for (unsigned k = 0; k < 12; k++) {
        char srv[32];
        snprintf(srv, sizeof(srv), "198.51.100.%u", 100 + k);
        add(&r, mkflow(DEVICE, (uint16_t)(50000 + k), srv, 443, 6, k, 1, 500, 10), &fx);
    }
    run_report(&r);
    f = finding(&r, "undeclared_data", "cdn.tracker.example.net");
    assert_non_null(f);
    nr_buf_init(&want, 1024);
    nr_buf_puts(&want, "frame.number in {");
    json_array_foreach(json_object_get(f, "packets"), i, v)
        nr_buf_printf(&want, "%s%lld", i ? " " : "", (long long)json_integer_value(v));
    nr_buf_puts(&want, "}");
    assert_string_equal(json_string_value(json_object_get(f, "filter")), want.p);
    nr_buf_release(&want);
    run_end(&r);
}

static void test_rule_credentials_and_remote_access(void **state)
{
    struct run r;
    struct nr_traffic_facts basic = {.http_host = "api.example.org",
                                     .http_method = "GET",
                                     .protocol = "HTTP",
                                     .basic_auth = true,
                                     .basic_user = "admin",
                                     .credentials_pkt = 4};
    struct nr_traffic_facts ssh = {.protocol = "SSH", .category = "RemoteAccess"};
    struct nr_traffic_facts mgmt = {
        .sni = "mgmt.example.com", .protocol = "SSH", .category = "RemoteAccess"};
    (void)state;

    /* Without a declaration: only these two kinds of findings. */
    run_start(&r, false, DEVICE);
    add(&r, mkflow(DEVICE, 40000, "198.51.100.30", 80, 6, 0, 1, 150, 80), &basic);
    add(&r, mkflow(DEVICE, 40001, "203.0.113.200", 22, 6, 5, 30, 600, 1400), &ssh);
    add(&r, mkflow(DEVICE, 40002, "198.51.100.50", 443, 6, 10, 1, 3u << 20, 10), NULL);
    run_report(&r);
    expect(&r, "clear_text_credentials", "api.example.org", "control", "high", 4);
    expect(&r, "remote_access", "203.0.113.200", "control", "high", 11);
    assert_int_equal(nfindings(&r), 2);
    assert_true(json_is_null(json_object_get(destination(&r, "198.51.100.50"), "declared")));
    run_end(&r);

    /* Between two other hosts (transit): credentials are still reported, remote access is
     * theirs, not the device's. */
    run_start(&r, false, DEVICE);
    add(&r, mkflow("192.168.1.20", 40000, "198.51.100.31", 80, 6, 0, 1, 150, 80), &basic);
    add(&r, mkflow("192.168.1.20", 40001, "203.0.113.201", 22, 6, 5, 30, 600, 1400), &ssh);
    run_report(&r);
    expect(&r, "clear_text_credentials", "api.example.org", "control", "high", 4);
    assert_int_equal(nfindings(&r), 1);
    assert_string_equal(
        json_string_value(json_object_get(destination(&r, "203.0.113.201"), "direction")),
        "transit");
    run_end(&r);

    /* With one: remote access to a declared endpoint is declared. */
    run_start(&r, true, DEVICE);
    add(&r, mkflow(DEVICE, 40001, "198.51.100.99", 22, 6, 5, 30, 600, 1400), &mgmt);
    run_report(&r);
    assert_null(finding(&r, "remote_access", "mgmt.example.com"));
    assert_int_equal(nfindings(&r), 0);
    run_end(&r);
}

static void test_rule_resolvers_and_local(void **state)
{
    struct run r;
    struct nr_traffic_facts dns = {.protocol = "DNS"};
    (void)state;

    run_start(&r, true, DEVICE);
    add(&r, mkflow(DEVICE, 40000, "192.0.2.53", 53, 17, 0, 0, 40, 90), &dns);
    add(&r, mkflow(DEVICE, 40001, "8.8.8.8", 53, 17, 1, 0, 40, 90), &dns);
    /* Multicast stays on the link: listed, never an undeclared destination. */
    add(&r, mkflow(DEVICE, 5353, "224.0.0.251", 5353, 17, 2, 0, 60, 0), NULL);
    run_report(&r);
    expect(&r, "undeclared_resolver", "8.8.8.8", "other", "medium", 11);
    assert_null(finding(&r, "undeclared_resolver", "192.0.2.53"));
    assert_true(json_is_true(json_object_get(destination(&r, "192.0.2.53"), "declared")));
    assert_non_null(destination(&r, "224.0.0.251"));
    assert_int_equal(nfindings(&r), 1);
    run_end(&r);
}

static void test_device_inferred(void **state)
{
    struct run r;
    json_t *dev;
    (void)state;

    run_start(&r, true, NULL);
    add(&r, mkflow(DEVICE, 40000, "198.51.100.1", 443, 6, 0, 1, 10, 10), NULL);
    add(&r, mkflow(DEVICE, 40001, "198.51.100.2", 443, 6, 0, 1, 10, 10), NULL);
    add(&r, mkflow("203.0.113.66", 41234, DEVICE, 2323, 6, 0, 1, 10, 10), NULL);
    run_report(&r);
    dev = json_object_get(r.report, "device");
    assert_int_equal(json_array_size(dev), 1);
    assert_string_equal(json_string_value(json_array_get(dev, 0)), DEVICE);
    assert_string_equal(json_string_value(json_object_get(r.report, "device_source")), "inferred");
    expect(&r, "undeclared_listening", "tcp/2323", "control", "high", 21);
    run_end(&r);
}

static void test_bad_device(void **state)
{
    struct nr_traffic_options o;
    struct nr_traffic *t = NULL;
    struct nr_err err;
    (void)state;

    memset(&o, 0, sizeof(o));
    o.device = "192.168.1.10,not-an-address";
    nr_err_init(&err);
    assert_int_equal(nr_traffic_new(&o, &t, &err), NR_EINVAL);
    assert_null(t);
    assert_string_equal(err.field, "device");
    assert_non_null(strstr(err.msg, "not-an-address"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_declared_parse),
        cmocka_unit_test(test_declared_errors),
        cmocka_unit_test(test_declared_caps),
        cmocka_unit_test(test_host_match),
        cmocka_unit_test(test_cidr_match),
        cmocka_unit_test(test_endpoint_find),
        cmocka_unit_test(test_rule_undeclared_data),
        cmocka_unit_test(test_rule_control),
        cmocka_unit_test(test_rule_volume),
        cmocka_unit_test(test_rule_listening),
        cmocka_unit_test(test_inbound_icmp_is_not_listening),
        cmocka_unit_test(test_finding_filters),
        cmocka_unit_test(test_filter_many_addresses),
        cmocka_unit_test(test_rule_credentials_and_remote_access),
        cmocka_unit_test(test_rule_resolvers_and_local),
        cmocka_unit_test(test_device_inferred),
        cmocka_unit_test(test_bad_device),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
