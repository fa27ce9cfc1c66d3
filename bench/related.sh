#!/usr/bin/env bash
# bench/related.sh — `make bench-related`: related lists and near-duplicates on real news
# (ANT, ../shared/data/ant/ant-v2.1.jsonl.xz; docs/related.md).
#
#  1. import the file (`import jsonl --skip-bad`: the 1,186 URLs filed twice keep their
#     first copy) and time `khabar reindex`, which recomputes every related list;
#  2. quality on a fixed sample (every 30th article id, 1,000 articles): the share of the
#     top-5 related articles in the article's ANT category (its section), beside two
#     baselines — the 5 latest articles of the site (what the rail showed before) and the 5
#     published just before the article — and 10 examples for a human to judge;
#  3. near-duplicates flagged among the imported articles, 20 listed;
#  4. recall on the URLs filed twice: the file again with the url field removed (so records
#     are keyed by their own ids and both copies are imported), and the share of those
#     pairs that come out marked as duplicates of each other.
#
# Invariants: builds nothing (expects $KHABAR_BIN or build/khabar); works in a temp dir it
# removes (KB_BENCH_KEEP=1 keeps it); never fails on a figure; output also in bench/out/.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
bin=${KHABAR_BIN:-$repo/build/khabar}
shared=${KB_SHARED:-$repo/../shared}
ant=$shared/data/ant/ant-v2.1.jsonl.xz

if [ ! -x "$bin" ]; then
  echo "bench-related: $bin not found: run make first" >&2
  exit 1
fi
if [ ! -f "$ant" ]; then
  echo "bench-related: skipped: ../shared not found ($ant)" >&2
  exit 0
