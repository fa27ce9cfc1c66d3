/*
 * section.c — a section of the site ("سياسة" at /politics/): release and validation.
 *
 * Invariant: a section that passes kb_section_validate can be written by the store and its
 * slug used as one URL path segment without further checks.
 */
#include <stdlib.h>
#include <string.h>
#include "khabar/article.h"
#include "model_int.h"

void kb_section_release(struct kb_section *s)
{
    if (!s)
        return;
    free(s->slug);
    free(s->name);
    free(s->parent);
    memset(s, 0, sizeof(*s));
}

int kb_section_validate(const struct kb_section *s, struct kb_diag *d)
{
    if (!s->slug || !*s->slug)
        return kb_diag_set(d, KB_EINVAL, "slug", "is required");
    int rc = kb_model_check_segment(s->slug, "slug", KB_MAX_SECTION_SLUG, d);
    if (rc)
        return rc;
    if (!s->name || kb_str_trim(kb_str_c(s->name)).n == 0)
        return kb_diag_set(d, KB_EINVAL, "name", "is required");
    return kb_model_check_text(s->name, "name", KB_MAX_SECTION_NAME, KB_TEXT_LINE, d);
}
