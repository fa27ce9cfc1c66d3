/*
 * test_import_jsonl.c — `import jsonl` against a real (temporary) SQLite store: what ends
 * up in the database, and what the report says, for good files, bad lines in both modes,
 * re-imports, repeated keys, compressed input, dry runs, --limit and a stream cut short.
 *
 * Inputs are small JSONL files of our own written into a temporary directory (an .xz one
 * compressed here through liblzma).  The store's clock is fixed.  Checks are by article
 * count, by reading articles back, and by the report's counts, reasons and line numbers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <lzma.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "khabar/engine.h"
#include "khabar/related.h"
#include "khabar/search.h"
#include "khabar/store.h"

struct fixture {
    char dir[64];
    char db[128];
    char file[128];
    struct kb_store *s;
};

static int64_t fixed_now(void)
{
    return 1731492000;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    snprintf(f->dir, sizeof(f->dir), "/tmp/kb-test-import-jsonl-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->db, sizeof(f->db), "%s/k.db", f->dir);
    snprintf(f->file, sizeof(f->file), "%s/in.jsonl", f->dir);
    struct kb_diag d;
    kb_diag_clear(&d);
    if (kb_store_open(f->db, KB_STORE_CREATE, &f->s, &d) != 0)
        return -1;
    kb_store_set_clock(f->s, fixed_now);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    kb_store_close(f->s);
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        return -1;
    free(f);
    return 0;
}

static void write_file(const char *path, const void *p, size_t n)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(p, 1, n, fp), n);
    assert_int_equal(fclose(fp), 0);
}

/* A corpus-form record; body text and category vary so content can change. */
static void add_record(char *buf, size_t size, int i, const char *category, const char *extra)
{
    size_t n = strlen(buf);
    snprintf(buf + n, size - n,
             "{\"id\":\"T-%d\",\"url\":\"http://news.example/%d\",\"category\":\"%s\","
             "\"title\":\"الخبر رقم %d\",\"lede\":\"موجز %d\",\"byline\":\"المحرر\","
             "\"published\":\"2024-01-%02dT10:00:00+03:00\",\"body\":\"نص الخبر %d.\\n%s\"}\n",
             i, i, category, i, i, 1 + i % 28, i, extra ? extra : "فقرة ثانية.");
}

static size_t count(struct fixture *f)
{
    size_t n = 0;
    struct kb_diag d;
    assert_int_equal(kb_store_article_count(f->s, &n, &d), 0);
    return n;
}

static int run(struct fixture *f, const char *path, const struct kb_import_opts *opts,
               struct kb_import_report *rep, struct kb_diag *d)
{
    kb_diag_clear(d);
    memset(rep, 0xAB, sizeof(*rep)); /* every field must be written */
    return kb_engine_import_jsonl(f->s, path, opts, rep, d);
}

static const struct kb_import_skip *reason(const struct kb_import_report *rep, const char *name)
{
    for (size_t i = 0; i < rep->nreasons; i++)
        if (strcmp(rep->reasons[i].reason, name) == 0)
            return &rep->reasons[i];
    fail_msg("no reason '%s' in the report", name);
    return NULL;
}

/* 10 good records, with bad lines at 3 (invalid JSON), 6 (no title) and 9 (title not a
 * string): lines 1..13. */
static void write_mixed(struct fixture *f)
{
    char buf[16384] = "";
    int k = 1;
    for (int line = 1; line <= 13; line++) {
        if (line == 3)
            strcat(buf, "{\"title\": \"بلا نهاية\n");
        else if (line == 6)
            strcat(buf, "{\"url\":\"http://news.example/x\",\"category\":\"sport\",\"body\":\"ن\","
                        "\"published\":\"2024-01-01\"}\n");
        else if (line == 9)
            strcat(buf, "{\"url\":\"http://news.example/y\",\"category\":\"sport\",\"title\":7,"
                        "\"body\":\"ن\"}\n");
        else {
            add_record(buf, sizeof(buf), k, k % 2 ? "sport" : "economy", NULL);
            k++;
        }
    }
    write_file(f->file, buf, strlen(buf));
}

