/*
 * test_related.c — related lists, near-duplicates and the اكتشف rail (related.h), through a
 * real SQLite store.
 *
 * A small corpus of our own: stories on three topics (football, oil prices, elections) and
 * unrelated fillers.  What a reader would notice: an article's related list holds its topical
 * neighbours before anything else; a copy of a story filed again is marked as
 * a duplicate and kept out of lists and the rail, while different stories on one topic are
 * not; the rail is related first, then the latest, never the article itself, capped.
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
#include "khabar/pages.h"
#include "khabar/related.h"

#define NOW 1731492000 /* 2024-11-13T10:00:00Z */
#define DAY 86400

struct fixture {
    char dir[64];
    char db[128];
    struct kb_store *s;
};

static struct fixture *F;

static const char *const FOOTBALL[] = {
    "فاز ريال مدريد على برشلونة بهدفين مقابل هدف في مباراة الكلاسيكو ضمن الدوري الإسباني.",
    "سجل المهاجم هدف الفوز في الدقيقة الأخيرة من المباراة أمام جماهير الملعب.",
    "ويتصدر ريال مدريد جدول ترتيب الدوري الإسباني بفارق ثلاث نقاط عن برشلونة.",
    "وقال مدرب برشلونة إن فريقه لعب بشكل جيد لكن الحظ لم يحالفه أمام المرمى.",
    "ويستعد الفريقان لمباريات دوري أبطال أوروبا الأسبوع المقبل بعد الكلاسيكو.",
    "وأصيب لاعب الوسط في الشوط الثاني وغادر الملعب، وينتظر الفريق نتائج الفحوص.",
};
static const char *const OIL[] = {
    "ارتفعت أسعار النفط اليوم بعد أن قررت منظمة أوبك خفض الإنتاج بمليون برميل يوميا.",
    "وصعد سعر خام برنت إلى ثمانين دولارا للبرميل في تعاملات الأسواق العالمية.",
    "ويتوقع محللون أن يستمر ارتفاع أسعار النفط مع تراجع المخزونات الأمريكية من الخام.",
    "وقالت أوبك في بيان إن خفض الإنتاج يهدف إلى تحقيق التوازن في سوق النفط.",
    "وتراجعت أسهم شركات الطيران بسبب ارتفاع تكلفة الوقود وأسعار النفط.",
    "وتعتمد ميزانيات الدول المصدرة للنفط على سعر البرميل في الأسواق.",
};
static const char *const ELECTION[] = {
    "أعلنت اللجنة العليا للانتخابات النتائج الأولية للانتخابات البرلمانية بعد فرز الأصوات.",
    "وبلغت نسبة المشاركة في الاقتراع خمسين في المئة من الناخبين المسجلين.",
    "وحصل حزب المعارضة على أكبر عدد من المقاعد في البرلمان الجديد.",
    "ودعا المراقبون الدوليون إلى احترام نتائج الانتخابات ونزاهة فرز الأصوات.",
    "ويتوقع أن يبدأ البرلمان الجديد مشاورات تشكيل الحكومة الشهر المقبل.",
    "وقال رئيس اللجنة إن الاقتراع جرى في أجواء هادئة في جميع الدوائر.",
};
static const char *const FILLER[] = {
    "افتتح متحف الفنون معرضا للخط العربي يضم لوحات نادرة من القرن الماضي.",
    "أطلقت وكالة الفضاء قمرا صناعيا جديدا لرصد الطقس والتغيرات المناخية.",
    "حذرت هيئة الأرصاد من موجة حر تضرب المنطقة خلال الأيام المقبلة.",
    "أعلنت وزارة الصحة عن حملة تطعيم للأطفال في المدارس الحكومية.",
    "احتفلت المدينة بمهرجان الزهور السنوي بمشاركة فرق موسيقية من عدة دول.",
    "كشفت دراسة علمية عن فوائد المشي اليومي لصحة القلب والذاكرة.",
    "افتتحت الجامعة مكتبة رقمية تتيح الكتب للطلاب مجانا عبر الإنترنت.",
    "بدأت أعمال ترميم القلعة التاريخية في وسط المدينة القديمة.",
};

