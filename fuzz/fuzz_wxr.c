/*
 * fuzz_wxr.c — libFuzzer target for the WordPress export reader and item mapping
 * (lib/ingest/wxr.c), without a store.
 *
 * Any bytes go in as a WXR document held in memory.  Memory is bounded by the reader's
 * field caps and libxml2's own limits (XML_PARSE_HUGE off); no DTD is ever parsed.
 * Invariants checked: the reader ends (0) or fails with KB_EINVAL naming a line and a
 * reason, and stays failed; every string of an entry is valid UTF-8; an item that maps to
 * an article has a valid-UTF-8 headline and body, a decoded slug that is valid UTF-8, and
 * passes kb_article_validate once given a section (or fails it naming a field); the
 * shortcode scan names only [a-z][a-z0-9_-]* shortcodes; a link's redirect path, when it
 * has one, is valid UTF-8, starts with '/' and is not "/".  A violated invariant aborts,
 * which the replayer and libFuzzer report.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "khabar/store.h"
#include "khabar/utf8.h"
#include "khabar/wxr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_str(const char *s)
{
    if (!s || !kb_utf8_valid(s, strlen(s)))
        abort();
}

static void check_shortcode(void *ctx, const char *name, enum kb_wxr_sc what)
{
    (void)ctx;
    if (!name[0] || name[0] < 'a' || name[0] > 'z' || strlen(name) > 40 || what > KB_WXR_SC_UNKNOWN)
        abort();
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '_' || *p == '-'))
            abort();
}

static void check_link(const char *link)
{
    struct kb_buf b;
    kb_buf_init(&b, 0);
    if (kb_redirect_path(link, &b, NULL) == 0 &&
        (b.n < 2 || b.p[0] != '/' || !kb_utf8_valid(b.p, b.n) || b.p[b.n - 1] == '/'))
        abort();
    kb_buf_release(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct kb_wxr_reader *r;
    struct kb_diag d;
    kb_diag_clear(&d);
    if (kb_wxr_open_mem(data, size, &r, &d) != 0)
        abort();
    struct kb_wxr_entry e;
    int k;
    while ((k = kb_wxr_next(r, &e, &d)) > 0) {
        check_str(e.author.login);
        check_str(e.term.name);
        if (k != KB_WXR_ITEM)
            continue;
        check_str(e.item.title);
        check_str(e.item.content);
        kb_wxr_shortcodes(e.item.content, check_shortcode, NULL);
        check_link(e.item.link);
        struct kb_article a;
        kb_article_init(&a);
        kb_diag_clear(&d);
        unsigned notes = 0;
        struct kb_wxr_media img = {e.item.attachment_url, e.item.image_alt, e.item.excerpt};
        if (kb_wxr_item_article(&e.item, e.item.creator, &img, &a, &notes, &d) == 0) {
            check_str(a.headline);
            check_str(a.body_html);
            if (a.slug)
                check_str(a.slug);
            kb_set_str(&a.section.slug, "x");
            struct kb_diag v;
            kb_diag_clear(&v);
            if (kb_article_validate(&a, &v) != 0 && !v.field[0])
                abort();
        } else if (!d.msg[0]) {
            abort();
        }
        kb_article_release(&a);
    }
    if (k < 0) {
        if (k != KB_EINVAL || !d.msg[0] || d.line == 0)
            abort();
        struct kb_diag again;
        kb_diag_clear(&again);
        if (kb_wxr_next(r, &e, &again) != k || again.line != d.line)
            abort();
    }
    kb_wxr_close(r);
    return 0;
}