static void test_good_file(void **state)
{
    struct fixture *f = *state;
    char buf[16384] = "";
    for (int i = 1; i <= 20; i++)
        add_record(buf, sizeof(buf), i, i % 2 ? "sport" : "culture", NULL);
    strcat(buf, "\n   \n"); /* blank lines are skipped */
    write_file(f->file, buf, strlen(buf));
    struct kb_import_report rep;
    struct kb_diag d;
    assert_int_equal(run(f, f->file, NULL, &rep, &d), 0);
    assert_int_equal(rep.created, 20);
    assert_int_equal(rep.updated, 0);
    assert_int_equal(rep.unchanged, 0);
    assert_int_equal(rep.skipped, 0);
    assert_int_equal(rep.nreasons, 0);
    assert_int_equal(rep.records, 20);
    assert_int_equal(rep.sections_created, 2);
    assert_int_equal(count(f), 20);

    /* Read one back: section, body paragraphs, times, key. */
    int64_t id = 0;
    assert_int_equal(kb_store_article_find_external(f->s, "http://news.example/3", &id, &d), 0);
    struct kb_article a;
    kb_article_init(&a);
    assert_int_equal(kb_store_article_get(f->s, id, &a, &d), 0);
    assert_string_equal(a.headline, "الخبر رقم 3");
    assert_string_equal(a.section.slug, "sports");
    assert_string_equal(a.section.name, "رياضة");
    assert_string_equal(a.body_html, "<p>نص الخبر 3.</p>\n<p>فقرة ثانية.</p>\n");
    assert_int_equal(a.status, KB_STATUS_PUBLISHED);
    assert_int_equal(a.published_offset, 180);
    assert_true(a.reading_minutes >= 1);
    kb_article_release(&a);
}

static void test_atomic_bad_lines_write_nothing(void **state)
{
    struct fixture *f = *state;
    write_mixed(f);
    struct kb_import_report rep;
    struct kb_diag d;
    int rc = run(f, f->file, NULL, &rep, &d); /* atomic is the default */
    assert_int_equal(rc, KB_EINVAL);
    assert_int_equal(d.line, 3); /* the first bad line */
    assert_non_null(strstr(d.msg, "invalid JSON"));
    assert_int_equal(count(f), 0);
    /* Every bad line is still reported. */
    assert_int_equal(rep.skipped, 3);
    assert_int_equal(reason(&rep, "invalid JSON")->lines[0], 3);
    assert_int_equal(reason(&rep, "missing title")->lines[0], 6);
    assert_int_equal(reason(&rep, "bad title")->lines[0], 9);
    /* No section was left behind either. */
    struct kb_section *secs = NULL;
    size_t nsec = 0;
    assert_int_equal(kb_store_section_list(f->s, &secs, &nsec, &d), 0);
    kb_sections_free(secs, nsec);
    assert_int_equal(nsec, 0);
}

static void test_skip_bad_imports_the_rest(void **state)
{
    struct fixture *f = *state;
    write_mixed(f);
    struct kb_import_opts opts = {.mode = KB_IMPORT_SKIP_BAD, .batch = 3};
    struct kb_import_report rep;
    struct kb_diag d;
    assert_int_equal(run(f, f->file, &opts, &rep, &d), 0);
    assert_int_equal(rep.created, 10);
    assert_int_equal(rep.skipped, 3);
    assert_int_equal(rep.nreasons, 3);
    assert_int_equal(reason(&rep, "missing title")->count, 1);
    assert_int_equal(count(f), 10);
    int64_t id;
    assert_int_equal(kb_store_article_find_external(f->s, "http://news.example/x", &id, &d),
                     KB_ENOTFOUND);
}

