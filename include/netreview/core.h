/*
 * core.h - errors, allocation, growable buffers, arenas and time for every module.
 *
 * Contract:
 * - Functions that can fail return int: 0 on success, a negative NR_E... code on failure.
 *   A failed system call is reported as -errno. Codes and their messages come from NR_ERRNO_MAP.
 * - Detail for the person reading the error goes into a struct nr_err the caller passes in;
 *   a NULL struct nr_err * is accepted everywhere and means "code only".
 * - Out of memory never returns: nr_malloc and friends abort the process with a message.
 * - struct nr_buf grows up to the cap given at init and fails with NR_ETOOBIG past it.
 * - struct nr_arena hands out memory that lives until nr_arena_release; nothing it returns is
 *   freed on its own.
 */
#ifndef NETREVIEW_CORE_H
#define NETREVIEW_CORE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* X-macro table of the project's own error codes: name, short code for JSON, message. */
#define NR_ERRNO_MAP(XX)                                                                           \
    XX(NOMEM, "no_memory", "out of memory")                                                        \
    XX(INVAL, "invalid", "invalid argument")                                                       \
    XX(NOTFOUND, "not_found", "not found")                                                         \
    XX(EXISTS, "exists", "already exists")                                                         \
    XX(FORBIDDEN, "forbidden", "not permitted for this role")                                      \
    XX(PHASE, "phase_forbidden", "not permitted in this phase")                                    \
    XX(PRECOND, "precondition_failed", "a required condition does not hold")                       \
    XX(CONFLICT, "conflict_of_interest", "conflict of interest")                                   \
    XX(PARSE, "malformed", "malformed input")                                                      \
    XX(TOOBIG, "too_big", "input too large")                                                       \
    XX(IO, "io", "input/output error")                                                             \
    XX(DB, "database", "database error")                                                           \
    XX(CRYPTO, "crypto", "cryptographic failure")                                                  \
    XX(TAMPERED, "tampered", "integrity check failed")                                             \
    XX(BADSIG, "bad_signature", "signature does not verify")                                       \
    XX(AUTH, "unauthenticated", "authentication failed")                                           \
    XX(BUSY, "busy", "resource busy")                                                              \
    XX(SCHEMA, "schema", "database schema is newer than this program")

enum nr_errno {
    NR_E__BASE = -1000,
#define XX(name, code, msg) NR_E##name,
    NR_ERRNO_MAP(XX)
#undef XX
        NR_E__LAST
};

#define NR_ERR_MSG_MAX   512
#define NR_ERR_FIELD_MAX 128

/* Detail of a failure, filled by the function that failed first. */
struct nr_err {
    int code;                     /* NR_E... or -errno, 0 when nothing failed */
    char msg[NR_ERR_MSG_MAX];     /* human sentence, lower case, no full stop */
    char field[NR_ERR_FIELD_MAX]; /* offending field or JSON path, "" when none */
};

void nr_err_init(struct nr_err *err);
/* Records code, field (may be NULL) and a printf-style message unless err already holds an
 * error (the first failure is the one worth reporting). Returns code so callers can write
 * `return nr_err_set(err, NR_EINVAL, "version", "...")`. err may be NULL. */
int nr_err_set(struct nr_err *err, int code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Message of a code (NR_E... or -errno); never NULL. */
const char *nr_strerror(int code);
/* Short machine name of a code, e.g. "phase_forbidden"; never NULL. */
const char *nr_err_name(int code);

/* Allocation: abort on out-of-memory, never return NULL (for size > 0). */
void *nr_malloc(size_t n);
void *nr_calloc(size_t count, size_t n);
void *nr_realloc(void *p, size_t n);
char *nr_strdup(const char *s);
char *nr_strndup(const char *s, size_t n);
/* Returns a malloc'd formatted string; caller frees. */
char *nr_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void nr_free(void *p);

/* Growable byte buffer; always NUL-terminated after any successful append. */
struct nr_buf {
    char *p;
    size_t len;
    size_t cap;
    size_t max; /* cap on len; appends past it fail with NR_ETOOBIG */
};

void nr_buf_init(struct nr_buf *b, size_t max);
void nr_buf_release(struct nr_buf *b);
void nr_buf_reset(struct nr_buf *b);
int nr_buf_append(struct nr_buf *b, const void *data, size_t n);
int nr_buf_puts(struct nr_buf *b, const char *s);
int nr_buf_printf(struct nr_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int nr_buf_vprintf(struct nr_buf *b, const char *fmt, va_list ap);
/* Hands the bytes to the caller (who frees them with nr_free) and resets the buffer. */
char *nr_buf_steal(struct nr_buf *b);

/* Region allocator: many small allocations, one release. */
struct nr_arena_block;
struct nr_arena {
    struct nr_arena_block *head;
};

void nr_arena_init(struct nr_arena *a);
void nr_arena_release(struct nr_arena *a);
void *nr_arena_alloc(struct nr_arena *a, size_t n);       /* zeroed, 16-byte aligned */
char *nr_arena_strdup(struct nr_arena *a, const char *s); /* NULL in, NULL out */
char *nr_arena_strndup(struct nr_arena *a, const char *s, size_t n);
char *nr_arena_printf(struct nr_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Time. The clock reads NETREVIEW_NOW (ISO 8601 UTC, e.g. 2026-03-02T09:00:00Z, or a bare date)
 * when it is set, so that tests can fix "now"; otherwise the system clock. */
time_t nr_time_now(void);
/* Formats t as "YYYY-MM-DDTHH:MM:SSZ" into out (at least NR_TIME_STR bytes). */
#define NR_TIME_STR 21
void nr_time_fmt(time_t t, char out[NR_TIME_STR]);
/* Parses "YYYY-MM-DDTHH:MM:SSZ" or "YYYY-MM-DD" (midnight UTC). Returns 0 or NR_EPARSE. */
int nr_time_parse(const char *s, time_t *out);

/* Dates as day numbers (days since 1970-01-01), the unit of the working-day calendar. */
#define NR_DATE_STR 11
int nr_date_parse(const char *s, int32_t *day); /* "YYYY-MM-DD"; 0 or NR_EPARSE */
void nr_date_fmt(int32_t day, char out[NR_DATE_STR]);
int32_t nr_date_from_time(time_t t);
/* 0 = Monday ... 6 = Sunday */
int nr_date_weekday(int32_t day);

/* Reads a whole file (at most max bytes) into a malloc'd NUL-terminated buffer. */
int nr_file_read(const char *path, size_t max, char **out, size_t *len, struct nr_err *err);
/* Writes data to path atomically (temp file + rename), with the given mode. */
int nr_file_write(const char *path, const void *data, size_t len, int mode, struct nr_err *err);
/* mkdir -p with mode 0700 for new directories. */
int nr_mkdirs(const char *path, struct nr_err *err);

#define NR_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
