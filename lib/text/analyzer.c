/*
 * analyzer.c — text to search terms: decoding, normalization, tokenizing, stop words and
 * stemming, with byte offsets into the caller's original text.
 *
 * The pipeline (docs/analyzer.md has the rules and the decisions behind them):
 *   1. decode UTF-8 (an invalid byte is U+FFFD, a separator: never an error);
 *   2. cut the code points into normalization segments (a starter and the marks that
 *      follow it) and apply ICU's NFKC_Casefold to each: presentation forms, ligatures and
 *      compatibility characters fold, case folds, default-ignorable format marks vanish;
 *      every code point a segment yields carries the segment's original byte range;
 *   3. per code point (kb_an_fold): delete harakat, superscript alef, tatweel, format and
 *      combining marks; fold آ أ إ ٱ → ا, ى → ي, ة → ه, ک → ك, ی → ي; digits of every
 *      script → ASCII; lowercase;
 *   4. tokenize: Arabic-letter runs; runs of other letters and digits (Latin words, "covid19");
 *      numbers with . , ٫ ٬ between digits; apostrophes between Latin letters; URLs have
 *      their scheme, "www" and %XX escapes dropped; everything else (including # _ @ / -)
 *      separates, so #عاصي_الحلاني gives عاصي and حلاني;
 *   5. stop words (stopwords.c), then stems: Arabic light stemmer (stem_ar.c) plus, in
 *      INDEX mode, colocated alternates without a leading و ف ب ل ك; English Snowball for
 *      Latin words (stem_en.c); numbers as they are, thousands separators removed.
 *
 * The text is processed in windows that end on white space (no token spans white space),
 * so memory stays bounded by the window, not by the text.
 *
 * Invariants: every term is valid UTF-8, non-empty, at most KB_AN_MAX_CHARS code points;
 * offsets satisfy start <= end <= n, starts never decrease; analyzing a QUERY-mode term in
 * QUERY mode gives the term back (or nothing when the term is a stop word).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/utf16.h>
#include "analyzer_int.h"
#include "khabar/analyzer.h"
#include "khabar/utf8.h"

#define WINDOW 4096    /* items buffered before looking for a white-space cut */
#define HARD_CAP 65536 /* items after which a window is cut even inside a token */
#define SEG_MAX 32     /* code points in one normalization segment, at most */

static const UNormalizer2 *nfkc_cf;
static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_rc;

static void init(void)
{
    UErrorCode st = U_ZERO_ERROR;
    nfkc_cf = unorm2_getNFKCCasefoldInstance(&st);
    if (U_FAILURE(st)) {
        nfkc_cf = NULL;
        init_rc = KB_EINTERNAL;
    }
    kb_stopwords_init();
    kb_stem_ar_init();
}

int kb_analyzer_init(struct kb_diag *d)
{
    pthread_once(&init_once, init);
    if (init_rc)
        return kb_diag_set(d, init_rc, "", "ICU has no NFKC_Casefold normalizer");
    return 0;
}

/* ---- per code point ------------------------------------------------------------------- */

static bool is_arabic_block(uint32_t cp)
{
    return (cp >= 0x0600 && cp <= 0x06FF) || (cp >= 0x0750 && cp <= 0x077F) ||
           (cp >= 0x08A0 && cp <= 0x08FF) || (cp >= 0xFB50 && cp <= 0xFDFF) ||
           (cp >= 0xFE70 && cp <= 0xFEFF);
}

