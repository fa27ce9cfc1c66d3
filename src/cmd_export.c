/*
 * cmd_export.c — `khabar export jsonl|ninjs [--out FILE]`: everything out.
 *
 * The records go to standard output, or to FILE: compressed with gzip when FILE ends in
 * ".gz", with xz when it ends in ".xz" (what `import jsonl` reads directly).  A file is
 * written under a temporary name beside it and renamed into place only when the export is
 * complete, so a failed export never leaves a half-written FILE.  On a terminal a progress
 * bar counts the articles.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <lzma.h>
#include <zlib.h>
#include "cmd.h"
#include "khabar/export.h"
#include "khabar/store.h"

enum compress { C_NONE, C_GZIP, C_XZ };

struct sink {
    FILE *f;
    const char *name;
    enum compress c;
    z_stream z;
    lzma_stream xz;
    unsigned char buf[64 << 10];
    bool tty;
    int shown;
};

static int sink_io(struct sink *k, struct kb_diag *d)
{
    return kb_diag_set(d, KB_EIO, "", "%s: %s", k->name, strerror(errno ? errno : EIO));
}

/* Run the compressor over (p, n) with `flush` and write what it gives. */
static int sink_pump(struct sink *k, const char *p, size_t n, bool finish, struct kb_diag *d)
{
    if (k->c == C_GZIP) {
        k->z.next_in = (unsigned char *)p;
        k->z.avail_in = (uInt)n;
        int zr;
        do {
            k->z.next_out = k->buf;
            k->z.avail_out = sizeof(k->buf);
            zr = deflate(&k->z, finish ? Z_FINISH : Z_NO_FLUSH);
            if (zr == Z_STREAM_ERROR)
                return kb_diag_set(d, KB_EINTERNAL, "", "gzip: stream error");
            size_t got = sizeof(k->buf) - k->z.avail_out;
            if (got && fwrite(k->buf, 1, got, k->f) != got)
                return sink_io(k, d);
        } while (k->z.avail_out == 0 || (finish && zr != Z_STREAM_END));
        return 0;
    }
    k->xz.next_in = (const uint8_t *)p;
    k->xz.avail_in = n;
    lzma_ret lr;
    do {
        k->xz.next_out = k->buf;
        k->xz.avail_out = sizeof(k->buf);
        lr = lzma_code(&k->xz, finish ? LZMA_FINISH : LZMA_RUN);
        if (lr != LZMA_OK && lr != LZMA_STREAM_END)
            return kb_diag_set(d, KB_EINTERNAL, "", "xz: encoder error %d", (int)lr);
        size_t got = sizeof(k->buf) - k->xz.avail_out;
        if (got && fwrite(k->buf, 1, got, k->f) != got)
            return sink_io(k, d);
    } while (k->xz.avail_out == 0 || (finish && lr != LZMA_STREAM_END));
    return 0;
}

static int sink_write(void *ctx, const char *p, size_t n, struct kb_diag *d)
{
    struct sink *k = ctx;
    if (k->c != C_NONE)
        return sink_pump(k, p, n, false, d);
    if (fwrite(p, 1, n, k->f) != n)
        return sink_io(k, d);
    return 0;
}

static void progress(void *ctx, size_t done, size_t total)
{
    struct sink *k = ctx;
    if (!k->tty || total == 0)
        return;
    int permille = (int)(done * 1000 / total);
    if (permille == k->shown)
        return;
    k->shown = permille;
    int width = 30, filled = permille * width / 1000;
    fprintf(stderr, "\r[%.*s%*s] %zu/%zu articles", filled,
            "==============================", width - filled, "", done, total);
}

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), m = strlen(tail);
    return n >= m && strcmp(s + n - m, tail) == 0;
}

static void usage(FILE *f)
{
    fputs("usage: khabar [--db PATH] export jsonl [--out FILE] [--revisions] [-q]\n"
          "       khabar [--db PATH] export ninjs [--out FILE] [-q]\n\n"
          "Write everything out, one JSON record a line, to standard output or FILE (gzip\n"
          "when FILE ends in .gz, xz when it ends in .xz; FILE appears only once complete).\n"
          "  jsonl   every setting, section and article (all statuses, the trash flagged) as\n"
          "          `import jsonl` reads them back losslessly (docs/jsonl.md)\n"
          "  ninjs   every article as an IPTC ninjs 2.2 item (docs/ninjs.md)\n\n"
          "options:\n"
          "  --out FILE   write to FILE instead of standard output\n"
          "  --revisions  (jsonl) each article's revisions after it\n"
          "  -q, --quiet  no summary on stderr\n",
          f);
}

