/*
 * admin_users.c — /api/v1/users: the admins' users page over HTTP.
 * Not written yet: every request is answered 501 after authentication and CSRF.
 */
#include "admin_int.h"

enum MHD_Result adm_users(struct answer *a, char **seg, size_t n)
{
    (void)seg;
    (void)n;
    return adm_send_error(a, 501, "not_implemented", NULL,
                          "إدارة المستخدمين عبر الواجهة لم تُفعَّل بعد");
}