uint32_t kb_an_fold(uint32_t cp, uint32_t *raw)
{
    if (cp < 0x80) {
        if (cp >= 'A' && cp <= 'Z')
            cp |= 0x20;
        if (cp == 0)
            cp = ' '; /* NUL separates (0 means "deleted" here) */
        return *raw = cp;
    }
    if ((cp >= 0x064B && cp <= 0x065F) || cp == 0x0670 || cp == 0x0640)
        return *raw = 0;
    if (cp >= 0x0621 && cp <= 0x064A) {
        *raw = cp;
        switch (cp) {
        case 0x0622:
        case 0x0623:
        case 0x0625:
            return 0x0627;
        case 0x0649:
            return 0x064A;
        case 0x0629:
            return 0x0647;
        default:
            return cp;
        }
    }
    switch (cp) {
    case 0x0671:
        *raw = cp;
        return 0x0627;
    case 0x06A9:
        *raw = cp;
        return 0x0643;
    case 0x06CC:
        *raw = cp;
        return 0x064A;
    case 0x2018:
    case 0x2019:
    case 0x02BC:
        return *raw = '\'';
    default:
        break;
    }
    int8_t t = u_charType((UChar32)cp);
    if (t == U_NON_SPACING_MARK || t == U_ENCLOSING_MARK || t == U_FORMAT_CHAR)
        return *raw = 0;
    if (t == U_DECIMAL_DIGIT_NUMBER) {
        int v = u_charDigitValue((UChar32)cp);
        if (v >= 0 && v <= 9)
            return *raw = '0' + (uint32_t)v;
    }
    if (u_isupper((UChar32)cp) || u_istitle((UChar32)cp))
        cp = (uint32_t)u_tolower((UChar32)cp);
    return *raw = cp;
}

enum cls { C_SPACE, C_SEP, C_AR, C_LAT, C_DIG, C_NUMSEP, C_APOS };

static enum cls classify(uint32_t cp)
{
    if (cp < 0x80) {
        if (cp >= 'a' && cp <= 'z')
            return C_LAT;
        if (cp >= '0' && cp <= '9')
            return C_DIG;
        if (cp == '.' || cp == ',')
            return C_NUMSEP;
        if (cp == '\'')
            return C_APOS;
        return cp <= ' ' || cp == 0x7F ? C_SPACE : C_SEP;
    }
    if (cp == 0x066B || cp == 0x066C)
        return C_NUMSEP;
    if (cp == KB_UTF8_REPLACEMENT)
        return C_SEP;
    if (u_isalpha((UChar32)cp) || u_charType((UChar32)cp) == U_COMBINING_SPACING_MARK)
        return is_arabic_block(cp) ? C_AR : C_LAT;
    if (u_isUWhiteSpace((UChar32)cp) || u_iscntrl((UChar32)cp))
        return C_SPACE;
    return C_SEP;
}

/* ---- normalization into items ----------------------------------------------------------- */

struct item {
    uint32_t cp;  /* folded */
    uint32_t raw; /* before letter folding */
    size_t s, e;  /* original byte range */
    enum cls cls;
};

struct an;
typedef int (*flush_fn)(struct an *a, size_t upto);

struct an {
    const char *text;
    size_t n;
    enum kb_analyze_mode mode;
    kb_token_fn fn;
    void *ctx;
    struct kb_buf *out; /* kb_normalize */
    struct item *it;
    size_t nit, cap;
    flush_fn flush;
};

static void push(struct an *a, uint32_t cp, size_t s, size_t e)
{
    uint32_t raw;
    uint32_t f = kb_an_fold(cp, &raw);
    if (!f) {
        /* A deleted mark belongs to the word it sits in: widen that word's range. */
        if (a->nit && a->it[a->nit - 1].cls != C_SPACE && a->it[a->nit - 1].e < e)
            a->it[a->nit - 1].e = e;
        return;
    }
    if (a->nit == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 256;
        a->it = kb_realloc(a->it, a->cap * sizeof(*a->it));
    }
    a->it[a->nit++] = (struct item){f, raw, s, e, classify(f)};
}

