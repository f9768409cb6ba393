/*
 * static.c - the browser UI's files from the web directory (interface: static.h).
 */
#include "static.h"
#include "server_int.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/http.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netreview/banned.h"

static const struct {
    const char *ext;
    const char *type;
} nr_static_types[] = {
    {"html", "text/html; charset=utf-8"},
    {"htm", "text/html; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"json", "application/json; charset=utf-8"},
    {"map", "application/json; charset=utf-8"},
    {"webmanifest", "application/manifest+json; charset=utf-8"},
    {"txt", "text/plain; charset=utf-8"},
    {"md", "text/markdown; charset=utf-8"},
    {"csv", "text/csv; charset=utf-8"},
    {"xml", "application/xml; charset=utf-8"},
    {"svg", "image/svg+xml"},
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"gif", "image/gif"},
    {"webp", "image/webp"},
    {"avif", "image/avif"},
    {"ico", "image/x-icon"},
    {"woff", "font/woff"},
    {"woff2", "font/woff2"},
    {"ttf", "font/ttf"},
    {"otf", "font/otf"},
    {"pdf", "application/pdf"},
    {"wasm", "application/wasm"},
    {"pem", "application/x-pem-file"},
    {"zip", "application/zip"},
};

const char *nr__static_content_type(const char *name)
{
    const char *slash = name ? strrchr(name, '/') : NULL;
    const char *base = slash ? slash + 1 : name;
    const char *dot = base ? strrchr(base, '.') : NULL;

    if (dot == NULL || dot == base || dot[1] == '\0')
        return "application/octet-stream";
    for (size_t i = 0; i < NR_ARRAY_LEN(nr_static_types); i++)
        if (strcasecmp(dot + 1, nr_static_types[i].ext) == 0)
            return nr_static_types[i].type;
    return "application/octet-stream";
}

int nr__static_relpath(const char *url_path, char *out, size_t size)
{
    const char *p = url_path;
    size_t n = 0;

    if (size == 0)
        return NR_ENOTFOUND;
    out[0] = '\0';
    if (url_path == NULL || url_path[0] != '/')
        return NR_ENOTFOUND;
    if (strcmp(url_path, "/") == 0 || strcmp(url_path, "/index.html") == 0) {
        if (size < sizeof("index.html"))
            return NR_ENOTFOUND;
        memcpy(out, "index.html", sizeof("index.html"));
        return 0;
    }
    while (*p == '/') {
        const char *seg = ++p;
        size_t len;
        while (*p && *p != '/')
            p++;
        len = (size_t)(p - seg);
        /* Empty segments ("//", a trailing "/": a directory), ".", ".." and dot files. */
        if (len == 0 || seg[0] == '.')
            return NR_ENOTFOUND;
        for (size_t i = 0; i < len; i++) {
            unsigned char c = (unsigned char)seg[i];
            if (c < 0x20 || c == 0x7f || c == '\\' || c == ':')
                return NR_ENOTFOUND;
        }
        if (n + len + 2 > size || n + len + 1 > NR_STATIC_PATH_MAX)
            return NR_ENOTFOUND;
        if (n)
            out[n++] = '/';
        memcpy(out + n, seg, len);
        n += len;
    }
    if (*p != '\0' || n == 0)
        return NR_ENOTFOUND;
    out[n] = '\0';
    return 0;
}

char *nr__static_root(const char *dir)
{
    char buf[PATH_MAX];
    struct stat st;

    if (dir == NULL || *dir == '\0') {
        errno = ENOENT;
        return NULL;
    }
    if (realpath(dir, buf) == NULL)
        return NULL;
    if (stat(buf, &st) != 0)
        return NULL;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return NULL;
    }
    return nr_strdup(buf);
}

