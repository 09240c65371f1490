#!/usr/bin/env bash
# Every secproto command and flag that a help text, README.md or docs/*.md names
# exists: for each `secproto COMMAND ...` (in code spans, code blocks, `$ ` lines
# and all help texts), `secproto COMMAND --help` runs with exit 0, and each
# --flag written after the command (up to a pipe, `&&`, `;` or a comment) is
# listed in that command's help or the global help.
#   help_commands.sh SECPROTO_BINARY SOURCE_DIR
set -uo pipefail
BIN=$1 SRC=$2
WORK=$(mktemp -d /tmp/secproto-help.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
passed=0 failed=0
fail() { echo "FAIL $1"; failed=$((failed + 1)); }

"$BIN" --help > "$WORK/global.txt" 2>&1 || { echo "FAIL secproto --help"; exit 1; }
# Subcommands: the first word of the table rows ("  NAME   help") under the
# headings of the command groups (any heading but Options: and Positionals:).
commands=$(awk '/^[^ ].*:$/ {on = ($0 !~ /^(Options|Positionals):$/); next} /^[^ ]/ {on = 0}
                on && /^  [a-z][a-z0-9-]*   / {print $1}' "$WORK/global.txt")
[ -n "$commands" ] || { echo "FAIL no subcommands found in secproto --help"; exit 1; }

# Where commands are named: code of the docs, and every help text.
: > "$WORK/named.txt"
for f in "$SRC/README.md" "$SRC"/docs/*.md; do
  awk '/^```/ {code = !code; next} code {print; next} /^\$ / {print; next}
       { while (match($0, /`[^`]*`/)) { print substr($0, RSTART + 1, RLENGTH - 2);
                                        $0 = substr($0, RSTART + RLENGTH) } }' "$f" \
    | sed "s|^|${f#$SRC/}: |" >> "$WORK/named.txt"
done
sed 's|^|secproto --help: |' "$WORK/global.txt" >> "$WORK/named.txt"
for c in $commands; do
  "$BIN" "$c" --help > "$WORK/help-$c.txt" 2>&1 || fail "secproto $c --help exits $?"
  sed "s|^|secproto $c --help: |" "$WORK/help-$c.txt" >> "$WORK/named.txt"
done

# One check per (command, flag) named.
while IFS= read -r line; do
  where=${line%%: *}
  text=${line#*: }
  # Every "secproto[.exe] [global flags] COMMAND rest" in the line.
  # (at the start, or after a backtick, `$`, `(`, a pipe, `&&` or `;`: not
  # `ninja -C build secproto` nor `--secproto FILE`).
  while [[ $text =~ (^|[\`$\;\&\|\(])[[:space:]]*secproto(\.exe)?((\ +--?[a-z][a-z-]*)*)\ +([a-z][a-z0-9-]*)(.*) ]]; do
    cmd=${BASH_REMATCH[5]}
    rest=${BASH_REMATCH[6]}
    text=$rest
    if ! grep -qx -- "$cmd" <<< "$commands"; then
      # A typo shown on purpose, with the error the same document prints for it
      # (README: `$ secproto clac tls1.2` / `unknown command clac; did you mean calc?`).
      if grep -qF -- "$where: secproto: error: unknown command $cmd;" "$WORK/named.txt"; then
        passed=$((passed + 1))
        continue
      fi
      fail "$where: 'secproto $cmd' is not a command: $line"
      continue
    fi
    passed=$((passed + 1))
    span=${rest%%|*}; span=${span%%&&*}; span=${span%%;*}; span=${span%% #*}; span=${span%%secproto*}
    sub=$(awk '{print $1}' <<< "$span")
    help="$WORK/help-$cmd.txt"
    if [[ $sub =~ ^[a-z][a-z-]*$ ]] && "$BIN" "$cmd" "$sub" --help > "$WORK/sub.txt" 2>/dev/null; then
      help="$WORK/sub.txt"
    fi
    for flag in $(grep -oE -- '(^|[ [(|])--[a-z][a-z0-9-]*' <<< "$span" | grep -oE -- '--[a-z][a-z0-9-]*'); do
      if grep -qE -- "(^|[ ,])$flag([ ,=]|$)" "$help" "$WORK/global.txt"; then
        passed=$((passed + 1))
      else
        fail "$where: 'secproto $cmd' has no flag $flag: $line"
      fi
    done
  done
done < "$WORK/named.txt"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
