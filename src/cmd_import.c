/*
 * cmd_import.c — `khabar import <format> ...`: bring articles in.
 *
 * Formats so far: page-text (pages saved as text, like the reference page) and jsonl (one
 * JSON article a line, plain, .xz or .gz).  A page-text import is all-or-nothing: if any
 * file is refused, nothing from any file is written.  A jsonl import is all-or-nothing by
 * default (--atomic) or skips malformed lines and commits in batches (--skip-bad).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cmd.h"
#include "khabar/engine.h"
#include "khabar/store.h"

static void print_duplicates(const struct kb_import_report *rep);

static void usage(FILE *f)
{
    fputs("usage: khabar [--db PATH] import page-text [options] FILE...\n"
          "       khabar [--db PATH] import jsonl [options] FILE|-   (see import jsonl --help)\n"
          "       khabar [--db PATH] import wxr [options] FILE       (see import wxr --help)\n"
          "       khabar [--db PATH] import ninjs [options] FILE...  (see import ninjs --help)\n"
          "       khabar [--db PATH] import html [options] FILE...   (see import html --help)\n\n"
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
    fprintf(stderr, "\r[%.*s%*s] %zu/%zu", filled, "==============================", width - filled,
            "", done, total);
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
    struct kb_import_opts opts = {
        .progress = progress, .progress_ctx = &ui, .on_article = on_article, .on_article_ctx = &ui};
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
    if (!opts.dry_run)
        print_duplicates(&rep);
    return EXIT_OK;
}

/* ---- import jsonl -------------------------------------------------------------------- */

static void usage_jsonl(FILE *f)
{
    fputs("usage: khabar [--db PATH] import jsonl [options] FILE|-\n\n"
          "Bulk import: one JSON article a line, as product.md's article JSON or the corpus\n"
          "form (title, lede, byline, category, source, published, body with one paragraph a\n"
          "line).  FILE may be compressed with xz or gzip (recognised by its first bytes);\n"
          "'-' reads standard input.  Each record is keyed by external_id, else url, else id:\n"
          "a key already stored is updated (or left unchanged when its content is the same),\n"
          "a key repeated later in the same file is skipped (the first wins).  Unknown\n"
          "sections are created.  Lines whose first key is \"kind\" are the records of\n"
          "`khabar export jsonl` (settings, users, sections, media, articles with their\n"
          "newsroom state, revisions, translations): an export reads back losslessly.\n"
          "See docs/jsonl.md.\n\n"
          "options:\n"
          "  --atomic     (default) one transaction: if any line is malformed, nothing is\n"
          "               written and every malformed line is reported\n"
          "  --skip-bad   skip and report malformed lines, import the rest, committing every\n"
          "               1000 articles (an interrupted import leaves whole batches)\n"
          "  --limit N    read only the first N records\n"
          "  --dry-run    do everything, report the counts, then write nothing\n"
          "  --no-related leave the related lists and near-duplicate marks as they were:\n"
          "               they stay stale until `khabar reindex` (saves their rebuild, a\n"
          "               third of a large import's time, and its memory)\n"
          "  -q, --quiet  print only the summary\n",
          f);
}

struct jsonl_ui {
    bool tty;
    int shown; /* per mille last drawn, -1 before the first */
    uint64_t last_mb;
};

static void jsonl_progress(void *ctx, size_t done, size_t total)
{
    struct jsonl_ui *ui = ctx;
    if (!ui->tty)
        return;
    if (total == 0) { /* a pipe: bytes only */
        uint64_t mb = done >> 20;
        if (mb != ui->last_mb || ui->shown < 0) {
            ui->last_mb = mb;
            ui->shown = 0;
            fprintf(stderr, "\r%.1f MB read", (double)done / (1 << 20));
        }
        return;
    }
    int permille = (int)((double)done * 1000 / (double)total);
    if (permille > 1000)
        permille = 1000;
    if (permille == ui->shown)
        return;
    ui->shown = permille;
    int width = 30, filled = permille * width / 1000;
    fprintf(stderr, "\r[%.*s%*s] %3d%%  %.1f/%.1f MB", filled,
            "==============================", width - filled, "", permille / 10,
            (double)done / (1 << 20), (double)total / (1 << 20));
}