static void test_reimport_updates_not_duplicates(void **state)
{
    struct fixture *f = *state;
    char buf[16384] = "";
    for (int i = 1; i <= 5; i++)
        add_record(buf, sizeof(buf), i, "sport", NULL);
    write_file(f->file, buf, strlen(buf));
    struct kb_import_report rep;
    struct kb_diag d;
    assert_int_equal(run(f, f->file, NULL, &rep, &d), 0);
    assert_int_equal(rep.created, 5);
    int64_t id4 = 0;
    assert_int_equal(kb_store_article_find_external(f->s, "http://news.example/4", &id4, &d), 0);
    struct kb_article before;
    kb_article_init(&before);
    assert_int_equal(kb_store_article_get(f->s, id4, &before, &d), 0);

    /* The same file again: nothing changes. */
    assert_int_equal(run(f, f->file, NULL, &rep, &d), 0);
    assert_int_equal(rep.created, 0);
    assert_int_equal(rep.updated, 0);
    assert_int_equal(rep.unchanged, 5);
    assert_int_equal(count(f), 5);

    /* Record 4 edited, record 6 new. */
    buf[0] = '\0';
    for (int i = 1; i <= 6; i++)
        add_record(buf, sizeof(buf), i, "sport", i == 4 ? "فقرة مصححة." : NULL);
    write_file(f->file, buf, strlen(buf));
    assert_int_equal(run(f, f->file, NULL, &rep, &d), 0);
    assert_int_equal(rep.created, 1);
    assert_int_equal(rep.updated, 1);
    assert_int_equal(rep.unchanged, 4);
    assert_int_equal(count(f), 6);
    struct kb_article after;
    kb_article_init(&after);
    assert_int_equal(kb_store_article_get(f->s, id4, &after, &d), 0);
    assert_non_null(strstr(after.body_html, "فقرة مصححة."));
    assert_string_equal(after.slug, before.slug); /* same address */
    kb_article_release(&before);
    kb_article_release(&after);
}

static void test_repeated_key_first_wins(void **state)
{
    struct fixture *f = *state;
    char buf[8192] = "";
    add_record(buf, sizeof(buf), 1, "sport", NULL);
    add_record(buf, sizeof(buf), 2, "sport", NULL);
    add_record(buf, sizeof(buf), 1, "economy", NULL); /* same url, other section */
    write_file(f->file, buf, strlen(buf));
    struct kb_import_report rep;
    struct kb_diag d;
    assert_int_equal(run(f, f->file, NULL, &rep, &d), 0); /* not an error, even atomic */
    assert_int_equal(rep.created, 2);
    assert_int_equal(rep.skipped, 1);
    assert_int_equal(reason(&rep, "same key as an earlier line")->lines[0], 3);
    assert_int_equal(count(f), 2);
    int64_t id;
    assert_int_equal(kb_store_article_find_external(f->s, "http://news.example/1", &id, &d), 0);
    struct kb_article a;
    kb_article_init(&a);
    assert_int_equal(kb_store_article_get(f->s, id, &a, &d), 0);
    assert_string_equal(a.section.slug, "sports");
    kb_article_release(&a);
    /* And the same file again is all unchanged: a fixed point. */
    assert_int_equal(run(f, f->file, NULL, &rep, &d), 0);
    assert_int_equal(rep.unchanged, 2);
    assert_int_equal(rep.updated, 0);
}

