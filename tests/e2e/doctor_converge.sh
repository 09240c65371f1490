#!/usr/bin/env bash
# doctor's one fix (issue 25, docs/MODEL.md "One fix"), as tested properties:
#   converges: for every fixable doctor code alone, and for every pair of
#     scenarios on the same OS build, the one command doctor prints
#     (`fix.command`, run by `bash -c` exactly as printed) leaves no finding
#     that has a fix; on .reg targets (every pair), hive images (every code
#     alone and a sample of pairs) and hive pairs (--target hive:SOFTWARE
#     --system-hive SYSTEM, every code alone);
#   never weakens: after the fix no SCHANNEL side, WinHTTP, WinINet or .NET
#     offers a protocol below TLS 1.2 or a weak suite (RC4, DES, 3DES, NULL,
#     export, anonymous) it did not offer before, read by `explain --json`,
#     and no weak Ciphers\ key goes from 0 to on;
#   one command: the human "Next steps" holds exactly one `secproto` line;
#   --fix-file writes a policy that `policy apply FILE` applies to the same
#     result, and keeps an existing file unless --force;
#   the observations of the issue: RC4 at 0xFFFFFFFF is never written back
#     on; the 0xFFFFFFFF values of an IIS Crypto backup are one finding with
#     one command; the RC4 56-bit export suite is fixed through RC4 56/128
#     (KB245030); legacy-cipher-enabled names each suite with its own key.
# Usage: doctor_converge.sh SECPROTO_BINARY SOURCE_DIR [pairs|singles]
set -uo pipefail
B=$(readlink -f "$1")
src="$2"
mode="${3:-all}"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/bin"
ln -s "$B" "$dir/bin/secproto"
export PATH="$dir/bin:$PATH"
# shellcheck source=policy_lib.sh
source "$src/tests/e2e/policy_lib.sh"
# shellcheck source=doctor_lib.sh
source "$src/tests/e2e/doctor_lib.sh"
passed=0
failed=0

W='HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp'
I='HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings'
N='HKLM\SOFTWARE\Microsoft\.NETFramework\v4.0.30319'

# Scenarios: NAME -> "BUILD ITYPE" and its value lines (one per line).
declare -A OS LINES
scenario() {
  local name=$1 build=$2 itype=$3; shift 3
  OS[$name]="$build $itype"
  LINES[$name]=$(printf '%s\n' "$@")
}
# The stack codes (docs/MODEL.md "Stack doctor codes").
scenario ffff-aes 19045 Client "$S\\Ciphers\\AES 128/128|Enabled|dword|ffffffff"
scenario ffff-rc4 19045 Client "$S\\Ciphers\\RC4 128/128|Enabled|dword|ffffffff"
scenario ffff-tls12 19045 Client "$S\\Protocols\\TLS 1.2\\Client|Enabled|dword|ffffffff"
scenario ffff-ssl3 17763 Server "$S\\Protocols\\SSL 3.0\\Server|Enabled|dword|ffffffff"
scenario suite-wrong-type 19045 Client "$P|Functions|multi|$GCM128,$GCM256"
scenario suite-empty 19045 Client "$P|Functions|sz|"
scenario suite-unknown 19045 Client "$P|Functions|sz|TLS_AES_128_GCM_SHA256,$GCM128"
scenario protocol-without-suite 20348 Server "$P|Functions|sz|$GCM128"
scenario mismatch 19045 Client "$S\\Protocols\\TLS 1.0\\Client|Enabled|dword|0"
scenario tls13-unsafe 17763 Server "$S\\Protocols\\TLS 1.3\\Server|Enabled|dword|1"
scenario cert-type 19045 Client "$P|Functions|sz|TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"
scenario pq-too-early 26100 Server "$P|EccCurves|multi|x25519_mlkem768,curve25519,NistP256"
scenario http2 17763 Server "$P|Functions|sz|TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,$GCM128"
scenario legacy-3des 17763 Client "$S\\Ciphers\\Triple DES 168|Enabled|dword|1"
scenario weak-dh 19045 Client "$S\\KeyExchangeAlgorithms\\Diffie-Hellman|ServerMinKeyBitLength|dword|400"
scenario local-edited 19045 Client "$L|Functions|multi|$GCM128,$GCM256"
scenario fips 17763 Client "$F|Enabled|dword|1"
scenario logging 19045 Client "$S|EventLogging|dword|7"
scenario no-protocol 17763 Server \
  "$S\\Protocols\\SSL 3.0\\Client|Enabled|dword|0" "$S\\Protocols\\TLS 1.0\\Client|Enabled|dword|0"
