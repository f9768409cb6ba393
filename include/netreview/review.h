/*
 * review.h - the review domain: the installation (store, procedure, calendar, keys), who acts,
 * and every operation of a review from trigger to published decision (MISSION.md R1-R14).
 *
 * Contract:
 * - struct nr_review is caller-owned: nr_review_open fills it, nr_review_close releases it.
 * - Every operation takes the acting struct nr_actor and checks, before it writes anything, that
 *   the procedure lets the actor's role do it in the case's phase and that the actor has a need
 *   to know the case (R8, R11). Refusals are NR_EFORBIDDEN (role), NR_EPHASE (phase),
 *   NR_EPRECOND (a condition of the procedure), NR_ECONFLICT (R10), NR_ENOTFOUND (absent, or
 *   present but not visible to the actor: the two are indistinguishable on purpose).
 * - Every operation that writes runs in one store transaction together with its audit entry:
 *   on failure nothing of it remains.
 * - Results that carry strings are filled from a caller-provided struct nr_arena; they live until
 *   the arena is released. Lists come back as json_t (jansson) arrays owned by the caller
 *   (json_decref), with the same field names as the JSON the CLI and API print.
 */
#ifndef NETREVIEW_REVIEW_H
#define NETREVIEW_REVIEW_H

#include "netreview/calendar.h"
#include "netreview/core.h"
#include "netreview/crypto.h"
#include "netreview/procedure.h"
#include "netreview/store.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* Where an installation lives. NULL fields take their defaults. */
struct nr_review_config {
    const char *db;       /* database path or URL (NETREVIEW_DB) */
    const char *data_dir; /* keys and evidence; default "<db>-data" (NETREVIEW_DATA) */
    const char *home;     /* procedures/ and calendars/; default the source tree (NETREVIEW_HOME) */
};

struct nr_review {
    struct nr_store *st;
    struct nr_procedure proc;
    struct nr_calendar cal;
    enum nr_suite suite;
    char *data_dir;
    char *home;
    uint8_t master_key[32];    /* seals evidence and users' private keys */
    struct nr_key *office_key; /* signs decisions (R7) */
};

/* Creates a new installation: database, schema, keys in the chosen suite, default procedure.
 * procedure is an id under <home>/procedures or a path to a .json file. Fails with NR_EEXISTS
 * when the database is already initialised. */
int nr_review_init(const struct nr_review_config *cfg, enum nr_suite suite, const char *procedure,
                   struct nr_err *err);
/* Opens an initialised installation: migrates, loads and validates the procedure and calendar,
 * loads the keys. A malformed procedure fails here with its file and JSON path. */
int nr_review_open(struct nr_review *rv, const struct nr_review_config *cfg, struct nr_err *err);
void nr_review_close(struct nr_review *rv);

/* Who acts. A local administrator (the person holding the database file, no --as) may set up the
 * registry but takes no part in a case. */
struct nr_actor {
    int64_t user_id; /* 0 for the local administrator and the public */
    char login[64];
    int role; /* enum nr_role */
    int64_t org_id;
    char org_kind[32];
    char sector[64];
    bool local_admin;
};

int nr_actor_load(struct nr_review *rv, const char *login, struct nr_actor *a, struct nr_err *err);
void nr_actor_local_admin(struct nr_actor *a);
void nr_actor_public(struct nr_actor *a);
/* Checks a password for login (argon2id). NR_EAUTH for an unknown user or a wrong password. */
int nr_actor_authenticate(struct nr_review *rv, const char *login, const char *password,
                          struct nr_actor *a, struct nr_err *err);

/* Audit (R11): one entry chained to the previous by its hash, inside the caller's transaction. */
int nr_audit_append(struct nr_review *rv, const struct nr_actor *a, const char *action,
                    int64_t case_id, const char *object, const char *detail, struct nr_err *err);
/* Walks the chain. On tampering returns NR_ETAMPERED with *bad_id the first entry that was
 * altered, removed (the entry after the gap) or reordered. *count gets the entries checked. */