/* A body of <p>s: the topic's sentences in the order `order` ("0312" = 0, 3, 1, 2), then a
 * line of its own so that stories on one topic are different stories. */
static char *body_of(const char *const *topic, const char *order, const char *own)
{
    char *b = calloc(1, 8192);
    for (const char *o = order; *o; o++) {
        strcat(b, "<p>");
        strcat(b, topic[*o - '0']);
        strcat(b, "</p>");
    }
    if (own) {
        strcat(b, "<p>");
        strcat(b, own);
        strcat(b, "</p>");
    }
    return b;
}

static void put_section(const char *slug, const char *name, int pos)
{
    struct kb_section sec = {0};
    kb_set_str(&sec.slug, slug);
    kb_set_str(&sec.name, name);
    sec.position = pos;
    struct kb_diag d;
    kb_diag_clear(&d);
    if (kb_store_section_put(F->s, &sec, &d) != 0)
        fail_msg("section %s: %s", slug, d.msg);
    kb_section_release(&sec);
}

static int64_t put(const char *headline, char *body, int64_t published)
{
    struct kb_article a;
    kb_article_init(&a);
    kb_set_str(&a.section.slug, "news");
    kb_set_str(&a.headline, headline);
    kb_set_str(&a.body_html, body);
    a.status = KB_STATUS_PUBLISHED;
    a.published = published;
    a.published_offset = 180;
    kb_article_compute(&a);
    struct kb_diag d;
    kb_diag_clear(&d);
    if (kb_store_article_put(F->s, &a, &d) != 0)
        fail_msg("article %s: %s: %s", headline, d.field, d.msg);
    int64_t id = a.id;
    kb_article_release(&a);
    free(body);
    return id;
}

static int setup(void **state)
{
    F = calloc(1, sizeof(*F));
    snprintf(F->dir, sizeof(F->dir), "/tmp/kb-related-XXXXXX");
    if (!mkdtemp(F->dir))
        return -1;
    snprintf(F->db, sizeof(F->db), "%s/test.db", F->dir);
    struct kb_diag d;
    kb_diag_clear(&d);
    if (kb_store_open(F->db, KB_STORE_CREATE, &F->s, &d) != 0) {
        fprintf(stderr, "open: %s\n", d.msg);
        return -1;
    }
    put_section("news", "أخبار", 1);
    *state = F;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    kb_store_close(F->s);
    char cmd[200];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", F->dir);
    if (system(cmd) != 0)
        return -1;
    free(F);
    return 0;
}

static void rebuild(void)
{
    struct kb_diag d;
    kb_diag_clear(&d);
    struct kb_related_stats st = {0};
    if (kb_store_related_rebuild(F->s, &st, &d) != 0)
        fail_msg("rebuild: %s", d.msg);
}

static size_t list(int64_t id, int64_t *ids)
{
    struct kb_diag d;
    kb_diag_clear(&d);
    size_t n = 0;
    if (kb_store_related_list(F->s, id, ids, KB_RELATED_MAX, &n, &d) != 0)
        fail_msg("list: %s", d.msg);
    return n;
}

static int64_t dup_of(int64_t id)
{
    struct kb_diag d;
    kb_diag_clear(&d);
    int64_t v = -1;
    if (kb_store_related_dup_of(F->s, id, &v, &d) != 0)
        fail_msg("dup_of: %s", d.msg);
    return v;
}

static bool in(const int64_t *v, size_t n, int64_t id)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] == id)
            return true;
    return false;
}

/* The corpus: three stories a topic, eight fillers, newest fillers. */
struct corpus {
    int64_t foot[3], oil[3], elec[3], fill[8];
};

