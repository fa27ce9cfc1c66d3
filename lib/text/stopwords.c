/*
 * stopwords.c — the function words search leaves out, Arabic and English.
 *
 * The Arabic list is ours, written for news text: prepositions (with the pronoun suffixes
 * they usually carry), pronouns, demonstratives, relative pronouns, particles and
 * conjunctions, the auxiliaries كان/ليس/أصبح and their common forms, and the frequent
 * fused forms with و and ف (وفي، فقد).  Entries are written as a careful writer spells
 * them, with hamza; the hamza-less spellings news sites also use are listed too.
 *
 * Matching (docs/analyzer.md, "stop words"): a token is a stop word when its raw form
 * (after NFKC, case folding and mark removal, before letter folding) is on the list, as
 * Lucene does.  Matching the normalized form as well (STOP_NORM 1, kept as a measurement
 * knob) was measured on 3,000 ANT articles: it drops 293 more of 854,758 words, and half of
 * them are content words whose normalized form is a stop word's — آلية (mechanism) as
 * إليه, آن, منى (Mona), آية, آلان — while the useful half (فى, الذى, التى) is better
 * served by listing those spellings, which we do.  Even with STOP_NORM 1 the entries in
 * raw_only (على/علي the name Ali, إلى/آلي, أمام/إمام, والى/والي) match only as written.
 *
 * Invariants: the tables are built once (kb_stopwords_init, under the analyzer's
 * pthread_once) and only read afterwards, so lookups are thread-safe.
 */
#include <string.h>
#include "analyzer_int.h"
#include "khabar/utf8.h"