int nr_audit_verify(struct nr_review *rv, int64_t *bad_id, int64_t *count, struct nr_err *err);
/* Entries, oldest first, optionally of one case (case_id 0 = all). */
int nr_audit_list(struct nr_review *rv, const struct nr_actor *a, int64_t case_id, int limit,
                  json_t **out, struct nr_err *err);

/* ---- registry (R5, R6) ---- */

struct nr_org_spec {
    const char *name, *kind, *sector, *country;
    bool cii; /* a critical-information-infrastructure operator (R1, R9) */
};
int nr_org_add(struct nr_review *rv, const struct nr_actor *a, const struct nr_org_spec *o,
               int64_t *id, struct nr_err *err);
/* Looks an organisation up by numeric id or exact name. */
int nr_org_find(struct nr_review *rv, const char *ref, int64_t *id, struct nr_err *err);
int nr_org_list(struct nr_review *rv, json_t **out, struct nr_err *err);
int nr_org_competitor_add(struct nr_review *rv, const struct nr_actor *a, int64_t org,
                          int64_t competitor, struct nr_err *err);

struct nr_user_spec {
    const char *login, *name, *org, *role, *password;
};
/* Creates a user with an argon2id password hash and a signing key pair in the suite. */
int nr_user_add(struct nr_review *rv, const struct nr_actor *a, const struct nr_user_spec *u,
                int64_t *id, struct nr_err *err);
int nr_user_list(struct nr_review *rv, json_t **out, struct nr_err *err);
/* Signs data with the user's own key (reports, scores, commitments: R10). */
int nr_user_sign(struct nr_review *rv, const struct nr_actor *a, const void *data, size_t len,
                 char **sig_b64, char key_id[33], struct nr_err *err);

struct nr_product_spec {
    const char *name, *kind, *provider, *description, *cpe, *purl;
};
int nr_product_add(struct nr_review *rv, const struct nr_actor *a, const struct nr_product_spec *p,
                   int64_t *id, struct nr_err *err);
int nr_product_version_add(struct nr_review *rv, const struct nr_actor *a, int64_t product,
                           const char *version, const char *cpe, const char *purl,
                           struct nr_err *err);
/* By id, exact name, CPE 2.3 (matched against the product's CPE) or purl (base). */
int nr_product_find(struct nr_review *rv, const char *ref, int64_t *id, struct nr_err *err);
int nr_product_list(struct nr_review *rv, json_t **out, struct nr_err *err);
int nr_product_show(struct nr_review *rv, int64_t id, json_t **out, struct nr_err *err);

struct nr_institution_spec {
    const char *org, *methods, *from, *until, *ref; /* methods: comma list of procedure methods */
};
int nr_institution_designate(struct nr_review *rv, const struct nr_actor *a,
                             const struct nr_institution_spec *s, int64_t *id, struct nr_err *err);
int nr_institution_list(struct nr_review *rv, json_t **out, struct nr_err *err);

int nr_expert_appoint(struct nr_review *rv, const struct nr_actor *a, const char *login,
                      const char *field, const char *from, const char *until, int64_t *id,
                      struct nr_err *err);
int nr_expert_list(struct nr_review *rv, json_t **out, struct nr_err *err);
/* holder_kind "expert" (holder = login) or "institution" (holder = org). */
int nr_affiliation_add(struct nr_review *rv, const struct nr_actor *a, const char *holder_kind,
                       const char *holder, const char *org, const char *relation,
                       struct nr_err *err);
/* R6, R10: whether an expert or institution (its org) has a conflict with a case's provider: an
 * affiliation with the provider or with one of its competitors. *reason (arena) says which. */
int nr_conflict_check(struct nr_review *rv, const char *holder_kind, int64_t holder_id,
                      int64_t case_id, bool *conflicted, char **reason, struct nr_arena *ar,
                      struct nr_err *err);

/* ---- cases (R1, R2, R8, R13) ---- */

struct nr_case {
    int64_t id;
    char *ref, *title, *procedure, *trigger, *trigger_detail, *versions, *sector;
    int64_t product_id, operator_id, raised_by_org, raised_by_user, re_review_of;
    int64_t provider_id; /* of the product, 0 when none */
    char *phase, *phase_entered_at, *phase_entered_on, *phase_due, *paused_on;
    char *scoping_result, *scoping_reason, *closed_reason, *watch_reason;
    char *opened_at, *updated_at;
    char *watch_at; /* when watch_reason was last set by a watch; NULL when never */
};