# The WinHTTP model's codes.
scenario winhttp-sz 17763 Server "$W|DefaultSecureProtocols|sz|2048"
scenario winhttp-legacy 17763 Server "$W|DefaultSecureProtocols|dword|a80"
scenario tls12-off 17763 Server "$S\\Protocols\\TLS 1.2\\Client|Enabled|dword|0"
scenario tls12-dbd 17763 Server "$S\\Protocols\\TLS 1.2\\Client|DisabledByDefault|dword|1"
scenario wininet 17763 Server "$I|SecureProtocols|dword|a0"
scenario dotnet 17763 Server "$N|SchUseStrongCrypto|dword|0"
# The issue's own machine: TLS 1.3 forced on, RC4 at 0xFFFFFFFF, the suite
# list as REG_MULTI_SZ, WinHTTP as REG_SZ "2048".
scenario issue-ws2019 17763 Server \
  "$S\\Protocols\\TLS 1.3\\Server|Enabled|dword|1" "$S\\Protocols\\TLS 1.3\\Client|Enabled|dword|1" \
  "$S\\Ciphers\\RC4 128/128|Enabled|dword|ffffffff" \
  "$P|Functions|multi|$GCM128,$GCM256,TLS_RSA_WITH_RC4_128_SHA" \
  "$W|DefaultSecureProtocols|sz|2048"

lines_of() { mapfile -t _l <<<"${LINES[$1]}"; }

# The protocols and suites every component offers (explain --json), for the
# weakening check.
offers() {
  "$B" --json explain --component schannel-client,schannel-server,winhttp,wininet,dotnet --target "$@" 2>/dev/null |
    jq -c '.components | to_entries | map({k: .key, p: .value.protocols, s: .value.suites}) '
}

weakened() {  # BEFORE_JSON AFTER_JSON: prints what was gained that is weak
  python3 - "$1" "$2" <<'PY'
import json, sys
b = {c["k"]: c for c in json.loads(open(sys.argv[1]).read() or "[]")}
a = {c["k"]: c for c in json.loads(open(sys.argv[2]).read() or "[]")}
weak = ("RC4", "_DES_", "3DES", "NULL", "EXPORT", "_anon_")
rank = {"SSL 2.0": 0, "SSL 3.0": 1, "TLS 1.0": 2, "TLS 1.1": 3, "TLS 1.2": 4, "TLS 1.3": 5}
os_client = (b.get("schannel-client", {}).get("p") or [])
for k, c in a.items():
    was = b.get(k, {"p": [], "s": []})
    floor = min([rank[p] for p in was["p"] or []] or [9])
    for p in c["p"] or []:
        # Never SSL; a deprecated TLS only where the component already went as
        # low, or where a client component comes to follow what SCHANNEL's
        # client side already offered.
        follows = not k.startswith("schannel") and p in os_client
        if p not in (was["p"] or []) and not follows and (rank[p] < 2 or (rank[p] < 4 and rank[p] < floor)):
            print(f"{k} gains {p}")
    for s in c["s"] or []:
        if s not in (was["s"] or []) and any(w in s for w in weak):
            print(f"{k} gains {s}")
PY
}

