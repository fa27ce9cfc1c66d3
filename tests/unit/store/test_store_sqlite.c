/*
 * test_store_sqlite.c — the store suite, run against SQLite and PostgreSQL.
 *
 * The portable tests use only store.h and take their database from a backend entry (a
 * location string made fresh for each test), so the same table runs against both: SQLite
 * in a temporary directory, PostgreSQL in a database created per test in the cluster at
 * $KB_TEST_PG_URL (ctest's pg fixture starts a scratch one; skipped when unset).  Tests
 * that are about SQLite files (unwritable paths, a file that is not a database, a newer
 * schema) are in a second table; PostgreSQL's own refusals in a third.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include "khabar/store.h"

/* ---- backends and fixtures ---------------------------------------------------------- */

struct backend {
    const char *name;
    /* Write a fresh, empty location into loc; 0 on success. */
    int (*make)(char *loc, size_t n, char *scratch, size_t sn);
    void (*cleanup)(const char *loc, const char *scratch);
};

static int sqlite_make(char *loc, size_t n, char *scratch, size_t sn)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(scratch, sn, "%s/kb-store-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(scratch))
        return -1;
    snprintf(loc, n, "%s/khabar.db", scratch);
    return 0;
}

static void remove_tree(const char *dir)
{
    DIR *dh = opendir(dir);
    if (!dh)
        return;
    struct dirent *e;
    char p[4096];
    while ((e = readdir(dh))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
            remove_tree(p);
        else
            unlink(p);
    }
    closedir(dh);
    rmdir(dir);
}

static void sqlite_cleanup(const char *loc, const char *scratch)
{
    remove_tree(scratch);
}

/* PostgreSQL: a fresh database per test in the cluster at $KB_TEST_PG_URL (ctest's pg
 * fixture starts one with scripts/pg-scratch.sh and sets it); skipped when unset. */
static const char *pg_admin_url(void)
{
    const char *u = getenv("KB_TEST_PG_URL");
    return u && *u ? u : NULL;
}

/* Run one statement on the admin database; 0 on success. */
static int pg_admin(const char *sql)
{
    PGconn *c = PQconnectdb(pg_admin_url());
    int ok = PQstatus(c) == CONNECTION_OK;
    if (ok) {
        PGresult *r = PQexec(c, sql);
        ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        if (!ok)
            fprintf(stderr, "pg: %s: %s", sql, PQresultErrorMessage(r));
        PQclear(r);
    } else {
        fprintf(stderr, "pg: %s", PQerrorMessage(c));
    }
    PQfinish(c);
    return ok ? 0 : -1;
}

/* The admin URL with its database name replaced by `db`. */
static int pg_url_for(char *out, size_t n, const char *db)
{
    const char *u = pg_admin_url();
    const char *p = strstr(u, "://");
    if (!p)
        return -1;
    p += 3;
    const char *slash = p + strcspn(p, "/?");
    const char *rest = *slash == '/' ? slash + 1 + strcspn(slash + 1, "?") : slash;
    int k = snprintf(out, n, "%.*s/%s%s", (int)(slash - u), u, db, rest);
    return k > 0 && (size_t)k < n ? 0 : -1;
}

static int pg_make(char *loc, size_t n, char *scratch, size_t sn)
{
    static int seq;
    snprintf(scratch, sn, "kbtest_%ld_%d", (long)getpid(), ++seq);
    char sql[256];
    snprintf(sql, sizeof(sql), "CREATE DATABASE %s", scratch);
    if (pg_admin(sql) != 0)
        return -1;
    return pg_url_for(loc, n, scratch);
}

static void pg_cleanup(const char *loc, const char *scratch)
{
    char sql[256];
    snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", scratch);
    (void)pg_admin(sql);
}

static const struct backend backends[] = {
    {"sqlite", sqlite_make, sqlite_cleanup},
    {"postgres", pg_make, pg_cleanup},
};

struct fix {
    const struct backend *be;
    char loc[4096];
    char scratch[4096];
    struct kb_store *s;
};

static const struct backend *current;
static int64_t fake_now = 1731500000;

static int64_t fake_clock(void)
{
    return fake_now;
}

static struct kb_store *open_store(const char *loc, enum kb_store_mode mode)
{
    struct kb_store *s = NULL;
    struct kb_diag d = {0};
    int rc = kb_store_open(loc, mode, &s, &d);
    if (rc)
        fail_msg("open %s: %d %s", loc, rc, d.msg);
    kb_store_set_clock(s, fake_clock);
    return s;
}

static int setup(void **state)
{
    struct fix *f = calloc(1, sizeof(*f));
    f->be = current;
    if (f->be->make(f->loc, sizeof(f->loc), f->scratch, sizeof(f->scratch)) != 0) {
        free(f);
        return -1;
    }
    fake_now = 1731500000;
    f->s = open_store(f->loc, KB_STORE_CREATE);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fix *f = *state;
    kb_store_close(f->s);
    f->be->cleanup(f->loc, f->scratch);
    free(f);
    return 0;
}

/* ---- helpers ------------------------------------------------------------------------ */

static struct kb_diag diag; /* what OK() prints when a call fails */

