#!/usr/bin/env bash
# bench/search.sh — `make bench-search`: search relevance on ARCD (bench/search-eval.mjs):
# MRR@10, R@1 and R@5 of khabar's own search beside a plain FTS5 unicode61 index over the
# same texts, in the same run; then speed on the whole ANT corpus (bench/search-speed.mjs):
# import + index rate and size, p50/p99 and queries/s of 1,000 headline queries through
# /api/v1/search under wrk beside plain FTS5, at 10,000 and all articles (about 2 minutes).
#
# Invariants: builds nothing (expects $KHABAR_BIN or build/khabar); works in a temp dir it
# removes (KB_BENCH_KEEP=1 keeps it); never fails on a figure (exit 1 only when it cannot
# run); output is also kept in bench/out/ (git-ignored).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
bin=${KHABAR_BIN:-$repo/build/khabar}
shared=${KB_SHARED:-$repo/../shared}
arcd=$shared/data/arcd/arcd-dev.json
ant=$shared/data/ant/ant-v2.1.jsonl.xz

if [ ! -x "$bin" ]; then
  echo "bench-search: $bin not found: run make first" >&2
  exit 1
fi
if [ ! -f "$arcd" ]; then
  echo "bench-search: skipped: ../shared not found ($arcd)" >&2
  exit 0
fi
command -v sqlite3 >/dev/null || { echo "bench-search: the sqlite3 CLI is needed" >&2; exit 1; }
command -v wrk >/dev/null || { echo "bench-search: wrk is needed" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/khabar-bench-search-XXXXXX")
cleanup() { [ "${KB_BENCH_KEEP:-0}" = 1 ] && echo "kept $work" || rm -rf "$work"; }
trap cleanup EXIT

mkdir -p "$repo/bench/out"
out="$repo/bench/out/search-$(date -u +%Y%m%dT%H%M%SZ).txt"
{
  node "$repo/bench/search-eval.mjs" "$bin" "$arcd" "$work"
  if [ -f "$ant" ]; then
    node "$repo/bench/search-speed.mjs" "$bin" "$ant" "$work"
  else
    echo "speed: skipped: $ant not found"
  fi
} | tee "$out"
