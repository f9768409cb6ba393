/*
 * gate.h - the procurement gate (R9): for a product and version, what a procurement system may do.
 *
 * Contract:
 * - The gate answers from an index (struct nr_gate_index): an immutable snapshot of everything an
 *   answer needs (products by id, exact name, CPE product key and package URL base; their
 *   decisions in force with parsed version ranges, validity, visibility and audience; their open
 *   cases with who may see them; the organisations with their sector and CII flag). A check is a
 *   few hash lookups and range matches; it never touches the store. nr_gate_check builds an index
 *   and checks against it, so the command line and the server give one answer, from one code path.
 * - nr_gate_index_build reads the store (no transaction, no audit entry) and returns an index the
 *   caller frees with nr_gate_index_free (NULL is accepted). Once built the index is never
 *   modified, so any number of threads may call nr_gate_index_check on it at once. It does not
 *   refer to the struct nr_review it was built from, which may be closed before the index is freed.
 * - The index is a snapshot: it does not see changes made after it was built, except the passing
 *   of time (validity is compared with today at each check). nr_gate_generation reads a short text
 *   that changes whenever something the index holds changes (decisions, publications, case phases,
 *   products, organisations, tasks, panels); nr_gate_index_generation is the one the index was
 *   built from (read before its data, so a change during the build makes it look stale, never
 *   fresh). Compare the two to know when to rebuild.
 * - nr_gate_check and nr_gate_index_check fill a caller-owned struct nr_gate_answer; neither
 *   writes to the store. NR_EINVAL when the query names no product; NR_EPARSE / NR_ETOOBIG for a
 *   malformed CPE, package URL or version (field "cpe", "purl", "version"); NR_ENOTFOUND (field
 *   "operator") for an operator that is not an organisation. An unknown product is not an error:
 *   it answers not_reviewed (for a CII operator: review_required). On error *ans is zeroed.
 * - status: passed | passed_with_conditions | failed | under_review | not_reviewed | expired
 *   procurement: prioritized | allowed_with_conditions | prohibited | review_required | allowed
 * - A decision counts only when it covers the version (its range expression), is in force (not
 *   revoked, within valid_from..valid_until, its case in a phase where decisions are valid) and
 *   is visible to the asker: public ones to everyone, restricted ones to the named organisations
 *   and sectors, internal ones to the office only. The latest such decision answers.
 */
#ifndef NETREVIEW_GATE_H
#define NETREVIEW_GATE_H

#include "netreview/review.h"

struct nr_gate_query {
    const char *product; /* id or exact name */
    const char *cpe;     /* CPE 2.3 formatted string; its version is used when version is NULL */
    const char *purl;    /* package URL; its version is used when version is NULL */
    const char *version;
    const char *operator_org; /* id or name of the asking operator, NULL for anyone */
};

struct nr_gate_answer {
    char status[32];
    char procurement[32];
    int64_t product_id;
    char product[256];
    char version[129];
    int64_t decision_id; /* 0 when no decision applies */
    int64_t case_id;     /* the deciding case, or the open case when under review */
    char case_ref[64];   /* its reference, "" when not named to the asker */
    char outcome[32];
    char valid_until[NR_DATE_STR];
    char conditions[512];
    char reason[256]; /* a sentence a procurement officer reads */
};

/* An immutable snapshot of what the gate answers from. */
struct nr_gate_index;

#define NR_GATE_GENERATION_MAX 512 /* bytes of a generation text, NUL included */

/* Builds the index from the store. Fails only on store errors (NR_EDB, NR_EBUSY). */
int nr_gate_index_build(struct nr_review *rv, struct nr_gate_index **out, struct nr_err *err);
void nr_gate_index_free(struct nr_gate_index *idx);
/* The answer for a, from idx alone. Thread-safe on a shared index. */
int nr_gate_index_check(const struct nr_gate_index *idx, const struct nr_actor *a,
                        const struct nr_gate_query *q, struct nr_gate_answer *ans,
                        struct nr_err *err);
/* The generation the index was built from; lives as long as idx. */
const char *nr_gate_index_generation(const struct nr_gate_index *idx);
/* The store's generation now (see the contract above). */
int nr_gate_generation(struct nr_review *rv, char gen[NR_GATE_GENERATION_MAX], struct nr_err *err);

/* Builds an index and checks against it: the command line's gate. */
int nr_gate_check(struct nr_review *rv, const struct nr_actor *a, const struct nr_gate_query *q,
                  struct nr_gate_answer *ans, struct nr_err *err);
/* The answer as the JSON object that `gate check --json` and GET /api/v1/gate print. */
json_t *nr_gate_answer_json(const struct nr_gate_answer *ans);
/* Appends to out exactly the bytes json_dumps(nr_gate_answer_json(ans), JSON_COMPACT) gives,
 * without building the object: the server's hot path (R9). Fails only with NR_ETOOBIG from
 * out's cap (an answer is at most 10 KiB). */
int nr_gate_answer_write(const struct nr_gate_answer *ans, struct nr_buf *out);

/*
 * Decision changes after `since` (ISO 8601: "YYYY-MM-DDTHH:MM:SSZ" or "YYYY-MM-DD"), oldest
 * first, so that a procurement system keeps a local copy of the gate: *out is a new array (caller
 * json_decrefs) of {decision_id, case_ref, product_id, product, versions, outcome, conditions,
 * valid_until, change, at}, change one of
 *   new         the decision became visible to a (published or circulated to it; for the office
 *               and the committee: recorded), at that time;
 *   expired     its valid_until passed, at midnight UTC after its last day;
 *   superseded  a later decision on the same case, or on its re-review (R14), replaced it, at
 *               that decision's time;
 *   revoked     it was revoked, at that time;
 *   rereview_suggested  the watch (R14: nr__case_watch, nr_sca_watch) flagged its case for
 *               re-review while the decision was in force and visible to a, at the case's
 *               watch_at; the item also carries "reason", the case's watch_reason. Only the
 *               latest flag of a case is kept, so an earlier one is not repeated.
 * Visibility is the gate's: the public sees public decisions once published, an operator also
 * what was circulated to its organisation or sector, the office and committee everything; a
 * decision that was ever visible to a keeps its later changes visible. The local copy applies the
 * gate's rule: among the decisions not expired, superseded or revoked, the latest that covers the
 * version answers. limit is 1..1000 (0: 100); items that share the last item's `at` are never cut
 * apart, so the next call passes that `at` as since. NR_EINVAL (field "since") for a malformed or
 * missing since.
 */
int nr_gate_feed(struct nr_review *rv, const struct nr_actor *a, const char *since, int limit,
                 json_t **out, struct nr_err *err);

#endif
