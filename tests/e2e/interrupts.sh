#!/usr/bin/env bash
# SIGINT/SIGTERM end to end (issue 23, secproto/interrupt.h), through the real
# binary:
#   - `audit` over thousands of small .reg files with --csv and --html,
#     interrupted: exit 130, the summary and "interrupted after N file(s)",
#     no temp file left, the existing output files unchanged (both forms of
#     audit: --policy and --tls-policy);
#   - `policy apply` on a SOFTWARE+SYSTEM pair interrupted inside the commit
#     (the test pause hooks): exit 130, the pair fully old or fully new
#     (hivexget), no journal and no temp file left, and stderr says which;
#   - `probe --json` interrupted: the finished endpoints' lines, then the
#     "interrupted after N of M endpoints" error object, exit 130;
#   - SIGTERM is handled as SIGINT is.
# No check depends on timing: where the moment of the signal decides the
# outcome, both outcomes are accepted and each must be consistent.
# Usage: interrupts.sh SECPROTO_BINARY SOURCE_DIR
set -uo pipefail
B=$(realpath "$1")
SRC=$(realpath "$2")
for tool in python3 hivexget hivexsh; do
  command -v $tool >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done
dir=$(mktemp -d /tmp/secproto-interrupts.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  rm -rf "$dir"
}
trap cleanup EXIT
cd "$dir" || exit 1
passed=0 failed=0
. "$SRC/tests/e2e/policy_lib.sh"
has() { case "$1" in *"$2"*) ok ;; *) bad "$3: '$2' not in: $1" ;; esac; }
hasnt() { case "$1" in *"$2"*) bad "$3: '$2' in: $1" ;; *) ok ;; esac; }
# no_temps DIR WHAT: no secproto temp, link or journal file is left in DIR.
no_temps() {
  local left
  left=$(find "$1" -maxdepth 1 -name '*secproto*' | head -5)
  [ -z "$left" ] && ok || bad "$2: left behind: $left"
}
# interrupt SIGNAL DELAY CMD...: runs CMD in the background with stdout and
# stderr to $dir/out and $dir/err, sends SIGNAL after DELAY seconds; sets $rc.
interrupt() {
  local sig=$1 delay=$2; shift 2
  "$@" >"$dir/out" 2>"$dir/err" &
  local pid=$!
  sleep "$delay"
  kill -s "$sig" "$pid" 2>/dev/null
  wait "$pid"
  rc=$?
}

# 1. audit: 50,000 files on one worker, which 0.5 s does not finish (500
# generated files, hard-linked into 100 folders so that making them is quick
# and takes no space).
python3 "$SRC/bench/gen_fleet.py" "$dir/gen" 500 --seed 5 >/dev/null || { echo "gen_fleet failed"; exit 1; }
mkdir -p "$dir/fleet"
for i in $(seq 1 100); do
  cp -al "$dir/gen" "$dir/fleet/f$i" || { echo "cannot link the fleet"; exit 1; }
done
total=$(find "$dir/fleet" -type f | wc -l)
mkdir -p "$dir/reports"
force=()
"$B" audit --help 2>/dev/null | grep -q -- '--force' && force=(--force)
for form in policy tls-policy; do
  case $form in
    policy) args=(--policy modern) ;;
    tls-policy) args=(--tls-policy modern --os win10-22h2) ;;
  esac
  for mode in human json; do
    printf 'old csv\n' >"$dir/reports/r.csv"
    printf '<p>old html</p>\n' >"$dir/reports/r.html"
    json=()
    [ $mode = json ] && json=(--json)
    interrupt INT 0.5 "$B" "${json[@]}" audit "$dir/fleet" "${args[@]}" --no-progress -j 1 \
      --csv "$dir/reports/r.csv" --html "$dir/reports/r.html" "${force[@]}"
    what="audit $form ($mode)"
    out=$(cat "$dir/out") err=$(cat "$dir/err")
    if [ $rc = 130 ]; then
      ok
      has "$err" "interrupted after" "$what: stderr"
      n=$(printf '%s' "$err" | sed -n 's/.*interrupted after \([0-9]*\) file(s).*/\1/p' | head -1)
      [ -n "$n" ] && [ "$n" -lt "$total" ] && ok || bad "$what: counted '$n' of $total files"
      if [ $mode = json ]; then
        got=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["exit_code"] == 130, d["exit_code"]
assert d["interrupted"].startswith("interrupted after "), d["interrupted"]
print(d["summary"]["total"])' "$dir/out" 2>&1)
        [ "$got" = "$n" ] && ok || bad "$what: JSON summary total '$got', stderr says $n"
      else
        has "$out" " machine" "$what: prints the summary of the files done"
        hasnt "$out" "wrote " "$what: claims an output"
      fi
      [ "$(cat "$dir/reports/r.csv")" = "old csv" ] && ok || bad "$what: the existing --csv file changed"
      [ "$(cat "$dir/reports/r.html")" = "<p>old html</p>" ] && ok || bad "$what: the existing --html file changed"
    else
      bad "$what: exit $rc, want 130 (stderr: $(head -c 300 "$dir/err"))"
    fi
    no_temps "$dir/reports" "$what"
  done
done

