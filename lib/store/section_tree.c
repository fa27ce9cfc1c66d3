/*
 * section_tree.c — the section tree (store.h, kb_store_section_set_parent; migration 6).
 *
 * WordPress categories nest (category_parent); khabar keeps the parent of each section so
 * a section page can show its breadcrumbs.  The parent is written only here; sections are
 * read with it by kb_store_section_get/list (struct kb_section's `parent`).
 *
 * Invariants: the tree has no cycle (a section is never its own ancestor) and is at most
 * KB_MAX_SECTION_DEPTH sections deep, checked before the write, so a reader walking up
 * from any section ends within that many steps.  Statements run on the store's own
 * connection, so a write joins the caller's transaction.
 */
#include <string.h>
#include <sqlite3.h>
#include "khabar/store.h"
#include "store_int.h"

static int fail(sqlite3 *db, int rc, const char *what, struct kb_diag *d)
{
    return kb_diag_set(d, KB_EDB, "", "%s: %s", what, sqlite3_errmsg(db));
}

/* The id and parent id of the section with `slug`; KB_ENOTFOUND when missing. */
static int lookup(sqlite3 *db, const char *slug, int64_t *id, int64_t *parent, struct kb_diag *d)
{
    sqlite3_stmt *st;
    int rc =
        sqlite3_prepare_v2(db, "SELECT id, parent_id FROM sections WHERE slug = ?1", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return fail(db, rc, "preparing a statement", d);
    sqlite3_bind_text(st, 1, slug, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(st);
    int r = 0;
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
        *parent = sqlite3_column_int64(st, 1); /* NULL reads as 0 */
    } else if (rc == SQLITE_DONE) {
        r = kb_diag_set(d, KB_ENOTFOUND, "section", "no section '%.100s'", slug);
    } else {
        r = fail(db, rc, "reading a section", d);
    }
    sqlite3_finalize(st);
    return r;
}

/* The parent id of section `id` (0 at the top). */
static int parent_of(sqlite3 *db, int64_t id, int64_t *parent, struct kb_diag *d)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(db, "SELECT parent_id FROM sections WHERE id = ?1", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return fail(db, rc, "preparing a statement", d);
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    *parent = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : fail(db, rc, "reading a section", d);
}

/* The number of levels below section `id` (0 for a leaf), up to limit + 1. */
static int height(sqlite3 *db, int64_t id, int limit, int *out, struct kb_diag *d)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(db,
                                "WITH RECURSIVE below(id, depth) AS (SELECT ?1, 0 UNION ALL "
                                "SELECT s.id, b.depth + 1 FROM sections s JOIN below b ON "
                                "s.parent_id = b.id WHERE b.depth <= ?2) "
                                "SELECT max(depth) FROM below",
                                -1, &st, NULL);
    if (rc != SQLITE_OK)
        return fail(db, rc, "preparing a statement", d);
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int(st, 2, limit);
    rc = sqlite3_step(st);
    *out = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : fail(db, rc, "reading the section tree", d);
}

int kb_store_section_set_parent(struct kb_store *s, const char *slug, const char *parent,
                                struct kb_diag *d)
{
    sqlite3 *db = kb_store_sqlite_db(s);
    if (!db)
        return kb_diag_set(d, KB_EINVAL, "", "the section tree needs the SQLite store");
    if (s->mode == KB_STORE_READONLY)
        return kb_diag_set(d, KB_EINVAL, "", "the store is read-only");
    int64_t id, old_parent, pid = 0, up;
    int rc = lookup(db, slug ? slug : "", &id, &old_parent, d);
    if (rc)
        return rc;
    if (parent && *parent) {
        rc = lookup(db, parent, &pid, &up, d);
        if (rc)
            return kb_diag_set(d, rc, "parent", "no section '%.100s'", parent);
        /* walk up from the new parent: the section must not be among its ancestors, and
         * the new chain must stay within the depth cap */
        int depth = 1; /* the parent's level, counted from the top */
        for (int64_t at = pid; at; depth++) {
            if (at == id)
                return kb_diag_set(d, KB_EINVAL, "parent",
                                   "'%.60s' is inside '%.60s': a section cannot be its own "
                                   "ancestor",
                                   parent, slug);
            if (depth > KB_MAX_SECTION_DEPTH)
                return kb_diag_set(d, KB_EINVAL, "parent", "more than %d levels of sections",
                                   KB_MAX_SECTION_DEPTH);
            if ((rc = parent_of(db, at, &at, d)))
                return rc;
        }
        int below;
        if ((rc = height(db, id, KB_MAX_SECTION_DEPTH, &below, d)))
            return rc;
        if (depth + below > KB_MAX_SECTION_DEPTH)
            return kb_diag_set(d, KB_EINVAL, "parent", "more than %d levels of sections",
                               KB_MAX_SECTION_DEPTH);
    }
    if (pid == old_parent)
        return 0; /* nothing to write */
    sqlite3_stmt *st;
    rc = sqlite3_prepare_v2(db, "UPDATE sections SET parent_id = ?2 WHERE id = ?1", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return fail(db, rc, "preparing a statement", d);
    sqlite3_bind_int64(st, 1, id);
    if (pid)
        sqlite3_bind_int64(st, 2, pid);
    else
        sqlite3_bind_null(st, 2);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : fail(db, rc, "writing a section's parent", d);
}
