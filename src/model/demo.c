/*
 * demo.c - the demonstration data set (interface: review.h, nr_demo_load): a living review
 * system on a new installation of the cn-2017 procedure. Every name in it (organisations,
 * people, products, domains, addresses) is fictional; addresses and domains come from the
 * ranges reserved for documentation (RFC 5737, RFC 2606).
 *
 * Everything is done through the public functions of review.h, each as the user whose job it
 * is, so that the audit log is the real history of the data and every rule of the procedure is
 * honoured: the protection departments scope, the office accepts, providers sign their
 * commitments, institutions report, experts score, the office decides and publishes.
 *
 * What it holds: 21 organisations over the telecom, finance and energy sectors; one user per
 * role (29 users, all with the given password); 9 experts, two of them conflicted with a pair
 * of competing providers; 3 designated institutions; 20 products with versions, CPE 2.3 names
 * and package URLs; 17 cases, at least one in every phase of the procedure (scoping,
 * acceptance with the clock paused, evaluation with tasks, evidence and findings, expert review
 * with a recusal and partial scores, special review, decided, published with each outcome and
 * each visibility, not required, refused, withdrawn, closed by a re-review), one case grouped
 * from complaints, one overdue case, and complaints that no case has taken up yet.
 *
 * The whole load is one transaction: a demo that fails half way leaves nothing but the
 * encrypted evidence files it had already stored (content-addressed, so harmless).
 */
#include "netreview/review.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netreview/banned.h"

#define DEMO_FILE_MAX 8192

struct demo {
    struct nr_review *rv;
    const char *password;
    struct nr_actor admin;
    struct nr_err *err;
    char dir[512]; /* temporary directory of the evidence files, "" when not made */
    int32_t today;
};

/* ---- the registry ---- */

struct demo_org {
    const char *name, *kind, *sector;
    bool cii;
};

static const struct demo_org demo_orgs[] = {
    {"Network Security Review Committee", "committee", NULL, false},
    {"Network Security Review Office", "office", NULL, false},
    {"Network Security Review Experts Committee", "experts_committee", NULL, false},
    {"Northgate Evaluation Centre", "institution", NULL, false},
    {"Meridian Product Testing Laboratory", "institution", NULL, false},
    {"Harbour Information Assurance Institute", "institution", NULL, false},
    {"Telecom Infrastructure Protection Bureau", "protection_dept", "telecom", false},
    {"Financial Infrastructure Protection Bureau", "protection_dept", "finance", false},
    {"Energy Infrastructure Protection Bureau", "protection_dept", "energy", false},
    {"Financial Sector Supervision Department", "sector_dept", "finance", false},
    {"Lakeside Commercial Bank", "operator", "finance", true},
    {"Silverline Telecom", "operator", "telecom", true},
    {"Eastern Grid Power Company", "operator", "energy", true},
    {"Brightwave Networks", "provider", NULL, false},
    {"Quillon Systems", "provider", NULL, false},
    {"Tessera Software", "provider", NULL, false},
    {"Nimbus Cloudworks", "provider", NULL, false},
    {"Halcyon Devices", "provider", NULL, false},
    {"Orchid Data Security", "provider", NULL, false},
    {"Network Equipment Industry Association", "association", NULL, false},
    {"State Information Technology Department", "state_dept", NULL, false},
};

#define DEMO_EXPERTS_ORG "Network Security Review Experts Committee"
#define DEMO_LAB1        "Northgate Evaluation Centre"
#define DEMO_LAB2        "Meridian Product Testing Laboratory"
#define DEMO_LAB3        "Harbour Information Assurance Institute"

struct demo_user {
    const char *login, *name, *org, *role;
};

static const struct demo_user demo_users[] = {
    {"committee", "Li Wenjing", "Network Security Review Committee", "committee"},
    {"office", "Zhao Min", "Network Security Review Office", "office"},
    {"expert1", "Chen Yutong", DEMO_EXPERTS_ORG, "expert"},
    {"expert2", "Wang Haoran", DEMO_EXPERTS_ORG, "expert"},
    {"expert3", "Liu Fang", DEMO_EXPERTS_ORG, "expert"},
    {"expert4", "Huang Zhiqiang", DEMO_EXPERTS_ORG, "expert"},
    {"expert5", "Xu Jingyi", DEMO_EXPERTS_ORG, "expert"},
    {"expert6", "Ma Lin", DEMO_EXPERTS_ORG, "expert"},
    {"expert7", "Guo Peng", DEMO_EXPERTS_ORG, "expert"},
    {"expert8", "He Xiaoyu", DEMO_EXPERTS_ORG, "expert"},
    {"expert9", "Lin Qiang", DEMO_EXPERTS_ORG, "expert"},
    {"lab1", "Sun Hao", DEMO_LAB1, "institution"},
    {"lab2", "Zhu Yan", DEMO_LAB2, "institution"},
    {"lab3", "Hu Jie", DEMO_LAB3, "institution"},
    {"protect-telecom", "Gao Lei", "Telecom Infrastructure Protection Bureau", "protection_dept"},
    {"protect-finance", "Luo Ping", "Financial Infrastructure Protection Bureau",
     "protection_dept"},
    {"protect-energy", "Zheng Wei", "Energy Infrastructure Protection Bureau", "protection_dept"},
    {"finance-dept", "Tang Xue", "Financial Sector Supervision Department", "sector_dept"},
    {"bank-ops", "Feng Yi", "Lakeside Commercial Bank", "operator"},
    {"telecom-ops", "Cao Rui", "Silverline Telecom", "operator"},
    {"grid-ops", "Deng Kai", "Eastern Grid Power Company", "operator"},
    {"vendor1", "Peng Shu", "Brightwave Networks", "provider"},
    {"vendor2", "Cai Ning", "Quillon Systems", "provider"},
    {"vendor3", "Yuan Bo", "Tessera Software", "provider"},
    {"vendor4", "Jiang Hui", "Nimbus Cloudworks", "provider"},
    {"vendor5", "Lu Yao", "Halcyon Devices", "provider"},
    {"vendor6", "Wei Dong", "Orchid Data Security", "provider"},
    {"association", "Shen Li", "Network Equipment Industry Association", "association"},
    {"state", "Han Jun", "State Information Technology Department", "state_dept"},
};

static const char *const demo_expert_fields[] = {
    "network equipment security", "applied cryptography",
    "industrial control systems", "cloud services and data protection",
    "supply-chain security",      "financial systems",
    "telecom core networks",      "software assurance",
    "privacy and data law",
};

struct demo_institution {
    const char *org, *methods, *ref;
};

static const struct demo_institution demo_institutions[] = {
    {DEMO_LAB1, "lab_testing,on_site_inspection,background_investigation", "DES-2024-001"},
    {DEMO_LAB2, "lab_testing,online_monitoring,on_site_inspection", "DES-2024-002"},
    {DEMO_LAB3, "lab_testing,online_monitoring,background_investigation", "DES-2024-003"},
};

/* A product: CPE part, vendor and product; the package URL's base; its versions. */
struct demo_product {
    const char *name, *kind, *provider, *description;
    const char *cpe_part, *cpe_vendor, *cpe_product, *purl_base;
    const char *versions[3];
};

