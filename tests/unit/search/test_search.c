/*
 * test_search.c — search through the whole path a reader uses: articles written to a real
 * (temporary) SQLite store, indexed by its triggers with the "khabar" tokenizer, found by
 * kb_engine_search / the /search page / the API.
 *
 * Every article here is our own writing.  Checked: the variant pairs of issue 3 (each
 * spelling finds the article holding the other), headline hits outranking body hits, the
 * query language (phrases, exclusions, prefixes, section/from/to filters, nothing
 * searchable), hostile queries (never an error), the index following inserts, updates,
 * deletes and rollbacks in the same transaction, reindexing, marks on the reader's own
 * spelling, and the Arabic result count.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "khabar/pages.h"
#include "khabar/search.h"

#define NOW 1731492000 /* 2024-11-13T10:00:00Z */
#define DAY 86400

struct fixture {
    char dir[64];
    char db[128];
    struct kb_store *s;
    struct kb_site_conf *conf;
};

static struct fixture *F;

static void put_section(struct kb_store *s, const char *slug, const char *name, int pos)
{
    struct kb_section sec = {0};
    kb_set_str(&sec.slug, slug);
    kb_set_str(&sec.name, name);
    sec.position = pos;
    struct kb_diag d;
    kb_diag_clear(&d);
    if (kb_store_section_put(s, &sec, &d) != 0)
        fail_msg("section %s: %s", slug, d.msg);
    kb_section_release(&sec);
}

static int64_t put(const char *section, const char *headline, const char *lede, const char *body,
                   enum kb_status st, int64_t published)
{
    struct kb_article a;
    kb_article_init(&a);
    kb_set_str(&a.section.slug, section);
    kb_set_str(&a.headline, headline);
    kb_set_str(&a.lede, lede);
    kb_set_str(&a.body_html, body);
    a.status = st;
    a.published = published;
    a.published_offset = 180;
    kb_article_compute(&a);
    struct kb_diag d;
    kb_diag_clear(&d);
    if (kb_store_article_put(F->s, &a, &d) != 0)
        fail_msg("article %s: %s: %s", headline, d.field, d.msg);
    int64_t id = a.id;
    kb_article_release(&a);
    return id;
}

static int64_t live(const char *headline, const char *body)
{
    return put("politics", headline, NULL, body, KB_STATUS_PUBLISHED, NOW - DAY);
}

static int setup(void **state)
{
    F = calloc(1, sizeof(*F));
    snprintf(F->dir, sizeof(F->dir), "/tmp/kb-search-XXXXXX");
    if (!mkdtemp(F->dir))
        return -1;
    snprintf(F->db, sizeof(F->db), "%s/test.db", F->dir);
    struct kb_diag d;
    kb_diag_clear(&d);
    if (kb_store_open(F->db, KB_STORE_CREATE, &F->s, &d) != 0) {
        fprintf(stderr, "open: %s\n", d.msg);
        return -1;
    }
    put_section(F->s, "politics", "سياسة", 1);
    put_section(F->s, "economy", "اقتصاد", 2);
    if (kb_site_conf_load(F->s, &F->conf, &d) != 0)
        return -1;
    *state = F;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    kb_site_conf_free(F->conf);
    kb_store_close(F->s);
    char cmd[200];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", F->dir);
    if (system(cmd) != 0)
        return -1;
    free(F);
    return 0;
}

/* Search `q` (relevance, 100 per page) and return the result; release it after. */
static struct kb_search_result search_sorted(const char *q, enum kb_search_sort sort)
{
    struct kb_search_result r;
    struct kb_diag d;
    kb_diag_clear(&d);
    if (kb_engine_search(F->s, &F->conf->site, q, strlen(q), sort, 1, 100, NOW, &r, &d) != 0)
        fail_msg("search '%s': %s", q, d.msg);
    return r;
}

static struct kb_search_result search(const char *q)
{
    return search_sorted(q, KB_SEARCH_RELEVANCE);
}

static bool found(const struct kb_search_result *r, int64_t id)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->hits[i].id == id)
            return true;
    return false;
}

static bool finds(const char *q, int64_t id)
{
    struct kb_search_result r = search(q);
    bool ok = found(&r, id);
    kb_search_result_release(&r);
    return ok;
}

static size_t total(const char *q)
{
    struct kb_search_result r = search(q);
    size_t n = r.total;
    kb_search_result_release(&r);
    return n;
}

/* ---- variants ------------------------------------------------------------------------ */

static void test_variant_pairs(void **state)
{
    (void)state;
    static const struct {
        const char *query, *written;
        bool both; /* ↔: the other direction is checked too */
    } pairs[] = {
        {"اوكرانيا", "أوكرانيا", false},      /* hamza dropped */
        {"انقرة", "أنقرة", false},            /* hamza dropped */
        {"الناتو", "ناتو", true},             /* definite article */
        {"أوكرانيا", "لأوكرانيا", false},     /* proclitic ل */
        {"روسيا", "وروسيا", false},           /* proclitic و */
        {"وزير", "الوزير", true},             /* و that is part of the word */
        {"الجامعة", "الجامعه", true},         /* taa marbuta */
        {"مصطفى", "مصطفي", true},             /* alef maqsura */
        {"الديمقراطية", "الدِّيمُقْرَاطِيَّة", true}, /* full tashkeel */
        {"الاقتصاد", "الاقتصـــاد", true},    /* tatweel */
        {"كربلاء", "کربلاء", true},           /* Persian kaf */
        {"٢٠٢٤", "2024", true},               /* Arabic-Indic digits */
        {"مشروب", "مشروبات", true},           /* sound plural */
    };
    size_t n = sizeof(pairs) / sizeof(pairs[0]), checked = 0, passed = 0;
    char failures[2048] = "";
    for (size_t i = 0; i < n; i++) {
        for (int dir = 0; dir < (pairs[i].both ? 2 : 1); dir++) {
            const char *q = dir ? pairs[i].written : pairs[i].query;
            const char *w = dir ? pairs[i].query : pairs[i].written;
            char body[512];
            snprintf(body, sizeof(body), "<p>كتب المحرر عن %s في تقرير قصير رقم %zu-%d.</p>", w, i,
                     dir);
            int64_t id = live("تقرير قصير", body);
            checked++;
            if (finds(q, id))
                passed++;
            else
                snprintf(failures + strlen(failures), sizeof(failures) - strlen(failures),
                         " [%s → %s]", q, w);
        }
    }
    if (passed != checked)
        fail_msg("%zu of %zu variant searches found the other form; missed:%s", passed, checked,
                 failures);
}