static const char *const arabic_words[] = {
    /* prepositions and adverbs of place and time */
    "في",
    "من",
    "إلى",
    "الى",
    "على",
    "عن",
    "مع",
    "حتى",
    "منذ",
    "مذ",
    "خلال",
    "بين",
    "عند",
    "لدى",
    "إلي",
    "الي",
    "غير",
    "جميع",
    "أ",
    "ا",
    "بأن",
    "بان",
    "نحو",
    "ضد",
    "حول",
    "دون",
    "عبر",
    "فوق",
    "تحت",
    "أمام",
    "وراء",
    "خلف",
    "قبل",
    "بعد",
    "إزاء",
    "ازاء",
    "سوى",
    "عدا",
    "حيال",
    "حسب",
    "بحسب",
    "وفق",
    "ضمن",
    "لدن",
    "لدي",
    /* pronouns */
    "هو",
    "هي",
    "هم",
    "هن",
    "هما",
    "أنا",
    "انا",
    "نحن",
    "أنت",
    "انت",
    "أنتم",
    "انتم",
    "أنتما",
    "أنتن",
    "إياه",
    "اياه",
    "إياها",
    "إياهم",
    "إياك",
    /* prepositions with pronoun suffixes */
    "له",
    "لها",
    "لهم",
    "لهما",
    "لهن",
    "لنا",
    "لي",
    "لك",
    "لكم",
    "به",
    "بها",
    "بهم",
    "بهما",
    "بنا",
    "بي",
    "بك",
    "فيه",
    "فيها",
    "فيهم",
    "فيهما",
    "فينا",
    "منه",
    "منها",
    "منهم",
    "منهما",
    "منا",
    "مني",
    "عنه",
    "عنها",
    "عنهم",
    "عنا",
    "عليه",
    "عليها",
    "عليهم",
    "عليهما",
    "علينا",
    "إليه",
    "اليه",
    "إليها",
    "اليها",
    "إليهم",
    "اليهم",
    "معه",
    "معها",
    "معهم",
    "معنا",
    "عنده",
    "عندها",
    "عندهم",
    "لديه",
    "لديها",
    "لديهم",
    "بينهم",
    "بينها",
    "بينهما",
    "بينما",
    "إليك",
    "عليك",
    /* demonstratives */
    "هذا",
    "هذه",
    "ذلك",
    "تلك",
    "هؤلاء",
    "أولئك",
    "اولئك",
    "هذان",
    "هاتان",
    "هذين",
    "هاتين",
    "ذاك",
    "هنا",
    "هناك",
    "هنالك",
    "ثمة",
    "ذا",
    /* relative pronouns */
    "الذي",
    "التي",
    "الذين",
    "اللذان",
    "اللتان",
    "اللذين",
    "اللتين",
    "اللواتي",
    "اللاتي",
    "اللائي",
    "ماذا",
    /* particles and conjunctions */
    "و",
    "ف",
    "ب",
    "ل",
    "ك",
    "ثم",
    "أو",
    "او",
    "بل",
    "لكن",
    "لكنه",
    "لكنها",
    "إن",
    "ان",
    "أن",
    "إنه",
    "انه",
    "إنها",
    "انها",
    "أنه",
    "أنها",
    "أنهم",
    "انهم",
    "إنهم",
    "كأن",
    "كأنه",
    "لأن",
    "لان",
    "لأنه",
    "لانه",
    "لأنها",
    "لا",
    "لم",
    "لن",
    "لما",
    "ما",
    "قد",
    "لقد",
    "سوف",
    "هل",
    "كي",
    "لكي",
    "إذ",
    "اذ",
    "إذا",
    "اذا",
    "إذن",
    "اذن",
    "لو",
    "لولا",
    "إلا",
    "الا",
    "ألا",
    "أي",
    "اي",
    "أية",
    "اية",
    "أيضا",
    "ايضا",
    "فقط",
    "كما",
    "كذلك",
    "حيث",
    "حين",
    "حينما",
    "عندما",
    "كيف",
    "أين",
    "اين",
    "متى",
    "لماذا",
    "مهما",
    "أينما",
    "كلما",
    "ريثما",
    "يا",
    "أيها",
    "ايها",
    "بلى",
    "لعل",
    "ليت",
    "إنما",
    "انما",
    "أما",
    "اما",
    "إما",
    "سواء",
    "كل",
    "كلا",
    "بعض",
    "الآن",
    "الان",
    "بما",
    "مما",
    "عما",
    "ممن",
    "عمن",
    "فيما",
    "إذما",
    /* questions, written apart or joined (not كم: lib/search keeps "how many" searchable
     * on its own, and leaves it out beside other words) */

    "بماذا",
    "لمن",
    "ماهو",
    "ماهي",
    "ماهى",
    "أيهما",
    "ايهما",
    "أيهم",
    /* auxiliaries */
    "كان",
    "كانت",
    "كانوا",
    "يكون",
    "تكون",
    "يكن",
    "تكن",
    "ليس",
    "ليست",
    "ليسوا",
    "صار",
    "أصبح",
    "اصبح",
    "أصبحت",
    "اصبحت",
    "ظل",
    "زال",
    "يزال",
    "تزال",
    "مازال",
    "مازالت",
    "بات",
    "أمسى",
    "تم",
    "تمت",
    "يتم",
    "ال",
    "اللتي",
    "أضحى",
    /* ى written ي, ي written ى, ة written ه and ه written ة: common in news text */
    "فى",
    "وفى",
    "الذى",
    "التى",
    "هى",
    "أى",
    "هذة",
    "حتي",
    "متي",
    "لدي",
    "لانها",
    "لأنة",
    /* fused with و and ف */
    "وفي",
    "ومن",
    "وعلى",
    "وإلى",
    "والى",
    "وعن",
    "ومع",
    "وهو",
    "وهي",
    "وهم",
    "وهذا",
    "وهذه",
    "وذلك",
    "وقد",
    "ولا",
    "ولم",
    "ولن",
    "وما",
    "وإن",
    "وان",
    "وأن",
    "وكان",
    "وكانت",
    "وبين",
    "وبعد",
    "وقبل",
    "وكل",
    "وأي",
    "ولكن",
    "وحتى",
    "وعند",
    "ومنذ",
    "وخلال",
    "وليس",
    "وإذا",
    "واذا",
    "وأما",
    "واما",
    "وله",
    "ولها",
    "وبها",
    "ومنها",
    "فقد",
    "فإن",
    "فان",
    "فلا",
    "فهو",
    "فهي",
    "فما",
    "فمن",
    "فيما",
    "فإذا",
    "فاذا",
    "فلم",
    "فلن",
    "فكان",
};

/* Entries whose normalized form is also a content word: matched only as written (when
 * STOP_NORM is on; by default every entry is matched only as written). */
static const char *const raw_only[] = {"على",  "إلى",  "الى",  "إلي", "الي",
                                       "أمام", "وعلى", "وإلى", "والى"};

