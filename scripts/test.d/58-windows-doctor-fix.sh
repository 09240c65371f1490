#!/usr/bin/env bash
# The stack doctor's printed fixes (`secproto policy apply --set "..."`,
# docs/MODEL.md "Stack doctor codes") run in Windows' cmd exactly as printed:
# secproto.exe under Wine reads a .reg target that shows a suite order the
# OS does not fully have, a legacy cipher on and a weak DH minimum; each
# printed fix line is pasted into an interactive `wine cmd` (its standard
# input) on one copy of the target and run from a .bat file through
# `wine cmd /c` on another; then doctor finds none of the three codes.
# (`wine cmd /c "LINE"` straight from bash is not the same thing: Wine's
# launcher turns each " of its Unix argument into \" in the Windows command
# line, which cmd passes on unchanged, so no quoted line survives it.)
# Reuses build-win64 (scripts/build-windows when it is missing); its own
# WINEPREFIX. Prints "N passed, N failed"; the doctor outputs go to
# build-win64/windows-doctor-fix.log.
set -uo pipefail
cd "$(dirname "$0")/../.."
log=build-win64/windows-doctor-fix.log
source scripts/test.d/lib-wine.sh
wine_require_exe
: >"$log"
wine_prefix doctorfix

# C:\t holds secproto.exe, so that cmd started there finds `secproto`.
work="$WINEPREFIX/drive_c/t"
mkdir -p "$work"
cp "$EXE" "$work/secproto.exe"
CODES='["suites-unknown-to-os", "legacy-cipher-enabled", "weak-dh"]'

# A Windows 10 22H2 client: TLS_AES_128_GCM_SHA256 is a suite it does not
# have, RC4 128/128 on, a 1024-bit DH server minimum.
write_target() {
  cat <<'REG' | sed 's/$/\r/' >"$work/$1"
Windows Registry Editor Version 5.00

[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion]
"CurrentBuild"="19045"
"InstallationType"="Client"

[HKEY_LOCAL_MACHINE\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002]
"Functions"="TLS_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"

[HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Ciphers\RC4 128/128]
"Enabled"=dword:00000001

[HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\KeyExchangeAlgorithms\Diffie-Hellman]
"ServerMinKeyBitLength"=dword:00000400
REG
}

# doctor_json FILE: secproto.exe --json doctor of C:\t\FILE, run from C:\t.
doctor_json() {
  (cd "$work" && "$WINE" secproto.exe --json doctor --target "reg:C:\\t\\$1" 2>>"$OLDPWD/$log" |
    tr -d '\r')
}

# run_fixes FILE HOW: runs every fix doctor prints for FILE in cmd, HOW is
# "paste" (the line typed into cmd) or "bat" (the line in a .bat file).
run_fixes() {
  local file=$1 how=$2 json steps step n=0 out rc
  json=$(doctor_json "$file")
  echo "### doctor $file before ($how)" >>"$log"
  echo "$json" >>"$log"
  steps=$(jq -r --argjson c "$CODES" '.findings[] | select(.code as $x | $c | index($x)) |
    .fix_steps[]' <<<"$json")
  local found
  found=$(jq -r --argjson c "$CODES" '[.findings[].code | select(. as $x | $c | index($x))] |
    unique | length' <<<"$json")
  if [ "$found" = 3 ]; then pass "$how: doctor finds the three codes"; else
    fail "$how: doctor finds the three codes ($(jq -c '[.findings[].code]' <<<"$json"))"; fi
  while IFS= read -r step; do
    [ -z "$step" ] && continue
    n=$((n + 1))
    case $step in
      *'<('*) fail "$how: fix $n has a bash process substitution: $step"; continue ;;
      "secproto policy apply --set \""*) ;;
      *) fail "$how: fix $n is not a --set apply: $step"; continue ;;
    esac
    echo "### $how: $step" >>"$log"
    if [ "$how" = paste ]; then
      # cmd reads the line as typed; `exit` hands its ERRORLEVEL to Wine.
      out=$(cd "$work" && printf '%s\r\nexit %%ERRORLEVEL%%\r\n' "$step" | "$WINE" cmd 2>&1 |
        tr -d '\r'; exit "${PIPESTATUS[1]}")
      rc=$?
    else
      printf '@%s\r\n' "$step" >"$work/fix$n.bat"
      out=$(cd "$work" && "$WINE" cmd /c "C:\\t\\fix$n.bat" 2>&1 | tr -d '\r'; exit "${PIPESTATUS[0]}")
      rc=$?
    fi
    echo "$out" >>"$log"
    if [ "$rc" = 0 ] && grep -q "wrote [0-9]* value(s)" <<<"$out"; then
      pass "$how: fix $n runs in cmd as printed and writes the target"
    else
      fail "$how: fix $n runs in cmd as printed (exit $rc): $step"
      echo "$out" | sed 's/^/    | /' | head -n 20
    fi
  done <<<"$steps"
  json=$(doctor_json "$file")
  echo "### doctor $file after ($how)" >>"$log"
  echo "$json" >>"$log"
  left=$(jq -c --argjson c "$CODES" '[.findings[].code | select(. as $x | $c | index($x))]' <<<"$json")
  if [ "$left" = "[]" ]; then pass "$how: after the fixes doctor finds none of them"; else
    fail "$how: after the fixes doctor still finds $left"; fi
}

