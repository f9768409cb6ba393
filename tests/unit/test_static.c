/*
 * test_static.c - unit tests of the browser UI's file serving (src/http/static.c, interface
 * static.h): content types by extension, the mapping of URL paths to files with every refusal
 * (.., dot files, empty segments, backslashes, control characters, length), the web root, and
 * opening files: symbolic links inside the root followed, out of it refused, directories
 * refused; ETags that change with the file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/static.h"

#include "netreview/banned.h"

static void test_content_types(void **state)
{
    (void)state;
    assert_string_equal(nr__static_content_type("index.html"), "text/html; charset=utf-8");
    assert_string_equal(nr__static_content_type("app.js"), "text/javascript; charset=utf-8");
    assert_string_equal(nr__static_content_type("lib/api.js"), "text/javascript; charset=utf-8");
    assert_string_equal(nr__static_content_type("x.mjs"), "text/javascript; charset=utf-8");
    assert_string_equal(nr__static_content_type("style.css"), "text/css; charset=utf-8");
    assert_string_equal(nr__static_content_type("i18n/zh/common.json"),
                        "application/json; charset=utf-8");
    assert_string_equal(nr__static_content_type("logo.svg"), "image/svg+xml");
    assert_string_equal(nr__static_content_type("a.PNG"), "image/png");
    assert_string_equal(nr__static_content_type("a.jpeg"), "image/jpeg");
    assert_string_equal(nr__static_content_type("favicon.ico"), "image/x-icon");
    assert_string_equal(nr__static_content_type("f.woff2"), "font/woff2");
    assert_string_equal(nr__static_content_type("readme.txt"), "text/plain; charset=utf-8");
    /* No extension, an unknown one, a dot file, a trailing dot: bytes. */
    assert_string_equal(nr__static_content_type("Makefile"), "application/octet-stream");
    assert_string_equal(nr__static_content_type("a.exe"), "application/octet-stream");
    assert_string_equal(nr__static_content_type(".js"), "application/octet-stream");
    assert_string_equal(nr__static_content_type("a."), "application/octet-stream");
    assert_string_equal(nr__static_content_type("dir.js/file"), "application/octet-stream");
    assert_string_equal(nr__static_content_type(NULL), "application/octet-stream");
}

static void ok_path(const char *url, const char *want)
{
    char out[NR_STATIC_PATH_MAX + 1];
    int rc = nr__static_relpath(url, out, sizeof(out));
    if (rc != 0)
        fail_msg("%s refused", url);
    assert_string_equal(out, want);
}

static void bad_path(const char *url)
{
    char out[NR_STATIC_PATH_MAX + 1];
    if (nr__static_relpath(url, out, sizeof(out)) != NR_ENOTFOUND)
        fail_msg("%s accepted as %s", url ? url : "(null)", out);
}

static void test_relpath(void **state)
{
    char small[8], longp[NR_STATIC_PATH_MAX + 64];
    (void)state;
    ok_path("/", "index.html");
    ok_path("/index.html", "index.html");
    ok_path("/app.js", "app.js");
    ok_path("/lib/api.js", "lib/api.js");
    ok_path("/i18n/zh/common.json", "i18n/zh/common.json");
    ok_path("/a..b.js", "a..b.js"); /* dots inside a name are a name */
    ok_path("/pages/x~y-z_1.js", "pages/x~y-z_1.js");
    ok_path("/\xe4\xb8\xad.txt", "\xe4\xb8\xad.txt"); /* UTF-8 names */

    bad_path(NULL);
    bad_path("");
    bad_path("app.js"); /* not absolute */
    bad_path("/..");
    bad_path("/../etc/passwd");
    bad_path("/lib/../../etc/passwd");
    bad_path("/lib/..");
    bad_path("/.");
    bad_path("/./app.js");
    bad_path("/.git/config"); /* dot files and dot directories */
    bad_path("/lib/.hidden.js");
    bad_path("/lib/");        /* a directory */
    bad_path("/lib//api.js"); /* an empty segment */
    bad_path("//app.js");
    bad_path("/lib\\..\\app.js"); /* a backslash */
    bad_path("/a\x01.js");        /* control characters */
    bad_path("/a\x7f.js");
    bad_path("/a\r\n.js");
    bad_path("/C:/x.js"); /* a colon */

    /* Too long for the buffer or past NR_STATIC_PATH_MAX. */
    assert_int_equal(nr__static_relpath("/app.js.long", small, sizeof(small)), NR_ENOTFOUND);
    assert_int_equal(nr__static_relpath("/", small, 4), NR_ENOTFOUND);
    longp[0] = '/';
    memset(longp + 1, 'a', NR_STATIC_PATH_MAX + 10);
    longp[NR_STATIC_PATH_MAX + 11] = '\0';
    bad_path(longp);
}