#define OK(expr)                                                                                   \
    do {                                                                                           \
        int rc_ = (expr);                                                                          \
        if (rc_)                                                                                   \
            fail_msg("%s: %d %s (%s)", #expr, rc_, kb_err_str(rc_), diag.msg);                     \
    } while (0)

static void add_section(struct kb_store *s, const char *slug, const char *name, int pos)
{
    struct kb_section sec = {0};
    kb_set_str(&sec.slug, slug);
    kb_set_str(&sec.name, name);
    sec.position = pos;
    OK(kb_store_section_put(s, &sec, &diag));
    assert_true(sec.id > 0);
    kb_section_release(&sec);
}

static void article(struct kb_article *a, const char *headline, const char *section,
                    enum kb_status status, int64_t published)
{
    kb_article_init(a);
    kb_set_str(&a->headline, headline);
    kb_set_str(&a->section.slug, section);
    kb_set_str(&a->body_html, "<p>نص الخبر هنا.</p>");
    a->status = status;
    a->published = published;
    a->published_offset = 180;
}

static int64_t put(struct kb_store *s, const char *headline, const char *section,
                   enum kb_status status, int64_t published)
{
    struct kb_article a;
    article(&a, headline, section, status, published);
    OK(kb_store_article_put(s, &a, &diag));
    int64_t id = a.id;
    kb_article_release(&a);
    return id;
}

static size_t count(struct kb_store *s)
{
    size_t n = 0;
    OK(kb_store_article_count(s, &n, &diag));
    return n;
}

static void assert_str_eq_null(const char *a, const char *b)
{
    if (!a || !b)
        assert_true(a == b);
    else
        assert_string_equal(a, b);
}

/* ---- portable tests ----------------------------------------------------------------- */

static void test_open_migrate_twice(void **state)
{
    struct fix *f = *state;
    assert_true(kb_store_schema_version() >= 1);
    assert_string_equal(kb_store_backend(f->s), f->be->name);
    OK(kb_store_setting_put(f->s, "site.name", "خبر", &diag));
    kb_store_close(f->s);
    /* Opening again (and again, existing) migrates nothing and keeps the data. */
    f->s = open_store(f->loc, KB_STORE_CREATE);
    kb_store_close(f->s);
    f->s = open_store(f->loc, KB_STORE_EXISTING);
    char *v = NULL;
    OK(kb_store_setting_get(f->s, "site.name", &v, &diag));
    assert_string_equal(v, "خبر");
    free(v);
    OK(kb_store_setting_get(f->s, "site.missing", &v, &diag));
    assert_null(v);
    OK(kb_store_setting_put(f->s, "site.name", NULL, &diag));
    OK(kb_store_setting_get(f->s, "site.name", &v, &diag));
    assert_null(v);
}

static void test_put_get_round_trip(void **state)
{
    struct fix *f = *state;
    add_section(f->s, "politics", "سياسة", 1);
    struct kb_article a, b;
    article(&a, "الولايات المتحدة وحلف الناتو يدعوان إلى مواصلة الدعم لأوكرانيا", "politics",
            KB_STATUS_PUBLISHED, 1731445200);
    kb_set_str(&a.lede, "وجه وزير الخارجية الأمريكي دعوة مشتركة.");
    kb_set_str(&a.byline, "مراسل");
    kb_set_str(&a.source, "TRT عربي - وكالات");
    kb_set_str(&a.image.src, "/media/nato.jpg");
    kb_set_str(&a.image.alt, "الناتو");
    kb_set_str(&a.image.caption, "بلينكن وروته");
    kb_set_str(&a.image.credit, "AA");
    kb_set_str(&a.image.copyright, "© AA");
    kb_set_str(&a.external_id, "pagetext:2024-11-13:nato");
    kb_set_str(&a.slug, "nato-ukraine");
    a.tags = calloc(3, sizeof(char *));
    a.tags[0] = strdup("الناتو");
    a.tags[1] = strdup("أوكرانيا");
    a.tags[2] = strdup("US");
    a.ntags = 3;
    fake_now = 1731450000;
    OK(kb_store_article_put(f->s, &a, &diag));
    assert_true(a.id > 0);
    assert_string_equal(a.slug, "nato-ukraine");
    assert_int_equal(a.updated, 1731450000);
    assert_int_equal(a.updated_offset, 180);
    assert_string_equal(a.language, "ar");
    assert_int_equal(a.reading_minutes, 1);
    assert_string_equal(a.section.name, "سياسة");

    int64_t ext = 0;
    OK(kb_store_article_find_external(f->s, "pagetext:2024-11-13:nato", &ext, &diag));
    assert_int_equal(ext, a.id);
    assert_int_equal(kb_store_article_find_external(f->s, "nope", &ext, &diag), KB_ENOTFOUND);

    for (int by = 0; by < 2; by++) {
        kb_article_init(&b);
        if (by == 0)
            OK(kb_store_article_get(f->s, a.id, &b, &diag));
        else
            OK(kb_store_article_get_slug(f->s, "nato-ukraine", &b, &diag));
        assert_int_equal(b.id, a.id);
        assert_str_eq_null(b.slug, a.slug);
        assert_int_equal(b.status, KB_STATUS_PUBLISHED);
        assert_string_equal(b.section.slug, "politics");
        assert_string_equal(b.section.name, "سياسة");
        assert_str_eq_null(b.headline, a.headline);
        assert_str_eq_null(b.lede, a.lede);
        assert_str_eq_null(b.byline, a.byline);
        assert_str_eq_null(b.source, a.source);
        assert_str_eq_null(b.language, "ar");
        assert_str_eq_null(b.image.src, a.image.src);
        assert_str_eq_null(b.image.alt, a.image.alt);
        assert_str_eq_null(b.image.caption, a.image.caption);
        assert_str_eq_null(b.image.credit, a.image.credit);
        assert_str_eq_null(b.image.copyright, a.image.copyright);
        assert_str_eq_null(b.body_html, a.body_html);
        assert_int_equal(b.ntags, 3);
        assert_string_equal(b.tags[0], "الناتو");
        assert_string_equal(b.tags[1], "أوكرانيا");
        assert_string_equal(b.tags[2], "US");
        assert_int_equal(b.published, 1731445200);
        assert_int_equal(b.published_offset, 180);
        assert_int_equal(b.updated, 1731450000);
        assert_int_equal(b.updated_offset, 180);
        assert_int_equal(b.reading_minutes, a.reading_minutes);
        assert_str_eq_null(b.external_id, a.external_id);
        kb_article_release(&b);
    }
    /* Absent fields stay absent (NULL, not ""); the section may be given by its name, as
     * JSON's string form gives it ("section": "سياسة"). */
    struct kb_article c;
    article(&c, "خبر قصير", NULL, KB_STATUS_DRAFT, 0);
    kb_set_str(&c.section.name, "سياسة");
    OK(kb_store_article_put(f->s, &c, &diag));
    assert_string_equal(c.section.slug, "politics");
    kb_article_init(&b);
    OK(kb_store_article_get(f->s, c.id, &b, &diag));
    assert_null(b.lede);
    assert_null(b.image.src);
    assert_null(b.image.caption);
    assert_null(b.external_id);
    assert_int_equal(b.published, 0);
    assert_int_equal(b.ntags, 0);
    assert_string_equal(b.section.slug, "politics");
    kb_article_release(&b);
    kb_article_release(&c);

    assert_int_equal(kb_store_article_get(f->s, 999999, &b, &diag), KB_ENOTFOUND);
    assert_int_equal(kb_store_article_get_slug(f->s, "nope", &b, &diag), KB_ENOTFOUND);
    kb_article_release(&a);
}

static void test_slug_uniqueness(void **state)
{
    struct fix *f = *state;
    add_section(f->s, "world", "العالم", 1);
    const char *h = "قمة الناتو في بروكسل";
    struct kb_article a[3];
    for (int i = 0; i < 3; i++) {
        article(&a[i], h, "world", KB_STATUS_DRAFT, 0);
        OK(kb_store_article_put(f->s, &a[i], &diag));
    }
    assert_string_equal(a[0].slug, "قمة-الناتو-في-بروكسل");
    assert_string_equal(a[1].slug, "قمة-الناتو-في-بروكسل-2");
    assert_string_equal(a[2].slug, "قمة-الناتو-في-بروكسل-3");
    /* An explicit slug that is taken is made unique too. */
    struct kb_article b;
    article(&b, "Another", "world", KB_STATUS_DRAFT, 0);
    kb_set_str(&b.slug, "قمة-الناتو-في-بروكسل-2");
    OK(kb_store_article_put(f->s, &b, &diag));
    assert_string_equal(b.slug, "قمة-الناتو-في-بروكسل-2-2");
    kb_article_release(&b);
    /* A headline with nothing to keep. */
    article(&b, "!!! ؟؟؟", "world", KB_STATUS_DRAFT, 0);
    OK(kb_store_article_put(f->s, &b, &diag));
    assert_string_equal(b.slug, "article");
    kb_article_release(&b);
    for (int i = 0; i < 3; i++)
        kb_article_release(&a[i]);
    assert_int_equal(count(f->s), 5);
}

static void test_update_keeps_id(void **state)
{
    struct fix *f = *state;
    add_section(f->s, "politics", "سياسة", 1);
    add_section(f->s, "economy", "اقتصاد", 2);
    struct kb_article a;
    article(&a, "عنوان أول", "politics", KB_STATUS_DRAFT, 0);
    a.tags = calloc(2, sizeof(char *));
    a.tags[0] = strdup("x");
    a.tags[1] = strdup("y");
    a.ntags = 2;
    OK(kb_store_article_put(f->s, &a, &diag));
    int64_t id = a.id;
    char *slug = strdup(a.slug);

    fake_now += 3600;
    kb_set_str(&a.headline, "عنوان معدل");
    kb_set_str(&a.section.slug, "economy");
    free(a.tags[1]);
    a.ntags = 1;
    a.status = KB_STATUS_PUBLISHED;
    a.published = fake_now;
    OK(kb_store_article_put(f->s, &a, &diag));
    assert_int_equal(a.id, id);
    assert_string_equal(a.slug, slug); /* readers' links keep working */
    assert_int_equal(count(f->s), 1);

    struct kb_article b;
    kb_article_init(&b);
    OK(kb_store_article_get(f->s, id, &b, &diag));
    assert_string_equal(b.headline, "عنوان معدل");
    assert_string_equal(b.section.slug, "economy");
    assert_int_equal(b.status, KB_STATUS_PUBLISHED);
    assert_int_equal(b.updated, fake_now);
    assert_int_equal(b.ntags, 1);
    assert_string_equal(b.tags[0], "x");
    kb_article_release(&b);

    /* Updating an id that does not exist writes nothing. */
    a.id = id + 100;
    assert_int_equal(kb_store_article_put(f->s, &a, &diag), KB_ENOTFOUND);
    assert_int_equal(count(f->s), 1);

    /* Delete removes it (and its tags). */
    OK(kb_store_article_delete(f->s, id, &diag));
    assert_int_equal(kb_store_article_delete(f->s, id, &diag), KB_ENOTFOUND);
    assert_int_equal(count(f->s), 0);
    free(slug);
    kb_article_release(&a);
}

static void assert_ids(struct kb_article *v, size_t n, const int64_t *want, size_t nwant)
{
    if (n != nwant)
        fail_msg("got %zu articles, want %zu", n, nwant);
    for (size_t i = 0; i < n; i++)
        if (v[i].id != want[i])
            fail_msg("position %zu: got id %lld, want %lld", i, (long long)v[i].id,
                     (long long)want[i]);
}

static void test_list(void **state)
{
    struct fix *f = *state;
    add_section(f->s, "politics", "سياسة", 1);
    add_section(f->s, "sports", "رياضة", 2);
    const int64_t t = 1731400000;
    int64_t p1 = put(f->s, "سياسة 1", "politics", KB_STATUS_PUBLISHED, t + 100);
    int64_t s1 = put(f->s, "رياضة 1", "sports", KB_STATUS_PUBLISHED, t + 300);
    int64_t p2 = put(f->s, "سياسة 2", "politics", KB_STATUS_PUBLISHED, t + 200);
    int64_t p3 = put(f->s, "سياسة 3 نفس الوقت", "politics", KB_STATUS_PUBLISHED, t + 200);
    int64_t dr = put(f->s, "مسودة", "politics", KB_STATUS_DRAFT, 0);
    int64_t fut = put(f->s, "مجدول", "politics", KB_STATUS_SCHEDULED, t + 10000);
    int64_t unp = put(f->s, "سحب", "sports", KB_STATUS_UNPUBLISHED, t + 50);

    struct kb_article *v = NULL;
    size_t n = 0, total = 0;
    struct kb_article_query q = {.limit = 100};
    OK(kb_store_article_list(f->s, &q, &v, &n, &total, &diag));
    /* Newest first, the later id first on a tie, never-published last. */
    int64_t all[] = {fut, s1, p3, p2, p1, unp, dr};
    assert_ids(v, n, all, 7);
    assert_int_equal(total, 7);
    assert_null(v[0].body_html); /* summary */
    assert_string_equal(v[1].section.name, "رياضة");
    kb_articles_free(v, n);

    q.live_only = true;
    q.now = t + 1000;
    OK(kb_store_article_list(f->s, &q, &v, &n, &total, &diag));
    int64_t live[] = {s1, p3, p2, p1};
    assert_ids(v, n, live, 4);
    assert_int_equal(total, 4);
    kb_articles_free(v, n);

    q.section_slug = "politics";
    q.fields = KB_FIELDS_FULL;
    OK(kb_store_article_list(f->s, &q, &v, &n, &total, &diag));
    int64_t pol[] = {p3, p2, p1};
    assert_ids(v, n, pol, 3);
    assert_non_null(v[0].body_html);
    kb_articles_free(v, n);

    q.exclude_id = p2;
    OK(kb_store_article_list(f->s, &q, &v, &n, &total, &diag));
    int64_t ex[] = {p3, p1};
    assert_ids(v, n, ex, 2);
    assert_int_equal(total, 2);
    kb_articles_free(v, n);

    q.exclude_id = 0;
    q.section_slug = NULL;
    q.offset = 1;
    q.limit = 2;
    OK(kb_store_article_list(f->s, &q, &v, &n, &total, &diag));
    int64_t page[] = {p3, p2};
    assert_ids(v, n, page, 2);
    assert_int_equal(total, 4);
    kb_articles_free(v, n);

    q.offset = 10;
    OK(kb_store_article_list(f->s, &q, &v, &n, NULL, &diag));
    assert_int_equal(n, 0);
    kb_articles_free(v, n);

    q.section_slug = "no-such-section";
    q.offset = 0;
    OK(kb_store_article_list(f->s, &q, &v, &n, &total, &diag));
    assert_int_equal(n, 0);
    assert_int_equal(total, 0);
    kb_articles_free(v, n);

    q.limit = KB_STORE_MAX_LIMIT + 1;
    assert_int_equal(kb_store_article_list(f->s, &q, &v, &n, &total, &diag), KB_EINVAL);
}

/* A full list carries each article's own tags, in their order; a summary carries none. */
static void test_list_tags(void **state)
{
    struct fix *f = *state;
    add_section(f->s, "politics", "سياسة", 1);
    static const char *const tags[3][3] = {{"ب", "أ", NULL}, {NULL, NULL, NULL}, {"ج", "ب", "أ"}};
    int64_t ids[3];
    for (int i = 0; i < 3; i++) {
        struct kb_article a;
        article(&a,
                i == 0   ? "أول"
                : i == 1 ? "ثان"
                         : "ثالث",
                "politics", KB_STATUS_PUBLISHED, 1731400000 + i);
        a.tags = calloc(3, sizeof(char *));
        for (int k = 0; k < 3 && tags[i][k]; k++)
            a.tags[a.ntags++] = strdup(tags[i][k]);
        OK(kb_store_article_put(f->s, &a, &diag));
        ids[i] = a.id;
        kb_article_release(&a);
    }
    struct kb_article *v = NULL;
    size_t n = 0;
    struct kb_article_query q = {.limit = 10, .fields = KB_FIELDS_FULL};
    OK(kb_store_article_list(f->s, &q, &v, &n, NULL, &diag));
    int64_t want[] = {ids[2], ids[1], ids[0]};
    assert_ids(v, n, want, 3);
    for (int i = 0; i < 3; i++) {
        const char *const *t = tags[2 - i];
        size_t nt = 0;
        while (nt < 3 && t[nt])
            nt++;
        assert_int_equal(v[i].ntags, nt);
        for (size_t k = 0; k < nt; k++)
            assert_string_equal(v[i].tags[k], t[k]);
    }
    kb_articles_free(v, n);
    q.fields = KB_FIELDS_SUMMARY;
    OK(kb_store_article_list(f->s, &q, &v, &n, NULL, &diag));
    assert_int_equal(n, 3);
    assert_int_equal(v[0].ntags, 0);
    kb_articles_free(v, n);
}

/* Author pages: the byline's slug (kb_slug_make) selects, and follows an edited byline. */
static void test_list_author(void **state)
{
    struct fix *f = *state;
    add_section(f->s, "politics", "سياسة", 1);
    static const char *const bylines[] = {"سارة أحمد", "Ali Hassan", NULL, "سارة  أحمد!"};
    int64_t ids[4];
    for (int i = 0; i < 4; i++) {
        struct kb_article a;
        article(&a, "خبر", "politics", KB_STATUS_PUBLISHED, 1731400000 + i);
        kb_set_str(&a.byline, bylines[i]);
        OK(kb_store_article_put(f->s, &a, &diag));
        ids[i] = a.id;
        kb_article_release(&a);
    }
    struct kb_article *v = NULL;
    size_t n = 0, total = 0;
    struct kb_article_query q = {.limit = 10, .author = "سارة-أحمد"};
    OK(kb_store_article_list(f->s, &q, &v, &n, &total, &diag));
    int64_t sara[] = {ids[3], ids[0]};
    assert_ids(v, n, sara, 2);
    assert_int_equal(total, 2);
    kb_articles_free(v, n);
    q.author = "ali-hassan";
    OK(kb_store_article_list(f->s, &q, &v, &n, &total, &diag));
    int64_t ali[] = {ids[1]};
    assert_ids(v, n, ali, 1);
    kb_articles_free(v, n);

    struct kb_article a;
    kb_article_init(&a);
    OK(kb_store_article_get(f->s, ids[1], &a, &diag));
    kb_set_str(&a.byline, "سارة أحمد");
    OK(kb_store_article_put(f->s, &a, &diag));
    kb_article_release(&a);
    OK(kb_store_article_list(f->s, &q, &v, &n, &total, &diag));
    assert_int_equal(n, 0);
    kb_articles_free(v, n);
    q.author = "سارة-أحمد";
    OK(kb_store_article_list(f->s, &q, &v, &n, &total, &diag));
    assert_int_equal(total, 3);
    kb_articles_free(v, n);
}

static void test_rollback(void **state)
{
    struct fix *f = *state;
    add_section(f->s, "politics", "سياسة", 1);
    put(f->s, "قبل", "politics", KB_STATUS_DRAFT, 0);
    size_t before = count(f->s);
    OK(kb_store_begin(f->s, &diag));
    assert_int_equal(kb_store_begin(f->s, &diag), KB_EINTERNAL);
    int64_t a = put(f->s, "أول", "politics", KB_STATUS_DRAFT, 0);
    put(f->s, "ثان", "politics", KB_STATUS_DRAFT, 0);
    assert_int_equal(count(f->s), before + 2);
    kb_store_rollback(f->s);
    assert_int_equal(count(f->s), before);
    struct kb_article b;
    kb_article_init(&b);
    assert_int_equal(kb_store_article_get(f->s, a, &b, &diag), KB_ENOTFOUND);
    kb_store_rollback(f->s); /* no transaction: a no-op */

    /* And a committed transaction keeps both. */
    OK(kb_store_begin(f->s, &diag));
    put(f->s, "أول", "politics", KB_STATUS_DRAFT, 0);
    put(f->s, "ثان", "politics", KB_STATUS_DRAFT, 0);
    OK(kb_store_commit(f->s, &diag));
    assert_int_equal(count(f->s), before + 2);
    assert_int_equal(kb_store_commit(f->s, &diag), KB_EINTERNAL);
}

static void test_data_version(void **state)
{
    struct fix *f = *state;
    add_section(f->s, "politics", "سياسة", 1);
    struct kb_store *other = open_store(f->loc, KB_STORE_EXISTING);
    uint64_t v0 = 0, v1 = 0, v2 = 0, v3 = 0;
    OK(kb_store_data_version(f->s, &v0, &diag));
    OK(kb_store_data_version(f->s, &v1, &diag));
    assert_true(v0 == v1); /* nothing happened */
    put(other, "من اتصال آخر", "politics", KB_STATUS_DRAFT, 0);
    OK(kb_store_data_version(f->s, &v2, &diag));
    assert_true(v2 != v1);
    put(f->s, "من هذا الاتصال", "politics", KB_STATUS_DRAFT, 0);
    OK(kb_store_data_version(f->s, &v3, &diag));
    assert_true(v3 != v2);
    /* A rolled-back write is no change. */
    OK(kb_store_begin(f->s, &diag));
    put(f->s, "يلغى", "politics", KB_STATUS_DRAFT, 0);
    kb_store_rollback(f->s);
    OK(kb_store_data_version(f->s, &v1, &diag));
    assert_true(v1 == v3);
    kb_store_close(other);
}

static void test_readonly(void **state)
{
    struct fix *f = *state;
    add_section(f->s, "politics", "سياسة", 1);
    put(f->s, "خبر", "politics", KB_STATUS_DRAFT, 0);
    struct kb_store *ro = open_store(f->loc, KB_STORE_READONLY);
    assert_int_equal(count(ro), 1);
    struct kb_article a;
    article(&a, "لن يكتب", "politics", KB_STATUS_DRAFT, 0);
    struct kb_diag d = {0};
    assert_int_equal(kb_store_article_put(ro, &a, &d), KB_EDB);
    assert_non_null(strstr(d.msg, "read-only"));
    assert_int_equal(a.id, 0);
    assert_int_equal(kb_store_setting_put(ro, "k", "v", &d), KB_EDB);
    assert_int_equal(kb_store_begin(ro, &d), KB_EDB);
    assert_int_equal(kb_store_article_delete(ro, 1, &d), KB_EDB);
    struct kb_section sec = {0};
    assert_int_equal(kb_store_section_ensure(ro, "رياضة", &sec, &d), KB_EDB);
    OK(kb_store_section_ensure(ro, "سياسة", &sec, &diag)); /* finding is reading */
    assert_string_equal(sec.slug, "politics");
    kb_section_release(&sec);
    kb_article_release(&a);
    kb_store_close(ro);
    assert_int_equal(count(f->s), 1);
}

static void test_validation_writes_nothing(void **state)
{
    struct fix *f = *state;
    add_section(f->s, "politics", "سياسة", 1);
    uint64_t v0 = 0, v1 = 0;
    OK(kb_store_data_version(f->s, &v0, &diag));
    struct kb_article a;
    struct kb_diag d = {0};

    article(&a, NULL, "politics", KB_STATUS_DRAFT, 0);
    assert_int_equal(kb_store_article_put(f->s, &a, &d), KB_EINVAL);
    assert_string_equal(d.field, "headline");
    kb_article_release(&a);

    article(&a, "عنوان", "no-such", KB_STATUS_DRAFT, 0);
    assert_int_equal(kb_store_article_put(f->s, &a, &d), KB_EINVAL);
    assert_string_equal(d.field, "section");
    assert_null(a.slug);
    assert_int_equal(a.id, 0);
    kb_article_release(&a);

    article(&a, "عنوان \xff", "politics", KB_STATUS_DRAFT, 0);
    assert_int_equal(kb_store_article_put(f->s, &a, &d), KB_EINVAL);
    kb_article_release(&a);

    article(&a, "منشور بلا وقت", "politics", KB_STATUS_PUBLISHED, 0);
    assert_int_equal(kb_store_article_put(f->s, &a, &d), KB_EINVAL);
    kb_article_release(&a);

    assert_int_equal(count(f->s), 0);
    OK(kb_store_data_version(f->s, &v1, &diag));
    assert_true(v0 == v1);

    /* A taken external id fails whole (no tags left behind), inside a transaction too: the
     * failed put is undone, the one before it stays. */
    OK(kb_store_begin(f->s, &diag));
    article(&a, "أول", "politics", KB_STATUS_DRAFT, 0);
    kb_set_str(&a.external_id, "ext:1");
    OK(kb_store_article_put(f->s, &a, &diag));
    kb_article_release(&a);
    article(&a, "ثان", "politics", KB_STATUS_DRAFT, 0);
    kb_set_str(&a.external_id, "ext:1");
    a.tags = calloc(1, sizeof(char *));
    a.tags[0] = strdup("t");
    a.ntags = 1;
    assert_int_equal(kb_store_article_put(f->s, &a, &d), KB_EEXISTS);
    assert_string_equal(d.field, "external_id");
    assert_int_equal(a.id, 0);
    kb_article_release(&a);
    OK(kb_store_commit(f->s, &diag));
    assert_int_equal(count(f->s), 1);
    struct kb_article *v = NULL;
    size_t n = 0;
    struct kb_article_query q = {.limit = 10, .fields = KB_FIELDS_FULL};
    OK(kb_store_article_list(f->s, &q, &v, &n, NULL, &diag));
    assert_int_equal(n, 1);
    assert_string_equal(v[0].headline, "أول");
    assert_int_equal(v[0].ntags, 0);
    kb_articles_free(v, n);
}

static void test_sections(void **state)
{
    struct fix *f = *state;
    struct kb_section sec = {0}, again = {0};
    OK(kb_store_section_ensure(f->s, "سياسة", &sec, &diag));
    assert_string_equal(sec.slug, "politics");
    assert_string_equal(sec.name, "سياسة");
    OK(kb_store_section_ensure(f->s, "سياسة", &again, &diag));
    assert_int_equal(again.id, sec.id);
    OK(kb_store_section_ensure(f->s, "العالم", &sec, &diag));
    assert_string_equal(sec.slug, "world");
    OK(kb_store_section_ensure(f->s, "دولي", &again, &diag)); /* alias of العالم */
    assert_int_equal(again.id, sec.id);
    OK(kb_store_section_ensure(f->s, "فنون تشكيلية", &sec, &diag));
    assert_string_equal(sec.slug, "فنون-تشكيلية");
    OK(kb_store_section_ensure(f->s, "فنون: تشكيلية", &sec, &diag)); /* same slug, new name */
    assert_string_equal(sec.slug, "فنون-تشكيلية-2");

    /* Lookup: slug first, then name. */
    OK(kb_store_section_get(f->s, "world", &again, &diag));
    assert_string_equal(again.name, "العالم");
    OK(kb_store_section_get(f->s, "سياسة", &again, &diag));
    assert_string_equal(again.slug, "politics");
    assert_int_equal(kb_store_section_get(f->s, "sports", &again, &diag), KB_ENOTFOUND);

    /* Navigation order: the order they were made in. */
    struct kb_section *all = NULL;
    size_t n = 0;
    OK(kb_store_section_list(f->s, &all, &n, &diag));
    assert_int_equal(n, 4);
    assert_string_equal(all[0].slug, "politics");
    assert_string_equal(all[1].slug, "world");
    assert_string_equal(all[3].slug, "فنون-تشكيلية-2");
    kb_sections_free(all, n);

    /* put updates by slug; a name taken by another section is refused. */
    kb_set_str(&again.slug, "politics");
    kb_set_str(&again.name, "السياسة");
    again.position = 9;
    OK(kb_store_section_put(f->s, &again, &diag));
    OK(kb_store_section_get(f->s, "politics", &sec, &diag));
    assert_string_equal(sec.name, "السياسة");
    kb_set_str(&again.name, "العالم");
    struct kb_diag d = {0};
    assert_int_equal(kb_store_section_put(f->s, &again, &d), KB_EEXISTS);
    kb_set_str(&again.slug, "a/b");
    assert_int_equal(kb_store_section_put(f->s, &again, &d), KB_EINVAL);
    kb_section_release(&sec);
    kb_section_release(&again);
}

/* ---- SQLite-specific: files --------------------------------------------------------- */

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static void test_unwritable_paths(void **state)
{
    struct fix *f = *state;
    char path[8192];
    struct kb_store *s = NULL;
    struct kb_diag d = {0};

    snprintf(path, sizeof(path), "%s/missing-dir/khabar.db", f->scratch);
    int rc = kb_store_open(path, KB_STORE_CREATE, &s, &d);
    assert_int_equal(rc, KB_EIO);
    assert_null(s);
    assert_non_null(strstr(d.msg, path));

    /* A path "inside" a regular file cannot be created, even by root. */
    char file[4200];
    snprintf(file, sizeof(file), "%s/plain.txt", f->scratch);
    write_file(file, "x");
    snprintf(path, sizeof(path), "%s/khabar.db", file);
    rc = kb_store_open(path, KB_STORE_CREATE, &s, &d);
    assert_true(rc == KB_EIO || rc == KB_EDB);
    assert_non_null(strstr(d.msg, path));

    /* EXISTING and READONLY do not create. */
    snprintf(path, sizeof(path), "%s/absent.db", f->scratch);
    assert_int_equal(kb_store_open(path, KB_STORE_EXISTING, &s, &d), KB_EIO);
    assert_non_null(strstr(d.msg, path));
    assert_int_equal(kb_store_open(path, KB_STORE_READONLY, &s, &d), KB_EIO);
    assert_false(exists(path));

    /* A directory is not a database. */
    assert_int_equal(kb_store_open(f->scratch, KB_STORE_CREATE, &s, &d), KB_EIO);

    /* A PostgreSQL URL goes to that backend: nothing listens on port 1, and the message
     * names the location without its password. */
    assert_int_equal(
        kb_store_open("postgresql://kb:secret@127.0.0.1:1/khabar", KB_STORE_CREATE, &s, &d),
        KB_EIO);
    assert_null(s);
    assert_non_null(strstr(d.msg, "postgresql://kb:***@127.0.0.1:1/khabar"));
    assert_non_null(strstr(d.msg, "cannot connect"));
    assert_null(strstr(d.msg, "secret"));
    /* A URI libpq cannot parse is a bad location, not an unreachable server. */
    assert_int_equal(
        kb_store_open("postgresql://kb@/khabar?nosuchoption=1", KB_STORE_CREATE, &s, &d),
        KB_EINVAL);
    assert_non_null(strstr(d.msg, "not a valid PostgreSQL URI"));
    assert_non_null(strstr(d.msg, "nosuchoption"));

    /* "sqlite:" prefix. */
    snprintf(path, sizeof(path), "sqlite:%s/prefixed.db", f->scratch);
    OK(kb_store_open(path, KB_STORE_CREATE, &s, &diag));
    kb_store_close(s);
    snprintf(path, sizeof(path), "%s/prefixed.db", f->scratch);
    assert_true(exists(path));
}

static void test_not_a_database(void **state)
{
    struct fix *f = *state;
    char path[4200], wal[4300];
    snprintf(path, sizeof(path), "%s/notes.txt", f->scratch);
    const char *text = "هذا ليس قاعدة بيانات، بل ملف نصي طويل بما يكفي ليكون له رأس.\n"
                       "This is not a database, just a text file with a long enough head.\n";
    write_file(path, text);
    static const enum kb_store_mode modes[] = {KB_STORE_CREATE, KB_STORE_EXISTING,
                                               KB_STORE_READONLY};
    for (size_t i = 0; i < 3; i++) {
        struct kb_store *s = NULL;
        struct kb_diag d = {0};
        assert_int_equal(kb_store_open(path, modes[i], &s, &d), KB_EDB);
        assert_non_null(strstr(d.msg, path));
        assert_non_null(strstr(d.msg, "not a database"));
    }
    char *back = NULL;
    size_t len = 0;
    OK(kb_file_read(path, 1 << 20, &back, &len, &diag));
    assert_int_equal(len, strlen(text));
    assert_memory_equal(back, text, len);
    free(back);
    snprintf(wal, sizeof(wal), "%s-wal", path);
    assert_false(exists(wal));
}

static void test_foreign_and_newer_databases(void **state)
{
    struct fix *f = *state;
    char path[8192];
    sqlite3 *db;
    struct kb_store *s = NULL;
    struct kb_diag d = {0};

    /* Another program's database. */
    snprintf(path, sizeof(path), "%s/other.db", f->scratch);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(
        sqlite3_exec(db, "CREATE TABLE t (x); INSERT INTO t VALUES (1)", NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(kb_store_open(path, KB_STORE_CREATE, &s, &d), KB_EDB);
    assert_non_null(strstr(d.msg, "another program"));

    /* A database from a newer khabar. */
    kb_store_close(f->s);
    f->s = NULL;
    assert_int_equal(sqlite3_open(f->loc, &db), SQLITE_OK);
    char sql[64];
    snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", kb_store_schema_version() + 1);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    static const enum kb_store_mode modes[] = {KB_STORE_CREATE, KB_STORE_EXISTING,
                                               KB_STORE_READONLY};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(kb_store_open(f->loc, modes[i], &s, &d), KB_EDB);
        assert_non_null(strstr(d.msg, "newer"));
    }

    /* An empty file is an old (version 0) database: READONLY refuses, EXISTING migrates. */
    snprintf(path, sizeof(path), "%s/empty.db", f->scratch);
    write_file(path, "");
    assert_int_equal(kb_store_open(path, KB_STORE_READONLY, &s, &d), KB_EDB);
    assert_non_null(strstr(d.msg, "older"));
    OK(kb_store_open(path, KB_STORE_EXISTING, &s, &diag));
    kb_store_close(s);
    OK(kb_store_open(path, KB_STORE_READONLY, &s, &diag));
    kb_store_close(s);
}

/* A write that fails after its first statement (a trigger injects the fault on the tag
 * insert) leaves nothing behind: neither alone nor inside a caller's transaction. */
static void test_failure_midway(void **state)
{
    struct fix *f = *state;
    add_section(f->s, "politics", "سياسة", 1);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->loc, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "CREATE TRIGGER boom BEFORE INSERT ON article_tags "
                                  "WHEN NEW.tag = 'boom' BEGIN SELECT RAISE(ABORT, 'boom'); END",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);

    struct kb_article a;
    struct kb_diag d = {0};
    for (int in_tx = 0; in_tx < 2; in_tx++) {
        if (in_tx) {
            OK(kb_store_begin(f->s, &diag));
            put(f->s, "يبقى", "politics", KB_STATUS_DRAFT, 0);
        }
        article(&a, "ينفجر", "politics", KB_STATUS_DRAFT, 0);
        a.tags = calloc(2, sizeof(char *));
        a.tags[0] = strdup("ok");
        a.tags[1] = strdup("boom");
        a.ntags = 2;
        assert_int_not_equal(kb_store_article_put(f->s, &a, &d), 0);
        assert_int_equal(a.id, 0);
        kb_article_release(&a);
        if (in_tx)
            OK(kb_store_commit(f->s, &diag));
    }
    assert_int_equal(count(f->s), 1);
    struct kb_article b;
    kb_article_init(&b);
    assert_int_equal(kb_store_article_get_slug(f->s, "ينفجر", &b, &d), KB_ENOTFOUND);
    OK(kb_store_article_get_slug(f->s, "يبقى", &b, &diag));
    kb_article_release(&b);
}

