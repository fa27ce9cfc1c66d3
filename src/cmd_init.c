/*
 * cmd_init.c — `khabar init`: create the database or bring it to the current schema.
 */
#include <stdio.h>
#include "cmd.h"
#include "khabar/store.h"

int cmd_init(int argc, char **argv)
{
    if (cmd_wants_help(argc, argv)) {
        puts("usage: khabar [--db PATH] init\n\n"
             "Create the database at PATH (default ./khabar.db or $KHABAR_DB) or migrate it to\n"
             "this version's schema.  Running it again changes nothing.");
        return EXIT_OK;
    }
    if (argc > 1) {
        cmd_error("init", argv[1], "unexpected argument (see khabar init --help)");
        return EXIT_USAGE;
    }
    struct kb_store *s;
    struct kb_diag d;
    kb_diag_clear(&d);
    if (kb_store_open(cmd_db_path, KB_STORE_CREATE, &s, &d) != 0) {
        cmd_error_store("init", &d);
        return EXIT_FAIL;
    }
    size_t n = 0;
    int rc = kb_store_article_count(s, &n, &d);
    kb_store_close(s);
    if (rc) {
        cmd_error_store("init", &d);
        return EXIT_FAIL;
    }
    fprintf(stderr, "khabar: init: %s: schema version %d, %zu articles\n", cmd_db_path,
            kb_store_schema_version(), n);
    return EXIT_OK;
}
