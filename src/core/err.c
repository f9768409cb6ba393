/*
 * err.c - error codes, their messages, and the detail struct (interface: core.h).
 */
#include "netreview/core.h"

#include <stdio.h>
#include <string.h>

#include "netreview/banned.h"

void nr_err_init(struct nr_err *err)
{
    if (err == NULL)
        return;
    err->code = 0;
    err->msg[0] = '\0';
    err->field[0] = '\0';
}

int nr_err_set(struct nr_err *err, int code, const char *field, const char *fmt, ...)
{
    va_list ap;

    if (err == NULL || err->code != 0)
        return code;
    err->code = code;
    snprintf(err->field, sizeof(err->field), "%s", field ? field : "");
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    return code;
}

const char *nr_strerror(int code)
{
    switch (code) {
#define XX(name, c, msg)                                                                           \
    case NR_E##name:                                                                               \
        return msg;
        NR_ERRNO_MAP(XX)
#undef XX
    default:
        break;
    }
    if (code < 0 && code > NR_E__BASE)
        return strerror(-code);
    return "unknown error";
}

const char *nr_err_name(int code)
{
    switch (code) {
#define XX(name, c, msg)                                                                           \
    case NR_E##name:                                                                               \
        return c;
        NR_ERRNO_MAP(XX)
#undef XX
    default:
        break;
    }
    return code == 0 ? "ok" : "system";
}
