/*
 * fuzz_marks.c — libFuzzer target for the MATCH expression read back and the marks
 * (lib/search/marks.c) and the in-memory ranker (lib/search/memindex.c).
 *
 * Input: the first line is what a reader typed, the rest an article's text.  The text is
 * indexed (an in-memory database with two fixed articles and this one); the query is
 * parsed and turned into its MATCH expression as the engine does.  Invariants checked (a
 * violation aborts):
 * - every expression kb_search_query_match writes is read back (kb_match_expr_parse);
 * - the in-memory ranker and FTS5 find the same articles with the same total, prefixes
 *   included, whether the index was built with the article or updated to hold it (odd
 *   input sizes: the article is then in the delta segment);
 * - the spans of the text from the index equal the spans found by analyzing it;
 * - the highlighted text and the snippet are valid UTF-8 with balanced, unnested marks, and
 *   the highlight without its marks is the text itself.
 */
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../lib/search/search_int.h"
#include "khabar/search.h"
#include "khabar/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const schema =
    "CREATE TABLE sections (id INTEGER PRIMARY KEY, slug TEXT, name TEXT);"
    "INSERT INTO sections VALUES (1, 'news', 'أخبار');"
    "CREATE TABLE articles (id INTEGER PRIMARY KEY, slug TEXT, status TEXT, section_id INTEGER,"
    "  headline TEXT, lede TEXT, body_html TEXT, published INTEGER, published_offset INTEGER,"
    "  updated INTEGER);"
    "CREATE VIEW article_search_src AS"
    "  SELECT id, headline, lede, kb_html_text(body_html) AS body_text FROM articles;"
    "CREATE VIRTUAL TABLE article_search USING fts5 (headline, lede, body_text,"
    "  content = 'article_search_src', content_rowid = 'id', tokenize = 'khabar');"
    "CREATE TABLE search_changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, article_id INTEGER);"
    "CREATE TRIGGER search_changes_insert AFTER INSERT ON articles BEGIN"
    "  INSERT INTO search_changes (article_id) VALUES (new.id); END;"
    "INSERT INTO articles VALUES (1, 'a', 'published', 1, 'وزير الخارجية يزور أنقرة',"
    "  'قال الوزير', '<p>الاقتصاد تحسن في أوكرانيا وروسيا</p>', 100, 0, 100);"
    "INSERT INTO articles VALUES (2, 'b', 'published', 1, 'Markets rally', NULL,"
    "  '<p>stocks near record highs in 2024</p>', 200, 0, 200);";

static void check_marked(const char *s, size_t n)
{
    if (!kb_utf8_valid(s, n))
        abort();
    bool open = false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == KB_SEARCH_MARK_OPEN) {
            if (open)
                abort();
            open = true;
        } else if (s[i] == KB_SEARCH_MARK_CLOSE) {
            if (!open)
                abort();
            open = false;
        }
    }
    if (open)
        abort();
}

