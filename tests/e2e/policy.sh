#!/usr/bin/env bash
# policy plan / apply / check / recover / rollback on image, hive pair, mem
# and reg targets, read back with hivexget, reglookup and hivexregedit.
# Usage: tests/e2e/policy.sh [path/to/secproto]
set -uo pipefail
B=${1:-build/secproto}
B=$(cd "$(dirname "$B")" && pwd)/$(basename "$B")
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/policy_lib.sh"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
pass=0 fail=0
check() {
  local name=$1; shift
  if "$@" >/dev/null 2>&1; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $name"; fi
}

make_image img || exit 1
C=img/Windows/System32/config
python3 "$HERE/policy_changes.py" 0 c0.json && python3 "$HERE/policy_changes.py" 1 c1.json || exit 1
export_hive $C/SOFTWARE s0 && export_hive $C/SYSTEM y0
SCH='ControlSet001\Control\SecurityProviders\SCHANNEL'
SUI='Policies/Microsoft/Cryptography/Configuration/SSL/00010002'

# --- plan -----------------------------------------------------------------------
$B policy plan c0.json --target image:img >plan.txt; rc=$?
check "plan of a change: exit 1" test $rc = 1
check "plan names the hive, view and effect" grep -q 'SYSTEM, view 64: .*TLS 1.2\\Client' plan.txt
check "plan says what it needs" grep -q 'after the next reboot' plan.txt
$B --json policy plan c0.json --target image:img >plan.json
check "plan --json lists every value" python3 -c "
import json; j = json.load(open('plan.json'))
assert j['changes_needed'] == 37 and j['effect'] == 'reboot', j['changes_needed']
c = [x for x in j['changes'] if x['name'] == 'Functions'][0]
assert c['hive'] == 'SOFTWARE' and c['action'] == 'create' and c['new']['type'] == 'REG_SZ'
assert c['current']['value_exists'] is False"
check "plan wrote nothing" cmp -s <(cat $C/SOFTWARE $C/SYSTEM) <(cat $C/SOFTWARE $C/SYSTEM)
check "plan left no lock files" test -z "$(find img -name '*.lock')"

# --- apply with a backup -----------------------------------------------------------
$B policy apply c0.json --target image:img --backup b0.json >apply.txt; rc=$?
check "apply: exit 0" test $rc = 0
check "apply: TLS 1.2 client on (hivexget)" test "$(hget $C/SYSTEM "$SCH\\Protocols\\TLS 1.2\\Client" Enabled)" = 1
check "apply: TLS 1.0 server off" test "$(hget $C/SYSTEM "$SCH\\Protocols\\TLS 1.0\\Server" Enabled)" = 0
check "apply: suite list as one REG_SZ (reglookup)" bash -c \
  "reglookup -p '/$SUI' $C/SOFTWARE | grep -q '/Functions,SZ,TLS_AES_256_GCM_SHA384%2CTLS_AES_128_GCM_SHA256%2C'"
check "apply: curves as REG_MULTI_SZ (reglookup)" bash -c "reglookup -p '/$SUI' $C/SOFTWARE | grep -q '/EccCurves,MULTI_SZ,'"
check "apply: .NET in the 32-bit view" test \
  "$(hget $C/SOFTWARE 'Wow6432Node\Microsoft\.NETFramework\v4.0.30319' SchUseStrongCrypto)" = 1
check "apply: both hives read by reglookup" bash -c "reglookup $C/SOFTWARE >/dev/null && reglookup $C/SYSTEM >/dev/null"
export_hive $C/SOFTWARE s1 && export_hive $C/SYSTEM y1
# Nothing else changed: every line that differs is in a key the changes touch.
check "apply: nothing else in the hives changed" bash -c "
  diff s0.reglookup s1.reglookup | grep '^[<>]' | grep -v -e '/Policies/Microsoft/Cryptography' \
    -e '/Microsoft/.NETFramework' -e 'Internet Settings/WinHttp' -e '^> /Policies' -e '^> /Wow6432Node/Microsoft,' \
    -e '^> /Microsoft/Windows,' -e '^> /Microsoft/Windows/CurrentVersion,' -e '^> /Wow6432Node/Microsoft/Windows' \
    -e '^> /Microsoft/Windows/CurrentVersion/Internet Settings,' | grep -q . && exit 1
  diff y0.reglookup y1.reglookup | grep '^[<>]' | grep -v -e '/ControlSet001/Control' | grep -q . && exit 1
  exit 0"
