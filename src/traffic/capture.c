/*
 * capture.c - reading captures through libpcap (pcap and pcapng files, live interfaces) and
 * handing out decoded packets, the capture part of pkt.h. libpcap does the file formats and the
 * kernel interface; this file adds what the analysis needs around it: link types checked once at
 * open, packet numbers, counts of everything that did not decode, progress through the file, and
 * errors that name the packet where the file went wrong.
 */
#include "netreview/pkt.h"
#include "traffic/pkt_int.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "netreview/banned.h"

/* ftell is cheap but not free; progress needs no more than this granularity. */
#define OFFSET_EVERY 4096

#define READ_BUFFER     (256 * 1024)
#define LIVE_TIMEOUT_MS 200

struct nr_capture {
    pcap_t *pc;
    FILE *file;  /* owned by pc once pcap_fopen_offline succeeded */
    char *iobuf; /* file's stdio buffer: freed only after the file is closed */
    bool live;
    uint64_t num;
    struct nr_capture_stats st;
};

static const char *dlt_name(int dlt)
{
    const char *name = pcap_datalink_val_to_name(dlt);
    return name != NULL ? name : "unknown";
}

int nr_capture_open_file(const char *path, struct nr_capture **out, struct nr_err *err)
{
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    struct nr_capture *c = NULL;
    struct stat sb;
    uint8_t magic[4];
    char *iobuf;
    FILE *f;
    int rc = 0;

    *out = NULL;
    f = fopen(path, "rb");
    if (f == NULL) {
        rc = -errno;
        return nr_err_set(err, rc, "capture", "%s: %s", path, strerror(-rc));
    }
    /* stdio's default buffer is one file system block: a read system call per 4 KiB, a quarter
     * of a million for a 1 GB capture. setvbuf only works before the first read, and glibc
     * ignores the size when it is not given the buffer itself. */
    iobuf = nr_malloc(READ_BUFFER);
    setvbuf(f, iobuf, _IOFBF, READ_BUFFER);
    if (fstat(fileno(f), &sb) != 0) {
        rc = -errno;
        nr_err_set(err, rc, "capture", "%s: %s", path, strerror(-rc));
        fclose(f);
        nr_free(iobuf);
        return rc;
    }
    if (S_ISDIR(sb.st_mode)) {
        fclose(f);
        nr_free(iobuf);
        return nr_err_set(err, -EISDIR, "capture", "%s: %s", path, strerror(EISDIR));
    }
    c = nr_calloc(1, sizeof(*c));
    c->iobuf = iobuf;
    c->st.file_size = S_ISREG(sb.st_mode) ? (uint64_t)sb.st_size : 0;
    /* libpcap reports pcapng with the same version numbers as pcap; the first block says. */
    c->st.format = "pcap";
    if (fread(magic, 1, sizeof(magic), f) == sizeof(magic) && magic[0] == 0x0a &&
        magic[1] == 0x0d && magic[2] == 0x0d && magic[3] == 0x0a)
        c->st.format = "pcapng";
    rewind(f);
    /* Nanosecond files are scaled to microseconds, the engine's unit. */
    c->pc = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_MICRO, errbuf);
    if (c->pc == NULL) {
        fclose(f);
        rc = nr_err_set(err, NR_EPARSE, "capture", "%s: %s", path,
                        errbuf[0] ? errbuf : "not a pcap or pcapng file");
        goto out;
    }
    c->file = f;
    c->st.dlt = pcap_datalink(c->pc);
    c->st.dlt_name = dlt_name(c->st.dlt);
    if (!nr__pkt_dlt_supported(c->st.dlt)) {
        rc = nr_err_set(err, NR_EPARSE, "capture", "%s: link type %d (%s) is not supported", path,
                        c->st.dlt, c->st.dlt_name);
        goto out;
    }
    c->st.file_offset = (uint64_t)ftell(f);
out:
    if (rc != 0) {
        nr_capture_close(c);
        return rc;
    }
    *out = c;
    return 0;
}

int nr_capture_open_live(const char *iface, const char *filter, struct nr_capture **out,
                         struct nr_err *err)
{
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    struct nr_capture *c;
    struct bpf_program prog;
    int rc = 0, st;

