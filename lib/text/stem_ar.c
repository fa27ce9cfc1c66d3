/*
 * stem_ar.c — the Arabic light stemmer: Lucene's rules with our measured changes.
 *
 * A stem is found by repeating one step until it changes nothing: remove at most one of the
 * prefixes ال وال بال كال فال لل (at least 2 letters must remain), then each of the suffixes
 * ها ان ات ون ين يه ه ي in that order (ية and ة are يه and ه after normalization), each when
 * at least SUFFIX_MIN letters remain.  Lucene makes one pass; repeating makes the stemmer
 * idempotent and makes سياراته (ه then ات) meet سيارات and سيارة.  Single letters (و ف ب
 * ل ك) are never removed here: the analyzer indexes the word without them as a colocated
 * alternate instead (docs/analyzer.md).
 *
 * Names on our list are never cut: when the word, or any intermediate form of it, is a
 * listed name, that form is the stem (بوتين stays بوتين, اللبنانية stops at لبنان).
 *
 * Invariants: words are normalized code points; the stem is a prefix-and-suffix-trimmed
 * substring of the word, never empty; stemming a stem returns it unchanged.
 */
#include <string.h>
#include "analyzer_int.h"
#include "khabar/utf8.h"

/* Letters a suffix may leave behind, at least.  Lucene uses 2; 3 keeps بيان, مكان, علي
 * and عمان whole (measured in docs/analyzer.md). */
#ifndef SINGLE_PASS /* measurement knob: Lucene's one pass */
#define SINGLE_PASS 0
#endif
#ifndef SUFFIX_MIN
#define SUFFIX_MIN 3
#endif

#define ALEF 0x0627
#define LAM 0x0644
#define WAW 0x0648
#define BEH 0x0628
#define KAF 0x0643
#define FEH 0x0641
#define HEH 0x0647
#define YEH 0x064A
#define NOON 0x0646
#define TEH 0x062A

static const uint32_t prefixes[][3] = {
    {ALEF, LAM, 0},   {WAW, ALEF, LAM}, {BEH, ALEF, LAM},
    {KAF, ALEF, LAM}, {FEH, ALEF, LAM}, {LAM, LAM, 0},
};

static const uint32_t suffixes[][2] = {
    {HEH, ALEF}, {ALEF, NOON}, {ALEF, TEH}, {WAW, NOON},
    {YEH, NOON}, {YEH, HEH},   {HEH, 0},    {YEH, 0},    {ALEF, 0},
};

/* Frequent names in news whose endings look like suffixes, or that the stemmer would turn
 * into another word (لبنان → لبن "milk", دبي → دب "bear").  Written as in print; folded and
 * stripped of ال when the table is built. */
static const char *const names[] = {
    "بوتين",   "بلينكن",   "ترمب",      "ترامب",     "بايدن",   "أوباما",  "نتنياهو", "زيلينسكي",
    "أردوغان", "ماكرون",   "شولتس",     "لافروف",    "غوتيريش", "هنية",    "لبنان",   "إيران",
    "عمان",    "السودان",  "اليابان",   "الصين",     "فلسطين",  "برلين",   "طهران",   "أفغانستان",
    "باكستان", "أذربيجان", "أوزبكستان", "كازاخستان", "اليونان", "البحرين", "الفلبين", "الأرجنتين",
    "عثمان",   "رمضان",    "سلمان",     "حسين",      "ياسين",   "أمين",    "بنيامين", "عدنان",
    "غسان",    "مروان",    "سفيان",     "شعبان",     "جنين",    "دبي",     "أبوظبي",  "لاهاي",
    "الكويت",  "بيروت",    "تونس",      "عمران",     "سليمان",  "قحطان",   "حمدان",   "زيدان",
    "كنعان",   "نيسان",    "حزيران",    "تشرين",     "كانون",   "ماي",     "جوان",    "علي",
    "سامي",    "هاني",     "مصطفى",     "موسى",      "عيسى",    "يحيى",    "ليلى",    "هدى",
    "منى",     "سلوى",     "نجوى",      "بشرى",
};

#define NAME_SLOTS 512
#define NAME_MAX 16

static uint32_t name_cp[NAME_SLOTS][NAME_MAX];
static unsigned char name_len[NAME_SLOTS];

static uint32_t hash_cp(const uint32_t *w, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ w[i]) * 16777619u;
    return h;
}

bool kb_stem_ar_is_name(const uint32_t *w, size_t n)
{
    if (n == 0 || n > NAME_MAX)
        return false;
    for (uint32_t i = hash_cp(w, n) & (NAME_SLOTS - 1); name_len[i]; i = (i + 1) & (NAME_SLOTS - 1))
        if (name_len[i] == n && memcmp(name_cp[i], w, n * sizeof(*w)) == 0)
            return true;
    return false;
}

static void add_name(const uint32_t *w, size_t n)
{
    if (n == 0 || n > NAME_MAX || kb_stem_ar_is_name(w, n))
        return;
    uint32_t i = hash_cp(w, n) & (NAME_SLOTS - 1);
    while (name_len[i])
        i = (i + 1) & (NAME_SLOTS - 1);
    memcpy(name_cp[i], w, n * sizeof(*w));
    name_len[i] = (unsigned char)n;
}

void kb_stem_ar_init(void)
{
    for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
        uint32_t w[NAME_MAX];
        size_t n = 0;
        const char *s = names[k];
        size_t len = strlen(s);
        for (size_t i = 0; i < len && n < NAME_MAX;) {
            uint32_t cp, raw;
            i += kb_utf8_decode(s + i, len - i, &cp);
            uint32_t f = kb_an_fold(cp, &raw);
            if (f)
                w[n++] = f;
        }
        if (n > 2 && w[0] == ALEF && w[1] == LAM)
            add_name(w + 2, n - 2); /* stems never keep the article */
        else
            add_name(w, n);
    }
}

static bool starts(const uint32_t *w, size_t n, const uint32_t *p, size_t pn)
{
    return n >= pn && memcmp(w, p, pn * sizeof(*w)) == 0;
}

static size_t plen(const uint32_t *p, size_t max)
{
    size_t k = 0;
    while (k < max && p[k])
        k++;
    return k;
}

void kb_stem_ar_prefix(uint32_t *w, size_t *np)
{
    size_t n = *np;
    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
        size_t pn = plen(prefixes[i], 3);
        if (n >= pn + 2 && starts(w, n, prefixes[i], pn)) {
            memmove(w, w + pn, (n - pn) * sizeof(*w));
            *np = n - pn;
            return;
        }
    }
}

void kb_stem_ar(uint32_t *w, size_t *np)
{
    size_t n = *np;
    for (;;) {
        if (kb_stem_ar_is_name(w, n))
            break;
        size_t before = n;
        kb_stem_ar_prefix(w, &n);
        if (n != before && kb_stem_ar_is_name(w, n))
            break;
        bool name = false;
        for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]) && !name; i++) {
            size_t sn = plen(suffixes[i], 2);
            if (n >= sn + SUFFIX_MIN && memcmp(w + n - sn, suffixes[i], sn * sizeof(*w)) == 0) {
                n -= sn;
                name = kb_stem_ar_is_name(w, n);
            }
        }
        if (name || n == before || SINGLE_PASS)
            break;
    }
    *np = n;
}
