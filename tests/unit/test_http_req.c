/*
 * test_http_req.c - the HTTP/1.x request decoder of appdec.h (src/traffic/http.c): requests as
 * curl, browsers and embedded devices send them, Basic credentials whose password must not
 * survive anywhere in the result, passwords in the query string, responses and non-HTTP bytes
 * refused, and requests cut by the end of a segment.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "netreview/appdec.h"

#include "netreview/banned.h"

static int parse(const char *s, struct nr_http_req *r)
{
    return nr_http_request((const uint8_t *)s, strlen(s), r);
}

/* Whether needle occurs anywhere in the bytes of the struct, fields and padding alike. */
static bool struct_contains(const struct nr_http_req *r, const char *needle)
{
    const uint8_t *b = (const uint8_t *)r;
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= sizeof(*r); i++)
        if (memcmp(b + i, needle, k) == 0)
            return true;
    return false;
}

static void test_get_with_port(void **state)
{
    struct nr_http_req r;

    (void)state;
    assert_int_equal(parse("GET /firmware/v2/check?model=X200 HTTP/1.1\r\n"
                           "Host: Update.Vendor.EXAMPLE:8080\r\n"
                           "User-Agent: curl/7.88.1\r\n"
                           "Accept: */*\r\n"
                           "\r\n",
                           &r),
                     0);
    assert_string_equal(r.method, "GET");
    assert_string_equal(r.target, "/firmware/v2/check?model=X200");
    assert_string_equal(r.host, "update.vendor.example");
    assert_string_equal(r.user_agent, "curl/7.88.1");
    assert_false(r.basic_auth);
    assert_string_equal(r.basic_user, "");
    assert_false(r.credentials_in_target);

    /* An IPv6 literal loses its brackets and port; bare LF line ends are read too. */
    assert_int_equal(parse("HEAD / HTTP/1.0\nhost:[2001:DB8::1]:443\n\n", &r), 0);
    assert_string_equal(r.method, "HEAD");
    assert_string_equal(r.host, "2001:db8::1");
    /* A host whose last part is not a port keeps it. */
    assert_int_equal(parse("GET / HTTP/1.1\r\nHost: [2001:db8::2]\r\n\r\n", &r), 0);
    assert_string_equal(r.host, "2001:db8::2");
    assert_int_equal(parse("GET / HTTP/1.1\r\nHost: camera.local\r\nHost: other\r\n\r\n", &r), 0);
    assert_string_equal(r.host, "camera.local");
}

static void test_post(void **state)
{
    struct nr_http_req r;

    (void)state;
    assert_int_equal(parse("POST /api/v1/telemetry HTTP/1.1\r\n"
                           "Host: telemetry.example.com\r\n"
                           "Content-Type: application/json\r\n"
                           "Content-Length: 27\r\n"
                           "\r\n"
                           "{\"Host\": \"not.a.header\"}\r\n\r\n",
                           &r),
                     0);
    assert_string_equal(r.method, "POST");
    assert_string_equal(r.target, "/api/v1/telemetry");
    assert_string_equal(r.host, "telemetry.example.com");
    assert_string_equal(r.user_agent, "");
    /* Methods beyond the common ones, and the SSDP discovery request over UDP. */
    assert_int_equal(parse("M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n\r\n", &r), 0);
    assert_string_equal(r.method, "M-SEARCH");
    assert_string_equal(r.target, "*");
    assert_string_equal(r.host, "239.255.255.250");
    assert_int_equal(parse("CONNECT example.org:443 HTTP/1.1\r\n\r\n", &r), 0);
    assert_string_equal(r.target, "example.org:443");
}

