#!/usr/bin/env bash
# End-to-end: `--set KEY=VALUE` on the policy commands (docs/POLICY.md
# "--set"): the lines alone as the policy, over a template, the errors (exit
# 2, one line naming the --set), the usage error without POLICY and --set,
# a change list refusing --set, the JSON "set" field, `policy apply --set`
# on an image giving the same hives as the same policy file, and --set over
# --tls-policy on explain, export, audit and impact.
# Usage: policy_set.sh SECPROTO_BINARY SOURCE_DIR
set -uo pipefail
B="$1"
src="$2"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
# shellcheck source=policy_lib.sh
source "$src/tests/e2e/policy_lib.sh"
passed=0
failed=0
has() { grep -qF -- "$2" "$dir/$1" && ok || bad "$3: $(head -c 300 "$dir/$1")"; }

ORDER="cipher_suites.order=['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256','TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384']"

# Without POLICY and without --set: the usage error it always was.
for args in "show" "compile --os win10-22h2" "plan --target reg:$dir/none.reg" \
  "check --target reg:$dir/none.reg" "apply --target reg:$dir/none.reg"; do
  # shellcheck disable=SC2086
  expect_code 2 "$B" policy $args
  has err "secproto: error: POLICY is required" "policy $args without POLICY"
done

# The lines alone.
expect_code 0 "$B" policy show --set "$ORDER" --set "legacy.ciphers.'RC4 128/128'=false"
has out '[cipher_suites]' "show --set prints the section"
has out '"RC4 128/128" = false' "show --set prints the legacy key"
grep -q '^\[protocols\]' "$dir/out" && bad "show --set: a section no line names is there" || ok
expect_code 0 "$B" --json policy compile --set "$ORDER" --os win10-22h2
jq -e '.origin == "--set" and (.set | length) == 1 and
  ([.changes[] | select(.name == "Functions")] | length) == 1' "$dir/out" >/dev/null &&
  ok || bad "compile --set --json: origin, set, Functions"

# Over a template: one key replaced, its siblings kept.
expect_code 0 "$B" --json policy show modern --set key_sizes.dh_server_min=3072
jq -e '.origin == "template:modern with --set" and .policy.key_sizes.dh_server_min == 3072 and
  .policy.key_sizes.dh_client_min == 2048 and (.policy.protocols.client | length) == 2' \
  "$dir/out" >/dev/null && ok || bad "show modern --set: overlay"

# Errors: exit 2, one line naming the --set; --json has the error object.
expect_code 2 "$B" policy compile --set "key_sizes.dh_server_min='big'" --os win10-22h2
has err "secproto: error: --set \"key_sizes.dh_server_min='big'\": key_sizes.dh_server_min: must be an integer" "wrong type"
[ "$(wc -l <"$dir/err")" = 1 ] && ok || bad "wrong type: not one line"
expect_code 2 "$B" policy show --set "cipher_suites.order=['TLS_AES_128_GCM_SHA256'"
has err "secproto: error: --set \"cipher_suites.order=['TLS_AES_128_GCM_SHA256'\": " "bad TOML"
expect_code 2 "$B" policy show modern --set "loging.event_logging=1"
has err "loging: unknown field; did you mean 'logging'?" "unknown key"
expect_code 2 "$B" --json policy show modern --set "cipher_suites.order=[]"
jq -e '.error.exit_code == 2 and .error.code == "bad-policy" and
  (.error.message | startswith("--set \"cipher_suites.order=[]\": cipher_suites.order: an empty suite list"))' \
  "$dir/out" >/dev/null && ok || bad "invalid policy --json error: $(cat "$dir/out")"

