#!/bin/sh
# demo.sh — build a fresh demo database from our own demo articles and photos, then serve it.
#
# usage: scripts/demo.sh [DB [MEDIA_DIR]]        (what `make demo` runs, with DB = demo.db)
#
#   DB         the demo database, default demo.db (relative paths are from the current
#              directory); it and its -wal/-shm/-journal files are removed first, so every
#              run starts from exactly the demo content
#   MEDIA_DIR  where the photos go, default <directory of DB>/media, which is where the
#              server looks for /media/* by default; a MEDIA_DIR given here is also passed
#              to the server as `serve --media MEDIA_DIR`
#
# Steps: draw any missing photos with scripts/make-photos.sh (it skips photos that already
# match demo/photos.tsv), `khabar init`, `khabar import page-text --media-dir MEDIA_DIR
# demo/articles/*.txt` (each PAGE.txt gets MEDIA_DIR/PAGE.jpg as its photo, served as
# /media/PAGE.jpg), then exec `khabar serve --listen $KHABAR_LISTEN` (default
# 127.0.0.1:8080).  The binary is $KHABAR_BIN, default build/khabar in this repository.
#
# Invariants: idempotent — re-running gives the same database content; it never touches any
# database other than DB; any failing step stops the script before the server starts.
set -eu

repo=$(cd "$(dirname "$0")/.." && pwd)
bin=${KHABAR_BIN:-$repo/build/khabar}
listen=${KHABAR_LISTEN:-127.0.0.1:8080}

if [ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ]; then
    sed -n '2,20s/^# \{0,1\}//p' "$0"
    exit 0
fi
db=${1:-demo.db}
dbdir=$(dirname "$db")
media=${2:-$dbdir/media}

if [ ! -x "$bin" ]; then
    echo "demo: $bin: not built yet (run make)" >&2
    exit 1
fi
mkdir -p "$dbdir"

# A fresh database every time; the photos are kept (they only depend on demo/photos.tsv).
rm -f "$db" "$db-wal" "$db-shm" "$db-journal"
"$repo/scripts/make-photos.sh" "$media" "$repo/demo/photos.tsv"

"$bin" --db "$db" init
"$bin" --db "$db" import page-text --quiet --media-dir "$media" "$repo"/demo/articles/*.txt

echo "demo: serving $db on http://$listen/ (Ctrl-C to stop)"
if [ $# -ge 2 ]; then
    exec "$bin" --db "$db" serve --listen "$listen" --media "$media"
fi
exec "$bin" --db "$db" serve --listen "$listen"
