/*
 * test_analyzer.c — the search analyzer, rule by rule: normalization, tokenizing (hashtags,
 * numbers, URLs, e-mail), stop words, the Arabic light stemmer and its colocated alternates,
 * English stems, prefix mode, byte offsets into the original text, the variant pairs of
 * issue 3 (one spelling must find the other), idempotence and hostile input.
 *
 * Terms are collected as one string, "primary +alternate primary ...", so a table row reads
 * like what the index receives.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "khabar/analyzer.h"
#include "khabar/utf8.h"

/* ---- helpers ---------------------------------------------------------------------------- */

struct got {
    char s[4096];
    size_t n;
    size_t count;
    const char *text;
    size_t text_n;
    size_t last_start;
};

static int collect_fn(void *ctx, int flags, const char *t, size_t n, size_t start, size_t end)
{
    struct got *g = ctx;
    assert_true(n > 0);
    assert_true(kb_utf8_valid(t, n));
    assert_true(start <= end && end <= g->text_n);
    assert_true(start >= g->last_start);
    if (flags & KB_TOKEN_COLOCATED)
        assert_true(g->count > 0); /* an alternate follows its primary */
    g->last_start = start;
    int w = snprintf(g->s + g->n, sizeof(g->s) - g->n, "%s%s%.*s", g->n ? " " : "",
                     flags & KB_TOKEN_COLOCATED ? "+" : "", (int)n, t);
    assert_true(w > 0 && (size_t)w < sizeof(g->s) - g->n);
    g->n += (size_t)w;
    g->count++;
    return 0;
}

static const char *terms(const char *text, enum kb_analyze_mode mode)
{
    static struct got g;
    memset(&g, 0, sizeof(g));
    g.text = text;
    g.text_n = strlen(text);
    assert_int_equal(kb_analyze(text, g.text_n, mode, collect_fn, &g), 0);
    return g.s;
}

static char *normalized(const char *s)
{
    struct kb_buf b;
    kb_buf_init(&b, 1 << 16);
    kb_normalize(&b, s, strlen(s));
    assert_int_equal(kb_buf_err(&b), 0);
    char *r = kb_buf_detach(&b, NULL);
    return r ? r : strdup("");
}

struct row {
    const char *in, *want;
};

static void check_rows(const struct row *rows, size_t n, enum kb_analyze_mode mode)
{
    for (size_t i = 0; i < n; i++) {
        const char *got = terms(rows[i].in, mode);
        if (strcmp(got, rows[i].want) != 0)
            fail_msg("mode %d, \"%s\": got \"%s\", want \"%s\"", (int)mode, rows[i].in, got,
                     rows[i].want);
    }
}

#define ROWS(r) (r), sizeof(r) / sizeof((r)[0])

/* ---- normalization ------------------------------------------------------------------------ */

static void test_normalize(void **state)
{
    (void)state;
    static const struct row rows[] = {
        {"الْحُكُومَةُ", "الحكومه"},                               /* harakat; ة → ه */
        {"الرَّحْمٰن", "الرحمن"},                                 /* shadda, superscript alef */
        {"الاقتصـــاد", "الاقتصاد"},                          /* tatweel */
        {"أحمد إبراهيم آمال ٱلله", "احمد ابراهيم امال الله"}, /* hamza and wasla alef */
        {"مصطفى", "مصطفي"},                                   /* alef maqsura */
        {"کربلاء ایران", "كربلاء ايران"},                     /* Persian kaf and yeh */
        {"٢٠٢٤ ۱۴۰۳", "2024 1403"},                           /* Arabic-Indic and Persian digits */
        {"TRT Haber", "trt haber"},                           /* lowercase Latin */
        {"\xEF\xBB\xB7", "لا"},                 /* presentation form (lam-alef) by NFKC */
        {"ﺍﻟﻌﺮﺏ", "العرب"},                     /* presentation forms by NFKC */
        {"خبر\u200fعاجل\u200b", "خبرعاجل"},     /* format marks */
        {"\u061cمرحبا\u2066x\u2069", "مرحباx"}, /* Arabic letter mark, isolates */
        {"\xD8\xA7\xD9\x94", "ا"},              /* alef + hamza above composes to أ → ا */
        {"\xD9\x88\xD9\x94", "ؤ"},              /* waw + hamza above composes to ؤ */
        {"Stra\xC3\x9F"
         "e",
         "strasse"}, /* case folding */
        {"a\xFF"
         "b",
         "a\xEF\xBF\xBD"
         "b"},         /* an invalid byte is U+FFFD */
        {"ﷲ", "الله"}, /* ligature */
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char *got = normalized(rows[i].in);
        if (strcmp(got, rows[i].want) != 0)
            fail_msg("normalize \"%s\": got \"%s\", want \"%s\"", rows[i].in, got, rows[i].want);
        char *again = normalized(got);
        assert_string_equal(again, got); /* normalizing is idempotent */
        free(again);
        free(got);
    }
}