/* Normalize one segment seg[0..k) spanning original bytes [s, e). */
static void push_segment(struct an *a, const uint32_t *seg, size_t k, size_t s, size_t e)
{
    uint32_t c0 = seg[0];
    bool simple = c0 < 0x80 || (c0 >= 0x0621 && c0 <= 0x064A) || !nfkc_cf;
    /* An Arabic letter with harakat: NFKC only reorders marks we delete anyway (the
     * composing hamza and madda, U+0653..U+0655, take the general path). */
    for (size_t i = 1; i < k && simple; i++)
        simple =
            nfkc_cf == NULL ||
            (seg[i] >= 0x064B && seg[i] <= 0x065F && !(seg[i] >= 0x0653 && seg[i] <= 0x0655)) ||
            seg[i] == 0x0670;
    if (simple) {
        for (size_t i = 0; i < k; i++)
            push(a, seg[i], s, e);
        return;
    }
    UChar in[SEG_MAX * 2], out[SEG_MAX * 2 * 18 + 16];
    int32_t in_n = 0;
    for (size_t i = 0; i < k; i++) {
        UChar32 c = (UChar32)seg[i];
        if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
            c = 0xFFFD;
        U16_APPEND_UNSAFE(in, in_n, c);
    }
    UErrorCode st = U_ZERO_ERROR;
    int32_t on =
        unorm2_normalize(nfkc_cf, in, in_n, out, (int32_t)(sizeof(out) / sizeof(out[0])), &st);
    if (U_FAILURE(st)) {
        for (size_t i = 0; i < k; i++)
            push(a, seg[i], s, e);
        return;
    }
    for (int32_t i = 0; i < on;) {
        UChar32 c;
        U16_NEXT(out, i, on, c);
        push(a, (uint32_t)c, s, e);
    }
}

static bool boundary_before(uint32_t cp)
{
    if (cp < 0x300 || !nfkc_cf)
        return true;
    return unorm2_hasBoundaryBefore(nfkc_cf, (UChar32)cp);
}

/* Decode and normalize the whole text, calling a->flush on windows that end on white
 * space (and at the end). */
static int run(struct an *a)
{
    uint32_t seg[SEG_MAX];
    size_t k = 0, seg_s = 0, seg_e = 0;
    int rc = 0;
    for (size_t i = 0; i < a->n;) {
        uint32_t cp;
        size_t len = kb_utf8_decode(a->text + i, a->n - i, &cp);
        if (k && (k == SEG_MAX || boundary_before(cp))) {
            push_segment(a, seg, k, seg_s, seg_e);
            k = 0;
            if (a->nit >= HARD_CAP || (a->nit >= WINDOW && a->it[a->nit - 1].cls == C_SPACE)) {
                rc = a->flush(a, a->nit);
                a->nit = 0;
                if (rc)
                    return rc;
            }
        }
        if (!k)
            seg_s = i;
        seg[k++] = cp;
        i += len;
        seg_e = i;
    }
    if (k)
        push_segment(a, seg, k, seg_s, seg_e);
    rc = a->flush(a, a->nit);
    a->nit = 0;
    return rc;
}

/* ---- terms ---------------------------------------------------------------------------- */

static size_t put_cps(char *dst, const uint32_t *w, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += kb_utf8_encode(w[i], dst + k);
    return k;
}

/* Room for one term: KB_AN_MAX_CHARS code points of up to 4 bytes. */
#define TERM_BYTES (KB_AN_MAX_CHARS * 4)

static bool is_stop(const uint32_t *raw, const uint32_t *norm, size_t n)
{
    char r[TERM_BYTES], f[TERM_BYTES];
    size_t rn = put_cps(r, raw, n), fn = put_cps(f, norm, n);
    return kb_stopword_match(r, rn, f, fn);
}

static int emit_cps(struct an *a, int flags, const uint32_t *w, size_t n, size_t s, size_t e)
{
    char t[TERM_BYTES];
    size_t tn = put_cps(t, w, n);
    return tn ? a->fn(a->ctx, flags, t, tn, s, e) : 0;
}

static bool is_proclitic(uint32_t c)
{
    return c == 0x0648 || c == 0x0641 || c == 0x0628 || c == 0x0644 || c == 0x0643;
}

