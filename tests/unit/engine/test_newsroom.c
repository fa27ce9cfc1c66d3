/*
 * test_newsroom.c — revisions of saves through kb_newsroom_update: autosaves of one user
 * within KB_AUTOSAVE_WINDOW update that user's open revision; explicit saves
 * ("explicit_save": true), status changes, another user's save and the end of the window
 * each start a new one; a bad explicit_save is refused and changes nothing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "khabar/newsroom.h"
#include "khabar/revision.h"

#define T0 1732000000LL

struct fixture {
    char dir[64], db[96];
    struct kb_store *s;
    struct kb_actor ed1, ed2;
    int64_t id;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    snprintf(f->dir, sizeof(f->dir), "/tmp/kb-newsroom-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->db, sizeof(f->db), "%s/test.db", f->dir);
    struct kb_diag d;
    kb_diag_clear(&d);
    if (kb_store_open(f->db, KB_STORE_CREATE, &f->s, &d) != 0)
        return -1;
    if (kb_newsroom_user_add(f->s, "ed1", KB_ROLE_EDITOR, "a long password 1", T0, &f->ed1.user_id,
                             &d) != 0 ||
        kb_newsroom_user_add(f->s, "ed2", KB_ROLE_EDITOR, "a long password 2", T0, &f->ed2.user_id,
                             &d) != 0)
        return -1;
    f->ed1.role = f->ed2.role = KB_ROLE_EDITOR;
    struct kb_section sec = {0};
    kb_set_str(&sec.slug, "politics");
    kb_set_str(&sec.name, "سياسة");
    sec.position = 1;
    int src = kb_store_section_put(f->s, &sec, &d);
    kb_section_release(&sec);
    if (src)
        return -1;
    json_t *a = json_pack("{s:s, s:s, s:s, s:s}", "headline", "خبر أول للمراجعات", "section",
                          "politics", "body_html", "<p>الفقرة الأولى.</p>", "status", "draft");
    int rc = kb_newsroom_create(f->s, &f->ed1, a, T0, &f->id, &d);
    json_decref(a);
    if (rc) {
        fprintf(stderr, "create: %s (%s)\n", d.msg, d.field);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    kb_store_close(f->s);
    const char *sfx[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < 3; i++) {
        char p[128];
        snprintf(p, sizeof(p), "%s%s", f->db, sfx[i]);
        unlink(p);
    }
    rmdir(f->dir);
    free(f);
    return 0;
}

static int64_t version_of(struct fixture *f)
{
    struct kb_article_meta m;
    struct kb_diag d;
    kb_diag_clear(&d);
    if (kb_store_article_meta(f->s, f->id, &m, &d) != 0)
        fail_msg("meta: %s", d.msg);
    return m.version;
}

/* PATCH `json` (a JSON object text) as `who` at time `t`; returns the result. */
static int patch(struct fixture *f, const struct kb_actor *who, const char *json, int64_t t,
                 struct kb_diag *d)
{
    json_t *o = json_loads(json, 0, NULL);
    if (!o)
        fail_msg("bad test JSON %s", json);
    kb_diag_clear(d);
    int rc = kb_newsroom_update(f->s, who, f->id, o, version_of(f), t, NULL, d);
    json_decref(o);
    return rc;
}

static void patch_ok(struct fixture *f, const struct kb_actor *who, const char *json, int64_t t)
{
    struct kb_diag d;
    if (patch(f, who, json, t, &d) != 0)
        fail_msg("patch %s: %s (%s)", json, d.msg, d.field);
}

/* The revisions, newest first. */
static size_t revs(struct fixture *f, struct kb_revision **v)
{
    size_t n = 0;
    struct kb_diag d;
    kb_diag_clear(&d);
    if (kb_store_revision_list(f->s, f->id, v, &n, &d) != 0)
        fail_msg("list: %s", d.msg);
    return n;
}

