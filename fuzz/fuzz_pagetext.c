/*
 * fuzz_pagetext.c — libFuzzer target for the page-text parser (lib/ingest/pagetext.c).
 *
 * Any bytes go in.  A refusal must name a line (d.line >= 1) and a reason.  A success must
 * hold the parser's invariants: a non-empty headline, at least one non-empty body block,
 * every string valid UTF-8, a month and day in range; kb_pagetext_to_json must produce
 * JSON that jansson parses back with the same headline, and kb_pagetext_to_article must
 * succeed.  A violated invariant aborts, which the replayer and libFuzzer report.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "khabar/pagetext.h"
#include "khabar/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_str(const char *s, bool required)
{
    if (!s) {
        if (required)
            abort();
        return;
    }
    size_t n = strlen(s);
    if (n == 0 || !kb_utf8_valid(s, n))
        abort();
}

static void check_json(const struct kb_page_text *pt)
{
    struct kb_buf b;
    struct kb_json j;
    kb_buf_init(&b, 0);
    kb_json_init(&j, &b, KB_JSON_COMPACT);
    kb_pagetext_to_json(pt, &j);
    if (kb_buf_err(&b))
        abort();
    json_error_t e;
    json_t *v = json_loadb(kb_buf_cstr(&b), b.n, 0, &e);
    if (!v || !json_is_object(v))
        abort();
    const char *h = json_string_value(json_object_get(v, "headline"));
    if (!h || strcmp(h, pt->headline) != 0)
        abort();
    if (json_array_size(json_object_get(v, "body")) != pt->nblocks)
        abort();
    json_decref(v);
    kb_buf_release(&b);
}

static void check_article(const struct kb_page_text *pt)
{
    struct kb_article a;
    struct kb_diag d;
    kb_article_init(&a);
    if (kb_pagetext_to_article(pt, "section", 180, &a, &d) != 0)
        abort();
    if (!a.body_html || !a.headline || strcmp(a.headline, pt->headline) != 0)
        abort();
    kb_article_release(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct kb_page_text pt;
    struct kb_diag d;
    kb_diag_clear(&d);
    if (kb_pagetext_parse((const char *)data, size, &pt, &d) != 0) {
        if (d.line < 1 || d.msg[0] == '\0' || d.code == 0)
            abort();
        return 0;
    }
    check_str(pt.section, true);
    check_str(pt.headline, true);
    check_str(pt.lede, false);
    check_str(pt.image_alt, false);
    check_str(pt.image_caption, false);
    check_str(pt.image_credit, false);
    check_str(pt.image_copyright, false);
    check_str(pt.date_display, true);
    check_str(pt.source, false);
    if (!pt.has_image && (pt.image_alt || pt.image_caption || pt.image_credit))
        abort();
    if (pt.nblocks == 0 || pt.date.month < 1 || pt.date.month > 12 || pt.date.day < 1 ||
        pt.date.day > 31 || pt.reading_minutes < 0)
        abort();
    for (size_t i = 0; i < pt.nblocks; i++)
        check_str(pt.blocks[i].text, true);
    for (size_t i = 0; i < pt.ndiscover; i++)
        check_str(pt.discover[i], true);
    check_json(&pt);
    check_article(&pt);
    kb_pagetext_release(&pt);
    return 0;
}
