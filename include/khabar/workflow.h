/*
 * workflow.h — who may move an article from one status to another, and who may see and
 * edit it: one explicit table (lib/model/workflow.c, docs/newsroom.md).
 *
 *   draft ⇄ review → scheduled → published → unpublished → draft
 *
 * Each allowed transition has a rule:
 *   SUBMIT   contributor and author on their own articles; editor and admin on any
 *   PUBLISH  author on own articles only when the site allows (newsroom.authors_publish = 1);
 *            editor and admin on any
 * A transition not in the table is refused for everyone (published → draft must go through
 * unpublished).  Staying in the same status is an edit, governed by kb_workflow_can_edit.
 *
 * Pure functions of their arguments; thread-safe.
 */
#ifndef KHABAR_WORKFLOW_H
#define KHABAR_WORKFLOW_H

#include <stdbool.h>
#include <stddef.h>
#include "khabar/article.h"
#include "khabar/user.h"

/* Who is acting, as the workflow sees it. */
struct kb_wf_actor {
    enum kb_role role;
    bool own;             /* the article is the actor's (author_id is the actor) */
    bool authors_publish; /* the site lets authors publish their own articles */
};

enum kb_wf_rule { KB_WF_SUBMIT, KB_WF_PUBLISH };

struct kb_wf_transition {
    enum kb_status from, to;
    enum kb_wf_rule rule;
};

/* The table, for documentation and tests. */
const struct kb_wf_transition *kb_workflow_table(size_t *n);

/* Is from → to in the table at all? */
bool kb_workflow_exists(enum kb_status from, enum kb_status to);

/* May the actor move an article from `from` to `to` (from != to)? */
bool kb_workflow_allowed(const struct kb_wf_actor *a, enum kb_status from, enum kb_status to);

/* May the actor create an article with status `to` (every article starts as a draft: the
 * same as draft → to, and draft itself is always allowed)? */
bool kb_workflow_can_create(const struct kb_wf_actor *a, enum kb_status to);

/* May the actor change the content of an article in status `s` (without changing its
 * status)?  Editors and admins: always.  Contributors and authors: their own drafts and
 * articles in review; authors also their own scheduled, published and unpublished ones
 * when they may publish. */
bool kb_workflow_can_edit(const struct kb_wf_actor *a, enum kb_status s);

/* May the actor see an article in status `s` in the newsroom (drafts and all)?  Editors and
 * admins: everything; contributors and authors: their own, and others' published ones. */
bool kb_workflow_can_view(const struct kb_wf_actor *a, enum kb_status s);

/* May the actor move the article to the trash or back?  Whoever may edit it in its status;
 * for a published article, whoever may unpublish it. */
bool kb_workflow_can_trash(const struct kb_wf_actor *a, enum kb_status s);

#endif
