#!/usr/bin/env bash
# End-to-end: the traps of the first hour with the whole stack (issue 29),
# through the real binary: names that forgive, --set strings, folders an
# export names, one label per message, full commands and one tense, and
# which .NET apps a line is for.
#   first_hour_stack.sh SECPROTO_BINARY
set -uo pipefail
B=$(realpath "$1")
here=$(dirname "$(realpath "$0")")
source "$here/policy_lib.sh"
dir=$(mktemp -d /tmp/secproto-hour.XXXXXX)
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
passed=0 failed=0
# run ARGS...: $rc, $out (stdout), $err (stderr)
run() {
  "$B" "$@" >"$dir/out" 2>"$dir/err"
  rc=$?
  out=$(cat "$dir/out")
  err=$(cat "$dir/err")
}
want_rc() { [ "$rc" = "$1" ] && ok || bad "$2: exit $rc, want $1 (stderr: $err)"; }
has() { case "$1" in *"$2"*) ok ;; *) bad "$3: '$2' not in: ${1:0:400}" ;; esac; }
hasnt() { case "$1" in *"$2"*) bad "$3: '$2' in: ${1:0:400}" ;; *) ok ;; esac; }
one_line() { [ "$(printf '%s\n' "$1" | wc -l)" = 1 ] && ok || bad "$2: not one line: $1"; }

make_image "$dir/img" 22621 Client || { echo "FAIL: make_image"; exit 1; }

# --- Names that forgive ------------------------------------------------------
run policy plna modern
want_rc 2 "policy plna"
[ "$err" = "secproto: error: unknown command policy plna; did you mean policy plan? (see secproto policy --help)" ] &&
  ok || bad "policy plna: $err"
run policy
want_rc 2 "policy alone"
[ "$err" = "secproto: error: secproto policy needs a command: show, compile, plan, check, apply, recover, capture (see secproto policy --help)" ] &&
  ok || bad "policy alone: $err"
run policy plan --targte "image:$dir/img" modern
want_rc 2 "--targte"
has "$err" "unknown option --targte; did you mean --target? (see secproto policy plan --help)" "--targte"
one_line "$err" "--targte"
run --json policy plan --targte "image:$dir/img" modern
has "$out" '"unknown-option"' "--json --targte"
run hive craete "$dir/h"
want_rc 2 "hive craete"
has "$err" "did you mean hive create?" "hive craete"
run policy plan modren --target "image:$dir/img"
want_rc 2 "policy plan modren"
has "$err" "did you mean 'modern'?" "policy plan modren"
one_line "$err" "policy plan modren"
run policy show modern
modern=$out
run policy show Modern
want_rc 0 "policy show Modern"
[ "$out" = "$modern" ] && ok || bad "policy show Modern differs from policy show modern"
run --json policy show MODERN
has "$out" '"origin": "template:modern"' "policy show MODERN --json"
run policy compile modern --os win11
want_rc 2 "--os win11"
has "$err" "did you mean one of: win11-21h2 win11-22h2 win11-23h2 win11-24h2?" "--os win11"
one_line "$err" "--os win11"
run policy compile modern --os server2019
want_rc 2 "--os server2019"
has "$err" "did you mean ws2019?" "--os server2019"
run policy compile modern --os win10-22h3
has "$err" "did you mean win10-22h2?" "--os win10-22h3"

# --- --set strings need quotes -----------------------------------------------------
run policy show --set "cipher_suites.order=[TLS_AES_128_GCM_SHA256]"
want_rc 2 "--set unquoted"
has "$err" "strings need quotes in TOML; write --set \"cipher_suites.order=['TLS_AES_128_GCM_SHA256']\"" \
  "--set unquoted"
hasnt "$err" "parsing boolean" "--set unquoted"
one_line "$err" "--set unquoted"
run policy show --set "cipher_suites.order=['TLS_AES_128_GCM_SHA256']"
want_rc 0 "--set as the hint writes it"
run policy show --set "key_sizes.dh_server_min=abc=="
want_rc 2 "--set that quoting does not fix"
has "$err" "give KEY=VALUE in TOML" "--set that quoting does not fix"

