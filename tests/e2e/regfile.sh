#!/usr/bin/env bash
# End-to-end: the reg: target through the real binary. Bad .reg files must
# give exit 3 with one line naming the file (and line), and keep their
# sha256; a good file goes through set/show/check/unset/rollback.
# Usage: regfile.sh SECPROTO_BINARY SOURCE_DIR
set -uo pipefail
bin="$1"
src="$2"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
passed=0
failed=0
ok() { passed=$((passed + 1)); }
bad() { echo "FAIL: $*" >&2; failed=$((failed + 1)); }

utf16() { printf '\xff\xfe'; printf '%s' "$1" | sed 's/$/\r/' | iconv -f UTF-8 -t UTF-16LE; }

utf16 'Windows Registry Editor Version 5.00

[HKEY_CURRENT_USER\A]
"x"=dword:zz' >"$dir/syntax.reg"
{ printf 'Windows Registry Editor Version 5.00\r\n;'; head -c 1100000 /dev/zero | tr '\0' x; printf '\r\n'; } >"$dir/overlong.reg"
{ utf16 'Windows Registry Editor Version 5.00'; printf 'x'; } >"$dir/odd.reg"
{ utf16 'Windows Registry Editor Version 5.00'; printf '\x00\xd8'; } >"$dir/surrogate.reg"
head -c 4096 /dev/urandom >"$dir/garbage.reg"
: >"$dir/empty.reg"
utf16 '[HKEY_CURRENT_USER\A]' >"$dir/noheader.reg"
mkdir "$dir/directory.reg"

for f in syntax overlong odd surrogate garbage empty noheader directory; do
  path="$dir/$f.reg"
  before="$( [ -f "$path" ] && sha256sum <"$path" )"
  for cmd in "show" "set tls1.2" "unset" "check tls1.2"; do
    out="$("$bin" $cmd --target "reg:$path" 2>&1)"
    rc=$?
    lines="$(printf '%s\n' "$out" | wc -l)"
    if [ $rc -ne 3 ]; then bad "$f: '$cmd' exited $rc, not 3: $out"; continue; fi
    if [ "$lines" -ne 1 ]; then bad "$f: '$cmd' printed $lines lines: $out"; continue; fi
    case "$out" in *"$path"*) ok ;; *) bad "$f: message does not name the file: $out" ;; esac
    after="$( [ -f "$path" ] && sha256sum <"$path" )"
    if [ "$before" = "$after" ]; then ok; else bad "$f: '$cmd' changed the file"; fi
  done
done

# A good file: set, unchanged, check, unset, rollback.
t="reg:$dir/good.reg"
"$bin" set tls1.2,tls1.3 --target "$t" --backup "$dir/b1.json" >/dev/null && ok || bad "set"
h1="$(sha256sum <"$dir/good.reg")"
"$bin" set tls1.2,tls1.3 --target "$t" | grep -q unchanged && ok || bad "second set not unchanged"
[ "$(sha256sum <"$dir/good.reg")" = "$h1" ] && ok || bad "unchanged set rewrote the file"
"$bin" check tls1.2,tls1.3 --target "$t" >/dev/null && ok || bad "check after set"
"$bin" unset --target "$t" --backup "$dir/b2.json" >/dev/null && ok || bad "unset"
"$bin" check tls1.2,tls1.3 --target "$t" >/dev/null; [ $? -eq 1 ] && ok || bad "check after unset is not 1"
"$bin" rollback "$dir/b2.json" --target "$t" >/dev/null && ok || bad "rollback"
[ "$(sha256sum <"$dir/good.reg")" = "$h1" ] && ok || bad "rollback did not restore the bytes"
head -c 2 "$dir/good.reg" | od -An -tx1 | grep -q 'ff fe' && ok || bad "no UTF-16LE BOM"

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
