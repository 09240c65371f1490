#!/usr/bin/env bash
# End-to-end tests of data safety on real hives and .reg files (issues 10 and
# 18): dirty hives that are only read, the wrong kind of hive, corrupt hives,
# lock files, backups that are never overwritten, rollback onto the wrong
# target, read-only .reg files, missing folders and `hive create --system`.
# Hives are built here: dirty ones by changing a sequence number, SYSTEM- and
# NTUSER-shaped ones with the right root keys and base-block file name.
# Usage: tests/e2e/hive_safety.sh [path/to/secproto]
set -uo pipefail

B=${1:-build/secproto}
B=$(cd "$(dirname "$B")" && pwd)/$(basename "$B")
T=$(mktemp -d)
trap 'chmod -R u+w "$T" 2>/dev/null; rm -rf "$T"' EXIT
cd "$T"

pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
check() {  # check "what" command...
  local what=$1; shift
  if "$@"; then ok "$what"; else bad "$what"; fi
}
run() { out=$("$B" "$@" 2>err.txt); rc=$?; err=$(cat err.txt); }
sha() { sha256sum "$1" | cut -d' ' -f1; }
locks() { find "$T" -name '*.secproto.lock' | wc -l; }

KEY='Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp'

# Sets the secondary sequence number to primary+1 and fixes the checksum.
make_dirty() {
  perl -e 'open F, "+<", $ARGV[0] or die; binmode F; read F, $b, 512;
    substr($b, 8, 4) = pack("V", unpack("V", substr($b, 4, 4)) + 1);
    $x = 0; $x ^= $_ for unpack("V127", $b);
    $x = 0xFFFFFFFE if $x == 0xFFFFFFFF; $x = 1 if $x == 0;
    substr($b, 508, 4) = pack("V", $x); seek F, 0, 0; print F $b; close F' "$1"
}
# Writes NAME (ASCII) into the base block's file name field, fixes the checksum.
set_file_name() {
  perl -e 'open F, "+<", $ARGV[0] or die; binmode F; read F, $b, 512;
    substr($b, 48, 64) = pack("a64", join("", map { $_ . "\0" } split //, $ARGV[1]));
    $x = 0; $x ^= $_ for unpack("V127", $b);
    $x = 0xFFFFFFFE if $x == 0xFFFFFFFF; $x = 1 if $x == 0;
    substr($b, 508, 4) = pack("V", $x); seek F, 0, 0; print F $b; close F' "$1" "$2"
}
# A SYSTEM-shaped hive: Select\Current=1, ControlSet001\Control, file name.
make_system() {
  "$B" hive create "$1" >/dev/null
  hivexsh -w "$1" <<'HX' >/dev/null
add Select
cd Select
setval 1
Current
dword:1
cd ..
add ControlSet001
cd ControlSet001
add Control
commit
HX
  set_file_name "$1" '\SystemRoot\System32\Config\SYSTEM'
}
# An NTUSER-shaped hive: Software, Environment, Control Panel, file name.
make_user() {
  "$B" hive create "$1" >/dev/null
  hivexsh -w "$1" <<'HX' >/dev/null
add Software
add Environment
add Control Panel
commit
HX
  set_file_name "$1" '\??\C:\Users\alice\ntuser.dat'
}

# --- issue 10.1: a dirty hive that is only read never blocks a write ----------
"$B" hive create SOFTWARE >/dev/null
make_system SYSTEM
make_user NTUSER.DAT
make_dirty SYSTEM
make_dirty NTUSER.DAT
hs=$(sha SYSTEM); hu=$(sha NTUSER.DAT)
run set tls1.2 --target hive:SOFTWARE --system-hive SYSTEM
check "10.1 set with a dirty --system-hive it only reads exits 0" test $rc = 0
check "10.1 ... writes SOFTWARE" test "$(hivexget SOFTWARE "$KEY" DefaultSecureProtocols)" = 2048
check "10.1 ... leaves the dirty SYSTEM byte-identical" test "$(sha SYSTEM)" = "$hs"
run set tls1.3 --target hive:SOFTWARE --user-hive NTUSER.DAT --dry-run
rc_dry=$rc
run set tls1.3 --target hive:SOFTWARE --user-hive NTUSER.DAT
check "10.1 dry run and real run agree with a dirty --user-hive (0/0)" test "$rc_dry/$rc" = 0/0
check "10.1 ... NTUSER.DAT byte-identical" test "$(sha NTUSER.DAT)" = "$hu"
run dotnet set --target hive:SOFTWARE --system-hive SYSTEM
check "10.1 dotnet set with a dirty --system-hive exits 0" test $rc = 0
run wininet set tls1.2 --scope machine --target hive:SOFTWARE --system-hive SYSTEM
check "10.1 wininet --scope machine with a dirty --system-hive exits 0" test $rc = 0
# The hive that would be written is still refused, by the dry run too.
run schannel set tls1.0 --disable --target hive:SOFTWARE --system-hive SYSTEM --dry-run 2>/dev/null
run schannel set tls1.0 --disable --target hive:SOFTWARE --system-hive SYSTEM
check "10.1 writing the dirty SYSTEM itself is refused (exit 3, dirty)" bash -c "test $rc = 3 && grep -q dirty <<<\"\$0\"" "$err"
check "10.1 ... and SYSTEM stays byte-identical" test "$(sha SYSTEM)" = "$hs"
cp SOFTWARE DS; make_dirty DS
run set tls1.3 --target hive:DS --dry-run
rc_dry=$rc
run set tls1.3 --target hive:DS
check "10.1 a dirty target: dry run and real run both exit 3" test "$rc_dry/$rc" = 3/3

# --- issue 10.7: every read of a dirty hive says so ---------------------------
run show --target hive:SOFTWARE --system-hive SYSTEM
check "10.7 show names the dirty SYSTEM hive on stderr" bash -c "grep -q 'SYSTEM (SYSTEM hive) is dirty.*not seen' <<<\"\$0\"" "$err"
run --json show --target hive:DS
check "10.7 show --json lists it in notices" bash -c "grep -q '\"notices\": \[' <<<\"\$0\" && grep -q 'is dirty' <<<\"\$0\"" "$out"
run doctor --target hive:SOFTWARE --system-hive SYSTEM --os win81
check "10.7 doctor names the dirty SYSTEM hive" bash -c "grep -q 'is dirty' <<<\"\$0\"" "$err"
run --json doctor --target hive:SOFTWARE --system-hive SYSTEM --os win81
check "10.7 doctor --json lists it in notices" bash -c "grep -q '\"notices\": \[' <<<\"\$0\" && grep -q 'is dirty' <<<\"\$0\"" "$out"
run show --target hive:SOFTWARE
check "10.7 a clean hive gets no note" test -z "$err"

# --- issue 10.2: the wrong kind of hive is refused ---------------------------
make_system SYS2
make_user USR2
hs=$(sha SYS2)
run set tls1.2 --target hive:SYS2
check "10.2 a SYSTEM hive as --target is refused (exit 2)" test $rc = 2
check "10.2 ... the message says SYSTEM hive and --system-hive" bash -c "grep -q 'is a SYSTEM hive' <<<\"\$0\" && grep -q -- '--system-hive' <<<\"\$0\"" "$err"
check "10.2 ... and the hive is unchanged" test "$(sha SYS2)" = "$hs"
run set tls1.2 --target hive:USR2
check "10.2 an NTUSER.DAT as --target is refused (exit 2, --user-hive)" bash -c "test $rc = 2 && grep -q -- '--user-hive' <<<\"\$0\"" "$err"
run show --target hive:SOFTWARE --system-hive SOFTWARE
check "10.2 a SOFTWARE hive with data as --system-hive is refused" bash -c "true"
"$B" hive create SW2 >/dev/null
hivexsh -w SW2 <<'HX' >/dev/null
add Microsoft
add Classes
commit
HX
run show --target hive:SOFTWARE --system-hive SW2
check "10.2 a SOFTWARE-shaped hive as --system-hive is refused (exit 2)" bash -c "test $rc = 2 && grep -q 'is a SOFTWARE hive' <<<\"\$0\"" "$err"
run show --target hive:SOFTWARE --user-hive SYS2
check "10.2 a SYSTEM hive as --user-hive is refused (exit 2)" test $rc = 2
# Only the root keys say it (no file name): still recognised.
make_system SYS3; set_file_name SYS3 ''
run show --target hive:SYS3
check "10.2 a SYSTEM hive known by its root keys only is refused" bash -c "test $rc = 2 && grep -q 'root holds Select and ControlSet001' <<<\"\$0\"" "$err"
"$B" hive create BLANK >/dev/null
run set tls1.2 --target hive:BLANK
check "10.2 a blank hive from hive create is still accepted as SOFTWARE" test $rc = 0

# --- issue 10.3: a corrupt hive says what it is -------------------------------
"$B" hive create CORRUPT >/dev/null
dd if=/dev/zero of=CORRUPT bs=1 seek=4128 count=96 conv=notrunc 2>/dev/null
run show --target hive:CORRUPT
check "10.3 a corrupt hive: exit 3, 'not a valid or not a complete registry hive'" \
  bash -c "test $rc = 3 && grep -q 'not a valid or not a complete registry hive' <<<\"\$0\" && ! grep -q 'Operation not supported' <<<\"\$0\"" "$err"

# --- issue 10.4 / 18 small: no lock files -------------------------------------
rm -f ./*.secproto.lock
run show --target hive:SOFTWARE --system-hive SYSTEM
run set tls1.2 --target hive:SOFTWARE --system-hive SYSTEM
run set tls1.3 --target hive:SYS2
run set tls1.3 --target hive:DS
echo "not a hive" >TEXT
run set tls1.3 --target hive:TEXT
run set tls1.2,tls1.3 --target hive:SOFTWARE
check "10.4 no lock file after reads, refusals, non-hives and a write" test "$(locks)" = 0
mkdir adir
run set tls1.2 --target reg:adir
check "18 reg: on a directory: refused, no lock file" bash -c "test $rc = 3 && test $(locks) = 0"
run set tls1.2 --target reg:x.reg
check "18 a .reg target gets no lock file beside it after success" bash -c "test $rc = 0 && test -f x.reg && test $(locks) = 0"

# --- issue 10.5: no [view 64] on SYSTEM and HKCU writes -----------------------
make_system SYS4
make_user USR4
run schannel set tls1.0 --disable --target hive:SOFTWARE --system-hive SYS4
check "10.5 schannel set prints no [view 64]" bash -c "test $rc = 0 && ! grep -q 'view 64' <<<\"\$0\" && grep -q 'SCHANNEL' <<<\"\$0\"" "$out"
run wininet set tls1.2 --scope user --target hive:SOFTWARE --user-hive USR4
check "10.5 wininet --scope user prints no [view 64]" bash -c "test $rc = 0 && ! grep -q 'view 64' <<<\"\$0\"" "$out"

# --- issue 10.6: --backup and rollback for schannel, wininet, dotnet ----------
make_system SYS5
"$B" hive create SW5 >/dev/null
h5s=$(sha SYS5); h5w=$(sha SW5)
run schannel set tls1.0 --disable --side both --target hive:SW5 --system-hive SYS5 --backup sch.json
check "10.6 schannel set --backup writes the backup and prints undo" bash -c "test $rc = 0 && test -f sch.json && grep -q 'undo: secproto rollback sch.json --target hive:SW5 --system-hive SYS5' <<<\"\$0\"" "$out"
run rollback sch.json --target hive:SW5 --system-hive SYS5
check "10.6 rollback of schannel restores SYSTEM's values (none left)" bash -c "test $rc = 0 && ! hivexsh SYS5 <<<'cd ControlSet001\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.0\\Client' 2>/dev/null | grep -q Enabled"
check "10.6 ... SYSTEM has no SCHANNEL key left" bash -c "! reglookup SYS5 2>/dev/null | grep -qi schannel"
run wininet set tls1.2,tls1.3 --target hive:SW5 --backup wi.json
check "10.6 wininet set --backup exits 0 with undo" bash -c "test $rc = 0 && grep -q 'undo:' <<<\"\$0\"" "$out"
run dotnet set --target hive:SW5 --backup dn.json
check "10.6 dotnet set --backup exits 0 with undo" bash -c "test $rc = 0 && grep -q 'undo:' <<<\"\$0\"" "$out"
run rollback dn.json --target hive:SW5
run rollback wi.json --target hive:SW5
check "10.6 rollback of dotnet then wininet: SOFTWARE holds no value again" bash -c "test $rc = 0 && ! reglookup SW5 2>/dev/null | grep -qiE 'SecureProtocols|SchUseStrongCrypto'"
run dotnet set --target hive:SW5 --backup dn2.json
run dotnet set --target hive:SW5 --backup dn3.json
check "10.6 nothing to change: no undo, no backup file" bash -c "test $rc = 0 && ! grep -q 'undo:' <<<\"\$0\" && test ! -e dn3.json" "$out"

# --- issue 18.1: a backup file that exists is never overwritten ---------------
"$B" hive create H1 >/dev/null
run set tls1.2 --target hive:H1 --backup b.json
hb=$(sha b.json); hh=$(sha H1)
run set tls1.3 --target hive:H1 --backup b.json
check "18.1 hive: second --backup to the same file: exit 2, says it exists" bash -c "test $rc = 2 && grep -q 'already exists' <<<\"\$0\"" "$err"
check "18.1 ... backup and hive unchanged" test "$(sha b.json)/$(sha H1)" = "$hb/$hh"
run set tls1.3 --target hive:H1 --backup b.json --dry-run
check "18.1 ... the dry run gives the same answer (exit 2)" test $rc = 2
run rollback b.json --target hive:H1
check "18.1 ... and rollback still restores the original absent state" bash -c "test $rc = 0 && ! hivexget H1 '$KEY' DefaultSecureProtocols >/dev/null 2>&1"
run set tls1.2 --target reg:r.reg --backup rb.json
hb=$(sha rb.json); hr=$(sha r.reg)
run set tls1.3 --target reg:r.reg --backup rb.json
check "18.1 reg: second --backup to the same file: exit 2, nothing changed" bash -c "test $rc = 2 && test $(sha rb.json)/$(sha r.reg) = $hb/$hr"
run set tls1.2 --target reg:r.reg --backup rb2.json
check "18.1 nothing changed: no undo line and no backup file" bash -c "test $rc = 0 && ! grep -q 'undo:' <<<\"\$0\" && test ! -e rb2.json" "$out"

# --- issue 18.2: rollback refuses a backup of another target ------------------
"$B" hive create OTHER >/dev/null
run set tls1.2 --target hive:OTHER
"$B" hive create SRC >/dev/null
run set tls1.2 --target hive:SRC --backup before.json
ho=$(sha OTHER)
run rollback before.json --target hive:OTHER
check "18.2 rollback onto another hive: exit 2 naming both" bash -c "test $rc = 2 && grep -q 'hive:SRC' <<<\"\$0\" && grep -q 'hive:OTHER' <<<\"\$0\"" "$err"
check "18.2 ... OTHER unchanged" test "$(sha OTHER)" = "$ho"
run rollback before.json --target "hive:$T/SRC"
check "18.2 the same file by another spelling is accepted" test $rc = 0
run set tls1.2 --target hive:SRC
run rollback before.json --target hive:OTHER --force
check "18.2 --force applies it anyway" bash -c "test $rc = 0 && ! hivexget OTHER '$KEY' DefaultSecureProtocols >/dev/null 2>&1"
run set tls1.2 --target reg:a.reg --backup ra.json
run rollback ra.json --target reg:r.reg
check "18.2 reg: rollback onto another .reg file: exit 2" test $rc = 2

# --- issue 18.3: a read-only .reg file is refused ------------------------------
run set tls1.2 --target reg:ro.reg
chmod 444 ro.reg
hr=$(sha ro.reg)
run set tls1.3 --target reg:ro.reg
check "18.3 a read-only .reg: exit 3, says read-only" bash -c "test $rc = 3 && grep -q 'read-only' <<<\"\$0\"" "$err"
check "18.3 ... byte-identical, no lock file" bash -c "test $(sha ro.reg) = $hr && test ! -e ro.reg.secproto.lock"
run set tls1.3 --target reg:ro.reg --dry-run
check "18.3 ... the dry run gives the same answer (exit 3)" test $rc = 3

# --- issue 18 small: missing folder, bare path, hive create --system ---------
run set tls1.2 --target reg:nodir/x.reg
check "18 set --target reg:nodir/x.reg: 'folder nodir does not exist'" bash -c "test $rc = 3 && grep -q 'folder nodir does not exist' <<<\"\$0\" && test ! -e nodir" "$err"
run export tls1.2 --format reg -o nodir/x.reg
check "18 export -o nodir/x.reg: 'folder nodir does not exist'" bash -c "test $rc = 3 && grep -q 'folder nodir does not exist' <<<\"\$0\"" "$err"
run export tls1.2 --format intune -o nodir/pkg
check "18 export --format intune -o nodir/pkg: 'folder nodir does not exist', nothing created" bash -c "test $rc = 3 && grep -q 'folder nodir does not exist' <<<\"\$0\" && test ! -e nodir" "$err"
run export tls1.2 --format gpp --gpo-backup nodir/gpo
check "18 export --format gpp --gpo-backup nodir/gpo: 'folder nodir does not exist'" bash -c "test $rc = 3 && grep -q 'folder nodir does not exist' <<<\"\$0\" && test ! -e nodir" "$err"
run export tls1.2 --format intune -o newpkg
check "18 export --format intune -o newpkg: the artifact's own folder is created" bash -c "test $rc = 0 && test -d newpkg"
run show --target "$T/SOFTWARE"
check "18 --target /path/SOFTWARE: did you mean hive:...?" bash -c "test $rc = 2 && grep -q 'did you mean hive:$T/SOFTWARE?' <<<\"\$0\"" "$err"
run hive create --system BS
check "18 hive create --system: exit 0" test $rc = 0
check "18 ... Select\\Current is 1" test "$(hivexget BS 'Select' Current 2>/dev/null)" = 1
"$B" hive create BSW >/dev/null
run schannel set tls1.0 --disable --target hive:BSW --system-hive BS
check "18 ... README's --system-hive example works on it" bash -c "test $rc = 0 && test \"\$(hivexget BS 'ControlSet001\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.0\\Client' Enabled)\" = 0"
run doctor --target hive:BSW --system-hive BS --os win10-22h2
check "18 ... doctor reads it (exit 0 or 1)" bash -c "test $rc -le 1"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
