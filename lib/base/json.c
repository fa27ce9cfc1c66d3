/*
 * json.c — the streaming JSON writer (output only; input is jansson's job).
 *
 * Invariant: j->first[depth] is true until the first member at that depth is written, so
 * the writer knows when a comma is due; j->closer[depth - 1] is the bracket that closes the
 * innermost level.  Pretty output indents one space per level, the style of the fixtures.
 */
#include <string.h>
#include "khabar/json.h"
#include "khabar/utf8.h"

void kb_json_init(struct kb_json *j, struct kb_buf *b, enum kb_json_style style)
{
    memset(j, 0, sizeof(*j));
    j->b = b;
    j->style = style;
    j->first[0] = true;
}

static void newline(struct kb_json *j)
{
    if (j->style != KB_JSON_PRETTY)
        return;
    kb_buf_addch(j->b, '\n');
    for (int i = 0; i < j->depth; i++)
        kb_buf_addch(j->b, ' ');
}

/* Before any value or key: a comma and newline unless it follows a key or is the first. */
static void before_value(struct kb_json *j)
{
    if (j->after_key) {
        j->after_key = false;
        return;
    }
    if (j->depth > 0) {
        if (!j->first[j->depth])
            kb_buf_addch(j->b, ',');
        newline(j);
    }
    j->first[j->depth] = false;
}

static void open_level(struct kb_json *j, char open, char close)
{
    before_value(j);
    if (j->depth >= KB_JSON_MAX_DEPTH) {
        j->b->err = KB_ETOOBIG;
        return;
    }
    kb_buf_addch(j->b, open);
    j->closer[j->depth] = close;
    j->depth++;
    j->first[j->depth] = true;
}

void kb_json_obj(struct kb_json *j)
{
    open_level(j, '{', '}');
}

void kb_json_arr(struct kb_json *j)
{
    open_level(j, '[', ']');
}

void kb_json_end(struct kb_json *j)
{
    if (j->depth == 0) {
        j->b->err = KB_EINTERNAL;
        return;
    }
    bool empty = j->first[j->depth];
    j->depth--;
    if (!empty)
        newline(j);
    kb_buf_addch(j->b, j->closer[j->depth]);
}

void kb_buf_add_json(struct kb_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t i = 0, start = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            i++;
            continue;
        }
        if (c >= 0x80) {
            uint32_t cp;
            size_t len = kb_utf8_decode(s + i, n - i, &cp);
            bool bad = cp == KB_UTF8_REPLACEMENT && len == 1;
            if (!bad && cp != 0x2028 && cp != 0x2029) { /* valid: stays in the run (Arabic) */
                i += len;
                continue;
            }
            kb_buf_add(b, s + start, i - start);
            if (bad)
                kb_buf_adds(b, "\xEF\xBF\xBD");
            else
                kb_buf_adds(b, cp == 0x2028 ? "\\u2028" : "\\u2029"); /* safe in <script> */
            i += len;
            start = i;
            continue;
        }
        kb_buf_add(b, s + start, i - start);
        switch (c) {
        case '"':
            kb_buf_adds(b, "\\\"");
            break;
        case '\\':
            kb_buf_adds(b, "\\\\");
            break;
        case '\n':
            kb_buf_adds(b, "\\n");
            break;
        case '\r':
            kb_buf_adds(b, "\\r");
            break;
        case '\t':
            kb_buf_adds(b, "\\t");
            break;
        default: {
            char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            kb_buf_add(b, e, 6);
        }
        }
        i++;
        start = i;
    }
    kb_buf_add(b, s + start, n - start);
}

void kb_json_key(struct kb_json *j, const char *key)
{
    before_value(j);
    kb_buf_addch(j->b, '"');
    kb_buf_add_json(j->b, key, strlen(key));
    kb_buf_adds(j->b, j->style == KB_JSON_PRETTY ? "\": " : "\":");
    j->after_key = true;
}

void kb_json_str(struct kb_json *j, const char *s, size_t n)
{
    before_value(j);
    kb_buf_addch(j->b, '"');
    kb_buf_add_json(j->b, s, n);
    kb_buf_addch(j->b, '"');
}

void kb_json_strc(struct kb_json *j, const char *s)
{
    if (!s)
        kb_json_null(j);
    else
        kb_json_str(j, s, strlen(s));
}

void kb_json_int(struct kb_json *j, int64_t v)
{
    before_value(j);
    kb_buf_addi(j->b, v);
}

void kb_json_double(struct kb_json *j, double v)
{
    before_value(j);
    if (v != v || v > 1e300 || v < -1e300)
        kb_buf_adds(j->b, "null");
    else
        kb_buf_addf(j->b, "%.6g", v);
}

void kb_json_bool(struct kb_json *j, bool v)
{
    before_value(j);
    kb_buf_adds(j->b, v ? "true" : "false");
}

void kb_json_null(struct kb_json *j)
{
    before_value(j);
    kb_buf_adds(j->b, "null");
}