/* ---- ranking ---------------------------------------------------------------------------- */

static void test_headline_outranks_body(void **state)
{
    (void)state;
    int64_t body = live("تقرير عن الطقس في المدن الساحلية",
                        "<p>شهدت المنطقة أمس هزة أرضية خفيفة وصفها السكان بالزلزال الصغير، "
                        "ولم تسجل أضرار.</p>");
    int64_t head = live("زلزال يضرب المنطقة الجبلية",
                        "<p>شعر السكان بهزة أرضية قوية صباح اليوم ولم تسجل أضرار.</p>");
    struct kb_search_result r = search("زلزال");
    assert_true(r.n >= 2);
    assert_int_equal(r.hits[0].id, head);
    assert_true(found(&r, body));
    assert_true(r.hits[0].score > r.hits[1].score);
    kb_search_result_release(&r);
}

static void test_sort_newest(void **state)
{
    (void)state;
    int64_t old = put("politics", "قمة المناخ الأولى", NULL, "<p>قمة المناخ تفتتح.</p>",
                      KB_STATUS_PUBLISHED, NOW - 10 * DAY);
    int64_t recent = put("politics", "اختتام أعمال قمة", NULL, "<p>انتهت قمة المناخ.</p>",
                         KB_STATUS_PUBLISHED, NOW - DAY);
    struct kb_search_result r = search_sorted("قمة المناخ", KB_SEARCH_NEWEST);
    assert_int_equal(r.n, 2);
    assert_int_equal(r.hits[0].id, recent);
    assert_int_equal(r.hits[1].id, old);
    kb_search_result_release(&r);
}

/* ---- the query language ------------------------------------------------------------------ */

static void test_phrase_exclusion_prefix(void **state)
{
    (void)state;
    int64_t together = live("لقاء دبلوماسي", "<p>استقبل وزير الخارجية نظيره في العاصمة.</p>");
    int64_t apart = live("جولة إقليمية", "<p>بدأ الوزير جولة تشمل الخارجية والداخلية.</p>");
    assert_true(finds("\"وزير الخارجية\"", together));
    assert_false(finds("\"وزير الخارجية\"", apart));
    assert_true(finds("«وزير الخارجية»", together));

    int64_t china = live("محادثات تجارية", "<p>تناولت المحادثات بين روسيا والصين ملف الطاقة.</p>");
    int64_t alone = live("صادرات الطاقة", "<p>ارتفعت صادرات روسيا من الطاقة هذا العام.</p>");
    assert_true(finds("روسيا الطاقة", china));
    assert_false(finds("روسيا الطاقة -الصين", china));
    assert_true(finds("روسيا الطاقة -الصين", alone));

    int64_t econ = put("economy", "مؤشرات النمو", NULL, "<p>تحسنت المؤشرات الاقتصادية.</p>",
                       KB_STATUS_PUBLISHED, NOW - 2 * DAY);
    assert_true(finds("المؤشرات الاقتص*", econ));
}

static void test_filters(void **state)
{
    (void)state;
    int64_t econ = put("economy", "أسعار القمح", NULL, "<p>ارتفعت أسعار القمح في الأسواق.</p>",
                       KB_STATUS_PUBLISHED, NOW - 5 * DAY); /* 2024-11-08 */
    int64_t pol = put("politics", "القمح والسياسة", NULL, "<p>صار القمح ورقة سياسية.</p>",
                      KB_STATUS_PUBLISHED, NOW - DAY); /* 2024-11-12 */
    assert_true(finds("القمح section:economy", econ));
    assert_false(finds("القمح section:economy", pol));
    assert_true(finds("القمح section:اقتصاد", econ)); /* the display name works too */
    assert_true(finds("القمح from:2024-11-10", pol));
    assert_false(finds("القمح from:2024-11-10", econ));
    assert_true(finds("القمح to:2024-11-08", econ)); /* `to` is inclusive */
    assert_false(finds("القمح to:2024-11-08", pol));
    assert_true(finds("القمح from:٢٠٢٤-١١-٠١ to:2024-11-30", econ));

    /* An unknown section: nothing searched, said so. */
    struct kb_search_result r = search("القمح section:nowhere");
    assert_true(r.unknown_section);
    assert_int_equal(r.n, 0);
    kb_search_result_release(&r);
    /* A malformed filter is words, not an error. */
    r = search("القمح from:2024-13-45");
    assert_null(r.query.from.year ? "set" : NULL);
    kb_search_result_release(&r);
}

static void test_nothing_searchable(void **state)
{
    (void)state;
    live("خبر عن المطر", "<p>هطل المطر بغزارة.</p>");
    static const char *const qs[] = {"-المطر", "",      "   ",  "section:politics",
                                     "*",      "- - -", "\"\"", "\"   \""};
    for (size_t i = 0; i < sizeof(qs) / sizeof(qs[0]); i++) {
        struct kb_search_result r = search(qs[i]);
        assert_false(r.searched);
        assert_int_equal(r.n, 0);
        kb_search_result_release(&r);
    }
}

