#!/usr/bin/env bash
# End-to-end: `os show`, `policy show` and `policy compile` through the real
# binary; the shipped templates validate against docs/policy.schema.json
# (python3-jsonschema); a bad policy file gives exit 2 with file:line: field
# and is left byte-identical.
# Usage: policy_core.sh SECPROTO_BINARY SOURCE_DIR
set -uo pipefail
bin="$1"
src="$2"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
# shellcheck source=policy_lib.sh
source "$src/tests/e2e/policy_lib.sh"
passed=0
failed=0

# os show: text and JSON.
expect_code 0 "$bin" os show win10-22h2
grep -q 'TLS Cipher Suites in Windows 10 v22H2' "$dir/out" && ok || bad "os show text names the page"
expect_code 0 "$bin" --json os show ws2025
python3 - "$dir/out" <<'PY' && ok || bad "os show --json shape"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["id"] == "ws2025"
assert j["cipher_suites"]["default_order"][0] == "TLS_AES_256_GCM_SHA384"
assert len(j["cipher_suites"]["default_order"]) == 22
assert j["curves"]["default_order"] == ["curve25519", "nistP256", "nistP384"]
assert j["schannel_server_defaults"]["TLS 1.3"] == "on"
# The ML-KEM hybrids with the build they need on Server ("TLS Supported Groups
# in Windows 11 versions 24H2 and later": 29550 for Windows Server 2025).
pq = {c["name"]: c for c in j["curves"]["curves"] if c["post_quantum"]}
assert sorted(pq) == ["secp256r1_mlkem768", "secp384r1_mlkem1024", "x25519_mlkem768"], pq
assert all(c["needs_build"] == "29550" and not c["enabled"] for c in pq.values()), pq
assert all(c["needs_build"] is None for c in j["curves"]["curves"] if not c["post_quantum"])
PY
expect_code 0 "$bin" os show win11-24h2
grep -q 'x25519_mlkem768 .* needs build 26100.8514' "$dir/out" && ok || bad "os show win11-24h2 names the hybrid's build"
expect_code 2 "$bin" os show win95
expect_code 2 "$bin" --json os show win95
grep -q '"exit_code": *2' "$dir/out" && ok || bad "os show --json error shape"

# Templates: policy show prints the shipped file; each validates against the schema.
for t in modern intermediate old pci-dss-4 fips-140 os-default; do
  expect_code 0 "$bin" policy show "$t"
  cmp -s "$dir/out" "$src/policies/$t.toml" && ok || bad "policy show $t differs from policies/$t.toml"
  expect_code 0 "$bin" --json policy show "$t"
  if python3 -c 'import jsonschema' 2>/dev/null; then
    python3 - "$dir/out" "$src/docs/policy.schema.json" "$src/policies/$t.toml" <<'PY' && ok || bad "$t against the schema"
import json, sys, tomllib, jsonschema
schema = json.load(open(sys.argv[2]))
jsonschema.validate(json.load(open(sys.argv[1]))["policy"], schema)
jsonschema.validate(tomllib.load(open(sys.argv[3], "rb")), schema)
PY
  fi
  for os in win7 win81 win10-22h2 ws2016 ws2019 win11-24h2 ws2022 ws2025; do
    expect_code 0 "$bin" --json policy compile "$t" --os "$os"
  done
done

# compile: the suite list is one REG_SZ; --json shape.
expect_code 0 "$bin" --json policy compile modern --os ws2022
python3 - "$dir/out" <<'PY' && ok || bad "compile --json shape"
import json, sys
j = json.load(open(sys.argv[1]))
f = [c for c in j["changes"] if c["name"] == "Functions"][0]
assert f["type"] == "REG_SZ" and f["effect"] == "reboot" and f["view"] == "64"
assert f["value"].startswith("TLS_AES_128_GCM_SHA256,")
e = [c for c in j["changes"] if c["key"].endswith("TLS 1.0\\Server") and c["name"] == "Enabled"][0]
assert e["value"] == 0 and e["type"] == "REG_DWORD" and e["effect"] == "service-restart"
PY

# A policy file with an error: exit 2, file:line: field, file unchanged.
cat >"$dir/bad.toml" <<'TOML'
[protocols]
client = ["TLS 1.2"]
server = ["TLS 1.2"]

