/*
 * test_ninjs.c — ninjs items into articles and articles back into ninjs (lib/ingest/ninjs.c).
 *
 * Table-driven: each row is a small item of our own writing and the article fields it must
 * give, or the member and reason it must be refused with.  Then the file shapes (one item,
 * an array, JSON Lines, BOM, blank lines) with their line numbers, and the writer: every
 * member it emits is one of the 2.2 schema's, with the types the schema wants, and reading
 * the written item back gives the same article (the fixed point the importer relies on).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "khabar/ninjs.h"

static json_t *parse(const char *text)
{
    json_error_t e;
    json_t *v = json_loads(text, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &e);
    if (!v)
        fail_msg("test JSON does not parse: %s: %s", e.text, text);
    return v;
}

static void eq(const char *what, const char *want, const char *got)
{
    if (!want && !got)
        return;
    if (!want || !got || strcmp(want, got) != 0)
        fail_msg("%s: want \"%s\", got \"%s\"", what, want ? want : "(null)", got ? got : "(null)");
}

/* ---- the mapping, row by row ------------------------------------------------------- */

struct row {
    const char *name;
    const char *json;
    /* expectations (NULL: must be absent) */
    const char *headline, *lede, *body, *byline, *source, *language;
    const char *image_src, *image_alt, *image_caption, *image_credit, *image_copyright;
    const char *tags; /* joined with '|' */
    const char *version, *located;
    enum kb_ninjs_pubstatus pubstatus;
    int64_t versioncreated, embargoed;
};

