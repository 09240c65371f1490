#!/usr/bin/env bash
# Every shipped template applied to an image pair for each OS the issue names,
# read back with two independent readers (reglookup and hivexget): every
# compiled value is there with its type and data, the suite list is one
# REG_SZ, nothing else in either hive changed, and rollback restores both
# hives export-identical (reglookup and hivexregedit).
# Usage: tests/e2e/policy_templates.sh [path/to/secproto]
set -uo pipefail
B=${1:-build/secproto}
B=$(cd "$(dirname "$B")" && pwd)/$(basename "$B")
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/policy_lib.sh"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# Exports without key times (a write stamps the keys it touches).
plain() { reglookup -H "$1" 2>/dev/null | cut -d, -f1-3 | sort; }

oses="win7 win81 win10-22h2 ws2016 ws2019 win11-24h2 ws2022 ws2025"
templates=$($B --json policy show modern >/dev/null 2>&1 && echo "modern intermediate old pci-dss-4 fips-140 os-default")
[ -n "$templates" ] || { echo "FAIL: policy show modern"; echo "0 passed, 1 failed"; exit 1; }

# Each image says it is the OS it is compiled for (a write refuses an --os the
# target contradicts, issue 23).
$B --json os list >oslist.json
os_build() {
  python3 -c 'import json,sys; r=[o for o in json.load(open("oslist.json"))["os"] if o["id"]==sys.argv[1]][0]; print(r["build"], "Server" if r["product_type"]=="server" else "Client")' "$1"
}
for os in $oses; do
  read -r build itype <<<"$(os_build "$os")"
  for t in $templates; do
    n="$t on $os"
    rm -rf img && make_image img "$build" "$itype" || { bad "$n: image"; continue; }
    C=img/Windows/System32/config
    plain $C/SOFTWARE >s0; plain $C/SYSTEM >y0
    hivexregedit --export $C/SOFTWARE '\' >s0.hivex 2>/dev/null
    hivexregedit --export $C/SYSTEM '\' >y0.hivex 2>/dev/null
    if ! $B --json policy compile "$t" --os "$os" >c.json 2>c.err; then
      # A refusal must be a clear usage error, never a crash.
      rc=$?; [ "$rc" = 2 ] && ok || bad "$n: compile exit $rc $(cat c.err)"; continue
    fi
    rm -f b.json
    if ! $B policy apply "$t" --os "$os" --target image:img --backup b.json >a.txt 2>a.err; then
      bad "$n: apply failed: $(head -c 300 a.err)"; continue
    fi
    plain $C/SOFTWARE >s1; plain $C/SYSTEM >y1
    if python3 - "$C" c.json s0 s1 y0 y1 "$t" <<'PY'
import json, subprocess, sys, urllib.parse
C, cj, s0, s1, y0, y1, tname = sys.argv[1:]
j = json.load(open(cj))
changes = j["changes"]
def path(c):
    parts = c["key"].split("\\")
    assert parts[0].upper() == "HKLM", c["key"]
    hive, rest = parts[1].upper(), parts[2:]
    if hive == "SYSTEM":
        assert rest[0].lower() == "currentcontrolset"
        rest = ["ControlSet001"] + rest[1:]
    elif c.get("view") == "32" and rest[0].lower() != "policies":
        rest = ["Wow6432Node"] + rest
    return hive, "/" + "/".join(rest)
def rows(f):
    out = {}
    for line in open(f):
        p = line.rstrip("\n").split(",")
        out[(p[0])] = p
    return out
S1, Y1 = rows(s1), rows(y1)
touched = {"SOFTWARE": set(), "SYSTEM": set()}
errors = []
suites = 0
for c in changes:
    hive, key = path(c)
    touched[hive].add(key.lower())
    vpath = key + "/" + c["name"]
    r = (S1 if hive == "SOFTWARE" else Y1)
    # reglookup escapes some characters in paths; compare case-insensitively.
    match = [v for k, v in r.items() if urllib.parse.unquote(k).lower() == vpath.lower()]
    if c.get("action") == "delete" or c.get("value") is None and c.get("type") is None:
        if match: errors.append("still present: " + vpath)
        continue
    if not match:
        errors.append("missing: %s %s" % (hive, vpath)); continue
    typ = match[0][1]
    want = {"REG_DWORD": "DWORD", "REG_SZ": "SZ", "REG_MULTI_SZ": "MULTI_SZ"}[c["type"]]
    if typ != want: errors.append("%s: type %s, want %s" % (vpath, typ, want))
    if c["name"] == "Functions":
        suites += 1
        if typ != "SZ": errors.append("suite list not REG_SZ")
        # hivexget, the second reader, must give the same comma-joined list.
        hk = "\\" + key.strip("/").replace("/", "\\")
        got = subprocess.run(["hivexget", C + "/" + hive, hk, "Functions"], capture_output=True, text=True).stdout.strip()
        if got != c["value"]: errors.append("hivexget Functions differs: %r vs %r" % (got[:80], str(c["value"])[:80]))
    if c["type"] == "REG_DWORD":
        got = int(match[0][2], 16)
        if got != int(c["value"]): errors.append("%s: %d, want %s" % (vpath, got, c["value"]))
# Nothing else changed: each differing row is a touched value, or a key on the path to one.
def ok_path(hive, p):
    p = urllib.parse.unquote(p).lower()
    for k in touched[hive]:
        if p == k or p.startswith(k + "/") or k.startswith(p + "/") or p == "/" or p == "":
            return True
    return False
for hive, a, b in (("SOFTWARE", s0, s1), ("SYSTEM", y0, y1)):
    A, Bv = set(open(a)), set(open(b))
    for line in A ^ Bv:
        if not ok_path(hive, line.split(",")[0]):
            errors.append("%s changed outside the policy: %s" % (hive, line.strip()))
if tname != "os-default" and (suites != 1 or len(changes) < 10):
    errors.append("expected one suite list and the protocol keys, got %d suites, %d changes" % (suites, len(changes)))
if errors:
    print("\n".join(errors[:10])); sys.exit(1)
PY
    then ok; else bad "$n: values"; fi
    # Idempotent: a second apply changes nothing.
    sum=$(cat $C/SOFTWARE $C/SYSTEM | md5sum)
    $B policy apply "$t" --os "$os" --target image:img >/dev/null 2>&1
    [ "$(cat $C/SOFTWARE $C/SYSTEM | md5sum)" = "$sum" ] && ok || bad "$n: second apply changed the hives"
    # Rollback: both hives export-identical to before.
    if [ -f b.json ]; then
      $B rollback b.json --target image:img >/dev/null 2>r.err || bad "$n: rollback $(cat r.err)"
      plain $C/SOFTWARE >s2; plain $C/SYSTEM >y2
      hivexregedit --export $C/SOFTWARE '\' >s2.hivex 2>/dev/null
      hivexregedit --export $C/SYSTEM '\' >y2.hivex 2>/dev/null
      if cmp -s s0 s2 && cmp -s y0 y2 && cmp -s s0.hivex s2.hivex && cmp -s y0.hivex y2.hivex; then ok
      else bad "$n: rollback not export-identical"; diff s0 s2 | head -5; diff y0 y2 | head -5; fi
    fi
  done
done
echo "policy templates: $pass passed, $fail failed"
[ "$fail" = 0 ]
