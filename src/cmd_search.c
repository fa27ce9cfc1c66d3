/*
 * cmd_search.c — `khabar search QUERY... [--json] [--limit N] [--page N] [--newest]`: the
 * site's own search from the command line, same query language, same ranking, same live
 * articles as /search (lib/engine/search_pages.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cmd.h"
#include "khabar/json.h"
#include "khabar/pages.h"
#include "khabar/search.h"
#include "khabar/store.h"

#define DEFAULT_LIMIT 10

static void usage(FILE *f)
{
    fputs("usage: khabar [--db PATH] search QUERY... [--json] [--limit N] [--page N] [--newest]\n\n"
          "Search the live articles as the site's search box does.  QUERY words are joined\n"
          "with spaces; the language: words, \"exact phrases\", -excluded, prefix*,\n"
          "section:SLUG, from:YYYY-MM-DD, to:YYYY-MM-DD.  --limit is 1..100 (default 10);\n"
          "--json prints the /api/v1/search object.\n",
          f);
}

static long parse_num(const char *s, long lo, long hi)
{
    char *end;
    long v = strtol(s, &end, 10);
    return *s && !*end && v >= lo && v <= hi ? v : -1;
}

/* A marked string as terminal text: bold marks on a terminal, none otherwise. */
static void add_marked(struct kb_buf *out, const char *s, bool tty)
{
    for (; s && *s; s++) {
        if (*s == KB_SEARCH_MARK_OPEN || *s == KB_SEARCH_MARK_CLOSE) {
            if (tty)
                kb_buf_adds(out, *s == KB_SEARCH_MARK_OPEN ? "\033[1m" : "\033[0m");
        } else {
            kb_buf_addch(out, *s == '\n' ? ' ' : *s);
        }
    }
}

int cmd_search(int argc, char **argv)
{
    if (cmd_wants_help(argc, argv)) {
        usage(stdout);
        return EXIT_OK;
    }
    bool json = false, newest = false;
    long limit = DEFAULT_LIMIT, page = 1;
    struct kb_buf q;
    kb_buf_init(&q, 64 << 10);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--json") == 0) {
            json = true;
        } else if (strcmp(a, "--newest") == 0) {
            newest = true;
        } else if (strcmp(a, "--limit") == 0 || strcmp(a, "--page") == 0) {
            long v = i + 1 < argc ? parse_num(argv[i + 1], 1,
                                              a[2] == 'l' ? KB_SEARCH_MAX_LIMIT : KB_PAGES_MAX_PAGE)
                                  : -1;
            if (v < 0) {
                cmd_error("search", a,
                          a[2] == 'l' ? "needs a number from 1 to 100" : "needs a page number");
                kb_buf_release(&q);
                return EXIT_USAGE;
            }
            *(a[2] == 'l' ? &limit : &page) = v;
            i++;
        } else if (strcmp(a, "--") == 0) {
            for (i++; i < argc; i++) {
                if (q.n)
                    kb_buf_addch(&q, ' ');
                kb_buf_adds(&q, argv[i]);
            }
        } else if (a[0] == '-' && a[1] == '-') {
            cmd_error("search", a, "unknown option");
            kb_buf_release(&q);
            return EXIT_USAGE;
        } else {
            if (q.n)
                kb_buf_addch(&q, ' ');
            kb_buf_adds(&q, a); /* "-word" is an exclusion, not an option */
        }
    }
    if (!q.n) {
        cmd_error("search", "arguments", "a QUERY is required");
        usage(stderr);
        kb_buf_release(&q);
        return EXIT_USAGE;
    }

    struct kb_store *s;
    struct kb_diag d;
    kb_diag_clear(&d);
    if (kb_store_open(cmd_db_path, KB_STORE_READONLY, &s, &d) != 0) {
        cmd_error_store("search", &d);
        kb_buf_release(&q);
        return EXIT_FAIL;
    }
    struct kb_site_conf *conf = NULL;
    struct kb_search_result r;
    int rc = kb_site_conf_load(s, &conf, &d);
    if (rc == 0)
        rc = kb_engine_search(s, &conf->site, kb_buf_cstr(&q), q.n,
                              newest ? KB_SEARCH_NEWEST : KB_SEARCH_RELEVANCE, (size_t)page,
                              (size_t)limit, (int64_t)time(NULL), &r, &d);
    if (rc) {
        cmd_error_diag("search", kb_buf_cstr(&q), &d);
        kb_site_conf_free(conf);
        kb_store_close(s);
        kb_buf_release(&q);
        return EXIT_FAIL;
    }

    struct kb_buf out;
    kb_buf_init(&out, 0);
    if (json) {
        struct kb_json j;
        kb_json_init(&j, &out, KB_JSON_PRETTY);
        kb_search_result_json(&r, &j);
        kb_buf_addch(&out, '\n');
    } else {
        bool tty = isatty(STDOUT_FILENO);
        if (!r.searched)
            kb_buf_adds(&out, "nothing to search for: only common words, exclusions or filters\n");
        else if (r.unknown_section)
            kb_buf_addf(&out, "no section '%s'\n", r.query.section);
        kb_search_count_format(&out, r.total, conf->site.language);
        kb_buf_adds(&out, r.fallback ? " (no article has every word; these have some)\n" : "\n");
        for (size_t i = 0; i < r.n; i++) {
            const struct kb_search_hit *h = &r.hits[i];
            kb_buf_addf(&out, "%zu. ", (r.page - 1) * r.per_page + i + 1);
            add_marked(&out, h->headline, tty);
            kb_buf_addf(&out, "\n   /%s/%s · ", h->section_slug, h->slug);
            kb_date_iso8601(&out, h->published, h->published_offset);
            kb_buf_addf(&out, " · %.3f\n", h->score);
            if (*h->snippet) {
                kb_buf_adds(&out, "   ");
                add_marked(&out, h->snippet, tty);
                kb_buf_addch(&out, '\n');
            }
        }
    }
    int ok = !kb_buf_err(&out) && fwrite(kb_buf_cstr(&out), 1, out.n, stdout) == out.n;
    kb_buf_release(&out);
    kb_search_result_release(&r);
    kb_site_conf_free(conf);
    kb_store_close(s);
    kb_buf_release(&q);
    if (!ok) {
        cmd_error("search", "output", "could not write the output");
        return EXIT_FAIL;
    }
    return EXIT_OK;
}