int cmd_export(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    const char *format = argv[1];
    bool ninjs = strcmp(format, "ninjs") == 0;
    if (!ninjs && strcmp(format, "jsonl") != 0) {
        cmd_error("export", format, "unknown format (this build exports: jsonl, ninjs)");
        return EXIT_USAGE;
    }
    if (cmd_wants_help(argc - 1, argv + 1)) {
        usage(stdout);
        return EXIT_OK;
    }
    struct kb_export_opts opts = {0};
    const char *out = NULL;
    bool quiet = false;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--out") == 0 || strcmp(a, "-o") == 0) {
            if (++i >= argc || !argv[i][0]) {
                cmd_error("export", a, "needs a FILE");
                return EXIT_USAGE;
            }
            out = argv[i];
        } else if (strncmp(a, "--out=", 6) == 0 && a[6]) {
            out = a + 6;
        } else if (strcmp(a, "--revisions") == 0 && !ninjs) {
            opts.revisions = true;
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            quiet = true;
        } else {
            cmd_error("export", a, "unknown option (see khabar export --help)");
            return EXIT_USAGE;
        }
    }
    if (out && strcmp(out, "-") == 0)
        out = NULL;

    struct kb_store *s;
    struct kb_diag d;
    kb_diag_clear(&d);
    if (kb_store_open(cmd_db_path, KB_STORE_EXISTING, &s, &d) != 0) {
        cmd_error_store("export", &d);
        return EXIT_FAIL;
    }
    struct sink *k = kb_calloc(1, sizeof(*k));
    k->shown = -1;
    char *tmp = NULL;
    if (out) {
        size_t n = strlen(out) + 32;
        tmp = kb_malloc(n);
        snprintf(tmp, n, "%s.tmp-%ld", out, (long)getpid());
        k->f = fopen(tmp, "wb");
        int err = errno; /* before isatty, which sets errno on a pipe */
        k->name = out;
        k->tty = isatty(STDERR_FILENO);
        if (!k->f) {
            cmd_error("export", out, "%s", strerror(err));
            free(tmp);
            free(k);
            kb_store_close(s);
            return EXIT_FAIL;
        }
        if (ends_with(out, ".gz")) {
            k->c = C_GZIP;
            if (deflateInit2(&k->z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
                kb_oom();
        } else if (ends_with(out, ".xz")) {
            k->c = C_XZ;
            if (lzma_easy_encoder(&k->xz, 3, LZMA_CHECK_CRC64) != LZMA_OK) /* docs/jsonl.md */
                kb_oom();
        }
    } else {
        k->f = stdout;
        k->name = "stdout";
    }
    opts.progress = progress;
    opts.progress_ctx = k;
    struct kb_export_report rep;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = ninjs ? kb_engine_export_ninjs(s, sink_write, k, &opts, &rep, &d)
                   : kb_engine_export_jsonl(s, sink_write, k, &opts, &rep, &d);
    if (rc == 0 && k->c != C_NONE)
        rc = sink_pump(k, "", 0, true, &d);
    if (k->c == C_GZIP)
        deflateEnd(&k->z);
    else if (k->c == C_XZ)
        lzma_end(&k->xz);
    if (rc == 0 && fflush(k->f) != 0)
        rc = sink_io(k, &d);
    if (k->tty && k->shown >= 0)
        fputc('\n', stderr);
    kb_store_close(s);
    if (out) {
        if (fclose(k->f) != 0 && rc == 0)
            rc = sink_io(k, &d);
        if (rc == 0 && rename(tmp, out) != 0)
            rc = sink_io(k, &d);
        if (rc)
            unlink(tmp);
    }
    free(tmp);
    free(k);
    if (rc) {
        cmd_error_diag("export", out ? out : format, &d);
        if (out)
            fprintf(stderr, "khabar: export: %s was not written\n", out);
        return EXIT_FAIL;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (!quiet) {
        if (ninjs)
            fprintf(stderr, "%zu ninjs items (%zu articles could not be written), %.2f s\n",
                    rep.articles, rep.skipped, secs);
        else
            fprintf(stderr,
                    "%zu articles (%zu in the trash), %zu sections, %zu settings, %zu revisions, "
                    "%.2f s\n",
                    rep.articles, rep.trashed, rep.sections, rep.settings, rep.revisions, secs);
    }
    return EXIT_OK;
}
