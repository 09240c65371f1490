#!/usr/bin/env bash
# `secproto.exe policy apply` on the live registry under Wine: applies the
# whole-stack policy (the `modern` template when this build has templates,
# else tests/e2e/policy_changes.py's change list) with a backup, checks the
# SCHANNEL, Cryptography and .NET keys with Wine's own `reg query` in both
# views, checks idempotence, `policy check` and `policy capture` (the captured
# file is compliant on the same registry), then `rollback` and checks
# that every key reads exactly as before. Reuses build-win64 (runs
# scripts/build-windows when it is missing); its own WINEPREFIX.
# Prints "N passed, N failed"; the reg query outputs go to
# build-win64/windows-policy.log.
set -uo pipefail
cd "$(dirname "$0")/../.."
log=build-win64/windows-policy.log
source scripts/test.d/lib-wine.sh
wine_require_exe
: >"$log"

wine_prefix policy

out="" rc=0
sp() { out=$("$WINE" "$EXE" "$@" 2>&1 | tr -d '\r'); rc=${PIPESTATUS[0]}; }
has() { grep -q -- "$2" <<<"$1"; }
expect() {
  if [ "$2" = 0 ]; then pass "$1"; else fail "$1"; echo "$out" | sed 's/^/    | /' | head -n 20; fi
}
KEYS=('HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL'
      'HKLM\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002'
      'HKLM\SOFTWARE\Microsoft\.NETFramework\v4.0.30319'
      'HKLM\SOFTWARE\Microsoft\.NETFramework\v2.0.50727'
      'HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp')
snapshot() {  # every value under the keys, both views, as reg query prints them
  local k v
  for v in 64 32; do
    for k in "${KEYS[@]}"; do
      echo "## $k /reg:$v"
      "$WINE" reg query "$k" /s "/reg:$v" 2>&1 | tr -d '\r' | sed '/^$/d'
    done
  done
}
title() { echo "### $1" >>"$log"; }

POLICY='C:\policy-changes.json'
python3 tests/e2e/policy_changes.py 0 "$WINEPREFIX/drive_c/policy-changes.json"
sp policy show modern
[ $rc -eq 0 ] && POLICY=modern
echo "policy: $POLICY"

before=$(snapshot)
title "before"; echo "$before" >>"$log"

sp policy plan "$POLICY" --target live
expect "policy plan on live: exit 1, lists SCHANNEL" $([ $rc -eq 1 ] && has "$out" "SCHANNEL"; echo $?)
sp policy apply "$POLICY" --target live --backup 'C:\policy-backup.json'
expect "policy apply on live: exit 0" $([ $rc -eq 0 ]; echo $?)
after=$(snapshot)
title "after apply"; echo "$after" >>"$log"
q() { "$WINE" reg query "$1" /v "$2" "/reg:$3" 2>&1 | tr -d '\r'; }
S='HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols'
out=$(q "$S\\TLS 1.2\\Client" Enabled 64)
expect "reg query: TLS 1.2 client Enabled = 1 (REG_DWORD)" $(has "$out" "Enabled    REG_DWORD    0x1"; echo $?)
out=$(q "$S\\TLS 1.0\\Server" Enabled 64)
expect "reg query: TLS 1.0 server Enabled = 0" $(has "$out" "Enabled    REG_DWORD    0x0"; echo $?)
out=$(q 'HKLM\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002' Functions 64)
expect "reg query: the suite order is one REG_SZ" $(has "$out" "Functions    REG_SZ    TLS_"; echo $?)
out=$(q 'HKLM\SOFTWARE\Microsoft\.NETFramework\v4.0.30319' SchUseStrongCrypto 32)
expect "reg query /reg:32: .NET SchUseStrongCrypto = 1" $(has "$out" "SchUseStrongCrypto    REG_DWORD    0x1"; echo $?)
out=$(q 'HKLM\SOFTWARE\Microsoft\.NETFramework\v4.0.30319' SchUseStrongCrypto 64)
expect "reg query /reg:64: .NET SchUseStrongCrypto = 1" $(has "$out" "SchUseStrongCrypto    REG_DWORD    0x1"; echo $?)

sp policy apply "$POLICY" --target live
expect "policy apply again: unchanged" $([ $rc -eq 0 ] && has "$out" "unchanged"; echo $?)
sp policy check "$POLICY" --target live
expect "policy check: compliant (exit 0)" $([ $rc -eq 0 ]; echo $?)

# policy capture of the live registry: the captured file reads back and the
# same registry complies with it.
sp policy capture --target live -o 'C:\captured.toml'
expect "policy capture on live: exit 0" $([ $rc -eq 0 ]; echo $?)
sp policy show 'C:\captured.toml'
expect "policy show reads the captured file, TLS 1.2 on" $([ $rc -eq 0 ] && has "$out" '"TLS 1.2"'; echo $?)
sp policy check 'C:\captured.toml' --target live
expect "policy check of the captured file on live: compliant (exit 0)" $([ $rc -eq 0 ]; echo $?)
sp --json policy capture --target live
expect "policy capture --json: policy, notes, target" $([ $rc -eq 0 ] && has "$out" '"normalised": \[\]' && has "$out" '"target"'; echo $?)

sp rollback 'C:\policy-backup.json' --target live
expect "rollback of the policy backup: exit 0" $([ $rc -eq 0 ]; echo $?)
restored=$(snapshot)
title "after rollback"; echo "$restored" >>"$log"
out=$(diff <(echo "$before") <(echo "$restored"))
expect "rollback: every key reads exactly as before (reg query, both views)" $([ -z "$out" ]; echo $?)
finish