static const struct demo_product demo_products[] = {
    {"BW Edge Router 7000",
     "product",
     "Brightwave Networks",
     "Carrier-grade edge router for provincial backbone networks.",
     "h",
     "brightwave",
     "bw_edge_router_7000",
     "pkg:generic/brightwave/bw-edge-router-7000",
     {"7.1.0", "7.2.3", "8.0.1"}},
    {"BW Core Switch 9400",
     "product",
     "Brightwave Networks",
     "Modular data-centre core switch.",
     "h",
     "brightwave",
     "bw_core_switch_9400",
     "pkg:generic/brightwave/bw-core-switch-9400",
     {"3.4.2", "3.5.0", NULL}},
    {"BW Firewall OS",
     "product",
     "Brightwave Networks",
     "Operating system of Brightwave's next-generation firewalls, with IPsec VPN.",
     "o",
     "brightwave",
     "bw_firewall_os",
     "pkg:generic/brightwave/bw-firewall-os",
     {"4.2.1", "4.3.0", "5.0.0"}},
    {"Quillon QX Access Router",
     "product",
     "Quillon Systems",
     "Access router for metropolitan broadband aggregation.",
     "h",
     "quillon",
     "qx_access_router",
     "pkg:generic/quillon/qx-access-router",
     {"2.8.0", "2.9.1", NULL}},
    {"Quillon Secure VPN Gateway",
     "product",
     "Quillon Systems",
     "Remote-access VPN gateway for network operations staff.",
     "a",
     "quillon",
     "secure_vpn_gateway",
     "pkg:generic/quillon/secure-vpn-gateway",
     {"6.0.2", "6.1.0", NULL}},
    {"Quillon NetManager",
     "product",
     "Quillon Systems",
     "Element management system that configures and updates Quillon devices.",
     "a",
     "quillon",
     "netmanager",
     "pkg:generic/quillon/netmanager",
     {"11.2", "11.3", NULL}},
    {"Tessera Database Server",
     "product",
     "Tessera Software",
     "Relational database server for transaction processing.",
     "a",
     "tessera",
     "database_server",
     "pkg:generic/tessera/database-server",
     {"12.4.1", "13.0.0", "13.1.2"}},
    {"Tessera Core Banking Suite",
     "product",
     "Tessera Software",
     "Core ledger, deposits and payments for retail banks.",
     "a",
     "tessera",
     "core_banking_suite",
     "pkg:generic/tessera/core-banking-suite",
     {"5.2.0", "5.3.1", NULL}},
    {"Tessera Identity Manager",
     "product",
     "Tessera Software",
     "Identity and access management for staff and customers.",
     "a",
     "tessera",
     "identity_manager",
     "pkg:generic/tessera/identity-manager",
     {"3.1.0", NULL, NULL}},
    {"Nimbus Cloud Storage",
     "service",
     "Nimbus Cloudworks",
     "Object and block storage service hosted by Nimbus Cloudworks.",
     "a",
     "nimbus",
     "cloud_storage",
     "pkg:generic/nimbus/cloud-storage",
     {"2025.03", "2025.09", NULL}},
    {"Nimbus Managed Kubernetes",
     "service",
     "Nimbus Cloudworks",
     "Managed container orchestration service.",
     "a",
     "nimbus",
     "managed_kubernetes",
     "pkg:generic/nimbus/managed-kubernetes",
     {"1.29", "1.30", NULL}},
    {"Nimbus Object Gateway",
     "product",
     "Nimbus Cloudworks",
     "On-premises gateway that tiers local storage to Nimbus Cloud Storage.",
     "a",
     "nimbus",
     "object_gateway",
     "pkg:docker/nimbus/object-gateway",
     {"2.1.0", "2.2.0", NULL}},
    {"Halcyon Smart Meter Controller",
     "product",
     "Halcyon Devices",
     "Data concentrator for residential smart electricity meters.",
     "h",
     "halcyon",
     "smart_meter_controller",
     "pkg:generic/halcyon/smart-meter-controller",
     {"1.8.2", "1.9.0", NULL}},
    {"Halcyon SCADA Gateway",
     "product",
     "Halcyon Devices",
     "Protocol gateway between substation devices and the dispatch centre.",
     "h",
     "halcyon",
     "scada_gateway",
     "pkg:generic/halcyon/scada-gateway",
     {"4.0.3", NULL, NULL}},
    {"Halcyon Substation RTU",
     "product",
     "Halcyon Devices",
     "Remote terminal unit for transmission substations.",
     "h",
     "halcyon",
     "substation_rtu",
     "pkg:generic/halcyon/substation-rtu",
     {"2.2.0", "2.3.1", NULL}},
    {"Orchid Endpoint Agent",
     "product",
     "Orchid Data Security",
     "Endpoint detection and response agent for servers and workstations.",
     "a",
     "orchid",
     "endpoint_agent",
     "pkg:generic/orchid/endpoint-agent",
     {"9.4.0", "9.5.2", NULL}},
    {"Orchid Log Collector",
     "product",
     "Orchid Data Security",
     "Collects and forwards system and application logs.",
     "a",
     "orchid",
     "log_collector",
     "pkg:deb/orchid/orchid-log-collector",
     {"3.0.0", "3.1.4", NULL}},
    {"Orchid Hardware Security Module",
     "product",
     "Orchid Data Security",
     "Network-attached hardware security module for payment keys.",
     "h",
     "orchid",
     "hardware_security_module",
     "pkg:generic/orchid/hardware-security-module",
     {"7.0.1", NULL, NULL}},
    {"Orchid Mobile Banking SDK",
     "product",
     "Orchid Data Security",
     "Software development kit for banks' mobile apps: login, payments, fraud analytics.",
     "a",
     "orchid",
     "mobile_banking_sdk",
     "pkg:maven/com.orchid-data/mobile-banking-sdk",
     {"3.4.0", "3.5.0", NULL}},
    {"Orchid Threat Intelligence Feed",
     "service",
     "Orchid Data Security",
     "Subscription feed of indicators of compromise.",
     "a",
     "orchid",
     "threat_intelligence_feed",
     "pkg:generic/orchid/threat-intelligence-feed",
     {"2.0", NULL, NULL}},
};

/* ---- what the demo needs of the procedure ---- */

static const char *const demo_need_phases[] = {
    "scoping",   "acceptance",   "evaluation", "expert_review", "special_review", "decided",
    "published", "not_required", "refused",    "withdrawn",     "closed",
};
static const char *const demo_need_triggers[] = {
    "procurement_declaration",    "provider_application", "state_requirement",
    "association_recommendation", "complaints",           "re_review",
};
static const char *const demo_need_transitions[] = {
    "scope_in", "scope_out", "accept",   "refuse",    "submit_to_experts", "open_special_review",
    "decide",   "publish",   "withdraw", "supersede",
};
static const char *const demo_need_methods[] = {
    "lab_testing",
    "on_site_inspection",
    "online_monitoring",
    "background_investigation",
};
static const char *const demo_need_categories[] = {
    "control",
    "supply_chain",
    "user_data",
    "dependence",
};
static const char *const demo_need_levels[] = {"none", "low", "medium", "high", "critical"};

/* The data set is a story told in the phases of cn-2017; another procedure gets a clear
 * refusal before anything is written, not a half-loaded demo. */
static int demo_check_procedure(struct nr_review *rv, struct nr_err *err)
{
    const struct nr_procedure *p = &rv->proc;
    const char *kind = NULL, *missing = NULL;

    for (size_t i = 0; !missing && i < NR_ARRAY_LEN(demo_need_phases); i++)
        if (nr_procedure_phase(p, demo_need_phases[i]) == NULL)
            kind = "phase", missing = demo_need_phases[i];
    for (size_t i = 0; !missing && i < NR_ARRAY_LEN(demo_need_triggers); i++)
        if (nr_procedure_trigger(p, demo_need_triggers[i]) == NULL)
            kind = "trigger", missing = demo_need_triggers[i];
    for (size_t i = 0; !missing && i < NR_ARRAY_LEN(demo_need_transitions); i++)
        if (nr_procedure_transition(p, demo_need_transitions[i]) == NULL)
            kind = "transition", missing = demo_need_transitions[i];
    for (size_t i = 0; !missing && i < NR_ARRAY_LEN(demo_need_methods); i++)
        if (!nr_procedure_has_method(p, demo_need_methods[i]))
            kind = "evaluation method", missing = demo_need_methods[i];
    for (size_t i = 0; !missing && i < NR_ARRAY_LEN(demo_need_categories); i++)
        if (!nr_procedure_has_category(p, demo_need_categories[i]))
            kind = "risk category", missing = demo_need_categories[i];
    for (size_t i = 0; !missing && i < NR_ARRAY_LEN(demo_need_levels); i++)
        if (nr_procedure_level(p, demo_need_levels[i]) < 0)
            kind = "scoring level", missing = demo_need_levels[i];
    if (missing)
        return nr_err_set(err, NR_EPRECOND, "procedure",
                          "the demo data follows procedure cn-2017, and procedure %s has no %s "
                          "%s; initialise the demo database with --procedure cn-2017",
                          p->id, kind, missing);
    /* Panels are named with five experts, of whom one may be excluded. */
    if (p->panel_size < 1 || p->panel_size > 5 || p->ndimensions == 0)
        return nr_err_set(err, NR_EPRECOND, "procedure",
                          "the demo data forms panels of up to 5 experts; procedure %s asks for "
                          "%d; initialise the demo database with --procedure cn-2017",
                          p->id, p->panel_size);
    return 0;
}

/* ---- steps, each as a user, each failure named ---- */

/* Records a step's failure with what the demo was doing; returns rc. */
static int demo_fail(struct demo *d, int rc, const char *what, const struct nr_err *local)
{
    return nr_err_set(d->err, rc, local->field[0] ? local->field : NULL, "demo data: %s: %s", what,
                      local->code && local->msg[0] ? local->msg : nr_strerror(rc));
}

static int demo_as(struct demo *d, const char *login, struct nr_actor *a)
{
    struct nr_err e;
    int rc;

    nr_err_init(&e);
    rc = nr_actor_load(d->rv, login, a, &e);
    return rc ? demo_fail(d, rc, login, &e) : 0;
}

static void demo_date(struct demo *d, int offset, char out[NR_DATE_STR])
{
    nr_date_fmt(d->today + offset, out);
}