/* ---- tokenizing --------------------------------------------------------------------------- */

static void test_tokenize(void **state)
{
    (void)state;
    static const struct row rows[] = {
        {"", ""},
        {"   \t\n", ""},
        {"!!! ؟؟ ... ،،", ""},
        /* hashtags: the parts, stemmed like any words (docs/analyzer.md) */
        {"#عاصي_الحلاني", "عاص حلان"},
        {"#Breaking_News", "break news"},
        /* numbers: separators between digits keep a number whole */
        {"3.5", "3.5"},
        {"٣٫٥", "3.5"},
        {"١٬٠٠٠٬٠٠٠", "1000000"},
        {"1,000,000", "1000000"},
        {"1,234.5", "1234.5"},
        {"1,5", "1,5"},
        {"١,00٬٠", "1000"}, /* ٬ goes before the comma rule: reads back the same */
        {"3.5bn", "3.5 bn"},
        {"2024.", "2024"},
        {"13/11/2024", "13 11 2024"},
        {"12:09", "12 09"},
        {"٢٠٢٤م", "2024 م"},
        /* letters and digits together */
        {"Covid19 F-16 G20", "covid19 f 16 g20"},
        /* URLs: scheme, www and %XX dropped, the words kept */
        {"https://www.aa.com.tr/ar/%D8%A7news", "aa com tr ar news"},
        {"www.trt.net.tr", "trt net tr"},
        {"http://example.org/قمة-الرياض", "exampl org قمه رياض"},
        /* e-mail addresses: the words of the address */
        {"info@aljazeera.net", "info aljazeera net"},
        /* mixed scripts split where the script changes */
        {"TRTعربي", "trt عرب"},
        /* invalid bytes separate, never fail */
        {"وزير\xFF\xFE"
         "خارجية",
         "وزير خارج"},
    };
    check_rows(ROWS(rows), KB_ANALYZE_QUERY);
}

/* ---- stop words --------------------------------------------------------------------------- */