# A change list takes no --set.
printf '%s' '{"format":"secproto-changes","version":1,"changes":[]}' >"$dir/changes.json"
reg="$dir/t.reg"
printf 'Windows Registry Editor Version 5.00\r\n\r\n' >"$reg"
expect_code 2 "$B" policy plan "$dir/changes.json" --set logging.event_logging=1 --target "reg:$reg"
has err "is a change list: --set goes with a policy file or a template" "change list"
# A change list whose members have the wrong type is that file's error:
# exit 2 with "not a valid change list", never an internal error.
printf '{"format":"secproto-changes","version":"1","changes":[]}\n' >"$dir/cl-version.json"
expect_code 2 "$B" policy plan "$dir/cl-version.json" --os win10-22h2 --target mem:
has err "not a valid change list" "mistyped version"
printf '%s\n' '{"format":"secproto-changes","version":1,"changes":[{"view":64,"key":"HKLM\\SOFTWARE\\x","name":"v","delete":true}]}' >"$dir/cl-view.json"
expect_code 2 "$B" policy plan "$dir/cl-view.json" --os win10-22h2 --target mem:
has err "not a valid change list" "mistyped view"
printf '{"format":7,"version":1}\n' >"$dir/cl-format.json"
expect_code 2 "$B" policy plan "$dir/cl-format.json" --os win10-22h2 --target mem:
if grep -q "internal error" "$dir/err"; then bad "format 7: internal error"; else ok; fi

# apply --set on an image writes what the same policy file writes.
make_image "$dir/a" || bad "image a"
make_image "$dir/b" || bad "image b"
printf '%s\n' '[cipher_suites]' \
  "order = ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256','TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384']" \
  '[key_sizes]' 'dh_server_min = 2048' >"$dir/same.toml"
expect_code 0 "$B" --json policy apply --set "$ORDER" --set key_sizes.dh_server_min=2048 --target "image:$dir/a"
jq -e '.policy == "--set" and .changed == true and (.set | length) == 2' "$dir/out" >/dev/null &&
  ok || bad "apply --set --json: policy, changed, set"
expect_code 0 "$B" policy apply "$dir/same.toml" --target "image:$dir/b"
for h in SOFTWARE SYSTEM; do
  export_hive "$dir/a/Windows/System32/config/$h" "$dir/a-$h"
  export_hive "$dir/b/Windows/System32/config/$h" "$dir/b-$h"
  cmp -s "$dir/a-$h.reglookup" "$dir/b-$h.reglookup" && ok || bad "$h differs between --set and the file"
done
expect_code 0 "$B" policy check --set "$ORDER" --set key_sizes.dh_server_min=2048 --target "image:$dir/b"
expect_code 1 "$B" policy check "$dir/same.toml" --set key_sizes.dh_server_min=3072 --target "image:$dir/a"

# The --tls-policy commands take --set over it, and refuse it without it.
expect_code 0 "$B" --json explain --os win10-22h2 --tls-policy modern \
  --set "cipher_suites.order=['TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384']"
jq -e '.components["schannel-client"].suites == ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"]' \
  "$dir/out" >/dev/null && ok || bad "explain --tls-policy --set: the suite order"
expect_code 0 "$B" -q export --tls-policy modern --set key_sizes.dh_server_min=3072 --os win10-22h2 \
  --format reg
tr -d '\0' <"$dir/out" | grep -aq '"ServerMinKeyBitLength"=dword:00000c00' && ok ||
  bad "export --tls-policy --set: the DH minimum"
expect_code 2 "$B" audit "$dir" --tls-policy modern --set key_sizes.dh_server_min=9 --os win10-22h2
has err '--set "key_sizes.dh_server_min=9": key_sizes.dh_server_min: must be between 512' "audit --set error"
for cmd in "explain --os win10-22h2" "export --format reg" "audit $dir" "impact --os win10-22h2"; do
  # shellcheck disable=SC2086
  expect_code 2 "$B" $cmd --set logging.event_logging=1
  has err "--set requires --tls-policy" "$cmd --set without --tls-policy"
done

echo "policy_set: $passed passed, $failed failed"
[ "$failed" = 0 ]
