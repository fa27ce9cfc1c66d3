/*
 * cmd_import.c — `khabar import <format> ...`: bring articles in.
 *
 * Formats so far: page-text (pages saved as text, like the reference page).  An import
 * command is all-or-nothing: if any file is refused, nothing from any file is written.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "cmd.h"
#include "khabar/engine.h"
#include "khabar/store.h"

static void usage(FILE *f)
{
    fputs("usage: khabar [--db PATH] import page-text [options] FILE...\n\n"
          "Import article pages saved as text (section, reading time, headline, lede, photo\n"
          "alt and caption, date, body, source line, Discover rail).  The Discover rail is\n"
          "recognised and reported, never imported as body.  Unknown sections are created.\n"
          "Importing the same page again updates its article (keyed by date and headline).\n"
          "All or nothing: if one file is refused, nothing is written.\n\n"
          "options:\n"
          "  --dry-run        parse and validate, report what would happen, write nothing\n"
          "  --media-dir DIR  use DIR/<file name>.jpg as the article's photo when it exists\n"
          "                   (served as /media/<file name>.jpg)\n"
          "  -q, --quiet      print only the summary\n",
          f);
}

struct ui {
    bool quiet;
    bool tty;
    bool dry_run;
    struct kb_buf lines; /* per-file lines, printed once the import has committed */
};

static void progress(void *ctx, size_t done, size_t total)
{
    struct ui *ui = ctx;
    if (!ui->tty || total < 2)
        return;
    int width = 30, filled = (int)(width * done / total);
    fprintf(stderr, "\r[%.*s%*s] %zu/%zu", filled, "==============================",
            width - filled, "", done, total);
    if (done == total)
        fputc('\n', stderr);
}

static void on_article(void *ctx, const char *file, const struct kb_article *a, bool created,
                       size_t ndiscover)
{
    struct ui *ui = ctx;
    if (ui->quiet)
        return;
    /* The path as a reader types it (Arabic, not percent-encoded). */
    kb_buf_addf(&ui->lines, "%s: %s%s /%s/%s (%d min)", file, ui->dry_run ? "would be " : "",
                created ? "created" : "updated", a->section.slug, a->slug ? a->slug : "",
                a->reading_minutes);
    if (ndiscover)
        kb_buf_addf(&ui->lines, "; %zu Discover headlines recognised, not imported", ndiscover);
    kb_buf_addch(&ui->lines, '\n');
}

static int import_pagetext(int argc, char **argv)
{
    struct ui ui = {.tty = isatty(STDERR_FILENO)};
    kb_buf_init(&ui.lines, 0);
    struct kb_import_opts opts = {.progress = progress, .progress_ctx = &ui,
                                  .on_article = on_article, .on_article_ctx = &ui};
    const char **files = (const char **)argv; /* compacted in place below */
    size_t nfiles = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--dry-run") == 0) {
            opts.dry_run = ui.dry_run = true;
        } else if (strcmp(argv[i], "-q") == 0 || strcmp(argv[i], "--quiet") == 0) {
            ui.quiet = true;
        } else if (strcmp(argv[i], "--media-dir") == 0) {
            if (++i >= argc) {
                cmd_error("import", "--media-dir", "needs a directory");
                return EXIT_USAGE;
            }
            opts.media_dir = argv[i];
        } else if (strcmp(argv[i], "--") == 0) {
            while (++i < argc)
                files[nfiles++] = argv[i];
        } else if (argv[i][0] == '-' && argv[i][1]) {
            cmd_error("import", argv[i], "unknown option (see khabar import --help)");
            return EXIT_USAGE;
        } else {
            files[nfiles++] = argv[i];
        }
    }
    if (nfiles == 0) {
        cmd_error("import", "page-text", "no FILE given");
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
    struct kb_import_report rep;
    const char *failed = NULL;
    int rc = kb_engine_import_pagetext(s, files, nfiles, &opts, &rep, &failed, &d);
    kb_store_close(s);
    if (rc == 0)
        fputs(kb_buf_cstr(&ui.lines), stdout);
    kb_buf_release(&ui.lines);
    if (rc) {
        if (failed)
            cmd_error_diag("import", failed, &d);
        else
            cmd_error_store("import", &d);
        fprintf(stderr, "khabar: import: nothing was written\n");
        return EXIT_FAIL;
    }
    printf("%s%zu created, %zu updated, %zu sections created, %zu Discover headlines left "
           "out\n",
           opts.dry_run ? "dry run, nothing written: " : "", rep.created, rep.updated,
           rep.sections_created, rep.discover_skipped);
    return EXIT_OK;
}

int cmd_import(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    if (strcmp(argv[1], "page-text") == 0) {
        if (cmd_wants_help(argc - 1, argv + 1)) {
            usage(stdout);
            return EXIT_OK;
        }
        return import_pagetext(argc - 1, argv + 1);
    }
    cmd_error("import", argv[1], "unknown format (this build imports: page-text)");
    return EXIT_USAGE;
}