write_target paste.reg
write_target bat.reg
run_fixes paste.reg paste
run_fixes bat.reg bat

# doctor's one fix (docs/MODEL.md "One fix") on the live registry: Wine's own
# HKLM, read and written through the Win32 registry API. For a few
# combinations of findings, set with Wine's reg.exe, `secproto doctor`
# prints one command (fix.command); run from a .bat in cmd, it leaves no
# finding with a fix, and reg.exe reads the values it wrote.
S='HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL'
P='HKLM\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002'
W='HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp'
live_doctor() {
  (cd "$work" && "$WINE" secproto.exe --json doctor 2>>"$OLDPWD/$log" | tr -d '\r')
}
reg_add() { "$WINE" reg add "$1" /v "$2" /t "$3" /d "$4" /f >/dev/null 2>&1; }
reg_clear() {
  "$WINE" reg delete "$S" /f >/dev/null 2>&1
  "$WINE" reg delete "$P" /f >/dev/null 2>&1
  "$WINE" reg delete "$W" /v DefaultSecureProtocols /f >/dev/null 2>&1
}
one_fix_live() {
  local label=$1 json cmd left
  json=$(live_doctor)
  echo "### live $label: doctor before" >>"$log"
  echo "$json" >>"$log"
  cmd=$(jq -r '.fix.command // ""' <<<"$json")
  if [ -z "$cmd" ]; then
    fail "live $label: doctor prints one command ($(jq -c '.fix | {weakens, left}' <<<"$json"))"
    return
  fi
  pass "live $label: doctor prints one command for $(jq '[.findings[] | select(.fix != null)] | length' <<<"$json") fixable finding(s)"
  printf '@%s\r\n' "$cmd" >"$work/one-$label.bat"
  out=$(cd "$work" && "$WINE" cmd /c "C:\\t\\one-$label.bat" 2>&1 | tr -d '\r'; exit "${PIPESTATUS[0]}")
  rc=$?
  echo "$out" >>"$log"
  [ "$rc" = 0 ] && pass "live $label: the one command runs in cmd" ||
    { fail "live $label: the one command (exit $rc): $(head -c 300 <<<"$out")"; return; }
  json=$(live_doctor)
  echo "### live $label: doctor after" >>"$log"
  echo "$json" >>"$log"
  left=$(jq -c '[.findings[] | select(.fix != null) | .code]' <<<"$json")
  [ "$left" = "[]" ] && pass "live $label: no fixable finding after it, in one pass" ||
    fail "live $label: fixable after the one fix: $left"
}
reg_clear
reg_add "$S\\Ciphers\\RC4 128/128" Enabled REG_DWORD 0xffffffff
reg_add "$S\\Protocols\\TLS 1.3\\Server" Enabled REG_DWORD 1
reg_add "$W" DefaultSecureProtocols REG_SZ 2048
one_fix_live rc4-tls13-winhttp
if "$WINE" reg query "$S\\Ciphers\\RC4 128/128" /v Enabled 2>/dev/null | tr -d '\r' | grep -q '0x0$'; then
  pass "live: reg.exe reads RC4 128/128 Enabled = 0 after the one fix"
else
  fail "live: RC4 128/128 Enabled after the one fix: $("$WINE" reg query "$S\\Ciphers\\RC4 128/128" /v Enabled 2>&1 | tr -d '\r' | tail -n 2)"
fi
reg_clear
reg_add "$P" Functions REG_MULTI_SZ 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\0TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384'
reg_add "$S\\Protocols\\TLS 1.2\\Client" Enabled REG_DWORD 0xffffffff
reg_add "$S\\KeyExchangeAlgorithms\\Diffie-Hellman" ServerMinKeyBitLength REG_DWORD 1024
one_fix_live suites-ffff-dh
finish