static void check_spans(const struct kb_search_index *x, const struct kb_match_expr *e,
                        const char *text, size_t n)
{
    struct kb_span *a = NULL, *b = NULL;
    size_t na = kb_marks_spans(e, text, n, &a), nb = 0;
    if (!e->has_prefix) {
        if (!kb_search_index_spans(x, 3, e, 0, &b, &nb))
            abort();
        if (na != nb || (na && memcmp(a, b, na * sizeof(*a)) != 0))
            abort();
    }
    struct kb_buf out;
    kb_buf_init(&out, 1 << 24);
    kb_marks_highlight(&out, text, n, a, na);
    check_marked(kb_buf_cstr(&out), out.n);
    struct kb_buf plain;
    kb_buf_init(&plain, 1 << 24);
    kb_search_add_unmarked(&plain, kb_buf_cstr(&out));
    if (plain.n != n || memcmp(kb_buf_cstr(&plain), text, n) != 0)
        abort();
    kb_buf_reset(&out);
    kb_marks_snippet(&out, text, n, a, na, 24, NULL, 0);
    check_marked(kb_buf_cstr(&out), out.n);
    kb_buf_release(&out);
    kb_buf_release(&plain);
    free(a);
    free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size);
    size_t qn = nl ? (size_t)(nl - data) : size;
    const char *text = nl ? (const char *)nl + 1 : "";
    size_t tn = nl ? size - qn - 1 : 0;
    if (tn > 4096)
        tn = 4096;
    /* the text as the headline: control characters and invalid UTF-8 are not indexed text */
    struct kb_buf clean;
    kb_buf_init(&clean, 8192);
    kb_search_html_text(&clean, text, tn);
    char *head = kb_strndup(kb_buf_cstr(&clean), clean.n);
    size_t hn = clean.n;
    kb_buf_release(&clean);
    for (size_t i = 0; i < hn; i++)
        if (head[i] == '\n' || head[i] == '<' || head[i] == '&')
            head[i] = ' ';

    sqlite3 *db = NULL;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK || kb_search_sqlite_register(db, NULL) != 0 ||
        sqlite3_exec(db, schema, NULL, NULL, NULL) != SQLITE_OK)
        abort();
    /* odd sizes: the index is built before the article is written and updated after it,
     * so the article is in the delta segment (kb_search_index_update) */
    struct kb_search_index *x = NULL;
    if ((size & 1) && kb_search_index_build_db(db, &x, NULL) != 0)
        abort();
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO articles VALUES (3, 'c', 'published', 1, ?1, NULL, '', "
                           "300, 0, 300)",
                           -1, &st, NULL) != SQLITE_OK)
        abort();
    sqlite3_bind_text(st, 1, head, (int)hn, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        abort();
    sqlite3_finalize(st);
    if (sqlite3_exec(db, "INSERT INTO article_search (article_search) VALUES ('rebuild')", NULL,
                     NULL, NULL) != SQLITE_OK)
        abort();
    if (x) {
        struct kb_search_index *nx = NULL;
        if (kb_search_index_update(x, db, &nx, NULL) != 0)
            abort();
        kb_search_index_release(x);
        x = nx;
    } else if (kb_search_index_build_db(db, &x, NULL) != 0) {
        abort();
    }

    struct kb_search_query q;
    kb_search_query_parse((const char *)data, qn, &q);
    for (int join = 0; join < 2; join++) {
        struct kb_buf m;
        kb_buf_init(&m, 1 << 20);
        if (kb_search_query_match(&q, join ? KB_SEARCH_ALL : KB_SEARCH_ANY, &m) == 0) {
            kb_buf_release(&m);
            continue;
        }
        struct kb_match_expr e;
        if (!kb_match_expr_parse(kb_buf_cstr(&m), &e))
            abort();
        struct kb_search_request rq = {.match = kb_buf_cstr(&m), .now = 1000, .limit = 10};
        struct kb_search_hit *h1 = NULL, *h2 = NULL;
        size_t n1 = 0, n2 = 0, t1 = 0, t2 = 0;
        if (kb_search_sqlite_run(db, &rq, &h1, &n1, &t1, NULL) != 0)
            abort();
        rq.index = x;
        if (kb_search_sqlite_run(db, &rq, &h2, &n2, &t2, NULL) != 0)
            abort();
        if (n1 != n2 || t1 != t2)
            abort();
        for (size_t i = 0; i < n1; i++)
            if (h1[i].id != h2[i].id || strcmp(h1[i].snippet, h2[i].snippet) != 0 ||
                strcmp(h1[i].headline, h2[i].headline) != 0)
                abort();
        kb_search_hits_free(h1, n1);
        kb_search_hits_free(h2, n2);
        check_spans(x, &e, head, hn);
        kb_match_expr_release(&e);
        kb_buf_release(&m);
    }
    kb_search_query_release(&q);
    kb_search_index_release(x);
    sqlite3_close(db);
    free(head);
    return 0;
}
