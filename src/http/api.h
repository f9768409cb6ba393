/*
 * api.h - the handlers of the route table, one group per resource file (private to src/http/).
 * Each handler reads its request through http_int.h, calls the model and answers with
 * nr_req_json or nr_req_error.
 */
#ifndef NETREVIEW_API_H
#define NETREVIEW_API_H

#include "http_int.h"

/* api_system.c */
NR_HANDLER(api_healthz);
NR_HANDLER(api_metrics);
NR_HANDLER(api_openapi);
NR_HANDLER(api_procedure);

/* api_session.c (sign-in, sessions, API tokens) */
NR_HANDLER(api_session_create);
NR_HANDLER(api_session_show);
NR_HANDLER(api_session_delete);
NR_HANDLER(api_token_list);
NR_HANDLER(api_token_create);
NR_HANDLER(api_token_revoke);

/* api_registry.c */
NR_HANDLER(api_org_list);
NR_HANDLER(api_org_create);
NR_HANDLER(api_org_show);
NR_HANDLER(api_org_competitor_add);
NR_HANDLER(api_user_list);
NR_HANDLER(api_user_create);
NR_HANDLER(api_user_show);
NR_HANDLER(api_product_list);
NR_HANDLER(api_product_create);
NR_HANDLER(api_product_show);
NR_HANDLER(api_product_version_add);
NR_HANDLER(api_institution_list);
NR_HANDLER(api_institution_designate);
NR_HANDLER(api_expert_list);
NR_HANDLER(api_expert_appoint);
NR_HANDLER(api_affiliation_list);
NR_HANDLER(api_affiliation_add);

/* api_intake.c */
NR_HANDLER(api_complaint_list);
NR_HANDLER(api_complaint_file);
NR_HANDLER(api_declaration_list);
NR_HANDLER(api_declaration_file);

/* api_cases.c */
NR_HANDLER(api_case_list);
NR_HANDLER(api_case_open);
NR_HANDLER(api_case_overdue);
NR_HANDLER(api_case_show);
NR_HANDLER(api_case_options);
NR_HANDLER(api_case_transition);
NR_HANDLER(api_case_materials_request);
NR_HANDLER(api_case_materials_receive);
NR_HANDLER(api_case_extend);
NR_HANDLER(api_case_audit);

/* api_evaluation.c */
NR_HANDLER(api_commitment_sign);
NR_HANDLER(api_task_list);
NR_HANDLER(api_task_assign);
NR_HANDLER(api_task_report);
NR_HANDLER(api_evidence_list);
NR_HANDLER(api_upload_start);
NR_HANDLER(api_upload_part);
NR_HANDLER(api_upload_complete);
NR_HANDLER(api_evidence_download);
NR_HANDLER(api_finding_list);
NR_HANDLER(api_finding_add);

/* api_panel.c */
NR_HANDLER(api_panel_show);
NR_HANDLER(api_panel_form);
NR_HANDLER(api_panel_recuse);
NR_HANDLER(api_score_submit);

/* api_decisions.c */
NR_HANDLER(api_decision_list);
NR_HANDLER(api_decision_show);
NR_HANDLER(api_decision_export);
NR_HANDLER(api_decision_key);

/* api_gate.c */
NR_HANDLER(api_gate_check);
NR_HANDLER(api_gate_feed);

/* api_audit.c */
NR_HANDLER(api_audit_list);
NR_HANDLER(api_audit_verify);

/* api_sca.c (the supply-chain engine) */
NR_HANDLER(api_sbom_list);
NR_HANDLER(api_sbom_attach);
NR_HANDLER(api_sbom_analyze);
NR_HANDLER(api_advisory_list);
NR_HANDLER(api_watch_run);

/* api_traffic.c (the online-monitoring engine) */
NR_HANDLER(api_traffic_list);
NR_HANDLER(api_traffic_attach);

#endif
