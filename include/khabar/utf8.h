/*
 * utf8.h — UTF-8 decoding that never fails and encoding.
 *
 * Invalid, overlong, surrogate or truncated sequences decode as U+FFFD consuming one byte,
 * so any byte string can be walked to its end.
 */
#ifndef KHABAR_UTF8_H
#define KHABAR_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KB_UTF8_REPLACEMENT 0xFFFDu

/* Decode one code point from p[0..n) (n > 0) into *cp; return the bytes consumed (1..4). */
size_t kb_utf8_decode(const char *p, size_t n, uint32_t *cp);
/* Encode cp into out (room for 4 bytes); return the length.  Invalid cp writes U+FFFD. */
size_t kb_utf8_encode(uint32_t cp, char *out);
/* True when p[0..n) is entirely valid UTF-8. */
bool kb_utf8_valid(const char *p, size_t n);
/* Number of code points in p[0..n). */
size_t kb_utf8_count(const char *p, size_t n);

#endif
