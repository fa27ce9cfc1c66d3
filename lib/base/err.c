/*
 * err.c — diagnostics: filling struct kb_diag and naming error codes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "khabar/err.h"

void kb_diag_clear(struct kb_diag *d)
{
    if (d)
        memset(d, 0, sizeof(*d));
}

static void fill(struct kb_diag *d, int code, const char *field, unsigned long line,
                 const char *fmt, va_list ap) KB_PRINTF(5, 0);

static void fill(struct kb_diag *d, int code, const char *field, unsigned long line,
                 const char *fmt, va_list ap)
{
    d->code = code;
    d->line = line;
    d->offset = 0;
    snprintf(d->field, sizeof(d->field), "%s", field ? field : "");
    vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
}

int kb_diag_set(struct kb_diag *d, int code, const char *field, const char *fmt, ...)
{
    if (d) {
        va_list ap;
        va_start(ap, fmt);
        fill(d, code, field, 0, fmt, ap);
        va_end(ap);
    }
    return code;
}

int kb_diag_setl(struct kb_diag *d, int code, unsigned long line, const char *fmt, ...)
{
    if (d) {
        va_list ap;
        va_start(ap, fmt);
        fill(d, code, NULL, line, fmt, ap);
        va_end(ap);
    }
    return code;
}

const char *kb_err_str(int code)
{
    switch (code) {
    case KB_OK:
        return "ok";
    case KB_ENOMEM:
        return "out of memory";
    case KB_EINVAL:
        return "invalid input";
    case KB_ENOTFOUND:
        return "not found";
    case KB_EEXISTS:
        return "already exists";
    case KB_EIO:
        return "input/output error";
    case KB_EDB:
        return "database error";
    case KB_ETOOBIG:
        return "too large";
    case KB_ECONFLICT:
        return "conflict";
    case KB_EINTERNAL:
        return "internal error";
    case KB_EPERM:
        return "not allowed";
    }
    return "unknown error";
}