static int demo_registry(struct demo *d)
{
    char from[NR_DATE_STR], until[NR_DATE_STR], what[160], cpe[256], purl[256];
    struct nr_err e;
    int64_t id = 0, a = 0, b = 0;
    int rc = 0;

    nr_err_init(&e);
    for (size_t i = 0; rc == 0 && i < NR_ARRAY_LEN(demo_orgs); i++) {
        struct nr_org_spec o = {demo_orgs[i].name, demo_orgs[i].kind, demo_orgs[i].sector, NULL,
                                demo_orgs[i].cii};
        rc = nr_org_add(d->rv, &d->admin, &o, &id, &e);
        if (rc) {
            snprintf(what, sizeof(what), "organisation %s", demo_orgs[i].name);
            return demo_fail(d, rc, what, &e);
        }
    }
    /* R6, R10: a declared competitor pair; an affiliation with either side is a conflict on
     * the other's cases. */
    rc = nr_org_find(d->rv, "Brightwave Networks", &a, &e);
    if (rc == 0)
        rc = nr_org_find(d->rv, "Quillon Systems", &b, &e);
    if (rc == 0)
        rc = nr_org_competitor_add(d->rv, &d->admin, a, b, &e);
    if (rc)
        return demo_fail(d, rc, "competitors", &e);

    for (size_t i = 0; i < NR_ARRAY_LEN(demo_users); i++) {
        struct nr_user_spec u = {demo_users[i].login, demo_users[i].name, demo_users[i].org,
                                 demo_users[i].role, d->password};
        rc = nr_user_add(d->rv, &d->admin, &u, &id, &e);
        if (rc) {
            snprintf(what, sizeof(what), "user %s", demo_users[i].login);
            return demo_fail(d, rc, what, &e);
        }
    }

    /* R5: designations and appointments in force from some time ago for three years. */
    demo_date(d, -400, from);
    demo_date(d, 3 * 365, until);
    for (size_t i = 0; i < NR_ARRAY_LEN(demo_institutions); i++) {
        struct nr_institution_spec s = {demo_institutions[i].org, demo_institutions[i].methods,
                                        from, until, demo_institutions[i].ref};
        rc = nr_institution_designate(d->rv, &d->admin, &s, &id, &e);
        if (rc) {
            snprintf(what, sizeof(what), "designating %s", demo_institutions[i].org);
            return demo_fail(d, rc, what, &e);
        }
    }
    for (size_t i = 0; i < NR_ARRAY_LEN(demo_expert_fields); i++) {
        char login[16];
        snprintf(login, sizeof(login), "expert%zu", i + 1);
        rc =
            nr_expert_appoint(d->rv, &d->admin, login, demo_expert_fields[i], from, until, &id, &e);
        if (rc) {
            snprintf(what, sizeof(what), "appointing %s", login);
            return demo_fail(d, rc, what, &e);
        }
    }
    /* R6, R10: two experts and one institution with ties to providers. */
    rc = nr_affiliation_add(d->rv, &d->admin, "expert", "expert8", "Brightwave Networks",
                            "former_employee", &e);
    if (rc == 0)
        rc = nr_affiliation_add(d->rv, &d->admin, "expert", "expert9", "Quillon Systems",
                                "consultant", &e);
    if (rc == 0)
        rc = nr_affiliation_add(d->rv, &d->admin, "institution", DEMO_LAB3, "Halcyon Devices",
                                "contractor", &e);
    if (rc)
        return demo_fail(d, rc, "affiliations", &e);

    for (size_t i = 0; i < NR_ARRAY_LEN(demo_products); i++) {
        const struct demo_product *p = &demo_products[i];
        struct nr_product_spec s;
        snprintf(cpe, sizeof(cpe), "cpe:2.3:%s:%s:%s:*:*:*:*:*:*:*:*", p->cpe_part, p->cpe_vendor,
                 p->cpe_product);
        memset(&s, 0, sizeof(s));
        s.name = p->name;
        s.kind = p->kind;
        s.provider = p->provider;
        s.description = p->description;
        s.cpe = cpe;
        s.purl = p->purl_base;
        snprintf(what, sizeof(what), "product %s", p->name);
        rc = nr_product_add(d->rv, &d->admin, &s, &id, &e);
        if (rc)
            return demo_fail(d, rc, what, &e);
        for (size_t v = 0; v < NR_ARRAY_LEN(p->versions) && p->versions[v]; v++) {
            snprintf(cpe, sizeof(cpe), "cpe:2.3:%s:%s:%s:%s:*:*:*:*:*:*:*", p->cpe_part,
                     p->cpe_vendor, p->cpe_product, p->versions[v]);
            snprintf(purl, sizeof(purl), "%s@%s", p->purl_base, p->versions[v]);
            rc = nr_product_version_add(d->rv, &d->admin, id, p->versions[v], cpe, purl, &e);
            if (rc)
                return demo_fail(d, rc, what, &e);
        }
    }
    return 0;
}

static int demo_open(struct demo *d, const char *login, const struct nr_case_spec *s, int64_t *id)
{
    struct nr_actor a;
    struct nr_err e;
    char what[200];
    int rc = demo_as(d, login, &a);

    if (rc)
        return rc;
    nr_err_init(&e);
    rc = nr_case_open(d->rv, &a, s, id, &e);
    if (rc) {
        snprintf(what, sizeof(what), "%s opening a case (%s) on %s", login, s->trigger, s->product);
        return demo_fail(d, rc, what, &e);
    }
    return 0;
}

static int demo_move(struct demo *d, const char *login, int64_t id, const char *transition,
                     const char *reason, const struct nr_decision_spec *dec)
{
    struct nr_actor a;
    struct nr_err e;
    char what[160];
    int rc = demo_as(d, login, &a);

    if (rc)
        return rc;
    nr_err_init(&e);
    rc = nr_case_transition(d->rv, &a, id, transition, reason, dec, &e);
    if (rc) {
        snprintf(what, sizeof(what), "case %lld: %s by %s", (long long)id, transition, login);
        return demo_fail(d, rc, what, &e);
    }
    return 0;
}

static int demo_commitment(struct demo *d, const char *login, int64_t id, const char *product)
{
    struct nr_actor a;
    struct nr_err e;
    char what[160], *text;
    int rc = demo_as(d, login, &a);

    if (rc)
        return rc;
    /* R3: the provider's own declaration, in the words the Measures ask for. */
    text = nr_asprintf("Security commitment for %s.\n\n"
                       "We commit that the product contains no hidden functions, backdoors or "
                       "means of remote control beyond those documented; that it collects, "
                       "stores and transmits no user information beyond what its documentation "
                       "declares; that we will not use users' reliance on it to force upgrades, "
                       "withdraw support without twelve months' notice or harm their interests; "
                       "and that we will disclose the origin of its key components and tell the "
                       "review office of any change in them.",
                       product);
    nr_err_init(&e);
    rc = nr_commitment_sign(d->rv, &a, id, text, &e);
    nr_free(text);
    if (rc) {
        snprintf(what, sizeof(what), "case %lld: commitment by %s", (long long)id, login);
        return demo_fail(d, rc, what, &e);
    }
    return 0;
}

/* ---- small real evidence files ---- */

static void demo_be16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void demo_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void demo_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static uint32_t demo_sum(const uint8_t *p, size_t n, uint32_t sum)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (n & 1)
        sum += (uint32_t)(p[n - 1] << 8);
    return sum;
}

static unsigned demo_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (unsigned)(~sum & 0xffff);
}

/* Appends one Ethernet/IPv4 frame carrying a UDP (17) or TCP (6) segment with payload, as a
 * pcap record, with correct IP, UDP and TCP checksums so that analysers take it as real. */
static void demo_pcap_packet(struct nr_buf *b, uint32_t ts, int proto, const uint8_t src[4],
                             const uint8_t dst[4], unsigned sport, unsigned dport,
                             const void *payload, size_t plen)
{
    uint8_t f[1600], rec[16], pseudo[12];
    size_t l4 = proto == 6 ? 20 : 8, ip_len = 20 + l4 + plen, len = 14 + ip_len;
    uint8_t *ip = f + 14, *seg = ip + 20;
    uint32_t sum;

    memset(f, 0, sizeof(f));
    /* Locally administered MAC addresses. */
    memcpy(f, "\x02\x00\x5e\x10\x00\x01\x02\x00\x5e\x10\x00\x02\x08\x00", 14);
    ip[0] = 0x45;
    demo_be16(ip + 2, (unsigned)ip_len);
    demo_be16(ip + 4, 0x1c46);
    demo_be16(ip + 6, 0x4000);
    ip[8] = 64;
    ip[9] = (uint8_t)proto;
    memcpy(ip + 12, src, 4);
    memcpy(ip + 16, dst, 4);
    demo_be16(ip + 10, demo_fold(demo_sum(ip, 20, 0)));
    demo_be16(seg, sport);
    demo_be16(seg + 2, dport);
    if (proto == 6) {
        demo_be32(seg + 4, 0x3a1f0c01);
        demo_be32(seg + 8, 0x7b2e9d10);
        seg[12] = 5 << 4;
        seg[13] = 0x18; /* PSH, ACK */
        demo_be16(seg + 14, 64240);
    } else {
        demo_be16(seg + 4, (unsigned)(8 + plen));
    }
    memcpy(seg + l4, payload, plen);
    memcpy(pseudo, src, 4);
    memcpy(pseudo + 4, dst, 4);
    pseudo[8] = 0;
    pseudo[9] = (uint8_t)proto;
    demo_be16(pseudo + 10, (unsigned)(l4 + plen));
    sum = demo_sum(pseudo, sizeof(pseudo), 0);
    sum = demo_sum(seg, l4 + plen, sum);
    demo_be16(seg + (proto == 6 ? 16 : 6), demo_fold(sum));
    demo_le32(rec, ts);
    demo_le32(rec + 4, 0);
    demo_le32(rec + 8, (uint32_t)len);
    demo_le32(rec + 12, (uint32_t)len);
    nr_buf_append(b, rec, sizeof(rec));
    nr_buf_append(b, f, len);
}

/* A capture of the product under test: a DNS query for an endpoint the provider did not
 * declare, then telemetry posted to it in clear text. */
