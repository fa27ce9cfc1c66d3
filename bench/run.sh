#!/usr/bin/env bash
# bench/run.sh — `make bench`: khabar's article page against nginx serving the very same
# bytes as a static file, in the same run, alternating A B A B (see bench/README.md).
#
# Steps: a temp database; KB_BENCH_ARTICLES generated articles of our own (default 30000,
# page text written by awk, imported in batches) plus the reference page; `khabar serve`
# on 127.0.0.1 (2 threads) and a throwaway nginx (2 workers) on 127.0.0.1 serving the
# article page fetched from khabar, byte for byte (and its gzip form through gzip_static);
# then wrk rounds, identity and gzip; medians, min–max, the ratio khabar/nginx, and
# khabar's memory after the load (VmHWM, VmRSS).
#
# Invariants: builds nothing (expects $KHABAR_BIN or build/khabar); all traffic is on
# 127.0.0.1 and bounded (wrk -d); it stops only the processes it started, by pid; it never
# fails on a figure (exit 1 only when it cannot run at all).  Output is also kept in
# bench/out/ (git-ignored).
#
# Knobs: KB_BENCH_ARTICLES (30000), KB_BENCH_DURATION (10s), KB_BENCH_ROUNDS (3),
# KB_BENCH_CONNECTIONS (64), KB_BENCH_KEEP=1 keeps the temp dir; KB_BENCH_WXR_MB (1024; 0 skips
# the WordPress import's memory check, bench/wxr-1g.sh).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
bin=${KHABAR_BIN:-$repo/build/khabar}
shared=${KB_SHARED:-$repo/../shared}
narticles=${KB_BENCH_ARTICLES:-30000}
duration=${KB_BENCH_DURATION:-10s}
rounds=${KB_BENCH_ROUNDS:-3}
conns=${KB_BENCH_CONNECTIONS:-64}
threads=2

say() { printf '%s\n' "$*"; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

[ -x "$bin" ] || die "$bin not found: build it first (make)"
for tool in wrk nginx curl awk; do
  command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] ||
    die "$tool not found (scripts/install-deps.sh bench installs nginx-light and wrk)"
done
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
[[ $narticles =~ ^[0-9]+$ ]] || die "KB_BENCH_ARTICLES must be a number"

work=$(mktemp -d "${TMPDIR:-/tmp}/khabar-bench.XXXXXX")
kb_pid=
ngx_pid=
cleanup() {
  [ -n "$kb_pid" ] && kill -TERM "$kb_pid" 2>/dev/null && wait "$kb_pid" 2>/dev/null || true
  [ -n "$ngx_pid" ] && kill -TERM "$ngx_pid" 2>/dev/null && wait "$ngx_pid" 2>/dev/null || true
  if [ "${KB_BENCH_KEEP:-0}" = 1 ]; then say "bench: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$repo/bench/out"
log="$repo/bench/out/bench-$(date -u +%Y%m%dT%H%M%SZ).txt"
exec > >(tee "$log") 2>&1

now() { date +%s.%N; }
# Percent-encode a site path byte by byte (wrk takes only ASCII URLs; the CLI may print
# Arabic paths as readers type them).  Already-encoded %XX is kept.
pct() {
  local LC_ALL=C s=$1 out= c h i
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case $c in
      [a-zA-Z0-9/._~%-]) out+=$c ;;
      *) printf -v h '%%%02X' "'$c"; out+=${h: -3} ;;
    esac
  done
  printf '%s\n' "$out"
}
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

say "khabar bench — $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg)"
say "binary: $bin"
say "wrk -t$threads -c$conns -d$duration, $rounds rounds each, alternating khabar / nginx"
say ""

# ---- the database -------------------------------------------------------------------------
db="$work/bench.db"
"$bin" --db "$db" init 2>/dev/null

