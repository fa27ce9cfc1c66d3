/*
 * test_import_wxr.c — `import wxr` against a real store: what a newsroom sees after
 * bringing a WordPress site in.
 *
 * A small Arabic export written here checks the mapping end to end (sections from
 * categories, the page in صفحات, the featured image from a later attachment, the draft),
 * that a re-import changes nothing, that a dry run writes nothing and that malformed XML
 * leaves the database exactly as it was.  Then the real exports of $KB_SHARED/data/wxr
 * (WordPress's importer test files and the theme unit test; skipped without ../shared):
 * every file imports or is refused as its name says, the theme unit test yields the
 * numbers counted from the file by hand with xmllint (below), the UTF-8 "challenges" file
 * keeps its characters, and importing each file twice changes nothing the second time.
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
#include <unistd.h>
#include <sys/stat.h>
#include "khabar/engine.h"
#include "khabar/newsroom_store.h"
#include "khabar/user.h"
#include "khabar/wxr.h"

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

static int open_store(struct fixture *f)
{
    struct kb_diag d;
    kb_diag_clear(&d);
    if (kb_store_open(f->db, KB_STORE_CREATE, &f->s, &d) != 0)
        return -1;
    kb_store_set_clock(f->s, fixed_now);
    return 0;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    snprintf(f->dir, sizeof(f->dir), "/tmp/kb-test-import-wxr-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->db, sizeof(f->db), "%s/k.db", f->dir);
    snprintf(f->file, sizeof(f->file), "%s/in.xml", f->dir);
    if (open_store(f))
        return -1;
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

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

#define HEAD                                                                                       \
    "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n"                                                \
    "<rss version=\"2.0\" xmlns:excerpt=\"http://wordpress.org/export/1.1/excerpt/\"\n"            \
    " xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"\n"                                \
    " xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "                                              \
    "xmlns:wp=\"http://wordpress.org/export/1.1/\">\n"                                             \
    "<channel>\n<wp:wxr_version>1.1</wp:wxr_version>\n"

#define POST(id, title, slug, cat, status, extra)                                                  \
    "<item><title>" title "</title><link>https://old.example/?p=" #id "</link>"                    \
    "<dc:creator>sara</dc:creator><content:encoded><![CDATA[<!-- wp:paragraph -->\n<p>نص "       \
    "الخبر " #id "</p>\n<!-- /wp:paragraph -->]]></content:encoded>"                               \
    "<wp:post_id>" #id "</wp:post_id><wp:post_date>2024-03-01 12:00:00</wp:post_date>"             \
    "<wp:post_date_gmt>2024-03-01 10:00:00</wp:post_date_gmt><wp:post_name>" slug                  \
    "</wp:post_name><wp:status>" status "</wp:status><wp:post_type>post</wp:post_type>"            \
    "<category domain=\"category\" nicename=\"" cat "\"><![CDATA[" cat "]]></category>" extra      \
    "</item>\n"

static const char EXPORT[] = HEAD
    "<wp:author><wp:author_login>sara</wp:author_login>"
    "<wp:author_display_name><![CDATA[سارة علي]]></wp:author_display_name></wp:author>\n"
    "<wp:category><wp:category_nicename>%d8%b1%d9%8a%d8%a7%d8%b6%d8%a9</wp:category_nicename>"
    "<wp:category_parent></wp:category_parent><wp:cat_name>رياضة "
    "محلية</wp:cat_name></wp:category>\n"
    "<wp:category><wp:category_nicename>economy</wp:category_nicename>"
    "<wp:category_parent></wp:category_parent><wp:cat_name>اقتصاد</wp:cat_name></"
    "wp:category>\n" POST(
        1, "فوز الفريق", "%d9%81%d9%88%d8%b2", "%d8%b1%d9%8a%d8%a7%d8%b6%d8%a9", "publish",
        "<category domain=\"post_tag\" nicename=\"t\">كرة</category>"
        "<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>50</wp:meta_value>"
        "</wp:postmeta>") POST(2, "أسعار النفط", "oil", "economy", "draft", "")
        POST(3, "خاص", "private-one", "economy", "private",
             "") "<item><title>من نحن</title><link>https://old.example/about/</link>"
                 "<content:encoded>فريق التحرير.</content:encoded><wp:post_id>4</wp:post_id>"
                 "<wp:post_date_gmt>2024-01-01 "
                 "00:00:00</wp:post_date_gmt><wp:post_name>about</wp:post_name>"
                 "<wp:status>publish</wp:status><wp:post_type>page</wp:post_type></item>\n"
                 "<item><title>صورة</title><link>https://old.example/img/</link><wp:post_id>50</"
                 "wp:post_id>"
                 "<excerpt:encoded>اللاعبون يحتفلون</excerpt:encoded><wp:status>inherit</wp:status>"
                 "<wp:post_type>attachment</wp:post_type>"
                 "<wp:attachment_url>https://old.example/uploads/goal.jpg</wp:attachment_url>"
                 "<wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key>"
                 "<wp:meta_value>هدف</wp:meta_value></wp:postmeta></item>\n"
                 "</channel>\n</rss>\n";

static size_t count_articles(struct kb_store *s)
{
    size_t n = 0;
    assert_int_equal(kb_store_article_count(s, &n, NULL), 0);
    return n;
}

static void test_import_export(void **state)
{
    struct fixture *f = *state;
    write_file(f->file, EXPORT);
    struct kb_import_report rep;
    struct kb_diag d;
    kb_diag_clear(&d);

    /* dry run: the counts, nothing written */
    struct kb_import_opts dry = {.dry_run = true};
    assert_int_equal(kb_engine_import_wxr(f->s, f->file, &dry, &rep, &d), 0);
    assert_int_equal(rep.created, 3);
    assert_int_equal(count_articles(f->s), 0);

    assert_int_equal(kb_engine_import_wxr(f->s, f->file, NULL, &rep, &d), 0);
    assert_int_equal(rep.created, 3); /* two posts and the page */
    assert_int_equal(rep.skipped, 2); /* the private post and the attachment */
    assert_int_equal(rep.authors, 1);
    assert_int_equal(rep.categories, 2);
    bool saw_private = false;
    for (size_t i = 0; i < rep.nreasons; i++)
        if (!strcmp(rep.reasons[i].reason, "private post"))
            saw_private = rep.reasons[i].count == 1;
    assert_true(saw_private);

    struct kb_article a;
    kb_article_init(&a);
    assert_int_equal(kb_store_article_get_slug(f->s, "فوز", &a, &d), 0);
    assert_string_equal(a.headline, "فوز الفريق");
    assert_string_equal(a.section.slug, "رياضة");
    assert_string_equal(a.section.name, "رياضة محلية");
    assert_string_equal(a.byline, "سارة علي");
    assert_int_equal(a.status, KB_STATUS_PUBLISHED);
    assert_int_equal(a.published_offset, 120);
    assert_string_equal(a.image.src, "https://old.example/uploads/goal.jpg");
    assert_string_equal(a.image.alt, "هدف");
    assert_string_equal(a.image.caption, "اللاعبون يحتفلون");
    assert_int_equal(a.ntags, 1);
    assert_string_equal(a.tags[0], "كرة");
    assert_string_equal(a.external_id, "https://old.example/?p=1");

    assert_int_equal(kb_store_article_get_slug(f->s, "oil", &a, &d), 0);
    assert_int_equal(a.status, KB_STATUS_DRAFT);
    assert_string_equal(a.section.name, "اقتصاد");
    assert_int_equal(kb_store_article_get_slug(f->s, "about", &a, &d), 0);
    assert_string_equal(a.section.slug, "pages");
    assert_string_equal(a.section.name, "صفحات");
    kb_article_release(&a);

    /* again: nothing changes */
    assert_int_equal(kb_engine_import_wxr(f->s, f->file, NULL, &rep, &d), 0);
    assert_int_equal(rep.created, 0);
    assert_int_equal(rep.updated, 0);
    assert_int_equal(rep.unchanged, 3);
    assert_int_equal(rep.sections_created, 0);
    assert_int_equal(count_articles(f->s), 3);
}

