#!/usr/bin/env bash
# One test over the command table (issue 23): every command path the CLI has
# (`secproto __generate commands`) is classified below as
#   read      never writes a target or a file
#   registry  writes a registry target (hive pair, image:DIR, reg:FILE)
#   file      writes an output file
# and a command missing from the table, or a table entry the CLI no longer
# has, fails the test. For every writing command it then checks the
# guarantees of the one door for writes (include/secproto/write.h) on real
# hives (hivex) and .reg files:
#   registry: it runs and changes the target; a dry run (where the command has
#     --dry-run) changes no byte; a read-only target is refused (exit 3, no
#     byte changed); an existing --backup file is kept (exit 2); the undo line
#     it prints works as printed; a backup taken
#     from target A is refused on target B (exit 2, backup-target-mismatch)
#     and applied with --force;
#   file: an existing output is kept without --force (exit 2) and replaced
#     with --force (exit 0); a missing output folder is exit 2 for every one;
#   every command: an unknown flag is exit 2; a read command leaves its target
#     byte-identical;
#   interrupts: SIGINT during `policy apply` on an image (test pauses before
#     and between the hive renames), during `set` on a hive (before its
#     rename) and during a long `audit --csv` exits 130 and leaves no
#     `.*.secproto-*` temp file or lock;
#   --os against detection: a write refuses an --os the image contradicts
#     (exit 2, os-mismatch) unless --force; a read models it as a what-if and
#     says so (text and JSON "os_what_if").
# Usage: tests/e2e/write_guarantees.sh [path/to/secproto]
set -uo pipefail

B=${1:-build/secproto}
B=$(cd "$(dirname "$B")" && pwd)/$(basename "$B")
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/policy_lib.sh"                       # make_image
. "$HERE/../../scripts/test.d/lib-checks.sh"  # pass, fail, finish
T=$(mktemp -d)
trap 'chmod -R u+w "$T" 2>/dev/null; rm -rf "$T"' EXIT
cd "$T" || exit 3
export SECPROTO_FIXED_IDS=1

# --- the table ------------------------------------------------------------------------
# Every command path, its class, and for a writing command how to run it: a
# registry command's arguments before --target (KIND-specific arguments are
# added by cmd_args), a file command's variants (see run_file).
declare -A CLASS=(
  [calc]=read [decode]=read [profiles]=read [show]=read [check]=read
  [explain]=read [doctor]=file ["os list"]=read ["os show"]=read
  [impact]=read [probe]=read [verify]=read
  ["policy show"]=read ["policy compile"]=read ["policy plan"]=read ["policy check"]=read
  [set]=registry [unset]=registry [rollback]=registry
  ["schannel set"]=registry ["wininet set"]=registry ["dotnet set"]=registry
  ["policy apply"]=registry ["policy recover"]=registry
  [export]=file ["policy capture"]=file [audit]=file ["hive create"]=file
)
# doctor is a read of its target and writes a file only with --fix-file.
# registry: what the command is run with on a target holding the baseline
# (DefaultSecureProtocols = TLS 1.2 in both views, nothing else), so that it
# changes something. "" = not run on targets (see SKIP_WHY).
declare -A RUN=(
  [set]="set tls1.3"
  [unset]="unset"
  [rollback]="rollback @BACKUP@"
  ["schannel set"]="schannel set tls1.0 --disable --side both"
  ["wininet set"]="wininet set tls1.2,tls1.3"
  ["dotnet set"]="dotnet set"
  ["policy apply"]="policy apply modern"
  ["policy recover"]=""
)
declare -A SKIP_WHY=(
  ["policy recover"]="writes only to finish an interrupted apply: see the recover and interrupt checks below"
)
# file: the variants of each file command, run by run_file LABEL OUT [--force].
# A variant that writes a folder names here one file it writes inside: an
# existing one is what must be kept without --force.
declare -A FOLDER_FILE=([export-intune]=detect.ps1 [export-role]=README.md [export-gpo]=README.txt)
declare -A FILE_VARIANTS=(
  [export]="export|export-ps1|export-gpp|export-ansible|export-dsc|export-tls-policy|export-collect-ps1|export-intune|export-role|export-gpo"
  ["policy capture"]="capture"
  [audit]="audit-csv|audit-html|audit-tls-csv|audit-tls-html"
  ["hive create"]="hive-create|hive-create-system"
  [doctor]="doctor-fix-file"
)
KINDS=(pair image reg)

