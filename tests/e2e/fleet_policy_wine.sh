#!/usr/bin/env bash
# The whole-stack loop under Wine, lean (one WINEPREFIX, one import):
#   export --tls-policy modern --format reg; `wine reg import`; Wine's own
#   `reg query` reads the values back in both views with their exact types
#   (REG_DWORD, the suite list REG_SZ, the curves REG_MULTI_SZ); collect as
#   collect-ps1 does (the OS facts, then `reg export` of each key of its $Keys
#   list, joined into one .reg); `audit --tls-policy modern`: compliant. Then
#   one suite changed by hand: drift on exactly that value.
# Skipped (77) only when wine is not installed.
#   fleet_policy_wine.sh SECPROTO_BINARY
set -uo pipefail
BIN=$1
WINE=$(command -v wine64 || command -v wine || true)
if [ -z "$WINE" ]; then echo "SKIP: wine is not installed"; exit 77; fi
export WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" WINEARCH=win64
WINEPREFIX=$(mktemp -d /tmp/secproto-policy-wine.XXXXXX)
export WINEPREFIX
WORK=$(mktemp -d /tmp/secproto-policy-wine-files.XXXXXX)
cleanup() { wineserver -k >/dev/null 2>&1; rm -rf "$WINEPREFIX" "$WORK"; }
trap cleanup EXIT
passed=0 failed=0
pass() { echo "ok   $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; failed=$((failed + 1)); }
winpath() { echo "Z:${1//\//\\}"; }
OS=win10-22h2
SUITES='HKLM\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002'
SCH='HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols'
WH='HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp'

"$WINE" wineboot -i >/dev/null 2>&1
"$BIN" -q export --tls-policy modern --os $OS --format reg -o "$WORK/modern.reg" || fail "export reg"
"$BIN" -q export --tls-policy modern --os $OS --format collect-ps1 -o "$WORK/collect.ps1" || fail "export collect-ps1"
"$WINE" reg import "$(winpath "$WORK/modern.reg")" /reg:64 >/dev/null 2>&1 || fail "reg import"

q() { "$WINE" reg query "$1" /v "$2" "/reg:$3" 2>&1 | tr -d '\r' | grep -i " $2 "; }
for view in 64 32; do
  if q "$WH" DefaultSecureProtocols $view | grep -Eq 'REG_DWORD +0x800$'; then
    pass "reg query /reg:$view: WinHTTP REG_DWORD 0x800"
  else fail "reg query /reg:$view WinHTTP: $(q "$WH" DefaultSecureProtocols $view)"; fi
done
if q "$SUITES" Functions 64 | grep -Eq 'REG_SZ +TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,'; then
  pass "reg query: the suite list is one REG_SZ"
else fail "reg query Functions: $(q "$SUITES" Functions 64)"; fi
if q "$SUITES" EccCurves 64 | grep -q 'REG_MULTI_SZ'; then pass "reg query: EccCurves is REG_MULTI_SZ"
else fail "reg query EccCurves: $(q "$SUITES" EccCurves 64)"; fi
if q "$SCH\\TLS 1.2\\Client" Enabled 64 | grep -Eq 'REG_DWORD +0x1$'; then pass "reg query: TLS 1.2 Client Enabled 1"
else fail "reg query TLS 1.2 Client: $(q "$SCH\\TLS 1.2\\Client" Enabled 64)"; fi
if q "$SCH\\TLS 1.0\\Server" Enabled 64 | grep -Eq 'REG_DWORD +0x0$'; then pass "reg query: TLS 1.0 Server Enabled 0"
else fail "reg query TLS 1.0 Server: $(q "$SCH\\TLS 1.0\\Server" Enabled 64)"; fi

# Collect as collect-ps1 does: the OS facts first, then one reg export per key
# of its $Keys list (a missing key exports nothing), joined as copy /b would.
collect() {
  local out=$1 n=0
  printf '\xff\xfe' > "$out"
  {
    printf 'Windows Registry Editor Version 5.00\r\n\r\n'
    printf '[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion]\r\n'
    printf '"CurrentBuild"="19045"\r\n"InstallationType"="Client"\r\n"ProductName"="Windows 10 Pro"\r\n\r\n'
  } | iconv -f UTF-8 -t UTF-16LE >> "$out"
  sed -n "/^\$Keys = @(/,/^)/p" "$WORK/collect.ps1" | grep -o "'[^']*'" | tr -d "'" | while read -r key; do
    n=$((n + 1))
    # A key the machine lacks fails at once; under load Wine's reg export can
    # also fail now and then, so try three times before taking it as missing.
    for _ in 1 2 3; do
      if "$WINE" reg export "$key" "$(winpath "$WORK/part$n.reg")" /reg:64 /y >/dev/null 2>&1; then
        cat "$WORK/part$n.reg" >> "$out"
        break
      fi
    done
  done
}
mkdir -p "$WORK/fleet"
collect "$WORK/fleet/WINEHOST.reg"
keys=$(sed -n "/^\$Keys = @(/,/^)/p" "$WORK/collect.ps1" | grep -c "'")
echo "  collected $keys keys into $(wc -c < "$WORK/fleet/WINEHOST.reg") bytes"
"$BIN" --json audit "$WORK/fleet" --tls-policy modern > "$WORK/a.json"; rc=$?
if [ $rc -eq 0 ] && grep -q '"compliant":1' "$WORK/a.json"; then pass "audit --tls-policy of Wine's collection: compliant"
else fail "audit (rc=$rc): $(head -c 3000 "$WORK/a.json")"; fi
if grep -q '"os":"win10-22h2","os_source":"collected"' "$WORK/a.json"; then pass "audit: OS from the collected CurrentBuild"
else fail "audit OS: $(grep -o '"os":"[^"]*","os_source":"[^"]*"' "$WORK/a.json")"; fi

# One suite changed by hand: the first two swapped.
list=$(q "$SUITES" Functions 64 | sed 's/.*REG_SZ *//')
first=${list%%,*} rest=${list#*,} second=${rest%%,*} tail=${rest#*,}
"$WINE" reg add "$SUITES" /v Functions /t REG_SZ /d "$second,$first,$tail" /f /reg:64 >/dev/null 2>&1
collect "$WORK/fleet/WINEHOST.reg"
"$BIN" --json audit "$WORK/fleet" --tls-policy modern > "$WORK/b.json"; rc=$?
drift=$(python3 -c 'import json,sys; m=json.load(open(sys.argv[1]))["machines"][0]; print(len(m["drift"]), m["drift"][0] if m["drift"] else "", m["components"]["suites"], sum(v=="drift" for v in m["components"].values()))' "$WORK/b.json" 2>&1)
if [ $rc -eq 1 ] && grep -q '"drift":1' "$WORK/b.json" && [[ "$drift" == "1 HKLM\\SOFTWARE\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002\\Functions:"*" drift 1" ]]; then
  pass "one suite changed by hand: drift on exactly that value ($drift)"
else fail "drift (rc=$rc): $drift"; fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
