/*
 * ndpi.c - the nDPI 4.2 adapter of appdec.h (struct nr_ndpi, nr_ndpi_feed and friends): the only
 * file that includes nDPI's headers, so that the rest of the engine speaks in NR_RISK_* and
 * plain strings and a later nDPI changes one file.
 *
 * nDPI keeps about 700 bytes of state per flow; a capture of a million packets has hundreds of
 * thousands of flows, most decided within their first packets. The state is therefore allocated
 * on a flow's first packet and handed back to the caller to free as soon as nDPI has decided,
 * which is when the protocol is known and nDPI wants no more packets for extra dissection, or
 * after 24 packets when detection gives up with its best guess.
 */
#include "netreview/appdec.h"

#include <ndpi/ndpi_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netreview/banned.h"

#define NDPI_PACKET_BUDGET 24

struct nr_ndpi {
    struct ndpi_detection_module_struct *mod;
    size_t flows_held;
};

/* nDPI's flow state comes first so that ndpi_flow_free, which frees the flow's own allocations
 * and then the pointer it is given, frees the whole of this struct. */
struct nr_ndpi_flow {
    struct ndpi_flow_struct flow;
    struct nr_ndpi *owner;
    uint32_t pkts;
};

int nr_ndpi_new(struct nr_ndpi **out, struct nr_err *err)
{
    struct nr_ndpi *n;
    NDPI_PROTOCOL_BITMASK all;

    *out = NULL;
    n = nr_calloc(1, sizeof(*n));
    n->mod = ndpi_init_detection_module(ndpi_no_prefs);
    if (n->mod == NULL) {
        nr_free(n);
        return nr_err_set(err, NR_ENOMEM, "ndpi", "cannot initialise the ndpi detection module");
    }
    NDPI_BITMASK_SET_ALL(all);
    ndpi_set_protocol_detection_bitmask2(n->mod, &all);
    ndpi_finalize_initialization(n->mod);
    *out = n;
    return 0;
}

void nr_ndpi_free(struct nr_ndpi *n)
{
    if (n == NULL)
        return;
    ndpi_exit_detection_module(n->mod);
    nr_free(n);
}

size_t nr_ndpi_flows_held(const struct nr_ndpi *n)
{
    return n->flows_held;
}

static uint32_t risk_flags(uint32_t category, ndpi_risk r)
{
    static const struct {
        ndpi_risk_enum risk;
        uint32_t flag;
    } map[] = {
        {NDPI_CLEAR_TEXT_CREDENTIALS, NR_RISK_CLEAR_TEXT_CREDENTIALS},
        {NDPI_UNSAFE_PROTOCOL, NR_RISK_UNSAFE_PROTOCOL},
        {NDPI_DESKTOP_OR_FILE_SHARING_SESSION, NR_RISK_REMOTE_ACCESS},
        {NDPI_KNOWN_PROTOCOL_ON_NON_STANDARD_PORT, NR_RISK_KNOWN_PORT_MISMATCH},
        {NDPI_TLS_OBSOLETE_VERSION, NR_RISK_OBSOLETE_TLS},
        {NDPI_TLS_WEAK_CIPHER, NR_RISK_OBSOLETE_TLS},
        {NDPI_TLS_SELFSIGNED_CERTIFICATE, NR_RISK_SELF_SIGNED},
        {NDPI_SUSPICIOUS_DGA_DOMAIN, NR_RISK_SUSPICIOUS_DGA},
        {NDPI_BINARY_APPLICATION_TRANSFER, NR_RISK_BINARY_TRANSFER},
    };
    uint32_t flags = 0;

    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        ndpi_risk bit = (ndpi_risk)1 << map[i].risk;
        if (r & bit) {
            flags |= map[i].flag;
            r &= ~bit;
        }
    }
    if (r != 0)
        flags |= NR_RISK_OTHER;
    if (category == NDPI_PROTOCOL_CATEGORY_REMOTE_ACCESS)
        flags |= NR_RISK_REMOTE_ACCESS;
    return flags;
}

/* Copies s into out, cut to fit: nDPI's names are longer than the result's fields only for
 * custom protocols. */
static void put(char *out, size_t cap, const char *s)
{
    size_t k = s != NULL ? strlen(s) : 0;
    if (k >= cap)
        k = cap - 1;
    memcpy(out, s != NULL ? s : "", k);
    out[k] = '\0';
}

static void fill(struct nr_ndpi *n, struct nr_ndpi_flow *fs, ndpi_protocol proto,
                 struct nr_ndpi_result *res)
{
    char name[64];
    ndpi_protocol_category_t cat = proto.category;
    uint16_t app =
        proto.app_protocol != NDPI_PROTOCOL_UNKNOWN ? proto.app_protocol : proto.master_protocol;

