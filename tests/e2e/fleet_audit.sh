#!/usr/bin/env bash
# `secproto audit` end to end on a generated fleet of 200 machines (the bench
# generator, seeded) plus hand-made show --json inputs: the classes match what
# the generator made, JSON/CSV shapes, exit codes 0/1/2/3.
#   fleet_audit.sh SECPROTO_BINARY SOURCE_DIR
set -uo pipefail
BIN=$1 SRC=$2
command -v python3 >/dev/null || { echo "SKIP: python3 is not installed"; exit 77; }
WORK=$(mktemp -d /tmp/secproto-fleet-audit.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
passed=0 failed=0
pass() { echo "ok   $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; failed=$((failed + 1)); }

made=$(python3 "$SRC/bench/gen_fleet.py" "$WORK/fleet" 200 --seed 7)
echo "generator: $made"
"$BIN" --json audit "$WORK/fleet" --policy modern --csv "$WORK/r.csv" > "$WORK/r.json"; rc=$?
[ $rc -eq 1 ] && pass "mixed fleet exits 1" || fail "mixed fleet exit $rc"
got=$(python3 - "$WORK/r.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
s = d["summary"]
assert s["total"] == len(d["machines"]) == 200, s
assert sum(s[c] for c in ["compliant","drift","missing","wrong-type","one-view","invalid","unreadable"]) == 200
keys = {"host","input","kind","class","architecture","view64","view32","detail"}
assert all(set(m) == keys for m in d["machines"])
print(" ".join("%s=%d" % (c, s[c]) for c in ["compliant","drift","missing","wrong-type","one-view","invalid"]))
PY
)
[ "$got" = "$made" ] && pass "classes match the generator ($got)" || fail "classes: audit $got, generator $made"
[ "$(wc -l < "$WORK/r.csv")" -eq 201 ] && pass "CSV: header + 200 rows" || fail "CSV lines $(wc -l < "$WORK/r.csv")"
head -1 "$WORK/r.csv" | grep -q '^host,class,kind,architecture,view64,view32,detail,input' \
  && pass "CSV header" || fail "CSV header"

# Only compliant machines: exit 0. The show --json input kind and a sub-folder walk.
mkdir -p "$WORK/ok/sub"
python3 "$SRC/bench/gen_fleet.py" "$WORK/gen" 40 --seed 3 >/dev/null
for f in $("$BIN" --json audit "$WORK/gen" --policy modern | python3 -c '
import json,sys
for m in json.load(sys.stdin)["machines"]:
    if m["class"] == "compliant": print(m["input"])'); do cp "$f" "$WORK/ok/sub/"; done
cat > "$WORK/ok/pc-json.json" <<'J'
{"target":"live","architecture":"64-bit","views":{"64":{"key_exists":true,"value_exists":true,"type_code":4,"raw":"00280000"},"32":{"key_exists":true,"value_exists":true,"type_code":4,"raw":"00280000"}},"findings":[]}
J
"$BIN" audit "$WORK/ok" --policy modern -q; rc=$?
[ $rc -eq 0 ] && pass "all compliant exits 0" || fail "all compliant exit $rc"
n=$("$BIN" --json audit "$WORK/ok" --policy modern | python3 -c 'import json,sys; print(json.load(sys.stdin)["summary"]["total"])')
[ "$n" -gt 1 ] && pass "folder walked ($n machines, .reg and json)" || fail "walk found $n"

# Broken inputs are counted, never fatal; nothing readable exits 3.
mkdir -p "$WORK/bad"
printf 'garbage' > "$WORK/bad/a.reg"
printf '{"error":{"code":"denied","message":"access denied","exit_code":3}}' > "$WORK/bad/b.json"
out=$("$BIN" --json audit "$WORK/bad" "$WORK/missing.reg" --policy modern); rc=$?
[ $rc -eq 3 ] && pass "nothing readable exits 3" || fail "nothing readable exit $rc"
echo "$out" | grep -q '"unreadable":2' && echo "$out" | grep -q '"invalid":1' \
  && pass "invalid and unreadable counted" || fail "broken inputs: $out"
"$BIN" audit "$WORK/ok" --policy 0x1000 >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] && pass "bad --policy exits 2" || fail "bad policy exit $rc"
"$BIN" audit "$WORK/ok" >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] && pass "missing --policy exits 2" || fail "missing policy exit $rc"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