static void corpus(struct corpus *c)
{
    c->foot[0] = put("ريال مدريد يفوز على برشلونة في الكلاسيكو", body_of(FOOTBALL, "0123", NULL),
                     NOW - 10 * DAY);
    c->foot[1] =
        put("مدرب برشلونة: الحظ لم يحالفنا أمام ريال مدريد",
            body_of(FOOTBALL, "3241", "وتحدث المدرب في مؤتمر صحفي بعد المباراة."), NOW - 9 * DAY);
    c->foot[2] =
        put("إصابة لاعب الوسط قبل مباريات دوري أبطال أوروبا",
            body_of(FOOTBALL, "5402", "وينتظر الجهاز الطبي نتائج الأشعة غدا."), NOW - 8 * DAY);
    c->oil[0] = put("أسعار النفط ترتفع بعد قرار أوبك خفض الإنتاج", body_of(OIL, "0123", NULL),
                    NOW - 10 * DAY);
    c->oil[1] = put("خام برنت عند ثمانين دولارا للبرميل",
                    body_of(OIL, "1502", "وشهدت البورصات تداولات نشطة صباح اليوم."), NOW - 9 * DAY);
    c->oil[2] =
        put("أسهم الطيران تتراجع مع ارتفاع أسعار النفط",
            body_of(OIL, "4351", "وخفضت شركات الطيران توقعات أرباحها للعام."), NOW - 8 * DAY);
    c->elec[0] = put("النتائج الأولية للانتخابات البرلمانية", body_of(ELECTION, "0123", NULL),
                     NOW - 10 * DAY);
    c->elec[1] = put("المراقبون يدعون إلى احترام نتائج الانتخابات",
                     body_of(ELECTION, "3051", "وأصدرت بعثة المراقبة تقريرها الأول مساء أمس."),
                     NOW - 9 * DAY);
    c->elec[2] =
        put("البرلمان الجديد يبدأ مشاورات تشكيل الحكومة",
            body_of(ELECTION, "4250", "ومن المنتظر أن تستمر المشاورات أسابيع."), NOW - 8 * DAY);
    for (int i = 0; i < 8; i++) {
        char h[64];
        snprintf(h, sizeof h, "خبر متنوع رقم %d", i + 1);
        char *b = calloc(1, 1024);
        snprintf(b, 1024, "<p>%s</p><p>%s</p>", FILLER[i], FILLER[(i + 3) % 8]);
        c->fill[i] = put(h, b, NOW - (7 - i) * 3600);
    }
}

static void test_related_ranks_topical_neighbours(void **state)
{
    (void)state;
    struct corpus c;
    corpus(&c);
    rebuild();
    const int64_t *topics[3] = {c.foot, c.oil, c.elec};
    for (int t = 0; t < 3; t++)
        for (int i = 0; i < 3; i++) {
            int64_t ids[KB_RELATED_MAX];
            size_t n = list(topics[t][i], ids);
            assert_true(n >= 2);
            assert_false(in(ids, n, topics[t][i])); /* never itself */
            /* its two topical neighbours come first, in either order */
            assert_true(in(ids, 2, topics[t][(i + 1) % 3]));
            assert_true(in(ids, 2, topics[t][(i + 2) % 3]));
        }
    /* no story here is a copy of another */
    for (int t = 0; t < 3; t++)
        for (int i = 0; i < 3; i++)
            assert_int_equal(dup_of(topics[t][i]), 0);
    for (int i = 0; i < 8; i++)
        assert_int_equal(dup_of(c.fill[i]), 0);
}

