/*
 * portfolio.c - a portfolio of passed products with their SBOMs (interface: review.h,
 * nr_demo_portfolio): what the supply-chain benchmark re-matches (bench/sbom.sh) and what a
 * demonstration of the watch (R14) needs, a national portfolio of products reviewed, passed and
 * published, each with the bill of materials its evaluation analysed.
 *
 * Like the demonstration data set (demo.c), everything is done through the review's own
 * operations, each as the user whose job it is, so that the cases, their audit entries and the
 * SBOMs are exactly what real reviews leave: the provider applies and signs its commitment, the
 * office accepts and assigns a laboratory test, the laboratory attaches the SBOM (sca.h: evidence,
 * components, findings) and signs its report, the experts score, the office decides "passed" and
 * publishes. The organisations and users of the portfolio (logins portfolio-*) are made first
 * when missing, so a portfolio can be loaded into a new installation or beside the demo data.
 *
 * The whole load is one transaction: a portfolio that fails half way leaves nothing but the
 * encrypted evidence files already stored (content-addressed, so harmless).
 */
#include "netreview/review.h"
#include "netreview/sbom.h"
#include "netreview/sca.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netreview/banned.h"

#define PF_FILES_MAX     100000 /* SBOM files of one portfolio */
#define PF_NAME_MAX      200    /* bytes of a product name taken from an SBOM */
#define PF_OFFICE_ORG    "Portfolio Review Office"
#define PF_EXPERTS_ORG   "Portfolio Experts Committee"
#define PF_LAB_ORG       "Portfolio Evaluation Laboratory"
#define PF_PROVIDER_ORG  "Portfolio Software Supplier"
#define PF_OFFICE        "portfolio-office"
#define PF_LAB           "portfolio-lab"
#define PF_VENDOR        "portfolio-vendor"
#define PF_EXPERT_PREFIX "portfolio-expert"
#define PF_METHOD        "lab_testing"
#define PF_LEVEL         "low"
#define PF_STANDARDS     "ISO/IEC 27036-3:2023 (supply chain); ISO/IEC 18045:2022"

struct pf {
    struct nr_review *rv;
    const char *password;
    struct nr_actor admin, office, lab, vendor;
    struct nr_actor *experts;
    int nexperts;
    char *panel; /* comma list of the experts' logins */
    struct nr_err *err;
};

/* Records a step's failure with what the portfolio was doing; returns rc. */
static int pf_fail(struct pf *p, int rc, const char *what, const struct nr_err *local)
{
    return nr_err_set(p->err, rc, local->field[0] ? local->field : NULL, "portfolio: %s: %s", what,
                      local->code && local->msg[0] ? local->msg : nr_strerror(rc));
}

/* ---- the portfolio's registry, made when missing ---- */

static int pf_org(struct pf *p, const char *name, const char *kind)
{
    struct nr_org_spec o = {name, kind, NULL, NULL, false};
    struct nr_err e;
    int64_t id = 0;
    int rc;

    nr_err_init(&e);
    if (nr_org_find(p->rv, name, &id, NULL) == 0)
        return 0;
    rc = nr_org_add(p->rv, &p->admin, &o, &id, &e);
    return rc ? pf_fail(p, rc, name, &e) : 0;
}

/* Loads login into *a, creating the user first when missing. */
static int pf_user(struct pf *p, const char *login, const char *name, const char *org,
                   const char *role, struct nr_actor *a, bool *created)
{
    struct nr_user_spec u = {login, name, org, role, p->password};
    struct nr_err e;
    int64_t id = 0;
    int rc;

    *created = false;
    if (nr_actor_load(p->rv, login, a, NULL) == 0)
        return 0;
    if (p->password == NULL || strlen(p->password) < 8) {
        nr_err_init(&e);
        nr_err_set(&e, NR_EINVAL, "password",
                   "the portfolio's users need a password of at least "
                   "8 characters");
        return pf_fail(p, NR_EINVAL, login, &e);
    }
    nr_err_init(&e);
    rc = nr_user_add(p->rv, &p->admin, &u, &id, &e);
    if (rc == 0)
        rc = nr_actor_load(p->rv, login, a, &e);
    if (rc)
        return pf_fail(p, rc, login, &e);
    *created = true;
    return 0;
}

