/*
 * fuzz_imagehead.c — libFuzzer target for the upload header reader (lib/media/imagehead.c).
 *
 * Any bytes go in.  Invariants checked (a violation aborts):
 * - a success names the type the magic bytes name, with width and height >= 1;
 * - a refusal is KB_EINVAL with field "type" exactly when the magic bytes name no type,
 *   "header" otherwise, and a message;
 * - the answer depends only on the bytes: the same input read again gives the same result;
 * - nothing is read past the input (ASan: the input is copied to an allocation of its size).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "khabar/media.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned char *p = malloc(size ? size : 1);
    memcpy(p, data, size);
    struct kb_imagehead h, h2;
    struct kb_diag d, d2;
    kb_diag_clear(&d);
    kb_diag_clear(&d2);
    int rc = kb_imagehead_read(p, size, &h, &d);
    int rc2 = kb_imagehead_read(p, size, &h2, &d2);
    enum kb_image_type t = kb_image_sniff(p, size);
    if (rc != rc2)
        abort();
    if (rc == 0) {
        if (h.type != t || h.width < 1 || h.height < 1 || h.type != h2.type ||
            h.width != h2.width || h.height != h2.height)
            abort();
    } else {
        if (rc != KB_EINVAL || !d.msg[0] || strcmp(d.field, d2.field) != 0)
            abort();
        if (strcmp(d.field, t == KB_IMAGE_UNKNOWN ? "type" : "header") != 0)
            abort();
    }
    free(p);
    return 0;
}
