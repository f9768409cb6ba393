/*
 * routes.c - the router's table: every route of the API, its handler, who may call it without
 * signing in, the token scope it needs, and one line that describes it (interface: http_int.h).
 * docs/openapi.json and the access matrix test are both checked against this one list.
 */
#include "api.h"

#include "netreview/banned.h"

#define GET    EVHTTP_REQ_GET
#define POST   EVHTTP_REQ_POST
#define PUT    EVHTTP_REQ_PUT
#define DELETE EVHTTP_REQ_DELETE
#define PUB    NR_ROUTE_PUBLIC
#define R      NR_SCOPE_READ
#define W      NR_SCOPE_WRITE
#define G      NR_SCOPE_GATE

const struct nr_route nr__routes[] = {
    {GET, "/healthz", api_healthz, PUB, R, "liveness: the server answers and its database opens"},
    {GET, "/metrics", api_metrics, PUB, R, "Prometheus text: requests, latency, cases, gate"},
    {GET, "/api/v1/openapi.json", api_openapi, PUB, R, "this API, as OpenAPI 3"},
    {GET, "/api/v1/procedure", api_procedure, PUB, R, "the procedure in force"},

    {POST, "/api/v1/session", api_session_create, PUB | NR_ROUTE_NOCSRF, W,
     "sign in with login and password: a session cookie and a CSRF token"},
    {GET, "/api/v1/session", api_session_show, 0, R, "who is signed in, and the CSRF token"},
    {DELETE, "/api/v1/session", api_session_delete, 0, W, "sign out"},
    {GET, "/api/v1/tokens", api_token_list, 0, R, "API tokens (office)"},
    {POST, "/api/v1/tokens", api_token_create, 0, W, "create a scoped API token (office)"},
    {DELETE, "/api/v1/tokens/{token}", api_token_revoke, 0, W, "revoke an API token (office)"},

    {GET, "/api/v1/orgs", api_org_list, 0, R, "organisations"},
    {POST, "/api/v1/orgs", api_org_create, 0, W, "register an organisation"},
    {GET, "/api/v1/orgs/{org}", api_org_show, 0, R, "one organisation"},
    {POST, "/api/v1/orgs/{org}/competitors", api_org_competitor_add, 0, W,
     "record that two providers compete"},
    {GET, "/api/v1/users", api_user_list, 0, R, "users"},
    {POST, "/api/v1/users", api_user_create, 0, W, "create a user"},
    {GET, "/api/v1/users/{login}", api_user_show, 0, R, "one user"},
    {GET, "/api/v1/products", api_product_list, 0, R, "products and services"},
    {POST, "/api/v1/products", api_product_create, 0, W, "register a product or service"},
    {GET, "/api/v1/products/{product}", api_product_show, 0, R, "one product with its versions"},
    {POST, "/api/v1/products/{product}/versions", api_product_version_add, 0, W, "add a version"},
    {GET, "/api/v1/institutions", api_institution_list, 0, R, "designated institutions (R5)"},
    {POST, "/api/v1/institutions", api_institution_designate, 0, W, "designate an institution"},
    {GET, "/api/v1/experts", api_expert_list, 0, R, "the experts committee (R6)"},
    {POST, "/api/v1/experts", api_expert_appoint, 0, W, "appoint an expert"},
    {GET, "/api/v1/affiliations", api_affiliation_list, 0, R, "affiliations (R10)"},
    {POST, "/api/v1/affiliations", api_affiliation_add, 0, W, "record an affiliation"},

    {GET, "/api/v1/complaints", api_complaint_list, 0, R, "complaints"},
    {POST, "/api/v1/complaints", api_complaint_file, PUB, W,
     "file a complaint (anyone; limited per address)"},
    {GET, "/api/v1/declarations", api_declaration_list, 0, R, "procurement declarations"},
    {POST, "/api/v1/declarations", api_declaration_file, 0, W,
     "declare a procurement (CII operator, R1)"},

    {GET, "/api/v1/cases", api_case_list, 0, R,
     "cases you may see; filters phase, sector, trigger, product, overdue; paginated"},
    {POST, "/api/v1/cases", api_case_open, 0, W, "raise a case (R2)"},
    {GET, "/api/v1/cases/overdue", api_case_overdue, 0, R, "open cases past their deadline"},
    {GET, "/api/v1/cases/{case}", api_case_show, 0, R, "everything about a case you may see"},
    {GET, "/api/v1/cases/{case}/options", api_case_options, 0, R,
     "the transitions you could make now"},
    {POST, "/api/v1/cases/{case}/transitions/{transition}", api_case_transition, 0, W,
     "make a transition of the procedure (decide carries the decision)"},
    {POST, "/api/v1/cases/{case}/materials", api_case_materials_request, 0, W,
     "request materials: the clock stops (R13)"},
    {POST, "/api/v1/cases/{case}/materials/received", api_case_materials_receive, 0, W,
     "materials arrived: the clock restarts"},
    {POST, "/api/v1/cases/{case}/extensions", api_case_extend, 0, W,
     "extend the phase deadline with a reason"},
    {GET, "/api/v1/cases/{case}/audit", api_case_audit, 0, R, "the case's audit history"},
    {POST, "/api/v1/cases/{case}/commitment", api_commitment_sign, 0, W,
     "the provider signs its security commitment (R3)"},
    {GET, "/api/v1/cases/{case}/tasks", api_task_list, 0, R, "evaluation tasks"},
    {POST, "/api/v1/cases/{case}/tasks", api_task_assign, 0, W,
     "assign an evaluation task to a designated institution"},
    {POST, "/api/v1/tasks/{task}/report", api_task_report, 0, W,
     "the institution signs its evaluation report"},
    {GET, "/api/v1/cases/{case}/evidence", api_evidence_list, 0, R, "evidence of a case"},
    {POST, "/api/v1/cases/{case}/uploads", api_upload_start, 0, W,
     "start an evidence upload: name, type, size"},
    {PUT, "/api/v1/uploads/{upload}", api_upload_part, NR_ROUTE_RAW, W,
     "send the next part of an upload (?offset=N), straight to disk"},
    {POST, "/api/v1/uploads/{upload}/complete", api_upload_complete, 0, W,
     "finish an upload: hashed, encrypted, recorded as evidence"},
    {GET, "/api/v1/evidence/{evidence}", api_evidence_download, 0, R,
     "download evidence (Range supported); the read is audited (R11)"},
    {GET, "/api/v1/cases/{case}/findings", api_finding_list, 0, R, "findings"},
    {POST, "/api/v1/cases/{case}/findings", api_finding_add, 0, W, "add a finding (R4)"},
    {GET, "/api/v1/cases/{case}/sboms", api_sbom_list, 0, R, "SBOMs analysed on a case"},
    {POST, "/api/v1/cases/{case}/sboms", api_sbom_attach, 0, W,
     "analyse an SBOM that is evidence of the case: findings recorded (supply chain)"},
    {POST, "/api/v1/analyze/sbom", api_sbom_analyze, NR_ROUTE_RAW, W,
     "analyse an SBOM sent as the body, without a case"},
    {GET, "/api/v1/advisories", api_advisory_list, 0, R, "imported OSV advisories"},
    {POST, "/api/v1/watch", api_watch_run, 0, W,
     "re-match the SBOMs of passed products now (R14); the server also does it after imports"},
    {GET, "/api/v1/cases/{case}/traffic", api_traffic_list, 0, R, "captures analysed on a case"},
    {POST, "/api/v1/cases/{case}/traffic", api_traffic_attach, 0, W,
     "analyse a capture that is evidence of the case against the declared endpoints"},
    {GET, "/api/v1/cases/{case}/panel", api_panel_show, 0, R,
     "the panel; scores sealed until all are in (R6)"},
    {POST, "/api/v1/cases/{case}/panel", api_panel_form, 0, W,
     "form the panel without conflicted experts"},
    {POST, "/api/v1/cases/{case}/panel/recusal", api_panel_recuse, 0, W, "an expert recuses"},
    {POST, "/api/v1/cases/{case}/scores", api_score_submit, 0, W,
     "submit a score, or a sheet of scores"},

    {GET, "/api/v1/decisions", api_decision_list, PUB, R,
     "decisions you may see (the public: the register)"},
    {GET, "/api/v1/decisions/key", api_decision_key, PUB, R, "the office's public key (PEM)"},
    {GET, "/api/v1/decisions/{decision}", api_decision_show, PUB, R, "one decision"},
    {GET, "/api/v1/decisions/{decision}/export", api_decision_export, PUB, R,
     "the signed, self-contained decision"},

    {GET, "/api/v1/gate", api_gate_check, PUB, G, "may this product and version be procured (R9)"},
    {GET, "/api/v1/gate/feed", api_gate_feed, PUB, G,
     "decision changes since a time: new, expired, revoked"},

    {GET, "/api/v1/audit", api_audit_list, 0, R, "the audit log (office)"},
    {GET, "/api/v1/audit/verify", api_audit_verify, 0, R, "verify the audit chain (office)"},
};

const size_t nr__nroutes = sizeof(nr__routes) / sizeof(nr__routes[0]);
