/*
 * file.c - whole-file reads with a cap, atomic writes and directory creation (interface: core.h).
 */
#include "netreview/core.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netreview/banned.h"

int nr_file_read(const char *path, size_t max, char **out, size_t *len, struct nr_err *err)
{
    struct nr_buf b;
    char chunk[65536];
    int fd, rc = 0;
    ssize_t n;

    nr_buf_init(&b, max);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        rc = -errno;
        nr_err_set(err, rc, NULL, "cannot open %s: %s", path, strerror(errno));
        goto out;
    }
    for (;;) {
        n = read(fd, chunk, sizeof(chunk));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            rc = -errno;
            nr_err_set(err, rc, NULL, "cannot read %s: %s", path, strerror(errno));
            goto out;
        }
        if (n == 0)
            break;
        rc = nr_buf_append(&b, chunk, (size_t)n);
        if (rc) {
            nr_err_set(err, rc, NULL, "%s is larger than %zu bytes", path, max);
            goto out;
        }
    }
    if (len)
        *len = b.len;
    *out = nr_buf_steal(&b);
out:
    if (fd >= 0)
        close(fd);
    nr_buf_release(&b);
    return rc;
}

int nr_file_write(const char *path, const void *data, size_t len, int mode, struct nr_err *err)
{
    char *tmp = nr_asprintf("%s.tmp.%ld", path, (long)getpid());
    const char *p = data;
    int fd, rc = 0;

    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0) {
        rc = -errno;
        nr_err_set(err, rc, NULL, "cannot create %s: %s", tmp, strerror(errno));
        goto out;
    }
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            rc = -errno;
            nr_err_set(err, rc, NULL, "cannot write %s: %s", tmp, strerror(errno));
            goto out;
        }
        p += n;
        len -= (size_t)n;
    }
    if (fsync(fd) != 0 || close(fd) != 0) {
        fd = -1;
        rc = -errno;
        nr_err_set(err, rc, NULL, "cannot flush %s: %s", tmp, strerror(errno));
        goto out;
    }
    fd = -1;
    if (rename(tmp, path) != 0) {
        rc = -errno;
        nr_err_set(err, rc, NULL, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
    }
out:
    if (fd >= 0)
        close(fd);
    if (rc)
        unlink(tmp);
    nr_free(tmp);
    return rc;
}

int nr_mkdirs(const char *path, struct nr_err *err)
{
    char *p = nr_strdup(path);
    int rc = 0;

    for (char *s = p + 1;; s++) {
        if (*s == '/' || *s == '\0') {
            char c = *s;
            *s = '\0';
            if (mkdir(p, 0700) != 0 && errno != EEXIST) {
                rc = -errno;
                nr_err_set(err, rc, NULL, "cannot create directory %s: %s", p, strerror(errno));
                break;
            }
            *s = c;
            if (c == '\0')
                break;
        }
    }
    nr_free(p);
    return rc;
}
