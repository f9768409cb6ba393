/*
 * test_capture.c - reading capture files through libpcap (src/traffic/capture.c). The files are
 * written here byte by byte: classic pcap in both byte orders and both timestamp precisions, and
 * pcapng built from its blocks (section header, interface description, enhanced packet), so
 * that what is asserted is what the formats say, not what a writer library did.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "netreview/pkt.h"

#include <errno.h>
#include <pcap/dlt.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netreview/banned.h"

static char g_dir[64];

struct file {
    uint8_t b[8192];
    size_t n;
    bool big; /* byte order of the multi-byte fields */
};

static void put(struct file *f, const void *p, size_t n)
{
    assert_true(f->n + n <= sizeof(f->b));
    memcpy(f->b + f->n, p, n);
    f->n += n;
}

static void put16(struct file *f, uint16_t v)
{
    uint8_t b[2];
    if (f->big) {
        b[0] = (uint8_t)(v >> 8);
        b[1] = (uint8_t)v;
    } else {
        b[0] = (uint8_t)v;
        b[1] = (uint8_t)(v >> 8);
    }
    put(f, b, 2);
}

static void put32(struct file *f, uint32_t v)
{
    if (f->big) {
        put16(f, (uint16_t)(v >> 16));
        put16(f, (uint16_t)v);
    } else {
        put16(f, (uint16_t)v);
        put16(f, (uint16_t)(v >> 16));
    }
}

static void pad4(struct file *f)
{
    static const uint8_t zero[4];
    put(f, zero, (4 - f->n % 4) % 4);
}

/* An Ethernet frame with IPv4 and UDP from 10.0.0.<host>, n bytes long (n >= 42). */
static size_t frame_udp(uint8_t *out, uint8_t host, size_t n)
{
    static const uint8_t head[] = {
        0,    1,    2, 3,   4, 5, 0, 6, 7,  8,  9, 10, 0x08, 0x00,       /* Ethernet */
        0x45, 0,    0, 0,   0, 1, 0, 0, 64, 17, 0, 0,  10,   0,    0, 0, /* IPv4 ... */
        10,   0,    0, 254,                                              /* ... to 10.0.0.254 */
        0x13, 0x88, 0, 53,  0, 0, 0, 0};                                 /* UDP 5000 -> 53 */
    size_t ip = n - 14, udp = n - 34;

    memcpy(out, head, sizeof(head));
    out[16] = (uint8_t)(ip >> 8);
    out[17] = (uint8_t)ip;
    out[29] = host;
    out[38] = (uint8_t)(udp >> 8);
    out[39] = (uint8_t)udp;
    for (size_t i = sizeof(head); i < n; i++)
        out[i] = (uint8_t)i;
    return n;
}

static size_t frame_arp(uint8_t *out)
{
    memset(out, 0, 42);
    memset(out, 0xff, 6);
    out[12] = 0x08;
    out[13] = 0x06;
    return 42;
}

static void pcap_header(struct file *f, uint32_t magic, uint32_t linktype)
{
    put32(f, magic);
    put16(f, 2);
    put16(f, 4);
    put32(f, 0);
    put32(f, 0);
    put32(f, 65535);
    put32(f, linktype);
}

static void pcap_record(struct file *f, uint32_t sec, uint32_t frac, const uint8_t *data,
                        uint32_t caplen, uint32_t wirelen)
{
    put32(f, sec);
    put32(f, frac);
    put32(f, caplen);
    put32(f, wirelen);
    put(f, data, caplen);
}

static void pcapng_shb(struct file *f)
{
    put32(f, 0x0a0d0d0a);
    put32(f, 28);
    put32(f, 0x1a2b3c4d);
    put16(f, 1);
    put16(f, 0);
    put32(f, 0xffffffff); /* section length unknown */
    put32(f, 0xffffffff);
    put32(f, 28);
}