static void test_stopwords(void **state)
{
    (void)state;
    static const char *const stop[] = {
        "في",   "من",    "إلى",   "الى",   "على",  "عن",    "أن",  "إن",   "ان",   "هذا",
        "هذه",  "التي",  "الذي",  "الذين", "كان",  "وكانت", "فقد", "لكن",  "ولكن", "حتى",
        "حتي",  "عليه",  "مِنْ",    "فِي",    "هـذا", "the",   "The", "and",  "of",   "أيضا",
        "ايضا", "هؤلاء", "بماذا", "ماهي",  "تم",   "يتم",   "فى",  "الذى",
    };
    for (size_t i = 0; i < sizeof(stop) / sizeof(stop[0]); i++) {
        if (!kb_is_stopword(stop[i], strlen(stop[i])))
            fail_msg("\"%s\" should be a stop word", stop[i]);
        assert_string_equal(terms(stop[i], KB_ANALYZE_QUERY), "");
        assert_string_equal(terms(stop[i], KB_ANALYZE_INDEX), "");
    }
    /* Content words, including those whose normalized form is a stop word's. */
    static const char *const content[] = {
        "علي",  "آلي",   "إمام", "والي", "وزير", "روسيا",
        "news", "Trump", "قال",  "كم", /* lib/search decides about "how many" (kept alone, dropped
                                          beside words) */
        "آلية", "منى",
    };
    for (size_t i = 0; i < sizeof(content) / sizeof(content[0]); i++) {
        if (kb_is_stopword(content[i], strlen(content[i])))
            fail_msg("\"%s\" is not a stop word", content[i]);
        assert_true(strlen(terms(content[i], KB_ANALYZE_QUERY)) > 0);
    }
    /* Stop words are left out of sentences, and kept for prefix queries. */
    assert_string_equal(terms("الرئيس في القصر", KB_ANALYZE_QUERY), "رئيس قصر");
    assert_string_equal(terms("The war in Ukraine", KB_ANALYZE_QUERY), "war ukrain");
    assert_string_equal(terms("في", KB_ANALYZE_PREFIX), "في");
}

/* Our list against Savoy's (../shared): the coverage of its entries, as a measurement. */
static void test_stopwords_savoy(void **state)
{
    (void)state;
    const char *shared = getenv("KB_SHARED");
    char path[1024];
    snprintf(path, sizeof(path), "%s/data/stopwords/arabic-savoy.txt",
             shared ? shared : "../shared");
    FILE *f = fopen(path, "r");
    if (!f) {
        printf("skipped: ../shared not found (%s)\n", path);
        skip();
        return;
    }
    char line[256];
    size_t total = 0, covered = 0;
    while (fgets(line, sizeof(line), f)) {
        size_t n = strcspn(line, "\r\n");
        if (n == 0 || line[0] == '#')
            continue;
        total++;
        if (kb_is_stopword(line, n))
            covered++;
        else
            printf("  not on our list: %.*s\n", (int)n, line);
    }
    fclose(f);
    printf("our stop words cover %zu of Savoy's %zu\n", covered, total);
    assert_true(total > 100);
    assert_true(covered * 10 >= total * 9); /* a list of the same kind covers nearly all */
}

/* ---- stemming ----------------------------------------------------------------------------- */

static void test_stem_arabic(void **state)
{
    (void)state;
    static const struct row rows[] = {
        /* prefixes, at most one, at least 2 letters left */
        {"الكتاب", "كتاب"},
        {"والكتاب", "كتاب"},
        {"بالكتاب", "كتاب"},
        {"كالكتاب", "كتاب"},
        {"فالكتاب", "كتاب"},
        {"للكتاب", "كتاب"},
        {"الى", ""},    /* a stop word, not a prefix case */
        {"الم", "الم"}, /* 1 letter would remain: kept */
        /* suffixes, in order, each when 3 letters remain */
        {"كتابها", "كتاب"},
        {"مسلمان", "مسلم"},
        {"مشروبات", "مشروب"},
        {"مهندسون", "مهندس"},
        {"مهندسين", "مهندس"},
        {"عربية", "عرب"},
        {"الديمقراطية", "ديمقراط"},
        {"مدرسة", "مدرس"},
        {"كتابه", "كتاب"},
        {"عربي", "عرب"},
        {"بيان", "بيان"}, /* ان would leave 2 letters */
        {"مكان", "مكان"},
        /* repeated until nothing changes: ه then ات */
        {"سياراته", "سيار"},
        {"سيارات", "سيار"},
        {"سيارة", "سيار"},
        /* single letters are never stripped from the primary form */
        {"وزير", "وزير"},
        {"وروسيا", "وروس"},
        {"لأوكرانيا", "لاوكر"},
        /* a final alef (the indefinite accusative, كم سلطاناً) is a suffix, and the steps
         * repeat, so a country meets its adjective: روسيا → روسي → روس = الروسية */
        {"سكانا", "سكان"},
        {"سلطاناً", "سلط"}, /* as سلطان: ان is a suffix */
        {"جنوباً", "جنوب"},
        {"رسميا", "رسم"},
        {"الرسمية", "رسم"},
        {"روسيا", "روس"},
        {"الروسية", "روس"},
        {"أمريكا", "امريك"},
        {"الأمريكية", "امريك"},
        {"جدا", "جدا"},       /* 3 letters: kept */
        {"أوباما", "اوباما"}, /* a listed name */
        /* names are not cut */
        {"بوتين", "بوتين"},
        {"بلينكن", "بلينكن"},
        {"لبنان", "لبنان"},
        {"اللبنانية", "لبنان"},
        {"دبي", "دبي"},
        {"الصين", "صين"},
        {"السودان", "سودان"},
    };
    check_rows(ROWS(rows), KB_ANALYZE_QUERY);
}

