/*
 * fts5.c — the "khabar" FTS5 tokenizer and the kb_html_text() SQL function.
 *
 * The tokenizer is a thin adapter: FTS5 hands it text and a reason, kb_analyze does the
 * work.  Documents (and FTS5's own re-reading of them for highlight()/snippet()) are
 * analyzed in INDEX mode, so the alternate stems without a leading و ف ب ل ك are indexed
 * at the same position as the primary one (FTS5_TOKEN_COLOCATED); queries in QUERY mode
 * (primaries only); the string before a '*' in PREFIX mode (normalized, not stemmed).
 * Offsets are the analyzer's, into the text FTS5 gave us, so highlights mark the reader's
 * own spelling.
 *
 * Invariants: the first token of a text is never flagged colocated (FTS5 refuses that);
 * terms longer than KB_SEARCH_MAX_TERM bytes are not indexed (no real word is that long and FTS5
 * would store them whole); the tokenizer keeps no state, so one instance serves every
 * column and every thread's connection.
 *
 * Pre-analyzed text (kb_search_pretok_*): a bulk import analyzes the texts it will index
 * on its reader thread and offers the token streams to the writing thread; when FTS5 then
 * asks that thread to tokenize a document whose bytes are exactly an offered text
 * (length, hash, then memcmp), the recorded stream is replayed through the same on_term
 * instead of analyzing again, so the index is byte-identical.  Offers are per thread
 * (thread-local), used once, and capped in memory; anything else is analyzed as before.
 */
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "khabar/analyzer.h"
#include "khabar/search.h"

/* FTS5 wants an object per tokenizer instance; ours has no state. */
struct khabar_tok {
    int unused;
};

static int tok_create(void *ctx, const char **argv, int argc, Fts5Tokenizer **out)
{
    (void)ctx;
    (void)argv;
    if (argc != 0)
        return SQLITE_ERROR; /* no options: a typo in a schema should not pass silently */
    struct khabar_tok *t = sqlite3_malloc(sizeof(*t));
    if (!t)
        return SQLITE_NOMEM;
    t->unused = 0;
    *out = (Fts5Tokenizer *)t;
    return SQLITE_OK;
}

static void tok_delete(Fts5Tokenizer *t)
{
    sqlite3_free(t);
}

struct tok_call {
    void *fts_ctx;
    int (*xToken)(void *, int, const char *, int, int, int);
    bool any; /* a token was passed on already */
};

static int on_term(void *ctx, int flags, const char *term, size_t n, size_t start, size_t end)
{
    struct tok_call *c = ctx;
    if (n == 0 || n > KB_SEARCH_MAX_TERM || end > (size_t)INT32_MAX)
        return 0;
    int f = c->any ? (flags & KB_TOKEN_COLOCATED ? FTS5_TOKEN_COLOCATED : 0) : 0;
    c->any = true;
    return c->xToken(c->fts_ctx, f, term, (int)n, (int)start, (int)end);
}

/* ---- pre-analyzed text ------------------------------------------------------------- */

/* Each token as kb_analyze gave it: a struct pretok_rec, then the term's bytes. */
struct pretok_rec {
    uint32_t flags, n, start, end;
};

struct kb_search_pretok {
    struct kb_search_pretok *next; /* in its bucket of the offers */
    uint64_t hash;
    char *text; /* a copy of the analyzed text, compared before a replay */
    size_t n;
    struct kb_buf toks; /* the records */
};

#define PRETOK_BUCKETS 4096
#define PRETOK_MAX_BYTES ((size_t)96 << 20) /* offers held by one thread at most */

struct pretok_offers {
    struct kb_search_pretok **bucket; /* PRETOK_BUCKETS, allocated on the first offer */
    size_t n, bytes;
};

static _Thread_local struct pretok_offers offers;

static uint64_t text_hash(const char *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325u; /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)p[i]) * 0x100000001b3u;
    return h ^ (h >> 29);
}

static int record_term(void *ctx, int flags, const char *term, size_t n, size_t start, size_t end)
{
    struct kb_buf *b = ctx;
    if (n > UINT32_MAX || start > UINT32_MAX || end > UINT32_MAX)
        return 1; /* not representable: the text is analyzed when indexed */
    struct pretok_rec r = {(uint32_t)flags, (uint32_t)n, (uint32_t)start, (uint32_t)end};
    kb_buf_add(b, &r, sizeof(r));
    kb_buf_add(b, term, n);
    return 0;
}

static size_t pretok_bytes(const struct kb_search_pretok *p)
{
    return sizeof(*p) + p->n + p->toks.n;
}

struct kb_search_pretok *kb_search_pretok_make(const char *text, size_t n)
{
    if (!text || n == 0 || n > (size_t)INT32_MAX)
        return NULL;
    struct kb_search_pretok *p = kb_calloc(1, sizeof(*p));
    kb_buf_init(&p->toks, PRETOK_MAX_BYTES);
    if (kb_analyze(text, n, KB_ANALYZE_INDEX, record_term, &p->toks) != 0 || kb_buf_err(&p->toks)) {
        kb_buf_release(&p->toks);
        free(p);
        return NULL;
    }
    p->text = kb_malloc(n);
    memcpy(p->text, text, n);
    p->n = n;
    p->hash = text_hash(text, n);
    return p;
}

void kb_search_pretok_free(struct kb_search_pretok *p)
{
    if (!p)
        return;
    kb_buf_release(&p->toks);
    free(p->text);
    free(p);
}