/* tsresol: 6 microseconds, 9 nanoseconds (if_tsresol, option 9). */
static void pcapng_idb(struct file *f, uint16_t linktype, uint8_t tsresol)
{
    uint8_t opt = tsresol;
    put32(f, 1);
    put32(f, 32);
    put16(f, linktype);
    put16(f, 0);
    put32(f, 262144);
    put16(f, 9);
    put16(f, 1);
    put(f, &opt, 1);
    pad4(f);
    put16(f, 0); /* opt_endofopt */
    put16(f, 0);
    put32(f, 32);
}

static void pcapng_epb(struct file *f, uint64_t ts, const uint8_t *data, uint32_t caplen,
                       uint32_t wirelen)
{
    uint32_t total = 32 + ((caplen + 3) & ~3u);
    put32(f, 6);
    put32(f, total);
    put32(f, 0); /* interface 0 */
    put32(f, (uint32_t)(ts >> 32));
    put32(f, (uint32_t)ts);
    put32(f, caplen);
    put32(f, wirelen);
    put(f, data, caplen);
    pad4(f);
    put32(f, total);
}

static const char *write_file(const char *name, const void *data, size_t n)
{
    static char path[128];
    FILE *fp;

    snprintf(path, sizeof(path), "%s/%s", g_dir, name);
    fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, n, fp), n);
    assert_int_equal(fclose(fp), 0);
    return path;
}

static struct nr_capture *open_ok(const char *path)
{
    struct nr_capture *c = NULL;
    struct nr_err err;

    nr_err_init(&err);
    if (nr_capture_open_file(path, &c, &err) != 0)
        fail_msg("open %s: %s", path, err.msg);
    return c;
}

static void test_pcap_file(void **state)
{
    struct file f = {.n = 0};
    uint8_t fr[200];
    struct nr_capture *c;
    const struct nr_capture_stats *st;
    struct nr_pkt p;
    struct nr_err err;

    (void)state;
    pcap_header(&f, 0xa1b2c3d4, 1);
    pcap_record(&f, 1700000000, 123456, fr, (uint32_t)frame_udp(fr, 1, 100), 100);
    pcap_record(&f, 1700000001, 5, fr, (uint32_t)frame_arp(fr), 60);
    /* Snap length 30: the IPv4 header is cut. */
    frame_udp(fr, 2, 150);
    pcap_record(&f, 1700000002, 999999, fr, 30, 150);
    pcap_record(&f, 1700000003, 0, fr, (uint32_t)frame_udp(fr, 3, 42), 60);
    c = open_ok(write_file("a.pcap", f.b, f.n));
    st = nr_capture_stats(c);
    assert_string_equal(st->format, "pcap");
    assert_int_equal(st->dlt, DLT_EN10MB);
    assert_string_equal(st->dlt_name, "EN10MB");
    assert_int_equal(st->file_size, f.n);
    assert_int_equal(st->packets, 0);

    nr_err_init(&err);
    assert_int_equal(nr_capture_next(c, &p, &err), 1);
    assert_int_equal(p.num, 1);
    assert_int_equal(p.ts_us, 1700000000123456ull);
    assert_int_equal(p.status, NR_PKT_OK);
    assert_int_equal(p.caplen, 100);
    assert_int_equal(p.src.b[3], 1);
    assert_int_equal(p.dport, 53);
    assert_int_equal(p.payload_len, 58);
    assert_int_equal(nr_capture_next(c, &p, &err), 1);
    assert_int_equal(p.num, 2);
    assert_int_equal(p.ts_us, 1700000001000005ull);
    assert_int_equal(p.status, NR_PKT_NOT_IP);
    assert_int_equal(nr_capture_next(c, &p, &err), 1);
    assert_int_equal(p.status, NR_PKT_TRUNCATED);
    assert_int_equal(p.wirelen, 150);
    assert_int_equal(nr_capture_next(c, &p, &err), 1);
    assert_int_equal(p.num, 4);
    assert_int_equal(p.status, NR_PKT_OK);
    assert_int_equal(nr_capture_next(c, &p, &err), 0);
    assert_int_equal(nr_capture_next(c, &p, &err), 0);
    assert_int_equal(err.code, 0);

    assert_int_equal(st->packets, 4);
    assert_int_equal(st->bytes, 100 + 60 + 150 + 60);
    assert_int_equal(st->ip, 2);
    assert_int_equal(st->not_ip, 1);
    assert_int_equal(st->truncated, 1);
    assert_int_equal(st->malformed, 0);
    assert_int_equal(st->file_offset, f.n);
    nr_capture_close(c);
    nr_capture_close(NULL);
}

