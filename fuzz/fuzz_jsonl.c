/*
 * fuzz_jsonl.c — libFuzzer target for the JSON Lines reader and record parser
 * (lib/ingest/jsonl.c), without a store.
 *
 * Any bytes go in, as a plain, .xz or .gz stream (the reader decides from the first bytes).
 * Memory is bounded by the limits given to the reader (64 KiB lines, 16 MiB decoded in all),
 * so decompression bombs end in an error, not an exhausted machine.  Invariants checked:
 * line numbers strictly increase; a line never holds '\n' and is NUL-terminated at its
 * length; every refusal names a line (d.line >= 1 for the reader) and has a reason; a
 * record that parses and validates has a valid-UTF-8 headline and body and round-trips
 * through kb_article_to_json into JSON that jansson reads back.  A violated invariant
 * aborts, which the replayer and libFuzzer report.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "khabar/jsonl.h"
#include "khabar/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_article(const struct kb_article *a)
{
    if (!a->headline || !kb_utf8_valid(a->headline, strlen(a->headline)))
        abort();
    if (!a->body_html || !kb_utf8_valid(a->body_html, strlen(a->body_html)))
        abort();
    struct kb_buf b;
    struct kb_json j;
    kb_buf_init(&b, 0);
    kb_json_init(&j, &b, KB_JSON_COMPACT);
    kb_article_to_json(a, &j);
    if (kb_buf_err(&b))
        abort();
    json_error_t e;
    json_t *back = json_loadb(kb_buf_cstr(&b), b.n, 0, &e);
    if (!back || strcmp(json_string_value(json_object_get(back, "headline")), a->headline) != 0)
        abort();
    json_decref(back);
    kb_buf_release(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct kb_jsonl_limits lim = {.max_line = 64 << 10, .max_output = 16 << 20};
    struct kb_jsonl_reader *r = NULL;
    struct kb_diag d;
    kb_diag_clear(&d);
    if (kb_jsonl_open_mem(data, size, &lim, &r, &d) != 0) {
        if (!d.msg[0])
            abort();
        return 0;
    }
    struct kb_article a;
    kb_article_init(&a);
    unsigned long last = 0;
    for (int i = 0; i < 10000; i++) {
        struct kb_str line;
        unsigned long no = 0;
        kb_diag_clear(&d);
        int rc = kb_jsonl_next(r, &line, &no, &d);
        if (rc == 0)
            break;
        if (rc < 0) {
            if (d.line == 0 || d.line <= last || !d.msg[0])
                abort();
            if (rc != KB_ETOOBIG)
                break; /* sticky */
            last = d.line;
            continue;
        }
        if (no <= last || line.p[line.n] != '\0' || memchr(line.p, '\n', line.n))
            abort();
        last = no;
        enum kb_jsonl_shape shape;
        kb_diag_clear(&d);
        rc = kb_jsonl_parse_article(line.p, line.n, &a, &shape, &d);
        if (rc == 0)
            rc = kb_jsonl_validate(&a, shape, &d);
        if (rc) {
            char reason[64];
            kb_jsonl_reason(&d, reason, sizeof(reason));
            if (!reason[0] || !d.msg[0])
                abort();
            continue;
        }
        check_article(&a);
    }
    kb_article_release(&a);
    kb_jsonl_close(r);
    return 0;
}