static void demo_pcap(struct nr_buf *b, uint32_t ts)
{
    static const uint8_t dev[4] = {192, 0, 2, 10}, dns[4] = {198, 51, 100, 53},
                         sink[4] = {203, 0, 113, 80};
    static const uint8_t query[] = {
        0x1a, 0x2b, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 9,
        't',  'e',  'l',  'e',  'm',  'e',  't',  'r',  'y',  16,   'b',  'r',  'i',
        'g',  'h',  't',  'w',  'a',  'v',  'e',  '-',  'c',  'l',  'o',  'u',  'd',
        7,    'e',  'x',  'a',  'm',  'p',  'l',  'e',  0,    0x00, 0x01, 0x00, 0x01};
    static const char post[] = "POST /v2/collect HTTP/1.1\r\n"
                               "Host: telemetry.brightwave-cloud.example\r\n"
                               "Content-Type: application/json\r\n"
                               "Content-Length: 96\r\n\r\n"
                               "{\"serial\":\"BW7K-2231-0457\",\"neighbors\":42,"
                               "\"config_hash\":\"9f1c\",\"admin_user\":\"noc-admin\"}";
    uint8_t hdr[24];

    demo_le32(hdr, 0xa1b2c3d4);
    hdr[4] = 2, hdr[5] = 0, hdr[6] = 4, hdr[7] = 0;
    demo_le32(hdr + 8, 0);
    demo_le32(hdr + 12, 0);
    demo_le32(hdr + 16, 65535);
    demo_le32(hdr + 20, 1); /* Ethernet */
    nr_buf_append(b, hdr, sizeof(hdr));
    demo_pcap_packet(b, ts, 17, dev, dns, 53124, 53, query, sizeof(query));
    demo_pcap_packet(b, ts + 1, 6, dev, sink, 49732, 80, post, sizeof(post) - 1);
}

static const char demo_sbom[] =
    "{\n"
    "  \"bomFormat\": \"CycloneDX\",\n"
    "  \"specVersion\": \"1.5\",\n"
    "  \"version\": 1,\n"
    "  \"metadata\": {\"component\": {\"type\": \"firmware\", \"name\": \"qx-access-router\",\n"
    "    \"version\": \"2.9.1\", \"purl\": \"pkg:generic/quillon/qx-access-router@2.9.1\"}},\n"
    "  \"components\": [\n"
    "    {\"type\": \"library\", \"name\": \"openssl\", \"version\": \"1.1.1w\",\n"
    "     \"purl\": \"pkg:generic/openssl@1.1.1w\", \"supplier\": {\"name\": \"OpenSSL\"}},\n"
    "    {\"type\": \"application\", \"name\": \"busybox\", \"version\": \"1.31.1\",\n"
    "     \"purl\": \"pkg:generic/busybox@1.31.1\"},\n"
    "    {\"type\": \"application\", \"name\": \"dropbear\", \"version\": \"2019.78\",\n"
    "     \"purl\": \"pkg:generic/dropbear@2019.78\", \"supplier\": {\"name\": \"Dropbear\"}}\n"
    "  ]\n"
    "}\n";

static const char demo_firmware_scan[] =
    "Firmware scan of BW Edge Router 7000, image bw7k-7.2.3.img (lab1, Northgate Evaluation "
    "Centre)\n"
    "\n"
    "unpacked: squashfs root, 1 912 files\n"
    "/etc/inetd.conf:12   2323 stream tcp nowait root /usr/sbin/diagd diagd -l\n"
    "/usr/sbin/diagd      accepts the fixed password \"bw-diag-2019\" (string at 0x4a3f0)\n"
    "/etc/shadow          account diag, uid 0, hash not changed by the set-up wizard\n"
    "/etc/ssl/private/    no private keys found\n"
    "components           busybox 1.31.1, dropbear 2019.78, openssl 1.1.1w\n";

static const char demo_inspection_notes[] =
    "# On-site inspection notes\n"
    "\n"
    "- Production line visited; firmware signed on an offline signing host in a locked room.\n"
    "- Two-person rule for signing-key use, logged on paper and in the HSM audit trail.\n"
    "- Component suppliers listed; the metering chipset's supplier audited in the last year.\n";

static const char demo_background_notes[] =
    "Background investigation summary\n"
    "\n"
    "Ownership: no controlling shareholder outside the provider's home jurisdiction.\n"
    "Support: the provider's support staff reach customer systems only through the customer's\n"
    "jump hosts. Licence checks: an online licence server is contacted every 24 hours.\n";

/* Writes a small file into the demo's temporary directory and adds it as evidence. */
static int demo_evidence(struct demo *d, const char *login, int64_t case_id, int64_t task,
                         const char *filename, const void *data, size_t len,
                         const char *description, int64_t *eid)
{
    struct nr_evidence_spec s;
    struct nr_actor a;
    struct nr_err e;
    char path[600], what[200], sha[65];
    int rc = demo_as(d, login, &a);

    if (rc)
        return rc;
    nr_err_init(&e);
    snprintf(path, sizeof(path), "%s/%s", d->dir, filename);
    rc = nr_file_write(path, data, len, 0600, &e);
    if (rc == 0) {
        memset(&s, 0, sizeof(s));
        s.path = path;
        s.description = description;
        s.task_id = task;
        rc = nr_evidence_add(d->rv, &a, case_id, &s, eid, sha, &e);
    }
    unlink(path);
    if (rc) {
        snprintf(what, sizeof(what), "case %lld: evidence %s by %s", (long long)case_id, filename,
                 login);
        return demo_fail(d, rc, what, &e);
    }
    return 0;
}

/* ---- evaluation ---- */

struct demo_task {
    const char *lab, *institution, *method;
    const char *file;   /* evidence the lab adds: a name below, or NULL */
    const char *report; /* NULL: the task is still open */
    const char *category, *severity, *title, *detail; /* a finding, or NULL */
};

static const char demo_standards[] = "ISO/IEC 15408-3:2022; ISO/IEC 18045:2022; "
                                     "ISO/IEC 27036-3:2023 (supply chain); IEC 62443-4-2:2019";

static int demo_file(struct demo *d, const char *lab, int64_t case_id, int64_t task,
                     const char *name, int64_t *eid)
{
    struct nr_buf b;
    int rc;

    if (strcmp(name, "capture.pcap") == 0) {
        nr_buf_init(&b, DEMO_FILE_MAX);
        demo_pcap(&b, (uint32_t)nr_time_now());
        rc = demo_evidence(d, lab, case_id, task, name, b.p, b.len,
                           "Capture of the device's traffic during 24 hours of monitoring", eid);
        nr_buf_release(&b);
        return rc;
    }
    if (strcmp(name, "sbom.cdx.json") == 0)
        return demo_evidence(d, lab, case_id, task, name, demo_sbom, strlen(demo_sbom),
                             "CycloneDX SBOM extracted from the firmware image", eid);
    if (strcmp(name, "firmware-scan.txt") == 0)
        return demo_evidence(d, lab, case_id, task, name, demo_firmware_scan,
                             strlen(demo_firmware_scan), "Firmware scan results", eid);
    if (strcmp(name, "inspection-notes.md") == 0)
        return demo_evidence(d, lab, case_id, task, name, demo_inspection_notes,
                             strlen(demo_inspection_notes), "Notes of the on-site inspection", eid);
    return demo_evidence(d, lab, case_id, task, name, demo_background_notes,
                         strlen(demo_background_notes), "Background investigation summary", eid);
}

/* R3: the provider's commitment and the third-party evaluation, task by task; then, when
 * every task has reported, the case goes to the experts. mover accepts nothing here: the case
 * is already in evaluation. */
static int demo_evaluate(struct demo *d, int64_t case_id, const char *mover, const char *provider,
                         const char *product, const struct demo_task *tasks, size_t ntasks,
                         bool submit)
{
    struct nr_actor office, lab;
    struct nr_err e;
    char what[200], ids[32];
    int rc;

    rc = demo_commitment(d, provider, case_id, product);
    if (rc == 0)
        rc = demo_as(d, mover, &office);
    for (size_t i = 0; rc == 0 && i < ntasks; i++) {
        const struct demo_task *t = &tasks[i];
        struct nr_task_spec ts = {t->institution, t->method, demo_standards, 0};
        int64_t task = 0, eid = 0;

        nr_err_init(&e);
        rc = nr_task_assign(d->rv, &office, case_id, &ts, &task, &e);
        if (rc) {
            snprintf(what, sizeof(what), "case %lld: %s task for %s", (long long)case_id, t->method,
                     t->institution);
            return demo_fail(d, rc, what, &e);
        }
        rc = demo_as(d, t->lab, &lab);
        if (rc == 0 && t->file)
            rc = demo_file(d, t->lab, case_id, task, t->file, &eid);
        if (rc == 0 && t->title) {
            struct nr_finding_spec f;
            memset(&f, 0, sizeof(f));
            f.category = t->category;
            f.severity = t->severity;
            f.title = t->title;
            f.detail = t->detail;
            f.task_id = task;
            f.source = t->method;
            snprintf(ids, sizeof(ids), "%lld", (long long)eid);
            f.evidence_ids = eid ? ids : NULL;
            nr_err_init(&e);
            rc = nr_finding_add(d->rv, &lab, case_id, &f, NULL, &e);
            if (rc) {
                snprintf(what, sizeof(what), "case %lld: finding by %s", (long long)case_id,
                         t->lab);
                return demo_fail(d, rc, what, &e);
            }
        }
        if (rc == 0 && t->report) {
            nr_err_init(&e);
            rc = nr_task_report(d->rv, &lab, task, t->report, demo_standards, &e);
            if (rc) {
                snprintf(what, sizeof(what), "case %lld: report by %s", (long long)case_id, t->lab);
                return demo_fail(d, rc, what, &e);
            }
        }
    }
    if (rc == 0 && submit)
        rc = demo_move(d, mover, case_id, "submit_to_experts", NULL, NULL);
    return rc;
}

