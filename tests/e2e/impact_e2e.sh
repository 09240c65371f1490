#!/usr/bin/env bash
# End-to-end test of `secproto probe` + `secproto impact` against local
# openssl s_server instances (TLS 1.0 only, TLS 1.2 only, TLS 1.2+1.3).
#   impact_e2e.sh SECPROTO SOURCE_DIR
set -euo pipefail
secproto=$1
src=$2
for tool in openssl python3; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done
dir=$(mktemp -d /tmp/impact_e2e.XXXXXX)
net=127.79.$(( $$ % 250 + 1 ))
port=$(( 20000 + $$ % 20000 ))
trap '"$src/bench/servers.sh" stop "$dir/servers"; rm -rf "$dir"' EXIT
"$src/bench/servers.sh" start "$dir/servers" 3 "$net" "$port" tls10,tls12,tls12-13
mapfile -t eps <"$dir/servers/targets"

pass=0 fail=0
check() {  # check NAME EXPECTED_RC ACTUAL_RC PYTHON_ASSERTION_ON_j
  local name=$1 want=$2 got=$3 assertion=${4:-True}
  if [ "$got" != "$want" ]; then
    echo "FAIL $name: exit $got, want $want"; cat "$dir/out.json" "$dir/err" 2>/dev/null | head -30
    fail=$((fail + 1)); return
  fi
  if [ "$assertion" = True ] ||
     python3 -c "import json,sys; j=json.load(open('$dir/out.json')); sys.exit(0 if ($assertion) else 1)"; then
    echo "ok   $name"; pass=$((pass + 1))
  else
    echo "FAIL $name: $assertion"; cat "$dir/out.json"; fail=$((fail + 1))
  fi
}
run() { set +e; "$secproto" "$@" >"$dir/out.json" 2>"$dir/err"; rc=$?; set -e; }

# Dropping TLS 1.0/1.1 and adding 1.3 on Windows 11: the TLS 1.0-only server
# breaks, the 1.2 one stays, the 1.2+1.3 one moves to TLS 1.3.
run impact --json --policy tls1.2,tls1.3 --from tls1.0,tls1.1,tls1.2 --os win11-23h2 "${eps[@]}"
check "win11: 1.0-only breaks" 1 $rc "
  [e['breaks'] for e in j['endpoints']] == [True, False, False] and
  j['endpoints'][0]['before']['version'] == 'tls1.0' and j['endpoints'][0]['after']['works'] is False and
  j['endpoints'][1]['after']['version'] == 'tls1.2' and
  j['endpoints'][2]['before']['version'] == 'tls1.2' and j['endpoints'][2]['after']['version'] == 'tls1.3' and
  j['summary']['breaks'] == 1 and j['summary']['version_changed'] == 1 and j['breaking'] == ['${eps[0]}']"
cp "$dir/out.json" "$dir/live.json"

# Windows 10 has no TLS 1.3: the explain model removes it from the policy.
run impact --json --policy tls1.2,tls1.3 --from tls1.0,tls1.1,tls1.2 --os win10-22h2 "${eps[@]}"
check "win10: no TLS 1.3" 1 $rc "
  j['endpoints'][2]['after']['version'] == 'tls1.2' and j['summary']['version_changed'] == 0 and
  0x2000 not in [j['client']['after']['effective']['value'] & 0x2000]"

# The same from saved probe results gives the same endpoints.
"$secproto" probe --json --no-progress "${eps[@]}" >"$dir/probe.jsonl"
run impact --json --policy tls1.2,tls1.3 --from tls1.0,tls1.1,tls1.2 --os win11-23h2 --probe-results "$dir/probe.jsonl"
check "--probe-results equals probing" 1 $rc "
  j['endpoints'] == json.load(open('$dir/live.json'))['endpoints']"

# Relative edits; a change that breaks nothing exits 0.
run impact --json --policy=+tls1.0 --from tls1.2 --os win11-23h2 --probe-results "$dir/probe.jsonl"
check "adding 1.0 fixes, exit 0" 0 $rc "
  [e['fixes'] for e in j['endpoints']] == [True, False, False] and j['summary']['breaks'] == 0 and
  j['client']['after']['stored']['value'] == 0x880"

# Built-in default of the OS when neither --from nor --target is given.
run impact --json --policy tls1.3 --os win11-23h2 --probe-results "$dir/probe.jsonl"
check "built-in default before" 1 $rc "
  j['client']['before']['source'] == 'builtin-default' and
  [e['breaks'] for e in j['endpoints']] == [False, True, False]"

# Bad input: exit 2, one line.
run impact --policy bogus --os win11-23h2 "${eps[0]}"
check "bad policy" 2 $rc "True"
printf '{"endpoint":"a:1","versions":{"tls1.2":{"verdict":"maybe"}}}\n' >"$dir/bad.jsonl"
run impact --policy tls1.2 --os win11-23h2 --probe-results "$dir/bad.jsonl"
check "bad probe results" 2 $rc "True"
grep -q "line 1" "$dir/err" || { echo "FAIL bad probe results: no line number"; fail=$((fail + 1)); }
run impact --policy tls1.2 --os nosuchos --probe-results "$dir/probe.jsonl"
check "unknown os" 2 $rc "True"
run impact --policy tls1.2 --os win11-23h2
check "no endpoints" 2 $rc "True"

# An endpoint nobody listens on: a probe failure, exit 3.
run impact --json --policy tls1.2 --from tls1.2 --os win11-23h2 --retries 0 --connect-timeout 2000 "$net.9:$port"
check "unreachable is exit 3" 3 $rc "
  j['endpoints'][0]['error'] is not None and j['summary']['probe_failures'] == 1"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