static void test_any_word_fallback(void **state)
{
    (void)state;
    int64_t id = live("افتتاح مكتبة عامة", "<p>افتتحت البلدية مكتبة عامة جديدة.</p>");
    int64_t both = live("مكتبة في غواصة", "<p>مكتبة صغيرة على متن غواصة قديمة.</p>");
    /* By relevance: any word, the article with both first. */
    struct kb_search_result r = search("مكتبة غواصة");
    assert_true(r.any);
    assert_false(r.fallback);
    assert_int_equal(r.hits[0].id, both);
    assert_true(found(&r, id));
    kb_search_result_release(&r);
    /* By date: every word; any word only when no article has them all. */
    r = search_sorted("مكتبة غواصة", KB_SEARCH_NEWEST);
    assert_false(r.any);
    assert_int_equal(r.n, 1);
    kb_search_result_release(&r);
    r = search_sorted("مكتبة طائرة", KB_SEARCH_NEWEST);
    assert_true(r.fallback);
    assert_true(found(&r, id));
    kb_search_result_release(&r);
}

static void test_question_words(void **state)
{
    (void)state;
    int64_t id = live("افتتاح متحف الفنون", "<p>افتتح المتحف أبوابه أمس.</p>");
    live("كم محركا تصنع الشركة", "<p>وكم تبلغ قيمة المحركات؟</p>");
    /* Question words add nothing when there are other words... */
    struct kb_search_result r = search("كم وماذا افتتح متحف الفنون؟");
    assert_int_equal(r.total, 1);
    assert_int_equal(r.hits[0].id, id);
    kb_search_result_release(&r);
    /* ...and are searched when they are all there is. */
    r = search("كم");
    assert_true(r.searched);
    assert_int_equal(r.total, 1);
    kb_search_result_release(&r);
}

/* ---- hostile input ------------------------------------------------------------------------ */

/* The MATCH expression outside its strings holds only our operators. */
static void assert_safe_match(const char *q, size_t n)
{
    struct kb_search_query pq;
    kb_search_query_parse(q, n, &pq);
    assert_true(pq.nparts <= KB_SEARCH_MAX_PARTS);
    for (enum kb_search_join j = KB_SEARCH_ALL; j <= KB_SEARCH_ANY; j++) {
        struct kb_buf m;
        kb_buf_init(&m, 1 << 20);
        kb_search_query_match(&pq, j, &m);
        const char *s = kb_buf_cstr(&m);
        bool in = false;
        for (size_t i = 0; s[i]; i++) {
            if (s[i] == '"') {
                in = !in;
                continue;
            }
            if (!in && !strchr("()* ANDORT", s[i]))
                fail_msg("'%c' outside a string in %s", s[i], s);
        }
        assert_false(in);
        kb_buf_release(&m);
    }
    kb_search_query_release(&pq);
}

static void hostile_one(const char *q, size_t n)
{
    assert_safe_match(q, n);
    struct kb_search_result r;
    struct kb_diag d;
    kb_diag_clear(&d);
    if (kb_engine_search(F->s, &F->conf->site, q, n, KB_SEARCH_RELEVANCE, 1, 20, NOW, &r, &d) != 0)
        fail_msg("hostile query failed: %s", d.msg);
    kb_search_result_release(&r);

    char *z = kb_strndup(q, n); /* the page and the API see a C string */
    struct kb_search_params p = {.q = z, .page = "1"};
    struct kb_page pg;
    kb_page_init(&pg);
    assert_int_equal(kb_pages_search(F->s, &F->conf->site, &p, NOW, &pg, &d), 0);
    assert_int_equal(pg.status, 200);
    assert_non_null(strstr(kb_buf_cstr(&pg.body), "</html>"));
    kb_page_release(&pg);
    kb_page_init(&pg);
    assert_int_equal(kb_pages_api_search(F->s, &F->conf->site, &p, NOW, &pg, &d), 0);
    assert_int_equal(pg.status, 200);
    json_error_t je;
    json_t *doc = json_loads(kb_buf_cstr(&pg.body), 0, &je);
    assert_non_null(doc);
    assert_true(json_is_array(json_object_get(doc, "hits")));
    json_decref(doc);
    kb_page_release(&pg);
    free(z);
}

static void test_hostile_queries(void **state)
{
    (void)state;
    live("خبر للاختبار", "<p>نص عادي عن الاختبار والقياس.</p>");
    static const char *const qs[] = {
        "\"",
        "\"\"\"",
        "-",
        "--",
        "-\"",
        "*",
        "**",
        "***a",
        "a*b*",
        "NEAR(",
        "NEAR(a b)",
        "^",
        "^الاختبار",
        ":",
        "headline:خبر",
        "body_text:x",
        "(",
        ")",
        "a OR b",
        "AND",
        "NOT",
        "a NOT",
        "{headline}:x",
        "\"a\" + \"b\"",
        "'",
        "الاختبار\"",
        "\"الاختبار",
        "-الاختبار*",
        "section:",
        "from:",
        "to:2024-02-30",
        "section:\"x\"",
        "\\",
        "%00",
        "٫٬",
        "#وسم_عربي",
        "a@b.c",
        "http://x.y/z?q=1",
    };
    for (size_t i = 0; i < sizeof(qs) / sizeof(qs[0]); i++)
        hostile_one(qs[i], strlen(qs[i]));

    /* NUL bytes and invalid UTF-8 */
    static const char nul[] = "الاختبار\0NEAR(\0\"";
    hostile_one(nul, sizeof(nul) - 1);
    static const char bad[] = "\xff\xfe\xc0\xafالاختبار\xed\xa0\x80\xe2\x80";
    hostile_one(bad, sizeof(bad) - 1);

    /* 10 KB, and 1,000 terms */
    char *big = malloc(10 * 1024 + 1);
    for (size_t i = 0; i < 10 * 1024; i++)
        big[i] = "ab \"-*(:^"[i % 9];
    big[10 * 1024] = '\0';
    hostile_one(big, 10 * 1024);
    struct kb_buf many;
    kb_buf_init(&many, 1 << 20);
    for (int i = 0; i < 1000; i++)
        kb_buf_addf(&many, "%sكلمة%d ", i % 3 ? "" : "-", i);
    hostile_one(kb_buf_cstr(&many), many.n);
    struct kb_search_query pq;
    kb_search_query_parse(kb_buf_cstr(&many), many.n, &pq);
    assert_int_equal(pq.nparts, KB_SEARCH_MAX_PARTS);
    assert_true(pq.dropped > 0 || pq.truncated);
    kb_search_query_release(&pq);
    kb_buf_release(&many);
    free(big);
}

