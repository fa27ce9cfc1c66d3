/*
 * related_hooks.c — what the write paths call after they commit, so related lists and
 * duplicate marks follow every article change (related.h).
 *
 * Invariant: these run outside the caller's transaction (after its commit), so a failure
 * here never loses the article that was written; callers report it as a warning.
 */
#include <stdlib.h>
#include "khabar/related.h"
#include "khabar/store.h"

int kb_engine_related_update(struct kb_store *s, int64_t id, struct kb_diag *d)
{
    return kb_store_related_update(s, id, NULL, d);
}

int kb_engine_related_refresh(struct kb_store *s, struct kb_related_stats *st, struct kb_diag *d)
{
    int64_t *ids = NULL;
    size_t n = 0;
    int rc = kb_store_related_stale(s, &ids, &n, d);
    if (rc)
        return rc;
    if (n > KB_RELATED_BULK)
        rc = kb_store_related_rebuild(s, st, d);
    else
        for (size_t i = 0; !rc && i < n; i++)
            rc = kb_store_related_update(s, ids[i], st, d);
    free(ids);
    return rc;
}