/* ---- expert review ---- */

static int demo_panel(struct demo *d, const char *login, int64_t case_id, const char *experts)
{
    struct nr_actor a;
    struct nr_err e;
    char what[160];
    int rc = demo_as(d, login, &a);

    if (rc)
        return rc;
    nr_err_init(&e);
    rc = nr_panel_form(d->rv, &a, case_id, experts, &e);
    if (rc) {
        snprintf(what, sizeof(what), "case %lld: panel of %s", (long long)case_id,
                 experts ? experts : "the whole committee");
        return demo_fail(d, rc, what, &e);
    }
    return 0;
}

static const char *demo_level(char c)
{
    switch (c) {
    case 'n':
        return "none";
    case 'l':
        return "low";
    case 'm':
        return "medium";
    case 'h':
        return "high";
    default:
        return "critical";
    }
}

static const char *demo_level_reason(char c)
{
    switch (c) {
    case 'n':
        return "The evaluation reports show no sign of this risk.";
    case 'l':
        return "A residual risk that the provider's commitment and ordinary operating controls "
               "cover.";
    case 'm':
        return "A real but containable risk, acceptable under conditions the operator can "
               "enforce.";
    case 'h':
        return "A serious risk shown by the findings of the evaluation; not acceptable as "
               "delivered.";
    default:
        return "The findings show the risk is present now, with no mitigation the operator "
               "could apply.";
    }
}

/* R6: the members, in the order they took their seats, each score the dimensions their
 * profile gives: one letter per dimension (n, l, m, h, c); a shorter profile leaves the rest
 * unscored, NULL skips the member. */
static int demo_scores(struct demo *d, int64_t case_id, const char *const *profiles,
                       size_t nprofiles)
{
    const struct nr_procedure *p = &d->rv->proc;
    struct nr_stmt *s = NULL;
    struct nr_err e;
    char logins[8][64], what[768];
    size_t n = 0;
    int rc;

    nr_err_init(&e);
    rc = nr_store_prepare_bind(d->rv->st, &e, &s,
                               "SELECT u.login FROM panel_members m JOIN panels p ON p.id = "
                               "m.panel_id JOIN experts x ON x.id = m.expert_id JOIN users u ON "
                               "u.id = x.user_id WHERE p.case_id = ? AND m.status = 'member' "
                               "ORDER BY m.id",
                               "i", case_id);
    if (rc)
        return demo_fail(d, rc, "reading a panel", &e);
    while ((rc = nr_stmt_step(s, &e)) == NR_STORE_ROW) {
        if (n < NR_ARRAY_LEN(logins))
            snprintf(logins[n++], sizeof(logins[0]), "%s", nr_stmt_text(s, 0));
    }
    nr_stmt_free(s);
    if (rc < 0)
        return demo_fail(d, rc, "reading a panel", &e);
    rc = 0;
    for (size_t m = 0; rc == 0 && m < n && m < nprofiles; m++) {
        struct nr_actor a;
        if (profiles[m] == NULL)
            continue;
        rc = demo_as(d, logins[m], &a);
        for (size_t k = 0; rc == 0 && k < p->ndimensions && profiles[m][k]; k++) {
            const char *title =
                p->dimension_titles && p->dimension_titles[k] && *p->dimension_titles[k]
                    ? p->dimension_titles[k]
                    : p->dimensions[k];
            char *reason = nr_asprintf("%s: %s", title, demo_level_reason(profiles[m][k]));
            nr_err_init(&e);
            rc = nr_score_submit(d->rv, &a, case_id, p->dimensions[k], demo_level(profiles[m][k]),
                                 reason, &e);
            nr_free(reason);
            if (rc) {
                snprintf(what, sizeof(what), "case %lld: score of %s on %s", (long long)case_id,
                         logins[m], p->dimensions[k]);
                return demo_fail(d, rc, what, &e);
            }
        }
    }
    return rc;
}

static int demo_decide(struct demo *d, int64_t case_id, const char *outcome, const char *rationale,
                       const char *conditions, const char *visibility, const char *audience,
                       bool publish)
{
    struct nr_decision_spec dec;
    int rc;

    memset(&dec, 0, sizeof(dec));
    dec.outcome = outcome;
    dec.rationale = rationale;
    dec.conditions = conditions;
    dec.visibility = visibility;
    dec.audience = audience;
    rc = demo_move(d, "office", case_id, "decide", NULL, &dec);
    if (rc == 0 && publish)
        rc = demo_move(d, "office", case_id, "publish", NULL, NULL);
    return rc;
}

static int demo_complaint(struct demo *d, const char *login, const char *product,
                          const char *version, const char *text, const char *contact,
                          const char *addr, int64_t *id)
{
    struct nr_complaint_spec s = {product, version, text, contact, addr};
    struct nr_actor a;
    struct nr_err e;
    int rc = 0;

    if (login)
        rc = demo_as(d, login, &a);
    else
        nr_actor_public(&a);
    if (rc)
        return rc;
    nr_err_init(&e);
    rc = nr_complaint_file(d->rv, &a, &s, id, &e);
    return rc ? demo_fail(d, rc, "a complaint", &e) : 0;
}

static int demo_declare_as(struct demo *d, const char *login, const char *product,
                           const char *versions, const char *purpose, const char *contract,
                           bool national_security, int64_t *case_id)
{
    struct nr_declaration_spec s = {product, versions, purpose, contract, national_security};
    struct nr_actor a;
    struct nr_err e;
    char what[200];
    int rc = demo_as(d, login, &a);

    if (rc)
        return rc;
    nr_err_init(&e);
    rc = nr_declaration_file(d->rv, &a, &s, case_id, &e);
    if (rc) {
        snprintf(what, sizeof(what), "declaration of %s by %s", product, login);
        return demo_fail(d, rc, what, &e);
    }
    return 0;
}

static int demo_declare(struct demo *d, const char *login, const char *product,
                        const char *versions, const char *purpose, const char *contract,
                        int64_t *case_id)
{
    return demo_declare_as(d, login, product, versions, purpose, contract, false, case_id);
}

/* ---- the cases ---- */

/* R1: procurements declared by the three CII operators, in scoping, scoped in and scoped out;
 * R13: a provider's application waiting for materials. */
static int demo_intake_cases(struct demo *d)
{
    struct nr_case_spec s;
    struct nr_actor a;
    struct nr_err e;
    int64_t id = 0;
    int rc;

    rc = demo_declare(d, "bank-ops", "Tessera Core Banking Suite", ">=5.2 <6.0",
                      "Replacement of the core ledger for retail banking, 14 million accounts.",
                      "LCB-2026-017", &id);
    if (rc == 0)
        rc = demo_declare(d, "telecom-ops", "Quillon Secure VPN Gateway", "6.1.0",
                          "Remote access of network operations staff to the core network's "
                          "management plane.",
                          "SLT-NOC-0931", &id);
    if (rc == 0)
        rc = demo_move(d, "protect-telecom", id, "scope_in",
                       "Remote access to the management plane of the core network: a "
                       "compromise could interrupt national telecom services.",
                       NULL);
    if (rc == 0)
        rc = demo_declare(d, "grid-ops", "Orchid Log Collector", "3.1.*",
                          "Log collection for the office IT of the head office.", "EGP-IT-2026-04",
                          &id);
    if (rc == 0)
        rc = demo_move(d, "protect-energy", id, "scope_out",
                       "Collects logs from office IT only; no connection to dispatch, control "
                       "or metering systems.",
                       NULL);
    /* R1: for a national-security system the procurement is always in scope: no scoping. */
    if (rc == 0 && nr_procedure_trigger(&d->rv->proc, "national_security_procurement"))
        rc = demo_declare_as(d, "grid-ops", "Halcyon Substation RTU", "2.3.*",
                             "Remote terminal units for the dispatch network of the national grid.",
                             "EGP-OT-2026-11", true, &id);
    if (rc)
        return rc;

    /* R2: a provider's application; R13: the office asks for materials and the clock stops. */
    memset(&s, 0, sizeof(s));
    s.trigger = "provider_application";
    s.product = "Nimbus Cloud Storage";
    s.versions = "2025.*";
    s.sector = "finance";
    s.detail = "Nimbus Cloudworks applies so that banks may store backups with the service.";
    rc = demo_open(d, "vendor4", &s, &id);
    if (rc == 0)
        rc = demo_commitment(d, "vendor4", id, "Nimbus Cloud Storage");
    if (rc == 0)
        rc = demo_as(d, "office", &a);
    if (rc == 0) {
        nr_err_init(&e);
        rc = nr_materials_request(d->rv, &a, id,
                                  "The locations of the data centres that hold customer data, "
                                  "and the list of sub-processors with access to it.",
                                  &e);
        if (rc)
            return demo_fail(d, rc, "requesting materials", &e);
    }

    /* Refused at acceptance. */
    memset(&s, 0, sizeof(s));
    s.trigger = "provider_application";
    s.product = "Nimbus Managed Kubernetes";
    s.versions = "1.30.*";
    s.sector = "telecom";
    rc = demo_open(d, "vendor4", &s, &id);
    if (rc == 0)
        rc = demo_move(d, "office", id, "refuse",
                       "The application does not describe where the service processes data or "
                       "which sub-processors it uses; apply again with them.",
                       NULL);
    return rc;
}