if [ "$narticles" -gt 0 ]; then
  mkdir -p "$work/articles"
  t0=$(now)
  # Our own page text: 6 sections, distinct headlines, dates 2015..2024 (all in the past),
  # five paragraphs of 35-60 words drawn from a small vocabulary, a source line.
  awk -v n="$narticles" -v dir="$work/articles" 'BEGIN {
    srand(20241113)
    nw = split("المدينة المجلس الطلاب المكتبة الحديقة الميناء المزارعون السوق القطار المستشفى " \
               "البلدية المتحف الفريق الجامعة المصنع الصيادون الحكومة البرلمان الوزير الاقتصاد " \
               "الطاقة المياه الزراعة التعليم الصحة النقل الثقافة الرياضة الشباب التجارة " \
               "الاستثمار الميزانية المشروع الطريق الجسر المطار المدرسة المسرح المعرض المهرجان", w, " ")
    ns = split("سياسة اقتصاد رياضة ثقافة علوم منوعات", sec, " ")
    nm = split("يناير فبراير مارس أبريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر ديسمبر", mon, " ")
    for (i = 1; i <= n; i++) {
      f = sprintf("%s/a%06d.txt", dir, i)
      print sec[1 + (i % ns)] > f
      h = ""
      for (k = 0; k < 7; k++) h = h (k ? " " : "") w[1 + int(rand() * nw)]
      print h " " i > f
      l = ""
      for (k = 0; k < 18; k++) l = l (k ? " " : "") w[1 + int(rand() * nw)]
      print l "." > f
      print (1 + int(rand() * 28)) " " mon[1 + int(rand() * nm)] " " (2015 + int(rand() * 10)) > f
      print "" > f
      for (p = 0; p < 5; p++) {
        s = ""
        m = 35 + int(rand() * 26)
        for (k = 0; k < m; k++) s = s (k ? " " : "") w[1 + int(rand() * nw)]
        print s "." > f
        print "" > f
      }
      print "مصدر: خبر - بيانات تجريبية" > f
      close(f)
    }
  }'
  t1=$(now)
  say "generated $narticles page-text files in $(elapsed "$t0" "$t1") s"
  # One import command per batch of 5000 files: each batch is one transaction.
  find "$work/articles" -name 'a*.txt' -print0 | sort -z |
    xargs -0 -n 5000 "$bin" --db "$db" import page-text -q >"$work/import.log" 2>&1 ||
    { cat "$work/import.log"; die "importing the generated articles failed"; }
  t2=$(now)
  secs=$(elapsed "$t1" "$t2")
  rate=$(awk -v n="$narticles" -v s="$secs" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }')
  say "imported $narticles articles in $secs s ($rate articles/s)"
  rm -rf "$work/articles"
fi

ref_file="$work/trt-article.txt"
if [ -r "$shared/fixtures/trt-article.txt" ]; then
  cp "$shared/fixtures/trt-article.txt" "$ref_file"
else
  say "note: $shared/fixtures/trt-article.txt not found: benchmarking a page of our own"
  printf '%s\n' 'سياسة' 'عنوان صفحة القياس' 'ملخص صفحة القياس.' '13 نوفمبر 2024' '' \
    "$(printf 'فقرة من نص صفحة القياس. %.0s' $(seq 1 60))" '' 'مصدر: خبر' >"$ref_file"
fi
imp=$("$bin" --db "$db" import page-text "$ref_file" 2>&1) || { say "$imp"; die "importing the reference page failed"; }
url_path=$(printf '%s\n' "$imp" | sed -n 's|^.*: created \(/[^ ]*\) .*$|\1|p; s|^.*: updated \(/[^ ]*\) .*$|\1|p' | head -n1)
[ -n "$url_path" ] || { say "$imp"; die "could not find the article's URL in the import output"; }
url_path=$(pct "$url_path")
say "database: $(du -h "$db" | cut -f1) ($(du -ch "$db"* | tail -n1 | cut -f1) with WAL)"

# ---- khabar serve -------------------------------------------------------------------------
serve_args=(serve --listen 127.0.0.1:0)
if "$bin" serve --help 2>/dev/null | grep -q -- '--threads'; then
  serve_args+=(--threads "$threads")