/* ---- the index follows the articles --------------------------------------------------------- */

static void test_index_follows_writes(void **state)
{
    (void)state;
    struct kb_diag d;
    kb_diag_clear(&d);
    int64_t id = live("سباق القوارب الشراعية", "<p>انطلق السباق من الميناء القديم.</p>");
    assert_true(finds("الشراعية", id));

    struct kb_article a;
    kb_article_init(&a);
    assert_int_equal(kb_store_article_get(F->s, id, &a, &d), 0);
    kb_set_str(&a.headline, "سباق الدراجات الجبلية");
    assert_int_equal(kb_store_article_put(F->s, &a, &d), 0);
    assert_false(finds("الشراعية", id));
    assert_true(finds("الدراجات", id));

    /* A rolled-back update leaves the index as it was. */
    assert_int_equal(kb_store_begin(F->s, &d), 0);
    kb_set_str(&a.headline, "سباق الخيول العربية");
    assert_int_equal(kb_store_article_put(F->s, &a, &d), 0);
    kb_store_rollback(F->s);
    assert_true(finds("الدراجات", id));
    assert_false(finds("الخيول", id));
    kb_article_release(&a);

    /* A rolled-back insert leaves nothing behind. */
    assert_int_equal(kb_store_begin(F->s, &d), 0);
    int64_t ghost = live("مقال سيختفي عن الفلك", "<p>الكواكب والنجوم.</p>");
    assert_true(finds("الفلك", ghost)); /* visible inside the transaction */
    kb_store_rollback(F->s);
    assert_int_equal(total("الفلك"), 0);

    /* Unpublishing and deleting take the article out of the results. */
    kb_article_init(&a);
    assert_int_equal(kb_store_article_get(F->s, id, &a, &d), 0);
    a.status = KB_STATUS_UNPUBLISHED;
    assert_int_equal(kb_store_article_put(F->s, &a, &d), 0);
    assert_false(finds("الدراجات", id));
    a.status = KB_STATUS_PUBLISHED;
    assert_int_equal(kb_store_article_put(F->s, &a, &d), 0);
    assert_true(finds("الدراجات", id));
    kb_article_release(&a);
    assert_int_equal(kb_store_article_delete(F->s, id, &d), 0);
    assert_int_equal(total("الدراجات"), 0);

    /* Drafts and scheduled articles are never found. */
    put("politics", "مسودة عن البراكين", NULL, "<p>نص.</p>", KB_STATUS_DRAFT, 0);
    put("politics", "خبر مجدول عن البراكين", NULL, "<p>نص.</p>", KB_STATUS_SCHEDULED, NOW + DAY);
    assert_int_equal(total("البراكين"), 0);
}

static void test_reindex(void **state)
{
    (void)state;
    struct kb_diag d;
    kb_diag_clear(&d);
    int64_t id = live("معرض الكتاب الدولي", "<p>افتتح المعرض أبوابه للزوار.</p>");
    size_t before = total("الكتاب");
    assert_int_equal(kb_store_search_rebuild(F->s, &d), 0);
    assert_int_equal(total("الكتاب"), before);
    assert_true(finds("المعرض", id));
    /* Inside a caller's transaction, too. */
    assert_int_equal(kb_store_begin(F->s, &d), 0);
    assert_int_equal(kb_store_search_rebuild(F->s, &d), 0);
    assert_int_equal(kb_store_commit(F->s, &d), 0);
    assert_true(finds("المعرض", id));
}

/* ---- what a reader sees -----------------------------------------------------------------------
 */

static void test_marks_reader_spelling(void **state)
{
    (void)state;
    int64_t id =
        live("ندوة فكرية", "<p>ناقشت الندوة مستقبل <strong>الدِّيمُقْرَاطِيَّة</strong> في المنطقة "
                           "&amp; التحديات.</p>");
    struct kb_search_result r = search("الديمقراطية");
    assert_true(found(&r, id));
    for (size_t i = 0; i < r.n; i++)
        if (r.hits[i].id == id) {
            assert_non_null(strstr(r.hits[i].snippet, "\x01الدِّيمُقْرَاطِيَّة\x02"));
            assert_null(strstr(r.hits[i].snippet, "<strong>"));
        }
    kb_search_result_release(&r);

    struct kb_search_params p = {.q = "الديمقراطية"};
    struct kb_page pg;
    kb_page_init(&pg);
    struct kb_diag d;
    assert_int_equal(kb_pages_search(F->s, &F->conf->site, &p, NOW, &pg, &d), 0);
    const char *html = kb_buf_cstr(&pg.body);
    assert_non_null(strstr(html, "dir=\"rtl\""));
    assert_non_null(strstr(html, "<mark>الدِّيمُقْرَاطِيَّة</mark>"));
    assert_non_null(strstr(html, "&amp; التحديات"));
    assert_non_null(strstr(html, "noindex"));
    kb_page_release(&pg);
}

