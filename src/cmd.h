/*
 * cmd.h — the khabar program's subcommands and their shared helpers.
 *
 * Each command is `int cmd_<name>(int argc, char **argv)` with argv[0] the command name;
 * it returns the process exit status: 0 ok, 1 failure, 2 usage.  Errors go to stderr as
 * `khabar: <command>: <what>: <why>` through cmd_error().  Only src/ prints or exits.
 */
#ifndef KHABAR_SRC_CMD_H
#define KHABAR_SRC_CMD_H

#include <stdbool.h>
#include "khabar/err.h"

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

/* The database location: --db PATH if given (removed from argv by main), else $KHABAR_DB,
 * else "./khabar.db". */
extern const char *cmd_db_path;

/* Print `khabar: <cmd>: <what>: <why>` to stderr. */
void cmd_error(const char *cmd, const char *what, const char *fmt, ...) KB_PRINTF(3, 4);
/* The same with a diag: `khabar: <cmd>: <what>[:line N][: field]: <msg>`. */
void cmd_error_diag(const char *cmd, const char *what, const struct kb_diag *d);
/* For diags that already name their input (the store's open errors name the path):
 * `khabar: <cmd>: <msg>`. */
void cmd_error_store(const char *cmd, const struct kb_diag *d);
/* True when argv contains -h or --help (then the command prints its help and returns 0). */
bool cmd_wants_help(int argc, char **argv);

int cmd_init(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_search(int argc, char **argv);
int cmd_reindex(int argc, char **argv);
int cmd_config(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_token(int argc, char **argv);
int cmd_export(int argc, char **argv);
/* `import ninjs ...` (cmd_ninjs.c), argv[0] "ninjs". */
int cmd_import_ninjs(int argc, char **argv);
/* `import html ...` (cmd_import_html.c), argv[0] "html". */
int cmd_import_html(int argc, char **argv);

#endif