# --- the table against the CLI --------------------------------------------------------
mapfile -t COMMANDS < <("$B" __generate commands)
if [ "${#COMMANDS[@]}" -lt 10 ]; then
  fail "secproto __generate commands lists ${#COMMANDS[@]} commands"
  finish
fi
declare -A LISTED=()
for c in "${COMMANDS[@]}"; do
  LISTED[$c]=1
  if [ -n "${CLASS[$c]:-}" ]; then
    pass "table: '$c' is ${CLASS[$c]}"
  else
    fail "table: '$c' is a command of the CLI but not in the table of $0 (classify it read, registry or file)"
  fi
done
for c in "${!CLASS[@]}"; do
  [ -n "${LISTED[$c]:-}" ] || fail "table: '$c' is in the table but no longer a command of the CLI"
done

# --- helpers --------------------------------------------------------------------------
sha() { cat "$@" 2>/dev/null | sha256sum | cut -d' ' -f1; }
# temps DIR...: the temp and lock files a write left in DIR (none: empty).
temps() { find "$@" \( -name '.*.secproto-*' -o -name '*.secproto.lock' \) 2>/dev/null; }
# has_flag CMD FLAG: whether CMD's help lists option FLAG.
has_flag() { "$B" $1 --help 2>/dev/null | grep -qE "^[[:space:]]+(-[a-zA-Z],)?$2([[:space:]]|\$)"; }
run() { "$B" "$@" >out.txt 2>err.txt; rc=$?; }
# The error line (a note may come before it), else the start of stderr.
errline() { { grep -a -m1 'error' err.txt || cat err.txt; } | head -c 200 | tr '\n' ' '; }

# Templates: a hive pair (hive:S --system-hive Y), a win10-22h2 image and a
# .reg file, each holding the baseline.
mkdir -p tpl/pair tpl/reg
"$B" hive create tpl/pair/S >/dev/null && "$B" hive create --system tpl/pair/Y >/dev/null \
  && make_image tpl/image 19045 Client || { fail "cannot build the template targets"; finish; }
"$B" set tls1.2 --target hive:tpl/pair/S --system-hive tpl/pair/Y >/dev/null
"$B" set tls1.2 --target image:tpl/image >/dev/null
"$B" set tls1.2 --target reg:tpl/reg/t.reg >/dev/null

# fresh KIND DIR: a copy of the KIND template in DIR; sets TARGET (the
# arguments naming it), FILES (its files) and OSARG (--os for targets that do
# not say which Windows they are).
fresh() {
  rm -rf "$2"
  cp -a "tpl/$1" "$2"
  case $1 in
    pair) TARGET=(--target "hive:$2/S" --system-hive "$2/Y"); FILES=("$2/S" "$2/Y"); OSARG=(--os win10-22h2) ;;
    image) TARGET=(--target "image:$2"); FILES=("$2/Windows/System32/config/SOFTWARE" "$2/Windows/System32/config/SYSTEM"); OSARG=() ;;
    reg) TARGET=(--target "reg:$2/t.reg"); FILES=("$2/t.reg"); OSARG=(--os win10-22h2) ;;
  esac
}