int nr__static_open(const char *root, const char *rel, struct stat *st)
{
    char *joined, resolved[PATH_MAX];
    size_t rootlen;
    int fd;

    if (root == NULL || rel == NULL || *rel == '\0' || rel[0] == '/') {
        errno = ENOENT;
        return -1;
    }
    joined = nr_asprintf("%s/%s", root, rel);
    if (realpath(joined, resolved) == NULL) {
        int e = errno;
        nr_free(joined);
        errno = e;
        return -1;
    }
    nr_free(joined);
    /* A symbolic link may point anywhere inside the web directory, never out of it. */
    rootlen = strlen(root);
    if (strncmp(resolved, root, rootlen) != 0 ||
        (resolved[rootlen] != '/' && !(rootlen == 1 && root[0] == '/'))) {
        errno = EACCES;
        return -1;
    }
    /* The resolved path holds no symbolic link: O_NOFOLLOW refuses one swapped in since. */
    fd = open(resolved, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0)
        return -1;
    if (fstat(fd, st) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    if (!S_ISREG(st->st_mode)) {
        close(fd);
        errno = S_ISDIR(st->st_mode) ? EISDIR : EACCES;
        return -1;
    }
    return fd;
}

void nr__static_etag(const struct stat *st, char *buf, size_t size)
{
    unsigned long long mtime_ns = (unsigned long long)st->st_mtim.tv_sec * 1000000000ull +
                                  (unsigned long long)st->st_mtim.tv_nsec;
    snprintf(buf, size, "\"%llx-%llx-%llx\"", (unsigned long long)st->st_ino,
             (unsigned long long)st->st_size, mtime_ns);
}

/* Whether an If-None-Match value names etag (or is "*"). */
static int nr_static_etag_matches(const char *inm, const char *etag)
{
    size_t elen = strlen(etag);
    const char *p = inm;

    while (p && *p) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (*p == '*')
            return 1;
        if (strncmp(p, "W/", 2) == 0)
            p += 2;
        if (strncmp(p, etag, elen) == 0 && (p[elen] == '\0' || p[elen] == ',' || p[elen] == ' '))
            return 1;
        while (*p && *p != ',')
            p++;
    }
    return 0;
}

static void nr_static_headers(struct nr_req *r, bool html)
{
    struct evkeyvalq *h = evhttp_request_get_output_headers(r->ev);

    (void)html;
    /* Every static answer carries the policy (an SVG can hold a script, too). */
    evhttp_add_header(h, "Content-Security-Policy", NR_STATIC_CSP);
    evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
    evhttp_add_header(h, "Referrer-Policy", "same-origin");
    evhttp_add_header(h, "X-Frame-Options", "DENY");
}

static const char nr_static_404[] =
    "<!doctype html>\n"
    "<html lang=\"en\">\n"
    "<head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, "
    "initial-scale=1\">\n"
    "<title>Not found · 未找到 — netreview</title>\n"
    "<link rel=\"icon\" href=\"data:,\"><link rel=\"stylesheet\" href=\"/style.css\"></head>\n"
    "<body><main class=\"page\">\n"
    "<h1>Not found · 未找到</h1>\n"
    "<p>There is no such page. <span lang=\"zh-CN\">页面不存在。</span></p>\n"
    "<p><a href=\"/\">netreview</a></p>\n"
    "</main></body>\n"
    "</html>\n";

static void nr_static_not_found(struct nr_req *r)
{
    struct evbuffer *body = evbuffer_new();
    struct evkeyvalq *h = evhttp_request_get_output_headers(r->ev);

    nr_static_headers(r, true);
    evhttp_add_header(h, "Cache-Control", "no-store");
    evbuffer_add(body, nr_static_404, sizeof(nr_static_404) - 1);
    nr__req_reply(r, 404, "text/html; charset=utf-8", body);
}

void nr__static_serve(struct nr_req *r, const char *root)
{
    char rel[NR_STATIC_PATH_MAX + 1], etag[96];
    struct stat st;
    struct evkeyvalq *h;
    const char *type, *inm;
    struct evbuffer *body;
    int fd;

    if (r->ev == NULL)
        return;
    h = evhttp_request_get_output_headers(r->ev);
    if (root == NULL || nr__static_relpath(r->path, rel, sizeof(rel)) != 0) {
        nr_static_not_found(r);
        return;
    }
    fd = nr__static_open(root, rel, &st);
    if (fd < 0) {
        nr_static_not_found(r);
        return;
    }
    type = nr__static_content_type(rel);
    nr__static_etag(&st, etag, sizeof(etag));
    nr_static_headers(r, strncmp(type, "text/html", 9) == 0);
    evhttp_add_header(h, "Cache-Control", "no-cache");
    evhttp_add_header(h, "ETag", etag);
    inm = nr_req_header(r, "If-None-Match");
    if (inm && nr_static_etag_matches(inm, etag)) {
        close(fd);
        nr__req_reply(r, 304, NULL, NULL);
        return;
    }
    body = evbuffer_new();
    if (st.st_size > 0) {
        /* evbuffer_add_file owns fd from here (sendfile or mmap when it can). */
        if (evbuffer_add_file(body, fd, 0, st.st_size) != 0) {
            evbuffer_free(body);
            nr_req_fail(r, NR_EIO, NULL, "cannot read %s", rel);
            return;
        }
    } else {
        close(fd);
    }
    nr__req_reply(r, 200, type, body);
}
