/*
 * html_int.h — shared by lib/ingest/html*.c only: the depth guard and gumbo's allocator.
 */
#ifndef KHABAR_HTML_INT_H
#define KHABAR_HTML_INT_H

#include <stdbool.h>
#include <stddef.h>
#include "khabar/buf.h"
#include "khabar/htmlextract.h"

/* Past this many live bytes gumbo's allocator gives up through kb_oom (a page under
 * KB_HTML_MAX_INPUT needs a small fraction of it). */
#define KB_HTML_HEAP_MAX ((size_t)1 << 30)

struct kb_html_heap {
    void *head; /* every live block, linked */
    size_t live, peak;
};

/* gumbo's GumboAllocatorFunction / GumboDeallocatorFunction over a kb_html_heap. */
void *kb_html_alloc(void *heap, size_t size);
void kb_html_dealloc(void *heap, void *p);
/* Free every block still live (the whole tree), iteratively. */
void kb_html_heap_free(struct kb_html_heap *heap);

/* The nesting pre-pass.  Returns 0 when s[0..n) can go to gumbo as it is; 1 when start
 * tags had to be left out: then `out` (initialized here; the caller releases it) holds the
 * copy to parse.  *dropped is the number of start tags left out, *ntags the number of
 * start tags read. */
int kb_html_guard(const char *s, size_t n, struct kb_buf *out, size_t *dropped, size_t *ntags);

#endif