/* Letters an alternate must keep after its proclitics are removed. */
#ifndef ALT_MIN
#define ALT_MIN 3
#endif

/* Longest stem (letters) that gets the ي/ت alternate: a verb of a hollow or defective root
 * (يقع, تبلغ); longer stems are mostly nouns (تقرير, يونيو). */
#ifndef YT_MAX
#define YT_MAX 4
#endif

/* A ة before a pronoun is written ت (مساحة, مساحتها): when a pronoun (ه, ها, ي) came off
 * right after the final ت of stem p (of word w), the stem without it is an alternate, so مساحتها
 * also files under مساح.  Not for a final ت alone (وقعت, بيت, صوت): measured worse. */
static int emit_teh_alt(struct an *a, const uint32_t *w, size_t n, const uint32_t *p, size_t pn,
                        size_t s, size_t e)
{
    if (pn < 4 || p[pn - 1] != 0x062A)
        return 0;
    size_t k = 0; /* where the stem sits in the word: after the prefixes removed */
    while (k + pn <= n && memcmp(w + k, p, pn * sizeof(*p)) != 0)
        k++;
    const uint32_t *r = w + k + pn; /* what came off: a pronoun ه, ها or ي */
    size_t rn = k + pn <= n ? n - k - pn : 0;
    bool pronoun = (rn == 1 && (r[0] == 0x0647 || r[0] == 0x064A)) ||
                   (rn == 2 && r[0] == 0x0647 && r[1] == 0x0627);
    return pronoun ? emit_cps(a, KB_TOKEN_COLOCATED, p, pn - 1, s, e) : 0;
}

static int emit_arabic(struct an *a, const struct item *it, size_t n)
{
    uint32_t raw[KB_AN_MAX_CHARS], w[KB_AN_MAX_CHARS];
    for (size_t i = 0; i < n; i++) {
        raw[i] = it[i].raw;
        w[i] = it[i].cp;
    }
    size_t s = it[0].s, e = it[n - 1].e;
    if (a->mode == KB_ANALYZE_PREFIX) {
        /* The index holds stems without the article: drop it from the prefix too. */
        size_t m = n;
        kb_stem_ar_prefix(w, &m);
        return emit_cps(a, 0, w, m, s, e);
    }
    if (is_stop(raw, w, n))
        return 0;
    uint32_t p[KB_AN_MAX_CHARS];
    size_t pn = n;
    memcpy(p, w, n * sizeof(*w));
    kb_stem_ar(p, &pn);
    int rc = emit_cps(a, 0, p, pn, s, e);
    if (rc || a->mode != KB_ANALYZE_INDEX || kb_stem_ar_is_name(w, n))
        return rc;
    if ((rc = emit_teh_alt(a, w, n, p, pn, s, e)))
        return rc;
    /* A short stem opening with the imperfect's ي or ت also stands for the other person:
     * يقع / تقع, يحد(ها) / تحد, يعيش / تعيش — the same verb said of a masculine or a feminine
     * subject (a country, a city), which readers and writers choose differently. */
    if (pn >= 3 && pn <= YT_MAX && (p[0] == 0x064A || p[0] == 0x062A)) {
        uint32_t yt[KB_AN_MAX_CHARS];
        memcpy(yt, p, pn * sizeof(*p));
        yt[0] = p[0] == 0x064A ? 0x062A : 0x064A;
        if ((rc = emit_cps(a, KB_TOKEN_COLOCATED, yt, pn, s, e)))
            return rc;
    }
    /* Alternates: the word without و/ف, without و/ف and then ب/ل/ك, or without ب/ل/ك. */
    size_t cut[2], ncut = 0;
    if ((w[0] == 0x0648 || w[0] == 0x0641) && n - 1 >= ALT_MIN) {
        cut[ncut++] = 1;
        if (n - 2 >= ALT_MIN && (w[1] == 0x0628 || w[1] == 0x0644 || w[1] == 0x0643))
            cut[ncut++] = 2;
    } else if (is_proclitic(w[0]) && n - 1 >= ALT_MIN) {
        cut[ncut++] = 1;
    }
    uint32_t prev[KB_AN_MAX_CHARS];
    size_t prevn = 0;
    for (size_t c = 0; c < ncut && !rc; c++) {
        size_t k = cut[c], an = n - k;
        if (is_stop(raw + k, w + k, an))
            continue;
        uint32_t alt[KB_AN_MAX_CHARS];
        memcpy(alt, w + k, an * sizeof(*w));
        kb_stem_ar(alt, &an);
        if ((an == pn && memcmp(alt, p, an * sizeof(*p)) == 0) ||
            (an == prevn && memcmp(alt, prev, an * sizeof(*p)) == 0))
            continue;
        rc = emit_cps(a, KB_TOKEN_COLOCATED, alt, an, s, e);
        if (!rc)
            rc = emit_teh_alt(a, w + k, n - k, alt, an, s, e);
        memcpy(prev, alt, an * sizeof(*alt));
        prevn = an;
    }
    return rc;
}