# cmd_args CMD DIR: the arguments running registry command CMD on the fresh
# target in DIR (after `fresh`), in ARGS; for rollback it first takes the
# backup it restores.
cmd_args() {
  local spec=${RUN[$1]}
  if [[ $spec == *@BACKUP@* ]]; then
    rm -f "$2.bk.json"
    "$B" set tls1.3 "${TARGET[@]}" --backup "$2.bk.json" >/dev/null 2>&1
    spec=${spec//@BACKUP@/$2.bk.json}
  fi
  read -ra ARGS <<<"$spec"
  ARGS+=("${TARGET[@]}")
  [ "$1" = "policy apply" ] && ARGS+=("${OSARG[@]}")
  return 0
}

# --- registry commands ----------------------------------------------------------------
n=0
for cmd in "${COMMANDS[@]}"; do
  [ "${CLASS[$cmd]:-}" = registry ] || continue
  if [ -z "${RUN[$cmd]:-}" ]; then
    echo "skip '$cmd' on targets: ${SKIP_WHY[$cmd]:-no run arguments in the table}"
    continue
  fi
  dry=""
  has_flag "$cmd" "--dry-run" && dry=--dry-run
  [ -z "$dry" ] && echo "note '$cmd' has no --dry-run: no dry-run check"
  has_flag "$cmd" "--backup" || echo "note '$cmd' has no --backup: no backup checks"
  for kind in "${KINDS[@]}"; do
    n=$((n + 1))
    d=t$n
    what="$cmd on $kind"

    # It runs and changes the target (what makes the checks below mean something).
    fresh "$kind" "$d"; cmd_args "$cmd" "$d"; h=$(sha "${FILES[@]}")
    run "${ARGS[@]}"
    if [ $rc = 0 ] && [ "$(sha "${FILES[@]}")" != "$h" ]; then pass "$what: exit 0, target changed"
    else fail "$what: exit $rc, want 0 and a changed target: $(errline)"; fi

    # A dry run changes no byte.
    if [ -n "$dry" ]; then
      fresh "$kind" "$d"; cmd_args "$cmd" "$d"; h=$(sha "${FILES[@]}")
      run "${ARGS[@]}" $dry
      if [ $rc = 0 ] && [ "$(sha "${FILES[@]}")" = "$h" ] && [ -z "$(temps "$d")" ]; then pass "$what --dry-run: exit 0, byte-identical"
      else fail "$what --dry-run: exit $rc, changed or left files: $(errline)"; fi
    fi

    # A read-only target is refused.
    fresh "$kind" "$d"; cmd_args "$cmd" "$d"; chmod 444 "${FILES[@]}"; h=$(sha "${FILES[@]}")
    run "${ARGS[@]}"
    if [ $rc = 3 ] && [ "$(sha "${FILES[@]}")" = "$h" ] && [ -z "$(temps "$d")" ]; then pass "$what, read-only target: exit 3, byte-identical"
    else fail "$what, read-only target: exit $rc, want 3 and no byte changed: $(errline)"; fi
    chmod 644 "${FILES[@]}"

    if has_flag "$cmd" "--backup"; then
      # An existing backup file is never overwritten.
      fresh "$kind" "$d"; cmd_args "$cmd" "$d"; echo "my notes" >"$d.notes"; h=$(sha "${FILES[@]}" "$d.notes")
      run "${ARGS[@]}" --backup "$d.notes"
      if [ $rc = 2 ] && [ "$(sha "${FILES[@]}" "$d.notes")" = "$h" ]; then pass "$what --backup EXISTING: exit 2, backup and target unchanged"
      else fail "$what --backup EXISTING: exit $rc, want 2 and nothing changed: $(errline)"; fi

      # A backup of A is refused on B, applied there with --force. B has had
      # the same command, so that restoring A's backup would change it.
      fresh "$kind" "$d.b"; cmd_args "$cmd" "$d.b"; "$B" "${ARGS[@]}" >/dev/null 2>&1
      tb=("${TARGET[@]}"); fb=("${FILES[@]}"); hb=$(sha "${fb[@]}")
      fresh "$kind" "$d"; cmd_args "$cmd" "$d"
      run "${ARGS[@]}" --backup "$d.backup.json"
      undo=$(grep -oh 'undo: secproto rollback [^)]*' out.txt err.txt | head -1)
      if [ $rc != 0 ] || [ ! -s "$d.backup.json" ]; then
        fail "$what --backup: exit $rc, no backup written: $(errline)"
      else
        # The undo line it prints works as printed (a copy of the target,
        # so that the checks below still have A as it is after the change).
        cp -a "$d" "$d.undo"
        read -ra words <<<"${undo#undo: secproto }"
        if [ -n "$undo" ] && "$B" "${words[@]}" >/dev/null 2>err.txt; then
          pass "$what --backup: the printed '$undo' restores (exit 0)"
        else
          fail "$what --backup: the printed '${undo:-undo line}' does not work: $(errline)"
        fi
        rm -rf "$d"; mv "$d.undo" "$d"
        run rollback "$d.backup.json" "${tb[@]}" --json
        if [ $rc = 2 ] && grep -qE 'backup-target-mismatch|was taken from' out.txt err.txt \
          && [ "$(sha "${fb[@]}")" = "$hb" ]; then
          pass "$what: its backup restored on another $kind: exit 2, backup-target-mismatch, other target unchanged"
        else
          fail "$what: its backup restored on another $kind: exit $rc, want 2 (backup-target-mismatch) and no change: $(errline)"
        fi
        run rollback "$d.backup.json" "${tb[@]}" --force
        if [ $rc = 0 ] && [ "$(sha "${fb[@]}")" != "$hb" ]; then pass "$what: ... with --force: exit 0, restored"
        else fail "$what: ... with --force: exit $rc, want 0 and a restore: $(errline)"; fi
      fi
    fi
  done
done

# --- file commands --------------------------------------------------------------------
make_image img 19045 Client >/dev/null
"$B" set modern --target image:img >/dev/null 2>&1
mkdir -p in in2
"$B" set modern --target reg:in/a.reg >/dev/null 2>&1
"$B" policy apply modern --os ws2022 --target reg:in2/a.reg >/dev/null 2>&1

# run_file LABEL OUT [EXTRA...]: one file-writing variant, writing OUT.
run_file() {
  local label=$1 out=$2; shift 2
  case $label in
    export) run export tls1.2 --format reg -o "$out" "$@" ;;
    export-ps1 | export-gpp | export-ansible | export-dsc)
      run export tls1.2 --format "${label#export-}" -o "$out" "$@" ;;
    export-tls-policy) run export --tls-policy modern --os win11-23h2 --format reg -o "$out" "$@" ;;
    export-collect-ps1) run export --tls-policy modern --os win11-23h2 --format collect-ps1 -o "$out" "$@" ;;
    export-intune) run export tls1.2 --format intune -o "$out" "$@" ;;
    export-role) run export tls1.2 --format ansible --role "$out" "$@" ;;
    export-gpo) run export tls1.2 --format gpp --gpo-backup "$out" "$@" ;;
    capture) run policy capture --target image:img -o "$out" "$@" ;;
    audit-csv) run audit -p modern in --no-progress --csv "$out" "$@" ;;
    audit-html) run audit -p modern in --no-progress --html "$out" "$@" ;;
    audit-tls-csv) run audit --tls-policy modern --os ws2022 in2 --no-progress --csv "$out" "$@" ;;
    audit-tls-html) run audit --tls-policy modern --os ws2022 in2 --no-progress --html "$out" "$@" ;;
    hive-create) run hive create "$out" "$@" ;;
    doctor-fix-file) run doctor --target image:img --fix-file "$out" "$@" ;;
    hive-create-system) run hive create --system "$out" "$@" ;;
  esac
}

