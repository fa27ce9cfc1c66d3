/*
 * test_jsonl.c — JSON Lines input as an importer sees it: lines out of plain, .xz and .gz
 * bytes, and articles out of lines.
 *
 * Every input is written here: small JSONL texts of our own in both record shapes
 * (product.md's article JSON and the ANT corpus form), compressed in the test through
 * liblzma and zlib, then cut short or corrupted.  Checks are what an importing user sees:
 * the lines and their numbers, the article's fields, and for every refusal the line number
 * and a reason naming what is wrong.  The real ANT file ($KB_SHARED/data/ant) is read for
 * its first records when it is there (skipped otherwise).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include "khabar/jsonl.h"

/* ---- helpers ----------------------------------------------------------------------- */

static const char PRODUCT_LINE[] =
    "{\"id\": 7, \"slug\": \"weather-report\", \"status\": \"published\", \"section\": "
    "{\"slug\": \"local\", \"name\": \"محليات\"}, \"headline\": \"أمطار غزيرة على العاصمة\", "
    "\"lede\": \"توقعات بهطول أمطار.\", \"byline\": \"سارة علي\", \"source\": \"خبر\", "
    "\"language\": \"ar\", \"image\": {\"src\": \"/media/rain.jpg\", \"alt\": \"مطر\", "
    "\"caption\": null, \"credit\": null, \"copyright\": null}, \"body_html\": "
    "\"<p>هطلت الأمطار.</p>\", \"tags\": [\"طقس\", \"مطر\"], \"published\": "
    "\"2024-11-13T10:00:00+03:00\", \"updated\": \"2024-11-14T10:00:00+03:00\", "
    "\"reading_minutes\": 1, \"url\": \"/local/weather-report\"}";

static const char CORPUS_LINE[] =
    "{\"id\": \"XX-sport-1-20240101\", \"source\": \"example\", \"category\": \"sport\", "
    "\"url\": \"http://news.example/ar/sport/1.html\", \"title\": \"فوز كبير للفريق\", "
    "\"lede\": \"فاز الفريق بثلاثة أهداف.\", \"byline\": \"المحرر الرياضي\", "
    "\"published_raw\": \"Mon, 01 Jan 2024 20:00:00 +0400\", \"published\": "
    "\"2024-01-01T20:00:00+04:00\", \"body\": \"الفقرة الأولى عن <المباراة> & النتيجة.\\n\\n  "
    "الفقرة الثانية.  \\n\"}";

/* Read every line of `r`: the lines joined by '|' and their numbers joined by ','. */
static int read_all(struct kb_jsonl_reader *r, char *lines, size_t lsize, char *nums, size_t nsize,
                    struct kb_diag *d)
{
    lines[0] = nums[0] = '\0';
    for (;;) {
        struct kb_str line;
        unsigned long no = 0;
        int rc = kb_jsonl_next(r, &line, &no, d);
        if (rc <= 0)
            return rc;
        snprintf(lines + strlen(lines), lsize - strlen(lines), "%s%.*s", lines[0] ? "|" : "",
                 (int)line.n, line.p);
        snprintf(nums + strlen(nums), nsize - strlen(nums), "%s%lu", nums[0] ? "," : "", no);
    }
}

static struct kb_jsonl_reader *open_mem(const void *p, size_t n, size_t max_line)
{
    struct kb_jsonl_limits lim = {.max_line = max_line};
    struct kb_jsonl_reader *r = NULL;
    struct kb_diag d;
    kb_diag_clear(&d);
    if (kb_jsonl_open_mem(p, n, &lim, &r, &d) != 0)
        fail_msg("open: %s", d.msg);
    return r;
}

static unsigned char *xz_compress(const char *text, size_t n, size_t *out_n)
{
    size_t cap = lzma_stream_buffer_bound(n);
    unsigned char *out = malloc(cap);
    size_t pos = 0;
    assert_int_equal(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC64, NULL, (const uint8_t *)text, n,
                                             out, &pos, cap),
                     LZMA_OK);
    *out_n = pos;
    return out;
}

static unsigned char *gz_compress(const char *text, size_t n, size_t *out_n)
{
    z_stream z = {0};
    assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
    size_t cap = deflateBound(&z, (uLong)n) + 64;
    unsigned char *out = malloc(cap);
    z.next_in = (Bytef *)text;
    z.avail_in = (uInt)n;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    *out_n = cap - z.avail_out;
    deflateEnd(&z);
    return out;
}

