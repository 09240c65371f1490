#!/usr/bin/env bash
# End-to-end: every stack doctor code (docs/MODEL.md "Stack doctor codes") is
# found on a hive image target and on a .reg target built from the same
# values, with evidence and a component; running the printed fix (a real
# secproto command, run by `bash -c` exactly as printed, with no bash-only
# syntax) clears it. For the codes no registry change can fix
# (rdp-needs-kb3080079, sql-needs-tls12-build) the update's own registry
# trace is added instead, and the finding goes.
# Usage: doctor_stack.sh SECPROTO_BINARY SOURCE_DIR
set -uo pipefail
B="$1"
src="$2"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
# The fixes call `secproto`: put this binary first on PATH under that name.
mkdir -p "$dir/bin"
ln -s "$(readlink -f "$B")" "$dir/bin/secproto"
export PATH="$dir/bin:$PATH"
# shellcheck source=policy_lib.sh
source "$src/tests/e2e/policy_lib.sh"
passed=0
failed=0

CBS='HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing\Packages'
SQL='HKLM\SOFTWARE\Microsoft\Microsoft SQL Server'
W10_LIST='TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384,TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384,TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,TLS_RSA_WITH_AES_256_GCM_SHA384,TLS_RSA_WITH_AES_128_GCM_SHA256,TLS_RSA_WITH_AES_256_CBC_SHA256,TLS_RSA_WITH_AES_128_CBC_SHA256,TLS_RSA_WITH_AES_256_CBC_SHA,TLS_RSA_WITH_AES_128_CBC_SHA'

# shellcheck source=doctor_lib.sh
source "$src/tests/e2e/doctor_lib.sh"

# check CODE OS_BUILD ITYPE CLEAR LINES...: for each target kind, the code is
# found with evidence and a component; CLEAR is "fix" (run the printed fix
# steps) or a value line to add instead (an update's trace); then it is gone.
check() {
  local code=$1 build=$2 itype=$3 clear=$4; shift 4
  local kind t
  for kind in image reg; do
    t=$(make_target "$kind" "${LABEL:-$code}-$kind" "$build" "$itype" "$@") || { bad "$code $kind: target"; continue; }
    "$B" --json doctor --target "$t" >"$dir/before.json" 2>"$dir/err"
    if ! jq -e --arg c "$code" \
      '[.findings[] | select(.code == $c and (.evidence | length) > 0 and (.component | length) > 0)] | length > 0' \
      "$dir/before.json" >/dev/null; then
      bad "$code $kind: not found: $(jq -c '[.findings[].code]' "$dir/before.json" 2>/dev/null) $(head -c 300 "$dir/err")"
      continue
    fi
    ok
    if [ "$clear" = fix ]; then
      local steps
      steps=$(jq -r --arg c "$code" '.findings[] | select(.code == $c) | .fix_steps[]' "$dir/before.json")
      [ -n "$steps" ] && ok || bad "$code $kind: no fix printed"
      while IFS= read -r step; do
        [ -z "$step" ] && continue
        case $step in
          'secproto '*) ;;
          *) bad "$code $kind: fix is not a secproto command: $step" ;;
        esac
        # The printed line runs as it is in cmd and PowerShell too: no bash
        # process substitution, nothing a shell expands inside the quotes.
        case $step in
          *'<('* | *'$'* | *'%'* | *'`'* | *'!'*) bad "$code $kind: fix is not shell-neutral: $step" ;;
        esac
        bash -c "$step" >"$dir/fix.out" 2>&1 || bad "$code $kind: fix failed: $step: $(head -c 400 "$dir/fix.out")"
      done <<<"$steps"
    else
      t=$(make_target "$kind" "${LABEL:-$code}-$kind-updated" "$build" "$itype" "$@" "$clear") ||
        { bad "$code $kind: updated target"; continue; }
    fi
    "$B" --json doctor --target "$t" >"$dir/after.json" 2>"$dir/err"
    if jq -e --arg c "$code" '[.findings[] | select(.code == $c)] | length == 0' "$dir/after.json" >/dev/null; then
      ok
    else
      bad "$code $kind: still found after the fix: $(jq -c --arg c "$code" '[.findings[] | select(.code == $c) | .message]' "$dir/after.json")"
    fi
  done
}

W10=19045
check enabled-ffffffff $W10 Client fix "$S\\Ciphers\\AES 128/128|Enabled|dword|ffffffff"
check suite-list-wrong-type $W10 Client fix "$P|Functions|multi|$GCM128,$GCM256"
check suite-list-empty $W10 Client fix "$P|Functions|sz|"
check protocol-without-suite 20348 Server fix "$P|Functions|sz|$GCM128"
check suite-list-too-long $W10 Client fix "$P|Functions|sz|$W10_LIST,$W10_LIST"
check suites-unknown-to-os $W10 Client fix "$P|Functions|sz|TLS_AES_128_GCM_SHA256,$GCM128"
check client-server-mismatch $W10 Client fix "$S\\Protocols\\TLS 1.0\\Client|Enabled|dword|0"
check tls13-unsafe-os 17763 Server fix "$S\\Protocols\\TLS 1.3\\Server|Enabled|dword|1"
check cert-type-without-suite $W10 Client fix "$P|Functions|sz|TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"
# Server 2025 (26100) has the ML-KEM hybrids from build 29550 only.
check curve-needs-build 26100 Server fix "$P|EccCurves|multi|x25519_mlkem768,curve25519,NistP256"
check http2-blocked-suite-first 17763 Server fix "$P|Functions|sz|TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,$GCM128"
check legacy-cipher-enabled 17763 Client fix "$S\\Ciphers\\Triple DES 168|Enabled|dword|1"
check weak-dh $W10 Client fix "$S\\KeyExchangeAlgorithms\\Diffie-Hellman|ServerMinKeyBitLength|dword|400"
# An edited local list gets no command (copying it into policy would carry
# its explicit-only suites along): the stock list back clears it.
W10_STOCK=$("$B" --json os show win10-22h2 | jq -r '[.cipher_suites.suites[].name] | join(",")')
check local-suite-list-edited $W10 Client "$L|Functions|multi|$W10_STOCK" "$L|Functions|multi|$GCM128,$GCM256"
check fips-restricts-suites 17763 Client fix "$F|Enabled|dword|1"
check event-logging-verbose $W10 Client fix "$S|EventLogging|dword|7"
# .NET without its values offers SSL 3.0 and TLS 1.0 (R27): with both off it has nothing left.
check component-without-protocol 17763 Server fix \
  "$S\\Protocols\\SSL 3.0\\Client|Enabled|dword|0" "$S\\Protocols\\TLS 1.0\\Client|Enabled|dword|0"
