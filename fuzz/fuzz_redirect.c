/*
 * fuzz_redirect.c — the old-address parsers of lib/store/redirects.c: kb_redirect_path
 * (http(s) URL or site path → canonical path, WordPress's "/?p=N" / "/?page_id=N") and
 * kb_redirect_own_path (is it this site's address?).
 *
 * Input: the first line is a base URL, the rest the address.  Invariants: a canonical path
 * is valid UTF-8 without control characters, starts with '/', is not "/" and has no
 * trailing '/' — unless it is exactly "/?p=<digits>" or "/?page_id=<digits>" without a
 * leading zero; it fits KB_REDIRECT_MAX_PATH; kb_redirect_own_path, when it succeeds, gives
 * what kb_redirect_path gives, and never succeeds for an http(s) address on another host.
 * A violated invariant aborts, which the replayer and libFuzzer report.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "khabar/store.h"
#include "khabar/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool wp_form(const char *p, size_t n)
{
    const char *v = NULL;
    if (n > 4 && strncmp(p, "/?p=", 4) == 0)
        v = p + 4;
    else if (n > 10 && strncmp(p, "/?page_id=", 10) == 0)
        v = p + 10;
    if (!v || *v == '0' || (size_t)(p + n - v) > 18)
        return false;
    for (; v < p + n; v++)
        if (*v < '0' || *v > '9')
            return false;
    return true;
}

static void check_path(const char *p, size_t n)
{
    if (wp_form(p, n))
        return;
    if (n < 2 || p[0] != '/' || p[n - 1] == '/' || n > KB_REDIRECT_MAX_PATH || !kb_utf8_valid(p, n))
        abort();
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 8192)
        return 0;
    char *in = malloc(size + 1);
    memcpy(in, data, size);
    in[size] = '\0';
    if (strlen(in) != size) { /* C strings only */
        free(in);
        return 0;
    }
    char *url = strchr(in, '\n');
    const char *base = in;
    if (url)
        *url++ = '\0';
    else
        url = in, base = NULL;

    struct kb_buf a, b;
    kb_buf_init(&a, 0);
    kb_buf_init(&b, 0);
    int ra = kb_redirect_path(url, &a, NULL);
    if (ra == 0)
        check_path(a.p, a.n);
    else if (a.n)
        abort(); /* nothing appended on failure */
    int rb = kb_redirect_own_path(url, base, &b, NULL);
    if (rb == 0 && (ra != 0 || a.n != b.n || memcmp(a.p, b.p, a.n) != 0))
        abort();
    if (rb == 0 && base && (strncmp(url, "http://", 7) == 0 || strncmp(url, "https://", 8) == 0)) {
        const char *uh = strstr(url, "//") + 2, *bh = strstr(base, "//");
        if (!bh)
            abort();
        bh += 2;
        size_t un = strcspn(uh, "/?#"), bn = strcspn(bh, "/?#");
        if (un != bn || strncasecmp(uh, bh, un) != 0)
            abort();
    }
    kb_buf_release(&a);
    kb_buf_release(&b);
    free(in);
    return 0;
}
