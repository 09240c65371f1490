#!/usr/bin/env bash
# End-to-end tests of the hive: and image: targets and `secproto hive create`,
# checked with independent readers (hivexget, hivexsh, reglookup, regfexport).
# Usage: tests/e2e/hive.sh [path/to/secproto]
set -uo pipefail

B=${1:-build/secproto}
B=$(cd "$(dirname "$B")" && pwd)/$(basename "$B")
T=$(mktemp -d)
trap 'chmod -R u+w "$T" 2>/dev/null; rm -rf "$T"' EXIT
cd "$T"
chmod 755 "$T"

pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
check() {  # check "what" command...
  local what=$1; shift
  if "$@"; then ok "$what"; else bad "$what"; fi
}

KEY='Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp'
WKEY='Wow6432Node\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp'
get64() { hivexget "$1" "$KEY" DefaultSecureProtocols 2>/dev/null; }
get32() { hivexget "$1" "$WKEY" DefaultSecureProtocols 2>/dev/null; }
rl() { reglookup -H "$1" 2>/dev/null | grep -i "/DefaultSecureProtocols," | sort; }
sha() { sha256sum "$1" | cut -d' ' -f1; }

# Sets the base block's secondary sequence number to primary+1 and fixes the
# checksum: a dirty hive as Windows leaves one with unreplayed logs.
make_dirty() {
  perl -e 'open F, "+<", $ARGV[0] or die; binmode F; read F, $b, 512;
    substr($b, 8, 4) = pack("V", unpack("V", substr($b, 4, 4)) + 1);
    $x = 0; $x ^= $_ for unpack("V127", $b);
    $x = 0xFFFFFFFE if $x == 0xFFFFFFFF; $x = 1 if $x == 0;
    substr($b, 508, 4) = pack("V", $x); seek F, 0, 0; print F $b; close F' "$1"
}

fix_checksum() {
  perl -e 'open F, "+<", $ARGV[0] or die; binmode F; read F, $b, 512;
    $x = 0; $x ^= $_ for unpack("V127", $b);
    $x = 0xFFFFFFFE if $x == 0xFFFFFFFF; $x = 1 if $x == 0;
    substr($b, 508, 4) = pack("V", $x); seek F, 0, 0; print F $b; close F' "$1"
}

# --- hive create --------------------------------------------------------------
$B hive create SOFTWARE >/dev/null
check "hive create makes an 8 KiB file" test "$(stat -c %s SOFTWARE)" = 8192
check "hivexsh reads the new hive" bash -c "echo ls | hivexsh SOFTWARE >/dev/null 2>&1"
check "reglookup reads the new hive" bash -c "reglookup SOFTWARE | grep -q '^/,KEY'"
check "regfinfo reads the new hive" bash -c "regfinfo SOFTWARE | grep -q 'Version:.*1.5'"
check "regfexport reads the new hive" bash -c "regfexport SOFTWARE 2>&1 | grep -q 'Key path: ROOT'"
$B hive create SOFTWARE >/dev/null 2>err.txt; rc=$?
check "hive create refuses an existing file (exit 2)" test $rc = 2
check "hive create refusal is one line naming --force" bash -c "test \$(wc -l <err.txt) = 1 && grep -q -- --force err.txt"
check "hive create --force --json" bash -c "$B --json hive create SOFTWARE --force | grep -q '\"created\": true'"
$B hive create "$T" >/dev/null 2>&1; rc=$?
check "hive create on a directory fails (exit 2)" test $rc = 2

# --- round trip: set / show / check / unset / rollback -----------------------
$B hive create RT >/dev/null
$B set tls1.2,tls1.3 --target hive:RT --backup rt1.json >out.txt; rc=$?
check "set exits 0" test $rc = 0
check "hivexget reads 0x2800 in view 64" test "$(get64 RT)" = 10240
check "hivexget reads 0x2800 in view 32" test "$(get32 RT)" = 10240
check "reglookup sees both DWORDs" test "$(rl RT | grep -c 'DWORD,0x00002800')" = 2
check "regfexport sees the value" bash -c "regfexport RT 2>/dev/null | grep -c 'Data: 10240' | grep -q 2"
check "show reports REG_DWORD" bash -c "$B show --target hive:RT | grep -q 'REG_DWORD 0x00002800'"
check "show --json shape" bash -c "$B --json show --target hive:RT | grep -q '\"architecture\"'"
check "check tls1.2,tls1.3 exits 0" $B check tls1.2,tls1.3 --target hive:RT
$B check tls1.2 --target hive:RT >/dev/null; rc=$?
check "check tls1.2 exits 1 (drift)" test $rc = 1
h1=$(sha RT)
$B set tls1.3,tls1.2 --target hive:RT >out.txt
check "second identical set says unchanged" grep -q unchanged out.txt
check "second identical set leaves the file byte-identical" test "$(sha RT)" = "$h1"
check "read-only commands leave no lock behind them and do not write" bash -c "$B show --target hive:RT >/dev/null; test \$(sha256sum RT | cut -d' ' -f1) = $h1"
$B set +tls1.1 -tls1.3 --target hive:RT >/dev/null
check "relative edit +tls1.1 -tls1.3 gives 0xA00" test "$(get64 RT)/$(get32 RT)" = "2560/2560"
$B unset --target hive:RT --backup rt2.json >/dev/null
check "unset removes both values (hivexget)" test -z "$(get64 RT)$(get32 RT)"
check "unset removes both values (reglookup)" test -z "$(rl RT)"
$B rollback rt2.json --target hive:RT >/dev/null
check "rollback of unset restores 0xA00" test "$(get64 RT)/$(get32 RT)" = "2560/2560"
$B rollback rt1.json --target hive:RT >/dev/null
check "rollback to before the first set removes the keys it created" \
  test "$(reglookup -H RT | wc -l)" = 1

