#!/usr/bin/env bash
# bench/extract.sh — `make bench-extract`: how well `khabar import html` reads real news
# pages.  For every page with ground truth under ../shared/data/html/ (ar and en: fundus,
# newspaper4k, trafilatura evaldata, htmldate, mozilla/readability, AndyTheFactory's
# article-extraction-dataset, scrapinghub's article-extraction-benchmark), it compares the
# extracted headline (exact, after whitespace normalization), publication day and body
# (token-level F1, tokens after the analyzer's normalization) with the truth, and prints
# per page, per set, per language; then the extraction rate (pages/s).
#
# Invariants: builds nothing (expects build/bench_extract, or $KB_BENCH_EXTRACT); works in
# a temp dir it removes; never fails on a figure (exit 1 only when it cannot run); the
# output is also kept in bench/out/ (git-ignored).  Method and figures: docs/extract.md.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
bin=${KB_BENCH_EXTRACT:-$repo/build/bench_extract}
shared=${KB_SHARED:-$repo/../shared}
html=$shared/data/html

if [ ! -x "$bin" ]; then
  echo "bench-extract: $bin not found: run make first" >&2
  exit 1
fi
if [ ! -d "$html" ]; then
  echo "bench-extract: skipped: ../shared not found ($html)" >&2
  exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/khabar-bench-extract-XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$repo/bench/out"
out="$repo/bench/out/extract-$(date -u +%Y%m%dT%H%M%SZ).txt"
node "$repo/bench/extract-truth.mjs" "$html" "$work" > "$work/manifest.jsonl"
"$bin" "$work/manifest.jsonl" | tee "$out"
