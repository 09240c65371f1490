#!/usr/bin/env bash
# Fleet audit benchmark: audits N generated `reg export` files and compares the
# time with merely reading the same files (cat of every file to /dev/null via
# find | xargs), and reports peak RSS (GNU time -v).
#   bench/audit_bench.sh [N...]        default: 10000 100000
# Needs: a built build/secproto, python3, /usr/bin/time (Debian package `time`).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${SECPROTO_BIN:-build/secproto}
[ -x "$BIN" ] || { echo "build $BIN first (scripts/build)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
WORK=${BENCH_DIR:-$(mktemp -d /tmp/secproto-fleet-bench.XXXXXX)}
trap '[ -z "${BENCH_KEEP:-}" ] && rm -rf "$WORK"' EXIT
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(10000 100000)

best() {  # best wall time in seconds of 3 runs of "$@"
  local b="" t
  for _ in 1 2 3; do
    /usr/bin/time -f %e -o "$WORK/t" "$@" >/dev/null 2>&1 || true
    t=$(tail -1 "$WORK/t")
    if [ -z "$b" ] || awk "BEGIN{exit !($t < $b)}"; then b=$t; fi
  done
  echo "$b"
}
rss() {  # peak RSS in MB of one run of "$@"
  /usr/bin/time -v -o "$WORK/v" "$@" >/dev/null 2>&1 || true
  awk '/Maximum resident/ {printf "%.1f", $6 / 1024}' "$WORK/v"
}

printf "%-8s %-8s %8s %8s %7s %9s %9s %9s\n" machines jobs cat_s audit_s ratio rss_MB rss_json rss_html
for n in "${sizes[@]}"; do
  dir="$WORK/fleet-$n"
  [ -d "$dir" ] || python3 bench/gen_fleet.py "$dir" "$n" >/dev/null
  # Warm the page cache, then time both sides hot.
  find "$dir" -type f -print0 | xargs -0 cat >/dev/null
  cat_s=$(best sh -c "find '$dir' -type f -print0 | xargs -0 cat >/dev/null")
  audit_s=$(best "$BIN" audit "$dir" --policy modern -q --no-progress)
  ratio=$(awk "BEGIN{printf \"%.2f\", $audit_s / $cat_s}")
  r=$(rss "$BIN" audit "$dir" --policy modern -q --no-progress)
  rj=$(rss "$BIN" --json audit "$dir" --policy modern --no-progress)
  rh=$(rss "$BIN" audit "$dir" --policy modern -q --no-progress --html "$WORK/r.html" --csv "$WORK/r.csv")
  printf "%-8s %-8s %8s %8s %7s %9s %9s %9s\n" "$n" "$(nproc)" "$cat_s" "$audit_s" "${ratio}x" "$r" "$rj" "$rh"
done
