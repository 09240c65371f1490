#!/usr/bin/env bash
# The packages, installed and removed the way admins do it:
#   .deb  built by CPack from build/; lintian (exceptions in packaging/lintian-exceptions);
#         `apt-get install ./secproto_*.deb` on this machine, then man -w, the bash
#         completion under `bash -i`, `secproto --version`; `apt-get remove` leaves
#         none of its files behind.
#   MSI   built by wixl from build-win64/secproto.exe, twice (two versions); msiinfo
#         tables; under wine64 in a fresh WINEPREFIX: msiexec /i /qn installs, the
#         installed secproto.exe --version runs, the second MSI upgrades in place,
#         msiexec /x /qn removes the files and the uninstall entry.
# Reuses build/ and build-win64/ when present. Prints "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
started=$(date +%s)
source scripts/test.d/lib-checks.sh
check() {  # check NAME COMMAND...: passes when COMMAND succeeds
  local name=$1
  shift
  if "$@"; then pass "$name"; else fail "$name"; fi
}

work=$(mktemp -d /tmp/secproto-packages.XXXXXX)
WINE=$(command -v wine64 || command -v wine || echo /usr/lib/wine/wine64)
export WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" WINEARCH=win64
export WINEPREFIX=$work/wine
cleanup() {
  [ -d "$WINEPREFIX" ] && wineserver -k >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
suite_summary() { echo "60-packages: $(($(date +%s) - started)) s"; }

scripts/bootstrap --all
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"

# --- .deb ------------------------------------------------------------------
scripts/build >"$work/build.log" 2>&1 || { tail -n 20 "$work/build.log"; fail "scripts/build"; finish; }
if (cd build && cpack -G DEB -B "$work/deb" >"$work/cpack.log" 2>&1); then
  deb=$(ls "$work"/deb/secproto_*.deb)
  pass "cpack -G DEB: $(basename "$deb") ($(stat -c %s "$deb") bytes)"
else
  cat "$work/cpack.log"
  fail "cpack -G DEB"
  finish
fi
depends=$(dpkg-deb -f "$deb" Depends)
echo "    Depends: $depends"
check "Depends names libhivex0 (dpkg-shlibdeps)" grep -q 'libhivex0' <<<"$depends"
contents=$(dpkg-deb -c "$deb" | awk '{print $6}')
for f in ./usr/bin/secproto ./usr/share/man/man1/secproto.1.gz \
         ./usr/share/bash-completion/completions/secproto ./usr/share/doc/secproto/copyright \
         ./usr/share/doc/secproto/changelog.Debian.gz ./usr/share/doc/secproto/README.md; do
  check "the .deb holds $f" grep -qx -- "$f" <<<"$contents"
done

# lintian: errors and warnings fail, except the tags documented in
# packaging/lintian-exceptions (one tag and its reason per line).
suppress=$(grep -v '^#' packaging/lintian-exceptions | awk 'NF {print $1}' | paste -sd, -)
lintian_out=$(lintian --fail-on error,warning ${suppress:+--suppress-tags "$suppress"} "$deb" 2>&1)
lintian_rc=$?
[ -n "$lintian_out" ] && sed 's/^/    /' <<<"$lintian_out"
check "lintian: no errors or warnings beyond packaging/lintian-exceptions" test "$lintian_rc" -eq 0

if dpkg-query -W -f='${Status}' secproto 2>/dev/null | grep -q "install ok installed"; then
  fail "secproto is already installed from a package on this machine: not touching it"
  finish
fi
if $SUDO apt-get install -y -qq "$deb" >"$work/apt.log" 2>&1; then
  pass "apt-get install ./$(basename "$deb")"
else
  cat "$work/apt.log"
  fail "apt-get install ./$(basename "$deb")"
  finish
fi
installed_files=$(dpkg -L secproto | while read -r f; do [ -f "$f" ] && echo "$f"; done)
echo "    installed: $(tr '\n' ' ' <<<"$installed_files")"
check "man -w secproto finds /usr/share/man/man1/secproto.1.gz" \
  test "$(man -w secproto 2>/dev/null)" = /usr/share/man/man1/secproto.1.gz
man_text=$(MANWIDTH=120 man secproto 2>"$work/man.err")
check "man secproto renders without warnings" test ! -s "$work/man.err"
for section in "EXIT STATUS" "GLOBAL OPTIONS" COMMANDS TARGETS PROTOCOLS; do
  check "man page has $section" grep -q "^$section" <<<"$man_text"
done
# Every visible command of `secproto --help` has its section in the man page.
commands=$(/usr/bin/secproto --help | awk '/^[A-Za-z].*:$/ {section = $0; next}
  section !~ /^(OPTIONS|POSITIONALS|Options|Positionals)/ && /^  [a-z][a-z0-9-]*( |$)/ && $1 != "secproto" {print $1}')
check "secproto --help lists commands ($(wc -w <<<"$commands"))" test -n "$commands"
for cmd in $commands; do
  check "man page documents secproto $cmd" grep -q "^   secproto $cmd\$\|^  secproto $cmd\$" <<<"$man_text"
done
version=$(/usr/bin/secproto --version)
echo "    $(tr '\n' ';' <<<"$version")"
check "secproto --version: version, commit, hive backend" \
  grep -qzE '^secproto [0-9]+\.[0-9]+\.[0-9]+
commit [0-9a-f]{7,}(-dirty)?
hive backend: yes' <<<"$version"

# The completion as bash-completion loads it on demand in an interactive shell.
complete_words() {  # complete_words "secproto calc tl" -> the candidates
  HOME=$work bash -i -c '
    . /usr/share/bash-completion/bash_completion
    _completion_loader secproto
    read -ra COMP_WORDS <<<"$1"
    [[ $1 == *" " ]] && COMP_WORDS+=("")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE=$1
    COMP_POINT=${#1}
    $(complete -p secproto | sed -n "s/.*-F \([^ ]*\) .*/\1/p") secproto "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    echo "${COMPREPLY[*]}"' _ "$1" 2>/dev/null | tail -n 1
}
check "bash -i loads the completion (complete -p secproto)" \
  bash -c "HOME=$work bash -i -c '. /usr/share/bash-completion/bash_completion; _completion_loader secproto; complete -p secproto' 2>/dev/null | grep -q _secproto"
got=$(complete_words "secproto ca")
check "completion: 'secproto ca' -> calc ($got)" grep -qw calc <<<"$got"
got=$(complete_words "secproto set --ta")
check "completion: 'secproto set --ta' -> --target ($got)" grep -qw -- --target <<<"$got"
got=$(complete_words "secproto set --target h")
check "completion: '--target h' -> hive: ($got)" grep -q 'hive:' <<<"$got"
got=$(complete_words "secproto calc tls1.2,tls1.")
check "completion: 'calc tls1.2,tls1.' -> tls1.2,tls1.3 ($got)" grep -q 'tls1.2,tls1.3' <<<"$got"
got=$(complete_words "secproto export mod")
check "completion: 'export mod' -> the profile modern ($got)" grep -qw modern <<<"$got"
got=$(complete_words "secproto hive ")
check "completion: 'hive ' -> its subcommands ($got)" test -n "$got"

if $SUDO apt-get remove -y -qq secproto >>"$work/apt.log" 2>&1; then
  pass "apt-get remove secproto"
else
  fail "apt-get remove secproto"
fi
left=$(while read -r f; do [ -n "$f" ] && [ -e "$f" ] && echo "$f"; done <<<"$installed_files")
check "apt-get remove leaves none of the package's files (${left:-none left})" test -z "$left"
check "dpkg knows nothing more of secproto" \
  bash -c "! dpkg-query -W -f='\${Status}' secproto 2>/dev/null | grep -q installed"
check "no /usr/share/doc/secproto left" test ! -e /usr/share/doc/secproto

# --- MSI -------------------------------------------------------------------
# The zip and the first MSI (package-windows checks the zip's contents).
if scripts/package-windows --msi-output "$work/a.msi" >"$work/msi.log" 2>&1; then
  grep -- '-win64.zip:' "$work/msi.log" | sed 's/^/    /'
  pass "scripts/package-windows: the zip holds secproto.exe, README.md, LICENSE, docs/"
else
  tail -n 20 "$work/msi.log"
  fail "scripts/package-windows builds the zip and the MSI"
  finish
fi
v1=$(msiinfo export "$work/a.msi" Property | awk -F'\t' '$1 == "ProductVersion" {print $2}' | tr -d '\r')
v2=$(awk -F. '{printf "%d.%d.%d", $1, $2, $3 + 1}' <<<"$v1")
scripts/package-windows --no-build --msi-only --msi-version "$v2" --msi-output "$work/b.msi" \
  >>"$work/msi.log" 2>&1
check "wixl builds two MSIs ($v1, $v2)" test -s "$work/a.msi" -a -s "$work/b.msi"
tables=$(msiinfo tables "$work/a.msi")
for t in File Component Directory Feature FeatureComponents Media Property Upgrade \
         InstallExecuteSequence; do
  check "msiinfo tables: $t" grep -qx "$t" <<<"$tables"
done
prop() { msiinfo export "$1" Property | tr -d '\r' | awk -F'\t' -v k="$2" '$1 == k {print $2}'; }
check "File table: secproto.exe" bash -c "msiinfo export '$work/a.msi' File | grep -q secproto.exe"
check "Directory table: ProgramFiles64Folder\\secproto" \
  bash -c "msiinfo export '$work/a.msi' Directory | grep -q ProgramFiles64Folder"
check "Manufacturer is set ($(prop "$work/a.msi" Manufacturer))" test -n "$(prop "$work/a.msi" Manufacturer)"
check "same UpgradeCode in both ($(prop "$work/a.msi" UpgradeCode))" \
  test "$(prop "$work/a.msi" UpgradeCode)" = "$(prop "$work/b.msi" UpgradeCode)"
pc1=$(prop "$work/a.msi" ProductCode)
pc2=$(prop "$work/b.msi" ProductCode)
check "a new ProductCode per build ($pc1, $pc2)" test -n "$pc1" -a "$pc1" != "$pc2"
check "Upgrade table finds older versions (WIX_UPGRADE_DETECTED)" \
  bash -c "msiinfo export '$work/a.msi' Upgrade | grep -q WIX_UPGRADE_DETECTED"

"$WINE" wineboot -i >/dev/null 2>&1
drive_c=$WINEPREFIX/drive_c
exe="$drive_c/Program Files/secproto/secproto.exe"
uninstall='HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall'
arp() {  # arp PRODUCTCODE VALUE: the value of its uninstall entry, empty when none
  "$WINE" reg query "$uninstall\\$1" /v "$2" 2>/dev/null | tr -d '\r' |
    awk -v v="$2" '$1 == v {sub(/^ *[^ ]+ +REG_SZ +/, ""); print}'
}
"$WINE" msiexec /i "$work/a.msi" /qn >/dev/null 2>&1
check "msiexec /i a.msi /qn installs Program Files\\secproto\\secproto.exe" test -f "$exe"
out=$(cd "$drive_c" && "$WINE" "C:\\Program Files\\secproto\\secproto.exe" --version 2>/dev/null | tr -d '\r')
echo "    $(tr '\n' ';' <<<"$out")"
check "installed secproto.exe --version: $v1, no hive backend" \
  grep -qz "^secproto $v1
commit .*
hive backend: no" <<<"$out"
check "Add/Remove Programs: DisplayVersion $v1" test "$(arp "$pc1" DisplayVersion)" = "$v1"
check "Add/Remove Programs: Publisher ($(arp "$pc1" Publisher))" test -n "$(arp "$pc1" Publisher)"
check "Add/Remove Programs: DisplayName secproto" test "$(arp "$pc1" DisplayName)" = secproto

"$WINE" msiexec /i "$work/b.msi" /qn >/dev/null 2>&1
check "msiexec /i b.msi /qn ($v2) keeps secproto.exe" test -f "$exe"
check "upgrade: the $v2 entry is there" test "$(arp "$pc2" DisplayVersion)" = "$v2"
check "upgrade: the $v1 entry is gone (upgraded in place)" test -z "$(arp "$pc1" DisplayVersion)"
count=$("$WINE" reg query "$uninstall" 2>/dev/null | tr -d '\r' | grep -c '{' || true)
entries=$("$WINE" reg query "$uninstall" /s 2>/dev/null | tr -d '\r' | grep -c 'DisplayName.*REG_SZ.*secproto$' || true)
check "upgrade: one secproto entry in Add/Remove Programs ($entries of $count)" test "$entries" -eq 1

"$WINE" msiexec /x "$work/b.msi" /qn >/dev/null 2>&1
check "msiexec /x /qn removes secproto.exe" test ! -e "$exe"
check "msiexec /x /qn removes Program Files\\secproto" test ! -e "$drive_c/Program Files/secproto"
check "msiexec /x /qn removes the uninstall entry" test -z "$(arp "$pc2" DisplayVersion)"

finish