struct nr_case_spec {
    const char *trigger;    /* a trigger id of the procedure */
    const char *product;    /* product reference (nr_product_find) */
    const char *versions;   /* range expression, default "*" */
    const char *title;      /* default "<product> <versions>" */
    const char *sector;     /* default the raiser's sector */
    const char *detail;     /* what the trigger says */
    const char *complaints; /* trigger "complaints": comma list of complaint ids to group */
    int64_t re_review_of;   /* trigger "re_review": the decided case */
    bool declared; /* set by nr_declaration_file: "declaration" triggers are raised only by it */
};
int nr_case_open(struct nr_review *rv, const struct nr_actor *a, const struct nr_case_spec *s,
                 int64_t *id, struct nr_err *err);
/* Loads a case the actor may see (NR_ENOTFOUND otherwise). */
int nr_case_get(struct nr_review *rv, const struct nr_actor *a, int64_t id, struct nr_arena *ar,
                struct nr_case *c, struct nr_err *err);
/* Accepts "12" or "NR-2026-0012". With an actor, a case it may not see is NR_ENOTFOUND with the
 * same message as an absent one ("no case <ref>"); a NULL actor resolves without that check. */
int nr_case_resolve(struct nr_review *rv, const struct nr_actor *a, const char *ref, int64_t *id,
                    struct nr_err *err);
/* R11 need-to-know: may the actor see this case at all? */
bool nr_case_visible(struct nr_review *rv, const struct nr_actor *a, const struct nr_case *c);
/* The procedure's action check: role, phase, need-to-know and the sector rule of R8. */
int nr_case_check_action(struct nr_review *rv, const struct nr_actor *a, const struct nr_case *c,
                         const char *action, struct nr_err *err);
/* Everything about a case as JSON (what the actor may see). */
int nr_case_show(struct nr_review *rv, const struct nr_actor *a, int64_t id, json_t **out,
                 struct nr_err *err);
struct nr_case_filter {
    const char *phase, *sector, *trigger;
    int64_t product_id;
    bool overdue_only, open_only;
    int limit, offset;
};
int nr_case_list(struct nr_review *rv, const struct nr_actor *a, const struct nr_case_filter *f,
                 json_t **out, struct nr_err *err);

/* Decision fields for the decide transition (R7). */
struct nr_decision_spec {
    const char *outcome, *rationale, *conditions, *versions, *valid_until, *visibility;
    const char *audience;      /* restricted: comma list of "org:NAME|ID" and "sector:NAME" */
    const char *justification; /* required when outcome departs from the recommendation */
};
/* Makes a transition of the procedure: role, phase, conditions, then the phase change, the
 * deadline of the new phase, the phase history and the audit entry. reason is kept on the case.
 * The decide transition takes dec; others ignore it. */
int nr_case_transition(struct nr_review *rv, const struct nr_actor *a, int64_t case_id,
                       const char *transition, const char *reason,
                       const struct nr_decision_spec *dec, struct nr_err *err);
/* The transitions the actor could make now (for help and the UI), with unmet conditions. */
int nr_case_options(struct nr_review *rv, const struct nr_actor *a, int64_t case_id, json_t **out,
                    struct nr_err *err);

/* R14: flags the decided cases of a product for re-review (watch_reason, an audit entry each).
 * version NULL flags every decided case of the product; otherwise only those whose decision
 * does not cover it (a new version) when `uncovered_only`, or covers it (a complaint about it).
 * Runs inside the caller's transaction. *flagged gets how many cases were flagged. */
int nr__case_watch(struct nr_review *rv, const struct nr_actor *a, int64_t product_id,
                   const char *version, bool uncovered_only, const char *reason, int *flagged,
                   struct nr_err *err);
/* The task check shared by evidence, findings and the engines (R10, R11): task_id (0: none) is
 * a task of case c (else NR_EINVAL) and, for an institution, its own (else NR_EFORBIDDEN); the
 * error names `field`. Reads only. */
