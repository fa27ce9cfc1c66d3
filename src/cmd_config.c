/*
 * cmd_config.c — `khabar config [KEY [VALUE]]`: read and change the site's settings.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd.h"
#include "khabar/settings.h"
#include "khabar/store.h"

static void usage(FILE *f)
{
    fputs("usage: khabar [--db PATH] config [KEY [VALUE]]\n\n"
          "Without arguments, list every setting with its value.  With KEY, print its value.\n"
          "With KEY VALUE, check the value and store it; pages change at once, also on a\n"
          "running server.  `--unset KEY` returns a setting to its default.\n\nsettings:\n",
          f);
    for (size_t i = 0; i < kb_settings_count(); i++) {
        const struct kb_setting_def *def = kb_settings_at(i);
        fprintf(f, "  %-20s %s (default: %s)\n", def->key, def->help,
                def->def[0] ? def->def : "empty");
    }
}

static int print_one(struct kb_store *s, const struct kb_setting_def *def, bool with_key)
{
    char *v = NULL;
    struct kb_diag d;
    kb_diag_clear(&d);
    if (kb_store_setting_get(s, def->key, &v, &d) != 0) {
        cmd_error_store("config", &d);
        return EXIT_FAIL;
    }
    if (with_key)
        printf("%s=%s%s\n", def->key, v ? v : def->def, v ? "" : " (default)");
    else
        printf("%s\n", v ? v : def->def);
    free(v);
    return EXIT_OK;
}

int cmd_config(int argc, char **argv)
{
    if (cmd_wants_help(argc, argv)) {
        usage(stdout);
        return EXIT_OK;
    }
    bool unset = argc > 1 && strcmp(argv[1], "--unset") == 0;
    if (unset) {
        argv++;
        argc--;
        if (argc != 2) {
            cmd_error("config", "--unset", "needs exactly one KEY");
            return EXIT_USAGE;
        }
    }
    if (argc > 3) {
        cmd_error("config", argv[3], "unexpected argument (quote a value with spaces)");
        return EXIT_USAGE;
    }
    const struct kb_setting_def *def = NULL;
    if (argc >= 2 && !(def = kb_setting_def(argv[1]))) {
        cmd_error("config", argv[1], "not a known setting (khabar config --help lists them)");
        return EXIT_USAGE;
    }
    struct kb_diag d;
    kb_diag_clear(&d);
    if (argc == 3 && kb_setting_check(argv[1], argv[2], &d) != 0) {
        cmd_error("config", argv[1], "%s", d.msg);
        return EXIT_FAIL;
    }

    bool write = argc == 3 || unset;
    struct kb_store *s;
    if (kb_store_open(cmd_db_path, write ? KB_STORE_CREATE : KB_STORE_READONLY, &s, &d) != 0) {
        cmd_error_store("config", &d);
        return EXIT_FAIL;
    }
    int rc = EXIT_OK;
    if (write) {
        /* Unset stores the default, so every reader sees the same value. */
        if (kb_store_setting_put(s, def->key, unset ? def->def : argv[2], &d) != 0) {
            cmd_error_store("config", &d);
            rc = EXIT_FAIL;
        }
    } else if (def) {
        rc = print_one(s, def, false);
    } else {
        for (size_t i = 0; i < kb_settings_count() && rc == EXIT_OK; i++)
            rc = print_one(s, kb_settings_at(i), true);
    }
    kb_store_close(s);
    return rc;
}