/* ---- PostgreSQL-specific: its own refusals and failures ------------------------------ */

static void pg_quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message; /* DROP … CASCADE's notices */
}

/* Run SQL on the test's own database. */
static void pg_exec(const char *loc, const char *sql)
{
    PGconn *c = PQconnectdb(loc);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    PQsetNoticeProcessor(c, pg_quiet, NULL);
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
        fail_msg("%s: %s", sql, PQresultErrorMessage(r));
    PQclear(r);
    PQfinish(c);
}

static void test_pg_foreign_and_newer(void **state)
{
    struct fix *f = *state;
    struct kb_store *s = NULL;
    struct kb_diag d = {0};
    static const enum kb_store_mode modes[] = {KB_STORE_CREATE, KB_STORE_EXISTING,
                                               KB_STORE_READONLY};

    /* A database from a newer khabar: refused in every mode, and left as it was. */
    kb_store_close(f->s);
    f->s = NULL;
    char sql[128];
    snprintf(sql, sizeof(sql), "UPDATE schema_version SET version = %d",
             kb_store_schema_version() + 1);
    pg_exec(f->loc, sql);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(kb_store_open(f->loc, modes[i], &s, &d), KB_EDB);
        assert_null(s);
        assert_non_null(strstr(d.msg, "newer"));
    }

    /* Another program's database (tables, no schema_version): refused, nothing created. */
    pg_exec(f->loc, "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"
                    " CREATE TABLE t (x integer); INSERT INTO t VALUES (1)");
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(kb_store_open(f->loc, modes[i], &s, &d), KB_EDB);
        assert_non_null(strstr(d.msg, "another program"));
    }
    PGconn *c = PQconnectdb(f->loc);
    PGresult *r = PQexec(c, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'");
    assert_string_equal(PQgetvalue(r, 0, 0), "1");
    PQclear(r);
    PQfinish(c);

    /* An empty database is version 0: READONLY refuses, EXISTING migrates. */
    pg_exec(f->loc, "DROP SCHEMA public CASCADE; CREATE SCHEMA public");
    assert_int_equal(kb_store_open(f->loc, KB_STORE_READONLY, &s, &d), KB_EDB);
    assert_non_null(strstr(d.msg, "older"));
    OK(kb_store_open(f->loc, KB_STORE_EXISTING, &s, &diag));
    kb_store_close(s);
    OK(kb_store_open(f->loc, KB_STORE_READONLY, &s, &diag));
    kb_store_close(s);

    /* A database that does not exist: KB_EIO naming it. */
    char missing[4200];
    char *db = strstr(f->loc, f->scratch);
    assert_non_null(db);
    snprintf(missing, sizeof(missing), "%.*sno_such_db%s", (int)(db - f->loc), f->loc,
             db + strlen(f->scratch));
    assert_int_equal(kb_store_open(missing, KB_STORE_EXISTING, &s, &d), KB_EIO);
    assert_non_null(strstr(d.msg, "no_such_db"));
}

