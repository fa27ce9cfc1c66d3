/*
 * workflow.c — the status table and the role rules (workflow.h).
 *
 * Invariant: every decision about a status change goes through kb_workflow_allowed, which
 * reads only `table` and `rule_allows`; nothing else in khabar encodes a transition.
 */
#include "khabar/workflow.h"

static const struct kb_wf_transition table[] = {
    {KB_STATUS_DRAFT, KB_STATUS_REVIEW, KB_WF_SUBMIT},
    {KB_STATUS_REVIEW, KB_STATUS_DRAFT, KB_WF_SUBMIT},
    {KB_STATUS_DRAFT, KB_STATUS_SCHEDULED, KB_WF_PUBLISH},
    {KB_STATUS_REVIEW, KB_STATUS_SCHEDULED, KB_WF_PUBLISH},
    {KB_STATUS_DRAFT, KB_STATUS_PUBLISHED, KB_WF_PUBLISH},
    {KB_STATUS_REVIEW, KB_STATUS_PUBLISHED, KB_WF_PUBLISH},
    {KB_STATUS_SCHEDULED, KB_STATUS_PUBLISHED, KB_WF_PUBLISH},
    {KB_STATUS_SCHEDULED, KB_STATUS_DRAFT, KB_WF_PUBLISH},
    {KB_STATUS_PUBLISHED, KB_STATUS_UNPUBLISHED, KB_WF_PUBLISH},
    {KB_STATUS_UNPUBLISHED, KB_STATUS_PUBLISHED, KB_WF_PUBLISH},
    {KB_STATUS_UNPUBLISHED, KB_STATUS_SCHEDULED, KB_WF_PUBLISH},
    {KB_STATUS_UNPUBLISHED, KB_STATUS_DRAFT, KB_WF_PUBLISH},
};
#define NTABLE (sizeof(table) / sizeof(table[0]))

const struct kb_wf_transition *kb_workflow_table(size_t *n)
{
    *n = NTABLE;
    return table;
}

static bool is_staff(enum kb_role r)
{
    return r == KB_ROLE_EDITOR || r == KB_ROLE_ADMIN;
}

static bool rule_allows(enum kb_wf_rule rule, const struct kb_wf_actor *a)
{
    if (is_staff(a->role))
        return true;
    if (!a->own)
        return false;
    switch (rule) {
    case KB_WF_SUBMIT:
        return a->role == KB_ROLE_CONTRIBUTOR || a->role == KB_ROLE_AUTHOR;
    case KB_WF_PUBLISH:
        return a->role == KB_ROLE_AUTHOR && a->authors_publish;
    }
    return false;
}

static const struct kb_wf_transition *find(enum kb_status from, enum kb_status to)
{
    for (size_t i = 0; i < NTABLE; i++)
        if (table[i].from == from && table[i].to == to)
            return &table[i];
    return NULL;
}

bool kb_workflow_exists(enum kb_status from, enum kb_status to)
{
    return find(from, to) != NULL;
}

bool kb_workflow_allowed(const struct kb_wf_actor *a, enum kb_status from, enum kb_status to)
{
    const struct kb_wf_transition *t = find(from, to);
    return t && rule_allows(t->rule, a);
}

bool kb_workflow_can_create(const struct kb_wf_actor *a, enum kb_status to)
{
    struct kb_wf_actor own = *a;
    own.own = true; /* the creator is the author */
    return to == KB_STATUS_DRAFT || kb_workflow_allowed(&own, KB_STATUS_DRAFT, to);
}

bool kb_workflow_can_edit(const struct kb_wf_actor *a, enum kb_status s)
{
    if (is_staff(a->role))
        return true;
    if (!a->own)
        return false;
    if (s == KB_STATUS_DRAFT || s == KB_STATUS_REVIEW)
        return true;
    return rule_allows(KB_WF_PUBLISH, a);
}

bool kb_workflow_can_view(const struct kb_wf_actor *a, enum kb_status s)
{
    return is_staff(a->role) || a->own || s == KB_STATUS_PUBLISHED;
}

bool kb_workflow_can_trash(const struct kb_wf_actor *a, enum kb_status s)
{
    if (s == KB_STATUS_PUBLISHED)
        return kb_workflow_allowed(a, KB_STATUS_PUBLISHED, KB_STATUS_UNPUBLISHED);
    return kb_workflow_can_edit(a, s);
}
