/*
 * vips.c — one side of the image library measurement (docs/media.md): decode a photo from
 * memory and make the page variant (PAGE_W wide) or the 1200x630 social cover crop, encoded
 * as JPEG q82, RUNS times; prints the median milliseconds.  Peak RSS is measured by the
 * caller (GNU time).  Usage: vips FILE page|social RUNS
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <vips/vips.h>

#define PAGE_W 1280

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc != 4 || VIPS_INIT(argv[0]))
        return 2;
    vips_cache_set_max(0);
    gchar *data;
    gsize len;
    if (!g_file_get_contents(argv[1], &data, &len, NULL))
        return 1;
    int social = !strcmp(argv[2], "social"), runs = atoi(argv[3]);
    double *t = calloc((size_t)runs, sizeof(*t));
    for (int i = 0; i < runs; i++) {
        double t0 = now_ms();
        VipsImage *out = NULL;
        int rc = social
                     ? vips_thumbnail_buffer(data, len, &out, 1200, "height", 630, "crop",
                                             VIPS_INTERESTING_CENTRE, "size", VIPS_SIZE_BOTH, NULL)
                     : vips_thumbnail_buffer(data, len, &out, PAGE_W, "height", 100000, "size",
                                             VIPS_SIZE_DOWN, NULL);
        void *jpg = NULL;
        size_t jn = 0;
        if (rc || vips_jpegsave_buffer(out, &jpg, &jn, "Q", 82, "strip", TRUE, NULL)) {
            fprintf(stderr, "%s\n", vips_error_buffer());
            return 1;
        }
        t[i] = now_ms() - t0;
        if (i == 0)
            fprintf(stderr, "%dx%d %zu bytes\n", vips_image_get_width(out),
                    vips_image_get_height(out), jn);
        g_object_unref(out);
        g_free(jpg);
    }
    qsort(t, (size_t)runs, sizeof(*t), cmp);
    printf("%.1f\n", t[runs / 2]);
    return 0;
}
