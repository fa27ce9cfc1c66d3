/*
 * marks.c — the MATCH expression read back, and the marked headline and snippet of a hit.
 *
 * FTS5's highlight() and snippet() evaluate the whole MATCH expression again for every hit
 * shown (`MATCH ? AND rowid = ?` loads every term's full doclist) and re-tokenize the whole
 * body: for a common word that was most of a search's time.  Here the phrase instances
 * (spans) of a hit come from the in-memory index when there is one (kb_search_index_spans)
 * or from analyzing the text, and the text is analyzed only as far as the snippet reaches.
 *
 * The snippet follows FTS5's idea: a window of N tokens starting at a phrase instance,
 * scored 1000 per distinct phrase in it plus 1 per further instance, the best (earliest on
 * ties) re-centred on its instances and pulled back from the end of the text; no instance:
 * the first N tokens.  Cut at token boundaries, with an ellipsis where text was left out.
 *
 * Invariants: marks only ever surround whole tokens, at the analyzer's offsets into the
 * caller's text (the reader's own spelling); output is the caller's bytes plus the marks
 * and ellipses, so valid UTF-8 stays valid.
 */
#include <stdlib.h>
#include <string.h>
#include "khabar/analyzer.h"
#include "search_int.h"

/* Bytes of text analyzed per wanted token before falling back to the whole text. */
#define CHUNK_BYTES_PER_TOKEN 32

/* ---- the expression --------------------------------------------------------------------- */

struct qcollect {
    struct kb_match_phrase *p;
    bool overflow;
};

static int on_query_term(void *ctx, int flags, const char *s, size_t n, size_t start, size_t end)
{
    struct qcollect *q = ctx;
    (void)flags;
    (void)start;
    if (n == 0 || n > KB_SEARCH_MAX_TERM || end > (size_t)INT32_MAX)
        return 0; /* as fts5.c's on_term */
    if (q->p->nterms == KB_MATCH_MAX_TERMS) {
        q->overflow = true;
        return 1;
    }
    q->p->terms[q->p->nterms] = kb_strndup(s, n);
    q->p->lens[q->p->nterms++] = n;
    return 0;
}

void kb_match_expr_release(struct kb_match_expr *e)
{
    for (size_t i = 0; i < e->np; i++)
        for (size_t k = 0; k < e->p[i].nterms; k++)
            free(e->p[i].terms[k]);
    e->np = 0;
}

bool kb_match_expr_parse(const char *m, struct kb_match_expr *e)
{
    memset(e, 0, sizeof(*e));
    bool negative = false, joined = false, ok = true;
    int depth = 0;
    const char *s = m;
    struct kb_buf str;
    kb_buf_init(&str, 4 * KB_SEARCH_MAX_INPUT + 16);
    while (ok && *s) {
        if (*s == ' ') {
            s++;
        } else if (*s == '(' || *s == ')') {
            depth += *s == '(' ? 1 : -1;
            ok = depth >= 0;
            s++;
        } else if (strncmp(s, "AND ", 4) == 0 || strncmp(s, "OR ", 3) == 0) {
            bool all = *s == 'A';
            if (!negative) {
                ok = !joined || e->all == all;
                e->all = all;
                joined = true;
            }
            s += all ? 4 : 3;
        } else if (strncmp(s, "NOT ", 4) == 0 && !negative && e->np) {
            negative = true;
            s += 4;
        } else if (*s == '"') {
            kb_buf_reset(&str);
            s++;
            for (;;) {
                if (!*s) {
                    ok = false;
                    break;
                }
                if (s[0] == '"' && s[1] == '"') {
                    kb_buf_addch(&str, '"');
                    s += 2;
                } else if (*s == '"') {
                    s++;
                    break;
                } else {
                    kb_buf_addch(&str, *s++);
                }
            }
            if (!ok || e->np == KB_MATCH_MAX_PHRASES || kb_buf_err(&str)) {
                ok = false;
                break;
            }
            struct kb_match_phrase *p = &e->p[e->np++];
            p->negative = negative;
            p->prefix = strncmp(s, " *", 2) == 0;
            if (p->prefix) {
                s += 2;
                e->has_prefix = true;
            }
            struct qcollect q = {p, false};
            (void)kb_analyze(kb_buf_cstr(&str), str.n,
                             p->prefix ? KB_ANALYZE_PREFIX : KB_ANALYZE_QUERY, on_query_term, &q);
            ok = !q.overflow && p->nterms > 0;
        } else {
            ok = false;
        }
    }
    kb_buf_release(&str);
    if (!ok || depth != 0 || e->np == 0 || e->p[0].negative) {
        kb_match_expr_release(e);
        return false;
    }
    return true;
}