/* A write that fails after its first statement (a trigger raises on the tag insert) leaves
 * nothing behind, alone or inside a caller's transaction, whose earlier write stays. */
static void test_pg_failure_midway(void **state)
{
    struct fix *f = *state;
    add_section(f->s, "politics", "سياسة", 1);
    pg_exec(f->loc, "CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    "IF NEW.tag = 'boom' THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$;"
                    " CREATE TRIGGER boom BEFORE INSERT ON article_tags FOR EACH ROW"
                    " EXECUTE FUNCTION boom()");
    uint64_t v0 = 0, v1 = 0;
    OK(kb_store_data_version(f->s, &v0, &diag));
    struct kb_article a;
    struct kb_diag d = {0};
    for (int in_tx = 0; in_tx < 2; in_tx++) {
        if (in_tx) {
            OK(kb_store_begin(f->s, &diag));
            put(f->s, "يبقى", "politics", KB_STATUS_DRAFT, 0);
        }
        article(&a, "ينفجر", "politics", KB_STATUS_DRAFT, 0);
        a.tags = calloc(2, sizeof(char *));
        a.tags[0] = strdup("ok");
        a.tags[1] = strdup("boom");
        a.ntags = 2;
        assert_int_not_equal(kb_store_article_put(f->s, &a, &d), 0);
        assert_non_null(strstr(d.msg, "boom"));
        assert_int_equal(a.id, 0);
        assert_null(a.slug);
        kb_article_release(&a);
        if (in_tx) {
            /* the transaction goes on after the failed write */
            put(f->s, "يبقى أيضا", "politics", KB_STATUS_DRAFT, 0);
            OK(kb_store_commit(f->s, &diag));
        } else {
            OK(kb_store_data_version(f->s, &v1, &diag));
            assert_true(v0 == v1);
        }
    }
    assert_int_equal(count(f->s), 2);
    struct kb_article b;
    kb_article_init(&b);
    assert_int_equal(kb_store_article_get_slug(f->s, "ينفجر", &b, &d), KB_ENOTFOUND);
    OK(kb_store_article_get_slug(f->s, "يبقى", &b, &diag));
    kb_article_release(&b);
}

