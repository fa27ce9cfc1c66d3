/*
 * err.h — error codes and diagnostics shared by every khabar library.
 *
 * Fallible functions return int: 0 on success or a negative enum kb_err.  Detail for a
 * human (which input, where, why) goes into an optional struct kb_diag the caller owns.
 * The library never prints and never exits; programs map codes to exit statuses and HTTP
 * statuses in one table each (src/).
 */
#ifndef KHABAR_ERR_H
#define KHABAR_ERR_H

#include <stddef.h>

#if defined(__GNUC__)
#define KB_MUST_CHECK __attribute__((warn_unused_result))
#define KB_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define KB_MUST_CHECK
#define KB_PRINTF(a, b)
#endif

enum kb_err {
    KB_OK = 0,
    KB_ENOMEM = -1,    /* a size cap was hit (allocation failure itself aborts) */
    KB_EINVAL = -2,    /* the input is malformed or fails validation */
    KB_ENOTFOUND = -3, /* no such article, section, ... */
    KB_EEXISTS = -4,   /* a unique key is already taken */
    KB_EIO = -5,       /* a file or socket could not be read or written */
    KB_EDB = -6,       /* the database refused (locked, read-only, corrupt) */
    KB_ETOOBIG = -7,   /* an input exceeds its documented limit */
    KB_ECONFLICT = -8, /* a concurrent change won */
    KB_EINTERNAL = -9, /* a bug: an invariant did not hold */
    KB_EPERM = -10,    /* the user's role may not do this */
};

/* What went wrong, for a human.  Every field is optional; `line` and `offset` are 0 when
 * unknown.  `field` names an article field for validation errors ("headline"). */
struct kb_diag {
    int code;          /* the enum kb_err that was returned */
    char field[48];    /* article field or input part, "" when none */
    unsigned long line; /* 1-based line in the input, 0 when not applicable */
    size_t offset;     /* byte offset in the input, 0 when not applicable */
    char msg[256];     /* English reason, lower case, no trailing period */
};

/* Record a failure in `d` (which may be NULL) and return `code`, so that library code can
 * write `return kb_diag_set(d, KB_EINVAL, "headline", "is empty");`. */
int kb_diag_set(struct kb_diag *d, int code, const char *field, const char *fmt, ...)
    KB_PRINTF(4, 5);

/* Like kb_diag_set, with the input line the failure was found on. */
int kb_diag_setl(struct kb_diag *d, int code, unsigned long line, const char *fmt, ...)
    KB_PRINTF(4, 5);

/* Reset `d` to "no error". */
void kb_diag_clear(struct kb_diag *d);

/* A short English name for a code: "invalid input", "not found", ... */
const char *kb_err_str(int code);

#endif