static void test_xz_dry_run_and_limit(void **state)
{
    struct fixture *f = *state;
    char buf[32768] = "";
    for (int i = 1; i <= 40; i++)
        add_record(buf, sizeof(buf), i, "technology", NULL);
    size_t n = strlen(buf), cap = lzma_stream_buffer_bound(n), pos = 0;
    uint8_t *xz = malloc(cap);
    assert_int_equal(
        lzma_easy_buffer_encode(6, LZMA_CHECK_CRC64, NULL, (uint8_t *)buf, n, xz, &pos, cap),
        LZMA_OK);
    char path[160];
    snprintf(path, sizeof(path), "%s/archive.data", f->dir); /* no .xz in the name */
    write_file(path, xz, pos);

    struct kb_import_opts opts = {.dry_run = true};
    struct kb_import_report rep;
    struct kb_diag d;
    assert_int_equal(run(f, path, &opts, &rep, &d), 0);
    assert_int_equal(rep.created, 40);
    assert_int_equal(rep.sections_created, 1);
    assert_int_equal(count(f), 0); /* a dry run writes nothing */

    opts = (struct kb_import_opts){.limit = 15};
    assert_int_equal(run(f, path, &opts, &rep, &d), 0);
    assert_int_equal(rep.created, 15);
    assert_int_equal(rep.records, 15);
    assert_int_equal(count(f), 15);

    /* Cut short: atomic writes nothing; skip-bad keeps the whole lines before the cut. */
    write_file(path, xz, pos - 60); /* the index, the footer and the last records' bytes */
    opts = (struct kb_import_opts){0};
    int rc = run(f, path, &opts, &rep, &d);
    assert_int_equal(rc, KB_EINVAL);
    assert_non_null(strstr(d.msg, "truncated"));
    assert_true(d.line > 1);
    assert_int_equal(count(f), 15);
    opts.mode = KB_IMPORT_SKIP_BAD;
    rc = run(f, path, &opts, &rep, &d);
    assert_int_equal(rc, KB_EINVAL);
    if (d.line <= 15 || d.line > 40)
        fail_msg("cut at line %lu: %s", d.line, d.msg);
    assert_int_equal(count(f), d.line - 1); /* every whole line before the cut */
    assert_int_equal(rep.unchanged, 15);
    assert_int_equal(rep.created, d.line - 1 - 15);
    free(xz);
}

static void test_product_records_and_missing_file(void **state)
{
    struct fixture *f = *state;
    const char *text =
        "{\"external_id\":\"agency:1\",\"headline\":\"خبر الوكالة\",\"section\":\"سياسة\","
        "\"body_html\":\"<p>نص.</p>\",\"published\":\"2024-11-13T08:00:00Z\",\"tags\":[\"أ\"]}\n"
        "{\"url\":\"/world/x\",\"headline\":\"خبر آخر\",\"section\":{\"slug\":\"world\","
        "\"name\":\"العالم\"},\"body_html\":\"<p>نص.</p>\",\"status\":\"draft\"}\n";
    write_file(f->file, text, strlen(text));
    struct kb_import_report rep;
    struct kb_diag d;
    assert_int_equal(run(f, f->file, NULL, &rep, &d), 0);
    assert_int_equal(rep.created, 2);
    int64_t id;
    assert_int_equal(kb_store_article_find_external(f->s, "agency:1", &id, &d), 0);
    struct kb_article a;
    kb_article_init(&a);
    assert_int_equal(kb_store_article_get(f->s, id, &a, &d), 0);
    assert_string_equal(a.section.slug, "politics"); /* the store's name table */
    assert_int_equal(a.status, KB_STATUS_PUBLISHED);
    assert_int_equal(a.ntags, 1);
    kb_article_release(&a);
    assert_int_equal(kb_store_article_find_external(f->s, "/world/x", &id, &d), 0);
    assert_int_equal(kb_store_article_get(f->s, id, &a, &d), 0);
    assert_int_equal(a.status, KB_STATUS_DRAFT);
    kb_article_release(&a);

    char missing[160];
    snprintf(missing, sizeof(missing), "%s/nope.jsonl", f->dir);
    assert_int_equal(run(f, missing, NULL, &rep, &d), KB_EIO);
    assert_non_null(strstr(d.msg, "nope.jsonl"));
}

