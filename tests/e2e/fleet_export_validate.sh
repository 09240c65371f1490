#!/usr/bin/env bash
# Validates `secproto export` output with each format's own tools:
#   gpp      xmllint --schema docs/gpp-registry.xsd (set, unset, --gpo-backup),
#            and a broken document must fail the schema;
#   ansible  yamllint (default rules) and ansible-playbook --syntax-check on the
#            playbook, the --unset playbook and the --role layout (needs the
#            ansible.windows collection: Debian package `ansible`);
#   reg      UTF-16LE BOM, CRLF only, header line first (iconv);
#   intune/ps1/dsc  PowerShell is not on Debian: structure only (golden files in
#            the unit tests pin their text); here the files exist and are CRLF-free;
#   each again with --with-schannel (the SCHANNEL client keys of Easy Fix 51044).
# Exits 77 (skip) when a validator is missing.
#   fleet_export_validate.sh SECPROTO_BINARY SOURCE_DIR
set -uo pipefail
BIN=$1 SRC=$2
for tool in xmllint yamllint ansible-playbook iconv; do
  command -v $tool >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done
if ! ansible-doc ansible.windows.win_regedit >/dev/null 2>&1; then
  echo "SKIP: the ansible.windows collection is missing (Debian package ansible)"; exit 77