for cmd in "${COMMANDS[@]}"; do
  [ "${CLASS[$cmd]:-}" = file ] || continue
  if [ -z "${FILE_VARIANTS[$cmd]:-}" ]; then
    fail "'$cmd' is a file command without variants in FILE_VARIANTS"
    continue
  fi
  IFS='|' read -ra variants <<<"${FILE_VARIANTS[$cmd]}"
  for v in "${variants[@]}"; do
    out=out.$v
    rm -rf "$out"
    # f: the file that must be kept (the output, or one file in the folder).
    f=$out
    [ -n "${FOLDER_FILE[$v]:-}" ] && f=$out/${FOLDER_FILE[$v]}
    run_file "$v" "$out"
    if [ $rc = 0 ] && [ -s "$f" ]; then pass "$v: writes $f (exit 0)"
    else fail "$v: exit $rc, want 0 and $f written: $(errline)"; fi

    [ "$f" != "$out" ] && { rm -rf "$out"; mkdir "$out"; }
    echo "someone's notes" >"$f"
    h=$(sha "$f")
    run_file "$v" "$out"
    if [ $rc = 2 ] && [ "$(sha "$f")" = "$h" ] && [ -z "$(temps . -maxdepth 2)" ]; then pass "$v: an existing file is kept without --force (exit 2)"
    else fail "$v: existing $f without --force: exit $rc, want 2 and it byte-identical: $(errline)"; fi

    run_file "$v" "$out" --force
    if [ $rc = 0 ] && [ "$(sha "$f")" != "$h" ] && [ -s "$f" ]; then pass "$v --force: replaces it (exit 0)"
    else fail "$v --force: exit $rc, want 0 and $f replaced: $(errline)"; fi

    # A missing folder is exit 3 (no-folder) for every output, as for a
    # target; an Ansible --role creates roles/ as ansible-galaxy does.
    [ "$v" = export-role ] && continue
    rm -rf nodir
    run_file "$v" nodir/"$out"
    if [ $rc = 3 ] && [ ! -e nodir ] && grep -q 'does not exist' <<<"$(errline)"; then pass "$v: a missing output folder is exit 3"
    else fail "$v: a missing output folder: exit $rc, want 3 and nothing created: $(errline)"; fi
  done
