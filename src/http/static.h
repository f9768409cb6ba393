/*
 * static.h - the browser UI's files: `netreview serve` answers every GET or HEAD outside /api/
 * that no route takes from the web directory (docs/UI.md "Serving"), with content types by
 * extension, Cache-Control: no-cache and an ETag, and the security headers (private to
 * src/http/; server.c calls nr__static_serve, the unit tests call the pure parts).
 *
 * Paths: "/" is index.html; any other path names a regular file under the web directory. A
 * path with an empty, "." or ".." segment, a segment starting with "." (dot files), a
 * backslash or a control character, a trailing slash (a directory), or that resolves (through
 * symbolic links) outside the web directory, or to a directory, is not found: 404, never a
 * listing. Missing files answer an HTML page that says so (404), with the same headers.
 */
#ifndef NETREVIEW_HTTP_STATIC_H
#define NETREVIEW_HTTP_STATIC_H

#include "http_int.h"

#include <stddef.h>
#include <sys/stat.h>

/* The Content-Security-Policy of every static answer (docs/UI.md). */
#define NR_STATIC_CSP                                                                              \
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "              \
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "             \
    "form-action 'self'"

/* Longest relative path the web directory may serve. */
#define NR_STATIC_PATH_MAX 512

/* The Content-Type of a file by the extension of its name (case-insensitive): text types carry
 * charset=utf-8; unknown extensions are application/octet-stream. */
const char *nr__static_content_type(const char *name);

/* Maps a decoded URL path ("/lib/api.js") to a path relative to the web directory
 * ("lib/api.js"; "/" gives "index.html") in out. Returns 0, or NR_ENOTFOUND for a path that may
 * not name a file (see above) or does not fit in size. Pure. */
int nr__static_relpath(const char *url_path, char *out, size_t size);

/* The real path of a web directory (nr_free), or NULL (errno set) when it is missing or not a
 * directory. */
char *nr__static_root(const char *dir);

/* Opens rel (from nr__static_relpath) under root (from nr__static_root) for reading: the file
 * must resolve inside root and be a regular file. Returns the descriptor with *st filled, or -1
 * with errno (ENOENT, EACCES for a path leaving root, EISDIR for a directory...). */
int nr__static_open(const char *root, const char *rel, struct stat *st);

/* "\"<inode>-<size>-<mtime ns>\"" (hex) into buf. */
void nr__static_etag(const struct stat *st, char *buf, size_t size);

/* Answers r (a GET or HEAD whose path no route takes, outside /api/) from root: 200 with the
 * file, 304 when If-None-Match holds its ETag, 404 (HTML) otherwise. root NULL: 404. */
void nr__static_serve(struct nr_req *r, const char *root);

#endif
