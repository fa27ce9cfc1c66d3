#!/usr/bin/env bash
# install-deps.sh — install what khabar needs to build, test and run its demo, on Debian 12.
#
# Installs only what is missing, and only when run as root (otherwise it lists what to
# install and carries on, so a developer with everything present is never blocked).
#   scripts/install-deps.sh build   libraries and tools to build and serve
#   scripts/install-deps.sh check   + test tools: cmocka, clang, chromium, node packages
#   scripts/install-deps.sh bench   + nginx-light and wrk
set -euo pipefail
what=${1:-build}
cd "$(dirname "$0")/.."

pkgs=(build-essential pkg-config cmake libmicrohttpd-dev libsqlite3-dev libjansson-dev
      libicu-dev zlib1g-dev liblzma-dev libstemmer-dev libsodium-dev libgumbo-dev libxml2-dev
      libvips-dev imagemagick libpq-dev)
case $what in
  check) pkgs+=(libcmocka-dev clang libclang-rt-14-dev chromium sqlite3 python3-feedparser libxml2-utils python3-jsonschema time postgresql) ;;
  bench) pkgs+=(nginx-light wrk time) ;;
esac
# Node.js 20+ with npm for the end-to-end and browser suites (any install that provides
# both is fine; Debian's nodejs is used when none is present).
if [ "$what" = check ] && ! command -v npm >/dev/null 2>&1; then
  pkgs+=(nodejs npm)
fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "install-deps: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "install-deps: missing Debian packages (run as root to install): ${missing[*]}" >&2
  fi
fi

if [ "$what" = check ] && [ ! -d node_modules/playwright-core ]; then
  echo "install-deps: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
