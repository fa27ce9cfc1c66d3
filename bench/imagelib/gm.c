/*
 * gm.c — the GraphicsMagick side of the image library measurement (docs/media.md): the
 * same work as vips.c (decode from memory, page variant PAGE_W wide or the 1200x630 cover
 * crop, JPEG q82, RUNS times, median ms).  The JPEG decoder gets the target size as a hint
 * (ImageInfo.size), GraphicsMagick's documented shrink-on-load, so both sides may decode
 * JPEGs at reduced scale.  Usage: gm FILE page|social RUNS
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <magick/api.h>

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
    if (argc != 4)
        return 2;
    InitializeMagick(argv[0]);
    FILE *f = fopen(argv[1], "rb");
    if (!f)
        return 1;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *data = malloc((size_t)len);
    if (fread(data, 1, (size_t)len, f) != (size_t)len)
        return 1;
    fclose(f);
    int social = !strcmp(argv[2], "social"), runs = atoi(argv[3]);
    double *t = calloc((size_t)runs, sizeof(*t));
    for (int i = 0; i < runs; i++) {
        double t0 = now_ms();
        ExceptionInfo ex;
        GetExceptionInfo(&ex);
        ImageInfo *ii = CloneImageInfo(NULL);
        (void)CloneString(&ii->size, social ? "1200x630" : "1280x1280");
        Image *im = BlobToImage(ii, data, (size_t)len, &ex);
        if (!im) {
            CatchException(&ex);
            return 1;
        }
        Image *out;
        if (social) {
            double sx = 1200.0 / im->columns, sy = 630.0 / im->rows, s = sx > sy ? sx : sy;
            unsigned long w = (unsigned long)(im->columns * s + 0.5),
                          h = (unsigned long)(im->rows * s + 0.5);
            Image *r =
                ResizeImage(im, w < 1200 ? 1200 : w, h < 630 ? 630 : h, LanczosFilter, 1.0, &ex);
            RectangleInfo g = {1200, 630, (long)(r->columns - 1200) / 2, (long)(r->rows - 630) / 2};
            out = CropImage(r, &g, &ex);
            DestroyImage(r);
        } else {
            unsigned long w = im->columns > PAGE_W ? PAGE_W : im->columns;
            unsigned long h = (unsigned long)((double)im->rows * w / im->columns + 0.5);
            out = ResizeImage(im, w, h, LanczosFilter, 1.0, &ex);
        }
        DestroyImage(im);
        ImageInfo *wi = CloneImageInfo(NULL);
        wi->quality = 82;
        strcpy(out->magick, "JPEG");
        StripImage(out);
        size_t jn = 0;
        void *jpg = ImageToBlob(wi, out, &jn, &ex);
        t[i] = now_ms() - t0;
        if (i == 0)
            fprintf(stderr, "%lux%lu %zu bytes\n", out->columns, out->rows, jn);
        free(jpg);
        DestroyImage(out);
        DestroyImageInfo(wi);
        DestroyImageInfo(ii);
        DestroyExceptionInfo(&ex);
    }
    qsort(t, (size_t)runs, sizeof(*t), cmp);
    printf("%.1f\n", t[runs / 2]);
    DestroyMagick();
    return 0;
}
