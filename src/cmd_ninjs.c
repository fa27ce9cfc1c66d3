/*
 * cmd_ninjs.c — `khabar import ninjs [--dry-run] [--section NAME] [-q] FILE...`: agency copy
 * as IPTC ninjs items (docs/ninjs.md).  All files in one transaction: if one file or item
 * is refused, nothing is written.  Reached through `khabar import` (cmd_import.c).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cmd.h"
#include "khabar/engine.h"
#include "khabar/store.h"

static void usage(FILE *f)
{
    fputs("usage: khabar [--db PATH] import ninjs [options] FILE...\n\n"
          "Import IPTC ninjs items (2.x; 3.x names too).  A FILE holds one item, an array of\n"
          "items, or one item a line.  Items are keyed by uri: a newer version (versioncreated,\n"
          "then version) updates the article, an older one is skipped as stale.  pubstatus\n"
          "usable publishes (an embargo in the future schedules it), withheld unpublishes,\n"
          "canceled moves it to the trash.  Subjects become tags; a subject with rel \"section\"\n"
          "or naming a section of the site becomes the section.  All or nothing: if one item\n"
          "is refused, nothing is written.  See docs/ninjs.md.\n\n"
          "options:\n"
          "  --dry-run         do everything, report the counts, then write nothing\n"
          "  --section NAME    the section of items no subject places (default وكالات)\n"
          "  -q, --quiet       print only the summary\n",
          f);
}

static void print_list(const struct kb_import_skip *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t shown = v[i].count < KB_IMPORT_REASON_LINES ? v[i].count : KB_IMPORT_REASON_LINES;
        printf("  %zu %s: item%s ", v[i].count, v[i].reason, shown > 1 ? "s" : "");
        for (size_t k = 0; k < shown; k++)
            printf("%s%lu", k ? ", " : "", v[i].lines[k]);
        printf("%s\n", v[i].count > shown ? ", ..." : "");
    }
}

static void progress(void *ctx, size_t done, size_t total)
{
    (void)ctx;
    if (!isatty(STDERR_FILENO) || total < 2)
        return;
    int width = 30, filled = (int)(width * done / total);
    fprintf(stderr, "\r[%.*s%*s] %zu/%zu files", filled,
            "==============================", width - filled, "", done, total);
    if (done == total)
        fputc('\n', stderr);
}

int cmd_import_ninjs(int argc, char **argv)
{
    if (cmd_wants_help(argc, argv)) {
        usage(stdout);
        return EXIT_OK;
    }
    struct kb_import_opts opts = {.progress = progress};
    bool quiet = false;
    const char **files = (const char **)argv; /* compacted in place */
    size_t nfiles = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--dry-run") == 0) {
            opts.dry_run = true;
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            quiet = true;
        } else if (strcmp(a, "--section") == 0) {
            if (++i >= argc || !argv[i][0]) {
                cmd_error("import", "--section", "needs a section name or slug");
                return EXIT_USAGE;
            }
            opts.section = argv[i];
        } else if (strcmp(a, "--") == 0) {
            while (++i < argc)
                files[nfiles++] = argv[i];
        } else if (a[0] == '-' && a[1]) {
            cmd_error("import", a, "unknown option (see khabar import ninjs --help)");
            return EXIT_USAGE;
        } else {
            files[nfiles++] = a;
        }
    }
    if (nfiles == 0) {
        cmd_error("import", "ninjs", "no FILE given");
        usage(stderr);
        return EXIT_USAGE;
    }
    struct kb_store *s;
    struct kb_diag d;
    kb_diag_clear(&d);
    if (kb_store_open(cmd_db_path, KB_STORE_CREATE, &s, &d) != 0) {
        cmd_error_store("import", &d);
        return EXIT_FAIL;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct kb_import_report rep;
    const char *failed = NULL;
    int rc = kb_engine_import_ninjs(s, files, nfiles, &opts, &rep, &failed, &d);
    kb_store_close(s);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (rc) {
        cmd_error_diag("import", failed ? failed : "ninjs", &d);
        fprintf(stderr, "khabar: import: nothing was written\n");
        return EXIT_FAIL;
    }
    printf("%s%zu created, %zu updated, %zu unchanged, %zu skipped\n",
           opts.dry_run ? "dry run, nothing written: " : "", rep.created, rep.updated,
           rep.unchanged, rep.skipped);
    print_list(rep.reasons, rep.nreasons);
    if (rep.nwarnings) {
        printf("warnings:\n");
        print_list(rep.warnings, rep.nwarnings);
    }
    if (!quiet) {
        double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        printf("%zu items from %zu file%s, %zu sections created, %.2f s\n", rep.records, nfiles,
               nfiles == 1 ? "" : "s", rep.sections_created, secs);
    }
    return EXIT_OK;
}
