/*
 * pagetext.c — parsing article pages saved as text (see include/khabar/pagetext.h for the
 * layout and the rules), and turning the result into JSON or a struct kb_article.
 *
 * The parse runs in two passes.  The first splits the bytes into lines, refusing binary or
 * non-UTF-8 content and over-long lines, and keeps the trimmed non-blank lines with their
 * 1-based numbers (blank lines carry no meaning on these pages).  The second walks those
 * lines through the fixed layout: section, optional reading time, headline, lede, optional
 * image, date, body, source, Discover rail.
 *
 * Invariants: on success every string in the result is an owned, trimmed, non-empty, valid
 * UTF-8 copy (or NULL when absent), there is a headline and at least one body block; on
 * failure the caller's struct is not written.  Nothing here prints or allocates without a
 * cap: the input is capped at KB_PAGETEXT_MAX bytes and each line at KB_PAGETEXT_MAX_LINE.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "khabar/pagetext.h"
#include "khabar/utf8.h"

/* One trimmed, non-blank line of the input. */
struct line {
    struct kb_str s;
    unsigned long no; /* 1-based line number in the file */
};

/* The longest line considered as a date or a section name: longer lines are prose. */
#define DATE_MAX_BYTES 200
#define DATE_MAX_WORDS 10
#define SECTION_MAX_WORDS 6
/* How much of an offending line an error message quotes. */
#define EXCERPT_BYTES 80

static int fail(struct kb_diag *d, int code, unsigned long line, const char *fmt, ...)
    KB_PRINTF(4, 5);

static int fail(struct kb_diag *d, int code, unsigned long line, const char *fmt, ...)
{
    char msg[sizeof(d->msg)];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return kb_diag_setl(d, code, line, "%s", msg);
}

/* ---- small text helpers ------------------------------------------------------------- */

