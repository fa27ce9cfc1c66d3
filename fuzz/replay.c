/*
 * replay.c — runs a fuzz target over saved inputs, so make check replays every corpus.
 *
 * Usage: replay_<target> DIR|FILE...  Missing directories are skipped (a target may have no
 * regressions yet).  A crash or sanitizer report fails the test; otherwise prints the count.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "khabar/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
    char *data;
    size_t len;
    struct kb_diag d;
    if (kb_file_read(path, (size_t)64 << 20, &data, &len, &d) != 0) {
        fprintf(stderr, "replay: %s: %s\n", path, d.msg);
        return -1;
    }
    LLVMFuzzerTestOneInput((const uint8_t *)data, len);
    free(data);
    return 1;
}

int main(int argc, char **argv)
{
    long count = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0)
            continue;
        if (!S_ISDIR(st.st_mode)) {
            if (run_file(argv[i]) < 0)
                return 1;
            count++;
            continue;
        }
        DIR *dir = opendir(argv[i]);
        if (!dir)
            continue;
        struct dirent *e;
        while ((e = readdir(dir)) != NULL) {
            if (e->d_name[0] == '.')
                continue;
            char path[4096];
            snprintf(path, sizeof(path), "%s/%s", argv[i], e->d_name);
            if (run_file(path) < 0) {
                closedir(dir);
                return 1;
            }
            count++;
        }
        closedir(dir);
    }
    printf("replayed %ld inputs\n", count);
    return count > 0 ? 0 : 1;
}