fi
"$bin" --db "$db" "${serve_args[@]}" >"$work/serve.out" 2>"$work/serve.err" &
kb_pid=$!
kb_port=
for _ in $(seq 1 300); do # up to 30 s for the ready line
  kb_port=$(sed -n 's|^khabar: serving http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$work/serve.err" | head -n1)
  [ -n "$kb_port" ] && break
  kill -0 "$kb_pid" 2>/dev/null || { cat "$work/serve.err"; die "khabar serve exited"; }
  sleep 0.1
done
[ -n "$kb_port" ] || { cat "$work/serve.err"; die "khabar serve printed no ready line in 30 s"; }
kb_url="http://127.0.0.1:$kb_port$url_path"

# ---- the same bytes for nginx -------------------------------------------------------------
www="$work/www"
mkdir -p "$www" "$work/nginx-tmp"
# nginx's workers run as an unprivileged user: let them through to the page (only).
chmod 711 "$work"
chmod 755 "$www"
curl -sf -D "$work/kb.headers" -o "$www/article.html" "$kb_url" || die "GET $kb_url failed"
curl -sf -H 'Accept-Encoding: gzip' -D "$work/kb-gz.headers" -o "$www/article.html.gz" "$kb_url" ||
  die "GET $kb_url (gzip) failed"
grep -qi '^content-encoding: *gzip' "$work/kb-gz.headers" ||
  die "khabar did not gzip the page on request (see $work/kb-gz.headers)"
cmp -s <(gzip -dc "$www/article.html.gz") "$www/article.html" ||
  die "khabar's gzip body does not decompress to its identity body"
touch -r "$www/article.html" "$www/article.html.gz"
chmod 644 "$www/article.html" "$www/article.html.gz"

# Copy khabar's caching and security headers so both answers are about the same size.
extra_headers=""
for h in Cache-Control Content-Security-Policy X-Content-Type-Options Referrer-Policy X-Frame-Options; do
  v=$(grep -i "^$h:" "$work/kb.headers" | head -n1 | cut -d: -f2- | sed 's/^ *//; s/\r$//' || true)
  [ -n "$v" ] && extra_headers+="      add_header $h \"${v//\"/}\" always;"$'\n'
done
ngx_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null ||
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
cat >"$work/nginx.conf" <<EOF
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx-tmp/body;
  proxy_temp_path $work/nginx-tmp/proxy;
  fastcgi_temp_path $work/nginx-tmp/fastcgi;
  uwsgi_temp_path $work/nginx-tmp/uwsgi;
  scgi_temp_path $work/nginx-tmp/scgi;
  types { text/html html; }
  default_type application/octet-stream;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_requests 1000000;
  open_file_cache max=16 inactive=60s;
  server_tokens off;
  server {
    listen 127.0.0.1:$ngx_port;
    root $www;
    charset utf-8;
    location = /article.html {
      gzip_static on;
      gzip_vary on;
$extra_headers    }
  }
}
EOF
"$nginx_bin" -e "$work/nginx-error.log" -p "$work" -c "$work/nginx.conf" -g 'daemon off;' &
ngx_pid=$!
ngx_url="http://127.0.0.1:$ngx_port/article.html"
for _ in $(seq 1 100); do
  curl -sf -o /dev/null "$ngx_url" && break
  kill -0 "$ngx_pid" 2>/dev/null || { cat "$work/nginx-error.log"; die "nginx exited"; }
  sleep 0.1
done
curl -sf -o "$work/ngx.html" "$ngx_url" || { tail -n 3 "$work/nginx-error.log"; die "nginx does not answer on $ngx_url"; }
cmp -s "$work/ngx.html" "$www/article.html" || die "nginx does not serve the same bytes"
curl -sf -H 'Accept-Encoding: gzip' -D "$work/ngx-gz.headers" -o "$work/ngx.html.gz" "$ngx_url"
cmp -s "$work/ngx.html.gz" "$www/article.html.gz" || say "note: nginx's gzip body differs from khabar's"

size_id=$(wc -c <"$www/article.html")
size_gz=$(wc -c <"$www/article.html.gz")
say "page: $url_path"
say "      $size_id bytes identity, $size_gz bytes gzip; the same bytes from both servers"
say "khabar: pid $kb_pid, $kb_url"
say "nginx:  pid $ngx_pid, $ngx_url"
say ""

# ---- load -----------------------------------------------------------------------------------
# One wrk run: prints req/s (0 when wrk failed), appends problems to $work/problems.
run_wrk() { # name url [header]
  local name=$1 url=$2 out rps
  shift 2
  out=$(wrk -t"$threads" -c"$conns" -d"$duration" "$@" "$url" 2>&1) || true
  rps=$(printf '%s\n' "$out" | awk '/^Requests\/sec:/ { print $2 }')
  if [ -z "$rps" ]; then
    printf '%s: wrk failed: %s\n' "$name" "$(printf '%s\n' "$out" | head -n1)" >>"$work/problems"
  fi
  if printf '%s\n' "$out" | grep -qE 'Non-2xx|Socket errors'; then
    printf '%s: %s\n' "$name" "$(printf '%s\n' "$out" | grep -E 'Non-2xx|Socket errors' | tr -s ' ' | paste -sd';')" \
      >>"$work/problems"
  fi
  echo "${rps:-0}"
}