/* Every article of `query` found by the store's search (live ones, now = far future). */
static size_t hits(struct fixture *f, const char *query)
{
    struct kb_search_query q;
    kb_search_query_parse(query, strlen(query), &q);
    struct kb_buf m;
    kb_buf_init(&m, 4096);
    assert_true(kb_search_query_match(&q, KB_SEARCH_ALL, &m) > 0);
    struct kb_search_request rq = {.match = kb_buf_cstr(&m), .now = 4102444800, .limit = 50};
    struct kb_search_hit *h = NULL;
    size_t n = 0, total = 0;
    struct kb_diag d;
    kb_diag_clear(&d);
    assert_int_equal(kb_store_search(f->s, &rq, &h, &n, &total, &d), 0);
    kb_search_hits_free(h, n);
    kb_buf_release(&m);
    kb_search_query_release(&q);
    return total;
}

/* Imports index each batch at its commit (store_sqlite.c defers the insert trigger): every
 * article is found once, by its own words, after batched, atomic and updating imports; a
 * dry run and a refused atomic import leave nothing in the index. */
static void test_index_follows_batched_imports(void **state)
{
    struct fixture *f = *state;
    char buf[16384] = "", extra[64];
    for (int i = 1; i <= 7; i++) {
        snprintf(extra, sizeof(extra), "كلمة zqx%dword.", i);
        add_record(buf, sizeof(buf), i, i % 2 ? "sport" : "economy", extra);
    }
    write_file(f->file, buf, strlen(buf));
    /* analysis ahead on the reader thread, replayed at each batch's indexing */
    struct kb_import_opts opts = {.mode = KB_IMPORT_SKIP_BAD, .batch = 3, .analyze_ahead = true};
    struct kb_import_report rep;
    struct kb_diag d;
    assert_int_equal(run(f, f->file, &opts, &rep, &d), 0);
    assert_int_equal(rep.created, 7);
    assert_int_equal(kb_search_pretok_pending(), 0); /* every offer used or dropped */
    for (int i = 1; i <= 7; i++) {
        snprintf(extra, sizeof(extra), "zqx%dword", i);
        assert_int_equal(hits(f, extra), 1);
    }
    assert_int_equal(hits(f, "كلمة"), 7);

    /* A dry run of new articles: rolled back, nothing of them in the index. */
    buf[0] = '\0';
    add_record(buf, sizeof(buf), 20, "sport", "zqxdryword.");
    write_file(f->file, buf, strlen(buf));
    struct kb_import_opts dry = {.dry_run = true};
    assert_int_equal(run(f, f->file, &dry, &rep, &d), 0);
    assert_int_equal(rep.created, 1);
    assert_int_equal(count(f), 7);

    /* An atomic import refused at its bad line: nothing indexed either. */
    buf[0] = '\0';
    add_record(buf, sizeof(buf), 21, "sport", "zqxdryword.");
    strcat(buf, "{\"title\": \"بلا نهاية\n");
    write_file(f->file, buf, strlen(buf));
    assert_int_not_equal(run(f, f->file, NULL, &rep, &d), 0);
    assert_int_equal(count(f), 7);

    /* Record 3 edited (an indexed article updated) and record 8 new, in one transaction. */
    buf[0] = '\0';
    for (int i = 1; i <= 8; i++) {
        snprintf(extra, sizeof(extra), "كلمة zqx%dword.", i == 3 ? 33 : i);
        add_record(buf, sizeof(buf), i, i % 2 ? "sport" : "economy", extra);
    }
    write_file(f->file, buf, strlen(buf));
    assert_int_equal(run(f, f->file, NULL, &rep, &d), 0);
    assert_int_equal(rep.created, 1);
    assert_int_equal(rep.updated, 1);
    assert_int_equal(hits(f, "zqx3word"), 0);
    assert_int_equal(hits(f, "zqx33word"), 1);
    assert_int_equal(hits(f, "zqx8word"), 1);
    assert_int_equal(hits(f, "كلمة"), 8);
    /* A new article is found by a search inside its own transaction, before the commit. */
    assert_int_equal(kb_store_begin(f->s, &d), 0);
    struct kb_article a;
    kb_article_init(&a);
    kb_set_str(&a.section.slug, "sports");
    kb_set_str(&a.headline, "خبر zqxinsideword");
    kb_set_str(&a.body_html, "<p>نص.</p>");
    a.status = KB_STATUS_PUBLISHED;
    a.published = fixed_now() - 60;
    kb_article_compute(&a);
    assert_int_equal(kb_store_article_put(f->s, &a, &d), 0);
    assert_int_equal(hits(f, "zqxinsideword"), 1);
    kb_store_rollback(f->s);
    kb_article_release(&a);
    assert_int_equal(hits(f, "zqxinsideword"), 0);
    assert_int_equal(hits(f, "zqxdryword"), 0);
}