static const char *const english_words[] = {
    "a",       "an",      "the",     "and",     "or",     "but",    "if",    "of",    "to",
    "in",      "on",      "at",      "by",      "for",    "with",   "from",  "as",    "is",
    "are",     "was",     "were",    "be",      "been",   "being",  "am",    "it",    "its",
    "this",    "that",    "these",   "those",   "he",     "she",    "they",  "we",    "you",
    "i",       "me",      "him",     "his",     "her",    "them",   "their", "our",   "your",
    "my",      "not",     "no",      "nor",     "so",     "than",   "then",  "there", "here",
    "which",   "who",     "whom",    "whose",   "what",   "when",   "where", "why",   "how",
    "will",    "would",   "shall",   "should",  "can",    "could",  "may",   "might", "must",
    "has",     "have",    "had",     "do",      "does",   "did",    "into",  "onto",  "about",
    "also",    "such",    "only",    "own",     "same",   "too",    "very",  "just",  "s",
    "t",       "all",     "any",     "both",    "each",   "few",    "more",  "most",  "other",
    "some",    "again",   "once",    "out",     "up",     "down",   "off",   "over",  "under",
    "while",   "until",   "because", "through", "during", "before", "after", "above", "below",
    "between", "against",
};

#ifndef STOP_NORM /* measurement knob: 0 matches the raw form only */
#define STOP_NORM 0
#endif

/* A fixed-size open-addressing set of byte strings, filled once. */
#define SET_SLOTS 1024
#define POOL_BYTES 8192

struct strset {
    const char *key[SET_SLOTS];
    unsigned char len[SET_SLOTS];
};

static struct strset raw_set, norm_set;
static char norm_pool[POOL_BYTES];
static size_t norm_pool_used;

static uint32_t hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static void set_add(struct strset *set, const char *s, size_t n)
{
    if (n == 0 || n > 255)
        return;
    for (uint32_t i = hash(s, n) & (SET_SLOTS - 1);; i = (i + 1) & (SET_SLOTS - 1)) {
        if (!set->key[i]) {
            set->key[i] = s;
            set->len[i] = (unsigned char)n;
            return;
        }
        if (set->len[i] == n && memcmp(set->key[i], s, n) == 0)
            return;
    }
}

static bool set_has(const struct strset *set, const char *s, size_t n)
{
    if (n == 0 || n > 255)
        return false;
    for (uint32_t i = hash(s, n) & (SET_SLOTS - 1); set->key[i]; i = (i + 1) & (SET_SLOTS - 1))
        if (set->len[i] == n && memcmp(set->key[i], s, n) == 0)
            return true;
    return false;
}

/* The normalized form of a list entry, kept in norm_pool; NULL when the pool is full. */
static const char *fold_entry(const char *s, size_t *out_n)
{
    char *start = norm_pool + norm_pool_used;
    size_t n = strlen(s), k = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp, raw;
        i += kb_utf8_decode(s + i, n - i, &cp);
        uint32_t f = kb_an_fold(cp, &raw);
        if (!f)
            continue;
        if (norm_pool_used + k + 4 > POOL_BYTES)
            return NULL;
        k += kb_utf8_encode(f, start + k);
    }
    norm_pool_used += k;
    *out_n = k;
    return start;
}

static bool is_raw_only(const char *s)
{
    for (size_t i = 0; i < sizeof(raw_only) / sizeof(raw_only[0]); i++)
        if (strcmp(s, raw_only[i]) == 0)
            return true;
    return false;
}

void kb_stopwords_init(void)
{
    for (size_t i = 0; i < sizeof(arabic_words) / sizeof(arabic_words[0]); i++) {
        const char *w = arabic_words[i];
        set_add(&raw_set, w, strlen(w));
        size_t n;
        const char *f = is_raw_only(w) ? NULL : fold_entry(w, &n);
        if (f)
            set_add(&norm_set, f, n);
    }
    for (size_t i = 0; i < sizeof(english_words) / sizeof(english_words[0]); i++)
        set_add(&raw_set, english_words[i], strlen(english_words[i]));
}

bool kb_stopword_match(const char *raw, size_t rn, const char *norm, size_t nn)
{
    return set_has(&raw_set, raw, rn) || (STOP_NORM && norm && set_has(&norm_set, norm, nn));
}
