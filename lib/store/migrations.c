/*
 * migrations.c — the SQLite schema, as an ordered list of steps.
 *
 * Step i (0-based) takes a database from schema version i to i + 1; the version is SQLite's
 * PRAGMA user_version, and store_sqlite.c runs each step and the version bump in one
 * transaction.  Invariants: steps are append-only — a released step is never edited, a
 * change is a new step — and the PostgreSQL backend keeps the same number of steps with the
 * same meaning, so kb_store_schema_version() is one number for both: a new step here comes
 * with its PostgreSQL step in lib/store/pg_migrations.c in the same commit (a PostgreSQL
 * store refuses to open while the counts differ, and the store tests fail).
 *
 * Times are unix seconds (NULL when never set) plus the offset in minutes they were
 * written in; status is its name ("published"), so the database reads well by itself.
 */
#include "store_int.h"

const char *const kb_store_sqlite_migrations[] = {
    /* 1: settings, sections, articles, tags. */
    "CREATE TABLE settings (\n"
    "  key TEXT PRIMARY KEY NOT NULL,\n"
    "  value TEXT NOT NULL\n"
    ");\n"
    "CREATE TABLE sections (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  slug TEXT NOT NULL UNIQUE,\n"
    "  name TEXT NOT NULL UNIQUE,\n"
    "  position INTEGER NOT NULL DEFAULT 0\n"
    ");\n"
    "CREATE TABLE articles (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  slug TEXT NOT NULL UNIQUE,\n"
    "  status TEXT NOT NULL CHECK (status IN\n"
    "    ('draft', 'review', 'scheduled', 'published', 'unpublished')),\n"
    "  section_id INTEGER NOT NULL REFERENCES sections (id),\n"
    "  headline TEXT NOT NULL,\n"
    "  lede TEXT,\n"
    "  byline TEXT,\n"
    "  source TEXT,\n"
    "  language TEXT NOT NULL DEFAULT 'ar',\n"
    "  image_src TEXT,\n"
    "  image_alt TEXT,\n"
    "  image_caption TEXT,\n"
    "  image_credit TEXT,\n"
    "  image_copyright TEXT,\n"
    "  body_html TEXT NOT NULL,\n"
    "  published INTEGER,\n"
    "  published_offset INTEGER NOT NULL DEFAULT 0,\n"
    "  updated INTEGER,\n"
    "  updated_offset INTEGER NOT NULL DEFAULT 0,\n"
    "  reading_minutes INTEGER NOT NULL DEFAULT 0,\n"
    "  external_id TEXT UNIQUE\n"
    ");\n"
    "CREATE TABLE article_tags (\n"
    "  article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,\n"
    "  position INTEGER NOT NULL,\n"
    "  tag TEXT NOT NULL,\n"
    "  PRIMARY KEY (article_id, position)\n"
    ");\n"
    /* The home page, feeds and sitemaps: live articles newest first. */
    "CREATE INDEX articles_live ON articles (status, published DESC, id DESC);\n"
    /* Section pages. */
    "CREATE INDEX articles_section ON articles (section_id, status, published DESC, id DESC);\n"
    /* Tag pages. */
    "CREATE INDEX article_tags_tag ON article_tags (tag);\n"
    /* Marks the file as khabar's ('KHBR'), so another program's database is refused. */
    "PRAGMA application_id = 1263026770;\n",

    /* 2: full-text search (docs/search.md).  An external-content FTS5 index over the view
     * article_search_src (headline, lede, and the body as text: kb_html_text), tokenized
     * by lib/search's "khabar" tokenizer, which the store registers on every connection.
     * Triggers keep it in step inside the transaction of every article write; the last
     * statement indexes the articles already there. */
    "CREATE VIEW article_search_src AS\n"
    "  SELECT id, headline, lede, kb_html_text(body_html) AS body_text FROM articles;\n"
    "CREATE VIRTUAL TABLE article_search USING fts5 (\n"
    "  headline, lede, body_text,\n"
    "  content = 'article_search_src', content_rowid = 'id', tokenize = 'khabar'\n"
    ");\n"
    "CREATE TRIGGER article_search_insert AFTER INSERT ON articles BEGIN\n"
    "  INSERT INTO article_search (rowid, headline, lede, body_text)\n"
    "    VALUES (new.id, new.headline, new.lede, kb_html_text(new.body_html));\n"
    "END;\n"
    "CREATE TRIGGER article_search_delete AFTER DELETE ON articles BEGIN\n"
    "  INSERT INTO article_search (article_search, rowid, headline, lede, body_text)\n"
    "    VALUES ('delete', old.id, old.headline, old.lede, kb_html_text(old.body_html));\n"
    "END;\n"
    "CREATE TRIGGER article_search_update AFTER UPDATE OF headline, lede, body_html ON articles\n"
    "BEGIN\n"
    "  INSERT INTO article_search (article_search, rowid, headline, lede, body_text)\n"
    "    VALUES ('delete', old.id, old.headline, old.lede, kb_html_text(old.body_html));\n"
    "  INSERT INTO article_search (rowid, headline, lede, body_text)\n"
    "    VALUES (new.id, new.headline, new.lede, kb_html_text(new.body_html));\n"
    "END;\n"
    "INSERT INTO article_search (article_search) VALUES ('rebuild');\n",

    /* 3: the newsroom (docs/newsroom.md): users, sessions, API tokens, failed logins,
     * revisions; articles get an author, a version (+1 on every content, status, time or
     * trash change, by trigger, so every writer counts) and a trash state. */
    "CREATE TABLE users (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  name TEXT NOT NULL UNIQUE,\n"
    "  role TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'author', 'contributor')),\n"
    "  password_hash TEXT NOT NULL,\n"
    "  disabled INTEGER NOT NULL DEFAULT 0,\n"
    "  created INTEGER NOT NULL\n"
    ");\n"
    "CREATE TABLE sessions (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  secret_hash TEXT NOT NULL UNIQUE,\n"
    "  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,\n"
    "  csrf TEXT NOT NULL,\n"
    "  created INTEGER NOT NULL,\n"
    "  last_seen INTEGER NOT NULL,\n"
    "  expires INTEGER NOT NULL,\n"
    "  user_agent TEXT,\n"
    "  address TEXT\n"
    ");\n"
    "CREATE INDEX sessions_user ON sessions (user_id, expires);\n"
    "CREATE TABLE api_tokens (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  secret_hash TEXT NOT NULL UNIQUE,\n"
    "  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,\n"
    "  role TEXT CHECK (role IN ('admin', 'editor', 'author', 'contributor')),\n"
    "  created INTEGER NOT NULL,\n"
    "  last_used INTEGER,\n"
    "  revoked INTEGER\n"
    ");\n"
    "CREATE TABLE login_failures (\n"
    "  key TEXT NOT NULL,\n"
    "  at INTEGER NOT NULL\n"
    ");\n"
    "CREATE INDEX login_failures_key ON login_failures (key, at);\n"
    "CREATE TABLE revisions (\n"
    "  article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,\n"
    "  number INTEGER NOT NULL,\n"
    "  version INTEGER NOT NULL,\n"
    "  user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,\n"
    "  created INTEGER NOT NULL,\n"
    "  changed TEXT NOT NULL,\n"
    "  article_json TEXT NOT NULL,\n"
    "  PRIMARY KEY (article_id, number)\n"
    ");\n"
    "CREATE INDEX revisions_version ON revisions (article_id, version);\n"
    "ALTER TABLE articles ADD COLUMN author_id INTEGER REFERENCES users (id) ON DELETE SET NULL;\n"
    "ALTER TABLE articles ADD COLUMN version INTEGER NOT NULL DEFAULT 1;\n"
    "ALTER TABLE articles ADD COLUMN deleted_at INTEGER;\n"
    "ALTER TABLE articles ADD COLUMN deleted_status TEXT;\n"
    "CREATE INDEX articles_author ON articles (author_id);\n"
    "CREATE TRIGGER article_version AFTER UPDATE OF slug, status, section_id, headline, lede,\n"
    "  byline, source, language, image_src, image_alt, image_caption, image_credit,\n"
    "  image_copyright, body_html, published, deleted_at ON articles\n"
    "BEGIN\n"
    "  UPDATE articles SET version = old.version + 1 WHERE id = new.id;\n"
    "END;\n",

    /* 4: related articles and near-duplicates (docs/related.md, lib/search/related.c):
     * each article's top term vector, its SimHash with the version it was computed from
     * and the article it duplicates, its related list by rank; the FTS5 vocabulary gives
     * document frequencies. */
    "CREATE VIRTUAL TABLE article_search_vocab USING fts5vocab (article_search, row);\n"
    "CREATE TABLE article_terms (\n"
    "  article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,\n"
    "  term TEXT NOT NULL,\n"
    "  weight REAL NOT NULL,\n"
    "  PRIMARY KEY (article_id, term)\n"
    ") WITHOUT ROWID;\n"
    "CREATE INDEX article_terms_term ON article_terms (term, article_id, weight);\n"
    "CREATE TABLE article_simhash (\n"
    "  article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,\n"
    "  simhash INTEGER NOT NULL,\n"
    "  nterms INTEGER NOT NULL,\n"
    "  version INTEGER NOT NULL,\n"
    "  dup_of INTEGER REFERENCES articles (id) ON DELETE SET NULL\n"
    ");\n"
    "CREATE INDEX article_simhash_dup ON article_simhash (dup_of);\n"
    "CREATE TABLE article_related (\n"
    "  article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,\n"
    "  rank INTEGER NOT NULL,\n"
    "  related_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,\n"
    "  score REAL NOT NULL,\n"
    "  PRIMARY KEY (article_id, rank)\n"
    ");\n"
    "CREATE INDEX article_related_back ON article_related (related_id);\n",

    /* 5: where an imported article came from, for formats that version their items
     * (docs/ninjs.md): the item's own version and versioncreated decide whether a later
     * copy of the same uri (external_id) is newer or stale; firstcreated and located are
     * kept so an export gives them back. */
    "CREATE TABLE article_origin (\n"
    "  article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,\n"
    "  format TEXT NOT NULL,\n"
    "  version TEXT,\n"
    "  versioncreated INTEGER,\n"
    "  versioncreated_offset INTEGER NOT NULL DEFAULT 0,\n"
    "  firstcreated INTEGER,\n"
    "  firstcreated_offset INTEGER NOT NULL DEFAULT 0,\n"
    "  located TEXT\n"
    ");\n",

    /* 6: what imports bring beside articles (docs/wxr.md): the old addresses of imported
     * articles, answered with a 301 to the current one when no page matches
     * (lib/store/redirects.c; paths percent-decoded, without a trailing '/'); and the
     * section tree (WordPress's category_parent): a section's parent, NULL at the top. */
    "CREATE TABLE redirects (\n"
    "  path TEXT PRIMARY KEY NOT NULL,\n"
    "  article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE\n"
    ") WITHOUT ROWID;\n"
    "CREATE INDEX redirects_article ON redirects (article_id);\n"
    "ALTER TABLE sections ADD COLUMN parent_id INTEGER REFERENCES sections (id)\n"
    "  ON DELETE SET NULL;\n",

    /* 7: uploaded photos (docs/media.md).  The file on disk is named by `hash` (SHA-256
     * hex of its bytes) and `type` (jpeg, png, webp); width/height come from the header;
     * the text fields are the editor's, copied into an article's image when it uses one. */
    "CREATE TABLE media (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  hash TEXT NOT NULL UNIQUE,\n"
    "  type TEXT NOT NULL,\n"
    "  width INTEGER NOT NULL,\n"
    "  height INTEGER NOT NULL,\n"
    "  bytes INTEGER NOT NULL,\n"
    "  alt TEXT NOT NULL DEFAULT '',\n"
    "  caption TEXT NOT NULL DEFAULT '',\n"
    "  credit TEXT NOT NULL DEFAULT '',\n"
    "  copyright TEXT NOT NULL DEFAULT '',\n"
    "  uploaded_by INTEGER REFERENCES users (id) ON DELETE SET NULL,\n"
    "  created INTEGER NOT NULL\n"
    ");\n"
    "CREATE INDEX media_created ON media (created, id);\n",

    /* 8: the public site's author and translation pages (docs/render.md).  byline_slug is
     * kb_slug(byline) (the store registers kb_slug on every connection), indexed for
     * /author/<slug>/; article_translations groups articles that are translations of each
     * other (lib/store/site_store.c), for hreflang. */
    "ALTER TABLE articles ADD COLUMN byline_slug TEXT GENERATED ALWAYS AS (kb_slug(byline))\n"
    "  VIRTUAL;\n"
    "CREATE INDEX articles_byline ON articles (byline_slug, status, published DESC, id DESC);\n"
    "CREATE TABLE article_translations (\n"
    "  article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,\n"
    "  group_id INTEGER NOT NULL\n"
    ");\n"
    "CREATE INDEX article_translations_group ON article_translations (group_id);\n",

    /* 9: bulk search indexing (docs/search.md, "Indexing"): inside a kb_store_begin
     * transaction a new article is indexed at the commit, with the others of the
     * transaction, in one statement (store_sqlite.c: kb_search_later records it and answers
     * 1); updates and deletes skip an article still waiting (kb_search_pending). */
    "DROP TRIGGER article_search_insert;\n"
    "CREATE TRIGGER article_search_insert AFTER INSERT ON articles\n"
    "  WHEN kb_search_later(new.id) = 0 BEGIN\n"
    "  INSERT INTO article_search (rowid, headline, lede, body_text)\n"
    "    VALUES (new.id, new.headline, new.lede, kb_html_text(new.body_html));\n"
    "END;\n"
    "DROP TRIGGER article_search_delete;\n"
    "CREATE TRIGGER article_search_delete AFTER DELETE ON articles\n"
    "  WHEN kb_search_pending(old.id) = 0 BEGIN\n"
    "  INSERT INTO article_search (article_search, rowid, headline, lede, body_text)\n"
    "    VALUES ('delete', old.id, old.headline, old.lede, kb_html_text(old.body_html));\n"
    "END;\n"
    "DROP TRIGGER article_search_update;\n"
    "CREATE TRIGGER article_search_update AFTER UPDATE OF headline, lede, body_html ON articles\n"
    "  WHEN kb_search_pending(old.id) = 0 BEGIN\n"
    "  INSERT INTO article_search (article_search, rowid, headline, lede, body_text)\n"
    "    VALUES ('delete', old.id, old.headline, old.lede, kb_html_text(old.body_html));\n"
    "  INSERT INTO article_search (rowid, headline, lede, body_text)\n"
    "    VALUES (new.id, new.headline, new.lede, kb_html_text(new.body_html));\n"
    "END;\n",

    /* 10: the lead story of the home and section pages (the newest live article with a
     * photo): partial indexes holding only such articles, so finding it never walks the
     * live articles without a photo (a site without photos read its whole table per
     * render, and the mapped pages stayed in the server's RSS). */
    "CREATE INDEX articles_lead ON articles (published DESC, id DESC)\n"
    "  WHERE status = 'published' AND image_src <> '';\n"
    "CREATE INDEX articles_lead_section ON articles (section_id, published DESC, id DESC)\n"
    "  WHERE status = 'published' AND image_src <> '';\n",

    /* 11: the articles a write touched, in commit order, so the server's in-memory search
     * index (lib/search/memindex.c) applies only what changed since its own snapshot
     * instead of re-reading every article.  Only the last 100,000 changes are kept: an
     * index older than that is rebuilt whole. */
    "CREATE TABLE search_changes (\n"
    "  seq INTEGER PRIMARY KEY AUTOINCREMENT,\n"
    "  article_id INTEGER NOT NULL\n"
    ");\n"
    "CREATE TRIGGER search_changes_insert AFTER INSERT ON articles BEGIN\n"
    "  INSERT INTO search_changes (article_id) VALUES (new.id);\n"
    "END;\n"
    "CREATE TRIGGER search_changes_update AFTER UPDATE OF id, headline, lede, body_html, status,\n"
    "  published, section_id ON articles BEGIN\n"
    "  INSERT INTO search_changes (article_id) VALUES (old.id);\n"
    "  INSERT INTO search_changes (article_id) SELECT new.id WHERE new.id <> old.id;\n"
    "END;\n"
    "CREATE TRIGGER search_changes_delete AFTER DELETE ON articles BEGIN\n"
    "  INSERT INTO search_changes (article_id) VALUES (old.id);\n"
    "END;\n"
    "CREATE TRIGGER search_changes_trim AFTER INSERT ON search_changes BEGIN\n"
    "  DELETE FROM search_changes WHERE seq <= new.seq - 100000;\n"
    "END;\n",

    /* 12: autosaves coalesce (docs/newsroom.md, "Revisions"): a revision made by an
     * autosave stays open until open_until (its first save + the window) for the next
     * autosave of the same user, which updates it instead of adding one.  NULL: closed
     * (explicit saves, creation, status changes, restores, the scheduler, imports). */
    "ALTER TABLE revisions ADD COLUMN open_until INTEGER;\n",

    /* 13: the analyzer changed (a final alef is a suffix; ي/ت alternates of short stems; the
     * stem without the ت of a ة before a pronoun: docs/analyzer.md), so the search index is made again from the articles' text.  FTS5
     * deletes a row by tokenizing its old text again: a row indexed by the old analyzer and
     * deleted by the new one would leave terms behind, so this cannot wait for a reindex. */
    "INSERT INTO article_search (article_search) VALUES ('rebuild');\n",
};

const int kb_store_sqlite_nmigrations =
    (int)(sizeof(kb_store_sqlite_migrations) / sizeof(kb_store_sqlite_migrations[0]));