/* R3: a case in evaluation with three tasks, evidence and findings, one report signed. */
static int demo_evaluation_case(struct demo *d)
{
    static const struct demo_task tasks[] = {
        {"lab1", DEMO_LAB1, "lab_testing", "firmware-scan.txt",
         "Laboratory testing of firmware 7.2.3: one undocumented remote service found.", "control",
         "high", "Undocumented diagnostic service on TCP 2323 with a fixed password",
         "diagd listens on TCP 2323 from every interface and accepts a fixed password that the "
         "set-up wizard does not change; it gives a root shell."},
        {"lab2", DEMO_LAB2, "online_monitoring", "capture.pcap", NULL, "user_data", "medium",
         "Telemetry sent in clear text to an undeclared endpoint",
         "The router posts its serial number, neighbour count and the administrator's login to "
         "telemetry.brightwave-cloud.example over plain HTTP; the provider's declared endpoints "
         "do not include it."},
        {"lab3", DEMO_LAB3, "background_investigation", NULL, NULL, NULL, NULL, NULL, NULL},
    };
    struct nr_case_spec s;
    int64_t id = 0;
    int rc;

    memset(&s, 0, sizeof(s));
    s.trigger = "state_requirement";
    s.product = "BW Edge Router 7000";
    s.versions = ">=7.0 <8.0";
    s.sector = "telecom";
    s.detail = "Widely deployed in provincial backbone networks; the department requires a "
               "review before the next procurement round.";
    rc = demo_open(d, "state", &s, &id);
    if (rc == 0)
        rc = demo_move(d, "office", id, "accept", NULL, NULL);
    if (rc == 0)
        rc = demo_evaluate(d, id, "office", "vendor1", "BW Edge Router 7000", tasks,
                           NR_ARRAY_LEN(tasks), false);
    return rc;
}

/* R6: a case in expert review: one expert excluded for a conflict, one recused and replaced,
 * some scores in, the rest sealed until all are. */
static int demo_expert_review_case(struct demo *d)
{
    static const struct demo_task tasks[] = {
        {"lab2", DEMO_LAB2, "lab_testing", "sbom.cdx.json",
         "Laboratory testing of firmware 2.9.1 and its SBOM: components are current; the "
         "supplier of the switching ASIC's SDK is not named.",
         "supply_chain", "low", "The supplier of the switching ASIC's SDK is not named",
         "The SBOM lists the open-source components with their suppliers but not the vendor of "
         "the binary SDK of the switching chip."},
    };
    static const char *const profiles[] = {"lllnll", "llmnll", "lml"};
    struct nr_case_spec s;
    struct nr_actor a;
    struct nr_err e;
    int64_t id = 0;
    int rc;

    memset(&s, 0, sizeof(s));
    s.trigger = "association_recommendation";
    s.product = "Quillon QX Access Router";
    s.versions = "2.9.*";
    s.sector = "telecom";
    s.detail = "Members report that the router is bought by most metropolitan operators; the "
               "association recommends a review of its supply chain.";
    rc = demo_open(d, "association", &s, &id);
    if (rc == 0)
        rc = demo_move(d, "office", id, "accept", NULL, NULL);
    if (rc == 0)
        rc = demo_evaluate(d, id, "office", "vendor2", "Quillon QX Access Router", tasks,
                           NR_ARRAY_LEN(tasks), true);
    /* expert8 worked for Brightwave, Quillon's competitor: excluded with the reason kept. */
    if (rc == 0)
        rc = demo_panel(d, "office", id, "expert1,expert2,expert3,expert4,expert5,expert8");
    if (rc == 0)
        rc = demo_as(d, "expert3", &a);
    if (rc == 0) {
        nr_err_init(&e);
        rc = nr_panel_recuse(d->rv, &a, id,
                             "I reviewed this router's predecessor for Silverline Telecom under "
                             "contract last year.",
                             &e);
        if (rc)
            return demo_fail(d, rc, "a recusal", &e);
    }
    if (rc == 0)
        rc = demo_panel(d, "office", id, "expert6");
    if (rc == 0)
        rc = demo_scores(d, id, profiles, NR_ARRAY_LEN(profiles));
    return rc;
}

/* R8: a finance-sector review run by the sector department, which the experts split on and
 * the office sends to a special review. */
static int demo_special_review_case(struct demo *d)
{
    static const struct demo_task tasks[] = {
        {"lab1", DEMO_LAB1, "lab_testing", "background-notes.txt",
         "Laboratory testing of SDK 3.5.0 in a reference banking app: the fraud-analytics "
         "module collects the device's installed-app list.",
         "user_data", "high", "Fraud analytics collects the list of installed apps",
         "The analytics module sends the full list of installed applications to the provider's "
         "service at every login; the documentation speaks only of a device fingerprint."},
    };
    static const char *const profiles[] = {"llmlll", "llhmll", "llmlll", "llhlml", "lllllm"};
    struct nr_case_spec s;
    int64_t id = 0;
    int rc;

    memset(&s, 0, sizeof(s));
    s.trigger = "state_requirement";
    s.product = "Orchid Mobile Banking SDK";
    s.versions = ">=3.4 <4.0";
    s.detail = "Embedded in the mobile apps of most city commercial banks.";
    rc = demo_open(d, "finance-dept", &s, &id);
    if (rc == 0)
        rc = demo_move(d, "finance-dept", id, "accept", NULL, NULL);
    if (rc == 0)
        rc = demo_evaluate(d, id, "finance-dept", "vendor6", "Orchid Mobile Banking SDK", tasks,
                           NR_ARRAY_LEN(tasks), true);
    if (rc == 0)
        rc = demo_panel(d, "finance-dept", id, "expert3,expert4,expert5,expert6,expert7");
    if (rc == 0)
        rc = demo_scores(d, id, profiles, NR_ARRAY_LEN(profiles));
    if (rc == 0)
        rc = demo_move(d, "office", id, "open_special_review",
                       "The experts split on user information: a source-code audit of the "
                       "analytics module is needed before a decision.",
                       NULL);
    return rc;
}

