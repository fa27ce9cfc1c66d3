/*
 * main.c — the khabar program: global options and the command table.
 *
 * `khabar [--db PATH] <command> [args]`; --db may also follow the command.  Every command
 * answers --help.  Exit statuses: 0 ok, 1 failure, 2 usage.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd.h"

const char *cmd_db_path;

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

static const struct command commands[] = {
    {"init", cmd_init, "create or migrate the database"},
    {"import", cmd_import, "import articles: page-text FILE... | jsonl FILE | wxr FILE | ninjs FILE..."},
    {"export", cmd_export, "everything out: jsonl (lossless) | ninjs [--out FILE]"},
    {"show", cmd_show, "print one article (ID or SLUG), --json for the API form"},
    {"serve", cmd_serve, "serve the site and the API (--listen ADDR:PORT)"},
    {"search", cmd_search, "search the live articles: QUERY [--json] [--limit N]"},
    {"reindex", cmd_reindex, "rebuild the search index"},
    {"config", cmd_config, "read or change the site's settings (name, time zone, dates...)"},
    {"user", cmd_user, "newsroom users: add NAME --role ROLE, list, passwd, disable"},
    {"token", cmd_token, "API tokens: create --user NAME, revoke ID"},
};

static void usage(FILE *f)
{
    fputs("usage: khabar [--db PATH] <command> [options]\n\n"
          "khabar is an Arabic-first news publishing engine.\n\ncommands:\n",
          f);
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fputs("\nThe database is --db PATH, else $KHABAR_DB, else ./khabar.db.\n"
          "Run `khabar <command> --help` for a command's options.\n",
          f);
}

void cmd_error(const char *cmd, const char *what, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "khabar: %s: %s: ", cmd, what);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void cmd_error_diag(const char *cmd, const char *what, const struct kb_diag *d)
{
    const char *msg = d->msg[0] ? d->msg : kb_err_str(d->code);
    fprintf(stderr, "khabar: %s: %s", cmd, what);
    if (d->line) {
        /* `FILE:LINE: reason`; parsers also start their messages with "line N: " so they
         * read well alone: drop that here rather than say the line twice. */
        char prefix[32];
        int n = snprintf(prefix, sizeof(prefix), "line %lu: ", d->line);
        if (n > 0 && strncmp(msg, prefix, (size_t)n) == 0)
            msg += n;
        fprintf(stderr, ":%lu", d->line);
    }
    if (d->field[0])
        fprintf(stderr, ": %s", d->field);
    fprintf(stderr, ": %s\n", msg);
}

void cmd_error_store(const char *cmd, const struct kb_diag *d)
{
    fprintf(stderr, "khabar: %s: %s\n", cmd, d->msg[0] ? d->msg : kb_err_str(d->code));
}

bool cmd_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
            return true;
    }
    return false;
}

/* Remove every `--db PATH` / `--db=PATH` from argv, remembering the last one. */
static int take_db_option(int argc, char **argv)
{
    int out = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--db") == 0) {
            if (i + 1 >= argc) {
                cmd_error("main", "--db", "needs a path");
                return -1;
            }
            cmd_db_path = argv[++i];
        } else if (strncmp(argv[i], "--db=", 5) == 0) {
            cmd_db_path = argv[i] + 5;
        } else {
            argv[out++] = argv[i];
        }
    }
    argv[out] = NULL;
    return out;
}

int main(int argc, char **argv)
{
    argc = take_db_option(argc, argv);
    if (argc < 0)
        return EXIT_USAGE;
    if (!cmd_db_path)
        cmd_db_path = getenv("KHABAR_DB");
    if (!cmd_db_path || !*cmd_db_path)
        cmd_db_path = "khabar.db";
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return EXIT_OK;
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    }
    fprintf(stderr, "khabar: %s: unknown command (try khabar --help)\n", argv[1]);
    return EXIT_USAGE;
}
