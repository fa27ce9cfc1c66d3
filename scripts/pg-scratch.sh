#!/usr/bin/env bash
# pg-scratch.sh — a throwaway PostgreSQL 15 cluster for the tests (docs/store.md, "Testing").
#
#   scripts/pg-scratch.sh start DIR   make a cluster in DIR (which must not hold a running
#                                     one), start it, print its connection URL on stdout
#   scripts/pg-scratch.sh stop DIR    stop the cluster in DIR by its postmaster's pid and
#                                     remove DIR
#   scripts/pg-scratch.sh url DIR     print the URL of the cluster in DIR
#
# The cluster listens on a unix socket in DIR only (listen_addresses = ''), so it takes no
# TCP port and cannot clash with another cluster: the "port" in the URL only names the
# socket file (DIR/.s.PGSQL.<port>).  fsync, full_page_writes and synchronous_commit are
# off: it is thrown away after the run.  Authentication is trust over the socket, whose
# directory is mode 0700 — only its owner (and root) can reach it.
#
# initdb refuses to run as root, so as root the cluster runs as the unprivileged user
# `nobody` (runuser); DIR is then created owned by nobody.  DIR's parent directories must be
# searchable by that user, so keep DIR under /tmp (ctest uses /tmp/khabar-pg-<hash>).
# A stale cluster left in DIR by a killed run is stopped (by its pid) and replaced.
# Exit status: 0 ok, 1 failure, 2 usage.
set -euo pipefail

usage() {
  echo "usage: pg-scratch.sh start|stop|url DIR" >&2
  exit 2
}
[ $# -eq 2 ] || usage
cmd=$1
dir=$2
case $dir in
  /*) ;;
  *) dir=$PWD/$dir ;;
esac

bindir=${KB_PG_BINDIR:-}
if [ -z "$bindir" ]; then
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
    bindir=$(pg_config --bindir)
  else
    bindir=/usr/lib/postgresql/15/bin
  fi
fi
port=5432
role=khabar

die() {
  echo "pg-scratch: $*" >&2
  exit 1
}

as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u nobody -- "$@"
  else
    "$@"
  fi
}

url() {
  echo "postgresql://$role@/postgres?host=$dir&port=$port"
}

# The postmaster's pid from DIR/data/postmaster.pid, when that process is alive.
live_pid() {
  local f=$dir/data/postmaster.pid pid
  [ -r "$f" ] || return 1
  pid=$(head -n1 "$f")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  # Only a postgres process: a reused pid must not be signalled.
  grep -q postgres "/proc/$pid/comm" 2>/dev/null || return 1
  echo "$pid"
}

stop() {
  local pid
  if pid=$(live_pid); then
    kill -INT "$pid" # fast shutdown: roll back and disconnect everyone
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      kill -QUIT "$pid" 2>/dev/null || true # immediate shutdown
      sleep 0.5
    fi
    kill -0 "$pid" 2>/dev/null && die "$dir: postmaster $pid does not stop"
  fi
  rm -rf "$dir"
}

start() {
  [ -x "$bindir/initdb" ] || die "no initdb in $bindir (install postgresql, or set KB_PG_BINDIR)"
  if [ -e "$dir" ]; then
    stop # a stale cluster from an earlier run
  fi
  [ ${#dir} -le 90 ] || die "$dir: too long for a unix socket path"
  mkdir -p "$dir"
  chmod 700 "$dir"
  if [ "$(id -u)" = 0 ]; then
    id nobody >/dev/null 2>&1 || die "running as root needs the user 'nobody' to run initdb"
    chown nobody: "$dir"
  fi
  as_owner "$bindir/initdb" -D "$dir/data" -U "$role" --auth=trust -E UTF8 --locale=C.UTF-8 \
    --no-sync >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2
    die "initdb failed in $dir/data"
  }
  cat >>"$dir/data/postgresql.conf" <<EOF
listen_addresses = ''
unix_socket_directories = '$dir'
port = $port
fsync = off
full_page_writes = off
synchronous_commit = off
max_connections = 60
shared_buffers = 32MB
EOF
  as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null || {
    cat "$dir/server.log" >&2 || true
    die "the server did not start (log above)"
  }
  url
}

case $cmd in
  start) start ;;
  stop) stop ;;
  url) url ;;
  *) usage ;;
esac
