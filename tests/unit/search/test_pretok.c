/*
 * test_pretok.c — pre-analyzed text for the index (search.h, kb_search_pretok_*): a token
 * stream made on another thread and offered to the writing thread is replayed by the
 * "khabar" FTS5 tokenizer for a document of exactly that text, and the index is
 * byte-identical to one built by analyzing; an offer for other bytes is never used, an
 * offer is used once, and a query is never answered from an offer.
 *
 * Two FTS5 tables of the same shape in one in-memory database are filled with the same
 * rows, one with offers and one without, and their %_data shadow tables compared row by
 * row.  The texts are our own writing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "khabar/search.h"

static const char *const TEXTS[] = {
    "وزير الخارجية يلتقي نظيره في العاصمة لبحث التعاون الاقتصادي",
    "والمدرسة فالكتاب بالقلم للطلاب كالمعلم: كلمات بحروف في أولها",
    "Mixed text: the ministers met in Amman, والوزراء اجتمعوا في عمّان 2024.",
    "فقرة أولى عن المباراة.\nفقرة ثانية عن الملعب والجمهور والحكم.",
};
#define NTEXTS (sizeof(TEXTS) / sizeof(TEXTS[0]))

static sqlite3 *open_db(void)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    struct kb_diag d;
    kb_diag_clear(&d);
    assert_int_equal(kb_search_sqlite_register(db, &d), 0);
    assert_int_equal(sqlite3_exec(db,
                                  "CREATE VIRTUAL TABLE a USING fts5 (h, b, tokenize = 'khabar');"
                                  "CREATE VIRTUAL TABLE p USING fts5 (h, b, tokenize = 'khabar');",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    return db;
}

static void insert(sqlite3 *db, const char *table, int64_t id, const char *h, const char *b)
{
    char sql[128];
    snprintf(sql, sizeof(sql), "INSERT INTO %s (rowid, h, b) VALUES (?1, ?2, ?3)", table);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, h, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, b, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
}

/* Every row of the table's %_data, as one string of hex. */
static char *data_of(sqlite3 *db, const char *table)
{
    char sql[128];
    snprintf(sql, sizeof(sql), "SELECT id, hex(block) FROM %s_data ORDER BY id", table);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    struct kb_buf b;
    kb_buf_init(&b, KB_BUF_DEFAULT_MAX);
    while (sqlite3_step(st) == SQLITE_ROW)
        kb_buf_addf(&b, "%lld:%s;", (long long)sqlite3_column_int64(st, 0),
                    (const char *)sqlite3_column_text(st, 1));
    sqlite3_finalize(st);
    return kb_buf_detach(&b, NULL);
}

static size_t hits(sqlite3 *db, const char *table, const char *match)
{
    char sql[128];
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s WHERE %s MATCH ?1", table, table);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    size_t n = (size_t)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

struct made {
    struct kb_search_pretok *p[NTEXTS];
};

static void *make_all(void *arg)
{
    struct made *m = arg;
    for (size_t i = 0; i < NTEXTS; i++)
        m->p[i] = kb_search_pretok_make(TEXTS[i], strlen(TEXTS[i]));
    return NULL;
}

static void test_replay_is_identical(void **state)
{
    (void)state;
    sqlite3 *db = open_db();
    struct made m = {0};
    pthread_t t; /* made on another thread, as the import's reader does */
    assert_int_equal(pthread_create(&t, NULL, make_all, &m), 0);
    assert_int_equal(pthread_join(t, NULL), 0);
    for (size_t i = 0; i < NTEXTS; i++) {
        assert_non_null(m.p[i]);
        assert_true(kb_search_pretok_offer(m.p[i]));
    }
    assert_int_equal(kb_search_pretok_pending(), NTEXTS);
    assert_null(kb_search_pretok_make("", 0));
    assert_true(kb_search_pretok_offer(NULL));

    /* A query of an offered text is analyzed as a query, never replayed. */
    assert_int_equal(hits(db, "p", "\"وزير الخارجية\""), 0);
    assert_int_equal(kb_search_pretok_pending(), NTEXTS);
    /* Rows 1 and 2 use every offer; row 3 repeats texts whose offers are used up. */
    insert(db, "p", 1, TEXTS[0], TEXTS[1]);
    insert(db, "p", 2, TEXTS[2], TEXTS[3]);
    assert_int_equal(kb_search_pretok_pending(), 0);
    insert(db, "p", 3, TEXTS[1], TEXTS[0]);
    insert(db, "a", 1, TEXTS[0], TEXTS[1]);
    insert(db, "a", 2, TEXTS[2], TEXTS[3]);
    insert(db, "a", 3, TEXTS[1], TEXTS[0]);
    char *pa = data_of(db, "a"), *pp = data_of(db, "p");
    assert_string_equal(pp, pa);
    free(pa);
    free(pp);
    /* the alternate stems (colocated) are found, as in an analyzed document */
    assert_int_equal(hits(db, "p", "مدرسة"), hits(db, "a", "مدرسة"));
    assert_true(hits(db, "p", "مدرسة") > 0);
    sqlite3_close(db);
}

static void test_other_bytes_are_analyzed(void **state)
{
    (void)state;
    sqlite3 *db = open_db();
    /* An offer for a text one byte longer is not used for the shorter one. */
    char longer[256];
    snprintf(longer, sizeof(longer), "%s.", TEXTS[0]);
    assert_true(kb_search_pretok_offer(kb_search_pretok_make(longer, strlen(longer))));
    insert(db, "p", 1, TEXTS[0], TEXTS[2]);
    assert_int_equal(kb_search_pretok_pending(), 1);
    insert(db, "a", 1, TEXTS[0], TEXTS[2]);
    char *pa = data_of(db, "a"), *pp = data_of(db, "p");
    assert_string_equal(pp, pa);
    free(pa);
    free(pp);
    /* clear drops what was not used */
    kb_search_pretok_clear();
    assert_int_equal(kb_search_pretok_pending(), 0);
    sqlite3_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_replay_is_identical),
        cmocka_unit_test(test_other_bytes_are_analyzed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
