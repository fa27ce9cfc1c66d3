/*
 * fts5-latency.c — the plain-FTS5 half of the speed part of `make bench-search`.
 *
 * Reads FTS5 MATCH expressions, one a line, from standard input and runs each, in turn, on
 * one connection against the table `u` (headline, lede, body_text; unicode61) of the
 * database named on the command line, doing what khabar's search does for a page of
 * results: count the matches, rank them by bm25 with the same column weights, and take the
 * marked headline and a body snippet of the first ten.  Prints the per-query latency (p50,
 * p90, p99, max, in milliseconds) and the queries per second of this one thread.
 *
 * Invariants: a bench tool, not part of khabar (built by bench/search.sh with cc); the
 * queries are run `passes` times (argv[2], default 1) and only the last pass is timed, so
 * the page cache is warm as it is for the server under wrk.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: fts5-latency DB [PASSES] < queries\n");
        return 2;
    }
    int passes = argc > 2 ? atoi(argv[2]) : 1;
    size_t n = 0, cap = 1024;
    char **q = malloc(cap * sizeof *q);
    char line[8192];
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\n")] = 0;
        if (!*line)
            continue;
        if (n == cap)
            q = realloc(q, (cap *= 2) * sizeof *q);
        q[n++] = strdup(line);
    }
    sqlite3 *db;
    if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        fprintf(stderr, "fts5-latency: %s: %s\n", argv[1], sqlite3_errmsg(db));
        return 1;
    }
    sqlite3_stmt *cnt, *top;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM u WHERE u MATCH ?1", -1, &cnt, NULL) ||
        sqlite3_prepare_v2(db,
                           "SELECT rowid, highlight(u, 0, char(1), char(2)),"
                           " snippet(u, 2, char(1), char(2), '…', 24)"
                           " FROM u WHERE u MATCH ?1 ORDER BY bm25(u, 4.0, 2.0, 1.0) LIMIT 10",
                           -1, &top, NULL)) {
        fprintf(stderr, "fts5-latency: %s\n", sqlite3_errmsg(db));
        return 1;
    }
    double *lat = malloc((n ? n : 1) * sizeof *lat);
    long hits = 0, errors = 0;
    double t_all = 0;
    for (int p = 0; p < passes; p++) {
        hits = errors = 0;
        double t0 = now_ms();
        for (size_t i = 0; i < n; i++) {
            double t = now_ms();
            sqlite3_bind_text(cnt, 1, q[i], -1, SQLITE_STATIC);
            if (sqlite3_step(cnt) == SQLITE_ROW)
                hits += sqlite3_column_int64(cnt, 0);
            else
                errors++;
            sqlite3_reset(cnt);
            sqlite3_bind_text(top, 1, q[i], -1, SQLITE_STATIC);
            while (sqlite3_step(top) == SQLITE_ROW)
                ;
            sqlite3_reset(top);
            lat[i] = now_ms() - t;
        }
        t_all = now_ms() - t0;
    }
    qsort(lat, n, sizeof *lat, cmp_double);
    if (n)
        printf("queries %zu errors %ld matches %ld p50 %.3f p90 %.3f p99 %.3f max %.3f qps %.0f\n",
               n, errors, hits, lat[n / 2], lat[n * 9 / 10], lat[n * 99 / 100], lat[n - 1],
               n / (t_all / 1e3));
    sqlite3_finalize(cnt);
    sqlite3_finalize(top);
    sqlite3_close(db);
    return 0;
}