static void test_alternates(void **state)
{
    (void)state;
    static const struct row rows[] = {
        {"لأوكرانيا", "لاوكر +اوكر"},
        {"وروسيا", "وروس +روس"},
        {"والوزير", "وزير"}, /* the alternate الوزير stems to the primary */
        {"وللوزير", "وللوزير +وزير +لوزير"},
        {"وبروسيا", "وبروس +بروس +روس"},
        {"فقال", "فقال +قال"},
        {"بموسكو", "بموسكو +موسكو"},
        {"كمدرسة", "كمدرس +مدرس"},
        {"وزير", "وزير +زير"},
        {"ولد", "ولد"},     /* 2 letters would remain */
        {"وفي", ""},        /* a stop word has no alternates */
        {"وفيها", "وفي"},   /* فيها is a stop word: no alternate */
        {"بوتين", "بوتين"}, /* names have none */
        {"لبوتين", "لبوت +بوتين"},
        {"روسيا وأوكرانيا", "روس واوكر +اوكر"},
        /* a short stem opening with ي or ت stands for the other person too */
        {"يقع", "يقع +تقع"},
        {"تقع", "تقع +يقع"},
        {"يحدها", "يحد +تحد"},
        {"وتقع", "وتقع +تقع"}, /* only the primary gets it */
        {"تستخدم", "تستخدم"},  /* 6 letters: mostly nouns at this length are left */
        {"تونس", "تونس"},      /* a listed name */
        /* ة before a pronoun is written ت: the stem without it is an alternate */
        {"مساحتها", "مساحت +مساح"},
        {"ومساحتها", "ومساحت +ومساح +مساحت +مساح"},
        {"حكومته", "حكومت +حكوم"},
        {"وقعت", "وقعت +قعت"}, /* a final ت alone (the past feminine) is kept */
        {"بيته", "بيت +يته"},  /* 3 letters: kept */
    };
    check_rows(ROWS(rows), KB_ANALYZE_INDEX);
    /* Queries get primaries only. */
    assert_string_equal(terms("لأوكرانيا", KB_ANALYZE_QUERY), "لاوكر");
}

static void test_stem_english(void **state)
{
    (void)state;
    static const struct row rows[] = {
        {"running", "run"},      {"Runs", "run"},           {"agreed", "agr"},
        {"agree", "agr"},        {"countries", "countri"},  {"country", "countri"},
        {"Ukraine's", "ukrain"}, {"Trump\u2019s", "trump"}, {"o'brien", "o'brien"},
        {"news", "news"},        {"covid19", "covid19"},    {"москва", "москва"},
    };
    check_rows(ROWS(rows), KB_ANALYZE_QUERY);
}

static void test_prefix_mode(void **state)
{
    (void)state;
    static const struct row rows[] = {
        {"الاقتص", "اقتص"}, /* the article goes: the index has stems without it */
        {"وزار", "وزار"},   /* no suffix or proclitic removal */
        {"مشروبات", "مشروبات"}, {"الو", "الو"}, /* 1 letter would remain */
        {"Runn", "runn"},                       /* Latin: lowercase, not stemmed */
        {"أوكر", "اوكر"},       {"The", "the"}, /* stop words kept */
    };
    check_rows(ROWS(rows), KB_ANALYZE_PREFIX);
}