/* Latin-script letters the English stemmer understands (ASCII and Latin-1/Extended). */
static bool english_word(const struct item *it, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t c = it[i].cp;
        if (!((c >= 'a' && c <= 'z') || c == '\'' || (c >= 0xC0 && c <= 0x24F)))
            return false;
    }
    return true;
}

static int emit_latin(struct an *a, const struct item *it, size_t n, bool letters)
{
    char t[TERM_BYTES];
    size_t tn = 0;
    size_t s = it[0].s, e = it[n - 1].e;
    if (!letters) {
        /* A number: ٫ is the decimal point and ٬ groups thousands; then a comma followed
         * by exactly three digits groups thousands too, unless a decimal point came first.
         * The comma rule runs on the digits as they will be written (after ٬ is gone),
         * so a written number reads back the same. */
        char d[TERM_BYTES];
        size_t dn = 0;
        for (size_t i = 0; i < n; i++) {
            uint32_t c = it[i].cp;
            if (c != 0x066C)
                d[dn++] = c == 0x066B ? '.' : (char)c;
        }
        bool point = false;
        for (size_t i = 0; i < dn; i++) {
            if (d[i] == '.')
                point = true;
            if (d[i] == ',' && !point) {
                size_t k = 0;
                while (i + 1 + k < dn && d[i + 1 + k] >= '0' && d[i + 1 + k] <= '9')
                    k++;
                if (k == 3)
                    continue;
            }
            t[tn++] = d[i];
        }
        return a->fn(a->ctx, 0, t, tn, s, e);
    }
    uint32_t w[KB_AN_MAX_CHARS];
    for (size_t i = 0; i < n; i++)
        w[i] = it[i].cp;
    tn = put_cps(t, w, n);
    if (a->mode != KB_ANALYZE_PREFIX) {
        if (kb_stopword_match(t, tn, NULL, 0))
            return 0;
        if (english_word(it, n)) {
            char st[TERM_BYTES];
            size_t sn = kb_stem_en(t, tn, st);
            return a->fn(a->ctx, 0, st, sn, s, e);
        }
    }
    return a->fn(a->ctx, 0, t, tn, s, e);
}

/* True when the items at i spell `lit` (ASCII). */
static bool spells(const struct item *it, size_t i, size_t m, const char *lit)
{
    for (; *lit; lit++, i++)
        if (i >= m || it[i].cp != (unsigned char)*lit)
            return false;
    return true;
}