static void test_page_count_and_pagination(void **state)
{
    (void)state;
    for (int i = 0; i < 25; i++) {
        char h[64];
        snprintf(h, sizeof(h), "مهرجان الموسيقى اليوم %d", i);
        live(h, "<p>فعاليات المهرجان مستمرة.</p>");
    }
    struct kb_search_params p = {.q = "مهرجان"};
    struct kb_page pg;
    kb_page_init(&pg);
    struct kb_diag d;
    assert_int_equal(kb_pages_search(F->s, &F->conf->site, &p, NOW, &pg, &d), 0);
    const char *html = kb_buf_cstr(&pg.body);
    assert_non_null(strstr(html, "25 نتيجة"));
    assert_non_null(strstr(html, "rel=\"next\""));
    assert_non_null(strstr(html, "صفحة 1 من 2"));
    kb_page_release(&pg);

    p.page = "2";
    kb_page_init(&pg);
    assert_int_equal(kb_pages_search(F->s, &F->conf->site, &p, NOW, &pg, &d), 0);
    assert_non_null(strstr(kb_buf_cstr(&pg.body), "rel=\"prev\""));
    assert_non_null(strstr(kb_buf_cstr(&pg.body), "start=\"21\""));
    kb_page_release(&pg);

    p.q = "غواصة -مهرجان";
    kb_page_init(&pg);
    assert_int_equal(kb_pages_search(F->s, &F->conf->site, &p, NOW, &pg, &d), 0);
    assert_non_null(strstr(kb_buf_cstr(&pg.body), "search-suggestions"));
    kb_page_release(&pg);
}

static void test_api_json(void **state)
{
    (void)state;
    int64_t id = live("افتتاح جسر جديد", "<p>افتتح الجسر الجديد فوق النهر.</p>");
    struct kb_search_params p = {.q = "الجسر", .per_page = "5"};
    struct kb_page pg;
    kb_page_init(&pg);
    struct kb_diag d;
    assert_int_equal(kb_pages_api_search(F->s, &F->conf->site, &p, NOW, &pg, &d), 0);
    assert_int_equal(pg.status, 200);
    json_error_t je;
    json_t *doc = json_loads(kb_buf_cstr(&pg.body), 0, &je);
    assert_non_null(doc);
    assert_string_equal(json_string_value(json_object_get(doc, "query")), "الجسر");
    assert_int_equal(json_integer_value(json_object_get(doc, "total")), 1);
    json_t *h = json_array_get(json_object_get(doc, "hits"), 0);
    assert_int_equal(json_integer_value(json_object_get(h, "id")), id);
    assert_string_equal(json_string_value(json_object_get(h, "headline")), "افتتاح جسر جديد");
    assert_non_null(strstr(json_string_value(json_object_get(h, "snippet")), "<mark>الجسر</mark>"));
    assert_true(json_is_number(json_object_get(h, "score")));
    assert_string_equal(json_string_value(json_object_get(h, "published")),
                        "2024-11-12T13:00:00+03:00");
    assert_non_null(strstr(json_string_value(json_object_get(h, "url")), "/politics/"));
    json_decref(doc);
    kb_page_release(&pg);

    p.page = "abc";
    kb_page_init(&pg);
    assert_int_equal(kb_pages_api_search(F->s, &F->conf->site, &p, NOW, &pg, &d), 0);
    assert_int_equal(pg.status, 400);
    kb_page_release(&pg);
}

static void test_count_format(void **state)
{
    (void)state;
    static const struct {
        size_t n;
        const char *ar;
    } cases[] = {{0, "لا نتائج"},    {1, "نتيجة واحدة"}, {2, "نتيجتان"},   {3, "3 نتائج"},
                 {10, "10 نتائج"},   {11, "11 نتيجة"},   {99, "99 نتيجة"}, {100, "100 نتيجة"},
                 {103, "103 نتائج"}, {111, "111 نتيجة"}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct kb_buf b;
        kb_buf_init(&b, 256);
        kb_search_count_format(&b, cases[i].n, "ar");
        assert_string_equal(kb_buf_cstr(&b), cases[i].ar);
        kb_buf_release(&b);
    }
    struct kb_buf b;
    kb_buf_init(&b, 256);
    kb_search_count_format(&b, 12, "en");
    assert_string_equal(kb_buf_cstr(&b), "12 results");
    kb_buf_release(&b);
}

static void test_html_text(void **state)
{
    (void)state;
    struct kb_buf b;
    kb_buf_init(&b, 4096);
    const char *html = "<p>أ&amp;ب <a href=\"/x\">رابط</a></p><p>سطر&#1575;&#x628;\x01</p>a<b";
    kb_search_html_text(&b, html, strlen(html));
    assert_string_equal(kb_buf_cstr(&b), "\nأ&ب رابط\n\nسطراب \na<b");
    kb_buf_release(&b);
}

/* ---- the in-memory ranker agrees with FTS5 ---------------------------------------------- */

/* The API's JSON for q through FTS5 alone and through the in-memory index: the same hits,
 * order, scores, snippets and total. */
/* Statements kept between the searches of test_memory_index_agrees, as a server worker
 * keeps them (freed before the fixture closes the connection). */
static struct kb_search_stmts *kept_stmts;