static void parse_ok(const char *line, struct kb_article *a, enum kb_jsonl_shape *shape)
{
    struct kb_diag d;
    kb_diag_clear(&d);
    int rc = kb_jsonl_parse_article(line, strlen(line), a, shape, &d);
    if (rc)
        fail_msg("parse: %s: %s", d.field, d.msg);
}

/* Parse (and validate) a line expected to be refused; returns the reason name. */
static const char *refused(const char *line, size_t n, struct kb_diag *d)
{
    static char reason[64];
    struct kb_article a;
    kb_article_init(&a);
    kb_diag_clear(d);
    enum kb_jsonl_shape shape = KB_JSONL_ARTICLE;
    int rc = kb_jsonl_parse_article(line, n, &a, &shape, d);
    if (rc == 0)
        rc = kb_jsonl_validate(&a, shape, d);
    kb_article_release(&a);
    if (rc == 0)
        fail_msg("accepted: %.*s", (int)n, line);
    kb_jsonl_reason(d, reason, sizeof(reason));
    return reason;
}

/* ---- the line reader ----------------------------------------------------------------- */

static const char LINES[] = "\xEF\xBB\xBF{\"a\":1}\r\n\n   \n{\"b\":2}\n\t\n{\"c\":3}";

static void test_plain_lines(void **state)
{
    (void)state;
    struct kb_jsonl_reader *r = open_mem(LINES, sizeof(LINES) - 1, 0);
    char lines[256], nums[64];
    struct kb_diag d;
    assert_int_equal(read_all(r, lines, sizeof(lines), nums, sizeof(nums), &d), 0);
    /* BOM and CR dropped, blank lines skipped but counted, last line without '\n' kept. */
    assert_string_equal(lines, "{\"a\":1}|{\"b\":2}|{\"c\":3}");
    assert_string_equal(nums, "1,4,6");
    assert_int_equal(kb_jsonl_compression(r), KB_JSONL_PLAIN);
    assert_int_equal(kb_jsonl_bytes_in(r), sizeof(LINES) - 1);
    assert_int_equal(kb_jsonl_size(r), sizeof(LINES) - 1);
    /* At the end it stays at the end. */
    struct kb_str line;
    unsigned long no;
    assert_int_equal(kb_jsonl_next(r, &line, &no, &d), 0);
    kb_jsonl_close(r);
}

static void test_empty_input(void **state)
{
    (void)state;
    struct kb_jsonl_reader *r = open_mem("", 0, 0);
    struct kb_str line;
    unsigned long no;
    struct kb_diag d;
    assert_int_equal(kb_jsonl_next(r, &line, &no, &d), 0);
    kb_jsonl_close(r);
}

static void test_xz_and_gz_give_the_same_lines(void **state)
{
    (void)state;
    /* Enough text to cross the reader's buffers several times. */
    size_t n = 0, cap = 2 << 20;
    char *text = malloc(cap);
    for (int i = 1; n + 200 < cap; i++)
        n += (size_t)snprintf(text + n, cap - n, "{\"n\":%d,\"t\":\"سطر رقم %d\"}\n", i, i);
    struct kb_diag d;
    struct kb_jsonl_reader *r = open_mem(text, n, 0);
    unsigned long last = 0, count = 0;
    struct kb_str line;
    unsigned long no;
    while (kb_jsonl_next(r, &line, &no, &d) == 1) {
        last = no;
        count++;
    }
    kb_jsonl_close(r);
    assert_true(count > 20000);
    assert_int_equal(last, count);

    size_t zn = 0;
    unsigned char *xz = xz_compress(text, n, &zn);
    size_t gn = 0;
    unsigned char *gz = gz_compress(text, n, &gn);
    const struct {
        const unsigned char *p;
        size_t n;
        enum kb_jsonl_compression c;
    } inputs[] = {{xz, zn, KB_JSONL_XZ}, {gz, gn, KB_JSONL_GZIP}};
    for (size_t i = 0; i < 2; i++) {
        r = open_mem(inputs[i].p, inputs[i].n, 0);
        assert_int_equal(kb_jsonl_compression(r), inputs[i].c);
        unsigned long got = 0, lastno = 0;
        int rc;
        while ((rc = kb_jsonl_next(r, &line, &no, &d)) == 1) {
            got++;
            lastno = no;
            /* Spot-check the content of one line in the middle. */
            if (no == 12345)
                assert_memory_equal(line.p, "{\"n\":12345,", 11);
        }
        assert_int_equal(rc, 0);
        assert_int_equal(got, count);
        assert_int_equal(lastno, last);
        /* Progress is counted in compressed bytes. */
        assert_int_equal(kb_jsonl_bytes_in(r), inputs[i].n);
        kb_jsonl_close(r);
    }
    free(xz);
    free(gz);
    free(text);
}