/* R7: decided and published cases, one of each outcome and each visibility. */
static int demo_decided_cases(struct demo *d)
{
    static const struct demo_task meter_tasks[] = {
        {"lab1", DEMO_LAB1, "lab_testing", NULL,
         "Laboratory testing of firmware 1.9.0: remote functions limited to the documented "
         "head-end protocol; firmware updates signed and verified.",
         NULL, NULL, NULL, NULL},
        {"lab2", DEMO_LAB2, "on_site_inspection", "inspection-notes.md",
         "On-site inspection of the production line and the firmware signing room: controls in "
         "place.",
         NULL, NULL, NULL, NULL},
    };
    static const char *const meter_scores[] = {"lllnll", "nlllnl", "llnlll", "lllllm", "nlllll"};
    static const struct demo_task db_tasks[] = {
        {"lab3", DEMO_LAB3, "lab_testing", NULL,
         "Laboratory testing of 13.0.0: no undocumented network services; the licence client "
         "contacts the provider's licence server every 24 hours.",
         "dependence", "medium", "Online licence check can stop the database",
         "Without a licence answer for 30 days the server refuses new connections."},
        {"lab3", DEMO_LAB3, "background_investigation", "background-notes.txt",
         "Background investigation of Tessera Software: ownership and support access "
         "documented.",
         NULL, NULL, NULL, NULL},
    };
    static const char *const db_scores[] = {"llmmll", "lllmll", "llmmll", "nllmll", "lllmll"};
    static const struct demo_task nm_tasks[] = {
        {"lab1", DEMO_LAB1, "lab_testing", NULL,
         "Laboratory testing of NetManager 11.3: a private key in the update client signs "
         "configuration for every managed device.",
         "control", "critical", "Hard-coded private key signs device configuration",
         "The same RSA private key ships in every installation; anyone who extracts it can push "
         "configuration to every Quillon device the manager controls."},
        {"lab2", DEMO_LAB2, "online_monitoring", NULL,
         "Online monitoring for 14 days: the manager polls an update service abroad for "
         "commands.",
         NULL, NULL, NULL, NULL},
    };
    static const char *const nm_scores[] = {"hmllll", "cmllll", "hlllml", "mlllll", "hmllll"};
    static const struct demo_task rtu_tasks[] = {
        {"lab1", DEMO_LAB1, "lab_testing", NULL,
         "Laboratory testing of RTU 2.2.0: a maintenance account reachable from the dispatch "
         "network bypasses DNP3 secure authentication.",
         "control", "critical", "Maintenance account bypasses DNP3 secure authentication",
         "Account 'svc' with a password derived from the serial number is accepted on the "
         "DNP3 port and allows operate commands without challenge."},
        {"lab2", DEMO_LAB2, "online_monitoring", NULL,
         "Online monitoring for 10 days in a test substation: no traffic beyond the declared "
         "dispatch endpoints.",
         NULL, NULL, NULL, NULL},
    };
    static const char *const rtu_scores[] = {"cllllm", "hlllll", "clllll", "hmllll", "mlllll"};
    struct nr_case_spec s;
    int64_t id = 0;
    int rc;

    /* passed, public, published */
    memset(&s, 0, sizeof(s));
    s.trigger = "provider_application";
    s.product = "Halcyon Smart Meter Controller";
    s.versions = "1.9.*";
    s.sector = "energy";
    s.detail = "Halcyon Devices applies ahead of the national smart-meter roll-out.";
    rc = demo_open(d, "vendor5", &s, &id);
    if (rc == 0)
        rc = demo_move(d, "office", id, "accept", NULL, NULL);
    if (rc == 0)
        rc = demo_evaluate(d, id, "office", "vendor5", "Halcyon Smart Meter Controller",
                           meter_tasks, NR_ARRAY_LEN(meter_tasks), true);
    if (rc == 0)
        rc = demo_panel(d, "office", id, NULL);
    if (rc == 0)
        rc = demo_scores(d, id, meter_scores, NR_ARRAY_LEN(meter_scores));
    if (rc == 0)
        rc = demo_decide(d, id, "passed",
                         "Remote functions are limited to the documented head-end protocol, "
                         "firmware is signed under two-person control, and the supply chain of "
                         "the metering chipset is audited. No dimension scored above low.",
                         NULL, "public", NULL, true);
    if (rc)
        return rc;

    /* passed with conditions, restricted to the finance sector, published */
    rc = demo_declare(d, "bank-ops", "Tessera Database Server", ">=13.0 <14.0",
                      "Database of the payment clearing system.", "LCB-2025-112", &id);
    if (rc == 0)
        rc = demo_move(d, "protect-finance", id, "scope_in",
                       "Holds the payment clearing data of a systemically important bank.", NULL);
    if (rc == 0)
        rc = demo_move(d, "office", id, "accept", NULL, NULL);
    if (rc == 0)
        rc = demo_evaluate(d, id, "office", "vendor3", "Tessera Database Server", db_tasks,
                           NR_ARRAY_LEN(db_tasks), true);
    if (rc == 0)
        rc = demo_panel(d, "office", id, "expert2,expert4,expert5,expert6,expert7");
    if (rc == 0)
        rc = demo_scores(d, id, db_scores, NR_ARRAY_LEN(db_scores));
    if (rc == 0)
        rc = demo_decide(d, id, "passed_with_conditions",
                         "The product is sound, but its online licence check gives the provider "
                         "a way to stop the operator's database: users' reliance could be "
                         "exploited.",
                         "1. The licence server runs inside the operator's network; no online "
                         "licence check to the provider.\n2. Support staff reach the system only "
                         "through the operator's jump host, with sessions recorded.\n3. The "
                         "provider gives twelve months' notice before it ends support for a "
                         "major version.",
                         "restricted", "sector:finance", true);
    if (rc)
        return rc;

    /* failed, internal, decided but not published */
    memset(&s, 0, sizeof(s));
    s.trigger = "state_requirement";
    s.product = "Quillon NetManager";
    s.versions = "11.*";
    s.sector = "telecom";
    s.detail = "Manages most of the access routers of two national operators.";
    rc = demo_open(d, "state", &s, &id);
    if (rc == 0)
        rc = demo_move(d, "office", id, "accept", NULL, NULL);
    if (rc == 0)
        rc = demo_evaluate(d, id, "office", "vendor2", "Quillon NetManager", nm_tasks,
                           NR_ARRAY_LEN(nm_tasks), true);
    /* The whole committee: expert8 and expert9 are excluded (Quillon and its competitor). */
    if (rc == 0)
        rc = demo_panel(d, "office", id, NULL);
    if (rc == 0)
        rc = demo_scores(d, id, nm_scores, NR_ARRAY_LEN(nm_scores));
    if (rc == 0)
        rc = demo_decide(d, id, "failed",
                         "A private key shipped in every installation lets anyone who extracts "
                         "it configure every device the manager controls; the provider could not "
                         "say when it would be removed.",
                         NULL, "internal", NULL, false);
    if (rc)
        return rc;

    /* failed, public, published: procurement prohibited at the gate (R9) */
    memset(&s, 0, sizeof(s));
    s.trigger = "state_requirement";
    s.product = "Halcyon Substation RTU";
    s.versions = "2.2.*";
    s.sector = "energy";
    s.detail = "Installed in transmission substations of two regional grids.";
    rc = demo_open(d, "state", &s, &id);
    if (rc == 0)
        rc = demo_move(d, "office", id, "accept", NULL, NULL);
    if (rc == 0)
        rc = demo_evaluate(d, id, "office", "vendor5", "Halcyon Substation RTU", rtu_tasks,
                           NR_ARRAY_LEN(rtu_tasks), true);
    if (rc == 0)
        rc = demo_panel(d, "office", id, "expert2,expert3,expert5,expert6,expert7");
    if (rc == 0)
        rc = demo_scores(d, id, rtu_scores, NR_ARRAY_LEN(rtu_scores));
    if (rc == 0)
        rc = demo_decide(d, id, "failed",
                         "A maintenance account lets anyone on the dispatch network operate "
                         "breakers without authentication; 2.3.1 removes it and may be reviewed "
                         "on the provider's application.",
                         NULL, "public", NULL, true);
    return rc;
}

/* R14: a published decision superseded by a re-review; the old case is closed. */
static int demo_re_review_cases(struct demo *d)
{
    static const struct demo_task old_tasks[] = {
        {"lab2", DEMO_LAB2, "lab_testing", NULL,
         "Laboratory testing of BW Firewall OS 4.2.1: no findings above low.", NULL, NULL, NULL,
         NULL},
    };
    static const char *const old_scores[] = {"llllll", "lllnll", "nlllll", "llllnl", "llllll"};
    static const struct demo_task new_tasks[] = {
        {"lab1", DEMO_LAB1, "lab_testing", NULL,
         "Laboratory testing of BW Firewall OS 4.3.0: IKEv1 aggressive mode enabled by "
         "default.",
         "control", "medium", "IKEv1 aggressive mode enabled by default",
         "Aggressive mode exposes a hash of the pre-shared key to anyone who starts a "
         "handshake."},
    };
    static const char *const new_scores[] = {"mlllll", "mlllll", "llllll", "mlllll", "llllll"};
    struct nr_case_spec s;
    int64_t old_id = 0, id = 0;
    char *ref = NULL, *reason = NULL;
    int rc;

    memset(&s, 0, sizeof(s));
    s.trigger = "association_recommendation";
    s.product = "BW Firewall OS";
    s.versions = "4.2.*";
    s.sector = "telecom";
    rc = demo_open(d, "association", &s, &old_id);
    if (rc == 0)
        rc = demo_move(d, "office", old_id, "accept", NULL, NULL);
    if (rc == 0)
        rc = demo_evaluate(d, old_id, "office", "vendor1", "BW Firewall OS", old_tasks,
                           NR_ARRAY_LEN(old_tasks), true);
    if (rc == 0)
        rc = demo_panel(d, "office", old_id, NULL);
    if (rc == 0)
        rc = demo_scores(d, old_id, old_scores, NR_ARRAY_LEN(old_scores));
    if (rc == 0)
        rc = demo_decide(d, old_id, "passed",
                         "No finding above low; the IPsec implementation follows current "
                         "practice.",
                         NULL, "public", NULL, true);
    if (rc)
        return rc;

    memset(&s, 0, sizeof(s));
    s.trigger = "re_review";
    s.product = "BW Firewall OS";
    s.versions = ">=4.2 <5.0";
    s.sector = "telecom";
    s.detail = "Version 4.3.0 changed the IPsec defaults.";
    s.re_review_of = old_id;
    rc = demo_open(d, "office", &s, &id);
    if (rc == 0)
        rc = demo_move(d, "office", id, "accept", NULL, NULL);
    if (rc == 0)
        rc = demo_evaluate(d, id, "office", "vendor1", "BW Firewall OS", new_tasks,
                           NR_ARRAY_LEN(new_tasks), true);
    if (rc == 0)
        rc = demo_panel(d, "office", id, "expert1,expert3,expert5,expert6,expert7");
    if (rc == 0)
        rc = demo_scores(d, id, new_scores, NR_ARRAY_LEN(new_scores));
    if (rc == 0)
        rc = demo_decide(d, id, "passed_with_conditions",
                         "Sound, except for a default that weakens IPsec; operators can switch "
                         "it off.",
                         "Disable IKEv1 aggressive mode before use; install 4.3.2 or later within "
                         "30 days of its release.",
                         "public", NULL, true);
    if (rc == 0) {
        nr_store_query_text(d->rv->st, NULL, &ref, "SELECT ref FROM cases WHERE id = ?", "i", id);
        reason = nr_asprintf("Superseded by the re-review %s.", ref ? ref : "of this product");
        rc = demo_move(d, "office", old_id, "supersede", reason, NULL);
    }
    nr_free(ref);
    nr_free(reason);
    return rc;
}

