#!/usr/bin/env bash
# Crash safety of hive writes: N `secproto set` runs (default 200), alternating
# TLS 1.2 and TLS 1.3, each killed with SIGKILL at a random moment. After each
# kill the hive must open (hivexget) and hold, in both views, either the old
# value or the new one: never a mix, never a damaged file.
# Usage: tests/e2e/hive_crash.sh [path/to/secproto] [trials]
set -uo pipefail

B=${1:-build/secproto}
B=$(cd "$(dirname "$B")" && pwd)/$(basename "$B")
N=${2:-200}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
H=$T/SOFTWARE
KEY='Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp'
WKEY='Wow6432Node\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp'

$B hive create "$H" >/dev/null || exit 1
$B set tls1.2 --target "hive:$H" >/dev/null || exit 1

# How long one uninterrupted set takes, to spread the kills over it.
start=$(date +%s%N)
$B set tls1.3 --target "hive:$H" >/dev/null
$B set tls1.2 --target "hive:$H" >/dev/null
span_us=$((($(date +%s%N) - start) / 2000))
[ "$span_us" -lt 1000 ] && span_us=1000

cur=2048
old=0 new=0 failed=0 deadline=$((SECONDS + 60)) trials=0
for ((i = 0; i < N && SECONDS < deadline; i++)); do
  if [ $cur = 2048 ]; then want=8192 name=tls1.3; else want=2048 name=tls1.2; fi
  $B set $name --target "hive:$H" >/dev/null 2>&1 &
  pid=$!
  delay_us=$((RANDOM * 32768 + RANDOM))
  delay_us=$((delay_us % span_us))
  sleep "$(printf '0.%06d' "$delay_us")"
  kill -9 $pid 2>/dev/null
  wait $pid 2>/dev/null
  trials=$((trials + 1))
  v64=$(hivexget "$H" "$KEY" DefaultSecureProtocols 2>&1)
  rc64=$?
  v32=$(hivexget "$H" "$WKEY" DefaultSecureProtocols 2>&1)
  rc32=$?
  if [ $rc64 -ne 0 ] || [ $rc32 -ne 0 ]; then
    failed=$((failed + 1))
    echo "trial $i: hive does not open: $v64 / $v32"
  elif [ "$v64/$v32" = "$cur/$cur" ]; then
    old=$((old + 1))
  elif [ "$v64/$v32" = "$want/$want" ]; then
    new=$((new + 1))
    cur=$want
  else
    failed=$((failed + 1))
    echo "trial $i: expected $cur or $want in both views, found $v64 / $v32"
  fi
done
# A last clean run removes what the killed writers left behind.
$B set tls1.2 --target "hive:$H" >/dev/null || failed=$((failed + 1))
leftovers=$(find "$T" -name '.SOFTWARE.secproto-*' | wc -l)
[ "$leftovers" = 0 ] || failed=$((failed + 1))

echo "crash safety: $trials SIGKILLed set runs (each killed 0-${span_us}us after start): $old kept the old value, $new had the new value, $failed failed; temp files left after a clean run: $leftovers"
if [ "$failed" = 0 ] && [ "$trials" -ge 1 ]; then
  echo "1 passed, 0 failed"
  exit 0
fi
echo "0 passed, 1 failed"
exit 1
