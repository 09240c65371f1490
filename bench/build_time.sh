#!/usr/bin/env bash
# Build times on this machine, with ccache disabled, before and after the
# build-speed options (SECPROTO_PCH: precompiled CLI11/nlohmann-json/
# googletest headers; SECPROTO_LINE_TABLES: -g1 for the CLI and the tests):
#   1. a cold build of the `secproto` target;
#   2. a one-file change in src/cli (cmd_hive.cc touched) rebuilt;
#   3. a cold full build (the library, the CLI and the 650-test binary).
#   bench/build_time.sh [JOBS]     JOBS defaults to the number of cores
# Each build is in a fresh folder under $BENCH_DIR (default: a temp folder).
# Run it on an otherwise idle machine: the figures are wall-clock seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
src=$PWD
jobs=${1:-$(nproc)}
WORK=${BENCH_DIR:-$(mktemp -d /tmp/secproto-build-time.XXXXXX)}
trap '[ -z "${BENCH_KEEP:-}" ] && rm -rf "$WORK"' EXIT
export CCACHE_DISABLE=1 SECPROTO_NO_CCACHE=1

secs() {  # wall seconds of "$@"
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >/dev/null
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }'
}

run() {  # NAME CMAKE-FLAGS...: prints "NAME cold-secproto incremental cold-full"
  local name=$1; shift
  local b=$WORK/$name
  cmake -S "$src" -B "$b" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
  local cold inc full
  cold=$(secs ninja -C "$b" -j "$jobs" secproto)
  touch "$src/src/cli/cmd_hive.cc"
  inc=$(secs ninja -C "$b" -j "$jobs" secproto)
  rm -rf "$b"
  cmake -S "$src" -B "$b" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
  full=$(secs ninja -C "$b" -j "$jobs")
  rm -rf "$b"
  echo "$name $cold $inc $full"
}

echo "build times in seconds, $jobs jobs, $(nproc) cores, ccache disabled"
printf '%-8s %14s %22s %12s\n' "" "cold secproto" "one src/cli file" "cold full"
before=$(run before -DSECPROTO_PCH=OFF -DSECPROTO_LINE_TABLES=OFF)
after=$(run after -DSECPROTO_PCH=ON -DSECPROTO_LINE_TABLES=ON)
for r in "$before" "$after"; do
  read -r n c i f <<<"$r"
  printf '%-8s %14s %22s %12s\n' "$n" "$c" "$i" "$f"
done
read -r _ c0 i0 f0 <<<"$before"
read -r _ c1 i1 f1 <<<"$after"
awk -v c0="$c0" -v c1="$c1" -v i0="$i0" -v i1="$i1" -v f0="$f0" -v f1="$f1" \
  'BEGIN { printf "after/before %14.2f %22.2f %12.2f\n", c1 / c0, i1 / i0, f1 / f0 }'
