/*
 * text_int.h — helpers shared by the files of lib/text/ and nobody else.
 *
 * Not a public header: programs, tests and other areas include khabar/text.h only.
 */
#ifndef KHABAR_TEXT_INT_H
#define KHABAR_TEXT_INT_H

#include <stdbool.h>
#include <stdint.h>
#include "khabar/buf.h"

/* Append the decimal digits of v (a negative v gets a leading '-'), Latin or Arabic-Indic
 * (U+0660..U+0669), zero-padded to at least `width` digits. */
void kb_text_addnum(struct kb_buf *out, int64_t v, bool arabic_digits, int width);

#endif