static const struct row rows[] = {
    {"2.x item with every member",
     "{\"uri\":\"urn:t:1\",\"version\":\"3\",\"versioncreated\":\"2024-11-13T09:30:00+03:00\","
     "\"pubstatus\":\"usable\",\"language\":\"ar\",\"headlines\":[{\"role\":\"main\",\"value\":"
     "\"عنوان الخبر\"},{\"role\":\"sub\",\"value\":\"عنوان فرعي\"}],\"descriptions\":[{\"role\":"
     "\"summary\",\"value\":\"الموجز.\"}],\"bodies\":[{\"contenttype\":\"text/html\",\"value\":"
     "\"<p>نص <b>مهم</b></p><script>x()</script>\"}],\"by\":\"مراسل\",\"located\":\"دمشق\","
     "\"infosources\":[{\"name\":\"وكالة\"},{\"name\":\"وكالات\"}],\"subjects\":[{\"name\":"
     "\"اقتصاد\"},"
     "{\"name\":\"نفط\"},{\"name\":\"نفط\"}],\"associations\":[{\"name\":\"featureimage\",\"uri\":"
     "\"urn:t:p\",\"type\":\"picture\",\"headlines\":[{\"value\":\"بديل\"}],\"descriptions\":[{"
     "\"value\":\"تعليق\"}],\"by\":\"مصور\",\"copyrightnotice\":\"© "
     "وكالة\",\"renditions\":[{\"name\":"
     "\"small\",\"href\":\"https://i.example/s.jpg\",\"width\":10},{\"name\":\"big\",\"href\":"
     "\"https://i.example/b.jpg\",\"width\":900}]}]}",
     "عنوان الخبر", "الموجز.", "<p>نص <strong>مهم</strong></p>", "مراسل", "وكالة - وكالات", "ar",
     "https://i.example/b.jpg", "بديل", "تعليق", "مصور", "© وكالة", "اقتصاد|نفط", "3", "دمشق",
     KB_NINJS_USABLE, 1731479400, 0},
    {"sub headline becomes the lede; text body becomes paragraphs",
     "{\"uri\":\"urn:t:2\",\"headlines\":[{\"value\":\"Main\"},{\"role\":\"subheadline\",\"value\":"
     "\"Sub  line\"}],\"bodies\":[{\"value\":\"One & two.\\n\\n  Three <x>.\\n\"}]}",
     "Main", "Sub line", "<p>One &amp; two.</p>\n<p>Three &lt;x&gt;.</p>\n", NULL, NULL, NULL, NULL,
     NULL, NULL, NULL, NULL, "", NULL, NULL, KB_NINJS_USABLE, 0, 0},
    {"html preferred over text, html headline reduced to text",
     "{\"uri\":\"urn:t:3\",\"headlines\":[{\"contenttype\":\"text/html\",\"value\":\"<b>Bold</b> "
     "&amp; "
     "plain\"}],\"bodies\":[{\"contenttype\":\"text/plain\",\"value\":\"plain "
     "body\"},{\"contenttype\":"
     "\"text/html\",\"value\":\"<p>html body</p>\"}],\"pubstatus\":\"withheld\",\"version\":7}",
     "Bold & plain", NULL, "<p>html body</p>", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "",
     "7", NULL, KB_NINJS_WITHHELD, 0, 0},
    {"3.x camelCase names",
     "{\"uri\":\"urn:t:4\",\"versionCreated\":\"2025-01-01T00:00:00Z\",\"pubStatus\":\"canceled\","
     "\"embargoedUntil\":\"2025-01-02T00:00:00Z\",\"headlines\":[{\"value\":\"H\"}],\"bodies\":[{"
     "\"contentType\":\"text/html\",\"value\":\"<p>B</p>\"}],\"infoSources\":[{\"name\":\"Wire\"}],"
     "\"associations\":[{\"name\":\"x\",\"uri\":\"https://i.example/u.jpg\",\"type\":\"picture\","
     "\"copyrightHolder\":\"Holder\"}]}",
     "H", NULL, "<p>B</p>", NULL, "Wire", NULL, "https://i.example/u.jpg", NULL, NULL, NULL,
     "Holder", "", NULL, NULL, KB_NINJS_CANCELED, 1735689600, 1735776000},
    {"1.x strings and associations object",
     "{\"uri\":\"urn:t:5\",\"headline\":\"Old\",\"description_text\":\"Lede\",\"body_text\":\"T\","
     "\"associations\":{\"featureimage\":{\"uri\":\"urn:p\",\"description_text\":\"Cap\","
     "\"renditions\":"
     "{\"baseImage\":{\"href\":\"https://i.example/o.jpg\"}}}}}",
     "Old", "Lede", "<p>T</p>\n", NULL, NULL, NULL, "https://i.example/o.jpg", NULL, "Cap", NULL,
     NULL, "", NULL, NULL, KB_NINJS_USABLE, 0, 0},
    {"our own export's site path comes back as the path; a bad scheme is dropped",
     "{\"uri\":\"urn:t:6\",\"headlines\":[{\"value\":\"P\"}],\"bodies\":[{\"value\":\"b\"}],"
     "\"associations\":[{\"name\":\"featureimage\",\"uri\":\"urn:x\",\"type\":\"picture\","
     "\"renditions\":[{\"name\":\"original\",\"href\":\"khabar:/media/a.jpg\"}]},{\"name\":\"o\","
     "\"uri\":\"urn:y\",\"type\":\"picture\",\"renditions\":[{\"name\":\"original\",\"href\":"
     "\"javascript:alert(1)\"}]}]}",
     "P", NULL, "<p>b</p>\n", NULL, NULL, NULL, "/media/a.jpg", NULL, NULL, NULL, NULL, "", NULL,
     NULL, KB_NINJS_USABLE, 0, 0},
    {"control characters and line breaks in one-line fields",
     "{\"uri\":\"urn:t:7\",\"headlines\":[{\"value\":\"  A\\u0002\\nB\\t C  "
     "\"}],\"by\":\"x\\u2028y\","
     "\"bodies\":[{\"value\":\"b\"}]}",
     "A B C", NULL, "<p>b</p>\n", "x y", NULL, NULL, NULL, NULL, NULL, NULL, NULL, "", NULL, NULL,
     KB_NINJS_USABLE, 0, 0},
};

static void join_tags(const struct kb_article *a, char *out, size_t n)
{
    out[0] = '\0';
    for (size_t i = 0; i < a->ntags; i++) {
        strncat(out, i ? "|" : "", n - strlen(out) - 1);
        strncat(out, a->tags[i], n - strlen(out) - 1);
    }
}

static void test_mapping_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const struct row *w = &rows[i];
        json_t *v = parse(w->json);
        struct kb_ninjs_item it;
        kb_ninjs_item_init(&it);
        struct kb_diag d;
        kb_diag_clear(&d);
        if (kb_ninjs_item_from_json(v, &it, &d) != 0)
            fail_msg("%s: refused: %s: %s", w->name, d.field, d.msg);
        const struct kb_article *a = &it.a;
        char what[160], tags[512];