    /* A category nDPI did not set on the verdict is the protocol's default one. */
    if (cat == NDPI_PROTOCOL_CATEGORY_UNSPECIFIED)
        cat = ndpi_get_proto_category(n->mod, proto);
    ndpi_protocol2name(n->mod, proto, name, sizeof(name));
    put(res->proto, sizeof(res->proto), name);
    put(res->app, sizeof(res->app), ndpi_get_proto_name(n->mod, app));
    put(res->category, sizeof(res->category), ndpi_category_get_name(n->mod, cat));
    res->risks = risk_flags(cat, fs->flow.risk);
}

bool nr_ndpi_feed(struct nr_ndpi *n, struct nr_ndpi_flow **fs, const struct nr_pkt *p,
                  struct nr_ndpi_result *res)
{
    struct nr_ndpi_flow *f = *fs;
    ndpi_protocol proto;
    uint32_t len = p->l3_len;

    if (f == NULL) {
        f = ndpi_flow_malloc(sizeof(*f));
        if (f == NULL) {
            /* As nr_malloc does: out of memory is not an error a caller could handle. */
            fprintf(stderr, "netreview: out of memory allocating %zu bytes\n", sizeof(*f));
            abort();
        }
        memset(f, 0, sizeof(*f));
        f->owner = n;
        n->flows_held++;
        *fs = f;
    }
    /* An IP packet is at most 65535 bytes; a longer l3_len can only be a capture artefact. */
    if (len > 0xffff)
        len = 0xffff;
    proto = ndpi_detection_process_packet(n->mod, &f->flow, p->l3, (unsigned short)len,
                                          p->ts_us / 1000);
    f->pkts++;
    res->decided = false;
    if ((proto.app_protocol != NDPI_PROTOCOL_UNKNOWN ||
         proto.master_protocol != NDPI_PROTOCOL_UNKNOWN) &&
        !ndpi_extra_dissection_possible(n->mod, &f->flow)) {
        res->decided = true;
    } else if (f->pkts >= NDPI_PACKET_BUDGET) {
        uint8_t guessed = 0;
        proto = ndpi_detection_giveup(n->mod, &f->flow, 1, &guessed);
        res->decided = true;
    }
    /* Names cost three lookups and a formatted string: a million packets of undecided flows
     * only need the risks so far. */
    if (res->decided)
        fill(n, f, proto, res);
    else
        res->risks = risk_flags(proto.category, f->flow.risk);
    return res->decided;
}

void nr_ndpi_giveup(struct nr_ndpi *n, struct nr_ndpi_flow *fs, struct nr_ndpi_result *res)
{
    uint8_t guessed = 0;
    ndpi_protocol proto = ndpi_detection_giveup(n->mod, &fs->flow, 1, &guessed);

    fill(n, fs, proto, res);
    res->decided = true;
}

void nr_ndpi_flow_free(struct nr_ndpi_flow *fs)
{
    if (fs == NULL)
        return;
    fs->owner->flows_held--;
    ndpi_flow_free(fs);
}

const char *nr_ndpi_risk_names(uint32_t risks, char *out, size_t n)
{
    static const struct {
        uint32_t flag;
        const char *name;
    } names[] = {
        {NR_RISK_CLEAR_TEXT_CREDENTIALS, "clear_text_credentials"},
        {NR_RISK_UNSAFE_PROTOCOL, "unsafe_protocol"},
        {NR_RISK_REMOTE_ACCESS, "remote_access"},
        {NR_RISK_KNOWN_PORT_MISMATCH, "known_port_mismatch"},
        {NR_RISK_OBSOLETE_TLS, "obsolete_tls"},
        {NR_RISK_SELF_SIGNED, "self_signed"},
        {NR_RISK_SUSPICIOUS_DGA, "suspicious_dga"},
        {NR_RISK_BINARY_TRANSFER, "binary_transfer"},
        {NR_RISK_OTHER, "other"},
    };
    size_t len = 0;

    if (n == 0)
        return out;
    out[0] = '\0';
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        int w;
        if (!(risks & names[i].flag))
            continue;
        w = snprintf(out + len, n - len, "%s%s", len > 0 ? "," : "", names[i].name);
        if (w < 0 || (size_t)w >= n - len) {
            /* Never leave half a name: cut at the last whole one. */
            out[len] = '\0';
            break;
        }
        len += (size_t)w;
    }
    return out;
}

const char *nr_ndpi_version(void)
{
    return ndpi_revision();
}