static void test_pcap_precision_and_byte_order(void **state)
{
    struct file f = {.n = 0};
    uint8_t fr[200];
    struct nr_capture *c;
    struct nr_pkt p;
    size_t n;

    (void)state;
    /* Nanosecond timestamps are scaled to microseconds. */
    pcap_header(&f, 0xa1b23c4d, 1);
    pcap_record(&f, 1600000000, 123456789, fr, (uint32_t)frame_udp(fr, 1, 60), 60);
    c = open_ok(write_file("ns.pcap", f.b, f.n));
    assert_int_equal(nr_capture_next(c, &p, NULL), 1);
    assert_int_equal(p.ts_us, 1600000000123456ull);
    nr_capture_close(c);

    /* A big-endian file of raw IP (LINKTYPE_RAW, which libpcap reports as DLT_RAW). */
    memset(&f, 0, sizeof(f));
    f.big = true;
    pcap_header(&f, 0xa1b2c3d4, 101);
    n = frame_udp(fr, 9, 80);
    pcap_record(&f, 1600000000, 42, fr + 14, (uint32_t)(n - 14), (uint32_t)(n - 14));
    c = open_ok(write_file("be.pcap", f.b, f.n));
    assert_int_equal(nr_capture_stats(c)->dlt, DLT_RAW);
    assert_string_equal(nr_capture_stats(c)->dlt_name, "RAW");
    assert_int_equal(nr_capture_next(c, &p, NULL), 1);
    assert_int_equal(p.status, NR_PKT_OK);
    assert_int_equal(p.ts_us, 1600000000000042ull);
    assert_int_equal(p.src.b[3], 9);
    assert_int_equal(nr_capture_next(c, &p, NULL), 0);
    nr_capture_close(c);

    /* Linux cooked v2. */
    memset(&f, 0, sizeof(f));
    pcap_header(&f, 0xa1b2c3d4, 276);
    {
        uint8_t sll[20 + 200] = {0x08, 0x00};
        n = frame_udp(fr, 4, 60);
        memcpy(sll + 20, fr + 14, n - 14);
        pcap_record(&f, 1, 2, sll, (uint32_t)(n + 6), (uint32_t)(n + 6));
    }
    c = open_ok(write_file("sll2.pcap", f.b, f.n));
    assert_string_equal(nr_capture_stats(c)->dlt_name, "LINUX_SLL2");
    assert_int_equal(nr_capture_next(c, &p, NULL), 1);
    assert_int_equal(p.status, NR_PKT_OK);
    assert_int_equal(p.src.b[3], 4);
    nr_capture_close(c);
}