static void test_basic_auth(void **state)
{
    struct nr_http_req r;

    (void)state;
    /* "admin:S3cret-Pa55" */
    assert_int_equal(parse("GET /cgi-bin/config.cgi HTTP/1.1\r\n"
                           "Host: 192.0.2.10\r\n"
                           "Authorization: Basic YWRtaW46UzNjcmV0LVBhNTU=\r\n"
                           "\r\n",
                           &r),
                     0);
    assert_true(r.basic_auth);
    assert_string_equal(r.basic_user, "admin");
    assert_false(struct_contains(&r, "S3cret"));
    assert_false(struct_contains(&r, "YWRtaW46UzNjcmV0LVBhNTU"));
    assert_false(struct_contains(&r, "UzNjcmV0"));

    /* Unpadded base64 and a lower-case scheme ("operator:hunter2!"). */
    assert_int_equal(
        parse("GET / HTTP/1.1\r\nauthorization: basic b3BlcmF0b3I6aHVudGVyMiE\r\n\r\n", &r), 0);
    assert_true(r.basic_auth);
    assert_string_equal(r.basic_user, "operator");
    assert_false(struct_contains(&r, "hunter2"));

    /* A value without a colon cannot be split: it is flagged, nothing is kept ("justatoken"). */
    assert_int_equal(parse("GET / HTTP/1.1\r\nAuthorization: Basic anVzdGF0b2tlbg==\r\n\r\n", &r),
                     0);
    assert_true(r.basic_auth);
    assert_string_equal(r.basic_user, "");
    assert_false(struct_contains(&r, "justatoken"));

    /* Not base64 at all. */
    assert_int_equal(parse("GET / HTTP/1.1\r\nAuthorization: Basic !!!!\r\n\r\n", &r), 0);
    assert_true(r.basic_auth);
    assert_string_equal(r.basic_user, "");

    /* Other schemes are not clear-text credentials of this kind. */
    assert_int_equal(parse("GET / HTTP/1.1\r\nAuthorization: Bearer eyJhbGciOi.x.y\r\n\r\n", &r),
                     0);
    assert_false(r.basic_auth);
    assert_int_equal(parse("GET / HTTP/1.1\r\nAuthorization: Digest username=\"u\"\r\n\r\n", &r),
                     0);
    assert_false(r.basic_auth);
    /* A proxy's Basic credentials are as clear as a server's ("proxyuser:pw"). */
    assert_int_equal(parse("GET http://example.org/ HTTP/1.1\r\n"
                           "Proxy-Authorization: Basic cHJveHl1c2VyOnB3\r\n\r\n",
                           &r),
                     0);
    assert_true(r.basic_auth);
    assert_string_equal(r.basic_user, "proxyuser");
}

static void test_credentials_in_target(void **state)
{
    struct nr_http_req r;

    (void)state;
    assert_int_equal(parse("GET /login.cgi?user=admin&password=S3cret HTTP/1.1\r\n\r\n", &r), 0);
    assert_true(r.credentials_in_target);
    assert_string_equal(r.target, "/login.cgi?user=admin&password=***");
    assert_false(struct_contains(&r, "S3cret"));
    assert_int_equal(
        parse("GET /cgi-bin/snapshot.cgi?loginuse=a&PWD=hunter2&res=1 HTTP/1.1\r\n\r\n", &r), 0);
    assert_true(r.credentials_in_target);
    assert_string_equal(r.target, "/cgi-bin/snapshot.cgi?loginuse=a&PWD=***&res=1");
    assert_int_equal(parse("GET /x?passwd=1;pwd=2#frag HTTP/1.1\r\n\r\n", &r), 0);
    assert_true(r.credentials_in_target);
    assert_string_equal(r.target, "/x?passwd=***;pwd=***#frag");
    assert_int_equal(parse("GET http://user:Tr0ub4dor@example.org/a?b=c HTTP/1.1\r\n\r\n", &r), 0);
    assert_true(r.credentials_in_target);
    assert_string_equal(r.target, "http://user:***@example.org/a?b=c");
    assert_false(struct_contains(&r, "Tr0ub4dor"));
    /* An empty password is still a user:password@ form. */
    assert_int_equal(parse("GET ftp://anonymous:@192.0.2.5/pub HTTP/1.1\r\n\r\n", &r), 0);
    assert_true(r.credentials_in_target);
    assert_string_equal(r.target, "ftp://anonymous:***@192.0.2.5/pub");
    /* Look-alikes that are not a password. */
    assert_int_equal(parse("GET /reset-password?token=abc HTTP/1.1\r\n\r\n", &r), 0);
    assert_false(r.credentials_in_target);
    assert_string_equal(r.target, "/reset-password?token=abc");
    assert_int_equal(parse("GET /x?oldpwd_hint=1&mypassword=2 HTTP/1.1\r\n\r\n", &r), 0);
    assert_false(r.credentials_in_target);
    assert_int_equal(parse("GET http://example.org/a:b@c HTTP/1.1\r\n\r\n", &r), 0);
    assert_false(r.credentials_in_target);
    assert_int_equal(parse("GET http://user@example.org/ HTTP/1.1\r\n\r\n", &r), 0);
    assert_false(r.credentials_in_target);
    assert_string_equal(r.target, "http://user@example.org/");
    assert_int_equal(parse("GET /a?b=http://u:p@h HTTP/1.1\r\n\r\n", &r), 0);
    assert_false(r.credentials_in_target);
}

