/*
 * cmd_serve.c — `khabar serve`: parse the options and hand over to src/server/.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd.h"
#include "server/server.h"

static void usage(FILE *f)
{
    fputs("usage: khabar [--db PATH] serve [--listen ADDR:PORT] [--static DIR] [--media DIR]\n"
          "                              [--threads N] [--access-log]\n\n"
          "Serve the public site and the JSON API until interrupted (SIGINT or SIGTERM).\n\n"
          "  --listen ADDR:PORT  where to listen (default 127.0.0.1:8080; port 0 picks a free\n"
          "                      port, printed on the ready line; IPv6 as [::1]:8080)\n"
          "  --static DIR        the site's CSS and scripts (default <binary dir>/../web/static)\n"
          "  --media DIR         photos served under /media/ (default <database dir>/media)\n"
          "  --threads N         worker threads (default: one per core)\n"
          "  --access-log        one line per request on stderr (slows a busy server)\n"
          "  --conn-memory BYTES memory per connection (default 16384; see docs/server.md)\n"
          "  --cache-mb N        rendered-page cache budget in MiB (default 64)\n\n"
          "When ready it prints `khabar: serving http://ADDR:PORT/ (db PATH)` on stderr.\n",
          f);
}

/* The value of option argv[*i] ("--x V" or "--x=V"), advancing *i; NULL when missing. */
static const char *value(int argc, char **argv, int *i, const char *name)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) == 0 && argv[*i][n] == '=')
        return argv[*i] + n + 1;
    if (*i + 1 >= argc)
        return NULL;
    return argv[++*i];
}

static bool is_opt(const char *arg, const char *name)
{
    size_t n = strlen(name);
    return strncmp(arg, name, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

static bool parse_count(const char *s, unsigned long lo, unsigned long hi, unsigned long *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-' || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

int cmd_serve(int argc, char **argv)
{
    if (cmd_wants_help(argc, argv)) {
        usage(stdout);
        return EXIT_OK;
    }
    struct srv_config cfg = {.listen = "127.0.0.1:8080", .db_path = cmd_db_path};
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *v;
        unsigned long n;
        if (strcmp(arg, "--access-log") == 0) {
            cfg.access_log = true;
            continue;
        }
        const char *opts[] = {"--listen",  "--static",      "--media",
                              "--threads", "--conn-memory", "--cache-mb"};
        size_t k = 0;
        while (k < sizeof(opts) / sizeof(opts[0]) && !is_opt(arg, opts[k]))
            k++;
        if (k == sizeof(opts) / sizeof(opts[0])) {
            cmd_error("serve", arg, arg[0] == '-' ? "unknown option" : "unexpected argument");
            usage(stderr);
            return EXIT_USAGE;
        }
        if (!(v = value(argc, argv, &i, opts[k])) || !*v) {
            cmd_error("serve", opts[k], "needs a value");
            return EXIT_USAGE;
        }
        switch (k) {
        case 0:
            cfg.listen = v;
            break;
        case 1:
            cfg.static_dir = v;
            break;
        case 2:
            cfg.media_dir = v;
            break;
        case 3:
            if (!parse_count(v, 1, 256, &n)) {
                cmd_error("serve", "--threads", "%s: expected a number from 1 to 256", v);
                return EXIT_USAGE;
            }
            cfg.threads = (unsigned)n;
            break;
        case 5:
            if (!parse_count(v, 1, 65536, &n)) {
                cmd_error("serve", "--cache-mb", "%s: expected megabytes from 1 to 65536", v);
                return EXIT_USAGE;
            }
            cfg.cache_bytes = (size_t)n << 20;
            break;
        default:
            if (!parse_count(v, 4096, 1 << 20, &n)) {
                cmd_error("serve", "--conn-memory", "%s: expected bytes from 4096 to 1048576", v);
                return EXIT_USAGE;
            }
            cfg.conn_memory = n;
            break;
        }
    }
    return srv_run(&cfg);
}
