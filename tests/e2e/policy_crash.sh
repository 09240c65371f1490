#!/usr/bin/env bash
# Crash safety of `policy apply` on an image's SOFTWARE+SYSTEM pair: N runs
# (default 200), alternating two change lists that differ in both hives, each
# killed with SIGKILL at a random moment. Every third run sets
# SECPROTO_TEST_PAIR_PAUSE_MS (a pause after the first of the two renames) and
# every third SECPROTO_TEST_COMMIT_PAUSE_MS (before the renames), so that many
# kills land inside the commit. After each kill:
#   - with an intent journal left, a read-only command exits 3, names
#     `policy recover` and writes nothing;
#   - `policy recover` finishes or undoes the apply;
#   - both hives open with hivexget and reglookup and are both old or both new.
# Usage: tests/e2e/policy_crash.sh [path/to/secproto] [trials]
set -uo pipefail

B=${1:-build/secproto}
B=$(cd "$(dirname "$B")" && pwd)/$(basename "$B")
N=${2:-200}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/policy_lib.sh"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1

make_image img || { echo "cannot build the image"; exit 1; }
C=img/Windows/System32/config
python3 "$HERE/policy_changes.py" 0 c0.json && python3 "$HERE/policy_changes.py" 1 c1.json || exit 1
$B policy apply c0.json --target image:img >/dev/null || { echo "first apply failed"; exit 1; }

state() { pair_state "$C"; }  # "0", "1", or what the hives hold

start=$(date +%s%N)
$B policy apply c1.json --target image:img >/dev/null
$B policy apply c0.json --target image:img >/dev/null
span_us=$((($(date +%s%N) - start) / 2000))
[ "$span_us" -lt 1000 ] && span_us=1000
pause_ms=30

cur=0 old=0 new=0 failed=0 journal=0 finished=0 undone=0 none=0 refused=0 trials=0
deadline=$((SECONDS + ${POLICY_CRASH_SECONDS:-600}))
for ((i = 0; i < N && SECONDS < deadline; i++)); do
  want=$((1 - cur))
  window_us=$span_us
  case $((i % 3)) in
    1) export SECPROTO_TEST_PAIR_PAUSE_MS=$pause_ms; unset SECPROTO_TEST_COMMIT_PAUSE_MS
       window_us=$((span_us + pause_ms * 1000)) ;;
    2) export SECPROTO_TEST_COMMIT_PAUSE_MS=$pause_ms; unset SECPROTO_TEST_PAIR_PAUSE_MS
       window_us=$((span_us + pause_ms * 1000)) ;;
    *) unset SECPROTO_TEST_PAIR_PAUSE_MS SECPROTO_TEST_COMMIT_PAUSE_MS ;;
  esac
  $B policy apply c$want.json --target image:img >/dev/null 2>&1 &
  pid=$!
  delay_us=$(((RANDOM * 32768 + RANDOM) % window_us))
  sleep "$(printf '0.%06d' "$delay_us")"
  kill -9 $pid 2>/dev/null
  wait $pid 2>/dev/null
  unset SECPROTO_TEST_PAIR_PAUSE_MS SECPROTO_TEST_COMMIT_PAUSE_MS
  trials=$((trials + 1))
  if [ -e $C/.SOFTWARE.secproto-journal ]; then
    journal=$((journal + 1))
    sum=$(cat $C/SOFTWARE $C/SYSTEM | md5sum)
    $B policy check c0.json --target image:img >/dev/null 2>err.txt; rc=$?
    if [ $rc = 3 ] && grep -q 'policy recover' err.txt && [ "$(cat $C/SOFTWARE $C/SYSTEM | md5sum)" = "$sum" ] &&
      [ -e $C/.SOFTWARE.secproto-journal ]; then
      refused=$((refused + 1))
    else
      failed=$((failed + 1)); echo "trial $i: a reader did not refuse the half-applied pair (rc $rc)"
    fi
  fi
  out=$($B --json policy recover --target image:img 2>/dev/null) || { failed=$((failed + 1)); echo "trial $i: recover failed"; }
  case "$out" in
    *'"action": "finished"'*) finished=$((finished + 1)) ;;
    *'"action": "undone"'*) undone=$((undone + 1)) ;;
    *) none=$((none + 1)) ;;
  esac
  if ! reglookup $C/SOFTWARE >/dev/null 2>&1 || ! reglookup $C/SYSTEM >/dev/null 2>&1; then
    failed=$((failed + 1)); echo "trial $i: reglookup cannot read a hive"; continue
  fi
  s=$(state)
  if [ "$s" = "$cur" ]; then
    old=$((old + 1))
  elif [ "$s" = "$want" ]; then
    new=$((new + 1)); cur=$want
  else
    failed=$((failed + 1)); echo "trial $i: expected both $cur or both $want, found $s"
  fi
done
leftovers=$(find $C -name '.*secproto-*' ! -name '*.lock' | wc -l)
[ "$leftovers" = 0 ] || { failed=$((failed + 1)); find $C -name '.*secproto-*'; }

echo "policy crash safety: $trials SIGKILLed policy apply runs on a SOFTWARE+SYSTEM pair: $old both old, $new both new, $failed failed; $journal left an intent journal (a reader refused $refused of them with exit 3); recover finished $finished, undid $undone, found nothing in $none; files left after recovery: $leftovers"
if [ "$failed" = 0 ] && [ "$trials" -ge 1 ]; then
  echo "1 passed, 0 failed"
  exit 0
fi
echo "0 passed, 1 failed"
exit 1