static int pf_registry(struct pf *p)
{
    const struct nr_procedure *proc = &p->rv->proc;
    char from[NR_DATE_STR], until[NR_DATE_STR], login[64], name[64];
    int32_t today = nr_date_from_time(nr_time_now());
    struct nr_buf panel;
    struct nr_err e;
    bool created;
    int64_t id = 0;
    int rc;

    nr_err_init(&e);
    if (proc->panel_size < 1 || proc->panel_size > 64 || proc->ndimensions == 0 ||
        !nr_procedure_has_method(proc, PF_METHOD) || nr_procedure_level(proc, PF_LEVEL) < 0 ||
        !nr_procedure_has_category(proc, "supply_chain") ||
        nr_procedure_trigger(proc, "provider_application") == NULL)
        return nr_err_set(p->err, NR_EPRECOND, "procedure",
                          "the portfolio follows procedure cn-2017 (a provider's application, a "
                          "laboratory test, a panel scoring \"low\"); procedure %s differs",
                          proc->id);
    nr_date_fmt(today - 30, from);
    nr_date_fmt(today + 3 * 365, until);
    if ((rc = pf_org(p, PF_OFFICE_ORG, "office")) != 0 ||
        (rc = pf_org(p, PF_EXPERTS_ORG, "experts_committee")) != 0 ||
        (rc = pf_org(p, PF_LAB_ORG, "institution")) != 0 ||
        (rc = pf_org(p, PF_PROVIDER_ORG, "provider")) != 0)
        return rc;
    if ((rc = pf_user(p, PF_OFFICE, "Portfolio Office Clerk", PF_OFFICE_ORG, "office", &p->office,
                      &created)) != 0 ||
        (rc = pf_user(p, PF_VENDOR, "Portfolio Supplier Representative", PF_PROVIDER_ORG,
                      "provider", &p->vendor, &created)) != 0 ||
        (rc = pf_user(p, PF_LAB, "Portfolio Laboratory Engineer", PF_LAB_ORG, "institution",
                      &p->lab, &created)) != 0)
        return rc;
    if (created) {
        /* R5: a laboratory tests only while designated, for the methods of its designation. */
        struct nr_institution_spec s = {PF_LAB_ORG, PF_METHOD, from, until, "DES-PORTFOLIO"};
        rc = nr_institution_designate(p->rv, &p->admin, &s, &id, &e);
        if (rc)
            return pf_fail(p, rc, "designating " PF_LAB_ORG, &e);
    }
    p->nexperts = proc->panel_size;
    p->experts = nr_calloc((size_t)p->nexperts, sizeof(*p->experts));
    nr_buf_init(&panel, 64 * 1024);
    for (int i = 0; i < p->nexperts; i++) {
        snprintf(login, sizeof(login), "%s%d", PF_EXPERT_PREFIX, i + 1);
        snprintf(name, sizeof(name), "Portfolio Expert %d", i + 1);
        rc = pf_user(p, login, name, PF_EXPERTS_ORG, "expert", &p->experts[i], &created);
        if (rc == 0 && created) {
            rc = nr_expert_appoint(p->rv, &p->admin, login, "supply-chain security", from, until,
                                   &id, &e);
            if (rc)
                rc = pf_fail(p, rc, login, &e);
        }
        if (rc) {
            nr_buf_release(&panel);
            return rc;
        }
        nr_buf_printf(&panel, "%s%s", i ? "," : "", login);
    }
    p->panel = nr_buf_steal(&panel);
    return 0;
}

/* ---- one product, one case ---- */

static int pf_move(struct pf *p, const struct nr_actor *a, int64_t case_id, const char *transition,
                   const struct nr_decision_spec *dec, const char *file)
{
    struct nr_err e;
    char what[300];
    int rc;

    nr_err_init(&e);
    rc = nr_case_transition(p->rv, a, case_id, transition, NULL, dec, &e);
    if (rc) {
        snprintf(what, sizeof(what), "%s: %s by %s", file, transition, a->login);
        return pf_fail(p, rc, what, &e);
    }
    return 0;
}

/* The product's name and version as the SBOM names its subject, else the file's name and ""
 * (no version). */
static int pf_subject(struct pf *p, const char *path, const char *file, char name[PF_NAME_MAX],
                      char version[PF_NAME_MAX])
{
    struct nr_sbom sbom;
    struct nr_err e;
    int rc;

    nr_err_init(&e);
    nr_sbom_init(&sbom);
    rc = nr_sbom_read_file(&sbom, path, &e);
    if (rc) {
        char what[PF_NAME_MAX + NR_ERR_FIELD_MAX];
        /* The JSON path belongs in the message: it says where in the file to look. */
        snprintf(what, sizeof(what), "%s%s%s", file, e.field[0] ? ": " : "", e.field);
        nr_sbom_release(&sbom);
        return pf_fail(p, rc, what, &e);
    }
    snprintf(name, PF_NAME_MAX, "%s", sbom.subject && *sbom.subject ? sbom.subject : file);
    snprintf(version, PF_NAME_MAX, "%s", sbom.subject_version ? sbom.subject_version : "");
    nr_sbom_release(&sbom);
    return 0;
}