/* The near-duplicates the database holds after a written import (related.h). */
static void print_duplicates(const struct kb_import_report *rep)
{
    if (!rep->duplicates)
        return;
    printf("near-duplicates: %zu marked (newest:", rep->duplicates);
    for (size_t i = 0; i < rep->nduplicate_pairs; i++)
        printf("%s #%lld = #%lld", i ? "," : "", (long long)rep->duplicate_pairs[i][0],
               (long long)rep->duplicate_pairs[i][1]);
    printf(")\n");
}

static void print_reasons(FILE *f, const struct kb_import_report *rep)
{
    for (size_t i = 0; i < rep->nreasons; i++) {
        const struct kb_import_skip *e = &rep->reasons[i];
        fprintf(f, "  %zu %s: line", e->count, e->reason);
        size_t shown = e->count < KB_IMPORT_REASON_LINES ? e->count : KB_IMPORT_REASON_LINES;
        fputs(shown > 1 ? "s " : " ", f);
        for (size_t k = 0; k < shown; k++)
            fprintf(f, "%s%lu", k ? ", " : "", e->lines[k]);
        if (e->count > shown)
            fputs(", ...", f);
        fputc('\n', f);
    }
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* The single FILE argument of the one-file formats (jsonl, wxr), at argv[*i]: "--" takes the
 * next argument as the file; anything else starting with '-' is an unknown option; a second
 * file is refused.  Returns 0, or -1 after printing the usage error. */
static int take_file(const char *format, int argc, char **argv, int *i, const char **file)
{
    const char *a = argv[*i];
    if (strcmp(a, "--") == 0 && *i + 1 < argc && !*file) {
        *file = argv[++*i];
    } else if (a[0] == '-' && a[1]) {
        cmd_error("import", a, "unknown option (see khabar import %s --help)", format);
        return -1;
    } else if (*file) {
        cmd_error("import", format, "one FILE at a time");
        return -1;
    } else {
        *file = a;
    }
    return 0;
}

static int import_jsonl(int argc, char **argv)
{
    struct jsonl_ui ui = {.tty = isatty(STDERR_FILENO), .shown = -1};
    struct kb_import_opts opts = {.progress = jsonl_progress, .progress_ctx = &ui};
    bool quiet = false;
    const char *file = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--dry-run") == 0) {
            opts.dry_run = true;
        } else if (strcmp(a, "--atomic") == 0) {
            opts.mode = KB_IMPORT_ATOMIC;
        } else if (strcmp(a, "--skip-bad") == 0) {
            opts.mode = KB_IMPORT_SKIP_BAD;
        } else if (strcmp(a, "--no-related") == 0) {
            opts.no_related = true;
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            quiet = true;
        } else if (strcmp(a, "--limit") == 0 || strncmp(a, "--limit=", 8) == 0) {
            const char *v = a[7] == '=' ? a + 8 : (i + 1 < argc ? argv[++i] : NULL);
            char *end = NULL;
            unsigned long long n = v ? strtoull(v, &end, 10) : 0;
            if (!v || !*v || *end || n == 0 || v[0] == '-') {
                cmd_error("import", "--limit", "needs a positive number of records");
                return EXIT_USAGE;
            }
            opts.limit = (size_t)n;
        } else if (take_file("jsonl", argc, argv, &i, &file) != 0) {
            return EXIT_USAGE;
        }
    }
    if (!file) {
        cmd_error("import", "jsonl", "no FILE given");
        usage_jsonl(stderr);
        return EXIT_USAGE;
    }
    const char *name = strcmp(file, "-") == 0 ? "stdin" : file;

    struct kb_store *s;
    struct kb_diag d;
    kb_diag_clear(&d);
    if (kb_store_open(cmd_db_path, KB_STORE_CREATE, &s, &d) != 0) {
        cmd_error_store("import", &d);
        return EXIT_FAIL;
    }
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct kb_import_report rep;
    int rc = kb_engine_import_jsonl(s, file, &opts, &rep, &d);
    kb_store_close(s);
    double secs = seconds_since(&t0);
    if (ui.tty && ui.shown >= 0)
        fputc('\n', stderr);

    bool atomic_fail = rc && opts.mode == KB_IMPORT_ATOMIC && d.line && rep.skipped;
    if (rc) {
        cmd_error_diag("import", name, &d);
        if (atomic_fail) {
            fprintf(stderr, "khabar: import: %zu lines not imported:\n", rep.skipped);
            print_reasons(stderr, &rep);
        }
        if (opts.mode == KB_IMPORT_SKIP_BAD && !opts.dry_run && rep.created + rep.updated)
            fprintf(stderr,
                    "khabar: import: the lines before the error were written "
                    "(%zu created, %zu updated)\n",
                    rep.created, rep.updated);
        else
            fprintf(stderr, "khabar: import: nothing was written%s\n",
                    atomic_fail ? " (--skip-bad imports the good lines)" : "");
        return EXIT_FAIL;
    }
    printf("%s%zu created, %zu updated, %zu unchanged, %zu skipped\n",
           opts.dry_run ? "dry run, nothing written: " : "", rep.created, rep.updated,
           rep.unchanged, rep.skipped);
    print_reasons(stdout, &rep);
    if (rep.nwarnings) { /* export records: an author this database does not have, ... */
        printf("warnings:\n");
        struct kb_import_report w = {.nreasons = rep.nwarnings};
        memcpy(w.reasons, rep.warnings, sizeof(w.reasons));
        print_reasons(stdout, &w);
    }
    print_duplicates(&rep);
    if (!quiet) {
        size_t done = rep.created + rep.updated + rep.unchanged;
        printf("%zu records from %s, %zu sections created, %.2f s (%.0f articles/s)\n", rep.records,
               name, rep.sections_created, secs, secs > 0 ? (double)done / secs : 0.0);
        if (rep.related_seconds > 0)
            printf("of which related lists and near-duplicates: %.2f s\n", rep.related_seconds);
    }
    return EXIT_OK;
}

