#!/usr/bin/env bash
# `policy apply` on an image pair of realistic size against `hivexregedit
# --merge` committing the same changes to both hives, side by side in one run.
# Builds a SOFTWARE hive of at least 50 MB (bulk values under SOFTWARE\Bulk,
# written by secproto itself) and a SYSTEM hive, then for R rounds copies the
# pair twice and times both tools on fresh copies (the copy is not timed).
# Prints the median of each and the ratio secproto / hivexregedit.
#   bench/policy_apply_bench.sh [POLICY] [ROUNDS] [OS]
# POLICY (default `modern`) is a template or policy file: secproto applies it
# compiled for OS (default ws2022, `policy apply POLICY --os OS`), and
# hivexregedit merges the same compiled changes (`policy compile --json`,
# turned into two .reg files). POLICY `changes` times tests/e2e/policy_changes.py's
# 37-value change list instead. Needs hivexregedit (libwin-hivex-perl).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
B=$ROOT/${SECPROTO_BIN:-build/secproto}
[ -x "$B" ] || { echo "build $B first (scripts/build)" >&2; exit 2; }
command -v hivexregedit >/dev/null || { echo "needs hivexregedit (apt-get install libwin-hivex-perl)" >&2; exit 2; }
POLICY=${1:-modern}
ROUNDS=${2:-5}
OS=${3:-ws2022}
W=$(mktemp -d /tmp/secproto-policy-bench.XXXXXX)
trap '[ -z "${BENCH_KEEP:-}" ] && rm -rf "$W"' EXIT
. tests/e2e/policy_lib.sh
cd "$W"

make_image base
C=Windows/System32/config
# Bulk data: 2,000 keys in 20 groups, one 26 KB REG_BINARY value each (about
# 53 MB), plus 20,000 small keys with a DWORD each.
python3 - <<'PY'
import json, os
ch = []
for g in range(20):
    for k in range(100):
        ch.append({"view": "64", "key": "HKLM\\SOFTWARE\\Bulk\\G%02d\\K%03d" % (g, k), "name": "Data",
                   "type": 3, "data": os.urandom(26624).hex(), "effect": "next-process"})
    for k in range(1000):
        ch.append({"view": "64", "key": "HKLM\\SOFTWARE\\Small\\G%02d\\K%04d" % (g, k), "name": "N",
                   "type": 4, "data": k.to_bytes(4, "little").hex(), "effect": "next-process"})
json.dump({"format": "secproto-changes", "version": 1, "changes": ch}, open("bulk.json", "w"))
PY
"$B" policy apply bulk.json --target image:base >/dev/null
rm bulk.json
if [ "$POLICY" = changes ]; then
  python3 "$ROOT/tests/e2e/policy_changes.py" 0 changes.json soft.reg sys.reg ControlSet001
  POLICY=$W/changes.json APPLY=("$POLICY")
else
  # A relative policy file is relative to where the bench was started.
  [ -f "$ROOT/$POLICY" ] && POLICY=$ROOT/$POLICY
  "$B" --json policy compile "$POLICY" --os "$OS" >compiled.json
  python3 "$ROOT/tests/e2e/policy_changes.py" --from-compile compiled.json changes.json soft.reg sys.reg ControlSet001
  APPLY=("$POLICY" --os "$OS")
fi
soft_mb=$(du -m base/$C/SOFTWARE | cut -f1)
sys_kb=$(du -k base/$C/SYSTEM | cut -f1)

now() { date +%s%N; }
sp=() hx=()
for ((r = 0; r < ROUNDS; r++)); do
  rm -rf a b; cp -r base a; cp -r base b; sync
  t0=$(now)
  "$B" policy apply "${APPLY[@]}" --target image:a >/dev/null
  t1=$(now)
  hivexregedit --merge --prefix 'HKEY_LOCAL_MACHINE\SOFTWARE' b/$C/SOFTWARE soft.reg
  hivexregedit --merge --prefix 'HKEY_LOCAL_MACHINE\SYSTEM' b/$C/SYSTEM sys.reg
  t2=$(now)
  sp+=($(((t1 - t0) / 1000000))) hx+=($(((t2 - t1) / 1000000)))
done
# Both tools wrote the same values.
for h in SOFTWARE SYSTEM; do
  hivexregedit --export a/$C/$h '\' >a.$h.reg
  hivexregedit --export b/$C/$h '\' >b.$h.reg
  cmp -s a.$h.reg b.$h.reg || echo "note: the $h exports differ (order or content): diff $W/a.$h.reg $W/b.$h.reg" >&2
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
msp=$(median "${sp[@]}") mhx=$(median "${hx[@]}")
ratio=$(awk "BEGIN{printf \"%.2f\", $msp / ($mhx > 0 ? $mhx : 1)}")
echo "policy apply bench: SOFTWARE ${soft_mb} MB, SYSTEM ${sys_kb} KB, $(grep -c '"key"' changes.json) values, $ROUNDS rounds"
echo "  secproto policy apply $(basename "${APPLY[0]}")${APPLY[1]:+ ${APPLY[*]:1}}: median ${msp} ms (runs: ${sp[*]})"
echo "  hivexregedit --merge (both hives): median ${mhx} ms (runs: ${hx[*]})"
echo "  ratio secproto / hivexregedit: $ratio (goal: 1.5 or less)"