static int pf_product(struct pf *p, const char *dir, const char *file, int64_t *components)
{
    const struct nr_procedure *proc = &p->rv->proc;
    char name[PF_NAME_MAX], version[PF_NAME_MAX], what[PF_NAME_MAX + 64];
    struct nr_product_spec ps;
    struct nr_task_spec ts = {PF_LAB_ORG, PF_METHOD, PF_STANDARDS, 0};
    struct nr_case_spec cs;
    struct nr_decision_spec dec;
    struct nr_err e;
    json_t *report = NULL;
    char *path = nr_asprintf("%s/%s", dir, file), *text = NULL;
    int64_t product = 0, case_id = 0, task = 0;
    int rc;

    nr_err_init(&e);
    rc = pf_subject(p, path, file, name, version);
    if (rc)
        goto out;
    memset(&ps, 0, sizeof(ps));
    ps.name = name;
    ps.kind = "product";
    ps.provider = PF_PROVIDER_ORG;
    ps.description = "A product of the supply-chain portfolio, passed with its SBOM.";
    snprintf(what, sizeof(what), "product %s", name);
    rc = nr_product_add(p->rv, &p->admin, &ps, &product, &e);
    /* An SBOM that names no version of its subject: a product without versions, a case on
     * every version. */
    if (rc == 0 && version[0])
        rc = nr_product_version_add(p->rv, &p->admin, product, version, NULL, NULL, &e);
    if (rc) {
        rc = pf_fail(p, rc, what, &e);
        goto out;
    }

    /* R2, R3: the provider applies and commits; the office accepts and assigns the test. */
    memset(&cs, 0, sizeof(cs));
    cs.trigger = "provider_application";
    cs.product = name;
    cs.versions = version[0] ? version : "*";
    cs.detail = "The provider applies for the portfolio's review of its product.";
    snprintf(what, sizeof(what), "%s: opening the case", file);
    rc = nr_case_open(p->rv, &p->vendor, &cs, &case_id, &e);
    if (rc == 0)
        rc = pf_move(p, &p->office, case_id, "accept", NULL, file);
    if (rc == 0) {
        text = nr_asprintf("Security commitment for %s %s: no hidden functions, no collection of "
                           "user information beyond what is documented, and the origin of every "
                           "component disclosed in the attached bill of materials.",
                           name, version[0] ? version : "(every version)");
        snprintf(what, sizeof(what), "%s: commitment", file);
        rc = nr_commitment_sign(p->rv, &p->vendor, case_id, text, &e);
    }
    if (rc == 0) {
        snprintf(what, sizeof(what), "%s: task", file);
        rc = nr_task_assign(p->rv, &p->office, case_id, &ts, &task, &e);
    }
    /* R3, R4: the laboratory attaches the SBOM: evidence, components, findings. */
    if (rc == 0) {
        snprintf(what, sizeof(what), "%s: attaching the SBOM", file);
        rc = nr_sca_attach_file(p->rv, &p->lab, case_id, task, path, &report, &e);
    }
    if (rc == 0) {
        *components =
            json_integer_value(json_object_get(json_object_get(report, "summary"), "components"));
        snprintf(what, sizeof(what), "%s: report", file);
        rc = nr_task_report(p->rv, &p->lab, task,
                            "Laboratory test of the product and analysis of its SBOM against the "
                            "imported advisories: no finding stands in the way of a pass.",
                            PF_STANDARDS, &e);
    }
    if (rc) {
        rc = pf_fail(p, rc, what, &e);
        goto out;
    }
    rc = pf_move(p, &p->office, case_id, "submit_to_experts", NULL, file);
    if (rc == 0) {
        snprintf(what, sizeof(what), "%s: panel", file);
        rc = nr_panel_form(p->rv, &p->office, case_id, p->panel, &e);
        if (rc)
            rc = pf_fail(p, rc, what, &e);
    }
    /* R6: every member scores every dimension. */
    for (int i = 0; rc == 0 && i < p->nexperts; i++) {
        for (size_t k = 0; rc == 0 && k < proc->ndimensions; k++) {
            rc = nr_score_submit(p->rv, &p->experts[i], case_id, proc->dimensions[k], PF_LEVEL,
                                 "The evaluation report and the SBOM analysis show no more than "
                                 "a residual risk.",
                                 &e);
            if (rc) {
                snprintf(what, sizeof(what), "%s: score of %s", file, p->experts[i].login);
                rc = pf_fail(p, rc, what, &e);
            }
        }
    }
    /* R7: decided and published. */
    if (rc == 0) {
        memset(&dec, 0, sizeof(dec));
        dec.outcome = "passed";
        dec.rationale = "No dimension scored above low; the bill of materials was analysed.";
        dec.visibility = "public";
        rc = pf_move(p, &p->office, case_id, "decide", &dec, file);
    }
    if (rc == 0)
        rc = pf_move(p, &p->office, case_id, "publish", NULL, file);
out:
    json_decref(report);
    nr_free(text);
    nr_free(path);
    return rc;
}