static void test_malformed_writes_nothing(void **state)
{
    struct fixture *f = *state;
    write_file(f->file, EXPORT);
    struct kb_import_report rep;
    struct kb_diag d;
    kb_diag_clear(&d);
    assert_int_equal(kb_engine_import_wxr(f->s, f->file, NULL, &rep, &d), 0);
    /* the same export with an edited post and then a broken tag near the end */
    char *bad = strdup(EXPORT);
    char *p = strstr(bad, "فوز الفريق");
    memcpy(p, "فاز", strlen("فاز"));
    p = strstr(bad, "</channel>");
    memcpy(p, "</channol>", 10);
    write_file(f->file, bad);
    free(bad);
    kb_diag_clear(&d);
    assert_int_equal(kb_engine_import_wxr(f->s, f->file, NULL, &rep, &d), KB_EINVAL);
    assert_int_equal(d.line, 21);
    assert_non_null(strstr(d.msg, "malformed XML"));
    struct kb_article a;
    kb_article_init(&a);
    assert_int_equal(kb_store_article_get_slug(f->s, "فوز", &a, &d), 0);
    assert_string_equal(a.headline, "فوز الفريق"); /* not updated */
    kb_article_release(&a);
    assert_int_equal(count_articles(f->s), 3);
}

/* ---- the real files ---------------------------------------------------------------- */

