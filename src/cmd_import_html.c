/*
 * cmd_import_html.c — `khabar import html FILE... [--url-list FILE] [--dry-run]
 * [--section SLUG]`: saved news pages into the site (docs/extract.md).
 *
 * All or nothing: the engine writes every page in one transaction, and the first page it
 * cannot use (unreadable, not HTML, no headline, no article text) rolls everything back;
 * the error names that file.  Per page, a line says what was done and which fields the
 * page did not give; then the summary.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cmd.h"
#include "khabar/engine.h"
#include "khabar/htmlextract.h"
#include "khabar/store.h"

#define MAX_FILES 100000
#define MAX_LIST_LINE 4096

static void usage(FILE *f)
{
    fputs("usage: khabar [--db PATH] import html [options] FILE...\n\n"
          "Import news pages saved as HTML (a browser's \"save page as\", or curl -o).  From\n"
          "each page: headline, lede, section, byline, publication date (ISO, RFC 822,\n"
          "English and Arabic month names such as \"الأربعاء، 07 أكتوبر 2020 - 12:09 م\"),\n"
          "the article text (paragraphs, subheadings, lists; menus, ads, share buttons,\n"
          "related links and comments left out), the lead image with caption and credit,\n"
          "the site's name as source, canonical URL and language.  Signals: JSON-LD,\n"
          "OpenGraph and article:* meta tags, <time>, then the page's own text.  Each page\n"
          "is keyed by its canonical URL: importing it again updates the article, or leaves\n"
          "it unchanged.  A page without a date becomes a draft.  All or nothing: if one\n"
          "file is refused, nothing is written.  See docs/extract.md.\n\n"
          "options:\n"
          "  --url-list FILE  also import the pages listed in FILE: one path a line (relative\n"
          "                   paths are relative to FILE's folder; a file:// URL is a path),\n"
          "                   optionally followed by a TAB and the address the page was\n"
          "                   saved from (links resolve against it; it keys a page without\n"
          "                   a canonical URL); blank lines and lines starting with # are\n"
          "                   ignored; \"-\" reads the list from standard input\n"
          "  --section SLUG   put every page in this existing section (slug or name)\n"
          "  --dry-run        extract and check everything, report, write nothing\n"
          "  -q, --quiet      print only the summary\n",
          f);
}

struct ui {
    bool quiet, tty, dry_run;
    struct kb_buf lines; /* per-file lines, printed once the import has succeeded */
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

static void on_page(void *ctx, const char *file, const struct kb_html_article *x)
{
    struct ui *ui = ctx;
    if (ui->quiet)
        return;
    kb_buf_addf(&ui->lines, "%s: \"%s\"", file, x->headline ? x->headline : "");
    if (x->missing) {
        kb_buf_adds(&ui->lines, "; not found: ");
        kb_html_missing_list(&ui->lines, x->missing);
    }
    kb_buf_addch(&ui->lines, '\n');
}

static void on_article(void *ctx, const char *file, const struct kb_article *a, bool created,
                       size_t unused)
{
    struct ui *ui = ctx;
    (void)unused;
    if (ui->quiet)
        return;
    const char *what = created ? "created" : a->id ? "updated" : "unchanged";
    kb_buf_addf(&ui->lines, "  -> %s%s /%s/%s (%s)\n", ui->dry_run ? "would be " : "", what,
                a->section.slug ? a->section.slug : "", a->slug ? a->slug : "(new slug)",
                kb_status_name(a->status));
    (void)file;
}

/* Append the paths listed in `list` to files[]; -1 after printing the error. */
static int read_list(const char *list, const char **files, const char **urls, size_t *nfiles,
                     char ***owned, size_t *nowned)
{
    FILE *f = strcmp(list, "-") == 0 ? stdin : fopen(list, "r");
    if (!f) {
        cmd_error("import", list, "cannot open the list: %s", strerror(errno));
        return -1;
    }
    const char *slash = strcmp(list, "-") == 0 ? NULL : strrchr(list, '/');
    size_t dirlen = slash ? (size_t)(slash - list) + 1 : 0;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    unsigned long lineno = 0;
    int rc = 0;
    while ((len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r' || line[len - 1] == ' ' ||
                           line[len - 1] == '\t'))
            line[--len] = '\0';
        char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p || *p == '#')
            continue;
        char *url = strchr(p, '\t');
        if (url) {
            *url++ = '\0';
            while (*url == ' ' || *url == '\t')
                url++;
            if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) {
                cmd_error("import", list, "line %lu: '%s' after the TAB is not an http(s) address",
                          lineno, url);
                rc = -1;
                break;
            }
            url = strdup(url);
            *owned = realloc(*owned, sizeof(**owned) * (*nowned + 1));
            (*owned)[(*nowned)++] = url;
        }
        if (strncmp(p, "file://", 7) == 0)
            p += 7;
        else if (strstr(p, "://")) {
            cmd_error("import", list,
                      "line %lu: '%s' is a URL: the list names saved files "
                      "(khabar does not fetch pages)",
                      lineno, p);
            rc = -1;
            break;
        }
        if (strlen(p) > MAX_LIST_LINE || *nfiles >= MAX_FILES) {
            cmd_error("import", list, "line %lu: %s", lineno,
                      *nfiles >= MAX_FILES ? "more than 100000 files" : "path too long");
            rc = -1;
            break;
        }
        char *path;
        if (p[0] != '/' && dirlen) {
            path = malloc(dirlen + strlen(p) + 1);
            memcpy(path, list, dirlen);
            strcpy(path + dirlen, p);
        } else {
            path = strdup(p);
        }
        *owned = realloc(*owned, sizeof(**owned) * (*nowned + 1));
        (*owned)[(*nowned)++] = path;
        urls[*nfiles] = url;
        files[(*nfiles)++] = path;
    }
    free(line);
    if (f != stdin)
        fclose(f);
    return rc;
}