# --- 32-bit image rule ---------------------------------------------------------
$B hive create X86 >/dev/null
printf 'add Microsoft\ncd Microsoft\nadd Windows NT\ncd Windows NT\nadd CurrentVersion\ncommit\n' |
  hivexsh -w X86 >/dev/null
$B set tls1.2 --target hive:X86 >out.txt
check "32-bit image: only view 64 written" test "$(get64 X86)/$(get32 X86)" = "2048/"
check "32-bit image: no Wow6432Node created" bash -c "! reglookup -H X86 | grep -qi wow6432"
check "32-bit image: output says so" grep -qi "32-bit" out.txt
check "32-bit image: check passes with one view" $B check tls1.2 --target hive:X86

# --- REG_SZ planted by another tool ------------------------------------------------
$B hive create SZ >/dev/null
$B set tls1.2 --target hive:SZ >/dev/null
printf 'cd %s\nsetval 1\nDefaultSecureProtocols\nstring:0xA80\ncommit\n' "$KEY" | hivexsh -w SZ >/dev/null
check "planted REG_SZ reads back with reglookup" bash -c "reglookup -H SZ | grep -q 'WinHttp/DefaultSecureProtocols,SZ,0xA80'"
$B show --target hive:SZ >out.txt
check "show reports the REG_SZ as wrong-type" bash -c "grep -q REG_SZ out.txt && grep -qi 'wrong-type' out.txt"
$B check tls1.2 --target hive:SZ >/dev/null; rc=$?
check "check fails on the REG_SZ" test $rc = 1
before=$(reglookup -H SZ | grep -i '/WinHttp/DefaultSecureProtocols,' | head -1)
$B set tls1.2 --target hive:SZ --backup sz.json >/dev/null
check "set replaces the REG_SZ with a REG_DWORD" bash -c "reglookup -H SZ | grep -q 'Settings/WinHttp/DefaultSecureProtocols,DWORD,0x00000800'"
$B rollback sz.json --target hive:SZ >/dev/null
after=$(reglookup -H SZ | grep -i '/WinHttp/DefaultSecureProtocols,' | head -1)
check "rollback restores the REG_SZ exactly" test "$before" = "$after" -a -n "$before"
check "rollback restores the REG_SZ (hivexml: type, text, 16-byte data cell)" bash -c \
  "hivexml SZ | grep -q '<value type=\"string\" key=\"DefaultSecureProtocols\" value=\"0xA80\"><byte_runs><byte_run file_offset=\"[0-9]*\" len=\"[0-9]*\"/><byte_run file_offset=\"[0-9]*\" len=\"16\"/>'"
check "rollback restores the REG_SZ raw bytes (UTF-16LE \"0xA80\" + NUL)" bash -c \
  "$B --json show --target hive:SZ | grep -q '\"raw\": \"300078004100380030000000\"'"

