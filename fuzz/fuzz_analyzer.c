/*
 * fuzz_analyzer.c — libFuzzer target for the search analyzer (lib/text/analyzer.c).
 *
 * Any bytes go through kb_analyze in all three modes and through kb_normalize.  Invariants
 * checked (a violation aborts, which the replayer and libFuzzer report):
 * - every term is non-empty valid UTF-8 of at most 256 bytes;
 * - offsets lie within the input, start <= end, and starts never decrease;
 * - a colocated term follows a term with the same start (FTS5 refuses it first);
 * - idempotence: analyzing a QUERY-mode term in QUERY mode gives exactly that term back,
 *   or nothing when it is a stop word;
 * - INDEX mode's primaries (terms without the colocated flag) are QUERY mode's terms;
 * - kb_normalize gives valid UTF-8 and is idempotent.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "khabar/analyzer.h"
#include "khabar/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_TERMS 4096

struct run {
    size_t n;          /* input length */
    size_t last_start; /* previous term's start */
    size_t count;
    bool check_idem;
    /* primaries, as offsets into `pool`, to compare QUERY with INDEX mode */
    char pool[1 << 16];
    size_t pool_n;
    size_t prim[MAX_TERMS][2];
    size_t nprim;
};

struct one {
    char t[512];
    size_t n;
    size_t count;
};

static int one_fn(void *ctx, int flags, const char *t, size_t n, size_t s, size_t e)
{
    (void)flags;
    (void)s;
    (void)e;
    struct one *o = ctx;
    if (++o->count == 1 && n <= sizeof(o->t)) {
        memcpy(o->t, t, n);
        o->n = n;
    }
    return 0;
}

static int term_fn(void *ctx, int flags, const char *t, size_t n, size_t s, size_t e)
{
    struct run *r = ctx;
    if (n == 0 || n > 256 || !kb_utf8_valid(t, n))
        abort();
    if (s > e || e > r->n || s < r->last_start)
        abort();
    if (flags & KB_TOKEN_COLOCATED) {
        if (r->count == 0 || s != r->last_start)
            abort();
    } else if (r->nprim < MAX_TERMS && r->pool_n + n <= sizeof(r->pool)) {
        memcpy(r->pool + r->pool_n, t, n);
        r->prim[r->nprim][0] = r->pool_n;
        r->prim[r->nprim][1] = n;
        r->pool_n += n;
        r->nprim++;
    }
    r->last_start = s;
    r->count++;
    if (r->check_idem) {
        struct one o = {{0}, 0, 0};
        if (kb_analyze(t, n, KB_ANALYZE_QUERY, one_fn, &o) != 0)
            abort();
        if (o.count == 0 ? !kb_is_stopword(t, n)
                         : (o.count != 1 || o.n != n || memcmp(o.t, t, n) != 0))
            abort();
    }
    return 0;
}

static struct run query_run, index_run, prefix_run;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    struct run *runs[3] = {&index_run, &query_run, &prefix_run};
    enum kb_analyze_mode modes[3] = {KB_ANALYZE_INDEX, KB_ANALYZE_QUERY, KB_ANALYZE_PREFIX};
    for (int m = 0; m < 3; m++) {
        struct run *r = runs[m];
        r->n = size;
        r->last_start = 0;
        r->count = 0;
        r->pool_n = 0;
        r->nprim = 0;
        r->check_idem = modes[m] == KB_ANALYZE_QUERY;
        if (kb_analyze(s, size, modes[m], term_fn, r) != 0)
            abort();
    }
    /* INDEX primaries and QUERY terms agree (unless a term list was too long to keep). */
    if (index_run.nprim < MAX_TERMS && query_run.nprim < MAX_TERMS &&
        index_run.pool_n < sizeof(index_run.pool) - 256 &&
        query_run.pool_n < sizeof(query_run.pool) - 256) {
        if (index_run.nprim != query_run.nprim)
            abort();
        for (size_t i = 0; i < index_run.nprim; i++)
            if (index_run.prim[i][1] != query_run.prim[i][1] ||
                memcmp(index_run.pool + index_run.prim[i][0], query_run.pool + query_run.prim[i][0],
                       index_run.prim[i][1]) != 0)
                abort();
    }

    struct kb_buf a, b;
    kb_buf_init(&a, (size_t)8 << 20);
    kb_buf_init(&b, (size_t)8 << 20);
    kb_normalize(&a, s, size);
    if (!kb_buf_err(&a)) {
        if (!kb_utf8_valid(kb_buf_cstr(&a), a.n))
            abort();
        kb_normalize(&b, kb_buf_cstr(&a), a.n);
        if (!kb_buf_err(&b) && (a.n != b.n || memcmp(kb_buf_cstr(&a), kb_buf_cstr(&b), a.n) != 0))
            abort();
    }
    kb_buf_release(&a);
    kb_buf_release(&b);
    return 0;
}