#define CHECK(field, want)                                                                         \
    do {                                                                                           \
        snprintf(what, sizeof(what), "%s: %s", w->name, #field);                                   \
        eq(what, want, field);                                                                     \
    } while (0)
        CHECK(a->headline, w->headline);
        CHECK(a->lede, w->lede);
        CHECK(a->body_html, w->body);
        CHECK(a->byline, w->byline);
        CHECK(a->source, w->source);
        CHECK(a->language, w->language);
        CHECK(a->image.src, w->image_src);
        CHECK(a->image.alt, w->image_alt);
        CHECK(a->image.caption, w->image_caption);
        CHECK(a->image.credit, w->image_credit);
        CHECK(a->image.copyright, w->image_copyright);
        CHECK(it.version, w->version);
        CHECK(it.located, w->located);
        join_tags(a, tags, sizeof(tags));
        snprintf(what, sizeof(what), "%s: tags", w->name);
        eq(what, w->tags, tags);
        assert_int_equal(it.pubstatus, w->pubstatus);
        assert_int_equal(it.versioncreated, w->versioncreated);
        assert_int_equal(it.embargoed, w->embargoed);
        assert_non_null(a->external_id);
        assert_int_equal(a->status, KB_STATUS_DRAFT); /* the engine decides */
        assert_null(a->section.slug);
        kb_ninjs_item_release(&it);
        json_decref(v);
    }
}

/* ---- refusals ------------------------------------------------------------------------ */

static const struct {
    const char *json, *field, *reason;
} bad[] = {
    {"{\"headlines\":[{\"value\":\"x\"}]}", "uri", "is required"},
    {"{\"uri\":\"  \"}", "uri", "is required"},
    {"{\"uri\":7}", "uri", "must be a string"},
    {"{\"uri\":\"u\",\"headlines\":\"x\"}", "headlines", "must be an array of objects"},
    {"{\"uri\":\"u\",\"headlines\":[\"x\"]}", "headlines", "item 1 is not an object"},
    {"{\"uri\":\"u\",\"headlines\":[{\"role\":\"main\"}]}", "headlines", "no \"value\""},
    {"{\"uri\":\"u\",\"bodies\":[{\"value\":3}]}", "bodies", "must be a string"},
    {"{\"uri\":\"u\",\"pubstatus\":\"gone\"}", "pubstatus", "is not one of"},
    {"{\"uri\":\"u\",\"versioncreated\":\"yesterday\"}", "versioncreated", ""},
    {"{\"uri\":\"u\",\"subjects\":[{\"name\":5}]}", "subjects", "must be a string"},
    {"{\"uri\":\"u\",\"by\":\"a\\u0000b\"}", "by", "NUL"},
    {"{\"uri\":\"u\",\"associations\":\"pic\"}", "associations", "must be an array"},
};

static void test_refusals(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        json_t *v = parse(bad[i].json);
        struct kb_ninjs_item it;
        kb_ninjs_item_init(&it);
        struct kb_diag d;
        kb_diag_clear(&d);
        int rc = kb_ninjs_item_from_json(v, &it, &d);
        if (rc == 0)
            fail_msg("accepted: %s", bad[i].json);
        if (strcmp(d.field, bad[i].field) != 0 || !strstr(d.msg, bad[i].reason))
            fail_msg("%s: want %s: ...%s..., got %s: %s", bad[i].json, bad[i].field, bad[i].reason,
                     d.field, d.msg);
        assert_null(it.a.external_id); /* untouched on failure */
        json_decref(v);
    }
}

/* ---- files ---------------------------------------------------------------------------- */

static void test_file_shapes(void **state)
{
    (void)state;
    struct kb_ninjs_file f = {0};
    struct kb_diag d;
    const char one[] = "\xEF\xBB\xBF {\"uri\":\"a\"}\n";
    assert_int_equal(kb_ninjs_parse_file(one, strlen(one), &f, &d), 0);
    assert_int_equal(f.n, 1);
    kb_ninjs_file_release(&f);
    const char arr[] = "[{\"uri\":\"a\"},\n{\"uri\":\"b\"}]";
    assert_int_equal(kb_ninjs_parse_file(arr, strlen(arr), &f, &d), 0);
    assert_int_equal(f.n, 2);
    kb_ninjs_file_release(&f);
    const char lines[] = "{\"uri\":\"a\"}\n\n  \n{\"uri\":\"b\"}\r\n{\"uri\":\"c\"}";
    assert_int_equal(kb_ninjs_parse_file(lines, strlen(lines), &f, &d), 0);
    assert_int_equal(f.n, 3);
    assert_int_equal(f.lines[0], 1);
    assert_int_equal(f.lines[1], 4);
    assert_int_equal(f.lines[2], 5);
    kb_ninjs_file_release(&f);

    static const struct {
        const char *text;
        unsigned long line;
        const char *reason;
    } refused[] = {
        {"{\"uri\":\"a\"}\n{\"uri\":\"b\"\n", 2, "invalid JSON"},
        {"{\"uri\":\"a\"}\n[1]\n", 2, "not a JSON object"},
        {"[{\"uri\":\"a\"}, 3]", 0, "item 2 of the array is not an object"},
        {"{\"uri\":\"a\",\n\"uri\":\"b\"}", 2, "duplicate key"},
        {"{\"uri\":\"\xC3\x28\"}", 1, "invalid UTF-8"},
        {"   \n", 0, "empty file"},
        {"[]", 0, "empty array"},
        {"\"text\"", 1, "invalid JSON"},
    };
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        kb_diag_clear(&d);
        int rc = kb_ninjs_parse_file(refused[i].text, strlen(refused[i].text), &f, &d);
        if (rc == 0 || d.line != refused[i].line || !strstr(d.msg, refused[i].reason))
            fail_msg("%zu: rc %d line %lu msg %s", i, rc, d.line, d.msg);
    }
}