static void same_both_ways(struct kb_search_index *x, const char *q, const char *sort,
                           const char *page, const char *per_page)
{
    struct kb_search_params p = {.q = q, .sort = sort, .page = page, .per_page = per_page};
    struct kb_diag d;
    kb_diag_clear(&d);
    struct kb_page a, b;
    kb_page_init(&a);
    kb_page_init(&b);
    assert_int_equal(kb_pages_api_search(F->s, &F->conf->site, &p, NOW, &a, &d), 0);
    p.index = x;
    assert_int_equal(kb_pages_api_search(F->s, &F->conf->site, &p, NOW, &b, &d), 0);
    if (strcmp(kb_buf_cstr(&a.body), kb_buf_cstr(&b.body)) != 0)
        fail_msg("'%s' (sort %s, page %s):\nfts5:  %s\nindex: %s", q, sort ? sort : "-",
                 page ? page : "1", kb_buf_cstr(&a.body), kb_buf_cstr(&b.body));
    /* with kept statements: the same answer, the first time and again */
    p.stmts = kept_stmts;
    for (int k = 0; k < 2; k++) {
        kb_page_release(&b);
        kb_page_init(&b);
        assert_int_equal(kb_pages_api_search(F->s, &F->conf->site, &p, NOW, &b, &d), 0);
        if (strcmp(kb_buf_cstr(&a.body), kb_buf_cstr(&b.body)) != 0)
            fail_msg("'%s' (sort %s, page %s), kept statements:\nfts5:  %s\nindex: %s", q,
                     sort ? sort : "-", page ? page : "1", kb_buf_cstr(&a.body),
                     kb_buf_cstr(&b.body));
    }
    /* and none of them holds a read transaction open between searches: another
     * connection can checkpoint the whole log */
    sqlite3 *other = NULL;
    assert_int_equal(sqlite3_open(F->db, &other), SQLITE_OK);
    sqlite3_stmt *ck = NULL;
    assert_int_equal(sqlite3_prepare_v2(other, "PRAGMA wal_checkpoint(TRUNCATE)", -1, &ck, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(ck), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(ck, 0), 0); /* not busy */
    sqlite3_finalize(ck);
    sqlite3_close(other);
    kb_page_release(&a);
    kb_page_release(&b);
}

static void test_memory_index_agrees(void **state)
{
    (void)state;
    static const char *const words[] = {"وزير",  "الخارجية", "روسيا", "أوكرانيا", "الاقتصاد",
                                        "النفط", "أسعار",    "القمة", "مجلس",     "الأمن"};
    char head[512], body[4096];
    for (int i = 0; i < 60; i++) {
        snprintf(head, sizeof(head), "%s %s في %s", words[i % 10], words[(i * 3 + 1) % 10],
                 words[(i * 7 + 2) % 10]);
        int k = snprintf(body, sizeof(body), "<p>");
        for (int j = 0; j < 5 + i % 17; j++)
            k += snprintf(body + k, sizeof(body) - (size_t)k, "%s %s وقال %s. ",
                          words[(i + j) % 10], words[(i * j + 3) % 10], words[(j * 5) % 10]);
        snprintf(body + k, sizeof(body) - (size_t)k, "</p><p>ولروسيا %s</p>", words[i % 7]);
        enum kb_status st = i % 13 == 5 ? KB_STATUS_DRAFT : KB_STATUS_PUBLISHED;
        int64_t when = i % 11 == 3 ? NOW + DAY : NOW - (int64_t)(i % 20) * DAY;
        put(i % 3 ? "politics" : "economy", head, i % 4 ? NULL : "وزير الخارجية في القمة", body, st,
            when);
    }
    struct kb_search_index *x = NULL;
    struct kb_diag d;
    kb_diag_clear(&d);
    assert_int_equal(kb_search_index_build(F->db, &x, &d), 0);
    struct kb_search_index_stats stats;
    kb_search_index_stats(x, &stats);
    assert_int_equal(stats.articles, 60);
    kept_stmts = kb_search_stmts_new();
    static const char *const queries[] = {
        "وزير",
        "الوزير",
        "روسيا",
        "\"وزير الخارجية\"",
        "وزير -روسيا",
        "أسعار النفط",
        "\"مجلس الأمن\" القمة",
        "اوكرانيا -\"وزير الخارجية\"",
        "لروسيا",
        "section:economy النفط",
        "from:2024-11-05 to:2024-11-10 الأمن",
        "وزي*",
        "كلمة_لا_توجد",
        "القمة وزير النفط الأمن مجلس",
        "\"الأمن وزير\"",
        "ما هو النفط",
    };
    for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
        same_both_ways(x, queries[i], NULL, NULL, "100");
        same_both_ways(x, queries[i], "newest", NULL, "100");
        same_both_ways(x, queries[i], NULL, "2", "7");
        same_both_ways(x, queries[i], "newest", "3", "5");
    }
    /* the index is a snapshot: a later article is not in it (the server asks for a new one) */
    int64_t id = live("خبر جديد عن النفط", "<p>النفط</p>");
    struct kb_search_request rq = {.match = "\"النفط\"", .now = NOW, .limit = 100, .index = x};
    struct kb_search_ranked *r = NULL;
    size_t n = 0, total = 0;
    assert_int_equal(kb_search_index_rank(x, &rq, &r, &n, &total), 0);
    for (size_t i = 0; i < n; i++)
        assert_true(r[i].id != id);
    free(r);
    /* a prefix is ranked in memory too (its JSON is compared with FTS5's above) */
    rq.match = "\"وزي\" *";
    assert_int_equal(kb_search_index_rank(x, &rq, &r, &n, &total), 0);
    assert_true(n > 0 && total == n);
    free(r);
    kb_search_index_release(x);
    kb_search_stmts_free(kept_stmts);
    kept_stmts = NULL;
}

