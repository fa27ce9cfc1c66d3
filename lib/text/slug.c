/*
 * slug.c — URL slugs from headlines: "الولايات-المتحدة-وحلف-الناتو-يدعوان".
 *
 * Arabic stays Arabic (browsers show it; percent-encoding is the URL writer's job).  Each
 * input code point is first folded by NFKC on its own (presentation forms, ligatures,
 * full-width and superscript characters), then either deleted (harakat, tatweel, format
 * marks, combining marks, apostrophes), kept (Arabic or Latin letters, lower-cased; digits
 * of any script as ASCII) or turned into a separator.  Runs of separators become one '-'.
 * A combining mark that composes with the kept character before it is composed first, so
 * decomposed and precomposed spellings give the same slug.
 *
 * Invariants: the output is valid UTF-8 made only of kept characters and single inner '-',
 * at most KB_SLUG_MAX_CHARS code points, and slugging it again gives it back unchanged
 * (each step maps kept characters to themselves, and the length cut only ever ends on a
 * word end or inside a first word that is itself longer than the cap).
 */
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>
#include <unicode/utf16.h>
#include "khabar/text.h"
#include "khabar/utf8.h"

enum cls { CLS_DELETE, CLS_KEEP, CLS_SEP };

static bool is_deleted(uint32_t cp)
{
    if ((cp >= 0x064B && cp <= 0x065F) || cp == 0x0670 || cp == 0x0640 ||
        (cp >= 0x200B && cp <= 0x200F) || cp == 0x061C || cp == 0xFEFF ||
        (cp >= 0x2066 && cp <= 0x2069) || (cp >= 0x202A && cp <= 0x202E) || cp == 0x00AD ||
        cp == '\'' || cp == 0x2019 || cp == 0x02BC)
        return true;
    if (cp < 0x300)
        return false;
    int8_t t = u_charType((UChar32)cp);
    return t == U_NON_SPACING_MARK || t == U_COMBINING_SPACING_MARK || t == U_ENCLOSING_MARK;
}

/* Classify one NFKC-folded code point; *out is what to emit when kept. */
static enum cls classify(uint32_t cp, uint32_t *out)
{
    if (cp < 0x80) {
        if (cp >= '0' && cp <= '9') {
            *out = cp;
            return CLS_KEEP;
        }
        if ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') {
            *out = cp | 0x20;
            return CLS_KEEP;
        }
        return cp == '\'' ? CLS_DELETE : CLS_SEP;
    }
    if (cp == KB_UTF8_REPLACEMENT || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
        return CLS_SEP;
    if (is_deleted(cp))
        return CLS_DELETE;
    if (u_isdigit((UChar32)cp)) {
        int v = u_charDigitValue((UChar32)cp);
        if (v >= 0 && v <= 9) {
            *out = '0' + (uint32_t)v;
            return CLS_KEEP;
        }
        return CLS_SEP;
    }
    if (u_isalpha((UChar32)cp)) {
        UErrorCode st = U_ZERO_ERROR;
        UScriptCode sc = uscript_getScript((UChar32)cp, &st);
        if (U_SUCCESS(st) && (sc == USCRIPT_ARABIC || sc == USCRIPT_LATIN)) {
            *out = (uint32_t)u_tolower((UChar32)cp);
            return CLS_KEEP;
        }
    }
    return CLS_SEP;
}

struct slugger {
    struct kb_buf b;
    size_t chars;     /* code points in b */
    size_t word_end;  /* bytes of b up to the end of the last complete word */
    bool pending_sep; /* a separator was seen since the last kept character */
    bool full;        /* the cap was reached: ignore the rest */
    const UNormalizer2 *nfkc;
    uint32_t last;   /* the last kept character, when it ends b (0 otherwise) */
    size_t last_pos; /* its byte offset in b */
};

static void emit(struct slugger *s, uint32_t cp)
{
    if (s->full)
        return;
    bool sep = s->pending_sep && s->b.n > 0;
    size_t need = sep ? 2 : 1;
    if (s->chars + need > KB_SLUG_MAX_CHARS) {
        s->full = true;
        /* Cut mid-word: fall back to the last word end, unless this is the first word. */
        if (!sep && s->word_end > 0) {
            s->b.n = s->word_end;
            s->b.p[s->b.n] = '\0';
        }
        return;
    }
    if (sep) {
        s->word_end = s->b.n;
        kb_buf_addch(&s->b, '-');
        s->chars++;
    }
    s->pending_sep = false;
    char enc[4];
    s->last_pos = s->b.n;
    s->last = cp;
    kb_buf_add(&s->b, enc, kb_utf8_encode(cp, enc));
    s->chars++;
}

/* A combining mark right after a kept character: compose the two when Unicode has the
 * composite ("e" + U+0301 = "é", "ا" + U+0654 = "أ"), so decomposed input gives the same slug
 * as precomposed input.  False when the mark is to be handled on its own. */
static bool compose(struct slugger *s, uint32_t mark)
{
    if (!s->last || s->pending_sep || !s->nfkc || s->full || mark < 0x300)
        return false;
    UChar32 c = unorm2_composePair(s->nfkc, (UChar32)s->last, (UChar32)mark);
    uint32_t keep = 0;
    if (c < 0 || classify((uint32_t)c, &keep) != CLS_KEEP)
        return false;
    s->b.n = s->last_pos;
    char enc[4];
    kb_buf_add(&s->b, enc, kb_utf8_encode(keep, enc));
    s->last = keep;
    return true;
}

static void feed(struct slugger *s, uint32_t cp)
{
    uint32_t keep = 0;
    if (compose(s, cp))
        return;
    switch (classify(cp, &keep)) {
    case CLS_KEEP:
        emit(s, keep);
        break;
    case CLS_SEP:
        s->pending_sep = true;
        s->last = 0;
        break;
    case CLS_DELETE:
        break;
    }
}

/* Fold one code point with NFKC and feed the result. */
static void feed_folded(struct slugger *s, uint32_t cp, const UNormalizer2 *nfkc)
{
    if (cp < 0xA0 || !nfkc || cp == KB_UTF8_REPLACEMENT) {
        feed(s, cp);
        return;
    }
    UChar in[2], outu[32];
    int32_t in_n = 0;
    U16_APPEND_UNSAFE(in, in_n, (UChar32)cp);
    UErrorCode st = U_ZERO_ERROR;
    int32_t on = unorm2_normalize(nfkc, in, in_n, outu, 32, &st);
    if (U_FAILURE(st)) {
        feed(s, cp);
        return;
    }
    for (int32_t i = 0; i < on;) {
        UChar32 c;
        U16_NEXT(outu, i, on, c);
        feed(s, (uint32_t)c);
    }
}

void kb_slug_make(struct kb_buf *out, const char *s, size_t n)
{
    struct slugger sl;
    memset(&sl, 0, sizeof(sl));
    kb_buf_init(&sl.b, KB_SLUG_MAX_CHARS * 4 + 8);
    UErrorCode st = U_ZERO_ERROR;
    const UNormalizer2 *nfkc = unorm2_getNFKCInstance(&st);
    if (U_FAILURE(st))
        nfkc = NULL;
    sl.nfkc = nfkc;
    for (size_t i = 0; s && i < n && !sl.full;) {
        uint32_t cp;
        i += kb_utf8_decode(s + i, n - i, &cp);
        feed_folded(&sl, cp, nfkc);
    }
    kb_buf_addstr(out, kb_buf_str(&sl.b));
    kb_buf_release(&sl.b);
}