bool kb_search_pretok_offer(struct kb_search_pretok *p)
{
    if (!p)
        return true;
    if (offers.bytes + pretok_bytes(p) > PRETOK_MAX_BYTES) {
        kb_search_pretok_free(p); /* analyzed again when indexed */
        return false;
    }
    if (!offers.bucket)
        offers.bucket = kb_calloc(PRETOK_BUCKETS, sizeof(*offers.bucket));
    struct kb_search_pretok **b = &offers.bucket[p->hash % PRETOK_BUCKETS];
    p->next = *b;
    *b = p;
    offers.n++;
    offers.bytes += pretok_bytes(p);
    return true;
}

void kb_search_pretok_clear(void)
{
    if (offers.bucket) {
        for (size_t i = 0; i < PRETOK_BUCKETS; i++) {
            for (struct kb_search_pretok *p = offers.bucket[i], *next; p; p = next) {
                next = p->next;
                kb_search_pretok_free(p);
            }
        }
        free(offers.bucket);
    }
    offers = (struct pretok_offers){0};
}

size_t kb_search_pretok_pending(void)
{
    return offers.n;
}

/* The offer of exactly text[0..n), taken out of the offers; NULL when there is none. */
static struct kb_search_pretok *take_offer(const char *text, size_t n)
{
    if (!offers.n)
        return NULL;
    uint64_t h = text_hash(text, n);
    for (struct kb_search_pretok **pp = &offers.bucket[h % PRETOK_BUCKETS]; *pp;
         pp = &(*pp)->next) {
        struct kb_search_pretok *p = *pp;
        if (p->hash == h && p->n == n && memcmp(p->text, text, n) == 0) {
            *pp = p->next;
            offers.n--;
            offers.bytes -= pretok_bytes(p);
            return p;
        }
    }
    return NULL;
}

/* Pass a recorded stream on as kb_analyze would have. */
static int replay(const struct kb_search_pretok *p, struct tok_call *c)
{
    const char *q = p->toks.p, *end = q + p->toks.n;
    while (q < end) {
        struct pretok_rec r;
        memcpy(&r, q, sizeof(r));
        q += sizeof(r);
        int rc = on_term(c, (int)r.flags, q, r.n, r.start, r.end);
        if (rc)
            return rc;
        q += r.n;
    }
    return 0;
}

static int tok_tokenize(Fts5Tokenizer *t, void *fts_ctx, int flags, const char *text, int n,
                        int (*xToken)(void *, int, const char *, int, int, int))
{
    (void)t;
    if (!text || n <= 0)
        return SQLITE_OK;
    enum kb_analyze_mode mode = KB_ANALYZE_INDEX;
    if (flags & FTS5_TOKENIZE_QUERY)
        mode = flags & FTS5_TOKENIZE_PREFIX ? KB_ANALYZE_PREFIX : KB_ANALYZE_QUERY;
    struct tok_call c = {fts_ctx, xToken, false};
    if (mode == KB_ANALYZE_INDEX && (flags & FTS5_TOKENIZE_DOCUMENT)) {
        struct kb_search_pretok *p = take_offer(text, (size_t)n);
        if (p) {
            int rc = replay(p, &c);
            kb_search_pretok_free(p);
            return rc;
        }
    }
    return kb_analyze(text, (size_t)n, mode, on_term, &c);
}

/* kb_html_text(html): the body as the index sees it. */
static void fn_html_text(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(cx);
        return;
    }
    const char *html = (const char *)sqlite3_value_text(argv[0]);
    int n = sqlite3_value_bytes(argv[0]);
    struct kb_buf b;
    kb_buf_init(&b, (size_t)n + 64);
    kb_search_html_text(&b, html ? html : "", html ? (size_t)n : 0);
    if (kb_buf_err(&b)) {
        kb_buf_release(&b);
        sqlite3_result_error_code(cx, SQLITE_TOOBIG);
        return;
    }
    size_t len = 0;
    char *s = b.n ? kb_buf_detach(&b, &len) : NULL;
    if (s)
        sqlite3_result_text64(cx, s, len, free, SQLITE_UTF8);
    else
        sqlite3_result_text(cx, "", 0, SQLITE_STATIC);
    kb_buf_release(&b);
}

static fts5_api *get_fts5(sqlite3 *db)
{
    fts5_api *api = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
        return NULL;
    sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
    (void)sqlite3_step(st);
    sqlite3_finalize(st);
    return api;
}

int kb_search_sqlite_register(struct sqlite3 *db, struct kb_diag *d)
{
    int rc = kb_analyzer_init(d);
    if (rc)
        return rc;
    fts5_api *api = get_fts5(db);
    if (!api || api->iVersion < 2)
        return kb_diag_set(d, KB_EDB, "", "this SQLite has no FTS5: search cannot work");
    static fts5_tokenizer tok = {tok_create, tok_delete, tok_tokenize};
    if (api->xCreateTokenizer(api, "khabar", NULL, &tok, NULL) != SQLITE_OK)
        return kb_diag_set(d, KB_EDB, "", "registering the search tokenizer: %s",
                           sqlite3_errmsg(db));
    if (sqlite3_create_function_v2(db, "kb_html_text", 1,
                                   SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
                                   fn_html_text, NULL, NULL, NULL) != SQLITE_OK)
        return kb_diag_set(d, KB_EDB, "", "registering kb_html_text: %s", sqlite3_errmsg(db));
    return 0;
}