# converge LABEL KIND BUILD ITYPE LINES...: doctor, its one command, doctor again.
converge() {
  local label=$1 kind=$2 build=$3 itype=$4; shift 4
  local t
  if [ "$kind" = pair ]; then
    t=$(make_target image "p-$label" "$build" "$itype" "$@") || { bad "$label $kind: target"; return; }
    local cfg="${t#image:}/Windows/System32/config"
    t="hive:$cfg/SOFTWARE --system-hive $cfg/SYSTEM"
  else
    t=$(make_target "$kind" "$label-$kind" "$build" "$itype" "$@") || { bad "$label $kind: target"; return; }
  fi
  # shellcheck disable=SC2086
  "$B" --json doctor --target $t >"$dir/before.json" 2>"$dir/err"
  if ! jq -e '.findings' "$dir/before.json" >/dev/null 2>&1; then
    bad "$label $kind: doctor failed: $(head -c 300 "$dir/err")"
    return
  fi
  local fixable cmd
  fixable=$(jq '[.findings[] | select(.fix != null)] | length' "$dir/before.json")
  cmd=$(jq -r '.fix.command // ""' "$dir/before.json")
  if [ "$fixable" -gt 0 ] && [ -z "$cmd" ]; then
    bad "$label $kind: $fixable fixable finding(s) and no one command: $(jq -c '.fix | {weakens, set}' "$dir/before.json")"
    return
  fi
  # Every scenario alone shows something to fix (else it proves nothing); a
  # pair always holds one.
  if [ "$fixable" -eq 0 ]; then
    bad "$label $kind: nothing to fix, the scenario proves nothing: $(jq -c '[.findings[].code]' "$dir/before.json")"
    return
  fi
  # shellcheck disable=SC2086
  offers $t >"$dir/offers-before.json"
  [ -s "$dir/offers-before.json" ] || { bad "$label $kind: explain --json failed"; return; }
  bash -c "$cmd" >"$dir/fix.out" 2>&1 || { bad "$label $kind: the fix failed: $(head -c 400 "$dir/fix.out")"; return; }
  # shellcheck disable=SC2086
  "$B" --json doctor --target $t >"$dir/after.json" 2>"$dir/err"
  local left
  left=$(jq -c '[.findings[] | select(.fix != null) | .code]' "$dir/after.json")
  [ "$left" = "[]" ] && ok || bad "$label $kind: fixable after the one fix: $left (fix: $cmd)"
  # shellcheck disable=SC2086
  offers $t >"$dir/offers-after.json"
  [ -s "$dir/offers-after.json" ] || { bad "$label $kind: explain --json failed after the fix"; return; }
  local w
  w=$(weakened "$dir/offers-before.json" "$dir/offers-after.json")
  [ -z "$w" ] && ok || bad "$label $kind: the fix weakened the machine: $w"
}

names=("${!OS[@]}")
IFS=$'\n' names=($(sort <<<"${names[*]}"))
unset IFS

if [ "$mode" != pairs ]; then
  for n in "${names[@]}"; do
    lines_of "$n"
    read -r build itype <<<"${OS[$n]}"
    for kind in reg image pair; do converge "$n" "$kind" "$build" "$itype" "${_l[@]}"; done
  done
fi