check "apply: the backup is a change-set backup" grep -q '"kind": "changeset"' b0.json

# --- idempotent ------------------------------------------------------------------------
sum=$(cat $C/SOFTWARE $C/SYSTEM | md5sum)
$B policy apply c0.json --target image:img >again.txt; rc=$?
check "apply again: exit 0, unchanged" bash -c "test $rc = 0 && grep -q unchanged again.txt"
check "apply again: both hives byte-identical" test "$(cat $C/SOFTWARE $C/SYSTEM | md5sum)" = "$sum"
$B policy plan c0.json --target image:img >/dev/null; rc=$?
check "plan after apply: exit 0" test $rc = 0

# --- check -----------------------------------------------------------------------------
$B policy check c0.json --target image:img >/dev/null; rc=$?
check "check: compliant, exit 0" test $rc = 0
$B policy check c1.json --target image:img >drift.txt; rc=$?
check "check: drift, exit 1, names the values" bash -c "test $rc = 1 && grep -q EventLogging drift.txt && grep -q DefaultSecureProtocols drift.txt"
$B --json policy check c1.json --target image:img >drift.json
check "check --json: drift list" python3 -c "
import json; j = json.load(open('drift.json')); assert j['compliant'] is False and len(j['drift']) == 3, j"

# --- rollback: export-identical ------------------------------------------------------
$B policy apply c1.json --target image:img --backup b1.json >/dev/null
$B rollback b1.json --target image:img >/dev/null; rc=$?
check "rollback of the second apply: exit 0" test $rc = 0
$B policy check c0.json --target image:img >/dev/null; rc=$?
check "rollback returned the first state" test $rc = 0
$B rollback b0.json --target image:img >rb.txt; rc=$?
check "rollback to before: exit 0" test $rc = 0
export_hive $C/SOFTWARE s2 && export_hive $C/SYSTEM y2
check "rollback: SOFTWARE export-identical (hivexregedit)" cmp -s s0.hivex s2.hivex
check "rollback: SYSTEM export-identical (hivexregedit)" cmp -s y0.hivex y2.hivex
check "rollback: SOFTWARE export-identical (reglookup)" cmp -s s0.reglookup s2.reglookup
check "rollback: SYSTEM export-identical (reglookup)" cmp -s y0.reglookup y2.reglookup
sum=$(cat $C/SOFTWARE $C/SYSTEM | md5sum)
$B rollback b0.json --target image:img >/dev/null; rc=$?
check "rollback again: exit 0, byte-identical" bash -c "test $rc = 0 && test \"\$(cat $C/SOFTWARE $C/SYSTEM | md5sum)\" = '$sum'"
check "a backup is never overwritten: exit 2" bash -c "$B policy apply c0.json --target image:img --backup b0.json; test \$? = 2"

# --- today's WinHTTP backups still roll back --------------------------------------------
$B set tls1.2 --target image:img --backup w.json >/dev/null
$B rollback w.json --target image:img >/dev/null; rc=$?
check "rollback of a set backup still works" bash -c "test $rc = 0 && test \"\$(hget $C/SOFTWARE 'Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp' DefaultSecureProtocols)\" = missing"

# --- types a backup restores exactly -----------------------------------------------------
printf '%s\n' 'cd ControlSet001' 'add Control' 'cd Control' 'add SecurityProviders' 'cd SecurityProviders' \
  'add SCHANNEL' 'cd SCHANNEL' 'setval 1' 'EventLogging' 'string:odd' 'commit' | hivexsh -w $C/SYSTEM >/dev/null
export_hive $C/SYSTEM y3
$B policy apply c0.json --target image:img --backup b3.json >/dev/null
check "apply replaced a REG_SZ by a REG_DWORD" test "$(hget $C/SYSTEM "$SCH" EventLogging)" = 1
$B rollback b3.json --target image:img >/dev/null
export_hive $C/SYSTEM y4
check "rollback restored the REG_SZ" cmp -s y3.hivex y4.hivex

