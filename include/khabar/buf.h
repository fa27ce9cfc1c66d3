/*
 * buf.h — string views and capped, growable byte buffers.
 *
 * struct kb_str is a view: it never owns and is not NUL-terminated.
 * struct kb_buf owns its bytes, is always NUL-terminated, and has a mandatory size cap
 * (curl's dynbuf): an append that would pass the cap sets a sticky error instead, and every
 * later append is a no-op.  A render is therefore a list of appends and one check of
 * kb_buf_err() at the end (SQLite's sqlite3_str).
 *
 * Allocation failure aborts the process through kb_oom(); caps are what inputs hit.
 * Not thread-safe: one buffer belongs to one thread at a time.
 */
#ifndef KHABAR_BUF_H
#define KHABAR_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "khabar/err.h"

struct kb_str {
    const char *p;
    size_t n;
};

#define KB_STR_LIT(s) ((struct kb_str){(s), sizeof(s) - 1})
struct kb_str kb_str_c(const char *s); /* view of a C string; NULL gives the empty view */
bool kb_str_eq(struct kb_str a, struct kb_str b);
bool kb_str_eqc(struct kb_str a, const char *c);
bool kb_str_starts(struct kb_str s, struct kb_str prefix);
struct kb_str kb_str_trim(struct kb_str s); /* ASCII and Unicode spaces, NBSP, BOM */

struct kb_buf {
    char *p;    /* NUL-terminated; NULL until the first append */
    size_t n;   /* bytes used, excluding the NUL */
    size_t cap; /* bytes allocated */
    size_t max; /* the cap: n never exceeds it */
    int err;    /* sticky: 0 or KB_ETOOBIG */
};

#define KB_BUF_DEFAULT_MAX ((size_t)64 << 20)

/* Start an empty buffer that may grow to `max` bytes. */
void kb_buf_init(struct kb_buf *b, size_t max);
/* Free the bytes and return to the empty state (keeps `max`). */
void kb_buf_release(struct kb_buf *b);
/* Forget the contents but keep the allocation and clear the error. */
void kb_buf_reset(struct kb_buf *b);
/* Hand the bytes to the caller (free() them); the buffer becomes empty. NULL on error. */
char *kb_buf_detach(struct kb_buf *b, size_t *len);
/* The sticky error: 0 or KB_ETOOBIG. */
static inline int kb_buf_err(const struct kb_buf *b)
{
    return b->err;
}
/* Contents as a C string ("" when empty). */
static inline const char *kb_buf_cstr(const struct kb_buf *b)
{
    return b->p ? b->p : "";
}
static inline struct kb_str kb_buf_str(const struct kb_buf *b)
{
    return (struct kb_str){kb_buf_cstr(b), b->n};
}

void kb_buf_add(struct kb_buf *b, const void *p, size_t n);
void kb_buf_adds(struct kb_buf *b, const char *s);
void kb_buf_addstr(struct kb_buf *b, struct kb_str s);
void kb_buf_addch(struct kb_buf *b, char c);
void kb_buf_addf(struct kb_buf *b, const char *fmt, ...) KB_PRINTF(2, 3);
void kb_buf_vaddf(struct kb_buf *b, const char *fmt, va_list ap) KB_PRINTF(2, 0);
/* Decimal integer. */
void kb_buf_addi(struct kb_buf *b, int64_t v);

/* Append `s` escaped for HTML text and double-quoted attribute values (& < > " '). */
void kb_buf_add_html(struct kb_buf *b, const char *s, size_t n);
static inline void kb_buf_adds_html(struct kb_buf *b, const char *s)
{
    if (s)
        kb_buf_add_html(b, s, __builtin_strlen(s));
}
/* Append `s` percent-encoded for a URL path segment (UTF-8 bytes above 0x7F, reserved
 * characters and spaces are %XX; unreserved ASCII is kept). */
void kb_buf_add_urlpath(struct kb_buf *b, const char *s, size_t n);

/* Allocation that aborts on failure (the one hook). */
void *kb_malloc(size_t n);
void *kb_calloc(size_t count, size_t size);
void *kb_realloc(void *p, size_t n);
char *kb_strdup(const char *s);            /* NULL stays NULL */
char *kb_strndup(const char *s, size_t n); /* always NUL-terminated */
/* Called when the allocator fails: prints once and aborts. */
void kb_oom(void) __attribute__((noreturn));

/* Read a whole file, refusing files above `max` bytes (KB_ETOOBIG).  The result is
 * NUL-terminated; free() it. */
KB_MUST_CHECK int kb_file_read(const char *path, size_t max, char **out, size_t *len,
                               struct kb_diag *d);

#endif