/* Several processes opening a new database at once (servers starting together) migrate it
 * once: each step runs under the advisory lock and re-reads the version after taking it. */
static void test_pg_concurrent_migrations(void **state)
{
    struct fix *f = *state;
    kb_store_close(f->s);
    f->s = NULL;
    pg_exec(f->loc, "DROP SCHEMA public CASCADE; CREATE SCHEMA public");
    enum { N = 4 };
    pid_t kids[N];
    for (int i = 0; i < N; i++) {
        kids[i] = fork();
        assert_true(kids[i] >= 0);
        if (kids[i] == 0) {
            struct kb_store *s = NULL;
            struct kb_diag d = {0};
            int rc = kb_store_open(f->loc, KB_STORE_CREATE, &s, &d);
            if (rc)
                fprintf(stderr, "child %d: %s\n", i, d.msg);
            kb_store_close(s);
            _exit(rc ? 1 : 0);
        }
    }
    for (int i = 0; i < N; i++) {
        int status = 0;
        assert_int_equal(waitpid(kids[i], &status, 0), kids[i]);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }
    PGconn *c = PQconnectdb(f->loc);
    PGresult *r = PQexec(c, "SELECT version, (SELECT count(*) FROM schema_version) FROM "
                            "schema_version");
    assert_int_equal(PQntuples(r), 1);
    assert_int_equal(atoi(PQgetvalue(r, 0, 0)), kb_store_schema_version());
    assert_string_equal(PQgetvalue(r, 0, 1), "1");
    PQclear(r);
    PQfinish(c);
    f->s = open_store(f->loc, KB_STORE_READONLY);
}

