/*
 * fuzz_html.c — libFuzzer target for the article extractor (lib/ingest/html.c and its depth
 * guard, html_guard.c).
 *
 * Any bytes go in.  A refusal must carry a code and a reason.  A success must hold the
 * extractor's invariants: every string non-empty, valid UTF-8 and trimmed; the body, when
 * found, a fixed point of the sanitizer with at least one block and a plain-text twin;
 * `missing` exactly the fields left empty; dates with a month and day in range; URLs
 * absolute http(s).  A violated invariant aborts, which the replayer and libFuzzer report.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "khabar/htmlextract.h"
#include "khabar/sanitize.h"
#include "khabar/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_str(const char *s, unsigned bit, unsigned missing)
{
    if (!s) {
        if (bit && !(missing & bit))
            abort();
        return;
    }
    size_t n = strlen(s);
    if (n == 0 || !kb_utf8_valid(s, n) || s[0] == ' ' || s[n - 1] == ' ')
        abort();
    if (bit && (missing & bit))
        abort();
}

static void check_url(const char *s)
{
    if (s && strncmp(s, "http://", 7) != 0 && strncmp(s, "https://", 8) != 0)
        abort();
}

static void check_date(const struct kb_html_date *d)
{
    if (!d->found)
        return;
    if (d->civil.month < 1 || d->civil.month > 12 || d->civil.day < 1 || d->civil.day > 31 ||
        d->offset_min < -24 * 60 || d->offset_min > 24 * 60)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct kb_html_article a = {0};
    struct kb_diag d;
    kb_diag_clear(&d);
    if (kb_html_extract((const char *)data, size, "https://example.org/news/a/b.html", &a, &d) !=
        0) {
        if (d.code == 0 || d.msg[0] == '\0')
            abort();
        return 0;
    }
    check_str(a.headline, KB_HF_HEADLINE, a.missing);
    check_str(a.lede, KB_HF_LEDE, a.missing);
    check_str(a.section, KB_HF_SECTION, a.missing);
    check_str(a.byline, KB_HF_BYLINE, a.missing);
    check_str(a.site_name, KB_HF_SITE, a.missing);
    check_str(a.canonical_url, KB_HF_CANONICAL, a.missing);
    check_str(a.language, KB_HF_LANGUAGE, a.missing);
    check_str(a.image_src, KB_HF_IMAGE, a.missing);
    check_str(a.image_caption, KB_HF_CAPTION, a.missing);
    check_str(a.image_credit, KB_HF_CREDIT, a.missing);
    check_str(a.image_alt, 0, a.missing);
    check_url(a.canonical_url);
    check_url(a.image_src);
    check_date(&a.published);
    check_date(&a.modified);
    if (!a.published.found != !!(a.missing & KB_HF_PUBLISHED))
        abort();
    check_str(a.body_html, KB_HF_BODY, a.missing);
    if (a.body_html) {
        if (!a.body_text || a.nblocks == 0 || !kb_utf8_valid(a.body_text, strlen(a.body_text)))
            abort();
        struct kb_buf again;
        struct kb_diag sd;
        kb_buf_init(&again, 0);
        if (kb_html_sanitize(a.body_html, strlen(a.body_html), &again, &sd) != 0 ||
            strcmp(kb_buf_cstr(&again), a.body_html) != 0)
            abort();
        kb_buf_release(&again);
    } else if (a.body_text || a.nblocks) {
        abort();
    }
    kb_html_article_release(&a);
    return 0;
}