/* ---- the in-memory index follows writes incrementally ------------------------------------ */

static const char *const inc_words[] = {"وزير",  "الخارجية", "روسيا", "أوكرانيا", "الاقتصاد",
                                        "النفط", "أسعار",    "القمة", "مجلس",     "الأمن",
                                        "مطار",  "الميناء",  "قطار"};

/* An article of our own words, varied by i. */
static int64_t put_generated(int i)
{
    char head[512], body[4096];
    snprintf(head, sizeof(head), "%s %s في %s", inc_words[i % 13], inc_words[(i * 3 + 1) % 13],
             inc_words[(i * 7 + 2) % 13]);
    int k = snprintf(body, sizeof(body), "<p>");
    for (int j = 0; j < 4 + i % 15; j++)
        k +=
            snprintf(body + k, sizeof(body) - (size_t)k, "%s %s وقال %s. ", inc_words[(i + j) % 13],
                     inc_words[(i * j + 3) % 13], inc_words[(j * 5) % 13]);
    snprintf(body + k, sizeof(body) - (size_t)k, "</p><p>ولروسيا %s</p>", inc_words[i % 7]);
    enum kb_status st = i % 13 == 5 ? KB_STATUS_DRAFT : KB_STATUS_PUBLISHED;
    int64_t when = i % 11 == 3 ? NOW + DAY : NOW - (int64_t)(i % 20) * DAY;
    return put(i % 3 ? "politics" : "economy", head, i % 4 ? NULL : "وزير الخارجية في القمة", body,
               st, when);
}

static const char *const inc_queries[] = {
    "وزير",
    "روسيا",
    "\"وزير الخارجية\"",
    "وزير -روسيا",
    "أسعار النفط",
    "\"مجلس الأمن\" القمة",
    "section:economy النفط",
    "from:2024-11-05 الأمن",
    "وزي*",
    "ال*",
    "مطا* الميناء",
    "قطار -\"وزير الخارجية\"",
    "كلمة_لا_توجد",
    "لروسيا",
};

/* a and b rank q identically: the same hits in the same order, scores within 1e-9, the
 * same totals, for both joins, both sorts and two pages. */
static void same_ranking(const struct kb_search_index *a, const struct kb_search_index *b,
                         const char *q)
{
    struct kb_search_query pq;
    kb_search_query_parse(q, strlen(q), &pq);
    for (int join = 0; join < 2; join++) {
        struct kb_buf m;
        kb_buf_init(&m, 1 << 20);
        if (kb_search_query_match(&pq, join ? KB_SEARCH_ALL : KB_SEARCH_ANY, &m) == 0) {
            kb_buf_release(&m);
            continue;
        }
        for (int v = 0; v < 4; v++) {
            struct kb_search_request rq = {.match = kb_buf_cstr(&m),
                                           .now = NOW,
                                           .sort = v & 1 ? KB_SEARCH_NEWEST : KB_SEARCH_RELEVANCE,
                                           .offset = v & 2 ? 3 : 0,
                                           .limit = v & 2 ? 4 : 100,
                                           .section_slug = pq.section};
            struct kb_search_ranked *ra = NULL, *rb = NULL;
            size_t na = 0, nb = 0, ta = 0, tb = 0;
            assert_int_equal(kb_search_index_rank(a, &rq, &ra, &na, &ta), 0);
            assert_int_equal(kb_search_index_rank(b, &rq, &rb, &nb, &tb), 0);
            if (na != nb || ta != tb)
                fail_msg("'%s' (join %d, variant %d): %zu/%zu hits vs %zu/%zu", q, join, v, na, ta,
                         nb, tb);
            for (size_t i = 0; i < na; i++)
                if (ra[i].id != rb[i].id || fabs(ra[i].score - rb[i].score) > 1e-9)
                    fail_msg("'%s' (join %d, variant %d) hit %zu: %lld %.12f vs %lld %.12f", q,
                             join, v, i, (long long)ra[i].id, ra[i].score, (long long)rb[i].id,
                             rb[i].score);
            free(ra);
            free(rb);
        }
        kb_buf_release(&m);
    }
    kb_search_query_release(&pq);
}

/* Update *x from the database; it must rank like a fresh build and like FTS5. */
static void step(sqlite3 *db, struct kb_search_index **x)
{
    struct kb_diag d;
    kb_diag_clear(&d);
    struct kb_search_index *nx = NULL, *fresh = NULL;
    assert_int_equal(kb_search_index_update(*x, db, &nx, &d), 0);
    kb_search_index_release(*x);
    *x = nx;
    assert_int_equal(kb_search_index_build(F->db, &fresh, &d), 0);
    struct kb_search_index_stats sx, sf;
    kb_search_index_stats(nx, &sx);
    kb_search_index_stats(fresh, &sf);
    assert_int_equal(sx.articles, sf.articles);
    for (size_t i = 0; i < sizeof(inc_queries) / sizeof(inc_queries[0]); i++) {
        same_ranking(nx, fresh, inc_queries[i]);
        same_both_ways(nx, inc_queries[i], NULL, NULL, "100");
        same_both_ways(nx, inc_queries[i], "newest", "2", "5");
    }
    kb_search_index_release(fresh);
}

static void set_article(int64_t id, const char *headline, const char *body, int status,
                        int64_t published, const char *section)
{
    struct kb_diag d;
    kb_diag_clear(&d);
    struct kb_article a;
    kb_article_init(&a);
    assert_int_equal(kb_store_article_get(F->s, id, &a, &d), 0);
    if (headline)
        kb_set_str(&a.headline, headline);
    if (body)
        kb_set_str(&a.body_html, body);
    if (status >= 0)
        a.status = (enum kb_status)status;
    if (published)
        a.published = published;
    if (section)
        kb_set_str(&a.section.slug, section);
    kb_article_compute(&a);
    if (kb_store_article_put(F->s, &a, &d) != 0)
        fail_msg("article %lld: %s: %s", (long long)id, d.field, d.msg);
    kb_article_release(&a);
}