/* ---- analyzing a text ------------------------------------------------------------------- */

struct tok {
    uint32_t pos;
    uint32_t start, end;
    uint32_t term, tlen; /* in the collector's term buffer (when kept) */
};

struct collect {
    struct tok *v;
    size_t n, cap;
    struct kb_buf terms;
    bool keep_terms;
    uint32_t pos; /* tokens counted so far */
    bool any;
    uint32_t stop_at; /* stop at the first token at this position */
    bool more;        /* stopped: there are tokens at stop_at or later */
    uint32_t base;    /* byte offset of the analyzed text in the caller's */
};

/* Positions as FTS5 counts them (fts5.c's on_term, memindex.c's on_doc_term). */
static int on_tok(void *ctx, int flags, const char *s, size_t n, size_t start, size_t end)
{
    struct collect *c = ctx;
    if (n == 0 || n > KB_SEARCH_MAX_TERM || end > (size_t)INT32_MAX)
        return 0;
    bool coloc = c->any && (flags & KB_TOKEN_COLOCATED);
    c->any = true;
    if (!coloc || c->pos == 0)
        c->pos++;
    uint32_t p = c->pos - 1;
    if (p >= c->stop_at) {
        c->more = true;
        return 1;
    }
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 256;
        c->v = kb_realloc(c->v, c->cap * sizeof(*c->v));
    }
    struct tok *t = &c->v[c->n++];
    t->pos = p;
    t->start = c->base + (uint32_t)start;
    t->end = c->base + (uint32_t)end;
    t->term = (uint32_t)c->terms.n;
    t->tlen = (uint32_t)n;
    if (c->keep_terms)
        kb_buf_add(&c->terms, s, n);
    return 0;
}

/* Analyze text[from_byte, n), where position from_pos starts (a checkpoint: 0, 0 for the
 * whole text), stopping at position stop_at.  `to_byte`, when not 0, is where a position
 * after stop_at starts (a checkpoint): the piece analyzed first ends there. */
static void collect_from(struct collect *c, const char *text, size_t n, bool keep_terms,
                         uint32_t stop_at, uint32_t from_pos, uint32_t from_byte, uint32_t to_byte)
{
    memset(c, 0, sizeof(*c));
    kb_buf_init(&c->terms, keep_terms ? 4 * n + 64 : 16);
    c->keep_terms = keep_terms;
    c->stop_at = stop_at;
    c->pos = from_pos;
    c->any = from_pos > 0;
    c->base = from_byte;
    if (n <= from_byte || n > (size_t)INT32_MAX)
        return;
    /* Only a window is wanted: analyze a piece of text long enough for it, cut at a space
     * (so no word is cut), and all of it only when the piece fell short.  The piece ends
     * at the checkpoint after the window when there is one, else it is guessed long. */
    bool known = to_byte > from_byte && to_byte < n;
    if (stop_at != UINT32_MAX && stop_at > from_pos &&
        (known || (size_t)(stop_at - from_pos) < (n - from_byte) / CHUNK_BYTES_PER_TOKEN)) {
        size_t end =
            known ? to_byte : from_byte + (size_t)(stop_at - from_pos) * CHUNK_BYTES_PER_TOKEN + 64;
        while (end < n && text[end] != ' ' && text[end] != '\n')
            end++;
        (void)kb_analyze(text + from_byte, end - from_byte, KB_ANALYZE_INDEX, on_tok, c);
        if (c->more || end >= n)
            return;
        c->n = 0;
        kb_buf_reset(&c->terms);
        c->pos = from_pos;
        c->any = from_pos > 0;
    }
    (void)kb_analyze(text + from_byte, n - from_byte, KB_ANALYZE_INDEX, on_tok, c);
}

static void collect(struct collect *c, const char *text, size_t n, bool keep_terms,
                    uint32_t stop_at)
{
    collect_from(c, text, n, keep_terms, stop_at, 0, 0, 0);
}

static void collect_release(struct collect *c)
{
    free(c->v);
    kb_buf_release(&c->terms);
}