/* ---- import wxr ---------------------------------------------------------------------- */

static void usage_wxr(FILE *f)
{
    fputs("usage: khabar [--db PATH] import wxr [--dry-run] [-q] [--authors users|bylines]\n"
          "                   [--media-dir DIR [--media DIR]] [--no-related] FILE\n\n"
          "Import a WordPress export (WXR 1.0-1.2): categories become sections, posts become\n"
          "articles and pages go to the section \"pages\" (صفحات); authors become users\n"
          "and bylines; tags, excerpts (the lede), featured images and publication dates\n"
          "with the site's time zone are kept.  Items are keyed by their old URL: importing\n"
          "the same file again changes nothing.  All or nothing: malformed XML (the message\n"
          "names the line) writes nothing.  See docs/wxr.md.\n\n"
          "options:\n"
          "  --dry-run          do everything, report the counts, then write nothing\n"
          "  --authors users    authors become newsroom users (role author, NO password:\n"
          "                     they sign in once an admin runs `khabar user passwd`) and\n"
          "                     the articles' author (the default); same name, same user\n"
          "  --authors bylines  authors are the articles' bylines only\n"
          "  --media-dir DIR    a copy of the site's uploads: featured images found at\n"
          "                     DIR/2020/05/x.jpg or DIR/wp-content/uploads/2020/05/x.jpg\n"
          "                     are copied into the media directory, named by content\n"
          "                     (SHA-256); missing files are warned and stay remote URLs\n"
          "  --media DIR        the media directory `serve` answers /media/ from\n"
          "                     (default <database dir>/media, as serve)\n"
          "  --no-related       leave related lists and near-duplicate marks for `khabar\n"
          "                     reindex` (a very large import: their rebuild holds the\n"
          "                     whole archive in memory)\n"
          "  -q, --quiet        print only the summary\n",
          f);
}

/* <dir of the database>/media, as serve's default. */
static char *db_media_dir(const char *db)
{
    if (strncmp(db, "sqlite:", 7) == 0)
        db += 7;
    const char *slash = strrchr(db, '/');
    struct kb_buf b;
    kb_buf_init(&b, 8192);
    if (slash)
        kb_buf_addf(&b, "%.*s/media", (int)(slash - db), db);
    else
        kb_buf_adds(&b, "media");
    return kb_buf_detach(&b, NULL);
}