static bool is_space_cp(uint32_t cp)
{
    return cp == ' ' || cp == '\t' || cp == '\v' || cp == '\f' || cp == 0xA0 ||
           (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

/* Number of whitespace-separated words. */
static size_t count_words(struct kb_str s)
{
    size_t words = 0;
    bool in_word = false;
    for (size_t i = 0; i < s.n;) {
        uint32_t cp;
        i += kb_utf8_decode(s.p + i, s.n - i, &cp);
        bool sp = is_space_cp(cp);
        if (!sp && !in_word)
            words++;
        in_word = !sp;
    }
    return words;
}

/* The next word of s from *pos (skipping spaces), or an empty view at the end. */
static struct kb_str next_word(struct kb_str s, size_t *pos)
{
    size_t i = *pos;
    uint32_t cp;
    while (i < s.n) {
        size_t len = kb_utf8_decode(s.p + i, s.n - i, &cp);
        if (!is_space_cp(cp))
            break;
        i += len;
    }
    size_t start = i;
    while (i < s.n) {
        size_t len = kb_utf8_decode(s.p + i, s.n - i, &cp);
        if (is_space_cp(cp))
            break;
        i += len;
    }
    *pos = i;
    return (struct kb_str){s.p + start, i - start};
}

/* True when a and b are the same text once runs of whitespace count as one space. */
static bool same_text(struct kb_str a, struct kb_str b)
{
    size_t pa = 0, pb = 0;
    for (;;) {
        struct kb_str wa = next_word(a, &pa), wb = next_word(b, &pb);
        if (!kb_str_eq(wa, wb))
            return false;
        if (wa.n == 0)
            return true;
    }
}

/* The last code point of a non-empty string. */
static uint32_t last_cp(struct kb_str s)
{
    size_t k = s.n - 1;
    while (k > 0 && ((unsigned char)s.p[k] & 0xC0) == 0x80 && s.n - k < 4)
        k--;
    uint32_t cp;
    size_t len = kb_utf8_decode(s.p + k, s.n - k, &cp);
    return k + len == s.n ? cp : KB_UTF8_REPLACEMENT;
}

static bool ends_sentence(struct kb_str s)
{
    /* . ! ? : ; , " ' and ؟ ، ؛ … » ” ’ ۔ */
    static const uint32_t marks[] = {'.',    '!',    '?',    ':',    ';',    ',',
                                     '"',    '\'',   0x061F, 0x060C, 0x061B, 0x2026,
                                     0x00BB, 0x201D, 0x2019, 0x06D4};
    if (s.n == 0)
        return false;
    uint32_t cp = last_cp(s);
    for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
        if (marks[i] == cp)
            return true;
    return false;
}

/* Value of a run of decimal digits (Latin, Arabic-Indic U+0660.., or Eastern U+06F0..);
 * -1 when w is not entirely digits or is above 999. */
static int parse_number(struct kb_str w)
{
    int v = 0;
    if (w.n == 0)
        return -1;
    for (size_t i = 0; i < w.n;) {
        uint32_t cp;
        i += kb_utf8_decode(w.p + i, w.n - i, &cp);
        int digit;
        if (cp >= '0' && cp <= '9')
            digit = (int)(cp - '0');
        else if (cp >= 0x0660 && cp <= 0x0669)
            digit = (int)(cp - 0x0660);
        else if (cp >= 0x06F0 && cp <= 0x06F9)
            digit = (int)(cp - 0x06F0);
        else
            return -1;
        v = v * 10 + digit;
        if (v > 999)
            return -1;
    }
    return v;
}

static bool eq_ascii_nocase(struct kb_str s, const char *c)
{
    size_t n = strlen(c);
    if (s.n != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char a = s.p[i];
        if (a >= 'A' && a <= 'Z')
            a = (char)(a - 'A' + 'a');
        if (a != c[i])
            return false;
    }
    return true;
}

/* "3 دقيقة قراءة", "٣ دقائق قراءة", "دقيقتان قراءة", "دقيقة واحدة قراءة", "4 min read". */
static bool parse_reading_time(struct kb_str s, int *minutes)
{
    struct kb_str w[5];
    size_t nw = 0, pos = 0;
    for (;;) {
        struct kb_str x = next_word(s, &pos);
        if (x.n == 0)
            break;
        if (nw == 5)
            return false;
        w[nw++] = x;
    }
    if (nw < 2)
        return false;
    size_t i = 0;
    int num = parse_number(w[0]);
    if (num >= 0)
        i++;
    if (i < nw && (eq_ascii_nocase(w[i], "min") || eq_ascii_nocase(w[i], "mins") ||
                   eq_ascii_nocase(w[i], "minute") || eq_ascii_nocase(w[i], "minutes"))) {
        if (num < 1 || i + 2 != nw || !eq_ascii_nocase(w[i + 1], "read"))
            return false;
        *minutes = num;
        return true;
    }
    if (i >= nw)
        return false;
    int implied;
    if (kb_str_eqc(w[i], "دقيقة"))
        implied = 1;
    else if (kb_str_eqc(w[i], "دقيقتان") || kb_str_eqc(w[i], "دقيقتين"))
        implied = 2;
    else if (kb_str_eqc(w[i], "دقائق"))
        implied = -1; /* needs a number */
    else
        return false;
    i++;
    if (i < nw && kb_str_eqc(w[i], "واحدة")) {
        if (implied != 1)
            return false;
        i++;
    }
    if (i + 1 != nw || !kb_str_eqc(w[i], "قراءة"))
        return false;
    if (num < 0)
        num = implied;
    if (num < 1)
        return false;
    *minutes = num;
    return true;
}

static bool parse_date_line(struct kb_str s, struct kb_civil *out)
{
    if (s.n > DATE_MAX_BYTES || count_words(s) > DATE_MAX_WORDS)
        return false;
    struct kb_civil c;
    memset(&c, 0, sizeof(c));
    if (kb_date_parse(s.p, s.n, NULL, &c, NULL) != 0)
        return false;
    if (c.month < 1 || c.month > 12 || c.day < 1 || c.day > 31)
        return false;
    *out = c;
    return true;
}

/* "مصدر:", "المصدر :", "Source:" — the text after the colon, or false. */
static bool parse_source(struct kb_str s, struct kb_str *value)
{
    static const char *const labels[] = {"المصدر", "مصدر", "Source", "source"};
    for (size_t k = 0; k < sizeof(labels) / sizeof(labels[0]); k++) {
        struct kb_str lab = kb_str_c(labels[k]);
        if (!kb_str_starts(s, lab))
            continue;
        size_t i = lab.n;
        while (i < s.n && (s.p[i] == ' ' || s.p[i] == '\t'))
            i++;
        if (i < s.n && s.p[i] == ':') {
            *value = kb_str_trim((struct kb_str){s.p + i + 1, s.n - i - 1});
            return true;
        }
    }
    return false;
}

static bool is_discover_heading(struct kb_str s)
{
    return kb_str_eqc(s, "اكتشف") || eq_ascii_nocase(s, "discover");
}

/* The parts of a caption line "<caption> / صورة: <credit> / <copyright>". */
struct caption {
    struct kb_str caption, credit, copyright;
};

static bool boundary_before(struct kb_str s, size_t pos)
{
    if (pos == 0)
        return true;
    char c = s.p[pos - 1];
    if (c == ' ' || c == '\t' || c == '/' || c == '(' || c == '|')
        return true;
    /* U+00A0 and other multi-byte spaces end in a continuation byte: decode back. */
    size_t k = pos - 1;
    while (k > 0 && ((unsigned char)s.p[k] & 0xC0) == 0x80 && pos - k < 4)
        k--;
    uint32_t cp;
    return kb_utf8_decode(s.p + k, pos - k, &cp) == pos - k && is_space_cp(cp);
}

/* Find a credit label ("صورة:", "الصورة:", "تصوير:", "Photo:") starting a word; on success
 * *label_at is where the label starts and *value_at just after its colon. */
static bool find_credit_label(struct kb_str s, size_t *label_at, size_t *value_at)
{
    static const char *const labels[] = {"الصورة", "صورة", "تصوير", "Photo", "photo", "PHOTO"};
    for (size_t pos = 0; pos < s.n; pos++) {
        if (!boundary_before(s, pos))
            continue;
        for (size_t k = 0; k < sizeof(labels) / sizeof(labels[0]); k++) {
            size_t ln = strlen(labels[k]);
            if (s.n - pos < ln || memcmp(s.p + pos, labels[k], ln) != 0)
                continue;
            size_t i = pos + ln;
            while (i < s.n && (s.p[i] == ' ' || s.p[i] == '\t'))
                i++;
            if (i < s.n && s.p[i] == ':') {
                *label_at = pos;
                *value_at = i + 1;
                return true;
            }
        }
    }
    return false;
}

static void split_caption(struct kb_str s, struct caption *c)
{
    size_t label_at, value_at;
    memset(c, 0, sizeof(*c));
    if (!find_credit_label(s, &label_at, &value_at)) {
        c->caption = s;
        return;
    }
    struct kb_str before = kb_str_trim((struct kb_str){s.p, label_at});
    while (before.n && (before.p[before.n - 1] == '/' || before.p[before.n - 1] == '|'))
        before = kb_str_trim((struct kb_str){before.p, before.n - 1});
    c->caption = before;
    struct kb_str after = kb_str_trim((struct kb_str){s.p + value_at, s.n - value_at});
    const char *slash = NULL;
    for (size_t i = 0; i + 3 <= after.n; i++) {
        if (memcmp(after.p + i, " / ", 3) == 0) {
            slash = after.p + i;
            break;
        }
    }
    if (slash) {
        c->credit = kb_str_trim((struct kb_str){after.p, (size_t)(slash - after.p)});
        c->copyright =
            kb_str_trim((struct kb_str){slash + 3, (size_t)(after.p + after.n - slash - 3)});
    } else {
        c->credit = after;
    }
}

/* Copy for an error message: at most EXCERPT_BYTES, cut on a character boundary. */
static void excerpt(struct kb_str s, char *out, size_t outsz)
{
    size_t n = s.n;
    bool cut = false;
    if (n > EXCERPT_BYTES) {
        n = EXCERPT_BYTES;
        while (n > 0 && ((unsigned char)s.p[n] & 0xC0) == 0x80)
            n--;
        cut = true;
    }
    snprintf(out, outsz, "\"%.*s%s\"", (int)n, s.p, cut ? "…" : "");
}

static char *dup_or_null(struct kb_str s)
{
    return s.n ? kb_strndup(s.p, s.n) : NULL;
}

/* ---- pass 1: lines -------------------------------------------------------------------- */

struct lines {
    struct line *v;
    size_t n, cap;
};

static void lines_push(struct lines *ls, struct kb_str s, unsigned long no)
{
    if (ls->n == ls->cap) {
        ls->cap = ls->cap ? ls->cap * 2 : 64;
        ls->v = kb_realloc(ls->v, ls->cap * sizeof(ls->v[0]));
    }
    ls->v[ls->n].s = s;
    ls->v[ls->n].no = no;
    ls->n++;
}

/* Check one raw line (without its line end) and keep it when it is not blank. */
static int take_line(const char *text, size_t start, size_t end, unsigned long no, struct lines *ls,
                     struct kb_diag *d)
{
    size_t len = end - start;
    if (len > KB_PAGETEXT_MAX_LINE)
        return fail(d, KB_ETOOBIG, no, "line %lu: line is %zu bytes, longer than the limit of %zu",
                    no, len, KB_PAGETEXT_MAX_LINE);
    const char *p = text + start;
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)p[i];
        if (c < 0x20 && c != '\t' && c != '\f' && c != '\v') {
            int rc;
            if (c == 0)
                rc = fail(d, KB_EINVAL, no,
                          "line %lu: NUL byte at position %zu: binary content, not page text", no,
                          i + 1);
            else
                rc = fail(d, KB_EINVAL, no,
                          "line %lu: control character 0x%02x at position %zu: binary content, "
                          "not page text",
                          no, (unsigned)c, i + 1);
            if (d)
                d->offset = start + i;
            return rc;
        }
        uint32_t cp;
        size_t k = kb_utf8_decode(p + i, len - i, &cp);
        if (cp == KB_UTF8_REPLACEMENT && k == 1) {
            int rc = fail(d, KB_EINVAL, no,
                          "line %lu: invalid UTF-8 (byte 0x%02x at position %zu): the file must "
                          "be UTF-8 text",
                          no, (unsigned)c, i + 1);
            if (d)
                d->offset = start + i;
            return rc;
        }
        i += k;
    }
    struct kb_str s = kb_str_trim((struct kb_str){p, len});
    if (s.n)
        lines_push(ls, s, no);
    return 0;
}