static void print_notes(const char *title, const struct kb_import_skip *v, size_t n,
                        const char **files)
{
    if (!n)
        return;
    printf("%s:\n", title);
    for (size_t i = 0; i < n; i++) {
        printf("  %zu %s:", v[i].count, v[i].reason);
        size_t shown = v[i].count < KB_IMPORT_REASON_LINES ? v[i].count : KB_IMPORT_REASON_LINES;
        for (size_t k = 0; k < shown; k++)
            printf("%s %s", k ? "," : "", files[v[i].lines[k] - 1]);
        if (v[i].count > shown)
            printf(", ...");
        printf("\n");
    }
}

int cmd_import_html(int argc, char **argv)
{
    if (cmd_wants_help(argc, argv)) {
        usage(stdout);
        return EXIT_OK;
    }
    struct ui ui = {.tty = isatty(STDERR_FILENO)};
    struct kb_import_opts opts = {.progress = progress,
                                  .progress_ctx = &ui,
                                  .on_article = on_article,
                                  .on_article_ctx = &ui,
                                  .on_page = on_page,
                                  .on_page_ctx = &ui};
    const char **files = calloc(MAX_FILES, sizeof(*files));
    const char **urls = calloc(MAX_FILES, sizeof(*urls));
    size_t nfiles = 0, nowned = 0;
    char **owned = NULL;
    const char *section = NULL;
    int rc = EXIT_OK;
    for (int i = 1; i < argc && rc == EXIT_OK; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--dry-run") == 0) {
            opts.dry_run = ui.dry_run = true;
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            ui.quiet = true;
        } else if (strcmp(a, "--section") == 0 || strcmp(a, "--url-list") == 0) {
            if (i + 1 >= argc) {
                cmd_error("import", a, "needs a value");
                rc = EXIT_USAGE;
            } else if (a[2] == 's') {
                section = argv[++i];
            } else if (read_list(argv[++i], files, urls, &nfiles, &owned, &nowned) != 0) {
                rc = EXIT_FAIL;
            }
        } else if (strcmp(a, "--") == 0) {
            while (++i < argc && nfiles < MAX_FILES)
                files[nfiles++] = argv[i];
        } else if (a[0] == '-' && a[1]) {
            cmd_error("import", a, "unknown option (see khabar import html --help)");
            rc = EXIT_USAGE;
        } else if (nfiles < MAX_FILES) {
            files[nfiles++] = a;
        }
    }
    if (rc == EXIT_OK && nfiles == 0) {
        cmd_error("import", "html", "no FILE given");
        usage(stderr);
        rc = EXIT_USAGE;
    }
    struct kb_store *s = NULL;
    struct kb_diag d;
    kb_diag_clear(&d);
    if (rc == EXIT_OK && kb_store_open(cmd_db_path, KB_STORE_CREATE, &s, &d) != 0) {
        cmd_error_store("import", &d);
        rc = EXIT_FAIL;
    }
    if (rc == EXIT_OK) {
        kb_buf_init(&ui.lines, 0);
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        struct kb_import_report rep;
        const char *failed = NULL;
        int erc = kb_engine_import_html(s, files, urls, nfiles, &opts, section, &rep, &failed, &d);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        kb_store_close(s);
        if (erc) {
            if (failed)
                cmd_error_diag("import", failed, &d);
            else
                cmd_error_store("import", &d);
            fprintf(stderr, "khabar: import: nothing was written\n");
            rc = EXIT_FAIL;
        } else {
            fputs(kb_buf_cstr(&ui.lines), stdout);
            printf("%s%zu created, %zu updated, %zu unchanged, %zu skipped, %zu sections "
                   "created\n",
                   opts.dry_run ? "dry run, nothing written: " : "", rep.created, rep.updated,
                   rep.unchanged, rep.skipped, rep.sections_created);
            print_notes("skipped", rep.reasons, rep.nreasons, files);
            print_notes("warnings", rep.warnings, rep.nwarnings, files);
            if (!ui.quiet)
                printf("%zu pages, %.2f s (%.0f pages/s)\n", rep.records, secs,
                       secs > 0 ? (double)rep.records / secs : 0.0);
        }
        kb_buf_release(&ui.lines);
    }
    for (size_t i = 0; i < nowned; i++)
        free(owned[i]);
    free(owned);
    free(files);
    free(urls);
    return rc;
}