static void test_autosaves_coalesce(void **state)
{
    struct fixture *f = *state;
    struct kb_revision *v;
    patch_ok(f, &f->ed1, "{\"headline\": \"عنوان معدل\"}", T0 + 10);
    assert_int_equal(revs(f, &v), 2);
    kb_revisions_free(v, 2);
    patch_ok(f, &f->ed1, "{\"body_html\": \"<p>فقرة جديدة.</p>\"}", T0 + 20);
    patch_ok(f, &f->ed1, "{\"lede\": \"موجز\", \"explicit_save\": false}", T0 + 30);
    assert_int_equal(revs(f, &v), 2); /* the two autosaves joined revision 2 */
    assert_int_equal(v[0].number, 2);
    assert_int_equal(v[0].version, version_of(f));
    assert_int_equal(v[0].created, T0 + 30);
    assert_int_equal(v[0].changed, KB_FIELD_HEADLINE | KB_FIELD_BODY | KB_FIELD_LEDE);
    kb_revisions_free(v, 2);
    /* its article is the latest content; the revision by version is found */
    struct kb_revision r = {0};
    struct kb_diag d;
    kb_diag_clear(&d);
    assert_int_equal(kb_store_revision_get(f->s, f->id, 0, version_of(f), &r, &d), 0);
    assert_int_equal(r.number, 2);
    assert_non_null(strstr(r.json, "فقرة جديدة"));
    assert_non_null(strstr(r.json, "موجز"));
    assert_null(strstr(r.json, "explicit_save"));
    kb_revision_release(&r);
    /* revision 1 (the creation) is untouched */
    assert_int_equal(kb_store_revision_get(f->s, f->id, 1, 0, &r, &d), 0);
    assert_non_null(strstr(r.json, "الفقرة الأولى"));
    kb_revision_release(&r);
}

static void test_explicit_saves_and_window(void **state)
{
    struct fixture *f = *state;
    struct kb_revision *v;
    patch_ok(f, &f->ed1, "{\"headline\": \"عنوان ١\"}", T0 + 10); /* 2, open */
    patch_ok(f, &f->ed1, "{\"headline\": \"عنوان ٢\", \"explicit_save\": true}", T0 + 20);
    assert_int_equal(revs(f, &v), 3); /* an explicit save always makes one */
    kb_revisions_free(v, 3);
    patch_ok(f, &f->ed1, "{\"headline\": \"عنوان ٣\"}", T0 + 30);
    assert_int_equal(revs(f, &v), 4); /* ... and closes it: the next autosave starts 4 */
    kb_revisions_free(v, 4);
    patch_ok(f, &f->ed1, "{\"headline\": \"عنوان ٤\"}", T0 + 30 + KB_AUTOSAVE_WINDOW);
    assert_int_equal(revs(f, &v), 4); /* the window's last second still joins */
    kb_revisions_free(v, 4);
    patch_ok(f, &f->ed1, "{\"headline\": \"عنوان ٥\"}", T0 + 31 + KB_AUTOSAVE_WINDOW);
    assert_int_equal(revs(f, &v), 5); /* counted from revision 4's first save */
    assert_int_equal(v[0].created, T0 + 31 + KB_AUTOSAVE_WINDOW);
    assert_int_equal(v[1].created, T0 + 30 + KB_AUTOSAVE_WINDOW);
    kb_revisions_free(v, 5);
}

static void test_other_user_and_status(void **state)
{
    struct fixture *f = *state;
    struct kb_revision *v;
    patch_ok(f, &f->ed1, "{\"headline\": \"عنوان ١\"}", T0 + 10); /* 2 */
    patch_ok(f, &f->ed2, "{\"headline\": \"عنوان ٢\"}", T0 + 20); /* 3: another user */
    patch_ok(f, &f->ed1, "{\"headline\": \"عنوان ٣\"}", T0 + 30); /* 4: 2 is not the newest */
    assert_int_equal(revs(f, &v), 4);
    assert_int_equal(v[1].user_id, f->ed2.user_id);
    kb_revisions_free(v, 4);
    /* a status change makes its own revision even as an autosave, and closes it */
    patch_ok(f, &f->ed1, "{\"status\": \"published\", \"published\": \"2024-11-19T10:00:00Z\"}",
             T0 + 40);
    assert_int_equal(revs(f, &v), 5);
    assert_true(v[0].changed & KB_FIELD_STATUS);
    kb_revisions_free(v, 5);
    patch_ok(f, &f->ed1, "{\"lede\": \"موجز\"}", T0 + 50);
    assert_int_equal(revs(f, &v), 6);
    assert_int_equal(v[0].changed, KB_FIELD_LEDE);
    kb_revisions_free(v, 6);
}

static void test_bad_flag_changes_nothing(void **state)
{
    struct fixture *f = *state;
    struct kb_revision *v;
    int64_t before = version_of(f);
    struct kb_diag d;
    assert_int_equal(
        patch(f, &f->ed1, "{\"headline\": \"لن يحفظ\", \"explicit_save\": \"yes\"}", T0 + 10, &d),
        KB_EINVAL);
    assert_string_equal(d.field, "explicit_save");
    assert_int_equal(version_of(f), before);
    assert_int_equal(revs(f, &v), 1);
    kb_revisions_free(v, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_autosaves_coalesce, setup, teardown),
        cmocka_unit_test_setup_teardown(test_explicit_saves_and_window, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_user_and_status, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_flag_changes_nothing, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