static bool is_hex(uint32_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static bool url_end_char(uint32_t c)
{
    return c == '<' || c == '>' || c == '"' || c == 0x060C || c == 0x061B;
}

static int tokenize(struct an *a, size_t m)
{
    const struct item *it = a->it;
    size_t url_end = 0; /* items before this index are inside a URL */
    for (size_t i = 0; i < m;) {
        enum cls c = it[i].cls;
        if (c == C_AR) {
            size_t j = i;
            while (j < m && it[j].cls == C_AR)
                j++;
            int rc = j - i <= KB_AN_MAX_CHARS ? emit_arabic(a, it + i, j - i) : 0;
            if (rc)
                return rc;
            i = j;
            continue;
        }
        if (c == C_LAT || c == C_DIG) {
            if (i >= url_end && c == C_LAT &&
                (spells(it, i, m, "http://") || spells(it, i, m, "https://") ||
                 spells(it, i, m, "www."))) {
                url_end = i;
                while (url_end < m && it[url_end].cls != C_SPACE && !url_end_char(it[url_end].cp))
                    url_end++;
            }
            bool letters = c == C_LAT, number = c == C_DIG, seps = false;
            size_t j = i + 1;
            while (j < m) {
                enum cls cj = it[j].cls;
                if (cj == C_LAT) {
                    if (seps)
                        break; /* "3.5bn": the number ends where the letters start */
                    letters = true;
                    number = false;
                } else if (cj == C_DIG) {
                } else if (cj == C_NUMSEP && number && j + 1 < m && it[j + 1].cls == C_DIG) {
                    seps = true;
                } else if (cj == C_APOS && !number && it[j - 1].cls == C_LAT && j + 1 < m &&
                           it[j + 1].cls == C_LAT) {
                } else {
                    break;
                }
                j++;
            }
            size_t len = j - i;
            bool skip = len > KB_AN_MAX_CHARS;
            if (i < url_end &&
                ((len == 4 && spells(it, i, j, "http")) ||
                 (len == 5 && spells(it, i, j, "https")) || (len == 3 && spells(it, i, j, "www"))))
                skip = true; /* a URL's scheme and www say nothing about it */
            int rc = skip ? 0 : emit_latin(a, it + i, j - i, letters);
            if (rc)
                return rc;
            i = j;
            continue;
        }
        if (i < url_end && it[i].cp == '%' && i + 2 < url_end && is_hex(it[i + 1].cp) &&
            is_hex(it[i + 2].cp)) {
            i += 3;
            continue;
        }
        i++;
    }
    return 0;
}

static int flush_tokens(struct an *a, size_t upto)
{
    return upto ? tokenize(a, upto) : 0;
}

int kb_analyze(const char *text, size_t n, enum kb_analyze_mode mode, kb_token_fn fn, void *ctx)
{
    pthread_once(&init_once, init);
    if (!text || !n || !fn)
        return 0;
    struct an a;
    memset(&a, 0, sizeof(a));
    a.text = text;
    a.n = n;
    a.mode = mode;
    a.fn = fn;
    a.ctx = ctx;
    a.flush = flush_tokens;
    int rc = run(&a);
    free(a.it);
    return rc;
}

static int flush_text(struct an *a, size_t upto)
{
    char enc[4];
    for (size_t i = 0; i < upto; i++)
        kb_buf_add(a->out, enc, kb_utf8_encode(a->it[i].cp, enc));
    return 0;
}

void kb_normalize(struct kb_buf *out, const char *s, size_t n)
{
    pthread_once(&init_once, init);
    if (!s || !n)
        return;
    struct an a;
    memset(&a, 0, sizeof(a));
    a.text = s;
    a.n = n;
    a.out = out;
    a.flush = flush_text;
    (void)run(&a);
    free(a.it);
}

bool kb_is_stopword(const char *s, size_t n)
{
    pthread_once(&init_once, init);
    if (!s || !n || n > TERM_BYTES)
        return false;
    uint32_t raw[KB_AN_MAX_CHARS], w[KB_AN_MAX_CHARS];
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp, r;
        i += kb_utf8_decode(s + i, n - i, &cp);
        uint32_t f = kb_an_fold(cp, &r);
        if (!f)
            continue;
        if (k == KB_AN_MAX_CHARS)
            return false;
        raw[k] = r;
        w[k++] = f;
    }
    return k && is_stop(raw, w, k);
}
