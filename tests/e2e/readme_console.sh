#!/usr/bin/env bash
# The README's ```console blocks are transcripts: each "$ secproto ..." line
# is run with the built binary in an empty folder shared by the whole block,
# and the lines after it must be what it prints (stdout and stderr, in the
# order a terminal shows them). A line "..." stands for any number of lines
# whose content varies (timestamps, paths of this machine).
# Usage: readme_console.sh SECPROTO_BINARY README.md
set -uo pipefail
bin="$(realpath "$1")"
readme="$2"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir "$work/bin"
ln -s "$bin" "$work/bin/secproto"
export PATH="$work/bin:$PATH"
passed=0
failed=0

# Lines that match `expected` (with "..." wildcards) against `actual`.
matches() {
  python3 - "$1" "$2" <<'PY'
import sys
exp = open(sys.argv[1]).read().splitlines()
act = open(sys.argv[2]).read().splitlines()
def m(i, j):
    if i == len(exp):
        return j == len(act)
    if exp[i] == "...":
        return any(m(i + 1, k) for k in range(j, len(act) + 1))
    return j < len(act) and exp[i] == act[j] and m(i + 1, j + 1)
sys.exit(0 if m(0, 0) else 1)
PY
}

block=0
in_block=0
cmd=""
: >"$work/expected"
finish() {
  [ -z "$cmd" ] && return
  (cd "$work/block$block" && stdbuf -oL -eL bash -c "$cmd" >"$work/actual" 2>&1)
  if matches "$work/expected" "$work/actual"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL (README block $block): \$ $cmd" >&2
    diff "$work/expected" "$work/actual" | sed 's/^/  /' >&2
  fi
  cmd=""
  : >"$work/expected"
}
while IFS= read -r line; do
  if [ "$in_block" = 0 ]; then
    if [ "$line" = '```console' ]; then
      in_block=1
      block=$((block + 1))
      mkdir "$work/block$block"
    fi
    continue
  fi
  if [ "$line" = '```' ]; then
    finish
    in_block=0
  elif [ "${line:0:2}" = '$ ' ]; then
    finish
    cmd="${line:2}"
  else
    printf '%s\n' "$line" >>"$work/expected"
  fi
done <"$readme"
echo "readme_console: $block blocks, $passed commands match, $failed differ"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