static size_t stale(struct fixture *f)
{
    int64_t *ids = NULL;
    size_t n = 0;
    struct kb_diag d;
    kb_diag_clear(&d);
    assert_int_equal(kb_store_related_stale(f->s, &ids, &n, &d), 0);
    free(ids);
    return n;
}

/* --no-related: the articles are written and searchable, their related data is left stale
 * (for `khabar reindex`); without it the import brings every article's data up to date. */
static void test_no_related_leaves_lists_stale(void **state)
{
    struct fixture *f = *state;
    char buf[16384] = "";
    for (int i = 1; i <= 6; i++)
        add_record(buf, sizeof(buf), i, "sport", "فقرة عن مباراة كرة القدم في الملعب.");
    write_file(f->file, buf, strlen(buf));
    struct kb_import_opts opts = {.no_related = true};
    struct kb_import_report rep;
    struct kb_diag d;
    assert_int_equal(run(f, f->file, &opts, &rep, &d), 0);
    assert_int_equal(rep.created, 6);
    assert_int_equal(rep.related_seconds, 0);
    assert_int_equal(stale(f), 6);
    assert_int_equal(hits(f, "مباراة"), 6);

    buf[0] = '\0';
    for (int i = 7; i <= 8; i++)
        add_record(buf, sizeof(buf), i, "sport", "فقرة عن مباراة كرة القدم في الملعب.");
    write_file(f->file, buf, strlen(buf));
    assert_int_equal(run(f, f->file, NULL, &rep, &d), 0);
    assert_int_equal(rep.created, 2);
    assert_int_equal(stale(f), 0);
}

/* n records (numbered from 1) as xz; *len gets the compressed size. */
static uint8_t *xz_records(int n, size_t *len)
{
    size_t cap = (size_t)n * 400 + 1;
    char *buf = calloc(1, cap);
    for (int i = 1; i <= n; i++)
        add_record(buf, cap, i, i % 3 ? "sport" : "economy", NULL);
    size_t m = strlen(buf), bound = lzma_stream_buffer_bound(m), pos = 0;
    uint8_t *xz = malloc(bound);
    assert_int_equal(
        lzma_easy_buffer_encode(0, LZMA_CHECK_CRC64, NULL, (uint8_t *)buf, m, xz, &pos, bound),
        LZMA_OK);
    free(buf);
    *len = pos;
    return xz;
}

/* The reader thread runs ahead of the writer by a ring of items: every way out of the
 * import, with the reader parked on a full ring or still reading, stops and joins it (ASan
 * checks nothing leaks), and the line numbers, counts and what is written are those of a
 * reader in one thread. */