    *out = NULL;
    c = nr_calloc(1, sizeof(*c));
    c->live = true;
    c->st.format = "live";
    c->pc = pcap_create(iface, errbuf);
    if (c->pc == NULL) {
        rc = nr_err_set(err, NR_EIO, "interface", "%s: %s", iface, errbuf);
        goto out;
    }
    pcap_set_snaplen(c->pc, 65535);
    pcap_set_promisc(c->pc, 0);
    pcap_set_timeout(c->pc, LIVE_TIMEOUT_MS);
    st = pcap_activate(c->pc);
    if (st < 0) {
        /* For the generic errors pcap_geterr has the detail; for the others it may be empty. */
        const char *why = pcap_geterr(c->pc);
        rc = nr_err_set(err, NR_EIO, "interface", "%s: %s%s%s", iface, pcap_statustostr(st),
                        why && *why ? ": " : "", why && *why ? why : "");
        goto out;
    }
    c->st.dlt = pcap_datalink(c->pc);
    c->st.dlt_name = dlt_name(c->st.dlt);
    if (!nr__pkt_dlt_supported(c->st.dlt)) {
        rc = nr_err_set(err, NR_EIO, "interface", "%s: link type %d (%s) is not supported", iface,
                        c->st.dlt, c->st.dlt_name);
        goto out;
    }
    if (filter != NULL && *filter) {
        if (pcap_compile(c->pc, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
            rc = nr_err_set(err, NR_EIO, "filter", "%s", pcap_geterr(c->pc));
            goto out;
        }
        st = pcap_setfilter(c->pc, &prog);
        pcap_freecode(&prog);
        if (st != 0) {
            rc = nr_err_set(err, NR_EIO, "filter", "%s", pcap_geterr(c->pc));
            goto out;
        }
    }
    /* On Linux (TPACKET_V3) the read timeout only runs once a packet arrived, so an idle
     * interface would block nr_capture_next for ever. Non-blocking reads with our own poll
     * keep the 200 ms promise. */
    if (pcap_setnonblock(c->pc, 1, errbuf) != 0) {
        rc = nr_err_set(err, NR_EIO, "interface", "%s: %s", iface, errbuf);
        goto out;
    }
out:
    if (rc != 0) {
        nr_capture_close(c);
        return rc;
    }
    *out = c;
    return 0;
}

static void count(struct nr_capture_stats *st, const struct nr_pkt *p)
{
    st->packets++;
    st->bytes += p->wirelen;
    switch (p->status) {
    case NR_PKT_OK:
        st->ip++;
        if (p->src.ver == 6)
            st->ipv6++;
        if (p->fragment)
            st->fragments++;
        break;
    case NR_PKT_NOT_IP:
        st->not_ip++;
        break;
    case NR_PKT_TRUNCATED:
        st->truncated++;
        break;
    case NR_PKT_MALFORMED:
        st->malformed++;
        break;
    }
    if (p->vlan != 0)
        st->vlan_tagged++;
}

int nr_capture_next(struct nr_capture *c, struct nr_pkt *p, struct nr_err *err)
{
    struct pcap_pkthdr *h;
    const u_char *data;
    int st;

    st = pcap_next_ex(c->pc, &h, &data);
    if (st == 0 && c->live) {
        struct pollfd pfd = {.fd = pcap_get_selectable_fd(c->pc), .events = POLLIN};
        /* EINTR (a stop signal) and the timeout both return 2: the caller looks at its clock
         * and its stop flag. */
        if (pfd.fd < 0 || poll(&pfd, 1, LIVE_TIMEOUT_MS) <= 0)
            return 2;
        st = pcap_next_ex(c->pc, &h, &data);
    }
    if (st == 1) {
        c->num++;
        p->num = c->num;
        p->ts_us = (uint64_t)h->ts.tv_sec * 1000000u + (uint64_t)h->ts.tv_usec;
        nr_pkt_decode(c->st.dlt, data, h->caplen, h->len, p);
        count(&c->st, p);
        if (c->file != NULL && c->num % OFFSET_EVERY == 0)
            c->st.file_offset = (uint64_t)ftell(c->file);
        return 1;
    }
    if (st == 0)
        return 2;
    if (c->file != NULL)
        c->st.file_offset = (uint64_t)ftell(c->file);
    if (st == PCAP_ERROR_BREAK)
        return 0;
    return nr_err_set(err, c->live ? NR_EIO : NR_EPARSE, "capture", "packet %llu: %s",
                      (unsigned long long)c->num + 1, pcap_geterr(c->pc));
}

void nr_capture_break(struct nr_capture *c)
{
    if (c != NULL && c->pc != NULL)
        pcap_breakloop(c->pc);
}

const struct nr_capture_stats *nr_capture_stats(struct nr_capture *c)
{
    struct pcap_stat ps;

    if (c->live && c->pc != NULL && pcap_stats(c->pc, &ps) == 0)
        c->st.dropped = ps.ps_drop;
    return &c->st;
}

void nr_capture_close(struct nr_capture *c)
{
    if (c == NULL)
        return;
    if (c->pc != NULL)
        pcap_close(c->pc); /* closes c->file too */
    nr_free(c->iobuf);
    nr_free(c);
}