static int split_lines(const char *text, size_t n, struct lines *ls, struct kb_diag *d)
{
    size_t i = 0, start;
    unsigned long no = 1;
    if (n >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    start = i;
    while (i < n) {
        if (text[i] != '\n' && text[i] != '\r') {
            i++;
            continue;
        }
        int rc = take_line(text, start, i, no, ls, d);
        if (rc)
            return rc;
        if (text[i] == '\r' && i + 1 < n && text[i + 1] == '\n')
            i++;
        i++;
        start = i;
        no++;
    }
    if (start < n)
        return take_line(text, start, n, no, ls, d);
    return 0;
}

/* ---- pass 2: the layout --------------------------------------------------------------- */

static int check_cap(struct kb_diag *d, const struct line *l, const char *what, size_t n,
                     size_t max)
{
    if (n <= max)
        return 0;
    return fail(d, KB_ETOOBIG, l->no, "line %lu: %s is %zu bytes, longer than the limit of %zu",
                l->no, what, n, max);
}

static int set_image(struct kb_page_text *r, const struct line *l, struct kb_diag *d)
{
    struct caption c;
    split_caption(l->s, &c);
    int rc = check_cap(d, l, "image caption", c.caption.n, KB_MAX_IMAGE_TEXT);
    if (!rc)
        rc = check_cap(d, l, "photo credit", c.credit.n, KB_MAX_IMAGE_TEXT);
    if (!rc)
        rc = check_cap(d, l, "copyright", c.copyright.n, KB_MAX_IMAGE_TEXT);
    if (rc)
        return rc;
    r->has_image = true;
    r->image_caption = dup_or_null(c.caption);
    r->image_credit = dup_or_null(c.credit);
    r->image_copyright = dup_or_null(c.copyright);
    return 0;
}

static int parse_layout(const struct lines *ls, struct kb_page_text *r, struct kb_diag *d)
{
    const struct line *L = ls->v;
    size_t nl = ls->n, i = 0;
    char ex[EXCERPT_BYTES + 16];
    int rc;

    if (nl == 0)
        return fail(d, KB_EINVAL, 1, "empty file: no headline");

    /* Section */
    if (count_words(L[0].s) > SECTION_MAX_WORDS || L[0].s.n > KB_MAX_SECTION_NAME) {
        excerpt(L[0].s, ex, sizeof(ex));
        return fail(d, KB_EINVAL, L[0].no,
                    "line %lu: expected the section name (a few words), found %s", L[0].no, ex);
    }
    r->section = dup_or_null(L[0].s);
    i = 1;

    /* Reading time (optional) */
    if (i < nl && parse_reading_time(L[i].s, &r->reading_minutes))
        i++;

    /* Headline */
    if (i >= nl)
        return fail(d, KB_EINVAL, L[nl - 1].no, "line %lu: no headline: the page ends before it",
                    L[nl - 1].no);
    struct kb_civil c;
    if (parse_date_line(L[i].s, &c)) {
        excerpt(L[i].s, ex, sizeof(ex));
        return fail(d, KB_EINVAL, L[i].no,
                    "line %lu: no headline: found the date %s where the headline belongs", L[i].no,
                    ex);
    }
    if ((rc = check_cap(d, &L[i], "headline", L[i].s.n, KB_MAX_HEADLINE)))
        return rc;
    r->headline = dup_or_null(L[i].s);
    struct kb_str headline = L[i].s;
    i++;

    /* Lede: absent when the headline is followed directly by the date or the image. */
    if (i < nl && !same_text(L[i].s, headline) && !parse_date_line(L[i].s, &c)) {
        size_t la, va;
        bool caption_first =
            find_credit_label(L[i].s, &la, &va) && i + 1 < nl && parse_date_line(L[i + 1].s, &c);
        if (!caption_first) {
            if ((rc = check_cap(d, &L[i], "lede", L[i].s.n, KB_MAX_LEDE)))
                return rc;
            r->lede = dup_or_null(L[i].s);
            i++;
        }
    }

    /* Image (optional): alt line repeating the headline, caption line. */
    if (i < nl && same_text(L[i].s, headline)) {
        r->has_image = true;
        r->image_alt = dup_or_null(L[i].s);
        i++;
        if (i < nl && !parse_date_line(L[i].s, &c)) {
            if ((rc = set_image(r, &L[i], d)))
                return rc;
            i++;
        }
    } else if (i < nl && !parse_date_line(L[i].s, &c)) {
        size_t la, va;
        if (find_credit_label(L[i].s, &la, &va)) {
            if ((rc = set_image(r, &L[i], d)))
                return rc;
            i++;
        }
    }

    /* Date */
    if (i >= nl)
        return fail(d, KB_EINVAL, L[nl - 1].no,
                    "line %lu: expected the publication date after this line, found the end "
                    "of the page",
                    L[nl - 1].no);
    if (!parse_date_line(L[i].s, &r->date)) {
        excerpt(L[i].s, ex, sizeof(ex));
        return fail(d, KB_EINVAL, L[i].no, "line %lu: expected the publication date, found %s",
                    L[i].no, ex);
    }
    r->date_display = dup_or_null(L[i].s);
    const struct line *date_line = &L[i];
    i++;

    /* Where the body ends: the last source line before the Discover heading. */
    size_t disc = nl, src = nl, end;
    for (size_t k = i; k < nl; k++) {
        if (is_discover_heading(L[k].s)) {
            disc = k;
            break;
        }
    }
    struct kb_str srcval = {"", 0};
    for (size_t k = i; k < disc; k++) {
        struct kb_str v;
        if (parse_source(L[k].s, &v)) {
            src = k;
            srcval = v;
        }
    }
    end = src < nl ? src : disc;
    if (end == i) {
        if (i < nl)
            return fail(d, KB_EINVAL, L[i].no, "line %lu: no body: the date is followed by the %s",
                        L[i].no, end == src ? "source line" : "Discover rail");
        return fail(d, KB_EINVAL, date_line->no, "line %lu: no body: the page ends after the date",
                    date_line->no);
    }

    /* Body */
    r->nblocks = end - i;
    r->blocks = kb_calloc(r->nblocks, sizeof(r->blocks[0]));
    for (size_t k = i; k < end; k++) {
        struct kb_block *b = &r->blocks[k - i];
        bool h2 = k + 1 < end && count_words(L[k].s) <= KB_PAGETEXT_H2_MAX_WORDS &&
                  !ends_sentence(L[k].s);
        b->type = h2 ? KB_BLOCK_H2 : KB_BLOCK_P;
        b->text = dup_or_null(L[k].s);
    }

    /* Source */
    if (src < nl) {
        if ((rc = check_cap(d, &L[src], "source", srcval.n, KB_MAX_SOURCE)))
            return rc;
        r->source = dup_or_null(srcval);
    }

    /* Discover rail */
    if (disc < nl && disc + 1 < nl) {
        r->ndiscover = nl - disc - 1;
        r->discover = kb_calloc(r->ndiscover, sizeof(r->discover[0]));
        for (size_t k = disc + 1; k < nl; k++)
            r->discover[k - disc - 1] = dup_or_null(L[k].s);
    }
    return 0;
}

int kb_pagetext_parse(const char *text, size_t n, struct kb_page_text *out, struct kb_diag *d)
{
    if (n > KB_PAGETEXT_MAX) {
        unsigned long line = 1;
        for (size_t i = 0; i < KB_PAGETEXT_MAX; i++)
            line += text[i] == '\n';
        return fail(d, KB_ETOOBIG, line,
                    "line %lu: the file is %zu bytes, longer than the page-text limit of %zu", line,
                    n, KB_PAGETEXT_MAX);
    }
    if (!text || n == 0)
        return fail(d, KB_EINVAL, 1, "empty file: no headline");

    struct lines ls = {0};
    struct kb_page_text r;
    memset(&r, 0, sizeof(r));
    int rc = split_lines(text, n, &ls, d);
    if (!rc)
        rc = parse_layout(&ls, &r, d);
    free(ls.v);
    if (rc) {
        kb_pagetext_release(&r);
        return rc;
    }
    *out = r;
    return 0;
}

void kb_pagetext_release(struct kb_page_text *pt)
{
    if (!pt)
        return;
    free(pt->section);
    free(pt->headline);
    free(pt->lede);
    free(pt->image_alt);
    free(pt->image_caption);
    free(pt->image_credit);
    free(pt->image_copyright);
    free(pt->date_display);
    for (size_t i = 0; i < pt->nblocks; i++)
        free(pt->blocks[i].text);
    free(pt->blocks);
    free(pt->source);
    for (size_t i = 0; i < pt->ndiscover; i++)
        free(pt->discover[i]);
    free(pt->discover);
    memset(pt, 0, sizeof(*pt));
}

/* ---- output --------------------------------------------------------------------------- */

void kb_pagetext_to_json(const struct kb_page_text *pt, struct kb_json *j)
{
    char date[48];
    snprintf(date, sizeof(date), "%04d-%02d-%02d", pt->date.year, pt->date.month, pt->date.day);

    kb_json_obj(j);
    kb_json_key(j, "section");
    kb_json_strc(j, pt->section);
    kb_json_key(j, "reading_minutes");
    if (pt->reading_minutes > 0)
        kb_json_int(j, pt->reading_minutes);
    else
        kb_json_null(j);
    kb_json_key(j, "headline");
    kb_json_strc(j, pt->headline);
    kb_json_key(j, "lede");
    kb_json_strc(j, pt->lede);
    kb_json_key(j, "image");
    if (pt->has_image) {
        kb_json_obj(j);
        kb_json_key(j, "alt");
        kb_json_strc(j, pt->image_alt);
        kb_json_key(j, "caption");
        kb_json_strc(j, pt->image_caption);
        kb_json_key(j, "credit");
        kb_json_strc(j, pt->image_credit);
        kb_json_key(j, "copyright");
        kb_json_strc(j, pt->image_copyright);
        kb_json_end(j);
    } else {
        kb_json_null(j);
    }
    kb_json_key(j, "published_date");
    kb_json_strc(j, date);
    kb_json_key(j, "published_display");
    kb_json_strc(j, pt->date_display);
    kb_json_key(j, "body");
    kb_json_arr(j);
    for (size_t i = 0; i < pt->nblocks; i++) {
        kb_json_obj(j);
        kb_json_key(j, "type");
        kb_json_strc(j, pt->blocks[i].type == KB_BLOCK_H2 ? "h2" : "p");
        kb_json_key(j, "text");
        kb_json_strc(j, pt->blocks[i].text);
        kb_json_end(j);
    }
    kb_json_end(j);
    kb_json_key(j, "source");
    kb_json_strc(j, pt->source);
    kb_json_key(j, "discover");
    kb_json_arr(j);
    for (size_t i = 0; i < pt->ndiscover; i++)
        kb_json_strc(j, pt->discover[i]);
    kb_json_end(j);
    kb_json_end(j);
}

/* "en" when the headline has Latin letters and no Arabic ones; "ar" otherwise. */
static const char *guess_language(const char *s)
{
    size_t arabic = 0, latin = 0, n = s ? strlen(s) : 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        i += kb_utf8_decode(s + i, n - i, &cp);
        if ((cp >= 0x0600 && cp <= 0x06FF) || (cp >= 0x0750 && cp <= 0x077F) ||
            (cp >= 0x08A0 && cp <= 0x08FF) || (cp >= 0xFB50 && cp <= 0xFDFF) ||
            (cp >= 0xFE70 && cp <= 0xFEFF))
            arabic++;
        else if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'))
            latin++;
    }
    return arabic == 0 && latin > 0 ? "en" : "ar";
}