/* End every other connection to the test's database, as a server restart would, and wait
 * until they are gone. */
static void pg_kill_others(const char *loc)
{
    pg_exec(loc, "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE datname = "
                 "current_database() AND pid <> pg_backend_pid()");
}

/* A lost connection: outside a transaction the next call runs on a new one; inside one the
 * transaction is gone (KB_EIO, its writes never land) and the store works again after
 * the caller's rollback. */
static void test_pg_reconnect(void **state)
{
    struct fix *f = *state;
    add_section(f->s, "politics", "سياسة", 1);
    put(f->s, "قبل", "politics", KB_STATUS_DRAFT, 0);
    pg_kill_others(f->loc);
    assert_int_equal(count(f->s), 1); /* a read, run again on a new connection */
    pg_kill_others(f->loc);
    put(f->s, "بعد", "politics", KB_STATUS_DRAFT, 0); /* BEGIN, run again */
    assert_int_equal(count(f->s), 2);

    OK(kb_store_begin(f->s, &diag));
    put(f->s, "في معاملة", "politics", KB_STATUS_DRAFT, 0);
    pg_kill_others(f->loc);
    struct kb_article a;
    struct kb_diag d = {0};
    article(&a, "بعد الانقطاع", "politics", KB_STATUS_DRAFT, 0);
    assert_int_equal(kb_store_article_put(f->s, &a, &d), KB_EIO);
    assert_int_equal(a.id, 0);
    kb_article_release(&a);
    assert_int_not_equal(kb_store_commit(f->s, &d), 0);
    kb_store_rollback(f->s);
    assert_int_equal(count(f->s), 2);
    OK(kb_store_begin(f->s, &diag));
    put(f->s, "معاملة جديدة", "politics", KB_STATUS_DRAFT, 0);
    OK(kb_store_commit(f->s, &diag));
    assert_int_equal(count(f->s), 3);
}

