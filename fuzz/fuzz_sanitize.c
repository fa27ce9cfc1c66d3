/*
 * fuzz_sanitize.c — libFuzzer target for the HTML allowlist (lib/text/sanitize.c).
 *
 * Any bytes go in.  Invariants checked (a violation aborts, which the replayer and
 * libFuzzer report):
 * - the output is a fixed point: sanitize(sanitize(x)) == sanitize(x);
 * - it holds no "<script" (any case) anywhere;
 * - every tag is an allowlisted element whose attributes are only href, src, alt or rel,
 *   written as name="value" (so no on...= handler and no style), and no href/src starts
 *   with javascript:, data: or vbscript:;
 * - the output is valid UTF-8.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "khabar/sanitize.h"
#include "khabar/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool scheme_is(const char *v, const char *scheme)
{
    return strncasecmp(v, scheme, strlen(scheme)) == 0;
}

static void check_tag(const char *p, const char *end)
{
    static const char *const tags[] = {"p",  "h2",     "h3",  "blockquote", "ul",
                                       "ol", "li",     "a",   "strong",     "em",
                                       "br", "figure", "img", "figcaption"};
    const char *q = p + 1;
    if (*q == '/')
        q++;
    size_t n = 0;
    while (q + n < end && q[n] != ' ')
        n++;
    bool ok = false;
    for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
        ok |= strlen(tags[i]) == n && strncmp(q, tags[i], n) == 0;
    if (!ok)
        abort();
    q += n;
    while (q < end) {
        if (*q++ != ' ')
            abort();
        const char *eq = memchr(q, '=', (size_t)(end - q));
        if (!eq || eq + 1 >= end || eq[1] != '"')
            abort();
        size_t an = (size_t)(eq - q);
        bool url = (an == 4 && !strncmp(q, "href", 4)) || (an == 3 && !strncmp(q, "src", 3));
        if (!url && !(an == 3 && !strncmp(q, "alt", 3)) && !(an == 3 && !strncmp(q, "rel", 3)))
            abort();
        const char *v = eq + 2, *close = memchr(v, '"', (size_t)(end - v));
        if (!close)
            abort();
        if (url &&
            (scheme_is(v, "javascript:") || scheme_is(v, "data:") || scheme_is(v, "vbscript:")))
            abort();
        q = close + 1;
    }
}

static char *run(const char *in, size_t n, size_t *len)
{
    struct kb_buf b;
    kb_buf_init(&b, (size_t)64 << 20);
    struct kb_diag d;
    if (kb_html_sanitize(in, n, &b, &d) != 0) {
        kb_buf_release(&b);
        return NULL;
    }
    *len = b.n;
    char *r = kb_buf_detach(&b, NULL);
    return r ? r : strdup("");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t n1 = 0, n2 = 0;
    char *out = run((const char *)data, size, &n1);
    if (!out)
        return 0; /* too large: refused, nothing to check */
    if (!kb_utf8_valid(out, n1))
        abort();
    for (const char *p = out; *p; p++)
        if (strncasecmp(p, "<script", 7) == 0)
            abort();
    for (const char *p = strchr(out, '<'); p; p = strchr(p + 1, '<')) {
        const char *end = strchr(p, '>');
        if (!end)
            abort(); /* a '<' in text is always escaped */
        check_tag(p, end);
    }
    char *again = run(out, n1, &n2);
    if (!again || n2 != n1 || memcmp(again, out, n1) != 0)
        abort();
    free(again);
    free(out);
    return 0;
}