done

# --- every command: an unknown flag is exit 2; reads leave the target alone ---------------
for cmd in "${COMMANDS[@]}"; do
  read -ra words <<<"$cmd"
  run "${words[@]}" --no-such-flag
  if [ $rc = 2 ]; then pass "$cmd --no-such-flag: exit 2"; else fail "$cmd --no-such-flag: exit $rc, want 2"; fi
done

# read commands that take a target: run on each kind, the target byte-identical.
declare -A READ_RUN=(
  [show]="show" [check]="check tls1.2" [explain]="explain @OS@" [doctor]="doctor @OS@"
  ["policy plan"]="policy plan modern @OS@" ["policy check"]="policy check modern @OS@"
)
for cmd in "${!READ_RUN[@]}"; do
  for kind in "${KINDS[@]}"; do
    fresh "$kind" r; h=$(sha "${FILES[@]}")
    spec=${READ_RUN[$cmd]}
    read -ra ARGS <<<"${spec//@OS@/}"
    [[ $spec == *@OS@* ]] && ARGS+=("${OSARG[@]}")
    run "${ARGS[@]}" "${TARGET[@]}"
    if [[ $rc == [01] ]] && [ "$(sha "${FILES[@]}")" = "$h" ] && [ -z "$(temps r)" ]; then pass "read $cmd on $kind: byte-identical"
    else fail "read $cmd on $kind: exit $rc, or it changed the target: $(errline)"; fi
  done
done

# --- interrupts -----------------------------------------------------------------------
# interrupt WATCH DELAY CMD...: starts CMD, sends SIGINT DELAY seconds after a
# `.*.secproto-*` file appeared in folder WATCH (at most 5 s; "" = at once),
# sets rc. Job control is on while it runs: a script's background job would
# otherwise start with SIGINT ignored, which a terminal's Ctrl-C never does.
interrupt() {
  local watch=$1 delay=$2 i; shift 2
  set -m
  "$@" >out.txt 2>err.txt &
  local pid=$!
  set +m
  i=0
  while [ -n "$watch" ] && ((i++ < 100)); do
    [ -n "$(find "$watch" -maxdepth 1 -name '.*.secproto-*' 2>/dev/null)" ] && break
    sleep 0.05
  done
  sleep "$delay"
  kill -INT "$pid" 2>/dev/null
  wait "$pid"
  rc=$?
}
C=Windows/System32/config
for hook in SECPROTO_TEST_COMMIT_PAUSE_MS SECPROTO_TEST_PAIR_PAUSE_MS; do
  fresh image int
  interrupt "int/$C" 0.3 env "$hook=2500" "$B" policy apply modern --target image:int
  left=$(find int -name '.*.secproto-*' | tr '\n' ' ')
  # A pair's commit pauses after its intent journal (COMMIT_PAUSE) or
  # between its renames (PAIR_PAUSE): past the journal the interrupt is
  # deferred, both hives are new, nothing is left, and the user is told.
  {
    "$B" policy check modern --target image:int >/dev/null 2>&1; s=$?
    if [ $rc = 130 ] && [ -z "$left" ] && [ "$s" = 0 ] && grep -q committed err.txt; then
      pass "policy apply on an image, SIGINT at $hook: exit 130, committed, says so, no journal or temp file"
    else
      fail "policy apply on an image, SIGINT at $hook: exit $rc, left: ${left:-none}, policy check exit $s, stderr: $(errline)"
    fi
  }
done

# set on one hive, SIGINT while the commit waits before its rename.
fresh pair ih; h=$(sha "${FILES[@]}")
interrupt ih 0.3 env SECPROTO_TEST_COMMIT_PAUSE_MS=2500 "$B" set tls1.3 "${TARGET[@]}"
left=$(temps ih | tr '\n' ' ')
if [ $rc = 130 ] && [ -z "$left" ] && [ "$(sha "${FILES[@]}")" = "$h" ]; then
  pass "set on a hive, SIGINT before the rename: exit 130, unchanged, no temp or lock file"