/* Does any token at [from, to) of c->v hold the term (or begin with it, for a prefix)? */
static bool holds(const struct collect *c, size_t from, size_t to, const char *t, size_t n,
                  bool prefix)
{
    const char *terms = c->terms.p;
    for (size_t i = from; i < to; i++) {
        const struct tok *k = &c->v[i];
        if ((prefix ? k->tlen >= n : k->tlen == n) && memcmp(terms + k->term, t, n) == 0)
            return true;
    }
    return false;
}

static void push_span(struct kb_span **v, size_t *n, size_t *cap, uint32_t pos, uint32_t len,
                      uint32_t phrase)
{
    if (*n == *cap) {
        *cap = *cap ? 2 * *cap : 16;
        *v = kb_realloc(*v, *cap * sizeof(**v));
    }
    (*v)[(*n)++] = (struct kb_span){pos, len, phrase};
}

static int cmp_span(const void *a, const void *b)
{
    const struct kb_span *x = a, *y = b;
    if (x->pos != y->pos)
        return x->pos < y->pos ? -1 : 1;
    return x->len < y->len ? -1 : x->len > y->len;
}

size_t kb_marks_spans(const struct kb_match_expr *e, const char *text, size_t n,
                      struct kb_span **out)
{
    struct collect c;
    collect(&c, text, n, true, UINT32_MAX);
    /* first[p] .. first[p+1]: the tokens at position p */
    uint32_t np = c.n ? c.v[c.n - 1].pos + 1 : 0;
    size_t *first = kb_malloc((np + 1) * sizeof(*first));
    for (size_t i = 0, p = 0; p <= np; p++) {
        while (i < c.n && c.v[i].pos < p)
            i++;
        first[p] = i;
    }
    struct kb_span *v = NULL;
    size_t nv = 0, cap = 0;
    for (size_t ph = 0; ph < e->np; ph++) {
        const struct kb_match_phrase *p = &e->p[ph];
        if (p->negative || p->nterms > np)
            continue;
        for (uint32_t at = 0; at + p->nterms <= np; at++) {
            bool all = true;
            for (size_t k = 0; all && k < p->nterms; k++)
                all = holds(&c, first[at + k], first[at + k + 1], p->terms[k], p->lens[k],
                            p->prefix && k + 1 == p->nterms);
            if (all)
                push_span(&v, &nv, &cap, at, (uint32_t)p->nterms, (uint32_t)ph);
        }
    }
    free(first);
    collect_release(&c);
    if (nv > 1)
        qsort(v, nv, sizeof(*v), cmp_span);
    *out = v;
    return nv;
}

/* ---- writing ---------------------------------------------------------------------------- */

/* Byte range of each position [0, np) from the collected tokens (the widest token there). */
static void ranges(const struct collect *c, uint32_t np, uint32_t *st, uint32_t *en)
{
    for (uint32_t p = 0; p < np; p++)
        st[p] = UINT32_MAX, en[p] = 0;
    for (size_t i = 0; i < c->n; i++) {
        const struct tok *t = &c->v[i];
        if (t->pos >= np)
            continue;
        if (t->start < st[t->pos])
            st[t->pos] = t->start;
        if (t->end > en[t->pos])
            en[t->pos] = t->end;
    }
}

/* text[from, to) with the spans inside positions [ws, we) marked. */
static void write_marked(struct kb_buf *out, const char *text, uint32_t from, uint32_t to,
                         const uint32_t *st, const uint32_t *en, uint32_t ws, uint32_t we,
                         const struct kb_span *s, size_t ns)
{
    uint32_t at = from;
    for (size_t i = 0; i < ns; i++) {
        if (s[i].pos < ws || s[i].pos + s[i].len > we)
            continue;
        uint32_t a = st[s[i].pos], b = en[s[i].pos + s[i].len - 1];
        /* merge spans that overlap or touch this one */
        while (i + 1 < ns && s[i + 1].pos + s[i + 1].len <= we && st[s[i + 1].pos] <= b) {
            i++;
            uint32_t b2 = en[s[i].pos + s[i].len - 1];
            if (b2 > b)
                b = b2;
        }
        if (a < at || a == UINT32_MAX || b > to)
            continue;
        kb_buf_add(out, text + at, a - at);
        kb_buf_addch(out, KB_SEARCH_MARK_OPEN);
        kb_buf_add(out, text + a, b - a);
        kb_buf_addch(out, KB_SEARCH_MARK_CLOSE);
        at = b;
    }
    if (to > at)
        kb_buf_add(out, text + at, to - at);
}

