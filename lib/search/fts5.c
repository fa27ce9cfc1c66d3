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
 */
#include <sqlite3.h>
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