int nr__case_task_check(struct nr_review *rv, const struct nr_actor *a, const struct nr_case *c,
                        int64_t task_id, const char *field, struct nr_err *err);
/* After a rolled-back transaction that added evidence: removes the sealed file of sha256 (hex)
 * unless a committed evidence row uses it (content addressing shares files between rows). */
void nr__evidence_forget(struct nr_review *rv, const char *sha256);
/* Decrypts evidence for an engine to read (nr_evidence_read: rights checked, the read audited)
 * into a new 0600 file under <data_dir>/evidence/tmp; *path (the caller's to unlink and free)
 * names it. Errors name `field`; on failure no file is left. */
int nr__evidence_extract(struct nr_review *rv, const struct nr_actor *a, int64_t evidence_id,
                         const char *field, char **path, struct nr_err *err);
/* R14: flags one case for re-review: watch_reason = reason, watch_at and updated_at now, audit
 * "case.watch". Checks nothing (the caller decided) and runs inside the caller's transaction. */
int nr__case_flag(struct nr_review *rv, const struct nr_actor *a, int64_t case_id,
                  const char *reason, struct nr_err *err);

/* ---- deadlines (R13) ---- */
int nr_materials_request(struct nr_review *rv, const struct nr_actor *a, int64_t case_id,
                         const char *what, struct nr_err *err);
int nr_materials_receive(struct nr_review *rv, const struct nr_actor *a, int64_t case_id,
                         struct nr_err *err);
int nr_deadline_extend(struct nr_review *rv, const struct nr_actor *a, int64_t case_id, int days,
                       const char *reason, struct nr_err *err);
/* Open cases past their phase deadline (the clock not paused), with days overdue. */
int nr_case_overdue(struct nr_review *rv, const struct nr_actor *a, json_t **out,
                    struct nr_err *err);
/* Computes the due date of a phase entered on day `entered` (deadline_days of the procedure). */
int32_t nr_deadline_due(struct nr_review *rv, const char *phase, int32_t entered);

/* ---- evaluation (R3, R10) ---- */
int nr_commitment_sign(struct nr_review *rv, const struct nr_actor *a, int64_t case_id,
                       const char *text, struct nr_err *err);
struct nr_task_spec {
    const char *institution, *method, *standards;
    int due_days; /* working days from today; 0 = the phase deadline */
};
int nr_task_assign(struct nr_review *rv, const struct nr_actor *a, int64_t case_id,
                   const struct nr_task_spec *s, int64_t *id, struct nr_err *err);
/* The institution signs its evaluation report; the report text is hashed and signed. */
int nr_task_report(struct nr_review *rv, const struct nr_actor *a, int64_t task_id,
                   const char *report, const char *standards, struct nr_err *err);
int nr_task_list(struct nr_review *rv, const struct nr_actor *a, int64_t case_id, json_t **out,
                 struct nr_err *err);

struct nr_evidence_spec {
    const char *path;       /* file to add */
    const char *media_type; /* default from the extension */
    const char *filename;   /* default basename(path) */
    const char *description;
    int64_t task_id;
    bool public_doc; /* not confidential (e.g. a published report) */
};
/* Stores the file encrypted, content-addressed by its SHA-256 (streamed, never whole in memory). */
int nr_evidence_add(struct nr_review *rv, const struct nr_actor *a, int64_t case_id,
                    const struct nr_evidence_spec *s, int64_t *id, char sha256_hex[65],
                    struct nr_err *err);
/* Decrypts evidence to out_fd; a read of confidential evidence is audited with its case (R11). */
int nr_evidence_read(struct nr_review *rv, const struct nr_actor *a, int64_t evidence_id,
                     int out_fd, struct nr_err *err);
int nr_evidence_list(struct nr_review *rv, const struct nr_actor *a, int64_t case_id, json_t **out,
                     struct nr_err *err);
/* One piece of evidence as nr_evidence_list shows it (id, case_id, task_id, sha256, size,
 * media_type, filename, description, confidential, added_by, added_at), to an actor who would
 * see it in that list; NR_ENOTFOUND ("no evidence <id>") when absent or hidden from the actor,
 * NR_EFORBIDDEN where the list itself is refused. Reading it is not an audited read: it shows
 * no content. *out is the caller's (json_decref). */
