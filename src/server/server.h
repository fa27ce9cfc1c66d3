/*
 * server.h — the HTTP server behind `khabar serve`, as the command sees it.
 *
 * srv_run() opens the store (creating and migrating it), binds the listening socket,
 * starts libmicrohttpd (epoll, a thread pool as large as the cores), prints the ready line
 * and serves until SIGINT or SIGTERM, then stops cleanly.  Routes, caching and headers are
 * described in docs/server.md.
 */
#ifndef KHABAR_SRV_SERVER_H
#define KHABAR_SRV_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct srv_config {
    const char *listen;     /* "ADDR:PORT" or "[V6ADDR]:PORT"; port 0 picks a free one */
    const char *db_path;    /* the store location */
    const char *static_dir; /* NULL: <exe dir>/../web/static */
    const char *media_dir;  /* NULL: <db dir>/media */
    unsigned threads;       /* worker threads; 0: one per core */
    bool access_log;        /* one line per request on stderr */
    size_t conn_memory;     /* per-connection memory; 0: 16 KiB */
    size_t cache_bytes;     /* page cache budget; 0: 64 MiB */
};

/* Serve until SIGINT/SIGTERM.  Returns the process exit status (0, or 1 with the error
 * printed as `khabar: serve: <what>: <why>`). */
int srv_run(const struct srv_config *cfg);

/* ---- files (files.c) --------------------------------------------------------------- */

/* Largest file served from /static or /media. */
#define SRV_FILE_MAX ((size_t)32 << 20)

/* Read root/<segs joined by '/'> for serving.  Segments are already percent-decoded;
 * empty ones, ".", "..", names starting with '.', and names holding '/' or NUL are
 * refused, as are anything but regular files.  On success *body (malloc'd), *len,
 * *mtime and *type (a static Content-Type) are set and 0 is returned; -1 means "answer
 * 404". */
int srv_file_read(const char *root, char *const *segs, size_t nsegs, char **body, size_t *len,
                  int64_t *mtime, const char **type);

/* The Content-Type for a file name, by extension (with charset for text). */
const char *srv_file_type(const char *name);

#endif
