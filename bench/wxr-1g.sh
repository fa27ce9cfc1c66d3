#!/usr/bin/env bash
# bench/wxr-1g.sh — `khabar import wxr` on a 1 GB export: peak memory (VmHWM, through GNU
# time's %M) and posts per second, beside a 10 MB export imported the same way in the same
# run, so the ratio of the two peaks says whether memory grows with the input.
#
# The exports are generated on the fly by bench/wxr-gen.mjs (our own Arabic text) into a temp
# dir and removed afterwards: never committed.  The import runs with --no-related (the
# related-articles rebuild after the commit holds the whole archive in memory by design,
# docs/related.md: it is measured apart, by `make bench-related`); KB_BENCH_WXR_RELATED=1
# imports with it as well and reports that peak too.
#
# Invariants: builds nothing (uses $KHABAR_BIN or build/khabar); stops nothing it did not
# start; never fails on a figure (exit 1 only when it cannot run at all).  Needs ~3 GB of
# temp space (the export and the database).
#
# Knobs: KB_BENCH_WXR_MB (1024), KB_BENCH_WXR_BODY_KB (16), KB_BENCH_WXR_RELATED (0),
# KB_BENCH_KEEP=1 keeps the temp dir.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
bin=${KHABAR_BIN:-$repo/build/khabar}
mb=${KB_BENCH_WXR_MB:-1024}
body_kb=${KB_BENCH_WXR_BODY_KB:-16}
say() { printf '%s\n' "$*"; }
die() { printf 'bench wxr: %s\n' "$*" >&2; exit 1; }

[ -x "$bin" ] || die "$bin not found: build it first (make)"
[ -x /usr/bin/time ] || die "/usr/bin/time not found (Debian package \"time\")"
command -v node >/dev/null || die "node not found"
[[ $mb =~ ^[0-9]+$ ]] || die "KB_BENCH_WXR_MB must be a number of MB"

work=$(mktemp -d "${TMPDIR:-/tmp}/khabar-bench-wxr.XXXXXX")
cleanup() {
  if [ "${KB_BENCH_KEEP:-0}" = 1 ]; then say "bench wxr: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# One import: prints "<peak KB> <seconds> <created>" (zeros when it failed).
import_one() { # db file [extra args]
  local db=$1 file=$2
  shift 2
  local out
  if out=$(/usr/bin/time -f 'peak-kb %M secs %e' "$bin" --db "$db" import wxr -q "$@" "$file" 2>&1); then
    local peak secs created
    peak=$(sed -n 's/^peak-kb \([0-9]*\) secs .*/\1/p' <<<"$out" | tail -n1)
    secs=$(sed -n 's/^peak-kb [0-9]* secs \([0-9.]*\)$/\1/p' <<<"$out" | tail -n1)
    created=$(sed -n 's/^\([0-9]*\) created,.*/\1/p' <<<"$out" | head -n1)
    say "${peak:-0} ${secs:-0} ${created:-0}"
  else
    printf 'bench wxr: import of %s failed:\n%s\n' "$file" "$out" >&2
    say "0 0 0"
  fi
}

say "wxr import — $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg)"
say "generating a 10 MB and a $mb MB export (bodies ~${body_kb} KB) in $work ..."
node "$repo/bench/wxr-gen.mjs" 10 "$work/small.xml" "$body_kb" | sed 's/^/  /'
node "$repo/bench/wxr-gen.mjs" "$mb" "$work/big.xml" "$body_kb" | sed 's/^/  /'

read -r p_small s_small n_small < <(import_one "$work/small.db" "$work/small.xml" --no-related)
read -r p_big s_big n_big < <(import_one "$work/big.db" "$work/big.xml" --no-related)
rate() { awk -v n="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.0f", n / s; else print "?" }'; }
say ""
say "import wxr --no-related (a fresh database each; peak RSS = VmHWM from GNU time %M):"
printf '  %-8s %9s posts %9s s %7s posts/s  peak %8s KB\n' "10 MB" "$n_small" "$s_small" \
  "$(rate "$n_small" "$s_small")" "$p_small"
printf '  %-8s %9s posts %9s s %7s posts/s  peak %8s KB\n' "$mb MB" "$n_big" "$s_big" \
  "$(rate "$n_big" "$s_big")" "$p_big"
say "  peak ratio ${mb} MB / 10 MB: $(awk -v a="$p_big" -v b="$p_small" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "?" }') (the input is $((mb / 10))x larger)"
say "  database: $(du -h "$work/big.db" | cut -f1)"
if [ "${KB_BENCH_WXR_RELATED:-0}" = 1 ]; then
  rm -f "$work/big.db"*
  read -r p_rel s_rel n_rel < <(import_one "$work/big.db" "$work/big.xml")
  say "  with the related rebuild: $n_rel posts, $s_rel s, peak $p_rel KB"
fi
say "load average now: $(cut -d' ' -f1-3 /proc/loadavg) (a shared 2-core machine: compare ratios)"
exit 0