else
  fail "set on a hive, SIGINT before the rename: exit $rc, left: ${left:-none}, changed: $([ "$(sha "${FILES[@]}")" = "$h" ] && echo no || echo yes)"
fi

# policy recover with nothing to recover changes no byte.
fresh image rec; h=$(sha "${FILES[@]}")
run policy recover "${TARGET[@]}"
if [ $rc = 0 ] && [ "$(sha "${FILES[@]}")" = "$h" ] && [ -z "$(temps rec)" ]; then pass "policy recover with nothing to recover: exit 0, byte-identical"
else fail "policy recover with nothing to recover: exit $rc, or it changed the image: $(errline)"; fi

# audit over a big folder with --csv: nothing half-written, no temp file.
# 30000 hard links to one .reg export: about a second of work for audit -j 1.
mkdir big
python3 -c 'import os, sys
for i in range(30000): os.link(sys.argv[1], f"{sys.argv[2]}/m{i}.reg")' in/a.reg big
interrupt "" 0.3 "$B" audit -p modern big --no-progress -j 1 --csv big.csv --html big.html
left=$(find . -maxdepth 1 -name '.*.secproto-*' | tr '\n' ' ')
if [ $rc = 130 ] && [ -z "$left" ] && [ ! -e big.csv ] && [ ! -e big.html ]; then
  pass "audit --csv --html interrupted: exit 130, no temp file, no half-written report"
else
  fail "audit --csv --html interrupted: exit $rc, left: ${left:-none}, big.csv $([ -e big.csv ] && echo exists || echo absent)"
fi
grep -q 'interrupted' err.txt && pass "audit interrupted: says so" || fail "audit interrupted: prints nothing about it: $(errline)"
rm -rf big

# --- --os against detection -----------------------------------------------------------
make_image ws19 17763 Server
W=("ws19/$C/SOFTWARE" "ws19/$C/SYSTEM")
h=$(sha "${W[@]}")
run policy apply modern --target image:ws19 --os win11-23h2 --json
if [ $rc = 2 ] && grep -q '"os-mismatch"' out.txt && grep -q win11-23h2 out.txt err.txt && grep -q ws2019 out.txt err.txt \
  && [ "$(sha "${W[@]}")" = "$h" ]; then
  pass "policy apply --os win11-23h2 on a ws2019 image: exit 2, os-mismatch naming both, nothing written"
else
  fail "policy apply --os win11-23h2 on a ws2019 image: exit $rc, want 2 (os-mismatch) and nothing written: $(errline)"
fi
run policy apply modern --target image:ws19 --os win11-23h2 --force
if [ $rc = 0 ] && [ "$(sha "${W[@]}")" != "$h" ]; then pass "... with --force: exit 0, applied"
else fail "... with --force: exit $rc, want 0 and applied: $(errline)"; fi

make_image ws19r 17763 Server
for spec in "explain" "doctor" "policy plan modern" "policy check modern"; do
  read -ra ARGS <<<"$spec"
  run "${ARGS[@]}" --target image:ws19r --os win11-23h2
  if [[ $rc == [01] ]] && grep -q 'modelled as win11-23h2; the target says it is ws2019' out.txt err.txt; then
    pass "$spec --os win11-23h2 on ws2019: runs, says 'modelled as win11-23h2; the target says it is ws2019'"
  else
    fail "$spec --os win11-23h2 on ws2019: exit $rc, no 'modelled as ...; the target says it is ws2019': $(errline)"
  fi
  run "${ARGS[@]}" --target image:ws19r --os win11-23h2 --json
  if [[ $rc == [01] ]] && jq -e '.os_what_if == {"modelled": "win11-23h2", "detected": "ws2019"}' out.txt >/dev/null 2>&1; then
    pass "$spec --os win11-23h2 on ws2019 --json: os_what_if {modelled, detected}"
  else
    fail "$spec --os win11-23h2 on ws2019 --json: exit $rc, no os_what_if {modelled: win11-23h2, detected: ws2019}"
  fi
done

finish