/* ---- runner ------------------------------------------------------------------------- */

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest portable[] = {
        T(test_open_migrate_twice),
        T(test_put_get_round_trip),
        T(test_slug_uniqueness),
        T(test_update_keeps_id),
        T(test_list),
        T(test_list_tags),
        T(test_list_author),
        T(test_rollback),
        T(test_data_version),
        T(test_readonly),
        T(test_validation_writes_nothing),
        T(test_sections),
    };
    const struct CMUnitTest sqlite_only[] = {
        T(test_unwritable_paths),
        T(test_not_a_database),
        T(test_foreign_and_newer_databases),
        T(test_failure_midway),
    };
    int failed = 0;
    for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++) {
        current = &backends[i];
        if (backends[i].make == pg_make && !pg_admin_url()) {
            printf("[  SKIPPED ] postgres: KB_TEST_PG_URL is not set (ctest sets it when "
                   "PostgreSQL's initdb is installed: scripts/pg-scratch.sh)\n");
            continue;
        }
        failed += _cmocka_run_group_tests(backends[i].name, portable,
                                          sizeof(portable) / sizeof(portable[0]), NULL, NULL);
    }
    current = &backends[0];
    failed += cmocka_run_group_tests_name("sqlite files", sqlite_only, NULL, NULL);
    const struct CMUnitTest pg_only[] = {
        T(test_pg_foreign_and_newer),
        T(test_pg_failure_midway),
        T(test_pg_reconnect),
        T(test_pg_concurrent_migrations),
    };
    current = &backends[1];
    if (pg_admin_url())
        failed += cmocka_run_group_tests_name("postgres databases", pg_only, NULL, NULL);
    return failed;
}
