/*
 * buf.c — string views, capped buffers, escaping, and the allocation hook.
 *
 * Invariant: when b->p != NULL, b->p[b->n] == '\0' and b->n <= b->max.  Once b->err is set
 * nothing is appended any more.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "khabar/buf.h"
#include "khabar/utf8.h"

void kb_oom(void)
{
    fputs("khabar: out of memory\n", stderr);
    abort();
}

void *kb_malloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        kb_oom();
    return p;
}

void *kb_calloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        kb_oom();
    return p;
}

void *kb_realloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        kb_oom();
    return q;
}

char *kb_strdup(const char *s)
{
    return s ? kb_strndup(s, strlen(s)) : NULL;
}

char *kb_strndup(const char *s, size_t n)
{
    char *p = kb_malloc(n + 1);
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

struct kb_str kb_str_c(const char *s)
{
    return (struct kb_str){s ? s : "", s ? strlen(s) : 0};
}

bool kb_str_eq(struct kb_str a, struct kb_str b)
{
    return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}

bool kb_str_eqc(struct kb_str a, const char *c)
{
    return kb_str_eq(a, kb_str_c(c));
}

bool kb_str_starts(struct kb_str s, struct kb_str prefix)
{
    return s.n >= prefix.n && memcmp(s.p, prefix.p, prefix.n) == 0;
}

static bool is_space_cp(uint32_t cp)
{
    return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\v' || cp == '\f' ||
           cp == 0xA0 || cp == 0xFEFF || cp == 0x200B || cp == 0x200E || cp == 0x200F ||
           cp == 0x202F || cp == 0x3000 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 ||
           cp == 0x2029 || cp == 0x061C;
}

struct kb_str kb_str_trim(struct kb_str s)
{
    while (s.n) {
        uint32_t cp;
        size_t len = kb_utf8_decode(s.p, s.n, &cp);
        if (!is_space_cp(cp))
            break;
        s.p += len;
        s.n -= len;
    }
    while (s.n) {
        /* step back to the start of the last code point */
        size_t k = s.n - 1;
        while (k > 0 && ((unsigned char)s.p[k] & 0xC0) == 0x80 && s.n - k < 4)
            k--;
        uint32_t cp;
        size_t len = kb_utf8_decode(s.p + k, s.n - k, &cp);
        if (k + len != s.n || !is_space_cp(cp))
            break;
        s.n = k;
    }
    return s;
}

void kb_buf_init(struct kb_buf *b, size_t max)
{
    memset(b, 0, sizeof(*b));
    b->max = max ? max : KB_BUF_DEFAULT_MAX;
}

void kb_buf_release(struct kb_buf *b)
{
    size_t max = b->max;
    free(b->p);
    kb_buf_init(b, max);
}

void kb_buf_reset(struct kb_buf *b)
{
    b->n = 0;
    b->err = 0;
    if (b->p)
        b->p[0] = '\0';
}

char *kb_buf_detach(struct kb_buf *b, size_t *len)
{
    char *p = NULL;
    if (!b->err) {
        p = b->p ? b->p : kb_strdup("");
        if (len)
            *len = b->n;
        b->p = NULL;
    }
    kb_buf_release(b);
    return p;
}

/* Make room for `extra` more bytes plus the NUL; false (and the sticky error) past max. */
static bool grow(struct kb_buf *b, size_t extra)
{
    if (b->err)
        return false;
    if (extra > b->max - b->n) {
        b->err = KB_ETOOBIG;
        return false;
    }
    size_t need = b->n + extra + 1;
    if (need > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < need)
            cap *= 2;
        b->p = kb_realloc(b->p, cap);
        b->cap = cap;
    }
    return true;
}

void kb_buf_add(struct kb_buf *b, const void *p, size_t n)
{
    if (!grow(b, n))
        return;
    if (n)
        memcpy(b->p + b->n, p, n);
    b->n += n;
    b->p[b->n] = '\0';
}

void kb_buf_adds(struct kb_buf *b, const char *s)
{
    if (s)
        kb_buf_add(b, s, strlen(s));
}

void kb_buf_addstr(struct kb_buf *b, struct kb_str s)
{
    kb_buf_add(b, s.p, s.n);
}

void kb_buf_addch(struct kb_buf *b, char c)
{
    kb_buf_add(b, &c, 1);
}

void kb_buf_vaddf(struct kb_buf *b, const char *fmt, va_list ap)
{
    char small[256];
    va_list ap2;
    va_copy(ap2, ap);
    int len = vsnprintf(small, sizeof(small), fmt, ap2);
    va_end(ap2);
    if (len < 0)
        return;
    if ((size_t)len < sizeof(small)) {
        kb_buf_add(b, small, (size_t)len);
        return;
    }
    if (!grow(b, (size_t)len))
        return;
    vsnprintf(b->p + b->n, (size_t)len + 1, fmt, ap);
    b->n += (size_t)len;
}

void kb_buf_addf(struct kb_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kb_buf_vaddf(b, fmt, ap);
    va_end(ap);
}

void kb_buf_addi(struct kb_buf *b, int64_t v)
{
    kb_buf_addf(b, "%lld", (long long)v);
}

void kb_buf_add_html(struct kb_buf *b, const char *s, size_t n)
{
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        const char *rep;
        switch (s[i]) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\'':
            rep = "&#39;";
            break;
        default:
            continue;
        }
        kb_buf_add(b, s + start, i - start);
        kb_buf_adds(b, rep);
        start = i + 1;
    }
    kb_buf_add(b, s + start, n - start);
}

void kb_buf_add_urlpath(struct kb_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~') {
            kb_buf_addch(b, (char)c);
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            kb_buf_add(b, e, 3);
        }
    }
}

int kb_file_read(const char *path, size_t max, char **out, size_t *len, struct kb_diag *d)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return kb_diag_set(d, KB_EIO, NULL, "cannot open: %s", strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        return kb_diag_set(d, KB_EIO, NULL, "is a directory");
    }
    struct kb_buf b;
    kb_buf_init(&b, max);
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        kb_buf_add(&b, chunk, got);
        if (b.err) {
            fclose(f);
            kb_buf_release(&b);
            return kb_diag_set(d, KB_ETOOBIG, NULL, "larger than the limit of %zu bytes", max);
        }
    }
    int rerr = ferror(f);
    fclose(f);
    if (rerr) {
        kb_buf_release(&b);
        return kb_diag_set(d, KB_EIO, NULL, "read error");
    }
    size_t n = b.n;
    *out = kb_buf_detach(&b, NULL);
    if (len)
        *len = n;
    return 0;
}
