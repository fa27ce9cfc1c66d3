/*
 * cmd_show.c — `khabar show ID|SLUG [--json]`: one article, as JSON or as readable text.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd.h"
#include "khabar/json.h"
#include "khabar/store.h"

static void usage(FILE *f)
{
    fputs("usage: khabar [--db PATH] show ID|SLUG [--json]\n\n"
          "Print one article.  With --json, the article JSON of the API (one object), with\n"
          "\"translations\" listing every article of its translation group, live or not.\n",
          f);
}

/* A decimal id, or 0 when the argument is not one (then it is a slug). */
static long long parse_id(const char *s)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || end == s || v <= 0)
        return 0;
    return v;
}

/* The other articles of a's translation group, whatever their status (the newsroom's view;
 * the API lists only live ones), as "translations" in the JSON — left out when there are
 * none, as the API does.  A backend without translation groups has none. */
static int load_translations(struct kb_store *s, struct kb_article *a, struct kb_diag *d)
{
    int rc = kb_store_translations_get(s, a->id, false, 0, &a->translations, &a->ntranslations, d);
    if (rc == KB_EINVAL) {
        kb_diag_clear(d);
        return 0;
    }
    a->translations_set = rc == 0 && a->ntranslations > 0;
    return rc;
}

int cmd_show(int argc, char **argv)
{
    if (cmd_wants_help(argc, argv)) {
        usage(stdout);
        return EXIT_OK;
    }
    const char *key = NULL;
    bool json = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) {
            json = true;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            cmd_error("show", argv[i], "unknown option");
            return EXIT_USAGE;
        } else if (!key) {
            key = argv[i];
        } else {
            cmd_error("show", argv[i], "unexpected argument");
            return EXIT_USAGE;
        }
    }
    if (!key) {
        cmd_error("show", "arguments", "an article ID or SLUG is required");
        usage(stderr);
        return EXIT_USAGE;
    }

    struct kb_store *s;
    struct kb_diag d;
    kb_diag_clear(&d);
    if (kb_store_open(cmd_db_path, KB_STORE_READONLY, &s, &d) != 0) {
        cmd_error_store("show", &d);
        return EXIT_FAIL;
    }
    struct kb_article a;
    kb_article_init(&a);
    long long id = parse_id(key);
    int rc = id ? kb_store_article_get(s, id, &a, &d) : KB_ENOTFOUND;
    if (rc == KB_ENOTFOUND)
        rc = kb_store_article_get_slug(s, key, &a, &d);
    if (rc == 0 && json)
        rc = load_translations(s, &a, &d);
    kb_store_close(s);
    if (rc) {
        if (rc == KB_ENOTFOUND)
            cmd_error("show", key, "no such article");
        else
            cmd_error_diag("show", key, &d);
        kb_article_release(&a);
        return EXIT_FAIL;
    }

    struct kb_buf out;
    kb_buf_init(&out, 0);
    if (json) {
        struct kb_json j;
        kb_json_init(&j, &out, KB_JSON_PRETTY);
        kb_article_to_json(&a, &j);
        kb_buf_addch(&out, '\n');
    } else {
        kb_buf_addf(&out, "%s\n", a.headline);
        if (a.lede)
            kb_buf_addf(&out, "%s\n", a.lede);
        kb_buf_addf(&out, "id %lld · %s · %s · ", (long long)a.id, kb_status_name(a.status),
                    a.section.name ? a.section.name : a.section.slug);
        kb_buf_addf(&out, "/%s/%s · %d min\n", a.section.slug, a.slug, a.reading_minutes);
    }
    int ok = !kb_buf_err(&out) && fwrite(out.p, 1, out.n, stdout) == out.n;
    kb_buf_release(&out);
    kb_article_release(&a);
    if (!ok) {
        cmd_error("show", key, "could not write the output");
        return EXIT_FAIL;
    }
    return EXIT_OK;
}