# --- dry run --------------------------------------------------------------------------------
sum=$(cat $C/SOFTWARE $C/SYSTEM | md5sum)
$B policy apply c1.json --target image:img --dry-run >dry.txt; rc=$?
check "dry run: exit 0, says so, writes nothing" bash -c "test $rc = 0 && grep -q 'dry run' dry.txt && test \"\$(cat $C/SOFTWARE $C/SYSTEM | md5sum)\" = '$sum'"

# --- hive pair, mem and reg targets --------------------------------------------------------
mkdir pair && cp $C/SOFTWARE $C/SYSTEM pair/
$B policy apply c1.json --target hive:pair/SOFTWARE --system-hive pair/SYSTEM >/dev/null; rc=$?
check "hive: + --system-hive: applied to both" bash -c "test $rc = 0 && test \"\$(hget pair/SYSTEM '$SCH' EventLogging)\" = 7"
$B policy apply c0.json --target hive:pair/SOFTWARE >/dev/null 2>err.txt; rc=$?
check "hive: without SYSTEM: exit 3, names --system-hive" bash -c "test $rc = 3 && grep -q -- --system-hive err.txt"
$B policy apply c0.json --target mem: >/dev/null; rc=$?
check "mem: apply" test $rc = 0
$B policy apply c0.json --target reg:out.reg >/dev/null; rc=$?
check "reg: apply writes a .reg file" bash -c "test $rc = 0 && iconv -f utf-16le -t utf-8 out.reg | grep -q 'TLS 1.2.Client'"
$B policy check c0.json --target reg:out.reg >/dev/null; rc=$?
check "reg: check after apply: compliant" test $rc = 0

# --- recover ---------------------------------------------------------------------------------
$B policy recover --target image:img >rec.txt; rc=$?
check "recover with nothing to do: exit 0" bash -c "test $rc = 0 && grep -q 'nothing to recover' rec.txt"
# A journal whose first hive is renamed and second is not.
cp $C/SYSTEM sys.old
$B policy apply c1.json --target image:img >/dev/null
cp $C/SYSTEM $C/.SYSTEM.secproto-pairnew
cp sys.old $C/SYSTEM
printf '{"format":"secproto-pair-journal","version":1,"target":"image:img","hives":[{"new":"%s","target":"%s"},{"new":"%s","target":"%s"}]}\n' \
  "$PWD/$C/.SOFTWARE.secproto-pairnew" "$PWD/$C/SOFTWARE" "$PWD/$C/.SYSTEM.secproto-pairnew" "$PWD/$C/SYSTEM" >$C/.SOFTWARE.secproto-journal
sum=$(cat $C/SOFTWARE $C/SYSTEM | md5sum)
$B show --target image:img >/dev/null 2>err.txt; rc=$?
check "half-applied pair: a reader exits 3 and names recover" bash -c "test $rc = 3 && grep -q 'policy recover --target image:img' err.txt"
check "half-applied pair: the reader wrote nothing" test "$(cat $C/SOFTWARE $C/SYSTEM | md5sum)" = "$sum"
$B --json policy recover --target image:img >rec.json; rc=$?
check "recover finishes it" bash -c "test $rc = 0 && grep -q '\"action\": \"finished\"' rec.json"
check "recover: both hives new" bash -c "test \"\$(hget $C/SYSTEM '$SCH' EventLogging)\" = 7 && test ! -e $C/.SOFTWARE.secproto-journal"
# A writer finishes it too, and says so.
cp $C/SYSTEM $C/.SYSTEM.secproto-pairnew; cp sys.old $C/SYSTEM
printf '{"format":"secproto-pair-journal","version":1,"target":"image:img","hives":[{"new":"%s","target":"%s"}]}\n' \
  "$PWD/$C/.SYSTEM.secproto-pairnew" "$PWD/$C/SYSTEM" >$C/.SOFTWARE.secproto-journal
$B policy apply c1.json --target image:img >/dev/null 2>err.txt; rc=$?
check "a writer finishes an interrupted apply and says so" bash -c "test $rc = 0 && grep -q 'finished an interrupted apply' err.txt"
check "no files left beside the hives" test -z "$(find $C -name '.*secproto-*' ! -name '*.lock')"

echo "policy e2e: $pass passed, $fail failed"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