int nr_evidence_info(struct nr_review *rv, const struct nr_actor *a, int64_t evidence_id,
                     json_t **out, struct nr_err *err);
/* The media type evidence named filename is stored with: given when not NULL or empty, else
 * from the file name's extension, application/octet-stream when none is known. Never NULL;
 * the result is given or a static string. */
const char *nr_evidence_media_type(const char *filename, const char *given);
/* The size cap, in bytes, of evidence of a media type: 2 GiB for captures, firmware images and
 * archives, 64 MiB for anything else. */
uint64_t nr_evidence_cap(const char *media_type);

struct nr_finding_spec {
    const char *category, *severity, *title, *detail, *evidence_ids, *source;
    int64_t task_id;
};
int nr_finding_add(struct nr_review *rv, const struct nr_actor *a, int64_t case_id,
                   const struct nr_finding_spec *s, int64_t *id, struct nr_err *err);
int nr_finding_list(struct nr_review *rv, const struct nr_actor *a, int64_t case_id, json_t **out,
                    struct nr_err *err);

/* ---- evidence uploads (R11) ----
 * Evidence too big for one request arrives in parts. An upload declares the file (name, type,
 * size, task, description) and gets a token: 64 lower-case hex digits of 32 random bytes, its
 * only name, so that uploads cannot be guessed. Parts are appended, each at exactly the offset
 * received so far, to the plain part file <data_dir>/uploads/<token> (0600); completion hands
 * that file to nr_evidence_add (hashed, sealed, content-addressed, audited) and removes it.
 * - An upload belongs to the user who started it: any other actor, and a token unknown or
 *   malformed, get NR_ENOTFOUND (field "upload", "no such upload") alike.
 * - Parts and the completion of one upload never run at once: each holds an exclusive flock
 *   on the part file while it works. A call that finds it held returns NR_EBUSY (field
 *   "upload") at once, without waiting; the caller retries.
 * - Starting is audited ("upload.start"), as is the evidence a completion adds ("evidence.add")
 *   and an upload the sweep removes ("upload.expire"); parts are not: they move bytes, not the
 *   review.
 */
#define NR_UPLOAD_TOKEN_LEN 64
/* Unfinished uploads a user may have started within the last day: each may reserve its cap on
 * disk. */
#define NR_UPLOAD_OPEN_MAX 16
/* The age after which an unfinished upload is abandoned (nr_upload_sweep). */
#define NR_UPLOAD_MAX_AGE (24 * 3600)

struct nr_upload_spec {
    const char *filename;    /* a file name, no '/' */
    const char *media_type;  /* NULL or "": from the extension (nr_evidence_media_type) */
    const char *description; /* may be NULL */
    uint64_t size;           /* bytes to come; at most nr_evidence_cap(media type) */
    int64_t task_id;         /* 0 for none */
    bool public_doc;         /* as nr_evidence_spec */
};
/* Starts an upload to case_id. Checks first what the completion would refuse: the inputs as
 * nr_evidence_add checks them (NR_EINVAL, NR_ETOOBIG naming the field), the declared size
 * against the type's cap (NR_ETOOBIG, field "size"), the actor's right to add evidence to the
 * case now (NR_ENOTFOUND, NR_EFORBIDDEN, NR_EPHASE; NR_EINVAL field "task_id" for a task of
 * another case). A user with NR_UPLOAD_OPEN_MAX unfinished uploads of the last day gets
 * NR_ETOOBIG with field "uploads" (the API answers it 429). Creates the empty part file and the
 * upload's row; token_out gets the token. The completion checks the rights again as they are
 * then. */
int nr_upload_start(struct nr_review *rv, const struct nr_actor *a, int64_t case_id,
                    const struct nr_upload_spec *s, char token_out[NR_UPLOAD_TOKEN_LEN + 1],
                    struct nr_err *err);