fi
WORK=$(mktemp -d /tmp/secproto-fleet-validate.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
passed=0 failed=0
pass() { echo "ok   $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; failed=$((failed + 1)); }
check() { local name=$1; shift; if out=$("$@" 2>&1); then pass "$name"; else fail "$name: $out"; fi; }

cd "$WORK"
"$BIN" -q export modern --format gpp -o set.xml
"$BIN" -q export --unset --format gpp -o unset.xml
"$BIN" -q export tls12 --format gpp --gpo-backup gpo
check "gpp: set is valid against the XSD" xmllint --noout --schema "$SRC/docs/gpp-registry.xsd" set.xml
check "gpp: unset is valid against the XSD" xmllint --noout --schema "$SRC/docs/gpp-registry.xsd" unset.xml
check "gpp: --gpo-backup Registry.xml is valid" xmllint --noout --schema "$SRC/docs/gpp-registry.xsd" \
  gpo/Machine/Preferences/Registry/Registry.xml
check "gpp: --gpo-backup README names the CSE pair" \
  grep -q '{B087BE9D-ED37-454F-AF9C-04291E351182}{BEE07A6A-EC9F-4659-B8C9-0B1937907C83}' gpo/README.txt
sed 's/value="00002800"/value="0x2800"/' set.xml > broken.xml
if xmllint --noout --schema "$SRC/docs/gpp-registry.xsd" broken.xml >/dev/null 2>&1; then
  fail "gpp: the XSD accepted value=\"0x2800\""
else pass "gpp: the XSD rejects a value that is not 8 hex digits"; fi
check "gpp: two items, fresh distinct uids" \
  test "$(grep -o 'uid="{[0-9A-F-]*}"' set.xml | sort -u | wc -l)" -eq 2

"$BIN" -q export modern --format ansible -o play.yml
"$BIN" -q export --unset --format ansible -o unset.yml
"$BIN" -q export modern --format ansible --role roles/secproto_winhttp
check "ansible: yamllint playbook" yamllint -s play.yml
check "ansible: yamllint unset playbook" yamllint -s unset.yml
check "ansible: yamllint role" yamllint -s roles/secproto_winhttp
check "ansible: syntax-check playbook" ansible-playbook --syntax-check -i localhost, play.yml
check "ansible: syntax-check unset playbook" ansible-playbook --syntax-check -i localhost, unset.yml
check "ansible: syntax-check role" ansible-playbook --syntax-check \
  -i roles/secproto_winhttp/tests/inventory roles/secproto_winhttp/tests/test.yml
check "ansible: type dword on both paths" test "$(grep -c 'type: dword' play.yml)" -eq 2

"$BIN" -q export modern --format reg -o m.reg
check "reg: UTF-16LE BOM" test "$(head -c 2 m.reg | od -An -tx1 | tr -d ' ')" = fffe
iconv -f UTF-16LE -t UTF-8 m.reg | tail -c +4 > m.txt
check "reg: header line first" grep -q $'^Windows Registry Editor Version 5.00\r$' <(head -1 m.txt)
check "reg: CRLF only" test "$(grep -c $'[^\r]$' m.txt)" -eq 0
check "reg: both keys, explicit dword" test "$(grep -c '^"DefaultSecureProtocols"=dword:00002800' m.txt)" -eq 2

"$BIN" -q export modern --format intune -o intune
check "intune: detect, remediate, README" test -s intune/detect.ps1 -a -s intune/remediate.ps1 -a -s intune/README.txt
"$BIN" -q export modern --format ps1 -o s.ps1
"$BIN" -q export modern --format dsc -o d.ps1
check "ps1: -PropertyType DWord" grep -q -- '-PropertyType DWord' s.ps1
check "dsc: two Registry resources with ValueType Dword" test "$(grep -c "ValueType = 'Dword'" d.ps1)" -eq 2
if "$BIN" -q export modern --format intune >/dev/null 2>&1; then fail "intune without -o accepted"
else pass "intune without -o is a usage error"; fi
"$BIN" -q export 0 --format reg -o zero.reg >/dev/null 2>&1; rc=$?
check "export of 0 (ignored by WinHTTP) exits 2" test $rc -eq 2

# --with-schannel (Windows 7 / 2008 R2, as Easy Fix 51044): the same validators,
# plus the SCHANNEL client keys with Enabled=1 and DisabledByDefault=0.
"$BIN" -q export tls1.1,tls1.2 --with-schannel --format gpp -o w7.xml
check "gpp --with-schannel: valid against the XSD" xmllint --noout --schema "$SRC/docs/gpp-registry.xsd" w7.xml
check "gpp --with-schannel: 2 + 4 items" test "$(grep -c '<Registry clsid' w7.xml)" -eq 6
check "gpp --with-schannel: SCHANNEL keys" \
  test "$(grep -c 'key="SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.[12]\\Client"' w7.xml)" -eq 4
"$BIN" -q export tls1.1,tls1.2 --with-schannel --format ansible -o w7.yml
"$BIN" -q export tls1.1,tls1.2 --with-schannel --format ansible --role roles/w7
check "ansible --with-schannel: yamllint playbook" yamllint -s w7.yml
check "ansible --with-schannel: yamllint role" yamllint -s roles/w7
check "ansible --with-schannel: syntax-check playbook" ansible-playbook --syntax-check -i localhost, w7.yml
check "ansible --with-schannel: syntax-check role" ansible-playbook --syntax-check \
  -i roles/w7/tests/inventory roles/w7/tests/test.yml
check "ansible --with-schannel: 2 + 4 dword tasks" test "$(grep -c 'type: dword' w7.yml)" -eq 6
"$BIN" -q export tls1.1,tls1.2 --with-schannel --format reg -o w7.reg
iconv -f UTF-16LE -t UTF-8 w7.reg | tail -c +4 > w7.txt
check "reg --with-schannel: header line first" grep -q $'^Windows Registry Editor Version 5.00\r$' <(head -1 w7.txt)
check "reg --with-schannel: CRLF only" test "$(grep -c $'[^\r]$' w7.txt)" -eq 0
check "reg --with-schannel: two Client keys" \
  test "$(grep -c '^\[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.[12]\\Client\]' w7.txt)" -eq 2
check "reg --with-schannel: Enabled=1, DisabledByDefault=0" \
  test "$(grep -c -e '^"Enabled"=dword:00000001' -e '^"DisabledByDefault"=dword:00000000' w7.txt)" -eq 4
# Our own .reg reader reads it back: explain on Windows 7 ends with TLS 1.1 + 1.2.
check "reg --with-schannel: explain reads TLS 1.1+1.2 on Windows 7" \
  test "$("$BIN" --json explain --target reg:w7.reg --os win7 | grep -o '"effective_value": *[0-9]*' | tr -d ' ' | sort -u)" = '"effective_value":2560'
"$BIN" -q export tls1.1,tls1.2 --with-schannel --format intune -o w7intune
check "intune --with-schannel: detect checks SCHANNEL" grep -q 'SchannelSubKeys' w7intune/detect.ps1
check "intune --with-schannel: remediate writes SCHANNEL" grep -q 'Set SCHANNEL client' w7intune/remediate.ps1
"$BIN" -q export tls1.1,tls1.2 --with-schannel --format ps1 -o w7.ps1
check "ps1 --with-schannel: both Client keys" test "$(grep -cE "^    'SYSTEM.*SCHANNEL.Protocols.TLS 1[.][12].Client'" w7.ps1)" -eq 2
"$BIN" -q export tls1.1,tls1.2 --with-schannel --format dsc -o w7dsc.ps1
check "dsc --with-schannel: 2 + 4 Registry resources" test "$(grep -c "ValueType = 'Dword'" w7dsc.ps1)" -eq 6
"$BIN" -q export --unset --with-schannel --format reg -o bad.reg >/dev/null 2>&1; rc=$?
check "--with-schannel with --unset exits 2" test $rc -eq 2

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