static void test_pcapng_file(void **state)
{
    struct file f = {.n = 0};
    uint8_t fr[200];
    struct nr_capture *c;
    const struct nr_capture_stats *st;
    struct nr_pkt p;
    static const uint16_t tagged[] = {0x8100, 0x0064};

    (void)state;
    pcapng_shb(&f);
    pcapng_idb(&f, 1, 6);
    pcapng_epb(&f, 1700000000123456ull, fr, (uint32_t)frame_udp(fr, 1, 61), 61);
    /* A VLAN-tagged copy, 4 bytes longer. */
    {
        uint8_t t[200];
        size_t n = frame_udp(fr, 2, 70);
        memcpy(t, fr, 12);
        t[12] = (uint8_t)(tagged[0] >> 8);
        t[13] = (uint8_t)tagged[0];
        t[14] = 0;
        t[15] = (uint8_t)tagged[1];
        memcpy(t + 16, fr + 12, n - 12);
        pcapng_epb(&f, 1700000000223456ull, t, (uint32_t)(n + 4), (uint32_t)(n + 4));
    }
    pcapng_epb(&f, 1700000001000000ull, fr, (uint32_t)frame_arp(fr), 42);
    c = open_ok(write_file("a.pcapng", f.b, f.n));
    st = nr_capture_stats(c);
    assert_string_equal(st->format, "pcapng");
    assert_int_equal(st->dlt, DLT_EN10MB);
    assert_int_equal(nr_capture_next(c, &p, NULL), 1);
    assert_int_equal(p.num, 1);
    assert_int_equal(p.ts_us, 1700000000123456ull);
    assert_int_equal(p.caplen, 61);
    assert_int_equal(p.status, NR_PKT_OK);
    assert_int_equal(nr_capture_next(c, &p, NULL), 1);
    assert_int_equal(p.ts_us, 1700000000223456ull);
    assert_int_equal(p.vlan, 100);
    assert_int_equal(p.src.b[3], 2);
    assert_int_equal(nr_capture_next(c, &p, NULL), 1);
    assert_int_equal(p.num, 3);
    assert_int_equal(p.status, NR_PKT_NOT_IP);
    assert_int_equal(nr_capture_next(c, &p, NULL), 0);
    assert_int_equal(st->packets, 3);
    assert_int_equal(st->ip, 2);
    assert_int_equal(st->vlan_tagged, 1);
    assert_int_equal(st->not_ip, 1);
    assert_int_equal(st->file_offset, f.n);
    nr_capture_close(c);

    /* Nanosecond resolution on the interface. */
    memset(&f, 0, sizeof(f));
    pcapng_shb(&f);
    pcapng_idb(&f, 1, 9);
    pcapng_epb(&f, 1700000000123456789ull, fr, (uint32_t)frame_udp(fr, 1, 60), 60);
    c = open_ok(write_file("ns.pcapng", f.b, f.n));
    assert_int_equal(nr_capture_next(c, &p, NULL), 1);
    assert_int_equal(p.ts_us, 1700000000123456ull);
    nr_capture_close(c);
}

static void test_truncated_file(void **state)
{
    struct file f = {.n = 0};
    uint8_t fr[200];
    struct nr_capture *c;
    struct nr_pkt p;
    struct nr_err err;
    size_t cut;

    (void)state;
    pcap_header(&f, 0xa1b2c3d4, 1);
    pcap_record(&f, 1, 0, fr, (uint32_t)frame_udp(fr, 1, 60), 60);
    pcap_record(&f, 2, 0, fr, (uint32_t)frame_udp(fr, 2, 60), 60);
    cut = f.n;
    pcap_record(&f, 3, 0, fr, (uint32_t)frame_udp(fr, 3, 60), 60);

    /* Cut inside the third packet's data. */
    c = open_ok(write_file("cut.pcap", f.b, cut + 16 + 25));
    nr_err_init(&err);
    assert_int_equal(nr_capture_next(c, &p, &err), 1);
    assert_int_equal(nr_capture_next(c, &p, &err), 1);
    assert_int_equal(nr_capture_next(c, &p, &err), NR_EPARSE);
    assert_string_equal(err.field, "capture");
    assert_string_equal(
        err.msg, "packet 3: truncated dump file; tried to read 60 captured bytes, only got 25");
    /* What was read before stays counted. */
    assert_int_equal(nr_capture_stats(c)->packets, 2);
    assert_int_equal(nr_capture_stats(c)->ip, 2);
    nr_capture_close(c);

    /* Cut inside the third packet's record header. */
    c = open_ok(write_file("cut2.pcap", f.b, cut + 5));
    nr_err_init(&err);
    assert_int_equal(nr_capture_next(c, &p, &err), 1);
    assert_int_equal(nr_capture_next(c, &p, &err), 1);
    assert_int_equal(nr_capture_next(c, &p, &err), NR_EPARSE);
    assert_string_equal(err.msg,
                        "packet 3: truncated dump file; tried to read 16 header bytes, only got 5");
    nr_capture_close(c);

    /* A pcapng cut inside the second packet's block. */
    memset(&f, 0, sizeof(f));
    pcapng_shb(&f);
    pcapng_idb(&f, 1, 6);
    pcapng_epb(&f, 1, fr, (uint32_t)frame_udp(fr, 1, 60), 60);
    cut = f.n;
    pcapng_epb(&f, 2, fr, (uint32_t)frame_udp(fr, 2, 60), 60);
    c = open_ok(write_file("cut.pcapng", f.b, cut + 40));
    nr_err_init(&err);
    assert_int_equal(nr_capture_next(c, &p, &err), 1);
    assert_int_equal(nr_capture_next(c, &p, &err), NR_EPARSE);
    if (strncmp(err.msg, "packet 2: truncated", 19) != 0)
        fail_msg("unexpected message: %s", err.msg);
    assert_int_equal(nr_capture_stats(c)->packets, 1);
    nr_capture_close(c);
}

