#!/usr/bin/env bash
# Validates `secproto export --tls-policy` output with each format's own tools,
# as fleet_export_validate.sh does for `export PROTOCOLS`:
#   gpp      xmllint --schema docs/gpp-registry-policy.xsd (set, unset, --gpo-backup),
#            REG_DWORD values are 8 hex digits, REG_SZ suite list, REG_MULTI_SZ curves,
#            README names the reboot;
#   ansible  yamllint -s and ansible-playbook --syntax-check (deploy, unset,
#            collect); the win_reboot handler is notified only by reboot-class values;
#   reg      UTF-16LE BOM, CRLF only, header first; the suite list as a string,
#            curves as hex(7); our own .reg reader reads it back (audit: compliant);
#   ps1/intune/dsc/collect-ps1  PowerShell is not on Debian: structure only;
#   the OS mix: merged, and refused (exit 2) when one artifact cannot hold it.
# Exits 77 (skip) when a validator is missing.
#   fleet_policy_validate.sh SECPROTO_BINARY SOURCE_DIR
set -uo pipefail
BIN=$1 SRC=$2
for tool in xmllint yamllint ansible-playbook iconv; do
  command -v $tool >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done
if ! ansible-doc ansible.windows.win_regedit >/dev/null 2>&1; then
  echo "SKIP: the ansible.windows collection is missing (Debian package ansible)"; exit 77