static void test_refused(void **state)
{
    struct nr_http_req r;
    static const uint8_t tls[] = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc};

    (void)state;
    assert_int_equal(parse("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", &r), NR_ENOTFOUND);
    assert_int_equal(parse("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n", &r), NR_EPARSE);
    assert_int_equal(parse("get / HTTP/1.1\r\n\r\n", &r), NR_EPARSE);
    assert_int_equal(parse("GET  / HTTP/1.1\r\n\r\n", &r), NR_EPARSE);
    assert_int_equal(parse("GET / FTP/1.1\r\n\r\n", &r), NR_EPARSE);
    assert_int_equal(parse("GET / HTTP/1.1 trailing\r\n\r\n", &r), NR_EPARSE);
    assert_int_equal(parse("AVERYLONGMETHODNAME / HTTP/1.1\r\n\r\n", &r), NR_EPARSE);
    assert_int_equal(parse("USER anonymous\r\n", &r), NR_EPARSE);
    assert_int_equal(parse("", &r), NR_EPARSE);
    assert_int_equal(nr_http_request(tls, sizeof(tls), &r), NR_EPARSE);
    assert_int_equal(nr_http_request(NULL, 0, &r), NR_EPARSE);
}

static void test_cut(void **state)
{
    static const char req[] = "GET /index.html HTTP/1.1\r\n"
                              "Host: www.example.net\r\n"
                              "User-Agent: Mozilla/5.0\r\n"
                              "\r\n";
    const char *line_end = strstr(req, "\r\n");
    const char *host_end = strstr(req, "www.example.net\r\n") + strlen("www.example.net\r\n");
    size_t n = strlen(req);
    struct nr_http_req r;

    (void)state;
    for (size_t cut = 0; cut <= n; cut++) {
        int rc = nr_http_request((const uint8_t *)req, cut, &r);
        size_t line = (size_t)(line_end - req) + 2;
        if (cut < 4) {
            assert_int_equal(rc, NR_EPARSE);
        } else if (cut < line) {
            if (rc != NR_ENOTFOUND)
                fail_msg("cut at %zu in the request line gave %d", cut, rc);
            assert_string_equal(r.method, "GET");
        } else {
            if (rc != 0)
                fail_msg("cut at %zu after the request line gave %d", cut, rc);
            assert_string_equal(r.target, "/index.html");
            /* A cut Host line is not taken: "www.exa" would name another host. */
            assert_string_equal(r.host, cut >= (size_t)(host_end - req) ? "www.example.net" : "");
        }
    }
    /* A target longer than the field is cut at 511 bytes; the flag still sees its end. */
    {
        char big[1200];
        size_t k = 0;
        k += (size_t)snprintf(big, sizeof(big), "GET /");
        memset(big + k, 'a', 700);
        k += 700;
        k += (size_t)snprintf(big + k, sizeof(big) - k, "?pwd=1 HTTP/1.1\r\nHost: h\r\n\r\n");
        assert_int_equal(nr_http_request((const uint8_t *)big, k, &r), 0);
        assert_int_equal(strlen(r.target), 511);
        assert_true(r.credentials_in_target);
        assert_string_equal(r.host, "h");
    }
    /* Bytes outside printable ASCII in header values become "?". */
    assert_int_equal(parse("GET / HTTP/1.1\r\nUser-Agent: b\xc3\xa4"
                           "d\x01\r\n\r\n",
                           &r),
                     0);
    assert_string_equal(r.user_agent, "b??d?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_get_with_port), cmocka_unit_test(test_post),
        cmocka_unit_test(test_basic_auth),    cmocka_unit_test(test_credentials_in_target),
        cmocka_unit_test(test_refused),       cmocka_unit_test(test_cut),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