# --- Folders an export names ------------------------------------------------------
run export modern --format intune -o intune/
want_rc 0 "export --format intune -o intune/"
[ -d intune ] && ok || bad "export -o intune/ made no folder"
run export modern --format gpp --gpo-backup gpo/
want_rc 0 "export --gpo-backup gpo/"
[ -f gpo/Machine/Preferences/Registry/Registry.xml ] && ok || bad "no gpo/ Registry.xml"
run export modern --format intune -o nosuch/intune/
want_rc 3 "export -o nosuch/intune/"
run --json export modern --format reg -o nosuch/winhttp.reg
want_rc 3 "export -o nosuch/FILE"
has "$out" '"no-folder"' "export -o nosuch/FILE"

# --- One label per message, each once --------------------------------------------------
run export --tls-policy modern --os-mix win10-22h2,ws2019 --format ansible -o tls.yml
want_rc 0 "export --tls-policy --os-mix"
hasnt "$err" "warning: note:" "export notes"
notes=$(grep -c '^secproto: note: ' "$dir/err")
unique=$(grep '^secproto: note: ' "$dir/err" | sort -u | wc -l)
[ "$notes" = "$unique" ] && ok || bad "export repeats notes: $err"
# A note two OSes give alike is one line for both.
has "$err" "secproto: note: win10-22h2, ws2019: TLS 1.3 dropped: the OS does not support it" \
  "export notes for an OS mix"
hasnt "$err" "note: ws2019: TLS 1.3 dropped" "export notes for an OS mix"
run export --tls-policy modern --os win10-22h2 --format ansible -o one.yml
has "$err" "secproto: note: win10-22h2: TLS 1.3 dropped: Windows 10 22H2 does not support it" \
  "export notes for one OS"

# --- Full commands, one tense, the effect apply recorded --------------------------
cat > web.reg <<'EOF'
Windows Registry Editor Version 5.00

[HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2\Server]
"Enabled"=dword:ffffffff
"DisabledByDefault"=dword:00000000
EOF
run policy capture --target reg:web.reg --os ws2019 -o web.toml
want_rc 0 "policy capture"
has "$out" '`secproto policy plan web.toml --target reg:web.reg --os ws2019` shows them' "capture"
cmd=$(sed -n 's/.*`\(secproto policy plan [^`]*\)` shows them.*/\1/p' <<< "$out")
run ${cmd#secproto }
[ "$rc" = 0 ] || [ "$rc" = 1 ] && ok || bad "the capture's command '$cmd' exits $rc: $err"

run policy apply modern --target "image:$dir/img" --backup before.json
want_rc 0 "policy apply"
apply_effects=$(grep -oE '\[(next-process|service-restart|reboot)\]' <<< "$out" | sort -u | tr '\n' ' ')
run rollback before.json --target "image:$dir/img" --dry-run
want_rc 0 "rollback --dry-run"
has "$out" "would restore " "rollback --dry-run"
has "$out" ", would remove " "rollback --dry-run"
hasnt "$out" ", removed " "rollback --dry-run"
rollback_effects=$(grep -oE '\[(next-process|service-restart|reboot)\]' <<< "$out" | sort -u | tr '\n' ' ')
[ "$rollback_effects" = "$apply_effects" ] && ok ||
  bad "rollback effects '$rollback_effects', apply's '$apply_effects'"
has "$out" "[service-restart]" "rollback effects"
has "$out" "[next-process]" "rollback effects"
# A backup from before "effect" was recorded: the effect of each key.
python3 -c '
import json, sys
b = json.load(open("before.json"))
for v in b["values"]: v.pop("effect", None)
json.dump(b, open("old.json", "w"), indent=2)'
run rollback old.json --target "image:$dir/img" --dry-run
want_rc 0 "rollback of an old backup"
has "$out" "[service-restart]" "old backup effects"
has "$out" "[next-process]" "old backup effects"
run rollback before.json --target "image:$dir/img"
want_rc 0 "rollback"
has "$out" "restored " "rollback"
has "$out" ", removed " "rollback"

# --- Which .NET apps a line is for ---------------------------------------------------
run explain --os win11-22h2 --component dotnet
want_rc 0 "explain --component dotnet"
has "$out" "for: 64-bit apps on .NET Framework 4.x that target 4.6.2 or earlier" "dotnet v4-64"
has "$out" "for: 32-bit apps on .NET Framework 3.5 and earlier (CLR 2.0)" "dotnet v2-32"
run --json explain --os win11-22h2 --component dotnet
has "$out" '"applies_to"' "dotnet --json"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
