/*
 * json.h — a streaming JSON writer into a struct kb_buf.
 *
 * Output only (input goes through jansson).  The writer tracks nesting and commas, so
 * callers write keys and values in order:
 *
 *     struct kb_json j;
 *     kb_json_init(&j, &buf, KB_JSON_COMPACT);
 *     kb_json_obj(&j);
 *       kb_json_key(&j, "id"); kb_json_int(&j, 7);
 *       kb_json_key(&j, "tags"); kb_json_arr(&j); kb_json_strc(&j, "x"); kb_json_end(&j);
 *     kb_json_end(&j);
 *
 * Strings are escaped per RFC 8259; invalid UTF-8 bytes become U+FFFD so the output is
 * always valid JSON.  Nesting deeper than KB_JSON_MAX_DEPTH sets the buffer's error.
 */
#ifndef KHABAR_JSON_H
#define KHABAR_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include "khabar/buf.h"

#define KB_JSON_MAX_DEPTH 32

enum kb_json_style { KB_JSON_COMPACT, KB_JSON_PRETTY };

struct kb_json {
    struct kb_buf *b;
    enum kb_json_style style;
    int depth;
    bool first[KB_JSON_MAX_DEPTH + 1]; /* no member written yet at this depth */
    char closer[KB_JSON_MAX_DEPTH + 1]; /* '}' or ']' for each open level */
    bool after_key;
};

void kb_json_init(struct kb_json *j, struct kb_buf *b, enum kb_json_style style);
void kb_json_obj(struct kb_json *j);
void kb_json_arr(struct kb_json *j);
void kb_json_end(struct kb_json *j); /* closes the innermost object or array */
void kb_json_key(struct kb_json *j, const char *key);
void kb_json_str(struct kb_json *j, const char *s, size_t n);
void kb_json_strc(struct kb_json *j, const char *s); /* NULL writes null */
void kb_json_int(struct kb_json *j, int64_t v);
/* A number with up to 6 significant digits ("%.6g"); NaN and infinities write null. */
void kb_json_double(struct kb_json *j, double v);
void kb_json_bool(struct kb_json *j, bool v);
void kb_json_null(struct kb_json *j);

/* Append `s` as the inside of a JSON string literal (no quotes). */
void kb_buf_add_json(struct kb_buf *b, const char *s, size_t n);

#endif