static const char *shared_wxr(char *buf, size_t size, const char *sub)
{
    const char *sh = getenv("KB_SHARED");
    if (!sh)
        sh = "../shared";
    snprintf(buf, size, "%s/data/wxr/%s", sh, sub);
    return access(buf, R_OK) == 0 ? buf : NULL;
}

/* WordPress's importer refuses these (not well-formed, or no valid wp:wxr_version). */
static bool refused(const char *name)
{
    static const char *const bad[] = {"malformed.xml", "malformed-simple.xml", "crazy-cdata.xml",
                                      "invalid-version-tag.xml", "missing-version-tag.xml"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (!strcmp(name, bad[i]))
            return true;
    return false;
}

static void import_dir(struct fixture *f, const char *dir, size_t *nfiles)
{
    DIR *dp = opendir(dir);
    assert_non_null(dp);
    struct dirent *de;
    while ((de = readdir(dp))) {
        size_t n = strlen(de->d_name);
        if (n < 5 || strcmp(de->d_name + n - 4, ".xml"))
            continue;
        char path[600];
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        /* each file into an empty database */
        kb_store_close(f->s);
        unlink(f->db);
        assert_int_equal(open_store(f), 0);
        struct kb_import_report rep, again;
        struct kb_diag d;
        kb_diag_clear(&d);
        int rc = kb_engine_import_wxr(f->s, path, NULL, &rep, &d);
        if (refused(de->d_name)) {
            if (rc != KB_EINVAL || d.line == 0 || !d.msg[0])
                fail_msg("%s: expected a refusal naming a line, got rc %d line %lu \"%s\"",
                         de->d_name, rc, d.line, d.msg);
            assert_int_equal(count_articles(f->s), 0);
        } else {
            if (rc != 0)
                fail_msg("%s: %d at line %lu: %s", de->d_name, rc, d.line, d.msg);
            assert_int_equal(kb_engine_import_wxr(f->s, path, NULL, &again, &d), 0);
            if (again.created || again.updated || again.unchanged != rep.created)
                fail_msg("%s: re-import: %zu created, %zu updated, %zu unchanged of %zu",
                         de->d_name, again.created, again.updated, again.unchanged, rep.created);
        }
        (*nfiles)++;
    }
    closedir(dp);
}

static void test_shared_files(void **state)
{
    struct fixture *f = *state;
    char a[512], b[512];
    if (!shared_wxr(a, sizeof(a), "wordpress-importer") ||
        !shared_wxr(b, sizeof(b), "theme-test-data")) {
        printf("skipped: ../shared not found\n");
        skip();
    }
    size_t n = 0;
    import_dir(f, a, &n);
    import_dir(f, b, &n);
    assert_true(n >= 30);
}

/* Counted once by hand from the file with xmllint --xpath, e.g.
 *   count(//item[*[local-name()='post_type']='post'])                      58
 *   count(//item[*[local-name()='post_type']='page'])                      21
 *   count(//item[*[local-name()='post_type']='attachment'])                37
 *   count(//item[*[local-name()='post_type']='nav_menu_item'])             70
 *   count(//item)                                                          186
 *   posts and pages whose content:encoded is blank (normalize-space)       2
 *   count(/rss/channel/wp:category)                         68
 *   count(/rss/channel/wp:tag)                              110
 *   count(/rss/channel/wp:author)                           2 */
static void test_theme_unit_test(void **state)
{
    struct fixture *f = *state;
    char path[512];
    if (!shared_wxr(path, sizeof(path), "wordpress-importer/theme-unit-test-data.xml")) {
        printf("skipped: ../shared not found\n");
        skip();
    }
    struct kb_import_report rep;
    struct kb_diag d;
    kb_diag_clear(&d);
    assert_int_equal(kb_engine_import_wxr(f->s, path, NULL, &rep, &d), 0);
    assert_int_equal(rep.records, 186);
    assert_int_equal(rep.created, 58 + 21 - 2);
    assert_int_equal(rep.skipped, 37 + 70 + 2);
    assert_int_equal(rep.categories, 68);
    assert_int_equal(rep.tags, 110);
    assert_int_equal(rep.authors, 2);
    size_t att = 0, nav = 0, empty = 0;
    for (size_t i = 0; i < rep.nreasons; i++) {
        if (strstr(rep.reasons[i].reason, "attachment"))
            att = rep.reasons[i].count;
        if (strstr(rep.reasons[i].reason, "nav_menu_item"))
            nav = rep.reasons[i].count;
        if (strstr(rep.reasons[i].reason, "empty content"))
            empty = rep.reasons[i].count;
    }
    assert_int_equal(att, 37);
    assert_int_equal(nav, 70);
    assert_int_equal(empty, 2);
    assert_int_equal(count_articles(f->s), 77);
    /* the category tree: 10 categories name a parent (grep -c of a non-empty
     * wp:category_parent), three levels under parent-category */
    assert_int_equal(rep.sections_nested, 10);
    struct kb_section sec = {0};
    assert_int_equal(kb_store_section_get(f->s, "grandchild-category", &sec, NULL), 0);
    assert_string_equal(sec.parent, "child-category-03");
    assert_int_equal(kb_store_section_get(f->s, "child-category-03", &sec, NULL), 0);
    assert_string_equal(sec.parent, "parent-category");
    assert_int_equal(kb_store_section_get(f->s, "parent-category", &sec, NULL), 0);
    assert_null(sec.parent);
    kb_section_release(&sec);
    /* the two declared authors are users; every article's link is an old address (one is
     * "/?page_id=N"), and so is every article's "/?p=<post id>" ("/?page_id=" for pages) —
     * that one page's counted once: 77 + 76 */
    assert_int_equal(rep.users_created, 2);
    assert_int_equal(rep.redirects, 153);
}

/* The Arabic export of our own writing (tests/fixtures/wxr/arabic-news.xml): categories
 * three levels deep with percent-encoded Arabic nicenames, authors (one whose login is no
 * user name), Gutenberg blocks, [caption] in a shortcode block, [gallery], an unknown
 * [contact-form-7], brackets in prose, featured images (one file present, one missing). */
static bool fixture_path(char *out, size_t n, const char *rel)
{
    const char *src = getenv("KB_SOURCE");
    snprintf(out, n, "%s/%s", src && *src ? src : ".", rel);
    return access(out, R_OK) == 0;
}

static size_t warned(const struct kb_import_report *rep, const char *what)
{
    for (size_t i = 0; i < rep->nwarnings; i++)
        if (strstr(rep->warnings[i].reason, what))
            return rep->warnings[i].count;
    return 0;
}

static const char TANK[] = "\xff\xd8\xff\xe0 our own test bytes, not a real photo";

static void test_arabic_export(void **state)
{
    struct fixture *f = *state;
    char path[512], up[200], media[200], file[400];
    assert_true(fixture_path(path, sizeof(path), "tests/fixtures/wxr/arabic-news.xml"));
    snprintf(up, sizeof(up), "%s/up", f->dir);
    snprintf(media, sizeof(media), "%s/media", f->dir);
    /* the uploads copy in its short form: DIR/2023/10/<file> */
    snprintf(file, sizeof(file), "%s/2023", up);
    assert_int_equal(mkdir(up, 0755) | mkdir(file, 0755), 0);
    snprintf(file, sizeof(file), "%s/2023/10", up);
    assert_int_equal(mkdir(file, 0755), 0);
    snprintf(file, sizeof(file), "%s/2023/10/خزان-المياه.jpg", up);
    write_file(file, TANK);

    struct kb_import_opts opts = {.media_dir = up, .media_store = media};
    struct kb_import_report rep;
    struct kb_diag d;
    kb_diag_clear(&d);
    assert_int_equal(kb_engine_import_wxr(f->s, path, &opts, &rep, &d), 0);
    assert_int_equal(rep.created, 5); /* 3 posts, the page, the draft */
    assert_int_equal(rep.skipped, 4); /* private, menu item, 2 attachments */
    assert_int_equal(rep.sections_created, 8);
    assert_int_equal(rep.sections_nested, 5);
    assert_int_equal(rep.users_created, 2);
    assert_int_equal(rep.redirects, 10); /* 5 links and 5 "/?p=<id>" */
    assert_int_equal(rep.media_copied, 1);
    assert_int_equal(warned(&rep, "shortcode [contact-form-7] unknown"), 1);
    assert_int_equal(warned(&rep, "shortcode [gallery] removed"), 1);
    assert_int_equal(warned(&rep, "shortcode [1]"), 0); /* prose */
    assert_int_equal(warned(&rep, "media file not in --media-dir"), 1);
    assert_int_equal(warned(&rep, "author login not usable"), 1);

    /* Arabic slugs decoded; the tree kept */
    struct kb_section sec = {0};
    assert_int_equal(kb_store_section_get(f->s, "بلديات", &sec, NULL), 0);
    assert_string_equal(sec.parent, "محليات");
    assert_int_equal(kb_store_section_get(f->s, "محليات", &sec, NULL), 0);
    assert_string_equal(sec.parent, "أخبار");
    assert_int_equal(kb_store_section_get(f->s, "الشرق-الأوسط", &sec, NULL), 0);
    assert_string_equal(sec.name, "الشرق الأوسط");
    assert_string_equal(sec.parent, "دولي");
    kb_section_release(&sec);

    struct kb_article a;
    kb_article_init(&a);
    assert_int_equal(kb_store_article_get_slug(f->s, "المجلس-البلدي-يقر-خطة-المياه", &a, NULL), 0);
    assert_string_equal(a.section.slug, "بلديات");
    assert_null(strstr(a.body_html, "wp:"));
    assert_null(strstr(a.body_html, "[caption"));
    assert_non_null(
        strstr(a.body_html, "<figcaption>خزان المياه القديم في الحي الشرقي</figcaption>"));
    assert_non_null(strstr(a.body_html, "<h2>ما الذي تتضمنه الخطة؟</h2>"));
    assert_non_null(strstr(a.body_html, "<li>بناء خزانين في المرتفعات</li>"));
    assert_string_equal(a.lede, "خطة بكلفة كبيرة تصل إلى الأحياء الشرقية خلال عامين.");
    assert_string_equal(a.byline, "هالة منصور");
    assert_string_equal(a.image.alt, "خزان المياه في الحي الشرقي");
    /* the featured image copied by content: /media/<2 hex>/<sha256>.jpg, same bytes */
    assert_int_equal(strncmp(a.image.src, "/media/", 7), 0);
    assert_int_equal(strlen(a.image.src), strlen("/media/ab/") + 64 + 4);
    snprintf(file, sizeof(file), "%s/%s", media, a.image.src + 7);
    struct stat st;
    assert_int_equal(stat(file, &st), 0);
    assert_int_equal((size_t)st.st_size, strlen(TANK));
    /* the author is a user without a password: nothing signs in as them */
    struct kb_article_meta meta;
    assert_int_equal(kb_store_article_meta(f->s, a.id, &meta, NULL), 0);
    assert_string_equal(meta.author_name, "hala");
    struct kb_user u = {0};
    assert_int_equal(kb_store_user_get(f->s, "hala", 0, &u, NULL), 0);
    assert_int_equal(u.role, KB_ROLE_AUTHOR);
    assert_string_equal(u.pwhash, "");
    assert_false(kb_password_verify(u.pwhash, ""));
    assert_false(kb_password_verify(u.pwhash, "any password at all"));
    kb_user_release(&u);
    int64_t first = a.id;

    /* the old percent-encoded address (either case) leads to the article */
    struct kb_buf p, loc;
    kb_buf_init(&p, 0);
    kb_buf_init(&loc, 0);
    assert_int_equal(
        kb_redirect_path(
            "https://akhbar.example/2023/10/"
            "%D8%A7%D9%84%D9%85%D8%AC%D9%84%D8%B3-%D8%A7%D9%84%D8%A8%D9%84%D8%AF%D9%8A-"
            "%D9%8A%D9%82%D8%B1-%D8%AE%D8%B7%D8%A9-%D8%A7%D9%84%D9%85%D9%8A%D8%A7%D9%87/",
            &p, NULL),
        0);
    assert_int_equal(kb_store_redirect_find(f->s, kb_buf_cstr(&p), fixed_now(), &loc, NULL), 0);
    struct kb_buf want;
    kb_buf_init(&want, 0);
    kb_article_url(&want, &a);
    assert_string_equal(kb_buf_cstr(&loc), kb_buf_cstr(&want));
    kb_buf_release(&want);
    /* the draft's old address is not redirected to */
    kb_buf_reset(&p);
    kb_buf_reset(&loc);
    assert_int_equal(kb_redirect_path("/2023/10/%d9%85%d8%b3%d9%88%d8%af%d8%a9-"
                                      "%d8%a7%d9%84%d9%85%d9%8a%d8%b2%d8%a7%d9%86%d9%8a%d8%a9/",
                                      &p, NULL),
                     0);
    assert_int_equal(kb_store_redirect_find(f->s, kb_buf_cstr(&p), fixed_now(), &loc, NULL),
                     KB_ENOTFOUND);
    kb_buf_release(&p);
    kb_buf_release(&loc);

    /* the author whose login is no user name: byline only */
    assert_int_equal(kb_store_article_get_slug(f->s, "وفد-إقليمي-يزور-العاصمة", &a, NULL), 0);
    assert_string_equal(a.byline, "مكتب التحرير");
    assert_int_equal(kb_store_article_meta(f->s, a.id, &meta, NULL), 0);
    assert_int_equal(meta.author_id, 0);
    kb_article_release(&a);

    /* again: nothing new, no user twice, the file not copied twice */
    struct kb_import_report again;
    assert_int_equal(kb_engine_import_wxr(f->s, path, &opts, &again, &d), 0);
    assert_int_equal(again.created + again.updated, 0);
    assert_int_equal(again.unchanged, 5);
    assert_int_equal(again.users_created, 0);
    assert_int_equal(again.media_copied, 0);
    assert_int_equal(again.sections_created + again.sections_nested, 0);
    struct kb_user *users;
    size_t nusers;
    assert_int_equal(kb_store_user_list(f->s, &users, &nusers, NULL), 0);
    assert_int_equal(nusers, 2);
    kb_users_free(users, nusers);
    kb_article_init(&a);
    assert_int_equal(kb_store_article_get(f->s, first, &a, NULL), 0);
    kb_article_release(&a);
}

/* A symbolic link in the uploads copy that leads outside it is not followed: the file it
 * points at is never published as a photo. */
static void test_media_symlink_outside(void **state)
{
    struct fixture *f = *state;
    char path[512], up[200], media[200], file[400], secret[300];
    assert_true(fixture_path(path, sizeof(path), "tests/fixtures/wxr/arabic-news.xml"));
    snprintf(up, sizeof(up), "%s/up", f->dir);
    snprintf(media, sizeof(media), "%s/media", f->dir);
    snprintf(secret, sizeof(secret), "%s/secret.txt", f->dir);
    write_file(secret, "not for the public");
    snprintf(file, sizeof(file), "%s/2023", up);
    assert_int_equal(mkdir(up, 0755) | mkdir(file, 0755), 0);
    snprintf(file, sizeof(file), "%s/2023/10", up);
    assert_int_equal(mkdir(file, 0755), 0);
    snprintf(file, sizeof(file), "%s/2023/10/خزان-المياه.jpg", up);
    assert_int_equal(symlink(secret, file), 0);
    struct kb_import_opts opts = {.media_dir = up, .media_store = media, .no_related = true};
    struct kb_import_report rep;
    assert_int_equal(kb_engine_import_wxr(f->s, path, &opts, &rep, NULL), 0);
    assert_int_equal(rep.media_copied, 0);
    assert_int_equal(warned(&rep, "media file refused"), 1);
    assert_int_equal(access(media, F_OK), -1); /* nothing was copied anywhere */
    struct kb_article a;
    kb_article_init(&a);
    assert_int_equal(kb_store_article_get_slug(f->s, "المجلس-البلدي-يقر-خطة-المياه", &a, NULL), 0);
    assert_int_equal(strncmp(a.image.src, "https://", 8), 0);
    kb_article_release(&a);
}

/* --authors bylines: no user is made, the byline stays. */
static void test_arabic_export_bylines(void **state)
{
    struct fixture *f = *state;
    char path[512];
    assert_true(fixture_path(path, sizeof(path), "tests/fixtures/wxr/arabic-news.xml"));
    struct kb_import_opts opts = {.authors = KB_AUTHORS_BYLINES};
    struct kb_import_report rep;
    assert_int_equal(kb_engine_import_wxr(f->s, path, &opts, &rep, NULL), 0);
    assert_int_equal(rep.created, 5);
    assert_int_equal(rep.users_created, 0);
    struct kb_user *users;
    size_t nusers;
    assert_int_equal(kb_store_user_list(f->s, &users, &nusers, NULL), 0);
    assert_int_equal(nusers, 0);
    kb_users_free(users, nusers);
    struct kb_article a;
    kb_article_init(&a);
    assert_int_equal(kb_store_article_get_slug(f->s, "الفريق-المحلي-يفوز", &a, NULL), 0);
    assert_string_equal(a.byline, "كريم سعيد");
    /* no --media-dir: the featured image stays the remote URL */
    assert_string_equal(a.image.src,
                        "https://akhbar.example/wp-content/uploads/2023/10/stadium.jpg");
    kb_article_release(&a);
}

static void test_utf8_challenges(void **state)
{
    struct fixture *f = *state;
    char path[512];
    if (!shared_wxr(path, sizeof(path), "wordpress-importer/wxr-utf-8-challenges.xml")) {
        printf("skipped: ../shared not found\n");
        skip();
    }
    struct kb_import_report rep;
    struct kb_diag d;
    kb_diag_clear(&d);
    assert_int_equal(kb_engine_import_wxr(f->s, path, NULL, &rep, &d), 0);
    assert_int_equal(rep.created, 1);

    /* the title, excerpt and author as the file has them */
    struct kb_wxr_reader *r;
    assert_int_equal(kb_wxr_open(path, &r, &d), 0);
    struct kb_wxr_entry e;
    char *title = NULL, *excerpt = NULL, *author = NULL;
    int k;
    while ((k = kb_wxr_next(r, &e, &d)) > 0) {
        if (k == KB_WXR_AUTHOR)
            author = strdup(e.author.display_name);
        if (k == KB_WXR_ITEM) {
            title = strdup(e.item.title);
            excerpt = strdup(e.item.excerpt);
        }
    }
    assert_int_equal(k, 0);
    kb_wxr_close(r);

    struct kb_article *v = NULL;
    size_t n = 0;
    struct kb_article_query q = {.limit = 10, .fields = KB_FIELDS_FULL};
    assert_int_equal(kb_store_article_list(f->s, &q, &v, &n, NULL, &d), 0);
    assert_int_equal(n, 1);
    assert_string_equal(v[0].headline, title);
    assert_string_equal(v[0].lede, excerpt);
    /* the display name ends in spaces and format characters the file holds on purpose */
    assert_int_equal(strncmp(v[0].byline, author, strlen(v[0].byline)), 0);
    static const char *const kept[] = {
        "السلام عليكم وﷲ",
        "🚀🌟💫⭐️🔥💯🎉🎊🌈🦄",
        "𝒮𝑒𝑒𝓂𝑒𝒹 ğreȧt̷",
        "∫∮∯∰∱∲∳⨌⨍⨎⨏⨐⨑⨒⨓⨔⨕⨖⨗⨘⨙⨚⨛⨜",
        "T̷̢̯̭̈w̴̰̜̾o̷͉̅",
        "\xe2\x80\x8b\xe2\x80\x8c\xe2\x80\x8d\xe2\x81\xa0\xef\xbb\xbf", /* &#x200B;... decoded */
        "&#x2028;&#x2029;",                                             /* kept as references */
    };
    for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
        if (!strstr(v[0].body_html, kept[i]))
            fail_msg("body lost \"%s\"", kept[i]);
    kb_articles_free(v, n);
    free(title);
    free(excerpt);
    free(author);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_import_export, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed_writes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shared_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_theme_unit_test, setup, teardown),
        cmocka_unit_test_setup_teardown(test_utf8_challenges, setup, teardown),
        cmocka_unit_test_setup_teardown(test_arabic_export, setup, teardown),
        cmocka_unit_test_setup_teardown(test_arabic_export_bylines, setup, teardown),
        cmocka_unit_test_setup_teardown(test_media_symlink_outside, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
