#!/usr/bin/env bash
# End-to-end: the traps of a new user's first hour (issue 18), through the
# real binary. Each check names the habit it covers.
# Usage: first_hour.sh SECPROTO_BINARY
set -uo pipefail
bin="$(realpath "$1")"
here="$(dirname "$(realpath "$0")")"
dir="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  rm -rf "$dir"
}
trap cleanup EXIT
cd "$dir" || exit 1
passed=0
failed=0
# shellcheck source=policy_lib.sh
. "$here/policy_lib.sh"  # ok, bad, free_port, start_silent_server
# run ARGS...: sets $rc, $out (stdout) and $err (stderr)
run() {
  "$bin" "$@" >"$dir/out" 2>"$dir/err"
  rc=$?
  out="$(cat "$dir/out")"
  err="$(cat "$dir/err")"
}
expect_rc() { [ "$rc" = "$1" ] && ok || bad "$2: exit $rc, want $1 (stderr: $err)"; }
has() { case "$1" in *"$2"*) ok ;; *) bad "$3: '$2' not in: $1" ;; esac; }
hasnt() { case "$1" in *"$2"*) bad "$3: '$2' in: $1" ;; *) ok ;; esac; }

# A port nothing listens on, and one that accepts and never answers.
closed=$(free_port)
start_silent_server "$dir/silent.port"
pids+=("$silent_pid")

# 4. "-tls1.0,-tls1.1" is an edit, as "-tls1.0 -tls1.1" is.
run set 0xA80 --target reg:w.reg
expect_rc 0 "set 0xA80"
run set -tls1.0,-tls1.1 --target reg:w.reg
expect_rc 0 "set -tls1.0,-tls1.1"
has "$out" "0x00000800 (TLS 1.2)" "set -tls1.0,-tls1.1"
run impact --policy -tls1.0,-tls1.1 --os ws2019 "127.0.0.1:$closed"
hasnt "$err" "is not a protocol" "impact --policy -tls1.0,-tls1.1"

# 5. An option that takes protocols takes one value: the endpoint stays one.
run probe --protocols tls1.2 "127.0.0.1:$closed" --no-progress
expect_rc 3 "probe --protocols tls1.2 HOST"
hasnt "$err" "no endpoints" "probe --protocols tls1.2 HOST"
has "$out" "127.0.0.1:$closed" "probe --protocols tls1.2 HOST"
has "$(head -1 "$dir/out")" "TLS 1.2" "probe --protocols tls1.2 header"
hasnt "$(head -1 "$dir/out")" "TLS 1.0" "probe --protocols tls1.2 header"

# 6. A typo in the command; "TLS 1.2" unquoted.
run clac tls1.2
expect_rc 2 "clac"
[ "$err" = "secproto: error: unknown command clac; did you mean calc? (see secproto --help)" ] && ok ||
  bad "clac: $err"
run --json clac
has "$out" '"unknown-command"' "--json clac"
run calc TLS 1.2
expect_rc 0 "calc TLS 1.2"
[ "$out" = "0x00000800  2048  TLS 1.2" ] && ok || bad "calc TLS 1.2: $out"

# 7. -q: results still print, warnings do not.
run -q calc tls1.0,tls1.2
expect_rc 0 "-q calc"
[ "$out" = "0x00000880  2176  TLS 1.0, TLS 1.2" ] && ok || bad "-q calc: $out"
[ -z "$err" ] && ok || bad "-q calc printed on stderr: $err"
run -q probe "127.0.0.1:$closed" --protocols tls1.2
has "$out" "127.0.0.1:$closed" "-q probe prints its table"
hasnt "$out" "note:" "-q probe prints no notes"
run -q check 0x800 --target reg:w.reg
expect_rc 0 "-q check"
has "$out" "compliant" "-q check prints its verdict"

# 11. Ctrl-C prints the finished rows and how far it got.
"$bin" probe "127.0.0.1:$closed" "127.0.0.1:$silent" --timeout 600000 --retries 0 \
  --protocols tls1.2 >"$dir/out" 2>"$dir/err" &
probe=$!
pids+=($probe)
sleep 2
kill -INT "$probe"
wait "$probe"
rc=$?
out="$(cat "$dir/out")"
err="$(cat "$dir/err")"
expect_rc 130 "probe interrupted"
has "$out" "127.0.0.1:$closed" "interrupted probe keeps the finished row"
hasnt "$out" "127.0.0.1:$silent " "interrupted probe shows no unfinished row"
has "$err" "interrupted after 1 of 2 endpoints" "interrupted probe"

# 12. One message, one stream, one prefix.
run decode 3072
expect_rc 2 "decode 3072"
[ "$(printf '%s\n' "$err" | wc -l)" = 1 ] && ok || bad "decode 3072 stderr has more than one line: $err"
hasnt "$out" "warning" "decode 3072 stdout"
run calc tls1.0,tls1.2
has "$err" "secproto: warning: TLS 1.0" "calc warning on stderr"
hasnt "$out" "warning" "calc warning not on stdout"

# 13. probe --json that ends in exit 3 prints an error object.
run --json probe "127.0.0.1:$closed" --protocols tls1.2
expect_rc 3 "--json probe unreachable"
tail -1 "$dir/out" | python3 -c 'import json,sys; j=json.loads(sys.stdin.read()); assert j["error"]["exit_code"] == 3' &&
  ok || bad "--json probe: no error object: $out"

# Small things.
run probe "127.0.0.1:$closed" --no-progress
[ "$(grep -c '^note:' "$dir/out")" = 1 ] && ok || bad "unreachable endpoint: not one note: $out"
run export modern -f reg
expect_rc 0 "export -f reg"
has "$err" "deprecated" "export -f"
has "$out" "Windows Registry Editor" "export -f"
run export tls12 --format reg
[ -z "$err" ] && ok || bad "export --format printed: $err"
run unset --target reg:none.reg --dry-run
run unset --target reg:w.reg
run unset --target reg:w.reg
has "$out" "there is no value to remove" "unset twice"
hasnt "$out" "already holds this" "unset twice"
run set tls1.2 --target reg:w.reg --dry-run
has "$out" "would create" "set --dry-run"
run set +tls1.3 --target reg:w.reg
expect_rc 2 "+tls1.3 on no value"
hasnt "$err" "holds missing" "+tls1.3 on no value"
run audit --help
hasnt "$out" "{false}" "audit --help"
run set --help
grep -- '--target TEXT' "$dir/out" | grep -q ';\s*$' && bad "--target help ends in '; '" || ok
run show --help
hasnt "$out" "--force-dirty" "show --help lists --force-dirty"
if "$bin" hive create SOFTWARE >/dev/null 2>&1; then
  run set tls1.2 --view 64 --target hive:SOFTWARE
  run show --target hive:SOFTWARE
  has "$out" "fix: secproto set 0x00000800 --view both --target hive:SOFTWARE" "show one-view"
  run set tls1.2 --view 32 --target hive:SOFTWARE
  run unset --view 64 --target hive:SOFTWARE
  run set tls1.2,tls1.3 --view 32 --target hive:SOFTWARE
  has "$err" "view 64 is left as it was" "set --view 32"
fi
# 10. Edits on top of a built-in default that keeps SSL 3.0.
run impact --policy -tls1.0 --os ws2019 "127.0.0.1:$closed"
has "$err" "keeps SSL 3.0" "impact keeps SSL 3.0"

echo "first_hour: $passed passed, $failed failed"
[ "$failed" = 0 ]