# --- bad input: each leaves the bytes unchanged, exit 2 or 3, one line -------------
badcase() {  # badcase "what" file [extra flags]
  local what=$1 f=$2; shift 2
  local h; h=$(sha "$f")
  $B set tls1.2 --target "hive:$f" "$@" >/dev/null 2>err.txt
  local rc=$?
  if [ $rc -ne 3 ] && [ $rc -ne 2 ]; then bad "$what: exit $rc"; return; fi
  if [ "$(wc -l <err.txt)" != 1 ]; then bad "$what: not one line: $(cat err.txt)"; return; fi
  if [ "$(sha "$f")" != "$h" ]; then bad "$what: the file changed"; return; fi
  ok "$what: exit $rc, unchanged: $(cut -c1-110 err.txt)"
}
$B hive create GOOD >/dev/null
head -c 6000 GOOD >truncated; badcase "truncated hive" truncated
head -c 2000 GOOD >truncated2; badcase "hive truncated inside the base block" truncated2
cp GOOD flipped; printf '\xff\xfe' | dd of=flipped bs=1 seek=40 conv=notrunc 2>/dev/null
badcase "flipped bytes in the base block" flipped
cp GOOD cksum; printf '\x00\x00\x00\x00' | dd of=cksum bs=1 seek=508 conv=notrunc 2>/dev/null
badcase "wrong checksum" cksum
head -c 65536 /dev/urandom >garbage; badcase "random garbage" garbage
: >empty; badcase "zero-length file" empty
cp GOOD logfile; printf '\x01' | dd of=logfile bs=1 seek=28 conv=notrunc 2>/dev/null; fix_checksum logfile
badcase "a transaction log, not a primary hive (file type 1)" logfile
cp GOOD bigbins; printf '\x00\x00\x01\x00' | dd of=bigbins bs=1 seek=40 conv=notrunc 2>/dev/null; fix_checksum bigbins
badcase "hive bins size beyond the end of the file" bigbins
cp GOOD nohbin; printf 'XXXX' | dd of=nohbin bs=1 seek=4096 conv=notrunc 2>/dev/null
badcase "no hbin at 4096" nohbin
mkdir adir; $B set tls1.2 --target hive:adir >/dev/null 2>err.txt; rc=$?
check "a directory: exit 3, one line" bash -c "test $rc = 3 && test \$(wc -l <err.txt) = 1"
$B set tls1.2 --target hive:missing >/dev/null 2>&1; rc=$?
check "a missing file: exit 3" test $rc = 3
$B show --target hive:garbage >/dev/null 2>&1; rc=$?
check "show on garbage: exit 3" test $rc = 3

cp GOOD dirty; make_dirty dirty
check "dirty hive still opens in hivexsh (valid checksum)" bash -c "echo ls | hivexsh dirty >/dev/null 2>&1"
badcase "dirty hive" dirty
check "dirty hive message explains the .LOG1/.LOG2 files" grep -q 'LOG1/.LOG2' err.txt
check "dirty hive: reads are allowed" $B show --target hive:dirty
$B set tls1.2 --target hive:dirty --force-dirty >/dev/null; rc=$?
check "dirty hive: --force-dirty writes" test "$rc/$(get64 dirty)" = "0/2048"

cp GOOD ro; chmod 444 ro; badcase "read-only file (mode 444, refused even for root)" ro
check "read-only file message" grep -q 'read-only' err.txt
mkdir rodir; cp GOOD rodir/SOFTWARE; chmod 555 rodir
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
  # root ignores mode bits, so run the writer as nobody to make the folder's
  # mode matter.
  chmod 644 rodir/SOFTWARE; chmod o+rx "$T"
  h=$(sha rodir/SOFTWARE)
  setpriv --reuid=65534 --regid=65534 --clear-groups $B set tls1.2 --target hive:rodir/SOFTWARE >/dev/null 2>err.txt
  rc=$?
  check "read-only folder (as nobody): exit 3, unchanged" \
    bash -c "test $rc = 3 && test \$(sha256sum rodir/SOFTWARE | cut -d' ' -f1) = $h && grep -q read-only err.txt"
elif [ "$(id -u)" != 0 ]; then
  badcase "read-only folder" rodir/SOFTWARE
else
  echo "skip read-only folder: root without setpriv cannot make a folder read-only"
fi
chmod 755 rodir

# --- lock: concurrent writers serialise (no lost update) ---------------------------
lost=0
for i in 1 2 3 4 5; do
  $B hive create L$i >/dev/null
  $B set tls1.2 --target hive:L$i >/dev/null
  $B set +tls1.3 --target hive:L$i >/dev/null &
  p1=$!
  $B set +tls1.1 --target hive:L$i >/dev/null &
  p2=$!
  wait $p1 $p2
  [ "$(get64 L$i)/$(get32 L$i)" = "10752/10752" ] || lost=$((lost + 1))
done
check "5 rounds of two concurrent relative edits: no lost update" test $lost = 0
$B hive create LW >/dev/null
flock LW.secproto.lock sleep 1 &
sleep 0.2
$B set tls1.2 --target hive:LW >/dev/null; rc=$?
wait
check "a writer waits for a held lock, then writes" test "$rc/$(get64 LW)" = "0/2048"

# --- image:DIR with odd case -------------------------------------------------------
mkdir -p img/wInDoWs/SYSTEM32/Config
$B hive create img/wInDoWs/SYSTEM32/Config/software >/dev/null
$B hive create img/wInDoWs/SYSTEM32/Config/system >/dev/null
printf 'add Select\ncd Select\nsetval 1\nCurrent\ndword:00000001\ncd ..\nadd ControlSet001\ncommit\n' |
  hivexsh -w img/wInDoWs/SYSTEM32/Config/system >/dev/null
$B set tls1.2 --target image:img >/dev/null; rc=$?
check "image:DIR finds the hives in any case and writes" \
  test "$rc/$(get64 img/wInDoWs/SYSTEM32/Config/software)" = "0/2048"
mkdir noimg; $B show --target image:noimg >/dev/null 2>err.txt; rc=$?
check "image:DIR without Windows: exit 3, one line" bash -c "test $rc = 3 && test \$(wc -l <err.txt) = 1"

echo "hive e2e: $pass passed, $fail failed"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