stats() { # file of numbers -> "median min max"
  sort -g "$1" | awk '{ v[NR] = $1 } END {
    if (NR == 0) { print "0 0 0"; exit }
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "%.0f %.0f %.0f\n", m, v[1], v[NR] }'
}

bench_pair() { # label [wrk header args...]
  local label=$1 r a b
  shift
  : >"$work/a" && : >"$work/b"
  # warm both (caches, connections), not counted
  wrk -t"$threads" -c"$conns" -d2s "$@" "$kb_url" >/dev/null 2>&1 || true
  wrk -t"$threads" -c"$conns" -d2s "$@" "$ngx_url" >/dev/null 2>&1 || true
  for r in $(seq 1 "$rounds"); do
    a=$(run_wrk "khabar $label" "$kb_url" "$@")
    b=$(run_wrk "nginx $label" "$ngx_url" "$@")
    echo "$a" >>"$work/a"
    echo "$b" >>"$work/b"
    printf '  round %d  khabar %10.0f req/s   nginx %10.0f req/s\n' "$r" "$a" "$b"
  done
  read -r am amin amax < <(stats "$work/a")
  read -r bm bmin bmax < <(stats "$work/b")
  ratio=$(awk -v a="$am" -v b="$bm" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')
  printf '  %-8s khabar median %8s req/s (min–max %s–%s)\n' "$label" "$am" "$amin" "$amax"
  printf '  %-8s nginx  median %8s req/s (min–max %s–%s)\n' "$label" "$bm" "$bmin" "$bmax"
  printf '  %-8s ratio khabar/nginx %s\n' "$label" "$ratio"
  summary+=$(printf '%-9s khabar %8s (%s–%s)  nginx %8s (%s–%s)  ratio %s' \
    "$label" "$am" "$amin" "$amax" "$bm" "$bmin" "$bmax" "$ratio")$'\n'
}

summary=""
say "identity (no Accept-Encoding):"
bench_pair identity
say ""
say "gzip (Accept-Encoding: gzip):"
bench_pair gzip -H 'Accept-Encoding: gzip'
say ""

hwm=$(awk '/^VmHWM:/ { print $2, $3 }' "/proc/$kb_pid/status" 2>/dev/null || echo '?')
rss=$(awk '/^VmRSS:/ { print $2, $3 }' "/proc/$kb_pid/status" 2>/dev/null || echo '?')
say "summary ($narticles generated articles + the reference page; wrk -t$threads -c$conns -d$duration; req/s median (min–max))"
printf '%s' "$summary"
say "khabar memory after the load: VmHWM $hwm (peak), VmRSS $rss (now)"
if [ -s "$work/problems" ]; then
  say "problems reported by wrk (a benchmark with errors is not a result):"
  sed 's/^/  /' "$work/problems"
fi
say "load average now: $(cut -d' ' -f1-3 /proc/loadavg) — figures move ±40% on a shared 2-core machine; compare the ratios."
say ""
# Articles published per second through the admin API, 1 and 4 clients, beside WordPress's
# and Ghost's reference figures (bench/publish.sh; KB_BENCH_PUBLISH=0 leaves it out).
if [ "${KB_BENCH_PUBLISH:-1}" != 0 ]; then
  KHABAR_BIN=$bin "$repo/bench/publish.sh" || say "bench: bench/publish.sh could not run"
  say ""
fi
# A 1 GB WordPress export: the importer's peak memory beside a 10 MB one (bench/wxr-1g.sh;
# KB_BENCH_WXR_MB=0 leaves it out).
if [ "${KB_BENCH_WXR_MB:-1024}" != 0 ]; then
  KHABAR_BIN=$bin "$repo/bench/wxr-1g.sh" || say "bench: bench/wxr-1g.sh could not run"
fi
say "(kept in ${log#"$repo"/})"
exit 0