[cipher_suites]
order = [
  "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA265",
]
TOML
sum_before=$(sha256sum "$dir/bad.toml")
expect_code 2 "$bin" policy compile "$dir/bad.toml" --os ws2019
grep -q "bad.toml:7: cipher_suites.order\[0\]: unknown cipher suite 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA265'; did you mean 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'?" "$dir/err" \
  && ok || bad "error line: $(cat "$dir/err")"
[ "$(sha256sum "$dir/bad.toml")" = "$sum_before" ] && ok || bad "bad.toml changed"
[ "$(ls "$dir" | wc -l)" = 3 ] && ok || bad "files left beside the policy: $(ls "$dir")"

# Refusals exit 2 with the reason.
cat >"$dir/tls13.json" <<'JSON'
{"protocols": {"client": ["TLS 1.2", "TLS 1.3"], "server": ["TLS 1.2"]},
 "cipher_suites": {"order": ["TLS_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]}}
JSON
expect_code 2 "$bin" policy compile "$dir/tls13.json" --os win10-22h2
grep -q "TLS 1.3" "$dir/err" && ok || bad "tls13 refusal reason"
# Insisting keeps TLS 1.3, but the OS has no TLS 1.3 suite: still refused.
expect_code 2 "$bin" policy compile "$dir/tls13.json" --os win10-22h2 --allow-tls13-on-old-os
expect_code 2 "$bin" policy show no-such-template
expect_code 2 "$bin" policy compile modern --os win95

# Issue 26: Server 2008 SP2 from its own pages.
expect_code 0 "$bin" os show ws2008
grep -q 'TLS Cipher Suites in Windows Vista' "$dir/out" && ok || bad "os show ws2008 names the Vista page"
grep -q 'KB4019276' "$dir/out" && ok || bad "os show ws2008: the page predates KB4019276"
grep -q 'Windows Server 2008 with Service Pack 2 (SP2)' "$dir/out" && ok || bad "os show ws2008 cites the SP2 row"
grep -q 'no per-OS cipher suite page\|taken from Windows 7' "$dir/out" && bad "os show ws2008 still says it has no page" || ok
expect_code 0 "$bin" --json os show ws2008
python3 - "$dir/out" <<'PY' && ok || bad "os show ws2008 --json"
import json, sys
j = json.load(open(sys.argv[1]))
c = j["cipher_suites"]
assert c["available"] and c["source"] == "TLS Cipher Suites in Windows Vista", c["source"]
assert len(c["default_order"]) == 24 and c["default_order"][0] == "TLS_RSA_WITH_AES_128_CBC_SHA"
PY
# Issue 26: an RSA server left without a TLS 1.2 suite is a warning.
expect_code 0 "$bin" policy compile modern --os ws2008r2
grep -q 'RSA certificates with TLS 1.2' "$dir/out" && ok || bad "compile warns about RSA"
expect_code 0 "$bin" --json policy compile modern --os ws2008r2
python3 - "$dir/out" <<'PY' && ok || bad "compile --json warnings"
import json, sys
j = json.load(open(sys.argv[1]))
assert len(j["warnings"]) == 1 and "RSA certificates" in j["warnings"][0], j["warnings"]
PY
expect_code 0 "$bin" --json policy compile intermediate --os ws2008r2
python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["warnings"] == []' "$dir/out" && ok || bad "intermediate serves RSA on ws2008r2"
# Issue 26: Mozilla 6.0 groups, the hybrid only where the build has it.
expect_code 0 "$bin" --json policy compile modern --os ws2025
python3 - "$dir/out" <<'PY' && ok || bad "ws2025 drops the hybrid group"
import json, sys
j = json.load(open(sys.argv[1]))
e = [c for c in j["changes"] if c["name"] == "EccCurves"][0]
assert e["value"] == ["curve25519", "nistP256", "nistP384"], e["value"]
assert any("x25519_mlkem768" in n and "29550" in n for n in j["notes"]), j["notes"]
PY
cat >"$dir/pq.toml" <<'TOML'
[curves]
order = ["x25519_mlkem768"]
TOML
expect_code 2 "$bin" policy compile "$dir/pq.toml" --os win11-24h2
grep -q "only ML-KEM hybrid groups" "$dir/err" && ok || bad "a hybrid-only order is refused with a reason"

echo "policy_core: $passed passed, $failed failed"
[ "$failed" = 0 ]