static void test_incremental_update_reaches_neighbours(void **state)
{
    (void)state;
    struct corpus c;
    corpus(&c);
    struct kb_diag d;
    kb_diag_clear(&d);
    struct kb_related_stats st = {0};
    /* the write paths' refresh: everything is stale, so every article is computed */
    assert_int_equal(kb_engine_related_refresh(F->s, &st, &d), 0);
    assert_int_equal(st.articles, 17);
    int64_t ids[KB_RELATED_MAX];
    size_t n = list(c.oil[0], ids);
    assert_true(in(ids, 2, c.oil[1]) && in(ids, 2, c.oil[2]));

    /* a new oil story, published now: its own list is the oil stories, and theirs gain it */
    int64_t fresh = put("أوبك تبحث خفضا جديدا للإنتاج مع تراجع المخزونات",
                        body_of(OIL, "3205", "واجتمع وزراء الطاقة في فيينا لبحث الخطوة."), NOW);
    assert_int_equal(kb_engine_related_update(F->s, fresh, &d), 0);
    n = list(fresh, ids);
    assert_true(n >= 3);
    for (int i = 0; i < 3; i++)
        assert_true(in(ids, 3, c.oil[i]));
    for (int i = 0; i < 3; i++) {
        n = list(c.oil[i], ids);
        assert_true(in(ids, 3, fresh));
    }
    /* a football list does not put it before football */
    n = list(c.foot[0], ids);
    assert_false(in(ids, 2, fresh));

    /* deleted: it leaves every list */
    assert_int_equal(kb_store_article_delete(F->s, fresh, &d), 0);
    assert_int_equal(kb_engine_related_refresh(F->s, NULL, &d), 0);
    for (int i = 0; i < 3; i++) {
        n = list(c.oil[i], ids);
        assert_false(in(ids, n, fresh));
    }
}

static void test_near_duplicates(void **state)
{
    (void)state;
    struct corpus c;
    corpus(&c);
    rebuild();
    struct kb_diag d;
    kb_diag_clear(&d);
    /* the same agency story filed again a day later, under another headline */
    int64_t copy =
        put("عاجل: ارتفاع أسعار النفط بعد قرار أوبك", body_of(OIL, "0123", NULL), NOW - 9 * DAY);
    assert_int_equal(kb_engine_related_update(F->s, copy, &d), 0);
    assert_int_equal(dup_of(copy), c.oil[0]);
    assert_int_equal(dup_of(c.oil[0]), 0); /* the first filing is the original */

    /* different stories on the same topic are not duplicates */
    assert_int_equal(dup_of(c.oil[1]), 0);
    assert_int_equal(dup_of(c.oil[2]), 0);

    /* copies are in no list, and the original's list holds no copy of itself */
    const int64_t all[] = {c.oil[0], c.oil[1], c.oil[2], c.foot[0], c.elec[0]};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        int64_t ids[KB_RELATED_MAX];
        size_t n = list(all[i], ids);
        assert_false(in(ids, n, copy));
    }
    int64_t ids[KB_RELATED_MAX];
    size_t n = list(copy, ids);
    assert_false(in(ids, n, c.oil[0])); /* a copy is not "related" to its original */
    assert_true(n >= 2 && in(ids, 2, c.oil[1]) && in(ids, 2, c.oil[2]));

    /* the import summary's pairs */
    int64_t pairs[4][2];
    size_t np = 0, total = 0;
    assert_int_equal(kb_store_related_dup_pairs(F->s, pairs, 4, &np, &total, &d), 0);
    assert_int_equal(total, 1);
    assert_int_equal(np, 1);
    assert_int_equal(pairs[0][0], copy);
    assert_int_equal(pairs[0][1], c.oil[0]);

    /* a full rebuild finds the same marks */
    rebuild();
    assert_int_equal(dup_of(copy), c.oil[0]);
    assert_int_equal(dup_of(c.oil[1]), 0);
}

static void test_dup_similarity(void **state)
{
    (void)state;
    char *a = body_of(FOOTBALL, "012345", NULL), *b = body_of(ELECTION, "012345", NULL);
    assert_true(kb_dup_similarity(a, strlen(a), a, strlen(a)) == 1.0);
    assert_true(kb_dup_similarity(a, strlen(a), b, strlen(b)) < 0.1);
    /* one sentence of six rewritten: still the same story */
    char *c = body_of(FOOTBALL, "01234", NULL);
    char *e = malloc(strlen(c) + 200);
    snprintf(e, strlen(c) + 200,
             "%s<p>وأضاف المدرب أن الفريق سيواصل التدريب استعدادا للمباراة المقبلة.</p>", c);
    assert_true(kb_dup_similarity(a, strlen(a), e, strlen(e)) >= KB_DUP_JACCARD);
    /* too short to judge */
    assert_true(kb_dup_similarity("خبر قصير", 15, "خبر قصير", 15) < 0);
    free(a);
    free(b);
    free(c);
    free(e);
}