/* ---- offsets ------------------------------------------------------------------------------ */

struct spans {
    const char *text;
    char s[16][128];
    size_t n;
};

static int span_fn(void *ctx, int flags, const char *t, size_t n, size_t start, size_t end)
{
    (void)t;
    (void)n;
    struct spans *sp = ctx;
    if (flags & KB_TOKEN_COLOCATED)
        return 0;
    assert_true(sp->n < 16 && end - start < 128);
    memcpy(sp->s[sp->n], sp->text + start, end - start);
    sp->s[sp->n][end - start] = '\0';
    sp->n++;
    return 0;
}

static void test_offsets(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        const char *want[6];
    } rows[] = {
        {"قال الوزير لأوكرانيا", {"قال", "الوزير", "لأوكرانيا"}},
        {"الدِّيمُقْرَاطِيَّةُ حكمٌ", {"الدِّيمُقْرَاطِيَّةُ", "حكمٌ"}},            /* trailing harakat included */
        {"الاقتصـــاد، المـــال", {"الاقتصـــاد", "المـــال"}}, /* tatweel inside */
        {"#عاصي_الحلاني!", {"عاصي", "الحلاني"}},
        {"(١٬٠٠٠) Trump's", {"١٬٠٠٠", "Trump's"}},
        {"ﺍﻟﻌﺮﺏ x", {"ﺍﻟﻌﺮﺏ", "x"}}, /* presentation forms: original bytes */
        {"خبر\u200fعاجل", {"خبر\u200fعاجل"}},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct spans sp;
        memset(&sp, 0, sizeof(sp));
        sp.text = rows[i].in;
        assert_int_equal(kb_analyze(rows[i].in, strlen(rows[i].in), KB_ANALYZE_INDEX, span_fn, &sp),
                         0);
        size_t want_n = 0;
        while (want_n < 6 && rows[i].want[want_n])
            want_n++;
        if (sp.n != want_n)
            fail_msg("\"%s\": %zu spans, want %zu", rows[i].in, sp.n, want_n);
        for (size_t k = 0; k < want_n; k++)
            if (strcmp(sp.s[k], rows[i].want[k]) != 0)
                fail_msg("\"%s\": span %zu is \"%s\", want \"%s\"", rows[i].in, k, sp.s[k],
                         rows[i].want[k]);
    }
}

/* ---- issue 3's variant pairs -------------------------------------------------------------- */

/* True when every QUERY-mode term of q is among the INDEX-mode terms of doc. */
static bool finds(const char *q, const char *doc)
{
    char qt[4096], dt[4096];
    snprintf(qt, sizeof(qt), "%s", terms(q, KB_ANALYZE_QUERY));
    snprintf(dt, sizeof(dt), " %s ", terms(doc, KB_ANALYZE_INDEX));
    if (!qt[0])
        return false;
    for (char *save = NULL, *t = strtok_r(qt, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
        char a[512], b[512];
        snprintf(a, sizeof(a), " %s ", t);
        snprintf(b, sizeof(b), " +%s ", t);
        if (!strstr(dt, a) && !strstr(dt, b))
            return false;
    }
    return true;
}

static void test_variant_pairs(void **state)
{
    (void)state;
    static const struct {
        const char *a, *b;
        bool both; /* also b finds a */
    } pairs[] = {
        {"اوكرانيا", "أوكرانيا", true},
        {"انقرة", "أنقرة", true},
        {"الناتو", "ناتو", true},
        {"أوكرانيا", "لأوكرانيا", false},
        {"روسيا", "وروسيا", false},
        {"وزير", "الوزير", true},
        {"الجامعة", "الجامعه", true},
        {"مصطفى", "مصطفي", true},
        {"الديمقراطية", "الدِّيمُقْرَاطِيَّة", true},
        {"الاقتصـــاد", "الاقتصاد", true},
        {"کربلاء", "كربلاء", true},
        {"٢٠٢٤", "2024", true},
        {"مشروب", "مشروبات", true},
        {"وزير", "ووزير", false},
        {"الوزير", "والوزير", true},
    };
    for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
        if (!finds(pairs[i].a, pairs[i].b))
            fail_msg("\"%s\" does not find \"%s\"", pairs[i].a, pairs[i].b);
        if (pairs[i].both && !finds(pairs[i].b, pairs[i].a))
            fail_msg("\"%s\" does not find \"%s\"", pairs[i].b, pairs[i].a);
    }
    /* And the analyzer does not merge what differs. */
    assert_false(finds("علي", "على"));
    assert_false(finds("روسيا", "أوكرانيا"));
}