static void test_gzip_members_concatenated(void **state)
{
    (void)state;
    size_t n1, n2;
    unsigned char *a = gz_compress("{\"a\":1}\n", 8, &n1);
    unsigned char *b = gz_compress("{\"b\":2}\n", 8, &n2);
    unsigned char *both = malloc(n1 + n2);
    memcpy(both, a, n1);
    memcpy(both + n1, b, n2);
    struct kb_jsonl_reader *r = open_mem(both, n1 + n2, 0);
    char lines[64], nums[16];
    struct kb_diag d;
    assert_int_equal(read_all(r, lines, sizeof(lines), nums, sizeof(nums), &d), 0);
    assert_string_equal(lines, "{\"a\":1}|{\"b\":2}");
    kb_jsonl_close(r);
    free(a);
    free(b);
    free(both);
}

/* A stream cut short: the lines before the cut come out, then an error naming the line
 * where reading stopped and saying "truncated". */
static void check_truncated(unsigned char *z, size_t zn, const char *kind)
{
    struct kb_jsonl_reader *r = open_mem(z, zn, 0);
    char lines[8192], nums[4096];
    struct kb_diag d;
    kb_diag_clear(&d);
    int rc = read_all(r, lines, sizeof(lines), nums, sizeof(nums), &d);
    assert_int_equal(rc, KB_EINVAL);
    assert_non_null(strstr(d.msg, "truncated"));
    assert_non_null(strstr(d.msg, kind));
    assert_true(d.line >= 1);
    /* The error sticks. */
    struct kb_str line;
    unsigned long no;
    struct kb_diag d2;
    assert_int_equal(kb_jsonl_next(r, &line, &no, &d2), KB_EINVAL);
    assert_int_equal(d2.line, d.line);
    kb_jsonl_close(r);
}

static void test_truncated_streams(void **state)
{
    (void)state;
    size_t n = 0, cap = 300000;
    char *text = malloc(cap);
    for (int i = 1; n + 100 < cap; i++)
        n += (size_t)snprintf(text + n, cap - n, "{\"n\":%d,\"x\":\"%08x\"}\n", i, i * 2654435761u);
    size_t zn;
    unsigned char *xz = xz_compress(text, n, &zn);
    check_truncated(xz, zn / 2, ".xz");
    check_truncated(xz, zn - 1, ".xz"); /* only the footer missing */
    free(xz);
    unsigned char *gz = gz_compress(text, n, &zn);
    check_truncated(gz, zn / 2, ".gz");
    check_truncated(gz, zn - 4, ".gz"); /* the length trailer missing */
    free(gz);
    free(text);
}

static void test_corrupt_xz(void **state)
{
    (void)state;
    const char *text = "{\"a\":1}\n{\"b\":2}\n";
    size_t zn;
    unsigned char *xz = xz_compress(text, strlen(text), &zn);
    xz[zn / 2] ^= 0x55;
    struct kb_jsonl_reader *r = open_mem(xz, zn, 0);
    char lines[64], nums[16];
    struct kb_diag d;
    int rc = read_all(r, lines, sizeof(lines), nums, sizeof(nums), &d);
    assert_int_equal(rc, KB_EINVAL);
    assert_non_null(strstr(d.msg, ".xz"));
    kb_jsonl_close(r);
    free(xz);
}

static void test_overlong_line_is_named_and_skipped(void **state)
{
    (void)state;
    char text[400];
    snprintf(text, sizeof(text), "{\"a\":1}\n{\"long\":\"%0100d\"}\n{\"c\":3}\n", 0);
    struct kb_jsonl_reader *r = open_mem(text, strlen(text), 50);
    struct kb_str line;
    unsigned long no;
    struct kb_diag d;
    assert_int_equal(kb_jsonl_next(r, &line, &no, &d), 1);
    assert_int_equal(no, 1);
    kb_diag_clear(&d);
    assert_int_equal(kb_jsonl_next(r, &line, &no, &d), KB_ETOOBIG);
    assert_int_equal(d.line, 2);
    assert_non_null(strstr(d.msg, "50 bytes"));
    char reason[64];
    kb_jsonl_reason(&d, reason, sizeof(reason));
    assert_string_equal(reason, "line too long");
    /* The reader goes on with the next line. */
    assert_int_equal(kb_jsonl_next(r, &line, &no, &d), 1);
    assert_int_equal(no, 3);
    assert_string_equal(line.p, "{\"c\":3}");
    assert_int_equal(kb_jsonl_next(r, &line, &no, &d), 0);
    kb_jsonl_close(r);

    /* Exactly at the cap is fine; CR does not count. */
    r = open_mem("12345\r\n", 7, 5);
    assert_int_equal(kb_jsonl_next(r, &line, &no, &d), 1);
    assert_int_equal(line.n, 5);
    kb_jsonl_close(r);
}

