/*
 * api_traffic.c - the online-monitoring engine through the API (interface: api.h, the model is
 * traffic.h): the captures analysed on a case, and the analysis of a capture that is already
 * evidence of the case (uploaded in parts), against a declaration that is evidence too. The
 * model checks role, phase and need-to-know before it decrypts anything.
 */
#include "api.h"

#include "netreview/traffic.h"

#include <stdint.h>

#include "netreview/banned.h"

NR_HANDLER(api_traffic_list)
{
    struct nr_err err;
    json_t *rows = NULL;
    int64_t case_id;
    int rc;

    if (nr_req_param_case(r, 0, &case_id))
        return;
    nr_err_init(&err);
    rc = nr_traffic_list(r->rv, &r->actor, case_id, &rows, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    nr_req_json(r, 200, rows);
}

NR_HANDLER(api_traffic_attach)
{
    static const char *const fields[] = {"capture_evidence_id", "declared_evidence_id", "task_id",
                                         "device", NULL};
    struct nr_err err;
    json_t *report = NULL;
    int64_t case_id, capture, declared = 0, task = 0;
    const char *device = NULL;
    bool bad = false;
    int rc;

    if (nr_req_param_case(r, 0, &case_id) || nr_req_fields(r, fields))
        return;
    capture = nr_req_int(r, "capture_evidence_id", 1, INT64_MAX, 0, &bad);
    if (!bad && capture == 0) {
        nr_req_fail(r, NR_EINVAL, "capture_evidence_id",
                    "capture_evidence_id names the capture to analyse (evidence of the case)");
        return;
    }
    if (!bad)
        declared = nr_req_int(r, "declared_evidence_id", 1, INT64_MAX, 0, &bad);
    if (!bad)
        task = nr_req_int(r, "task_id", 1, INT64_MAX, 0, &bad);
    if (!bad)
        device = nr_req_str(r, "device", 1024, false, &bad);
    if (bad)
        return;
    nr_err_init(&err);
    rc = nr_traffic_attach_evidence(r->rv, &r->actor, case_id, task, capture, declared, device,
                                    &report, &err);
    if (rc) {
        nr_req_error(r, rc, &err);
        return;
    }
    nr_req_json(r, 201, report);
}