/* ---- idempotence, hostile input, callbacks ------------------------------------------------ */

struct idem {
    size_t checked;
};

static int idem_inner(void *ctx, int flags, const char *t, size_t n, size_t s, size_t e)
{
    (void)flags;
    (void)s;
    (void)e;
    struct got *g = ctx;
    assert_true(g->n + n + 1 < sizeof(g->s));
    memcpy(g->s + g->n, t, n);
    g->n += n;
    g->s[g->n++] = '|';
    g->count++;
    return 0;
}

static int idem_fn(void *ctx, int flags, const char *t, size_t n, size_t s, size_t e)
{
    (void)flags;
    (void)s;
    (void)e;
    struct idem *id = ctx;
    struct got g;
    memset(&g, 0, sizeof(g));
    assert_int_equal(kb_analyze(t, n, KB_ANALYZE_QUERY, idem_inner, &g), 0);
    if (g.count == 0) {
        if (!kb_is_stopword(t, n))
            fail_msg("\"%.*s\" analyzes to nothing and is not a stop word", (int)n, t);
    } else if (g.count != 1 || g.n != n + 1 || memcmp(g.s, t, n) != 0) {
        fail_msg("\"%.*s\" analyzes to \"%.*s\"", (int)n, t, (int)g.n, g.s);
    }
    id->checked++;
    return 0;
}

static void test_idempotent(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "قال وزير الخارجية الأمريكي أنتوني بلينكن إن الولايات المتحدة وحلف الناتو سيواصلان "
        "دعمهما لأوكرانيا، في حين أكد الرئيس الروسي فلاديمير بوتين أن بلاده مستعدة للمفاوضات.",
        "سياراتهم ومشروباتهن والمدرسون بالمدارس للطالبات فالمهندسين كالمعلمات اللبنانيين",
        "The agreed generously conditional abilities Ukraine's troops were running 3.5bn",
        "https://www.aa.com.tr/ar/%D8%A7 #عاصي_الحلاني ١٬٠٠٠٫٥ 1,23,456 ﷺ ﷲ ﺍﻟﻌﺮﺏ",
        "eeQeeeeeeeeeeeeeee happily generalizations", /* Porter2 needs many rounds here */
    };
    struct idem id = {0};
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
        assert_int_equal(kb_analyze(texts[i], strlen(texts[i]), KB_ANALYZE_QUERY, idem_fn, &id), 0);
    assert_true(id.checked > 40);
}

static int stop_after_two(void *ctx, int flags, const char *t, size_t n, size_t s, size_t e)
{
    (void)flags;
    (void)t;
    (void)n;
    (void)s;
    (void)e;
    return ++*(int *)ctx == 2 ? 42 : 0;
}

static void test_callback_stops(void **state)
{
    (void)state;
    int calls = 0;
    const char *t = "واحد اثنان ثلاثة أربعة";
    assert_int_equal(kb_analyze(t, strlen(t), KB_ANALYZE_QUERY, stop_after_two, &calls), 42);
    assert_int_equal(calls, 2);
}

static int count_fn(void *ctx, int flags, const char *t, size_t n, size_t s, size_t e)
{
    (void)flags;
    (void)t;
    (void)n;
    (void)s;
    (void)e;
    ++*(size_t *)ctx;
    return 0;
}