static void test_rail(void **state)
{
    (void)state;
    struct corpus c;
    corpus(&c);
    struct kb_diag d;
    kb_diag_clear(&d);
    /* a later copy of the second newest filler: the rail must skip it */
    char *b = calloc(1, 1024);
    snprintf(b, 1024, "<p>%s</p><p>%s</p>", FILLER[6], FILLER[(6 + 3) % 8]);
    int64_t copy = put("نسخة من الخبر المتنوع", b, NOW - 60);
    rebuild();
    assert_int_equal(dup_of(copy), c.fill[6]);

    struct kb_site_conf *conf = NULL;
    assert_int_equal(kb_site_conf_load(F->s, &conf, &d), 0);
    struct kb_site site = conf->site;
    site.discover_count = 6;
    struct kb_article self;
    kb_article_init(&self);
    assert_int_equal(kb_store_article_get(F->s, c.elec[1], &self, &d), 0);
    struct kb_article *v = NULL;
    size_t n = 0;
    assert_int_equal(kb_pages_discover(F->s, &site, &self, NOW, &v, &n, &d), 0);
    assert_int_equal(n, 6); /* capped */
    /* related first: the two other election stories */
    assert_true(v[0].id == c.elec[0] || v[0].id == c.elec[2]);
    assert_true(v[1].id == c.elec[0] || v[1].id == c.elec[2]);
    for (size_t i = 0; i < n; i++) {
        assert_int_not_equal(v[i].id, c.elec[1]); /* never itself */
        assert_int_not_equal(v[i].id, copy);      /* never a copy */
        for (size_t j = 0; j < i; j++)
            assert_int_not_equal(v[i].id, v[j].id); /* never twice */
    }
    /* exactly: the stored list (all live here) in its order, then the latest others,
     * newest first, skipping those already shown and the copy */
    int64_t ids[KB_RELATED_MAX], want[6];
    size_t nr = list(c.elec[1], ids), nw = 0;
    for (size_t i = 0; i < nr && nw < 6; i++)
        want[nw++] = ids[i];
    for (int i = 7; i >= 0 && nw < 6; i--)
        if (!in(want, nw, c.fill[i]))
            want[nw++] = c.fill[i];
    assert_int_equal(nw, 6);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(v[i].id, want[i]);
    kb_articles_free(v, n);

    /* the live check: an unpublished related article drops out, the rail still fills */
    kb_article_release(&self);
    kb_article_init(&self);
    assert_int_equal(kb_store_article_get(F->s, c.elec[0], &self, &d), 0);
    self.status = KB_STATUS_DRAFT;
    assert_int_equal(kb_store_article_put(F->s, &self, &d), 0);
    kb_article_release(&self);
    kb_article_init(&self);
    assert_int_equal(kb_store_article_get(F->s, c.elec[1], &self, &d), 0);
    assert_int_equal(kb_pages_discover(F->s, &site, &self, NOW, &v, &n, &d), 0);
    assert_int_equal(n, 6);
    assert_int_equal(v[0].id, c.elec[2]);
    for (size_t i = 0; i < n; i++)
        assert_int_not_equal(v[i].id, c.elec[0]);
    kb_articles_free(v, n);
    kb_article_release(&self);
    kb_site_conf_free(conf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_related_ranks_topical_neighbours, setup, teardown),
        cmocka_unit_test_setup_teardown(test_incremental_update_reaches_neighbours, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_near_duplicates, setup, teardown),
        cmocka_unit_test(test_dup_similarity),
        cmocka_unit_test_setup_teardown(test_rail, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