# A second interrupt while the first is being handled exits at once, still 130
# and still without a temp file (SIGTERM as the second signal).
"$B" audit "$dir/fleet" --policy modern --no-progress -j 1 --csv "$dir/reports/t.csv" \
  >"$dir/out" 2>"$dir/err" &
pid=$!
sleep 0.5
kill -INT $pid 2>/dev/null
kill -TERM $pid 2>/dev/null
wait $pid
rc=$?
[ $rc = 130 ] && ok || bad "audit, INT then TERM: exit $rc, want 130"
[ ! -e "$dir/reports/t.csv" ] && ok || bad "audit, INT then TERM: t.csv was written"
no_temps "$dir/reports" "audit, INT then TERM"

# 2. policy apply on a hive pair, interrupted inside the commit.
make_image img || { echo "cannot build the image"; exit 1; }
C=img/Windows/System32/config
python3 "$SRC/tests/e2e/policy_changes.py" 0 c0.json &&
  python3 "$SRC/tests/e2e/policy_changes.py" 1 c1.json || exit 1
"$B" policy apply c0.json --target image:img >/dev/null || { echo "first apply failed"; exit 1; }
state() { pair_state "$C"; }  # 0 or 1: which change list the pair holds; anything else is a mix
# After an interrupted apply from $1 towards $2: exit 130, the pair is one
# whole state that stderr names, and nothing is left beside the hives.
check_apply() {
  local from=$1 to=$2 what=$3 now err
  err=$(cat "$dir/err")
  [ $rc = 130 ] && ok || bad "$what: exit $rc, want 130 (stderr: $err)"
  now=$(state)
  case $now in
    "$to") has "$err" "interrupted after the change was committed" "$what: committed" ;;
    "$from") has "$err" "secproto: interrupted" "$what: not committed"
      hasnt "$err" "committed" "$what: the pair is old" ;;
    *) bad "$what: the pair is half-applied: $now" ;;
  esac
  no_temps $C "$what"
  "$B" policy check c$now.json --target image:img >/dev/null 2>&1
  [ $? = 0 ] && ok || bad "$what: policy check c$now after the interrupt"
}
cur=0
# Between the two renames: deferred, the commit completes.
for sig in INT TERM; do
  want=$((1 - cur))
  SECPROTO_TEST_PAIR_PAUSE_MS=3000 interrupt $sig 1 "$B" policy apply c$want.json --target image:img
  check_apply $cur $want "apply, $sig between the renames"
  [ "$(state)" = $want ] && ok || bad "apply, $sig between the renames: not committed ($(state))"
  cur=$(state)
  case $cur in 0|1) ;; *) echo "the pair is broken, stopping"; exit 1 ;; esac
done
# Before the renames (after the journal): deferred as well.
want=$((1 - cur))
SECPROTO_TEST_COMMIT_PAUSE_MS=3000 interrupt INT 1 "$B" policy apply c$want.json --target image:img
check_apply $cur $want "apply, INT after the journal"
cur=$(state)
case $cur in 0|1) ;; *) echo "the pair is broken, stopping"; exit 1 ;; esac

# A single hive: interrupted before its rename it stays old, with no temp file.
"$B" hive create one.hive >/dev/null || exit 1
"$B" set 0x800 --target hive:one.hive >/dev/null 2>&1 || { echo "set on one.hive failed"; exit 1; }
SECPROTO_TEST_COMMIT_PAUSE_MS=3000 interrupt INT 1 "$B" set 0x2800 --target hive:one.hive
[ $rc = 130 ] && ok || bad "set on a hive, INT before the rename: exit $rc"
v=$(hget one.hive 'Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp' DefaultSecureProtocols)
[ "$v" = 2048 ] && ok || bad "set on a hive, INT before the rename: the hive holds $v, want the old 2048"
has "$(cat "$dir/err")" "secproto: interrupted" "set on a hive, INT before the rename"
no_temps . "set on a hive, INT before the rename"

# 3. probe --json: one endpoint refuses at once, one accepts and never
# answers; the finished one is printed as an uninterrupted run prints it.
closed=$(free_port)
start_silent_server "$dir/silent.port"
pids+=("$silent_pid")
# The silent endpoint first: its unfinished line holds back the finished one
# in the ordered stream, which the interrupt must still print.
"$B" --json probe "127.0.0.1:$closed" --timeout 2000 --retries 0 --protocols tls1.2 \
  >"$dir/closed.json" 2>/dev/null
interrupt INT 1.5 "$B" --json probe "127.0.0.1:$silent" "127.0.0.1:$closed" --timeout 600000 \
  --retries 0 --protocols tls1.2
[ $rc = 130 ] && ok || bad "probe --json interrupted: exit $rc, want 130"
python3 - "$dir/out" "$dir/closed.json" "$closed" <<'PY' && ok || bad "probe --json interrupted: $(cat "$dir/out")"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
alone = json.loads(open(sys.argv[2]).readline())
assert len(lines) == 2, lines
finished, error = lines
assert finished == alone, (finished, alone)
assert error["error"]["code"] == "interrupted", error
assert error["error"]["exit_code"] == 130, error
assert error["error"]["message"] == "interrupted after 1 of 2 endpoints", error
PY
has "$(cat "$dir/err")" "interrupted after 1 of 2 endpoints" "probe --json interrupted: stderr"

echo "interrupts: $passed passed, $failed failed"
[ "$failed" = 0 ]