static void test_reader_thread_error_paths(void **state)
{
    struct fixture *f = *state;
    size_t len;
    uint8_t *xz = xz_records(600, &len);
    char path[160];
    snprintf(path, sizeof(path), "%s/many.xz", f->dir);
    struct kb_import_report rep;
    struct kb_diag d;

    /* --limit far before the end: the reader stops at the record past it. */
    write_file(path, xz, len);
    struct kb_import_opts opts = {.limit = 250, .mode = KB_IMPORT_SKIP_BAD, .batch = 100};
    assert_int_equal(run(f, path, &opts, &rep, &d), 0);
    assert_int_equal(rep.records, 250);
    assert_int_equal(rep.created, 250);
    assert_int_equal(count(f), 250);

    /* A cut .xz: a read error several rings after the start.  Atomic: nothing written. */
    write_file(path, xz, len * 2 / 3);
    opts = (struct kb_import_opts){0};
    assert_int_equal(run(f, path, &opts, &rep, &d), KB_EINVAL);
    assert_non_null(strstr(d.msg, "truncated"));
    unsigned long cut = d.line;
    if (cut <= 250 || cut >= 600)
        fail_msg("cut at line %lu: %s", cut, d.msg);
    assert_int_equal(count(f), 250);
    /* Skip-bad: every whole line before the cut is kept, the same line is named. */
    opts.mode = KB_IMPORT_SKIP_BAD;
    assert_int_equal(run(f, path, &opts, &rep, &d), KB_EINVAL);
    assert_int_equal(d.line, cut);
    assert_int_equal(count(f), cut - 1);
    assert_int_equal(rep.unchanged, 250);
    assert_int_equal(rep.created, cut - 1 - 250);

    /* A fatal database error on line 420 (a trigger the store does not expect) while the
     * reader is ahead: the import ends there naming the line; atomic writes nothing, and
     * skip-bad keeps the whole batches before it. */
    write_file(path, xz, len);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "CREATE TRIGGER t_fail BEFORE INSERT ON articles "
                                  "WHEN NEW.headline = 'الخبر رقم 420' "
                                  "BEGIN SELECT json('{'); END",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    size_t before = count(f);
    opts = (struct kb_import_opts){0};
    int rc = run(f, path, &opts, &rep, &d);
    assert_true(rc < 0);
    assert_false(rc == KB_EINVAL || rc == KB_ETOOBIG || rc == KB_EEXISTS);
    assert_int_equal(d.line, 420);
    assert_int_equal(count(f), before);
    opts = (struct kb_import_opts){.mode = KB_IMPORT_SKIP_BAD, .batch = 20};
    rc = run(f, path, &opts, &rep, &d);
    assert_true(rc < 0);
    assert_int_equal(d.line, 420);
    /* lines before..419 are new: whole batches of 20 of them were committed */
    assert_int_equal(count(f), before + (419 - before) / 20 * 20);
    assert_int_equal(sqlite3_exec(db, "DROP TRIGGER t_fail", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);

    /* Malformed lines far apart, atomic: every one reported with its own line number. */
    before = count(f);
    size_t cap = 600 * 400;
    char *buf = calloc(1, cap);
    for (int i = 1; i <= 600; i++) {
        if (i == 77 || i == 333 || i == 598)
            strcat(buf, "{\"title\": \"بلا نهاية\n");
        else
            add_record(buf, cap, 1000 + i, "sport", NULL);
    }
    write_file(f->file, buf, strlen(buf));
    free(buf);
    assert_int_equal(run(f, f->file, NULL, &rep, &d), KB_EINVAL);
    assert_int_equal(d.line, 77);
    const struct kb_import_skip *e = reason(&rep, "invalid JSON");
    assert_int_equal(e->count, 3);
    assert_int_equal(e->lines[0], 77);
    assert_int_equal(e->lines[1], 333);
    assert_int_equal(e->lines[2], 598);
    assert_int_equal(rep.records, 600);
    assert_int_equal(count(f), before);
    free(xz);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_good_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_atomic_bad_lines_write_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_skip_bad_imports_the_rest, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reimport_updates_not_duplicates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_repeated_key_first_wins, setup, teardown),
        cmocka_unit_test_setup_teardown(test_xz_dry_run_and_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_product_records_and_missing_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_index_follows_batched_imports, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_related_leaves_lists_stale, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reader_thread_error_paths, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