int kb_pagetext_to_article(const struct kb_page_text *pt, const char *section_slug, int offset_min,
                           struct kb_article *out, struct kb_diag *d)
{
    if (!section_slug || !*section_slug)
        return kb_diag_set(d, KB_EINVAL, "section", "no section slug for \"%s\"",
                           pt->section ? pt->section : "");

    struct kb_buf body;
    kb_buf_init(&body, KB_MAX_BODY);
    for (size_t i = 0; i < pt->nblocks; i++) {
        const char *tag = pt->blocks[i].type == KB_BLOCK_H2 ? "h2" : "p";
        if (i)
            kb_buf_addch(&body, '\n');
        kb_buf_addf(&body, "<%s>", tag);
        kb_buf_adds_html(&body, pt->blocks[i].text);
        kb_buf_addf(&body, "</%s>", tag);
    }
    if (kb_buf_err(&body)) {
        kb_buf_release(&body);
        return kb_diag_set(d, KB_ETOOBIG, "body_html", "the body is longer than %zu bytes",
                           KB_MAX_BODY);
    }

    struct kb_article a;
    kb_article_init(&a);
    a.status = KB_STATUS_PUBLISHED;
    kb_set_str(&a.section.slug, section_slug);
    kb_set_str(&a.section.name, pt->section);
    kb_set_str(&a.headline, pt->headline);
    kb_set_str(&a.lede, pt->lede);
    kb_set_str(&a.source, pt->source);
    kb_set_str(&a.language, guess_language(pt->headline));
    if (pt->has_image) {
        kb_set_str(&a.image.alt, pt->image_alt);
        kb_set_str(&a.image.caption, pt->image_caption);
        kb_set_str(&a.image.credit, pt->image_credit);
        kb_set_str(&a.image.copyright, pt->image_copyright);
    }
    free(a.body_html);
    a.body_html = kb_buf_detach(&body, NULL);

    struct kb_civil when = pt->date;
    if (!when.has_time) {
        when.hour = 0;
        when.minute = 0;
    }
    a.published = kb_civil_to_unix(&when, offset_min);
    a.published_offset = offset_min;
    a.reading_minutes = 0;

    kb_article_release(out);
    *out = a;
    return 0;
}
