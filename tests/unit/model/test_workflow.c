/*
 * test_workflow.c — the workflow table, every transition × every role × own/other ×
 * authors_publish, against an expectation written out independently here; plus create,
 * edit, view and trash rules.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "khabar/workflow.h"

/* What docs/newsroom.md promises, written as a plain function of its own. */
static bool expected(enum kb_role r, bool own, bool ap, enum kb_status f, enum kb_status t)
{
    enum kb_status D = KB_STATUS_DRAFT, R = KB_STATUS_REVIEW, S = KB_STATUS_SCHEDULED,
                   P = KB_STATUS_PUBLISHED, U = KB_STATUS_UNPUBLISHED;
    bool submit = (f == D && t == R) || (f == R && t == D);
    bool publish = ((f == D || f == R) && (t == S || t == P)) || (f == S && (t == P || t == D)) ||
                   (f == P && t == U) || (f == U && (t == P || t == S || t == D));
    if (!submit && !publish)
        return false;
    if (r == KB_ROLE_EDITOR || r == KB_ROLE_ADMIN)
        return true;
    if (!own)
        return false;
    if (submit)
        return true;
    return r == KB_ROLE_AUTHOR && ap;
}

static void test_every_transition(void **state)
{
    (void)state;
    int allowed = 0;
    for (int r = KB_ROLE_CONTRIBUTOR; r <= KB_ROLE_ADMIN; r++)
        for (int own = 0; own < 2; own++)
            for (int ap = 0; ap < 2; ap++)
                for (int f = KB_STATUS_DRAFT; f <= KB_STATUS_UNPUBLISHED; f++)
                    for (int t = KB_STATUS_DRAFT; t <= KB_STATUS_UNPUBLISHED; t++) {
                        struct kb_wf_actor a = {(enum kb_role)r, own, ap};
                        bool want = f != t && expected(a.role, own, ap, f, t);
                        bool got = kb_workflow_allowed(&a, f, t);
                        if (got != want)
                            fail_msg("%s own=%d ap=%d %s -> %s: got %d want %d",
                                     kb_role_name(a.role), own, ap, kb_status_name(f),
                                     kb_status_name(t), got, want);
                        allowed += got;
                    }
    assert_true(allowed > 0);
    /* published → draft goes through unpublished, for everyone */
    struct kb_wf_actor admin = {KB_ROLE_ADMIN, true, true};
    assert_false(kb_workflow_allowed(&admin, KB_STATUS_PUBLISHED, KB_STATUS_DRAFT));
    size_t n;
    assert_non_null(kb_workflow_table(&n));
    assert_int_equal(n, 12);
}

static void test_create_edit_view(void **state)
{
    (void)state;
    struct kb_wf_actor co = {KB_ROLE_CONTRIBUTOR, false, true};
    assert_true(kb_workflow_can_create(&co, KB_STATUS_DRAFT));
    assert_true(kb_workflow_can_create(&co, KB_STATUS_REVIEW));
    assert_false(kb_workflow_can_create(&co, KB_STATUS_PUBLISHED));
    struct kb_wf_actor au = {KB_ROLE_AUTHOR, false, false};
    assert_false(kb_workflow_can_create(&au, KB_STATUS_SCHEDULED));
    au.authors_publish = true;
    assert_true(kb_workflow_can_create(&au, KB_STATUS_SCHEDULED));

    /* contributors: own drafts and reviews only; nothing of others' but published */
    co.own = true;
    assert_true(kb_workflow_can_edit(&co, KB_STATUS_DRAFT));
    assert_false(kb_workflow_can_edit(&co, KB_STATUS_PUBLISHED));
    co.own = false;
    assert_false(kb_workflow_can_edit(&co, KB_STATUS_DRAFT));
    assert_false(kb_workflow_can_view(&co, KB_STATUS_DRAFT));
    assert_false(kb_workflow_can_view(&co, KB_STATUS_REVIEW));
    assert_true(kb_workflow_can_view(&co, KB_STATUS_PUBLISHED));
    struct kb_wf_actor ed = {KB_ROLE_EDITOR, false, false};
    assert_true(kb_workflow_can_view(&ed, KB_STATUS_DRAFT));
    assert_true(kb_workflow_can_edit(&ed, KB_STATUS_PUBLISHED));
    assert_true(kb_workflow_can_trash(&ed, KB_STATUS_PUBLISHED));
    au.own = true;
    au.authors_publish = false;
    assert_false(kb_workflow_can_trash(&au, KB_STATUS_PUBLISHED));
    assert_true(kb_workflow_can_trash(&au, KB_STATUS_DRAFT));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_transition),
        cmocka_unit_test(test_create_edit_view),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
