/*
 * admin_media.c — /api/v1/media: photo upload for the newsroom (issue 4 item 6).
 * Not written yet: every request is answered 501 after authentication and CSRF.
 */
#include "admin_int.h"

enum MHD_Result adm_media(struct answer *a, char **seg, size_t n)
{
    (void)seg;
    (void)n;
    return adm_send_error(a, 501, "not_implemented", NULL, "رفع الصور لم يُفعَّل بعد");
}
