/*
 * model_int.h — helpers shared by the files of lib/model (not a public header).
 *
 * The checks here are what kb_article_validate and kb_section_validate are made of; each
 * returns 0 or a negative enum kb_err with `field` and a reason in `d`.
 */
#ifndef KHABAR_MODEL_INT_H
#define KHABAR_MODEL_INT_H

#include <stddef.h>
#include "khabar/err.h"

enum kb_text_kind {
    KB_TEXT_LINE,  /* one line: no control characters at all, no U+2028/U+2029 */
    KB_TEXT_BLOCK, /* may hold tab, CR and LF */
};

/* NULL passes.  Otherwise: at most `max` bytes (KB_ETOOBIG), valid UTF-8, and no control
 * characters beyond what `kind` allows (KB_EINVAL, d->offset = the byte). */
int kb_model_check_text(const char *v, const char *field, size_t max, enum kb_text_kind kind,
                        struct kb_diag *d);

/* A non-NULL, non-empty single URL path segment: kb_model_check_text(KB_TEXT_LINE) plus no
 * '/', '?', '#', '\\', '%', no spaces of any kind, not "." or "..". */
int kb_model_check_segment(const char *v, const char *field, size_t max, struct kb_diag *d);

#endif
