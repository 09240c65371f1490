#!/usr/bin/env bash
# impact --tls-policy on the suite rig (issue 15): a CBC-only server breaks
# under the modern template (no common suite), a P-384-only server breaks
# under an X25519-only curve order (no common curve), an AES-GCM server keeps
# working; exit 1 when something breaks, 0 when nothing does. Probes once
# with `probe --suites --json` and reads the results back, and once probes
# itself.
#   impact_tls_e2e.sh SECPROTO SOURCE_DIR
set -euo pipefail
secproto=$1
src=$2
for tool in openssl python3; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done
dir=$(mktemp -d /tmp/impact_tls.XXXXXX)
net=127.81.$(( $$ % 250 + 1 ))
port=$(( 20000 + ($$ + 11) % 20000 ))
trap '"$src/bench/servers.sh" stop "$dir/servers"; rm -rf "$dir"' EXIT
"$src/bench/servers.sh" start "$dir/servers" 3 "$net" "$port" cbc,p384,gcm
cbc=$net.1:$port p384=$net.2:$port gcm=$net.3:$port

"$secproto" probe -f "$dir/servers/targets" --suites --json --no-progress >"$dir/probe.jsonl"

fail() { echo "FAIL: $*"; exit 1; }
rc=0
"$secproto" impact --tls-policy modern --os win11-24h2 --probe-results "$dir/probe.jsonl" --json \
  >"$dir/modern.json" || rc=$?
[ "$rc" = 1 ] || fail "modern: exit $rc, expected 1"
python3 - "$dir/modern.json" "$cbc" "$p384" "$gcm" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
e = {x["endpoint"]: x for x in j["endpoints"]}
cbc, p384, gcm = sys.argv[2:]
assert j["breaking"] == [cbc], j["breaking"]
assert e[cbc]["after"]["failure"] == "no-common-suite", e[cbc]
assert e[cbc]["before"]["works"] and e[cbc]["before"]["version"] == "tls1.2", e[cbc]
assert e[p384]["after"]["works"] and e[p384]["after"]["group"] == "secp384r1", e[p384]
assert e[gcm]["after"]["works"] and e[gcm]["after"]["version"] == "tls1.3", e[gcm]
assert j["client"]["before"]["source"] == "os-default"
print("modern: ok")
PY

# An X25519-only curve order, compared with modern: the P-384 server breaks.
"$secproto" policy show modern | sed 's/^order = \["x25519_mlkem768", "curve25519", "NistP256", "NistP384"\]/order = ["curve25519"]/' \
  >"$dir/x25519.toml"
grep -q '^order = \["curve25519"\]$' "$dir/x25519.toml" || fail "could not write the X25519-only policy"
rc=0
"$secproto" impact --tls-policy "$dir/x25519.toml" --from-tls-policy modern --os win11-24h2 \
  "$p384" "$gcm" >"$dir/x25519.txt" || rc=$?
[ "$rc" = 1 ] || { cat "$dir/x25519.txt"; fail "x25519 only: exit $rc, expected 1"; }
grep -q "^breaks: $p384: no-common-curve" "$dir/x25519.txt" || { cat "$dir/x25519.txt"; fail "no no-common-curve line"; }

# Nothing breaks: exit 0.
rc=0
"$secproto" impact --tls-policy modern --from-tls-policy modern --os win11-24h2 "$gcm" >"$dir/same.txt" || rc=$?
[ "$rc" = 0 ] || { cat "$dir/same.txt"; fail "same policy: exit $rc, expected 0"; }

# Bad usage: exit 2.
rc=0
"$secproto" impact --tls-policy modern --policy tls1.2 "$gcm" 2>/dev/null || rc=$?
[ "$rc" = 2 ] || fail "--tls-policy with --policy: exit $rc, expected 2"
rc=0
"$secproto" impact --tls-policy no-such-template --os win11-24h2 "$gcm" 2>/dev/null || rc=$?
[ "$rc" = 2 ] || fail "unknown policy: exit $rc, expected 2"
rc=0
"$secproto" impact --tls-policy modern "$gcm" 2>"$dir/noos.err" || rc=$?
[ "$rc" = 2 ] && grep -q -- "--os" "$dir/noos.err" || fail "no --os and no --target: exit $rc, expected 2 naming --os"

# --target: the policy in force today is captured from the target (an image
# of Windows 11 24H2 with the old template applied), the OS detected from it.
B=$secproto
. "$src/tests/e2e/policy_lib.sh"
make_image "$dir/img" 26100 Client || fail "make_image"
"$secproto" policy apply old --target "image:$dir/img" >/dev/null || fail "apply old to the image"
rc=0
"$secproto" impact --tls-policy modern --target "image:$dir/img" "$cbc" "$gcm" --json \
  >"$dir/target.json" || rc=$?
[ "$rc" = 1 ] || fail "--target: exit $rc, expected 1 (the CBC server breaks)"
python3 - "$dir/target.json" "$cbc" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
assert j["os"]["id"] == "win11-24h2", j["os"]
assert j["client"]["before"]["source"] == "target", j["client"]["before"]
e = {x["endpoint"]: x for x in j["endpoints"]}
assert e[sys.argv[2]]["before"]["works"], e[sys.argv[2]]
assert j["breaking"] == [sys.argv[2]], j["breaking"]
PY
rc=0
"$secproto" impact --tls-policy modern --from-tls-policy old --target "image:$dir/img" "$gcm" 2>/dev/null || rc=$?
[ "$rc" = 2 ] || fail "--from-tls-policy with --target: exit $rc, expected 2"
echo "impact_tls_e2e: ok"