/* ---- the files ---- */

static int pf_name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool pf_is_json(const char *name)
{
    size_t n = strlen(name);
    return name[0] != '.' && n > 5 && strcmp(name + n - 5, ".json") == 0;
}

/* The *.json files of dir, sorted by name (caller frees each and the array). */
static int pf_files(const char *dir, char ***out, size_t *n, struct nr_err *err)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char **names = NULL;
    size_t cap = 0;

    *out = NULL;
    *n = 0;
    if (d == NULL)
        return nr_err_set(err, -errno, "sboms", "cannot open the directory %s: %s", dir,
                          strerror(errno));
    while ((de = readdir(d)) != NULL) {
        if (!pf_is_json(de->d_name))
            continue;
        if (*n >= PF_FILES_MAX) {
            closedir(d);
            for (size_t i = 0; i < *n; i++)
                nr_free(names[i]);
            nr_free(names);
            *n = 0;
            return nr_err_set(err, NR_ETOOBIG, "sboms", "%s holds more than %d SBOMs", dir,
                              PF_FILES_MAX);
        }
        if (*n == cap) {
            cap = cap ? 2 * cap : 64;
            names = nr_realloc(names, cap * sizeof(*names));
        }
        names[(*n)++] = nr_strdup(de->d_name);
    }
    closedir(d);
    if (*n == 0) {
        nr_free(names);
        return nr_err_set(err, NR_EINVAL, "sboms", "%s holds no SBOM (*.json)", dir);
    }
    qsort(names, *n, sizeof(*names), pf_name_cmp);
    *out = names;
    return 0;
}

int nr_demo_portfolio(struct nr_review *rv, const char *dir, const char *password,
                      struct nr_portfolio_stats *st,
                      void (*progress)(void *ctx, int64_t done, int64_t total), void *ctx,
                      struct nr_err *err)
{
    struct pf p;
    char **files = NULL;
    size_t nfiles = 0;
    int64_t components = 0;
    int rc;

    memset(&p, 0, sizeof(p));
    memset(st, 0, sizeof(*st));
    p.rv = rv;
    p.password = password;
    p.err = err;
    nr_actor_local_admin(&p.admin);
    rc = pf_files(dir, &files, &nfiles, err);
    if (rc)
        return rc;
    rc = nr_store_begin(rv->st, err);
    if (rc)
        goto out;
    rc = pf_registry(&p);
    for (size_t i = 0; rc == 0 && i < nfiles; i++) {
        int64_t n = 0;
        rc = pf_product(&p, dir, files[i], &n);
        components += n;
        if (rc == 0 && progress)
            progress(ctx, (int64_t)i + 1, (int64_t)nfiles);
    }
    if (rc == 0) {
        char *detail = nr_asprintf("portfolio of %zu passed products (%lld components) loaded "
                                   "from %s",
                                   nfiles, (long long)components, dir);
        rc = nr_audit_append(rv, &p.admin, "demo.portfolio", 0, "installation", detail, err);
        nr_free(detail);
    }
    if (rc) {
        nr_store_rollback(rv->st);
    } else {
        rc = nr_store_commit(rv->st, err);
        if (rc == 0) {
            st->products = (int64_t)nfiles;
            st->components = components;
        }
    }
out:
    for (size_t i = 0; i < nfiles; i++)
        nr_free(files[i]);
    nr_free(files);
    nr_free(p.experts);
    nr_free(p.panel);
    return rc;
}