static void test_other_compressions_refused(void **state)
{
    (void)state;
    const struct {
        const char *bytes;
        size_t n;
        const char *name;
    } cases[] = {
        {"\x28\xB5\x2F\xFD\x00\x00", 6, "zstd"},
        {"BZh91AY&SY", 10, "bzip2"},
        {"PK\x03\x04\x14\x00", 6, "zip"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct kb_jsonl_reader *r = NULL;
        struct kb_diag d;
        kb_diag_clear(&d);
        assert_int_equal(kb_jsonl_open_mem(cases[i].bytes, cases[i].n, NULL, &r, &d), KB_EINVAL);
        assert_null(r);
        assert_non_null(strstr(d.msg, cases[i].name));
    }
}

static void test_open_file_and_fd(void **state)
{
    (void)state;
    char path[] = "/tmp/kb-test-jsonl-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t zn;
    unsigned char *xz = xz_compress(LINES, sizeof(LINES) - 1, &zn);
    assert_int_equal(write(fd, xz, zn), (ssize_t)zn);
    free(xz);
    /* By path: the name says nothing about xz, the bytes do. */
    struct kb_jsonl_reader *r = NULL;
    struct kb_diag d;
    kb_diag_clear(&d);
    assert_int_equal(kb_jsonl_open(path, NULL, &r, &d), 0);
    assert_int_equal(kb_jsonl_compression(r), KB_JSONL_XZ);
    assert_int_equal(kb_jsonl_size(r), zn);
    char lines[256], nums[64];
    assert_int_equal(read_all(r, lines, sizeof(lines), nums, sizeof(nums), &d), 0);
    assert_string_equal(lines, "{\"a\":1}|{\"b\":2}|{\"c\":3}");
    kb_jsonl_close(r);
    /* By descriptor, which stays open. */
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    assert_int_equal(kb_jsonl_open_fd(fd, NULL, &r, &d), 0);
    assert_int_equal(read_all(r, lines, sizeof(lines), nums, sizeof(nums), &d), 0);
    assert_string_equal(nums, "1,4,6");
    kb_jsonl_close(r);
    assert_int_equal(close(fd), 0);
    unlink(path);
    /* Missing file: KB_EIO naming it. */
    assert_int_equal(kb_jsonl_open(path, NULL, &r, &d), KB_EIO);
    assert_non_null(strstr(d.msg, path));
}

/* ---- records ------------------------------------------------------------------------- */

static void test_product_shape(void **state)
{
    (void)state;
    struct kb_article a;
    kb_article_init(&a);
    enum kb_jsonl_shape shape = KB_JSONL_CORPUS;
    parse_ok(PRODUCT_LINE, &a, &shape);
    assert_int_equal(shape, KB_JSONL_ARTICLE);
    assert_int_equal(a.id, 0); /* the other site's id is not ours */
    assert_string_equal(a.slug, "weather-report");
    assert_int_equal(a.status, KB_STATUS_PUBLISHED);
    assert_string_equal(a.section.slug, "local");
    assert_string_equal(a.section.name, "محليات");
    assert_string_equal(a.headline, "أمطار غزيرة على العاصمة");
    assert_string_equal(a.image.src, "/media/rain.jpg");
    assert_string_equal(a.body_html, "<p>هطلت الأمطار.</p>");
    assert_int_equal(a.ntags, 2);
    assert_string_equal(a.tags[1], "مطر");
    assert_int_equal(a.published, 1731481200);
    assert_int_equal(a.published_offset, 180);
    assert_int_equal(a.updated, 0);                              /* the store stamps its own */
    assert_string_equal(a.external_id, "/local/weather-report"); /* url, no external_id */
    struct kb_diag d;
    assert_int_equal(kb_jsonl_validate(&a, shape, &d), 0);
    kb_article_release(&a);

    /* external_id wins over url; an integer id is the key when there is nothing else. */
    parse_ok("{\"external_id\":\"agency:42\",\"url\":\"/x/"
             "y\",\"headline\":\"ع\",\"body_html\":\"<p>ن</p>\"}",
             &a, NULL);
    assert_string_equal(a.external_id, "agency:42");
    assert_int_equal(a.status, KB_STATUS_DRAFT); /* no status, no published time */
    assert_string_equal(a.language, "ar");
    parse_ok("{\"id\":42,\"headline\":\"ع\",\"body_html\":\"<p>ن</p>\"}", &a, NULL);
    assert_string_equal(a.external_id, "42");
    assert_int_equal(a.id, 0);
    parse_ok("{\"headline\":\"ع\",\"body_html\":\"<p>ن</p>\"}", &a, NULL);
    assert_null(a.external_id);

    /* A body from a file is untrusted: it is sanitized before anything stores it. */
    parse_ok("{\"headline\":\"ع\",\"body_html\":\"<p onclick=x()>ن<script>alert(1)</script></p>"
             "<a href='javascript:x'>رابط</a>\"}",
             &a, NULL);
    assert_null(strstr(a.body_html, "script"));
    assert_null(strstr(a.body_html, "onclick"));
    assert_null(strstr(a.body_html, "javascript"));
    assert_non_null(strstr(a.body_html, "<p>ن</p>"));
    assert_non_null(strstr(a.body_html, "رابط"));
    kb_article_release(&a);
}

static void test_corpus_shape(void **state)
{
    (void)state;
    struct kb_article a;
    kb_article_init(&a);
    enum kb_jsonl_shape shape = KB_JSONL_ARTICLE;
    parse_ok(CORPUS_LINE, &a, &shape);
    assert_int_equal(shape, KB_JSONL_CORPUS);
    assert_string_equal(a.headline, "فوز كبير للفريق");
    assert_string_equal(a.lede, "فاز الفريق بثلاثة أهداف.");
    assert_string_equal(a.byline, "المحرر الرياضي");
    assert_string_equal(a.source, "example");
    /* A known corpus category becomes the site's section. */
    assert_string_equal(a.section.slug, "sports");
    assert_string_equal(a.section.name, "رياضة");
    /* One paragraph a line, trimmed, escaped, blank lines dropped. */
    assert_string_equal(a.body_html, "<p>الفقرة الأولى عن &lt;المباراة&gt; &amp; النتيجة.</p>\n"
                                     "<p>الفقرة الثانية.</p>\n");
    assert_int_equal(a.published, 1704124800); /* 2024-01-01T16:00:00Z */
    assert_int_equal(a.published_offset, 240);
    assert_int_equal(a.status, KB_STATUS_PUBLISHED);
    assert_string_equal(a.external_id, "http://news.example/ar/sport/1.html");
    assert_string_equal(a.language, "ar");
    struct kb_diag d;
    assert_int_equal(kb_jsonl_validate(&a, shape, &d), 0);

    /* Without url the corpus id is the key; an unknown category is a section name. */
    parse_ok("{\"id\":\"AB-1\",\"category\":\"فنون\",\"title\":\"ع\",\"body\":\"ن\"}", &a, NULL);
    assert_string_equal(a.external_id, "AB-1");
    assert_null(a.section.slug);
    assert_string_equal(a.section.name, "فنون");
    assert_int_equal(a.status, KB_STATUS_DRAFT);

    /* Stray control characters in a corpus body are dropped, U+2028 becomes a space. */
    parse_ok("{\"title\":\"ع\",\"category\":\"sport\",\"body\":\"أ\\u0002ب\\u2028ج\\u0085د\\tهـ\"}",
             &a, NULL);
    assert_string_equal(a.body_html, "<p>أب جد\tهـ</p>\n");
    assert_int_equal(kb_jsonl_validate(&a, KB_JSONL_CORPUS, &d), 0);
    kb_article_release(&a);
}

static void test_ant_first_records(void **state)
{
    (void)state;
    const char *shared = getenv("KB_SHARED");
    char path[4096];
    snprintf(path, sizeof(path), "%s/data/ant/ant-v2.1.jsonl.xz", shared ? shared : "");
    if (!shared || access(path, R_OK) != 0) {
        printf("skipped: ../shared not found\n");
        skip();
    }
    struct kb_jsonl_reader *r = NULL;
    struct kb_diag d;
    kb_diag_clear(&d);
    assert_int_equal(kb_jsonl_open(path, NULL, &r, &d), 0);
    assert_int_equal(kb_jsonl_compression(r), KB_JSONL_XZ);
    struct kb_article a;
    kb_article_init(&a);
    for (unsigned long i = 1; i <= 200; i++) {
        struct kb_str line;
        unsigned long no;
        assert_int_equal(kb_jsonl_next(r, &line, &no, &d), 1);
        assert_int_equal(no, i);
        enum kb_jsonl_shape shape;
        if (kb_jsonl_parse_article(line.p, line.n, &a, &shape, &d) != 0 ||
            kb_jsonl_validate(&a, shape, &d) != 0)
            fail_msg("ANT line %lu: %s: %s", i, d.field, d.msg);
        assert_int_equal(shape, KB_JSONL_CORPUS);
        assert_non_null(a.section.slug);
        assert_true(strncmp(a.external_id, "http", 4) == 0);
        assert_true(strncmp(a.body_html, "<p>", 3) == 0);
        assert_true(a.published > 1500000000);
    }
    kb_article_release(&a);
    assert_true(kb_jsonl_bytes_in(r) < kb_jsonl_size(r));
    kb_jsonl_close(r);
}

static void test_malformed_records(void **state)
{
    (void)state;
    struct kb_diag d;
    const char *why;

    why = refused("{\"headline\": \"ع\", ", 18, &d);
    assert_string_equal(why, "invalid JSON");
    assert_non_null(strstr(d.msg, "column"));

    why = refused("{\"title\":\"\xD8\"}", 13, &d);
    assert_string_equal(why, "invalid UTF-8");

    why = refused("{\"title\":\"a\",\"title\":\"b\"}", 25, &d);
    assert_string_equal(why, "duplicate key");

    why = refused("[1,2]", 5, &d);
    assert_string_equal(why, "not a JSON object");

    why = refused("{\"title\": 5, \"body\": \"x\"}", 25, &d);
    assert_string_equal(why, "bad title");
    assert_string_equal(d.field, "title");

    why = refused("{\"headline\": [\"x\"], \"body_html\": \"x\"}", 37, &d);
    assert_string_equal(why, "bad headline");

    why = refused("{\"headline\": \"ع\", \"body_html\": \"<p>x</p>\", \"tags\": \"x\"}", 56, &d);
    assert_string_equal(why, "bad tags");

    why = refused(
        "{\"title\":\"ع\",\"body\":\"ن\",\"category\":\"sport\",\"published\":\"yesterday\"}",
        strlen("{\"title\":\"ع\",\"body\":\"ن\",\"category\":\"sport\",\"published\":"
               "\"yesterday\"}"),
        &d);
    assert_string_equal(why, "bad published");

    /* A missing headline is named as the record names it. */
    const char *no_title = "{\"category\":\"sport\",\"body\":\"نص\",\"published\":\"2024-01-01\"}";
    why = refused(no_title, strlen(no_title), &d);
    assert_string_equal(why, "missing title");
    const char *no_headline = "{\"section\":\"x\",\"body_html\":\"<p>x</p>\",\"headline\":\"  \"}";
    why = refused(no_headline, strlen(no_headline), &d);
    assert_string_equal(why, "missing headline");

    /* A NUL byte inside a line (outside a string) is invalid JSON, not a cut line. */
    why = refused("{\"title\":\"a\"}\0x", 15, &d);
    assert_string_equal(why, "invalid JSON");
    /* \u0000 in a string is refused by the parser. */
    why = refused("{\"title\":\"a\\u0000b\"}", 20, &d);
    assert_string_equal(why, "invalid JSON");
    /* A key of the wrong type. */
    why =
        refused("{\"url\": 5, \"title\":\"ع\",\"body\":\"ن\",\"category\":\"sport\"}",
                strlen("{\"url\": 5, \"title\":\"ع\",\"body\":\"ن\",\"category\":\"sport\"}"), &d);
    assert_string_equal(why, "bad url");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_lines),
        cmocka_unit_test(test_empty_input),
        cmocka_unit_test(test_xz_and_gz_give_the_same_lines),
        cmocka_unit_test(test_gzip_members_concatenated),
        cmocka_unit_test(test_truncated_streams),
        cmocka_unit_test(test_corrupt_xz),
        cmocka_unit_test(test_overlong_line_is_named_and_skipped),
        cmocka_unit_test(test_other_compressions_refused),
        cmocka_unit_test(test_open_file_and_fd),
        cmocka_unit_test(test_product_shape),
        cmocka_unit_test(test_corpus_shape),
        cmocka_unit_test(test_ant_first_records),
        cmocka_unit_test(test_malformed_records),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
