/*
 * files.c — reading files under /static and /media safely.
 *
 * Invariants: a request can only name a regular file below the root it was given: every
 * path segment is checked (no "..", no hidden names, no separators smuggled in through
 * percent-encoding), symbolic links are not followed at the last component, and sizes are
 * capped.  The server caches what this returns; nothing here holds state.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include "khabar/buf.h"
#include "server.h"

static const struct {
    const char *ext;
    const char *type;
} types[] = {
    {".css", "text/css; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".json", "application/json; charset=utf-8"},
    {".map", "application/json; charset=utf-8"},
    {".html", "text/html; charset=utf-8"},
    {".txt", "text/plain; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".jpeg", "image/jpeg"},
    {".gif", "image/gif"},
    {".webp", "image/webp"},
    {".avif", "image/avif"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
    {".woff", "font/woff"},
    {".pdf", "application/pdf"},
};

const char *srv_file_type(const char *name)
{
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot && i < sizeof(types) / sizeof(types[0]); i++)
        if (strcasecmp(dot, types[i].ext) == 0)
            return types[i].type;
    return "application/octet-stream";
}

static bool segment_ok(const char *s)
{
    return s[0] != '\0' && s[0] != '.' && !strchr(s, '/') && !strchr(s, '\\');
}

int srv_file_read(const char *root, char *const *segs, size_t nsegs, char **body, size_t *len,
                  int64_t *mtime, const char **type)
{
    if (!root || nsegs == 0)
        return -1;
    struct kb_buf path;
    kb_buf_init(&path, 8192);
    kb_buf_adds(&path, root);
    for (size_t i = 0; i < nsegs; i++) {
        if (!segment_ok(segs[i])) {
            kb_buf_release(&path);
            return -1;
        }
        kb_buf_addch(&path, '/');
        kb_buf_adds(&path, segs[i]);
    }
    int fd = kb_buf_err(&path) ? -1 : open(kb_buf_cstr(&path), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    kb_buf_release(&path);
    if (fd < 0)
        return -1;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size > SRV_FILE_MAX) {
        close(fd);
        return -1;
    }
    size_t n = (size_t)st.st_size, got = 0;
    char *p = kb_malloc(n ? n : 1);
    while (got < n) {
        ssize_t r = read(fd, p + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    if (got != n) {
        free(p);
        return -1;
    }
    *body = p;
    *len = n;
    *mtime = (int64_t)st.st_mtime;
    *type = srv_file_type(segs[nsegs - 1]);
    return 0;
}