static void test_memory_index_incremental(void **state)
{
    (void)state;
    int64_t ids[400];
    int nid = 0; /* 44 + 1 + 267 used */
    for (int i = 0; i < 40; i++)
        ids[nid++] = put_generated(i);
    struct kb_search_index *x = NULL;
    struct kb_diag d;
    kb_diag_clear(&d);
    assert_int_equal(kb_search_index_build(F->db, &x, &d), 0);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(F->db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);

    /* nothing changed: the same version */
    struct kb_search_index *same = NULL;
    assert_int_equal(kb_search_index_update(x, db, &same, &d), 0);
    assert_ptr_equal(same, x);
    kb_search_index_release(same);

    /* new articles, in the delta */
    for (int i = 40; i < 44; i++)
        ids[nid++] = put_generated(i);
    step(db, &x);
    struct kb_search_index_stats st;
    kb_search_index_stats(x, &st);
    assert_true(st.incremental);
    assert_int_equal(st.delta, 4);
    assert_int_equal(st.articles, 44);

    /* a base article rewritten, a delta article rewritten */
    set_article(ids[2], "قطار الميناء الجديد", "<p>مطار وقطار وميناء.</p>", -1, 0, NULL);
    set_article(ids[41], NULL, "<p>أسعار النفط في القمة وروسيا.</p>", -1, 0, NULL);
    step(db, &x);
    kb_search_index_stats(x, &st);
    assert_int_equal(st.delta, 5);

    /* status and dates only: no text analyzed, the delta does not grow */
    set_article(ids[3], NULL, NULL, KB_STATUS_UNPUBLISHED, 0, NULL);
    set_article(ids[5], NULL, NULL, KB_STATUS_PUBLISHED, NOW - 2 * DAY, NULL); /* a draft */
    set_article(ids[6], NULL, NULL, -1, NOW - 9 * DAY, "economy");
    set_article(ids[42], NULL, NULL, KB_STATUS_UNPUBLISHED, 0, NULL);
    step(db, &x);
    kb_search_index_stats(x, &st);
    assert_int_equal(st.delta, 5);
    set_article(ids[3], NULL, NULL, KB_STATUS_PUBLISHED, 0, NULL);
    step(db, &x);

    /* deletes, from the base and from the delta */
    assert_int_equal(kb_store_article_delete(F->s, ids[7], &d), 0);
    assert_int_equal(kb_store_article_delete(F->s, ids[43], &d), 0);
    assert_int_equal(kb_store_article_delete(F->s, ids[2], &d), 0); /* rewritten above */
    step(db, &x);
    kb_search_index_stats(x, &st);
    assert_int_equal(st.articles, 41);

    /* merged into one segment, then changed again */
    struct kb_search_index *c = NULL;
    assert_int_equal(kb_search_index_compact(x, &c), 0);
    kb_search_index_stats(c, &st);
    assert_int_equal(st.delta, 0);
    assert_int_equal(st.articles, 41);
    kb_search_index_release(x);
    x = c;
    set_article(ids[10], "وزير الخارجية في الميناء", NULL, -1, 0, NULL);
    ids[nid++] = put_generated(77);
    step(db, &x);

    /* a burst: a delta past COMPACT_MIN articles is merged into the base on the way */
    for (int i = 0; i < 400; i++) {
        if (i % 3 != 1)
            ids[nid++] = put_generated(100 + i);
        else
            set_article(ids[(i * 7) % 30 + 8], i % 2 ? "قطار المطار" : NULL,
                        i % 5 ? NULL : "<p>روسيا وأوكرانيا والأمن.</p>",
                        i % 4 ? -1 : KB_STATUS_PUBLISHED, NOW - (int64_t)(i % 9) * DAY, NULL);
        if (i == 150 || i == 399)
            step(db, &x);
    }
    kb_search_index_stats(x, &st);
    assert_int_equal(st.delta, 0);

    /* changes the log no longer holds: the caller is told to build anew */
    put_generated(500);
    put_generated(501);
    sqlite3 *w = NULL;
    assert_int_equal(sqlite3_open_v2(F->db, &w, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(w,
                                  "DELETE FROM search_changes"
                                  " WHERE seq < (SELECT max(seq) FROM search_changes)",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(w);
    struct kb_search_index *nx = NULL;
    assert_int_equal(kb_search_index_update(x, db, &nx, &d), 1);
    sqlite3_close(db);
    kb_search_index_release(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_variant_pairs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_headline_outranks_body, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sort_newest, setup, teardown),
        cmocka_unit_test_setup_teardown(test_phrase_exclusion_prefix, setup, teardown),
        cmocka_unit_test_setup_teardown(test_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nothing_searchable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_any_word_fallback, setup, teardown),
        cmocka_unit_test_setup_teardown(test_question_words, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hostile_queries, setup, teardown),
        cmocka_unit_test_setup_teardown(test_index_follows_writes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reindex, setup, teardown),
        cmocka_unit_test_setup_teardown(test_marks_reader_spelling, setup, teardown),
        cmocka_unit_test_setup_teardown(test_page_count_and_pagination, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_memory_index_agrees, setup, teardown),
        cmocka_unit_test_setup_teardown(test_memory_index_incremental, setup, teardown),
        cmocka_unit_test(test_count_format),
        cmocka_unit_test(test_html_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