if [ "$mode" != singles ]; then
  # Every pair of scenarios on one OS build: .reg targets; every fifth on images.
  k=0
  for ((i = 0; i < ${#names[@]}; i++)); do
    for ((j = i + 1; j < ${#names[@]}; j++)); do
      a=${names[i]} b=${names[j]}
      [ "${OS[$a]}" = "${OS[$b]}" ] || continue
      lines_of "$a"
      both=("${_l[@]}")
      lines_of "$b"
      both+=("${_l[@]}")
      read -r build itype <<<"${OS[$a]}"
      converge "$a+$b" reg "$build" "$itype" "${both[@]}"
      k=$((k + 1))
      [ $((k % 5)) = 0 ] && converge "$a+$b" image "$build" "$itype" "${both[@]}"
    done
  done
fi

# --- the issue's observations (with the singles) --------------------------------
if [ "$mode" = pairs ]; then
  echo "doctor_converge: $passed passed, $failed failed"
  [ "$failed" = 0 ]
  exit
fi
lines_of issue-ws2019
t=$(make_target reg obs 17763 Server "${_l[@]}")
"$B" doctor --target "$t" >"$dir/obs.txt" 2>&1
n=$(sed -n '/^Next steps:/,$p' "$dir/obs.txt" | grep -c '^  secproto ')
[ "$n" = 1 ] && ok || bad "Next steps holds $n secproto command(s), not one: $(cat "$dir/obs.txt")"
"$B" --json doctor --target "$t" >"$dir/obs.json" 2>/dev/null
jq -e '[.fix.changes[] | select((.key | test("RC4")) and .new.data != null and .new.data != "00000000")] | length == 0' \
  "$dir/obs.json" >/dev/null && ok || bad "the one fix writes RC4 on: $(jq -c '.fix.changes' "$dir/obs.json")"
jq -e '[.fix.set[] | select(test("RC4 128/128.=true"))] | length == 0' "$dir/obs.json" >/dev/null &&
  ok || bad "the one fix enables RC4: $(jq -c '.fix.set' "$dir/obs.json")"
jq -e '[.findings[] | select(.fix_steps[]? | test("RC4 128/128.=true"))] | length == 0' "$dir/obs.json" >/dev/null &&
  ok || bad "a finding's own fix enables RC4"

# An IIS Crypto backup: every 0xFFFFFFFF is one finding, one command.
cp "$src/tests/fixtures/iiscrypto/ws2019-best-practices-backup.reg" "$dir/iis.reg"
"$B" --json doctor --target "reg:$dir/iis.reg" --os ws2019 >"$dir/iis.json" 2>"$dir/err"
jq -e '([.findings[] | select(.code == "enabled-ffffffff")] | length) == 1 and
       ([.findings[] | select(.code == "schannel-legacy-enabled-value")] | length) == 0 and
       ([.findings[] | select(.code == "enabled-ffffffff") | .fix_steps[]] | length) == 1' \
  "$dir/iis.json" >/dev/null && ok ||
  bad "IIS Crypto backup: $(jq -c '[.findings[] | {code, n: (.fix_steps | length)}]' "$dir/iis.json") $(head -c 200 "$dir/err")"

# The RC4 56-bit export suite is removed through RC4 56/128 (KB245030).
t=$(make_target reg rc456 7601 Client "$P|Functions|sz|TLS_RSA_EXPORT1024_WITH_RC4_56_SHA,TLS_RSA_WITH_AES_128_CBC_SHA")
"$B" --json doctor --target "$t" >"$dir/rc456.json" 2>/dev/null
jq -e '[.findings[] | select(.code == "legacy-cipher-enabled") | .fix_steps[] | select(test("RC4 56/128"))] | length == 1' \
  "$dir/rc456.json" >/dev/null && ok || bad "RC4 56: $(jq -c '[.findings[] | {code, fix}]' "$dir/rc456.json")"
jq -e '[.findings[] | select(.code == "legacy-cipher-enabled") | .fix_steps[] | select(test("RC4 40/128"))] | length == 0' \
  "$dir/rc456.json" >/dev/null && ok || bad "RC4 56 is fixed through RC4 40/128"

# legacy-cipher-enabled: the RC4 key on, and 3DES offered by default: each
# suite is named with its own key, and the 3DES key is in the evidence.
t=$(make_target reg attrib 17763 Client "$S\\Ciphers\\RC4 128/128|Enabled|dword|1")
"$B" --json doctor --target "$t" >"$dir/attrib.json" 2>/dev/null
jq -e '[.findings[] | select(.code == "legacy-cipher-enabled")
        | select((.message | contains("TLS_RSA_WITH_3DES_EDE_CBC_SHA (Triple DES 168)"))
                 and ([.evidence[].key | select(endswith("Triple DES 168"))] | length) == 1)] | length == 1' \
  "$dir/attrib.json" >/dev/null && ok || bad "3DES attribution: $(jq -c '[.findings[] | select(.code == "legacy-cipher-enabled") | {message, ev: [.evidence[].key]}]' "$dir/attrib.json")"

# The local suite list Windows writes itself (issue 26 item 9): every suite
# the build knows, in its order, explicit-only ones included, and on Windows
# 10 the TLS 1.3 names first, on Windows 7 the SSL 2.0 kinds: not an edit,
# and its extra names are not "unknown to the OS".
stock() {  # OS_ID EXTRA_FIRST EXTRA_LAST: the stock list, comma-separated
  local names
  names=$("$B" --json os show "$1" | jq -r '[.cipher_suites.suites[].name] | join(",")')
  echo "${2:+$2,}$names${3:+,$3}"
}
for os in "win10-22h2 19045 Client TLS_AES_256_GCM_SHA384,TLS_AES_128_GCM_SHA256 -" \
          "win7 7601 Client - SSL_CK_RC4_128_WITH_MD5,SSL_CK_DES_192_EDE3_CBC_WITH_MD5" \
          "ws2019 17763 Server - -"; do
  read -r id build itype first last <<<"$os"
  [ "$first" = - ] && first=""
  [ "$last" = - ] && last=""
  list=$(stock "$id" "$first" "$last")
  t=$(make_target reg "stock-$id" "$build" "$itype" "$L|Functions|multi|$list")
  "$B" --json doctor --target "$t" >"$dir/stock.json" 2>/dev/null
  jq -e '[.findings[] | select(.code == "local-suite-list-edited" or .code == "suites-unknown-to-os")] | length == 0' \
    "$dir/stock.json" >/dev/null && ok ||
    bad "stock local list on $id: $(jq -c '[.findings[] | select(.component == "schannel") | .code]' "$dir/stock.json")"
  # The same list with one default suite moved up is an edit, with no command.
  edited=$(tr ',' '\n' <<<"$list" | grep -v '^SSL_CK\|^TLS_AES' | sed -n '1h;2{p;x;p}' | paste -sd,)
  t=$(make_target reg "edited-$id" "$build" "$itype" "$L|Functions|multi|$edited")
  "$B" --json doctor --target "$t" >"$dir/edited.json" 2>/dev/null
  jq -e '[.findings[] | select(.code == "local-suite-list-edited" and .fix == null)] | length == 1' \
    "$dir/edited.json" >/dev/null && ok ||
    bad "edited local list on $id: $(jq -c '[.findings[] | select(.component == "schannel") | {code, fix}]' "$dir/edited.json")"
done

# --fix-file: a policy that applies to the same result; an existing file is kept.
lines_of issue-ws2019
t=$(make_target reg ff 17763 Server "${_l[@]}")
cp "$dir/ff.reg" "$dir/ff2.reg"
"$B" doctor --target "$t" --fix-file "$dir/fix.toml" >/dev/null 2>&1
[ -s "$dir/fix.toml" ] && ok || bad "--fix-file wrote nothing"
"$B" policy apply "$dir/fix.toml" --os ws2019 --target "reg:$dir/ff2.reg" >/dev/null 2>"$dir/err" &&
  ok || bad "policy apply FIX-FILE: $(head -c 300 "$dir/err")"
"$B" --json doctor --target "reg:$dir/ff2.reg" >"$dir/ff2.json" 2>/dev/null
jq -e '[.findings[] | select(.fix != null)] | length == 0' "$dir/ff2.json" >/dev/null &&
  ok || bad "fix file leaves fixable findings: $(jq -c '[.findings[] | select(.fix != null) | .code]' "$dir/ff2.json")"
sum=$(sha256sum "$dir/fix.toml")
"$B" doctor --target "$t" --fix-file "$dir/fix.toml" >/dev/null 2>&1
rc=$?
[ "$rc" = 2 ] && [ "$(sha256sum "$dir/fix.toml")" = "$sum" ] && ok || bad "an existing --fix-file: exit $rc (want 2, kept)"
"$B" doctor --target "$t" --fix-file "$dir/fix.toml" --force >/dev/null 2>&1
rc=$?
[ "$rc" -le 1 ] && ok || bad "--fix-file --force: exit $rc"
sum=$(sha256sum "$dir/ff.reg")
"$B" doctor --target "$t" >/dev/null 2>&1
[ "$(sha256sum "$dir/ff.reg")" = "$sum" ] && ok || bad "doctor changed its target"

echo "doctor_converge: $passed passed, $failed failed"
[ "$failed" = 0 ]
