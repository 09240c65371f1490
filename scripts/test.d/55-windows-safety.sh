#!/usr/bin/env bash
# Data safety of secproto.exe under Wine (issue 18, items 1-3), on the `live`
# target and on .reg files, checked with Wine's own reg.exe: a backup file
# that exists is never overwritten, `undo:` only when there is something to
# undo, rollback refuses a backup of another target or machine unless
# --force, a read-only .reg file is refused and left byte-identical, and no
# lock file is left. Reuses build-win64/secproto.exe (scripts/build-windows
# builds it when missing) and a fresh WINEPREFIX under /tmp.
# Prints "N passed, N failed"; exits non-zero on failure.
set -uo pipefail
cd "$(dirname "$0")/../.."
log=build-win64/windows-safety.log
suite_summary() { echo "55-windows-safety: reg query outputs in $log"; }
source scripts/test.d/lib-wine.sh
wine_require_exe
: >"$log"

wine_prefix safety
C="$WINEPREFIX/drive_c"

KEY='HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp'
VAL=DefaultSecureProtocols
out=""
err=""
rc=0
sp() {
  out=$("$WINE" "$EXE" "$@" 2>"$WINEPREFIX/err.txt" | tr -d '\r')
  rc=${PIPESTATUS[0]}
  err=$(tr -d '\r' <"$WINEPREFIX/err.txt")
  { echo "### secproto $*  (exit $rc)"; echo "$out"; echo "$err"; echo; } >>"$log"
}
regq() {  # regq TITLE VIEW: the value in one view, logged
  local q
  q=$("$WINE" reg query "$KEY" /v "$VAL" "/reg:$2" 2>&1 | tr -d '\r')
  { echo "### $1: reg query \"$KEY\" /v $VAL /reg:$2"; echo "$q"; echo; } >>"$log"
  printf '%s' "$q"
}
expect() {  # expect NAME CONDITION-RESULT
  if [ "$2" = 0 ]; then pass "$1"; else
    fail "$1"
    { echo "$out"; echo "$err"; } | sed 's/^/    | /' | head -n 20
  fi
}
has() { grep -q -- "$2" <<<"$1"; }
sha() { sha256sum "$1" | cut -d' ' -f1; }

# --- 1: a backup file that exists is never overwritten (live) ----------------
sp set tls1.2,tls1.3 --backup 'C:\b1.json'
expect "live: first set --backup writes the backup and prints undo" \
  $([ $rc -eq 0 ] && [ -f "$C/b1.json" ] && has "$out" 'undo: secproto rollback C:\\b1.json'; echo $?)
h_backup=$(sha "$C/b1.json")
sp set tls1.3 --backup 'C:\b1.json'
q64=$(regq "after the refused second set" 64)
expect "live: a second --backup to the same file: exit 2, says it exists, backup and registry unchanged" \
  $([ $rc -eq 2 ] && has "$err" "already exists" && [ "$(sha "$C/b1.json")" = "$h_backup" ] && has "$q64" "REG_DWORD    0x2800"; echo $?)
sp set tls1.2,tls1.3 --backup 'C:\b2.json'
expect "live: nothing to change: no undo line, no backup file" \
  $([ $rc -eq 0 ] && ! has "$out" "undo:" && [ ! -e "$C/b2.json" ]; echo $?)
sp rollback 'C:\b1.json'
q64=$(regq "after rollback of the first backup" 64); q32=$(regq "after rollback of the first backup" 32)
expect "live: rollback of the first backup restores the original absence" \
  $([ $rc -eq 0 ] && ! has "$q64" "REG_DWORD" && ! has "$q32" "REG_DWORD"; echo $?)

# --- 2: rollback refuses a backup of another target or machine ---------------
sp set tls1.2 --backup 'C:\b3.json'
expect "live: the backup records the machine name" $(grep -q '"machine": "' "$C/b3.json"; echo $?)
sed -i 's/"machine": "[^"]*"/"machine": "OTHERPC"/' "$C/b3.json"
before64=$(regq "before rollback of another machine's backup" 64)
sp rollback 'C:\b3.json'
after64=$(regq "after the refused rollback" 64)
expect "live: a backup from machine OTHERPC is refused (exit 2, names both), registry unchanged" \
  $([ $rc -eq 2 ] && has "$err" "OTHERPC" && has "$err" "this is " && [ "$before64" = "$after64" ]; echo $?)
sp rollback 'C:\b3.json' --force
q64=$(regq "after rollback --force" 64)
expect "live: --force applies it" $([ $rc -eq 0 ] && ! has "$q64" "REG_DWORD"; echo $?)
sed -i '/"machine"/d' "$C/b3.json"
sp rollback 'C:\b3.json'
expect "live: an older backup without a machine name still works" $([ $rc -eq 0 ]; echo $?)
sp set tls1.2 --target 'reg:C:\r.reg' --backup 'C:\r.json'
sp rollback 'C:\r.json'
expect "live: a backup taken from reg:C:\\r.reg is refused on live (exit 2, names both)" \
  $([ $rc -eq 2 ] && has "$err" 'reg:C:\\r.reg' && has "$err" "live"; echo $?)

# --- 3: a read-only .reg file is refused and left byte-identical ----------------
sp set tls1.2 --target 'reg:C:\ro.reg'
"$WINE" cmd /c 'attrib +r C:\ro.reg' >/dev/null 2>&1
h_ro=$(sha "$C/ro.reg")
sp set tls1.3 --target 'reg:C:\ro.reg'
expect "reg: a read-only .reg file: exit 3, byte-identical, no lock file" \
  $([ $rc -eq 3 ] && has "$err" "read-only" && [ "$(sha "$C/ro.reg")" = "$h_ro" ] && [ ! -e "$C/ro.reg.secproto.lock" ]; echo $?)

# --- small: no lock file beside a .reg target after success -------------------
sp set tls1.3 --target 'reg:C:\ok.reg'
expect "reg: no lock file beside C:\\ok.reg after success" \
  $([ $rc -eq 0 ] && [ -f "$C/ok.reg" ] && [ ! -e "$C/ok.reg.secproto.lock" ]; echo $?)
sp set tls1.3 --target 'reg:C:\nodir\x.reg'
expect "reg: a missing folder says 'folder ... does not exist' (exit 3)" \
  $([ $rc -eq 3 ] && has "$err" "does not exist"; echo $?)

finish