static int import_wxr(int argc, char **argv)
{
    struct jsonl_ui ui = {.tty = isatty(STDERR_FILENO), .shown = -1};
    struct kb_import_opts opts = {.progress = jsonl_progress, .progress_ctx = &ui};
    bool quiet = false;
    const char *file = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--dry-run") == 0) {
            opts.dry_run = true;
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            quiet = true;
        } else if (strcmp(a, "--no-related") == 0) {
            opts.no_related = true;
        } else if (!strcmp(a, "--authors") || !strcmp(a, "--media-dir") || !strcmp(a, "--media")) {
            const char *v = i + 1 < argc ? argv[++i] : NULL;
            if (!v || !*v) {
                cmd_error("import", a, "needs a value (see khabar import wxr --help)");
                return EXIT_USAGE;
            }
            if (!strcmp(a, "--media-dir"))
                opts.media_dir = v;
            else if (!strcmp(a, "--media"))
                opts.media_store = v;
            else if (!strcmp(v, "users"))
                opts.authors = KB_AUTHORS_USERS;
            else if (!strcmp(v, "bylines"))
                opts.authors = KB_AUTHORS_BYLINES;
            else {
                cmd_error("import", a, "'%s': expected users or bylines", v);
                return EXIT_USAGE;
            }
        } else if (take_file("wxr", argc, argv, &i, &file) != 0) {
            return EXIT_USAGE;
        }
    }
    if (!file) {
        cmd_error("import", "wxr", "no FILE given");
        usage_wxr(stderr);
        return EXIT_USAGE;
    }
    if (opts.media_store && !opts.media_dir) {
        cmd_error("import", "--media", "only with --media-dir (where the files come from)");
        return EXIT_USAGE;
    }
    struct stat mst;
    if (opts.media_dir && (stat(opts.media_dir, &mst) != 0 || !S_ISDIR(mst.st_mode))) {
        cmd_error("import", opts.media_dir, "--media-dir: not a directory");
        return EXIT_USAGE;
    }
    char *store_dir = NULL;
    if (opts.media_dir && !opts.media_store)
        opts.media_store = store_dir = db_media_dir(cmd_db_path);
    struct kb_store *s;
    struct kb_diag d;
    kb_diag_clear(&d);
    if (kb_store_open(cmd_db_path, KB_STORE_CREATE, &s, &d) != 0) {
        cmd_error_store("import", &d);
        free(store_dir);
        return EXIT_FAIL;
    }
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct kb_import_report rep;
    int rc = kb_engine_import_wxr(s, file, &opts, &rep, &d);
    kb_store_close(s);
    free(store_dir);
    double secs = seconds_since(&t0);
    if (ui.tty && ui.shown >= 0)
        fputc('\n', stderr);
    if (rc) {
        cmd_error_diag("import", file, &d);
        fprintf(stderr, "khabar: import: nothing was written\n");
        return EXIT_FAIL;
    }
    printf("%s%zu created, %zu updated, %zu unchanged, %zu skipped\n",
           opts.dry_run ? "dry run, nothing written: " : "", rep.created, rep.updated,
           rep.unchanged, rep.skipped);
    print_reasons(stdout, &rep);
    if (rep.nwarnings) {
        printf("warnings:\n");
        struct kb_import_report w = {.nreasons = rep.nwarnings};
        memcpy(w.reasons, rep.warnings, sizeof(w.reasons));
        print_reasons(stdout, &w);
    }
    if (!quiet) {
        size_t done = rep.created + rep.updated + rep.unchanged;
        printf("%zu items from %s (%zu authors, %zu categories, %zu tags declared), %zu sections "
               "created, %.2f s (%.0f items/s)\n",
               rep.records, file, rep.authors, rep.categories, rep.tags, rep.sections_created, secs,
               secs > 0 ? (double)done / secs : 0.0);
        printf("%zu sections given a parent, %zu users created (no password: `khabar user "
               "passwd NAME`), %zu old addresses redirect, %zu media files copied\n",
               rep.sections_nested, rep.users_created, rep.redirects, rep.media_copied);
    }
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
    if (strcmp(argv[1], "jsonl") == 0) {
        if (cmd_wants_help(argc - 1, argv + 1)) {
            usage_jsonl(stdout);
            return EXIT_OK;
        }
        return import_jsonl(argc - 1, argv + 1);
    }
    if (strcmp(argv[1], "wxr") == 0) {
        if (cmd_wants_help(argc - 1, argv + 1)) {
            usage_wxr(stdout);
            return EXIT_OK;
        }
        return import_wxr(argc - 1, argv + 1);
    }
    if (strcmp(argv[1], "ninjs") == 0)
        return cmd_import_ninjs(argc - 1, argv + 1);
    if (strcmp(argv[1], "html") == 0)
        return cmd_import_html(argc - 1, argv + 1);
    cmd_error("import", argv[1],
              "unknown format (this build imports: page-text, jsonl, wxr, ninjs, html)");
    return EXIT_USAGE;
}
