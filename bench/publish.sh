#!/usr/bin/env bash
# bench/publish.sh — articles published per second through the admin API (issue 4): a fresh
# database holding KB_PUBLISH_PRELOAD real articles (ANT corpus, ../shared/data/ant, imported
# with `khabar import jsonl`), an editor's API token, `khabar serve` on 127.0.0.1, then
# bench/publish.mjs posts further ANT articles (generated text when ../shared is missing); it runs
# 1 client and 4 clients that each POST /api/v1/articles with status "published" (a full
# save: sanitize, validate, workflow, article + revision + search index + related lists in
# one transaction) back to back for KB_PUBLISH_SECONDS, KB_PUBLISH_ROUNDS times each,
# alternating 1 and 4; prints the median rate (min–max) and latency beside the reference
# figures measured on this kind of machine for WordPress's REST API (10–12 posts/s with one
# client, 23–24 with four) and Ghost's Admin API (10–12).
#
# Invariants: builds nothing (expects $KHABAR_BIN or build/khabar); traffic stays on
# 127.0.0.1; stops only the server it started, by pid; never fails on a figure.
# Knobs: KB_PUBLISH_SECONDS (5), KB_PUBLISH_ROUNDS (3), KB_PUBLISH_PRELOAD (1000),
# KB_PUBLISH_KEEP=1 keeps the temp dir.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
bin=${KHABAR_BIN:-$repo/build/khabar}
seconds=${KB_PUBLISH_SECONDS:-5}
rounds=${KB_PUBLISH_ROUNDS:-3}
say() { printf '%s\n' "$*"; }
die() { printf 'bench publish: %s\n' "$*" >&2; exit 1; }
[ -x "$bin" ] || die "$bin not found: build it first (make)"
command -v node >/dev/null 2>&1 || die "node not found (scripts/install-deps.sh check installs it)"

work=$(mktemp -d "${TMPDIR:-/tmp}/khabar-publish.XXXXXX")
kb_pid=
cleanup() {
  [ -n "$kb_pid" ] && kill -TERM "$kb_pid" 2>/dev/null && wait "$kb_pid" 2>/dev/null || true
  if [ "${KB_PUBLISH_KEEP:-0}" = 1 ]; then say "bench publish: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

db=$work/publish.db
"$bin" --db "$db" init 2>/dev/null
shared=${KB_SHARED:-$repo/../shared}
ant=$shared/data/ant/ant-v2.1.jsonl.xz
preload=${KB_PUBLISH_PRELOAD:-1000}
corpus=
if [ -r "$ant" ]; then
  (xz -dc "$ant" 2>/dev/null || true) | head -n $((preload + 4000)) >"$work/ant.jsonl"
  head -n "$preload" "$work/ant.jsonl" >"$work/preload.jsonl"
  tail -n +$((preload + 1)) "$work/ant.jsonl" >"$work/corpus.jsonl"
  if [ "$preload" -gt 0 ]; then
    "$bin" --db "$db" import jsonl "$work/preload.jsonl" >/dev/null 2>&1 || die "cannot import the preload"
  fi
  corpus=$work/corpus.jsonl
  what="ANT news articles (real text) into a site already holding $preload of them"
else
  what="generated text (../shared not found: a 31-word vocabulary, the worst case for related lists) into an empty site"
fi
printf 'bench-password-2024\n' | "$bin" --db "$db" user add bencher --role editor >/dev/null 2>&1
token=$("$bin" --db "$db" token create --user bencher 2>/dev/null)
"$bin" --db "$db" serve --listen 127.0.0.1:0 2>"$work/serve.log" >/dev/null &
kb_pid=$!
port=
for _ in $(seq 1 100); do
  port=$(sed -n 's|.*serving http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$work/serve.log" | head -1)
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || die "khabar serve did not start: $(cat "$work/serve.log")"
base=http://127.0.0.1:$port
curl -sf -o /dev/null -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  --data '{"slug":"politics","name":"سياسة"}' "$base/api/v1/sections" || die "cannot create the section"

say "publish bench — $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg)"
say "POST /api/v1/articles (status published, Bearer token): $what; ${seconds}s per run, $rounds runs per client count"
declare -A rates
declare -A p50s
declare -A cpus
hz=$(getconf CLK_TCK)
# The server's CPU time (user + system, clock ticks) from /proc: the cost of a publish apart
# from waiting for a core, which a loaded machine adds to the wall clock.
ticks() { awk '{ print $14 + $15 }' "/proc/$kb_pid/stat"; }
for r in $(seq 1 "$rounds"); do
  for c in 1 4; do
    t0=$(ticks)
    line=$(node "$repo/bench/publish.mjs" "$base" "$token" "$c" "$seconds" politics "$corpus" "$(((r * 2 + c / 4) * 500))")
    t1=$(ticks)
    n=$(sed -n 's/.*"published":\([0-9]*\).*/\1/p' <<<"$line")
    cpu=$(awk -v a="$t0" -v b="$t1" -v n="$n" -v hz="$hz" 'BEGIN { if (n > 0) printf "%.1f", (b - a) * 1000 / hz / n; else print "?" }')
    say "  run $r, $c client(s): $line cpu_ms_per_publish=$cpu"
    rates[$c]+="$(sed -n 's/.*"rate":\([0-9.]*\).*/\1/p' <<<"$line") "
    p50s[$c]+="$(sed -n 's/.*"p50_ms":\([0-9.]*\).*/\1/p' <<<"$line") "
    cpus[$c]+="$cpu "
  done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { if (NR) printf "%s (%s–%s)", v[int((NR + 1) / 2)], v[1], v[NR] }'; }
total=$(sqlite3 "$db" 'SELECT count(*) FROM articles' 2>/dev/null || echo '?')
say ""
say "articles published per second, median (min–max) of $rounds runs; $total articles in the database at the end"
printf '  %-10s %-22s %-18s %s\n' clients khabar 'WordPress REST' 'Ghost Admin API'
printf '  %-10s %-22s %-18s %s\n' 1 "$(median <<<"${rates[1]}")" '10–12' '10–12'
printf '  %-10s %-22s %-18s %s\n' 4 "$(median <<<"${rates[4]}")" '23–24' '—'
say "  median latency per publish: 1 client $(median <<<"${p50s[1]}") ms, 4 clients $(median <<<"${p50s[4]}") ms"
say "  server CPU per publish: 1 client $(median <<<"${cpus[1]}") ms, 4 clients $(median <<<"${cpus[4]}") ms (load average now $(cut -d' ' -f1 /proc/loadavg) on $(nproc) cores: the wall-clock rates move with it)"
say "(WordPress and Ghost figures are the reference measurements of issue 4 on this kind of machine, not re-run here)"
exit 0
