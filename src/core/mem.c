/*
 * mem.c - allocation that aborts on exhaustion, the capped growable buffer and the arena
 * (interface: core.h). Aborting in one place keeps every caller free of NULL checks that could
 * never be tested.
 */
#include "netreview/core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netreview/banned.h"

static void nr_oom(size_t n)
{
    fprintf(stderr, "netreview: out of memory allocating %zu bytes\n", n);
    abort();
}

void *nr_malloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (p == NULL)
        nr_oom(n);
    return p;
}

void *nr_calloc(size_t count, size_t n)
{
    void *p = calloc(count ? count : 1, n ? n : 1);
    if (p == NULL)
        nr_oom(count * n);
    return p;
}

void *nr_realloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (q == NULL)
        nr_oom(n);
    return q;
}

char *nr_strdup(const char *s)
{
    return nr_strndup(s, strlen(s));
}

char *nr_strndup(const char *s, size_t n)
{
    char *p = nr_malloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *nr_asprintf(const char *fmt, ...)
{
    struct nr_buf b;
    va_list ap;

    nr_buf_init(&b, SIZE_MAX / 2);
    va_start(ap, fmt);
    nr_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    return nr_buf_steal(&b);
}

void nr_free(void *p)
{
    free(p);
}

void nr_buf_init(struct nr_buf *b, size_t max)
{
    b->p = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void nr_buf_release(struct nr_buf *b)
{
    free(b->p);
    nr_buf_init(b, b->max);
}

void nr_buf_reset(struct nr_buf *b)
{
    b->len = 0;
    if (b->p)
        b->p[0] = '\0';
}

static int nr_buf_grow(struct nr_buf *b, size_t extra)
{
    size_t need;

    if (extra > b->max || b->len > b->max - extra)
        return NR_ETOOBIG;
    need = b->len + extra + 1;
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    b->p = nr_realloc(b->p, cap);
    b->cap = cap;
    return 0;
}

int nr_buf_append(struct nr_buf *b, const void *data, size_t n)
{
    int rc = nr_buf_grow(b, n);
    if (rc)
        return rc;
    if (n)
        memcpy(b->p + b->len, data, n);
    b->len += n;
    b->p[b->len] = '\0';
    return 0;
}

int nr_buf_puts(struct nr_buf *b, const char *s)
{
    return nr_buf_append(b, s, strlen(s));
}

int nr_buf_vprintf(struct nr_buf *b, const char *fmt, va_list ap)
{
    va_list cp;
    int n, rc;

    va_copy(cp, ap);
    n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0)
        return NR_EINVAL;
    rc = nr_buf_grow(b, (size_t)n);
    if (rc)
        return rc;
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return 0;
}

int nr_buf_printf(struct nr_buf *b, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = nr_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

char *nr_buf_steal(struct nr_buf *b)
{
    char *p = b->p ? b->p : nr_strdup("");
    nr_buf_init(b, b->max);
    return p;
}

/* Arena blocks are chained newest first; big requests get a block of their own. */
#define NR_ARENA_BLOCK 8192

struct nr_arena_block {
    struct nr_arena_block *next;
    size_t used;
    size_t size;
    _Alignas(16) unsigned char data[];
};

void nr_arena_init(struct nr_arena *a)
{
    a->head = NULL;
}

void nr_arena_release(struct nr_arena *a)
{
    struct nr_arena_block *b = a->head, *next;
    while (b) {
        next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
}

void *nr_arena_alloc(struct nr_arena *a, size_t n)
{
    struct nr_arena_block *b = a->head;
    void *p;

    n = (n + 15) & ~(size_t)15;
    if (n == 0)
        n = 16;
    if (b == NULL || b->size - b->used < n) {
        size_t size = n > NR_ARENA_BLOCK ? n : NR_ARENA_BLOCK;
        b = nr_malloc(sizeof(*b) + size);
        b->used = 0;
        b->size = size;
        if (n > NR_ARENA_BLOCK && a->head) {
            /* Keep filling the current block; the big one goes behind it. */
            b->next = a->head->next;
            a->head->next = b;
            b->used = n;
            memset(b->data, 0, n);
            return b->data;
        }
        b->next = a->head;
        a->head = b;
    }
    p = b->data + b->used;
    b->used += n;
    memset(p, 0, n);
    return p;
}

char *nr_arena_strndup(struct nr_arena *a, const char *s, size_t n)
{
    char *p;
    if (s == NULL)
        return NULL;
    p = nr_arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *nr_arena_strdup(struct nr_arena *a, const char *s)
{
    return s ? nr_arena_strndup(a, s, strlen(s)) : NULL;
}

char *nr_arena_printf(struct nr_arena *a, const char *fmt, ...)
{
    va_list ap, cp;
    int n;
    char *p;

    va_start(ap, fmt);
    va_copy(cp, ap);
    n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0)
        n = 0;
    p = nr_arena_alloc(a, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}