fi
WORK=$(mktemp -d /tmp/secproto-fleet-policy.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
passed=0 failed=0
pass() { echo "ok   $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; failed=$((failed + 1)); }
check() { local name=$1; shift; if out=$("$@" 2>&1); then pass "$name"; else fail "$name: $out"; fi; }
XSD="$SRC/docs/gpp-registry-policy.xsd"
MIX=win10-22h2,ws2019
cd "$WORK"

# gpp
"$BIN" -q export --tls-policy modern --os-mix $MIX --format gpp -o gpp
"$BIN" -q export --tls-policy modern --os-mix $MIX --format gpp --unset -o gppu
"$BIN" -q export --tls-policy modern --os win11-23h2 --format gpp --gpo-backup gpo
check "gpp: valid against the XSD" xmllint --noout --schema "$XSD" gpp/Registry.xml
check "gpp --unset: valid against the XSD" xmllint --noout --schema "$XSD" gppu/Registry.xml
check "gpp --gpo-backup: valid against the XSD" xmllint --noout --schema "$XSD" \
  gpo/Machine/Preferences/Registry/Registry.xml
check "gpp: every REG_DWORD value is 8 hex digits" test "$(grep 'type="REG_DWORD"' gpp/Registry.xml | grep -cv 'value="[0-9A-F]\{8\}"')" -eq 0
check "gpp: the suite list is one REG_SZ" test "$(grep -c 'name="Functions" type="REG_SZ" value="TLS_ECDHE_' gpp/Registry.xml)" -eq 1
check "gpp: the curves are REG_MULTI_SZ with Values" grep -q '<Value>curve25519</Value>' gpp/Registry.xml
check "gpp: README names the reboot" grep -q 'Reboot: REQUIRED' gpp/README.txt
check "gpp --unset: every item deletes" test "$(grep -c 'action="D"' gppu/Registry.xml)" -eq "$(grep -c '<Registry clsid' gppu/Registry.xml)"
check "gpp: fresh distinct uids" \
  test "$(grep -o 'uid="{[0-9A-F-]*}"' gpp/Registry.xml | sort -u | wc -l)" -eq "$(grep -c '<Registry clsid' gpp/Registry.xml)"
sed 's/type="REG_SZ"/type="REG_EXPAND"/' gpp/Registry.xml > broken.xml
if xmllint --noout --schema "$XSD" broken.xml >/dev/null 2>&1; then fail "gpp: the XSD accepted type REG_EXPAND"
else pass "gpp: the XSD rejects an unknown type"; fi

# ansible
"$BIN" -q export --tls-policy modern --os-mix $MIX --format ansible -o play.yml
"$BIN" -q export --tls-policy modern --os-mix $MIX --format ansible --unset -o unset.yml
"$BIN" -q export --tls-policy modern --os-mix $MIX --format collect-ansible -o collect
check "ansible: yamllint playbook" yamllint -s play.yml
check "ansible: yamllint unset playbook" yamllint -s unset.yml
check "ansible: yamllint collect playbook" yamllint -s collect/collect.yml
check "ansible: syntax-check playbook" ansible-playbook --syntax-check -i localhost, play.yml
check "ansible: syntax-check unset playbook" ansible-playbook --syntax-check -i localhost, unset.yml
check "ansible: syntax-check collect playbook" ansible-playbook --syntax-check -i localhost, collect/collect.yml
check "ansible: one win_reboot handler" test "$(grep -c 'ansible.windows.win_reboot:' play.yml)" -eq 1
check "ansible: the suite list is type string" grep -q 'type: string' play.yml
check "ansible: the curves are type multistring" grep -q 'type: multistring' play.yml
# Only reboot-class values notify: the suite list does, the SCHANNEL protocol keys do not.
notify_suites=$(awk '/Functions/{f=1} f&&/notify:/{print; exit} f&&/^$/{exit}' play.yml)
check "ansible: the suite list notifies the reboot handler" test -n "$notify_suites"
notify_proto=$(awk '/TLS 1.2.Client.Enabled/{f=1} f&&/notify:/{print; exit} f&&/^$/{exit}' play.yml)
check "ansible: a protocol key does not notify it" test -z "$notify_proto"
check "collect-ansible: fetch to one folder per run" grep -q 'secproto_run }}/{{ inventory_hostname }}.reg' collect/collect.yml
check "collect-ansible: collect.ps1 beside it" test -s collect/collect.ps1

# reg
"$BIN" -q export --tls-policy modern --os-mix $MIX --format reg -o m.reg
check "reg: UTF-16LE BOM" test "$(head -c 2 m.reg | od -An -tx1 | tr -d ' ')" = fffe
iconv -f UTF-16LE -t UTF-8 m.reg | tail -c +4 > m.txt
check "reg: header line first" grep -q $'^Windows Registry Editor Version 5.00\r$' <(head -1 m.txt)
check "reg: CRLF only" test "$(grep -c $'[^\r]$' m.txt)" -eq 0
check "reg: the suite list as a string" grep -q '^"Functions"="TLS_ECDHE_' m.txt
check "reg: the curves as hex(7)" grep -q '^"EccCurves"=hex(7):' m.txt
check "reg: WinHTTP in both views" test "$(grep -c '^"DefaultSecureProtocols"=dword:00000800' m.txt)" -eq 2
check "reg: the header says what the OS mix skips" grep -q 'OS mix: the suite and curve lists' m.txt
mkdir fleet && cp m.reg fleet/HOST1.reg
check "reg: our reader audits it compliant (--os)" "$BIN" -q audit fleet --tls-policy modern --os win10-22h2

# PowerShell formats: structure.
"$BIN" -q export --tls-policy modern --os win11-23h2 --format ps1 -o s.ps1
"$BIN" -q export --tls-policy modern --os win11-23h2 --format intune -o intune
"$BIN" -q export --tls-policy modern --os win11-23h2 --format dsc -o d.ps1
"$BIN" -q export --tls-policy modern --os win11-23h2 --format collect-ps1 -o c.ps1
check "ps1: SupportsShouldProcess and -Reboot" grep -q 'SupportsShouldProcess' s.ps1
check "ps1: -Reboot switch" grep -q '\[switch\]\$Reboot' s.ps1
check "ps1: the suite list as String, curves as MultiString" \
  test "$(grep -c "Kind = 'String'" s.ps1)" -eq 1 -a "$(grep -c "Kind = 'MultiString'" s.ps1)" -eq 1
check "intune: detect, remediate, README" test -s intune/detect.ps1 -a -s intune/remediate.ps1 -a -s intune/README.txt
check "intune: Win32 app soft reboot 3010" grep -q 'exit 3010' intune/remediate.ps1
check "dsc: Registry resources typed" test "$(grep -c "ValueType = 'MultiString'" d.ps1)" -eq 1
check "dsc: the LCM reboot flag" grep -q 'DSCMachineStatus = 1' d.ps1
check "dsc: RebootNodeIfNeeded" grep -q 'RebootNodeIfNeeded = $true' d.ps1
check "collect-ps1: reg export of the keys" grep -q 'reg.exe export' c.ps1
check "collect-ps1: the SCHANNEL key" grep -q "'HKLM.SYSTEM.CurrentControlSet.Control.SecurityProviders.SCHANNEL.Protocols.TLS 1.2.Client'" c.ps1

# The OS mix: TLS 1.3 on for Windows 11 and unsupported on Windows 10 cannot share one artifact.
conflict=$("$BIN" export --tls-policy modern --os-mix win10-22h2,win11-23h2 --format reg -o x.reg 2>&1); rc=$?
check "os-mix conflict exits 2" test $rc -eq 2
check "os-mix conflict: TLS 1.3, naming both OSes" grep -q 'TLS 1.3.*win11-23h2.*win10-22h2' <<<"$conflict"
check "os-mix conflict writes nothing" test ! -e x.reg
"$BIN" -q export --tls-policy modern --os-mix win7,win10-22h2 --format reg -o w7.reg 2>/dev/null; rc=$?
check "os-mix win7 + win10: one artifact" test $rc -eq 0
"$BIN" -q export --tls-policy modern --format reg -o none.reg >/dev/null 2>&1; rc=$?
check "no --os: exit 2" test $rc -eq 2
"$BIN" -q export modern --format reg -o old.reg; rc=$?
check "export PROTOCOLS unchanged" test $rc -eq 0 -a "$(iconv -f UTF-16LE -t UTF-8 old.reg | grep -c '^"DefaultSecureProtocols"=dword:00002800')" -eq 2

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
