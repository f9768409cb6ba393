/*
 * upload_int.h - what evaluation.c shares with upload.c (both implement the evidence part of
 * review.h): the checks of an evidence add, so that an upload is refused when it starts for
 * what its completion would refuse, and the evidence add that completes an upload in its own
 * transaction. Not a public interface.
 */
#ifndef NETREVIEW_UPLOAD_INT_H
#define NETREVIEW_UPLOAD_INT_H

#include "netreview/review.h"

#include <stdint.h>

/* The inputs of an evidence add: filename (UTF-8, no control character, no '/', at most 255
 * bytes), description (optional, at most 4096 bytes) and the media type, given or guessed from
 * the filename (nr_evidence_media_type), which must be a lower-case type/subtype. *media gets
 * the type evidence will be stored with (given, or a static string). NR_EINVAL / NR_ETOOBIG
 * naming the field. */
int nr__evidence_input(const char *filename, const char *media_given, const char *description,
                       const char **media, struct nr_err *err);

/* R11: whether the actor may add evidence to the case now: the procedure's evidence.add action
 * (role, phase, need-to-know), an institution only on a case where it holds a task, a provider
 * only on its own products' cases, and task_id (0 for none) a task of this case (NR_EINVAL,
 * field "task") held by the actor's institution when it is one (NR_EFORBIDDEN). Fills *c from
 * ar. */
int nr__evidence_may_add(struct nr_review *rv, const struct nr_actor *a, int64_t case_id,
                         int64_t task_id, struct nr_arena *ar, struct nr_case *c,
                         struct nr_err *err);

/* nr_evidence_add that, when upload_id is not 0, also marks that upload complete with the new
 * evidence inside the transaction that records it: NR_EPRECOND (field "upload"), and nothing
 * recorded, when the upload is no longer an unfinished one. */
int nr__evidence_add_upload(struct nr_review *rv, const struct nr_actor *a, int64_t case_id,
                            const struct nr_evidence_spec *sp, int64_t upload_id, int64_t *id,
                            char sha256_hex[65], struct nr_err *err);

#endif