static void test_rejected_files(void **state)
{
    struct file f = {.n = 0};
    struct nr_capture *c = (struct nr_capture *)&f; /* must be reset to NULL */
    struct nr_err err;
    char path[128];
    const char *p;

    (void)state;
    p = write_file("notes.txt", "GET / HTTP/1.1\r\nHost: example.org\r\n\r\n", 37);
    nr_err_init(&err);
    assert_int_equal(nr_capture_open_file(p, &c, &err), NR_EPARSE);
    assert_null(c);
    assert_string_equal(err.field, "capture");
    if (strstr(err.msg, "notes.txt: ") == NULL || strstr(err.msg, "unknown file format") == NULL)
        fail_msg("unexpected message: %s", err.msg);

    p = write_file("empty.pcap", "", 0);
    nr_err_init(&err);
    assert_int_equal(nr_capture_open_file(p, &c, &err), NR_EPARSE);
    assert_null(c);

    /* A capture of a link type the decoder does not know (802.11). */
    pcap_header(&f, 0xa1b2c3d4, 105);
    p = write_file("wifi.pcap", f.b, f.n);
    nr_err_init(&err);
    assert_int_equal(nr_capture_open_file(p, &c, &err), NR_EPARSE);
    assert_null(c);
    assert_string_equal(err.field, "capture");
    snprintf(path, sizeof(path), "%s: link type 105 (IEEE802_11) is not supported", p);
    assert_string_equal(err.msg, path);

    memset(&f, 0, sizeof(f));
    pcapng_shb(&f);
    pcapng_idb(&f, 147, 6); /* USER0, which libpcap has no name for */
    p = write_file("user0.pcapng", f.b, f.n);
    nr_err_init(&err);
    assert_int_equal(nr_capture_open_file(p, &c, &err), NR_EPARSE);
    if (strstr(err.msg, "link type 147 (unknown) is not supported") == NULL)
        fail_msg("unexpected message: %s", err.msg);

    snprintf(path, sizeof(path), "%s/missing.pcap", g_dir);
    nr_err_init(&err);
    assert_int_equal(nr_capture_open_file(path, &c, &err), -ENOENT);
    assert_string_equal(err.field, "capture");
    nr_err_init(&err);
    assert_int_equal(nr_capture_open_file(g_dir, &c, &err), -EISDIR);
}

static void test_live_no_such_interface(void **state)
{
    struct nr_capture *c = NULL;
    struct nr_err err;

    (void)state;
    nr_err_init(&err);
    assert_int_equal(nr_capture_open_live("nr-no-such0", NULL, &c, &err), NR_EIO);
    assert_null(c);
    assert_string_equal(err.field, "interface");
    if (strstr(err.msg, "nr-no-such0: ") != err.msg)
        fail_msg("unexpected message: %s", err.msg);
}

static int setup(void **state)
{
    (void)state;
    snprintf(g_dir, sizeof(g_dir), "/tmp/nr-capture-XXXXXX");
    return mkdtemp(g_dir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
    char cmd[128];

    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", g_dir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pcap_file),      cmocka_unit_test(test_pcap_precision_and_byte_order),
        cmocka_unit_test(test_pcapng_file),    cmocka_unit_test(test_truncated_file),
        cmocka_unit_test(test_rejected_files), cmocka_unit_test(test_live_no_such_interface),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