/* ---- writing -------------------------------------------------------------------------- */

static void test_write_then_read(void **state)
{
    (void)state;
    struct kb_article a;
    kb_article_init(&a);
    char *tags[] = {"نقل", "مدن"};
    a.headline = "جسر جديد";
    a.lede = "موجز.";
    a.body_html = "<p>نص</p>";
    a.byline = "رنا";
    a.source = "خبر";
    a.language = "ar";
    a.status = KB_STATUS_SCHEDULED;
    a.published = 4102444800; /* 2100-01-01 */
    a.section.slug = "local";
    a.section.name = "محليات";
    a.tags = tags;
    a.ntags = 2;
    a.image.src = "https://i.example/b.jpg";
    a.image.caption = "تعليق";
    struct kb_ninjs_meta m = {.uri = "urn:khabar:article:9", .version = "2", .versioncreated = 1};
    struct kb_buf b;
    struct kb_json j;
    kb_buf_init(&b, 0);
    kb_json_init(&j, &b, KB_JSON_COMPACT);
    kb_ninjs_write(&a, &m, &j);
    assert_int_equal(kb_buf_err(&b), 0);
    json_t *v = parse(kb_buf_cstr(&b));
    /* only 2.2 members, with the schema's types */
    static const char *const allowed[] = {
        "uri",       "type",        "version",   "firstcreated", "versioncreated", "embargoed",
        "pubstatus", "language",    "headlines", "descriptions", "bodies",         "by",
        "located",   "infosources", "subjects",  "associations"};
    const char *key;
    json_t *val;
    json_object_foreach(v, key, val)
    {
        bool ok = false;
        for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
            ok = ok || strcmp(key, allowed[i]) == 0;
        if (!ok)
            fail_msg("member %s is not written by design", key);
    }
    eq("pubstatus", "usable", json_string_value(json_object_get(v, "pubstatus")));
    eq("embargoed", "2100-01-01T00:00:00+00:00",
       json_string_value(json_object_get(v, "embargoed")));
    assert_true(json_is_array(json_object_get(v, "headlines")));
    assert_true(json_is_string(json_object_get(v, "version")));

    struct kb_ninjs_item it;
    kb_ninjs_item_init(&it);
    struct kb_diag d;
    assert_int_equal(kb_ninjs_item_from_json(v, &it, &d), 0);
    eq("headline", a.headline, it.a.headline);
    eq("lede", a.lede, it.a.lede);
    eq("body", a.body_html, it.a.body_html);
    eq("source", a.source, it.a.source);
    eq("caption", a.image.caption, it.a.image.caption);
    eq("uri", m.uri, it.a.external_id);
    assert_int_equal(it.nsubjects, 3);
    eq("section subject", "section", it.subjects[0].rel);
    eq("section slug", "local", it.subjects[0].literal);
    assert_int_equal(it.embargoed, a.published);
    kb_ninjs_item_release(&it);
    json_decref(v);

    /* trashed: canceled; unpublished: withheld */
    a.status = KB_STATUS_UNPUBLISHED;
    m.trashed = true;
    kb_buf_reset(&b);
    kb_json_init(&j, &b, KB_JSON_COMPACT);
    kb_ninjs_write(&a, &m, &j);
    assert_non_null(strstr(kb_buf_cstr(&b), "\"pubstatus\":\"canceled\""));
    m.trashed = false;
    kb_buf_reset(&b);
    kb_json_init(&j, &b, KB_JSON_COMPACT);
    kb_ninjs_write(&a, &m, &j);
    assert_non_null(strstr(kb_buf_cstr(&b), "\"pubstatus\":\"withheld\""));
    kb_buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mapping_table),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_file_shapes),
        cmocka_unit_test(test_write_then_read),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
