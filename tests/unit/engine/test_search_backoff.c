/*
 * test_search_backoff.c — a reader's word the index has never seen whole is searched by its
 * colocated alternate (kb_search_query_backoff, kb_store_search_has_term, docs/search.md
 * "Backoff"): first the rewrite alone with a fake vocabulary, then through kb_engine_search
 * on a real temporary store.  Every text here is our own writing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "khabar/analyzer.h"
#include "khabar/buf.h"
#include "khabar/pages.h"
#include "khabar/search.h"
#include "khabar/store.h"

#define NOW 1731492000 /* 2024-11-13T10:00:00Z */

/* ---- the rewrite, with a vocabulary of our choosing ------------------------------------ */

struct vocab {
    const char *const *terms;
    int asked;
};

static bool in_vocab(void *ctx, const char *term, size_t n)
{
    struct vocab *v = ctx;
    v->asked++;
    for (size_t i = 0; v->terms[i]; i++)
        if (strlen(v->terms[i]) == n && memcmp(v->terms[i], term, n) == 0)
            return true;
    return false;
}

static char *match_of(const char *q, const char *const *terms, int *asked)
{
    struct kb_search_query query;
    kb_search_query_parse(q, strlen(q), &query);
    struct vocab v = {terms, 0};
    kb_search_query_backoff(&query, in_vocab, &v);
    struct kb_buf m;
    kb_buf_init(&m, 4096);
    (void)kb_search_query_match(&query, KB_SEARCH_ANY, &m);
    char *out = kb_strdup(kb_buf_cstr(&m));
    /* what is shown to the reader keeps the reader's spelling */
    struct kb_buf f;
    kb_buf_init(&f, 4096);
    kb_search_query_format(&query, KB_SEARCH_FORMAT_ALL, &f);
    assert_string_equal(kb_buf_cstr(&f), q);
    kb_buf_release(&f);
    kb_buf_release(&m);
    kb_search_query_release(&query);
    if (asked)
        *asked = v.asked;
    return out;
}

static void test_rewrite(void **state)
{
    (void)state;
    static const char *const only_bare[] = {"استضاف", "روس", NULL};
    static const char *const both[] = {"لاستضاف", "استضاف", NULL};
    static const char *const none[] = {NULL};
    struct {
        const char *q;
        const char *const *vocab;
        const char *want;
    } rows[] = {
        /* the whole word is unknown, its alternate is held: searched by the alternate */
        {"لاستضافة", only_bare, "\"استضاف\""},
        {"وروسيا", only_bare, "\"روس\""},
        /* the whole word is held: left alone */
        {"لاستضافة", both, "\"لاستضافة\""},
        /* neither is held: left alone (an honest "no results") */
        {"لاستضافة", none, "\"لاستضافة\""},
        /* phrases, prefixes and exclusions are the reader's exact words: never rewritten */
        {"\"لاستضافة كاس\"", only_bare, "\"لاستضافة كاس\""},
        {"لاستضاف*", only_bare, "\"لاستضاف\" *"},
        {"كاس -لاستضافة", only_bare, "(\"كاس\") NOT (\"لاستضافة\")"},
        /* a word without a proclitic has no alternate: nothing to back off to */
        {"استضافة", none, "\"استضافة\""},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char *got = match_of(rows[i].q, rows[i].vocab, NULL);
        if (strcmp(got, rows[i].want) != 0)
            fail_msg("%s: got %s, want %s", rows[i].q, got, rows[i].want);
        free(got);
    }
    /* only words with alternates cost a lookup */
    int asked = 0;
    free(match_of("استضافة مدينة", none, &asked));
    assert_int_equal(asked, 0);
}

/* ---- through the engine ---------------------------------------------------------------- */

static char dir[64], dbpath[128];
static struct kb_store *S;
static struct kb_site_conf *conf;

static int64_t put(const char *headline, const char *body)
{
    struct kb_article a;
    kb_article_init(&a);
    kb_set_str(&a.section.slug, "sport");
    kb_set_str(&a.headline, headline);
    kb_set_str(&a.body_html, body);
    a.status = KB_STATUS_PUBLISHED;
    a.published = NOW - 86400;
    kb_article_compute(&a);
    struct kb_diag d;
    kb_diag_clear(&d);
    if (kb_store_article_put(S, &a, &d) != 0)
        fail_msg("article %s: %s", headline, d.msg);
    int64_t id = a.id;
    kb_article_release(&a);
    return id;
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/kb-backoff-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(dbpath, sizeof(dbpath), "%s/test.db", dir);
    struct kb_diag d;
    kb_diag_clear(&d);
    if (kb_store_open(dbpath, KB_STORE_CREATE, &S, &d) != 0)
        return -1;
    struct kb_section sec = {0};
    kb_set_str(&sec.slug, "sport");
    kb_set_str(&sec.name, "رياضة");
    if (kb_store_section_put(S, &sec, &d) != 0)
        return -1;
    kb_section_release(&sec);
    return kb_site_conf_load(S, &conf, &d) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    kb_site_conf_free(conf);
    kb_store_close(S);
    char cmd[200];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static size_t hits_for(const char *q, int64_t want, bool *has)
{
    struct kb_search_result r;
    struct kb_diag d;
    kb_diag_clear(&d);
    if (kb_engine_search(S, &conf->site, q, strlen(q), KB_SEARCH_RELEVANCE, 1, 20, NOW, &r, &d))
        fail_msg("search %s: %s", q, d.msg);
    *has = false;
    for (size_t i = 0; i < r.n; i++)
        *has = *has || r.hits[i].id == want;
    size_t n = r.n;
    kb_search_result_release(&r);
    return n;
}

static void test_engine(void **state)
{
    (void)state;
    int64_t bare = put("الفريق يصل", "<p>وصل الفريق إلى مدريد مساء أمس استعدادا للمباراة.</p>");
    assert_true(kb_store_search_has_term(S, "مدريد", strlen("مدريد")));
    assert_false(kb_store_search_has_term(S, "لمدريد", strlen("لمدريد")));
    assert_false(kb_store_search_has_term(S, "مونديال", strlen("مونديال")));
    assert_false(kb_store_search_has_term(NULL, "مدريد", strlen("مدريد")));
    bool has;
    /* a spelling no article uses (لمدريد): searched as مدريد, finds the article */
    assert_int_equal(hits_for("لمدريد", bare, &has), 1);
    assert_true(has);
    /* a word no article holds in any form stays an honest nothing */
    assert_int_equal(hits_for("بالمونديال", bare, &has), 0);
    /* once an article holds the whole word, the whole word is what is searched */
    int64_t whole = put("عودة", "<p>عاد اللاعب لمدريد بعد الإصابة.</p>");
    size_t n = hits_for("لمدريد", whole, &has);
    assert_true(has);
    assert_int_equal(n, 1);
}

int main(void)
{
    struct kb_diag d;
    kb_diag_clear(&d);
    if (kb_analyzer_init(&d) != 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rewrite),
        cmocka_unit_test_setup_teardown(test_engine, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
