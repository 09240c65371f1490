#!/usr/bin/env bash
# The exported .reg under Wine: `wine reg import` in a fresh WINEPREFIX sets
# DefaultSecureProtocols as REG_DWORD in both views (checked with Wine's own
# `reg query /reg:64` and `/reg:32`), replaces a planted REG_SZ, and the
# --unset file removes it from both. Then Wine's `reg export` of both keys,
# concatenated as docs/FLEET.md collects them, audits as compliant.
# Skipped (77) only when wine is not installed.
#   fleet_wine.sh SECPROTO_BINARY
set -uo pipefail
BIN=$1
WINE=$(command -v wine64 || command -v wine || true)
if [ -z "$WINE" ]; then echo "SKIP: wine is not installed"; exit 77; fi
export WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" WINEARCH=win64
WINEPREFIX=$(mktemp -d /tmp/secproto-fleet-wine.XXXXXX)
export WINEPREFIX
WORK=$(mktemp -d /tmp/secproto-fleet-wine-files.XXXXXX)
cleanup() { wineserver -k >/dev/null 2>&1; rm -rf "$WINEPREFIX" "$WORK"; }
trap cleanup EXIT
passed=0 failed=0
pass() { echo "ok   $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; failed=$((failed + 1)); }
KEY='HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp'
WKEY='HKLM\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp'
VAL=DefaultSecureProtocols
query() { "$WINE" reg query "$KEY" /v "$VAL" "/reg:$1" 2>&1 | tr -d '\r'; }
winpath() { echo "Z:${1//\//\\}"; }

"$WINE" wineboot -i >/dev/null 2>&1
"$BIN" -q export modern --format reg -o "$WORK/modern.reg" || fail "export reg"
"$BIN" -q export --unset --format reg -o "$WORK/unset.reg" || fail "export --unset reg"

# A REG_SZ planted in the 32-bit view (the PowerShell pitfall) must be replaced.
"$WINE" reg add "$KEY" /v "$VAL" /t REG_SZ /d 0x2800 /reg:32 /f >/dev/null 2>&1
if query 32 | grep -q REG_SZ; then pass "planted REG_SZ in view 32"; else fail "plant REG_SZ"; fi

"$WINE" reg import "$(winpath "$WORK/modern.reg")" /reg:64 >/dev/null 2>&1
for view in 64 32; do
  q=$(query $view)
  echo "  reg query /reg:$view: $(echo "$q" | grep "$VAL")"
  if echo "$q" | grep -Eq "$VAL +REG_DWORD +0x2800"; then pass "reg import: view $view holds REG_DWORD 0x2800"
  else fail "reg import: view $view: $q"; fi
done

# Collect as docs/FLEET.md says (two reg exports, concatenated) and audit.
"$WINE" reg export "$KEY" "$(winpath "$WORK/a.reg")" /reg:64 /y >/dev/null 2>&1
"$WINE" reg export "$WKEY" "$(winpath "$WORK/b.reg")" /reg:64 /y >/dev/null 2>&1
mkdir -p "$WORK/fleet"
cat "$WORK/a.reg" "$WORK/b.reg" > "$WORK/fleet/WINEHOST.reg"
out=$("$BIN" --json audit "$WORK/fleet" --policy modern); rc=$?
if [ $rc -eq 0 ] && echo "$out" | grep -q '"compliant":1'; then pass "audit of Wine's reg export: compliant"
else fail "audit of Wine's reg export (rc=$rc): $out"; fi

"$WINE" reg import "$(winpath "$WORK/unset.reg")" /reg:64 >/dev/null 2>&1
for view in 64 32; do
  q=$(query $view)
  if echo "$q" | grep -q "$VAL"; then fail "unset: view $view still has the value: $q"
  else pass "unset .reg: view $view has no value"; fi
done
"$WINE" reg export "$KEY" "$(winpath "$WORK/a.reg")" /reg:64 /y >/dev/null 2>&1
"$WINE" reg export "$WKEY" "$(winpath "$WORK/b.reg")" /reg:64 /y >/dev/null 2>&1
cat "$WORK/a.reg" "$WORK/b.reg" > "$WORK/fleet/WINEHOST.reg"
"$BIN" --json audit "$WORK/fleet" --policy modern > "$WORK/out.json"; rc=$?
if [ $rc -eq 1 ] && grep -q '"missing":1' "$WORK/out.json"; then pass "audit after unset: missing"
else fail "audit after unset (rc=$rc): $(cat "$WORK/out.json")"; fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