/* R2: complaints grouped into a case, and complaints still loose. */
static int demo_complaint_cases(struct demo *d)
{
    struct nr_case_spec s;
    int64_t c1 = 0, c2 = 0, c3 = 0, id = 0;
    char list[80];
    int rc;

    rc = demo_complaint(d, NULL, "Nimbus Object Gateway", "2.2.0",
                        "After the update to 2.2.0 the gateway uploads local files to the cloud "
                        "even for shares marked local-only.",
                        "storage-admin@city-hospital.example", "198.51.100.23", &c1);
    if (rc == 0)
        rc = demo_complaint(d, NULL, "pkg:docker/nimbus/object-gateway@2.2.0", "2.2.0",
                            "Our firewall logs show the gateway container connecting to an "
                            "address that is not in the provider's documentation.",
                            NULL, "203.0.113.77", &c2);
    if (rc == 0)
        rc = demo_complaint(d, "bank-ops", "Nimbus Object Gateway", "2.1.0",
                            "The gateway cannot be licensed offline; a cloud outage stopped our "
                            "branch backups for two days.",
                            "it-security@lakeside-bank.example", NULL, &c3);
    if (rc)
        return rc;
    snprintf(list, sizeof(list), "%lld,%lld,%lld", (long long)c1, (long long)c2, (long long)c3);
    memset(&s, 0, sizeof(s));
    s.trigger = "complaints";
    s.product = "Nimbus Object Gateway";
    s.versions = ">=2.1 <3.0";
    s.detail = "Three complaints about undeclared uploads and dependence on the cloud service.";
    s.complaints = list;
    rc = demo_open(d, "office", &s, &id);

    /* Not yet grouped: one about a product outside the registry, one from a signed-in user. */
    if (rc == 0)
        rc = demo_complaint(d, NULL, "SmartCam X2 home camera", NULL,
                            "The camera keeps streaming to a server abroad after cloud "
                            "recording is switched off.",
                            NULL, "192.0.2.200", &id);
    if (rc == 0)
        rc = demo_complaint(d, "telecom-ops", "BW Edge Router 7000", "7.2.3",
                            "Routers rebooted after the 7.2.3 update and opened TCP 2323 on "
                            "every interface.",
                            NULL, NULL, &id);
    if (rc == 0)
        rc = demo_complaint(d, NULL, "Orchid Endpoint Agent", "9.5.2",
                            "The agent uploads whole documents, not only hashes, when it flags a "
                            "file.",
                            "a.reader@mail.example", "203.0.113.5", &id);
    return rc;
}

/* R13: a case the office must chase. Demo data is the one place that writes history directly:
 * one run cannot move the clock, so the case enters evaluation now and its entry is then
 * back-dated 70 calendar days, with its deadline recomputed on the holiday calendar from the
 * back-dated day. The back-dating is itself audited, so the log stays the true history. */
static int demo_overdue_case(struct demo *d)
{
    static const struct demo_task tasks[] = {
        {"lab2", DEMO_LAB2, "online_monitoring", NULL, NULL, NULL, NULL, NULL, NULL},
    };
    struct nr_case_spec s;
    struct nr_err e;
    char entered[NR_DATE_STR], accepted[NR_DATE_STR], due[NR_DATE_STR];
    char entered_at[NR_TIME_STR], accepted_at[NR_TIME_STR], obj[32], *detail = NULL;
    int64_t id = 0;
    int32_t due_day;
    int rc;

    memset(&s, 0, sizeof(s));
    s.trigger = "state_requirement";
    s.product = "Orchid Endpoint Agent";
    s.versions = "9.5.*";
    s.sector = "energy";
    s.detail = "Installed on the workstations of the dispatch centres.";
    rc = demo_open(d, "state", &s, &id);
    if (rc == 0)
        rc = demo_move(d, "office", id, "accept", NULL, NULL);
    if (rc == 0)
        rc = demo_evaluate(d, id, "office", "vendor6", "Orchid Endpoint Agent", tasks,
                           NR_ARRAY_LEN(tasks), false);
    if (rc)
        return rc;
    demo_date(d, -70, entered);
    demo_date(d, -75, accepted);
    due_day = nr_deadline_due(d->rv, "evaluation", d->today - 70);
    nr_date_fmt(due_day >= 0 ? due_day : d->today - 1, due);
    snprintf(entered_at, sizeof(entered_at), "%sT09:00:00Z", entered);
    snprintf(accepted_at, sizeof(accepted_at), "%sT09:00:00Z", accepted);
    nr_err_init(&e);
    rc = nr_store_exec(d->rv->st, &e,
                       "UPDATE cases SET phase_entered_at = ?, phase_entered_on = ?, phase_due = "
                       "?, opened_at = ? WHERE id = ?",
                       "tttti", entered_at, entered, due, accepted_at, id);
    if (rc == 0)
        rc = nr_store_exec(d->rv->st, &e,
                           "UPDATE case_phases SET entered_at = ?, due = ? WHERE case_id = ? AND "
                           "phase = 'evaluation'",
                           "tti", entered_at, due, id);
    if (rc == 0)
        rc = nr_store_exec(d->rv->st, &e,
                           "UPDATE case_phases SET entered_at = ?, left_at = ? WHERE case_id = ? "
                           "AND phase = 'acceptance'",
                           "tti", accepted_at, entered_at, id);
    if (rc == 0)
        rc = nr_store_exec(d->rv->st, &e,
                           "UPDATE tasks SET assigned_at = ?, due = ? WHERE case_id = ?", "tti",
                           entered_at, due, id);
    if (rc == 0) {
        snprintf(obj, sizeof(obj), "case:%lld", (long long)id);
        detail = nr_asprintf("demo data: evaluation back-dated to %s, due %s", entered, due);
        rc = nr_audit_append(d->rv, &d->admin, "demo.backdate", id, obj, detail, &e);
        nr_free(detail);
    }
    return rc ? demo_fail(d, rc, "back-dating the overdue case", &e) : 0;
}

/* Withdrawn during evaluation. */
static int demo_withdrawn_case(struct demo *d)
{
    struct nr_case_spec s;
    int64_t id = 0;
    int rc;

    memset(&s, 0, sizeof(s));
    s.trigger = "association_recommendation";
    s.product = "Halcyon SCADA Gateway";
    s.versions = "4.0.*";
    s.sector = "energy";
    rc = demo_open(d, "association", &s, &id);
    if (rc == 0)
        rc = demo_move(d, "office", id, "accept", NULL, NULL);
    if (rc == 0)
        rc = demo_move(d, "office", id, "withdraw",
                       "The provider has taken the product off the market and no operator "
                       "procures it any more.",
                       NULL);
    return rc;
}

/* ---- the whole load ---- */

static int demo_empty(struct nr_review *rv, struct nr_err *err)
{
    static const char *const tables[] = {"orgs", "users", "products", "cases", "complaints"};
    int64_t n = 0;
    int rc;

    for (size_t i = 0; i < NR_ARRAY_LEN(tables); i++) {
        char sql[64];
        snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM %s", tables[i]);
        rc = nr_store_query_int(rv->st, err, &n, sql, "");
        if (rc)
            return rc;
        if (n > 0)
            return nr_err_set(err, NR_EEXISTS, "db",
                              "the database already holds data; demo fills only a new one");
    }
    return 0;
}

static int demo_tmpdir(struct demo *d, struct nr_err *err)
{
    const char *tmp = getenv("TMPDIR");

    snprintf(d->dir, sizeof(d->dir), "%s/netreview-demo-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (mkdtemp(d->dir) == NULL) {
        int rc = nr_err_set(err, NR_EIO, "dir", "cannot make a temporary directory in %s",
                            tmp && *tmp ? tmp : "/tmp");
        d->dir[0] = '\0';
        return rc;
    }
    return 0;
}

int nr_demo_load(struct nr_review *rv, const char *password, struct nr_err *err)
{
    struct demo d;
    int rc;

    memset(&d, 0, sizeof(d));
    d.rv = rv;
    d.password = password;
    d.err = err;
    d.today = nr_date_from_time(nr_time_now());
    nr_actor_local_admin(&d.admin);
    if (password == NULL || *password == '\0')
        return nr_err_set(err, NR_EINVAL, "password", "the demo users need a password");
    rc = demo_check_procedure(rv, err);
    if (rc)
        return rc;
    rc = demo_tmpdir(&d, err);
    if (rc)
        return rc;
    rc = nr_store_begin(rv->st, err);
    if (rc)
        goto out_notxn;
    rc = demo_empty(rv, err);
    if (rc == 0)
        rc = demo_registry(&d);
    if (rc == 0)
        rc = demo_intake_cases(&d);
    if (rc == 0)
        rc = demo_evaluation_case(&d);
    if (rc == 0)
        rc = demo_expert_review_case(&d);
    if (rc == 0)
        rc = demo_special_review_case(&d);
    if (rc == 0)
        rc = demo_decided_cases(&d);
    if (rc == 0)
        rc = demo_re_review_cases(&d);
    if (rc == 0)
        rc = demo_complaint_cases(&d);
    if (rc == 0)
        rc = demo_overdue_case(&d);
    if (rc == 0)
        rc = demo_withdrawn_case(&d);
    if (rc == 0)
        rc = nr_audit_append(rv, &d.admin, "demo.load", 0, "installation",
                             "demonstration data loaded", err);
    if (rc)
        nr_store_rollback(rv->st);
    else
        rc = nr_store_commit(rv->st, err);
out_notxn:
    if (d.dir[0])
        rmdir(d.dir);
    return rc;
}
