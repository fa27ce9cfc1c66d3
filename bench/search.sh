#!/usr/bin/env bash
# bench/search.sh — `make bench-search`: search relevance on ARCD (bench/search-eval.mjs):
# MRR@10, R@1 and R@5 of khabar's own search beside a plain FTS5 unicode61 index over the
# same texts, in the same run.
#
# Invariants: builds nothing (expects $KHABAR_BIN or build/khabar); works in a temp dir it
# removes (KB_BENCH_KEEP=1 keeps it); never fails on a figure (exit 1 only when it cannot
# run); output is also kept in bench/out/ (git-ignored).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
bin=${KHABAR_BIN:-$repo/build/khabar}
shared=${KB_SHARED:-$repo/../shared}
arcd=$shared/data/arcd/arcd-dev.json

if [ ! -x "$bin" ]; then
  echo "bench-search: $bin not found: run make first" >&2
  exit 1
fi
if [ ! -f "$arcd" ]; then
  echo "bench-search: skipped: ../shared not found ($arcd)" >&2
  exit 0
fi
command -v sqlite3 >/dev/null || { echo "bench-search: the sqlite3 CLI is needed" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/khabar-bench-search-XXXXXX")
cleanup() { [ "${KB_BENCH_KEEP:-0}" = 1 ] && echo "kept $work" || rm -rf "$work"; }
trap cleanup EXIT

mkdir -p "$repo/bench/out"
out="$repo/bench/out/search-$(date -u +%Y%m%dT%H%M%SZ).txt"
node "$repo/bench/search-eval.mjs" "$bin" "$arcd" "$work" | tee "$out"