void kb_marks_highlight(struct kb_buf *out, const char *text, size_t n, const struct kb_span *s,
                        size_t ns)
{
    if (!ns) {
        kb_buf_add(out, text, n);
        return;
    }
    struct collect c;
    collect(&c, text, n, false, UINT32_MAX);
    uint32_t np = c.n ? c.v[c.n - 1].pos + 1 : 0;
    uint32_t *st = kb_malloc((np + 1) * sizeof(*st)), *en = kb_malloc((np + 1) * sizeof(*en));
    ranges(&c, np, st, en);
    write_marked(out, text, 0, (uint32_t)n, st, en, 0, np, s, ns);
    free(st);
    free(en);
    collect_release(&c);
}

uint32_t kb_marks_window(const struct kb_span *s, size_t ns, uint32_t tokens)
{
    uint32_t ws = 0;
    if (ns) {
        long best = -1;
        uint32_t bfirst = 0, blast = 0;
        for (size_t i = 0; i < ns; i++) {
            uint32_t s0 = s[i].pos;
            long score = 0;
            uint64_t seen = 0;
            uint32_t last = s0;
            for (size_t j = i; j < ns && s[j].pos + s[j].len <= s0 + tokens; j++) {
                uint64_t bit = 1ull << (s[j].phrase % 64);
                score += seen & bit ? 1 : 1000;
                seen |= bit;
                if (s[j].pos + s[j].len > last)
                    last = s[j].pos + s[j].len;
            }
            if (score > best) {
                best = score;
                bfirst = s0;
                blast = last;
            }
        }
        uint32_t used = blast - bfirst;
        ws = used < tokens && bfirst > (tokens - used) / 2 ? bfirst - (tokens - used) / 2
             : used < tokens                               ? 0
                                                           : bfirst;
    }
    return ws;
}

void kb_marks_snippet(struct kb_buf *out, const char *text, size_t n, const struct kb_span *s,
                      size_t ns, uint32_t tokens, const uint32_t *ck, size_t nck)
{
    if (!n || n > (size_t)INT32_MAX || tokens == 0)
        return;
    /* the best window start */
    uint32_t ws = kb_marks_window(s, ns, tokens);
    uint32_t we = ws + tokens;
    /* resume at the last checkpoint before the window (or from the start) */
    size_t k = ws / KB_MARKS_CHECKPOINT;
    uint32_t cpos = 0, cbyte = 0;
    if (k && ck && k - 1 < nck && ck[k - 1] < n) {
        cpos = (uint32_t)k * KB_MARKS_CHECKPOINT;
        cbyte = ck[k - 1];
    }
    /* Analyze up to the checkpoint after position we: the token there (which says the
     * text goes on past the window) lies before it.  ck[e] is where (e + 1) * 8 starts. */
    size_t e = we / KB_MARKS_CHECKPOINT;
    uint32_t ebyte = ck && e < nck ? ck[e] : 0;
    struct collect c;
    collect_from(&c, text, n, false, we, cpos, cbyte, ebyte);
    uint32_t last = c.n ? c.v[c.n - 1].pos : 0;
    if (c.n && !c.more && last + 1 < we) { /* the text ends inside the window: pull it back */
        uint32_t short_by = we - (last + 1);
        ws = ws > short_by ? ws - short_by : 0;
        we = last + 1;
        if (ws < cpos) { /* before the checkpoint: from the start then */
            collect_release(&c);
            cpos = 0;
            collect(&c, text, n, false, we);
        }
    }
    if (c.n == 0) {
        collect_release(&c);
        return;
    }
    uint32_t *st = kb_malloc(we * sizeof(*st)), *en = kb_malloc(we * sizeof(*en));
    ranges(&c, we, st, en);
    uint32_t from = ws == 0 ? 0 : st[ws];
    uint32_t to = c.more ? en[we - 1] : (uint32_t)n;
    if (from == UINT32_MAX || from > to)
        from = 0;
    while (from < to && (text[from] == ' ' || text[from] == '\n')) /* block breaks, spaces */
        from++;
    while (to > from && (text[to - 1] == ' ' || text[to - 1] == '\n'))
        to--;
    if (ws > 0)
        kb_buf_adds(out, KB_SEARCH_ELLIPSIS);
    write_marked(out, text, from, to, st, en, ws, we, s, ns);
    if (c.more)
        kb_buf_adds(out, KB_SEARCH_ELLIPSIS);
    free(st);
    free(en);
    collect_release(&c);
}