check rdp-needs-kb3080079 7601 Server \
  "$CBS\\Package_for_KB3080079~31bf3856ad364e35~amd64~~6.1.1.0|Installed|dword|1" \
  "$S\\Protocols\\TLS 1.0\\Server|Enabled|dword|0" "$CBS|x|key|"
# KB3080079 is "Update to add RDS support for TLS 1.1 and TLS 1.2 in Windows 7
# or Windows Server 2008 R2": Windows 7 (7601, Client) too.
LABEL=rdp-win7 check rdp-needs-kb3080079 7601 Client \
  "$CBS\\Package_for_KB3080079~31bf3856ad364e35~amd64~~6.1.1.0|Installed|dword|1" \
  "$S\\Protocols\\TLS 1.0\\Server|Enabled|dword|0" "$CBS|x|key|"
check sql-needs-tls12-build 14393 Server \
  "$SQL\\MSSQL12.MSSQLSERVER\\MSSQLServer\\CurrentVersion|CurrentVersion|sz|13.0.1601.5" \
  "$S\\Protocols\\TLS 1.0\\Server|Enabled|dword|0" \
  "$SQL\\Instance Names\\SQL|MSSQLSERVER|sz|MSSQL12.MSSQLSERVER" \
  "$SQL\\MSSQL12.MSSQLSERVER\\MSSQLServer\\CurrentVersion|CurrentVersion|sz|12.0.2000.8"

# A key name read from the target that would not paste the same into cmd,
# PowerShell and bash gets no fix command, and the message says what to do.
for name in 'RC4 "128"' 'RC4 %PATH%' 'RC4 $HOME' "RC4 'x'"; do
  t=$(make_target reg unsafe $W10 Client "$S\\Ciphers\\$name|Enabled|dword|ffffffff")
  "$B" --json doctor --target "$t" >"$dir/unsafe.json" 2>"$dir/err"
  if jq -e --arg k "$name" '[.findings[] | select(.code == "enabled-ffffffff"
        and (.evidence[0].key | endswith($k)) and (.fix_steps | length) == 0
        and (.message | contains("no fix command is printed")))] | length == 1' \
      "$dir/unsafe.json" >/dev/null; then
    ok
  else
    bad "unsafe key name $name: $(jq -c '[.findings[] | {code, fix, message}]' "$dir/unsafe.json" 2>/dev/null) $(head -c 300 "$dir/err")"
  fi
done

# A target path with a space is double-quoted in the printed fix (the same in
# cmd, PowerShell and bash), and the fix runs as printed.
t=$(make_target reg "with space" $W10 Client "$S\\Ciphers\\Triple DES 168|Enabled|dword|1")
"$B" --json doctor --target "$t" >"$dir/space.json" 2>"$dir/err"
step=$(jq -r '.findings[] | select(.code == "legacy-cipher-enabled") | .fix_steps[0]' "$dir/space.json")
case $step in
  *"--target \"$t\""*) ok ;;
  *) bad "target with a space is not double-quoted: $step" ;;
esac
bash -c "$step" >"$dir/fix.out" 2>&1 && ok || bad "fix for a target with a space failed: $step: $(head -c 300 "$dir/fix.out")"
"$B" --json doctor --target "$t" >"$dir/space2.json" 2>/dev/null
jq -e '[.findings[] | select(.code == "legacy-cipher-enabled")] | length == 0' "$dir/space2.json" >/dev/null &&
  ok || bad "legacy-cipher-enabled still found after the fix on a target with a space"

# sql-needs-tls12-build only when SQL Server shows as installed.
t=$(make_target reg nosql 14393 Server "$S\\Protocols\\TLS 1.0\\Server|Enabled|dword|0")
"$B" --json doctor --target "$t" >"$dir/nosql.json" 2>/dev/null
jq -e '[.findings[] | select(.code == "sql-needs-tls12-build")] | length == 0' "$dir/nosql.json" >/dev/null &&
  ok || bad "sql-needs-tls12-build without SQL Server"

# A .reg target is only read: byte-identical after doctor.
t=$(make_target reg ro $W10 Client "$S|EventLogging|dword|7")
sum=$(sha256sum "$dir/ro.reg")
"$B" doctor --target "$t" >/dev/null 2>&1
[ "$(sha256sum "$dir/ro.reg")" = "$sum" ] && ok || bad "doctor changed a .reg target"

echo "doctor_stack: $passed passed, $failed failed"
[ "$failed" = 0 ]
