/*
 * fuzz_query.c — libFuzzer target for the search query language (lib/search/query.c).
 *
 * Any bytes go in as what a reader typed.  Invariants checked (a violation aborts):
 * - parsing keeps at most KB_SEARCH_MAX_PARTS parts, each non-empty valid UTF-8 without
 *   '"' or control characters; filter dates are real dates;
 * - the MATCH expression, for both joins, holds reader text only inside FTS5 strings, and
 *   FTS5 itself accepts it: it runs without error against a real index built with the
 *   "khabar" tokenizer (an in-memory database, made once);
 * - a query written back (kb_search_query_format) is valid UTF-8.
 */
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "khabar/search.h"
#include "khabar/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sqlite3 *db;
static sqlite3_stmt *st;

static void open_index(void)
{
    if (db)
        return;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK || kb_search_sqlite_register(db, NULL) != 0)
        abort();
    const char *sql =
        "CREATE VIRTUAL TABLE t USING fts5 (headline, body, tokenize = 'khabar');"
        "INSERT INTO t VALUES ('وزير الخارجية يزور أنقرة', 'قال الوزير إن الاقتصاد تحسن');"
        "INSERT INTO t VALUES ('Markets rally', 'stocks near record highs in 2024');";
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
        abort();
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM t WHERE t MATCH ?1", -1, &st, NULL) !=
        SQLITE_OK)
        abort();
}

static void check_date(const struct kb_search_date *dt)
{
    if (dt->year == 0 && dt->month == 0 && dt->day == 0)
        return;
    if (dt->year < 1 || dt->year > 9999 || dt->month < 1 || dt->month > 12 || dt->day < 1 ||
        dt->day > 31)
        abort();
}

static void check_match(const char *m)
{
    bool in = false;
    for (size_t i = 0; m[i]; i++) {
        if (m[i] == '"') {
            in = !in;
            continue;
        }
        if (!in && !strchr("()* ANDORT", m[i]))
            abort();
    }
    if (in)
        abort();
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, m, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_ROW)
        abort();
}

/* A vocabulary for the backoff: terms of even hash are "held", so some words back off. */
static bool half_known(void *ctx, const char *term, size_t n)
{
    (void)ctx;
    unsigned h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)term[i]) * 16777619u;
    if (!kb_utf8_valid(term, n) || n == 0 || memchr(term, '"', n))
        abort(); /* the backoff only ever asks for analyzer terms */
    return (h & 1) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    open_index();
    struct kb_search_query q;
    kb_search_query_parse((const char *)data, size, &q);
    if (q.nparts > KB_SEARCH_MAX_PARTS)
        abort();
    for (size_t i = 0; i < q.nparts; i++) {
        const char *t = q.parts[i].text;
        if (!t || !*t || !kb_utf8_valid(t, strlen(t)) || strchr(t, '"'))
            abort();
        for (const char *c = t; *c; c++)
            if ((unsigned char)*c < 0x20)
                abort();
    }
    check_date(&q.from);
    check_date(&q.to);
    kb_search_query_backoff(&q, half_known, NULL);
    for (size_t i = 0; i < q.nparts; i++) {
        const char *t = q.parts[i].match; /* a rewritten word is one analyzer term */
        if (t && (q.parts[i].kind != KB_SEARCH_WORD || q.parts[i].excluded || !*t ||
                  !kb_utf8_valid(t, strlen(t)) || strchr(t, '"')))
            abort();
    }
    for (enum kb_search_join j = KB_SEARCH_ALL; j <= KB_SEARCH_ANY; j++) {
        struct kb_buf m;
        kb_buf_init(&m, 1 << 20);
        size_t n = kb_search_query_match(&q, j, &m);
        if (kb_buf_err(&m) || (n == 0) != (m.n == 0))
            abort();
        if (n)
            check_match(kb_buf_cstr(&m));
        kb_buf_release(&m);
    }
    struct kb_buf f;
    kb_buf_init(&f, 1 << 20);
    kb_search_query_format(&q, KB_SEARCH_FORMAT_ALL, &f);
    if (kb_buf_err(&f) || !kb_utf8_valid(kb_buf_cstr(&f), f.n))
        abort();
    kb_buf_release(&f);
    kb_search_query_release(&q);
    return 0;
}
