/*
 * search_terms.c — does the search index hold a term?  The question the query backoff asks
 * (kb_search_query_backoff, docs/search.md "Backoff") for a reader's word with a proclitic.
 *
 * One FTS5 lookup: the term as a one-string MATCH, LIMIT 1, no ranking, so FTS5 reads the
 * first page of the term's doclist and stops — about as cheap as a b-tree seek whether the
 * term is rare or in every article.  Any article counts (drafts too): the answer is about
 * the index's vocabulary, and the engine asks before it filters.
 *
 * Invariants: never writes; a failure reads as "not held", so a broken lookup only turns
 * the backoff off.
 */
#include <sqlite3.h>
#include <string.h>
#include "khabar/buf.h"
#include "khabar/store.h"
#include "store_int.h"

bool kb_store_search_has_term(struct kb_store *s, const char *term, size_t n)
{
    sqlite3 *db = s ? kb_store_sqlite_db(s) : NULL;
    if (!db || n == 0 || n > KB_SEARCH_MAX_TERM)
        return false;
    char q[2 * KB_SEARCH_MAX_TERM + 3];
    size_t k = 0;
    q[k++] = '"';
    for (size_t i = 0; i < n; i++) {
        if (term[i] == '"')
            q[k++] = '"';
        q[k++] = term[i];
    }
    q[k++] = '"';
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v3(db, "SELECT 1 FROM article_search WHERE article_search MATCH ?1 LIMIT 1",
                           -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
        sqlite3_finalize(st);
        return false;
    }
    sqlite3_bind_text(st, 1, q, (int)k, SQLITE_TRANSIENT);
    bool held = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return held;
}
