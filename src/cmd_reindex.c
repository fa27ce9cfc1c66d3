/*
 * cmd_reindex.c — `khabar reindex`: rebuild the search index, then every related list and
 * near-duplicate mark (related.h), from the articles, in one transaction (readers keep the
 * old data until it commits).  Article writes keep both current by themselves; this is for
 * a changed analyzer, a damaged index, or lists computed before a large import.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "cmd.h"
#include "khabar/related.h"
#include "khabar/store.h"

static void usage(FILE *f)
{
    fputs("usage: khabar [--db PATH] reindex\n\n"
          "Rebuild the search index, the related lists and the near-duplicate marks of every\n"
          "article (all or nothing).  Run it after an `import jsonl|wxr --no-related`: that\n"
          "import leaves the related lists and near-duplicate marks stale until then.\n",
          f);
}

int cmd_reindex(int argc, char **argv)
{
    if (cmd_wants_help(argc, argv)) {
        usage(stdout);
        return EXIT_OK;
    }
    if (argc > 1) {
        cmd_error("reindex", argv[1], "unexpected argument");
        usage(stderr);
        return EXIT_USAGE;
    }
    struct kb_store *s;
    struct kb_diag d;
    kb_diag_clear(&d);
    if (kb_store_open(cmd_db_path, KB_STORE_EXISTING, &s, &d) != 0) {
        cmd_error_store("reindex", &d);
        return EXIT_FAIL;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    size_t n = 0;
    int rc = kb_store_begin(s, &d);
    if (rc == 0)
        rc = kb_store_search_rebuild(s, &d);
    struct timespec tr;
    clock_gettime(CLOCK_MONOTONIC, &tr);
    struct kb_related_stats st = {0};
    if (rc == 0)
        rc = kb_store_related_rebuild(s, &st, &d);
    if (rc == 0)
        rc = kb_store_article_count(s, &n, &d);
    if (rc == 0)
        rc = kb_store_commit(s, &d);
    if (rc)
        kb_store_rollback(s);
    kb_store_close(s);
    if (rc) {
        cmd_error_diag("reindex", cmd_db_path, &d);
        return EXIT_FAIL;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    double rsecs = (double)(t1.tv_sec - tr.tv_sec) + (double)(t1.tv_nsec - tr.tv_nsec) / 1e9;
    printf("reindexed %zu articles in %.1f s (related lists: %zu in %.1f s; near-duplicates: "
           "%zu)\n",
           n, secs, st.lists, rsecs, st.duplicates);
    return EXIT_OK;
}