fi
command -v sqlite3 >/dev/null || { echo "bench-related: the sqlite3 CLI is needed" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/khabar-bench-related-XXXXXX")
cleanup() { [ "${KB_BENCH_KEEP:-0}" = 1 ] && echo "kept $work" || rm -rf "$work"; }
trap cleanup EXIT
mkdir -p "$repo/bench/out"
out="$repo/bench/out/related-$(date -u +%Y%m%dT%H%M%SZ).txt"

q() { sqlite3 -separator ' | ' "$1" "$2"; }

{
  db=$work/ant.db
  echo "== import (related lists computed at the end of the import)"
  SECONDS=0
  /usr/bin/time -f "cpu: %U s user, %S s sys; peak RSS %M KB" \
    "$bin" --db "$db" import jsonl --skip-bad "$ant" 2>&1 | tail -4
  echo "import + related lists: ${SECONDS} s (the summary's last line: the related part)"
  echo
  echo "== khabar reindex (search index, then every related list and duplicate mark)"
  "$bin" --db "$db" reindex

  sample="SELECT id FROM articles WHERE id % 30 = 0 ORDER BY id LIMIT 1000"
  echo
  echo "== same-category share of the top 5, sample of $(q "$db" "SELECT count(*) FROM ($sample)") articles"
  q "$db" "SELECT 'related top 5:       ' || printf('%.3f', avg(b.section_id = a.section_id))
             || '  (' || count(*) || ' links)'
             FROM article_related r JOIN articles a ON a.id = r.article_id
             JOIN articles b ON b.id = r.related_id
            WHERE r.rank <= 5 AND a.id IN ($sample)"
  q "$db" "WITH latest AS (SELECT id, section_id, published FROM articles
                            WHERE status = 'published' ORDER BY published DESC, id DESC LIMIT 6)
           SELECT 'latest 5 of the site: ' || printf('%.3f', avg(same)) FROM (
             SELECT a.id, l.section_id = a.section_id AS same,
                    row_number() OVER (PARTITION BY a.id ORDER BY l.published DESC, l.id DESC) AS k
               FROM articles a JOIN latest l ON l.id <> a.id WHERE a.id IN ($sample))
            WHERE k <= 5"
  q "$db" "SELECT '5 just before it:     ' || printf('%.3f', avg(b.section_id = a.section_id))
             FROM articles a JOIN articles b ON b.id IN (
               SELECT x.id FROM articles x WHERE x.id <> a.id AND x.published <= a.published
                ORDER BY x.published DESC, x.id DESC LIMIT 5)
            WHERE a.id IN ($sample)"
  echo
  echo "== 10 examples (headline -> 5 related)"
  for id in $(q "$db" "SELECT id FROM ($sample) WHERE id % 3000 = 0 LIMIT 10"); do
    q "$db" "SELECT '[' || s.slug || '] ' || a.headline FROM articles a
               JOIN sections s ON s.id = a.section_id WHERE a.id = $id"
    q "$db" "SELECT '    -> [' || s.slug || '] ' || b.headline FROM article_related r
               JOIN articles b ON b.id = r.related_id JOIN sections s ON s.id = b.section_id
              WHERE r.article_id = $id AND r.rank <= 5 ORDER BY r.rank"
  done
  echo
  echo "== near-duplicates among the imported articles"
  q "$db" "SELECT 'flagged: ' || count(*) FROM article_simhash WHERE dup_of IS NOT NULL"
  q "$db" "SELECT '  [' || sa.slug || '] ' || substr(a.headline, 1, 70) || char(10)
                  || '    = [' || sb.slug || '] ' || substr(b.headline, 1, 70)
             FROM article_simhash h JOIN articles a ON a.id = h.article_id
             JOIN articles b ON b.id = h.dup_of
             JOIN sections sa ON sa.id = a.section_id JOIN sections sb ON sb.id = b.section_id
            WHERE h.dup_of IS NOT NULL ORDER BY h.article_id % 97, h.article_id LIMIT 20"

  echo
  echo "== recall on the URLs filed twice (both copies imported, keyed by record id)"
  xz -dc "$ant" | python3 -c '
import json, sys
pairs = {}
with open(sys.argv[1], "w") as out:
    for line in sys.stdin:
        try:
            r = json.loads(line)
        except ValueError:
            continue
        u = r.pop("url", None)
        if u:
            pairs.setdefault(u, []).append(str(r.get("id")))
        out.write(json.dumps(r, ensure_ascii=False) + "\n")
with open(sys.argv[2], "w") as p:
    for ids in pairs.values():
        if len(ids) == 2:
            p.write(ids[0] + "\t" + ids[1] + "\n")
' "$work/nourl.jsonl" "$work/pairs.tsv"
  db2=$work/nourl.db
  "$bin" --db "$db2" import jsonl --skip-bad "$work/nourl.jsonl" 2>&1 | tail -1
  sqlite3 "$db2" "CREATE TABLE pairs (a TEXT, b TEXT);" ".mode tabs" ".import $work/pairs.tsv pairs"
  q "$db2" "WITH m AS (
              SELECT x.id AS xa, y.id AS xb FROM pairs p
                JOIN articles x ON x.external_id = p.a JOIN articles y ON y.external_id = p.b),
            root AS (SELECT article_id AS id, coalesce(dup_of, article_id) AS r FROM article_simhash)
            SELECT 'pairs: ' || count(*) || ', marked duplicates of each other: '
                   || sum(ra.r = rb.r) || ' (recall ' || printf('%.3f', avg(ra.r = rb.r)) || ')'
              FROM m JOIN root ra ON ra.id = m.xa JOIN root rb ON rb.id = m.xb"
  q "$db2" "SELECT 'flagged in all: ' || count(*) FROM article_simhash WHERE dup_of IS NOT NULL"
  # Other pairs: an article marked dup_of another when the two are not the same URL.
  other="FROM article_simhash h JOIN articles a ON a.id = h.article_id
           JOIN articles b ON b.id = h.dup_of
          WHERE NOT EXISTS (SELECT 1 FROM pairs p WHERE (p.a = a.external_id AND p.b = b.external_id)
                                                     OR (p.b = a.external_id AND p.a = b.external_id))"
  q "$db2" "SELECT 'flagged, not a URL filed twice: ' || count(*) $other"
  echo "20 of them, for a human to judge (duplicate = original):"
  q "$db2" "SELECT '  ' || substr(a.headline, 1, 60) || char(10) || '    = ' || substr(b.headline, 1, 60)
            $other ORDER BY h.article_id % 89, h.article_id LIMIT 20"
} 2>&1 | tee "$out"
