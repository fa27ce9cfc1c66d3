/*
 * names.c — the names of stored photos and their variants (media.h).
 *
 * A stored photo is "<sha256 hex>.<ext>" in the media directory, its variants
 * "<sha256 hex>-page.jpg" and "<sha256 hex>-social.jpg"; so a file name says what its bytes
 * are (or what they were made from), never changes meaning, and the render can find a
 * photo's variants from its src alone.
 */
#include <string.h>
#include "khabar/media.h"

static bool is_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return true;
}

void kb_media_file_name(struct kb_buf *out, const char *hash, enum kb_image_type t,
                        enum kb_media_variant v)
{
    kb_buf_add(out, hash, KB_MEDIA_HASH_HEX);
    switch (v) {
    case KB_MEDIA_PAGE:
        kb_buf_adds(out, "-page.jpg");
        break;
    case KB_MEDIA_SOCIAL:
        kb_buf_adds(out, "-social.jpg");
        break;
    default:
        kb_buf_addch(out, '.');
        kb_buf_adds(out, kb_image_type_ext(t));
    }
}

bool kb_media_variant_src(struct kb_buf *out, const char *src, enum kb_media_variant v)
{
    static const char prefix[] = "/media/";
    if (!src || strncmp(src, prefix, sizeof(prefix) - 1) != 0)
        return false;
    const char *name = src + sizeof(prefix) - 1;
    if (strnlen(name, KB_MEDIA_HASH_HEX + 1) < KB_MEDIA_HASH_HEX + 1 ||
        !is_hex(name, KB_MEDIA_HASH_HEX) || name[KB_MEDIA_HASH_HEX] != '.')
        return false;
    const char *ext = name + KB_MEDIA_HASH_HEX + 1;
    enum kb_image_type t = KB_IMAGE_UNKNOWN;
    for (int i = KB_IMAGE_JPEG; i <= KB_IMAGE_WEBP; i++)
        if (strcmp(ext, kb_image_type_ext((enum kb_image_type)i)) == 0)
            t = (enum kb_image_type)i;
    if (t == KB_IMAGE_UNKNOWN)
        return false;
    if (out) {
        kb_buf_adds(out, prefix);
        kb_media_file_name(out, name, t, v);
    }
    return true;
}

bool kb_media_name_immutable(const char *name)
{
    return name && strnlen(name, KB_MEDIA_HASH_HEX + 1) == KB_MEDIA_HASH_HEX + 1 &&
           is_hex(name, KB_MEDIA_HASH_HEX) &&
           (name[KB_MEDIA_HASH_HEX] == '.' || name[KB_MEDIA_HASH_HEX] == '-');
}