/* Appends len bytes at offset. offset must be what the upload holds so far: otherwise
 * NR_EPRECOND with field "offset", nothing written, and *received the offset the next part
 * must start at. When the part file holds fewer bytes than were recorded (a crash, a restored
 * disk), the upload goes back to what is really there, never to zeros in place of lost bytes:
 * NR_EPRECOND, field "offset", *received where to resume. Bytes beyond the declared size:
 * NR_ETOOBIG (field "size"). A complete upload: NR_EPRECOND (field "upload"). *received, when
 * not NULL, gets the bytes held at the end of the call whenever the upload was found. */
int nr_upload_append(struct nr_review *rv, const struct nr_actor *a, const char *token,
                     uint64_t offset, const void *data, size_t len, uint64_t *received,
                     struct nr_err *err);
/* Completes an upload that holds its declared size (NR_EPRECOND, field "offset", otherwise):
 * nr_evidence_add on the part file, with role, phase and need-to-know checked as they are now,
 * the upload marked complete in the same transaction, then the part file removed. Completing a
 * complete upload again returns the same evidence. *evidence_id and sha256_hex (either may be
 * NULL) get the evidence and its SHA-256. */
int nr_upload_complete(struct nr_review *rv, const struct nr_actor *a, const char *token,
                       int64_t *evidence_id, char sha256_hex[65], struct nr_err *err);
/* The upload as the API shows it: id and token (both the token), case_id, filename,
 * media_type (as it will be stored), size, received, complete (received == size), task_id when
 * it names one, evidence_id once completed. Only to its uploader. *out is the caller's. */
int nr_upload_show(struct nr_review *rv, const struct nr_actor *a, const char *token, json_t **out,
                   struct nr_err *err);
/* Removes the unfinished uploads started more than older_than seconds ago, with their part
 * files (an upload whose part or completion is running is left for the next sweep), and part
 * files as old that no unfinished upload owns. Each removed upload is audited as done by the
 * installation. *removed (may be NULL) gets how many uploads were removed. Completed uploads
 * stay: they make a repeated completion answer its evidence. */
int nr_upload_sweep(struct nr_review *rv, time_t older_than, int *removed, struct nr_err *err);

/* ---- expert review (R6) ---- */
/* Forms the panel from the named experts (comma list of logins) or, when NULL, from the whole
 * committee; conflicted experts are excluded with the reason kept. Fails with NR_EPRECOND when
 * fewer than the procedure's panel size remain. */
int nr_panel_form(struct nr_review *rv, const struct nr_actor *a, int64_t case_id,
                  const char *experts, struct nr_err *err);
int nr_panel_recuse(struct nr_review *rv, const struct nr_actor *a, int64_t case_id,
                    const char *reason, struct nr_err *err);
/* One signed score for one dimension, with its written reason. */
int nr_score_submit(struct nr_review *rv, const struct nr_actor *a, int64_t case_id,
                    const char *dimension, const char *level, const char *reason,
                    struct nr_err *err);
/* A score sheet: {"control": {"level": "high", "reason": "..."}, ...}, one entry per dimension.
 * nr_score_sheet_parse checks its shape only (at most 1 MiB, 64 entries, string fields) and
 * returns the parsed object (caller json_decrefs), NR_EPARSE with the JSON path otherwise.
 * nr_score_sheet_submit stores every score of the sheet in one transaction: all or none. */
int nr_score_sheet_parse(const char *text, size_t len, json_t **out, struct nr_err *err);
int nr_score_sheet_submit(struct nr_review *rv, const struct nr_actor *a, int64_t case_id,
                          const char *text, size_t len, struct nr_err *err);
/* The panel: members, who has scored; scores and the recommendation only once all are in
 * (R6: sealed until then), except each expert sees their own. */
int nr_panel_show(struct nr_review *rv, const struct nr_actor *a, int64_t case_id, json_t **out,
                  struct nr_err *err);
/* Recommendation from the scores when all are in; NR_EPRECOND otherwise. *rec is static. */
int nr_panel_recommendation(struct nr_review *rv, int64_t case_id, const char **rec,
                            json_t **medians, struct nr_err *err);
/* Counts for the procedure's conditions. */
int nr_panel_status(struct nr_review *rv, int64_t case_id, int *members, int *complete_scorers,
                    struct nr_err *err);