/* A web directory with a file, a sub-directory, links in and out, and a secret beside it. */
struct tree {
    char dir[64], web[96], secret[96];
};

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void make_tree(struct tree *t)
{
    char p[256];
    snprintf(t->dir, sizeof(t->dir), "/tmp/nr-static-XXXXXX");
    assert_non_null(mkdtemp(t->dir));
    snprintf(t->web, sizeof(t->web), "%s/web", t->dir);
    snprintf(t->secret, sizeof(t->secret), "%s/secret.txt", t->dir);
    assert_int_equal(mkdir(t->web, 0755), 0);
    snprintf(p, sizeof(p), "%s/lib", t->web);
    assert_int_equal(mkdir(p, 0755), 0);
    snprintf(p, sizeof(p), "%s/index.html", t->web);
    write_file(p, "<!doctype html>\n");
    snprintf(p, sizeof(p), "%s/lib/api.js", t->web);
    write_file(p, "export {};\n");
    write_file(t->secret, "secret\n");
    snprintf(p, sizeof(p), "%s/leak.txt", t->web);
    assert_int_equal(symlink(t->secret, p), 0);
    snprintf(p, sizeof(p), "%s/up", t->web);
    assert_int_equal(symlink("..", p), 0);
    snprintf(p, sizeof(p), "%s/alias.js", t->web);
    assert_int_equal(symlink("lib/api.js", p), 0);
    snprintf(p, sizeof(p), "%s/dirlink", t->web);
    assert_int_equal(symlink("lib", p), 0);
}

static void remove_tree(struct tree *t)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->dir);
    assert_int_equal(system(cmd), 0);
}

static void test_root(void **state)
{
    struct tree t;
    char *root, p[256];
    (void)state;
    make_tree(&t);
    root = nr__static_root(t.web);
    assert_non_null(root);
    assert_non_null(strstr(root, "/web"));
    assert_int_equal(root[0], '/');
    nr_free(root);
    /* Through a link, the root is the real directory. */
    snprintf(p, sizeof(p), "%s/weblink", t.dir);
    assert_int_equal(symlink(t.web, p), 0);
    root = nr__static_root(p);
    assert_non_null(root);
    assert_null(strstr(root, "weblink"));
    nr_free(root);
    /* Missing, a file, nothing. */
    snprintf(p, sizeof(p), "%s/none", t.dir);
    assert_null(nr__static_root(p));
    assert_null(nr__static_root(t.secret));
    assert_int_equal(errno, ENOTDIR);
    assert_null(nr__static_root(NULL));
    assert_null(nr__static_root(""));
    remove_tree(&t);
}

static int try_open(const char *root, const char *rel, int *err)
{
    struct stat st;
    int fd = nr__static_open(root, rel, &st);
    *err = fd < 0 ? errno : 0;
    if (fd >= 0)
        close(fd);
    return fd >= 0;
}

static void test_open(void **state)
{
    struct tree t;
    struct stat st;
    char *root, buf[32];
    int fd, e;
    ssize_t n;
    (void)state;
    make_tree(&t);
    root = nr__static_root(t.web);
    assert_non_null(root);

    fd = nr__static_open(root, "index.html", &st);
    assert_true(fd >= 0);
    assert_true(S_ISREG(st.st_mode));
    n = read(fd, buf, sizeof(buf));
    assert_int_equal(n, 16);
    assert_memory_equal(buf, "<!doctype html>\n", 16);
    close(fd);
    assert_true(try_open(root, "lib/api.js", &e));
    assert_true(try_open(root, "alias.js", &e));       /* a link inside the root */
    assert_true(try_open(root, "dirlink/api.js", &e)); /* through a linked directory inside */

    assert_false(try_open(root, "leak.txt", &e)); /* a link out of the root */
    assert_int_equal(e, EACCES);
    assert_false(try_open(root, "up/secret.txt", &e)); /* a directory link out of it */
    assert_int_equal(e, EACCES);
    assert_false(try_open(root, "../secret.txt", &e)); /* relpath refuses it; open too */
    assert_int_equal(e, EACCES);
    assert_false(try_open(root, "lib", &e)); /* a directory */
    assert_int_equal(e, EISDIR);
    assert_false(try_open(root, "dirlink", &e));
    assert_int_equal(e, EISDIR);
    assert_false(try_open(root, "missing.js", &e));
    assert_int_equal(e, ENOENT);
    assert_false(try_open(root, "", &e));
    assert_false(try_open(root, "/etc/passwd", &e));
    assert_false(try_open(NULL, "index.html", &e));
    nr_free(root);
    remove_tree(&t);
}

static void test_etag(void **state)
{
    struct tree t;
    struct stat st1, st2;
    char *root, e1[96], e2[96], p[256];
    int fd;
    struct timespec ts[2] = {{1000, 0}, {1000, 0}};
    (void)state;
    make_tree(&t);
    root = nr__static_root(t.web);
    fd = nr__static_open(root, "index.html", &st1);
    assert_true(fd >= 0);
    close(fd);
    nr__static_etag(&st1, e1, sizeof(e1));
    assert_int_equal(e1[0], '"');
    assert_int_equal(e1[strlen(e1) - 1], '"');
    /* The same file: the same tag. */
    fd = nr__static_open(root, "index.html", &st2);
    close(fd);
    nr__static_etag(&st2, e2, sizeof(e2));
    assert_string_equal(e1, e2);
    /* Changed (another size, another time): another tag. */
    snprintf(p, sizeof(p), "%s/index.html", t.web);
    write_file(p, "<!doctype html><title>x</title>\n");
    assert_int_equal(utimensat(AT_FDCWD, p, ts, 0), 0);
    fd = nr__static_open(root, "index.html", &st2);
    close(fd);
    nr__static_etag(&st2, e2, sizeof(e2));
    assert_string_not_equal(e1, e2);
    nr_free(root);
    remove_tree(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_content_types), cmocka_unit_test(test_relpath),
        cmocka_unit_test(test_root),          cmocka_unit_test(test_open),
        cmocka_unit_test(test_etag),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
