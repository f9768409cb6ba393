/*
 * fuzz_pkt_decode.c - libFuzzer target for the frame decoder of pkt.h (src/traffic/decode.c).
 * The first byte picks one of the supported link types, the rest is the frame. Each frame is
 * decoded twice, as captured whole and as cut by a snap length, and whatever the status, every
 * pointer the decoder hands out must lie within the captured bytes and the lengths must agree;
 * any violation aborts. Reads past the frame are caught by ASan, as the frame is the fuzzer's
 * exactly-sized buffer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netreview/pkt.h"

#include <pcap/dlt.h>

#include "netreview/banned.h"

static const int dlts[] = {DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW,
                           DLT_IPV4,   DLT_IPV6,      DLT_NULL,       DLT_LOOP};

static void check(int dlt, const uint8_t *frame, uint32_t caplen, uint32_t wirelen)
{
    struct nr_pkt p;
    enum nr_pkt_status st;

    memset(&p, 0, sizeof(p));
    p.num = 1;
    st = nr_pkt_decode(dlt, frame, caplen, wirelen, &p);
    if (st != p.status || st > NR_PKT_MALFORMED || p.num != 1 || p.caplen != caplen)
        abort();
    if (p.l3 != NULL && (p.l3 < frame || p.l3_len > caplen || p.l3 + p.l3_len > frame + caplen))
        abort();
    if (p.payload != NULL) {
        if (p.payload < frame || p.payload_len == 0 || p.payload_len > caplen ||
            p.payload + p.payload_len > frame + caplen)
            abort();
        if (p.l3 == NULL || p.payload < p.l3 || p.payload + p.payload_len > p.l3 + p.l3_len)
            abort();
    }
    if (st != NR_PKT_OK)
        return;
    if ((p.src.ver != 4 && p.src.ver != 6) || p.src.ver != p.dst.ver || p.l3 == NULL)
        abort();
    if (p.l3_len > p.ip_len || p.payload_len > p.payload_wire_len || p.payload_wire_len > p.ip_len)
        abort();
    if (p.payload == NULL && p.payload_len != 0)
        abort();
    if (p.first_fragment && !p.fragment)
        abort();
    if (p.fragment && !p.first_fragment && (p.sport || p.dport || p.payload))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint32_t caplen;

    if (size < 1 || size > 262144)
        return 0;
    caplen = (uint32_t)(size - 1);
    check(dlts[data[0] % (sizeof(dlts) / sizeof(dlts[0]))], data + 1, caplen, caplen);
    check(dlts[data[0] % (sizeof(dlts) / sizeof(dlts[0]))], data + 1, caplen, caplen + 1500);
    return 0;
}