/* ---- decisions and publication (R7) ---- */
/* Called by the decide transition inside its transaction: validates, signs, stores. */
int nr__decision_record(struct nr_review *rv, const struct nr_actor *a, const struct nr_case *c,
                        const struct nr_decision_spec *d, int64_t *id, struct nr_err *err);
int nr__decision_publish(struct nr_review *rv, const struct nr_actor *a, const struct nr_case *c,
                         struct nr_err *err);
int nr__decision_revoke(struct nr_review *rv, const struct nr_actor *a, const struct nr_case *c,
                        const char *reason, struct nr_err *err);
int nr_decision_show(struct nr_review *rv, const struct nr_actor *a, int64_t id, json_t **out,
                     struct nr_err *err);
/* The self-contained signed document: payload, signature, suite, key id, public key PEM. */
int nr_decision_export(struct nr_review *rv, const struct nr_actor *a, int64_t id, char **json,
                       struct nr_err *err);
/* Offline check of an exported decision against a public key PEM: NR_EBADSIG or NR_EPARSE. */
int nr_decision_verify(const char *doc, size_t len, const char *pub_pem, size_t pem_len,
                       json_t **payload, struct nr_err *err);
/* Decisions visible to the actor (the public sees published public ones). The rows of list and
 * show carry the sector of the decision's case. */
int nr_decision_list(struct nr_review *rv, const struct nr_actor *a, json_t **out,
                     struct nr_err *err);

/* ---- intake (R1, R2) ---- */
struct nr_complaint_spec {
    const char *product, *version, *text, *contact, *source_addr;
};
int nr_complaint_file(struct nr_review *rv, const struct nr_actor *a,
                      const struct nr_complaint_spec *s, int64_t *id, struct nr_err *err);
int nr_complaint_list(struct nr_review *rv, const struct nr_actor *a, json_t **out,
                      struct nr_err *err);
/* How many complaints came from source_addr after since (an ISO 8601 timestamp; NR_EINVAL,
 * field "since", when malformed): what a limit per address counts. Only a number: no content
 * of a complaint, so no actor is needed. */
int nr_complaint_count_since(struct nr_review *rv, const char *source_addr, const char *since,
                             int64_t *count, struct nr_err *err);
struct nr_declaration_spec {
    const char *product, *versions, *purpose, *contract_ref;
    bool national_security; /* for a national-security or public-interest system */
};
/* A CII operator declares a procurement: the declaration and a case in scoping (R1). A
 * national-security system is always in scope: its case starts after scoping, through the
 * procedure's national_security_procurement trigger, with the scoping result recorded. */
int nr_declaration_file(struct nr_review *rv, const struct nr_actor *a,
                        const struct nr_declaration_spec *s, int64_t *case_id, struct nr_err *err);
int nr_declaration_list(struct nr_review *rv, const struct nr_actor *a, json_t **out,
                        struct nr_err *err);

/* ---- demo data ---- */
int nr_demo_load(struct nr_review *rv, const char *password, struct nr_err *err);
/* A portfolio of passed products (src/model/portfolio.c; the supply-chain benchmark and the
 * watch's demonstration, R14): for every *.json SBOM of dir, in name order, one product of the
 * portfolio's provider (named by the SBOM's subject, else the file) and one case driven by the
 * review's own operations, each as the user whose job it is, to a passed, published decision
 * with the SBOM attached by the laboratory (sca.h nr_sca_attach_file). The portfolio's
 * organisations and users (logins portfolio-*, with password, at least 8 characters) are made
 * first when missing, so it loads into a new installation or beside the demo data; the
 * procedure must be cn-2017's shape (NR_EPRECOND otherwise). One transaction: on failure
 * nothing is left. progress, when not NULL, is called after each product. */
struct nr_portfolio_stats {
    int64_t products, components;
};
int nr_demo_portfolio(struct nr_review *rv, const char *dir, const char *password,
                      struct nr_portfolio_stats *st,
                      void (*progress)(void *ctx, int64_t done, int64_t total), void *ctx,
                      struct nr_err *err);

#endif