static void test_hostile(void **state)
{
    (void)state;
    /* Every byte value, long runs, a word longer than the cap, marks with no letter, a big
     * text that crosses the analyzer's windows: no failure, and terms stay valid. */
    char bytes[512];
    for (int i = 0; i < 512; i++)
        bytes[i] = (char)(i * 7 + 3);
    struct got g;
    memset(&g, 0, sizeof(g));
    g.text = bytes;
    g.text_n = sizeof(bytes);
    assert_int_equal(kb_analyze(bytes, sizeof(bytes), KB_ANALYZE_INDEX, collect_fn, &g), 0);

    assert_string_equal(terms("\xD9\x8E\xD9\x8F\xD9\x91 \xD9\x80\xD9\x80", KB_ANALYZE_QUERY), "");
    char longw[300];
    for (int i = 0; i < 65; i++)
        memcpy(longw + i * 2, "ب", 2);
    memcpy(longw + 130, " قال", 7);
    longw[137] = '\0';
    assert_string_equal(terms(longw, KB_ANALYZE_QUERY), "قال"); /* 65 letters: not indexed */

    /* NUL separates words (it is not a deleted mark). */
    struct got g3;
    memset(&g3, 0, sizeof(g3));
    static const char nul[] = "وزير\0قال";
    g3.text = nul;
    g3.text_n = sizeof(nul) - 1;
    assert_int_equal(kb_analyze(nul, sizeof(nul) - 1, KB_ANALYZE_QUERY, collect_fn, &g3), 0);
    assert_string_equal(g3.s, "وزير قال");

    /* 20,000 repetitions cross many windows; every word is still seen once. */
    const char *unit = "وزير قال ";
    size_t un = strlen(unit), reps = 20000, n = un * reps;
    char *big = malloc(n);
    assert_non_null(big);
    for (size_t i = 0; i < reps; i++)
        memcpy(big + i * un, unit, un);
    size_t count = 0;
    assert_int_equal(kb_analyze(big, n, KB_ANALYZE_QUERY, count_fn, &count), 0);
    assert_int_equal(count, 2 * reps);
    free(big);
}

/* Threads analyzing at once (each has its own English stemmer) agree with one thread. */
static const char thread_text[] = "The agreed generalizations of running countries وزير لأوكرانيا";

static void *thread_main(void *arg)
{
    struct got *g = arg;
    for (int i = 0; i < 200; i++) {
        memset(g, 0, sizeof(*g));
        g->text = thread_text;
        g->text_n = sizeof(thread_text) - 1;
        if (kb_analyze(thread_text, g->text_n, KB_ANALYZE_INDEX, collect_fn, g) != 0)
            break;
    }
    return NULL;
}

static void test_threads(void **state)
{
    (void)state;
    static struct got g[4];
    pthread_t th[4];
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&th[i], NULL, thread_main, &g[i]), 0);
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_join(th[i], NULL), 0);
    const char *want = terms(thread_text, KB_ANALYZE_INDEX);
    assert_string_equal(want, "agr general run countri وزير +زير لاوكر +اوكر");
    for (int i = 0; i < 4; i++)
        assert_string_equal(g[i].s, want);
}

int main(void)
{
    struct kb_diag d;
    kb_diag_clear(&d);
    if (kb_analyzer_init(&d) != 0) {
        fprintf(stderr, "analyzer init: %s\n", d.msg);
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normalize),    cmocka_unit_test(test_tokenize),
        cmocka_unit_test(test_stopwords),    cmocka_unit_test(test_stopwords_savoy),
        cmocka_unit_test(test_stem_arabic),  cmocka_unit_test(test_alternates),
        cmocka_unit_test(test_stem_english), cmocka_unit_test(test_prefix_mode),
        cmocka_unit_test(test_offsets),      cmocka_unit_test(test_variant_pairs),
        cmocka_unit_test(test_idempotent),   cmocka_unit_test(test_callback_stops),
        cmocka_unit_test(test_hostile),      cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
