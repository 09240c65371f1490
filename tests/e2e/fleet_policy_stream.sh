#!/usr/bin/env bash
# The whole-stack audit's streamed outputs (issue 30) on a small generated
# fleet: the classes and component counts the plain run prints are the ones
# the --csv rows, the --json document (every machine, the same members as
# before) and the --json-lines records hold; --html keeps the counts, the
# drift grouped by value, the N worst machines (--html-worst) and links the
# CSV; the progress line shows on a terminal only; an interrupted --json-lines
# run ends with its summary line (exit 130). Never asserts on time.
#   fleet_policy_stream.sh SECPROTO_BINARY
set -uo pipefail
BIN=$1
command -v iconv >/dev/null || { echo "SKIP: iconv is not installed"; exit 77; }
WORK=$(mktemp -d /tmp/secproto-policy-stream.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
passed=0 failed=0
pass() { echo "ok   $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; failed=$((failed + 1)); }
cd "$WORK" || exit 1

# 30 machines: 20 compliant, 5 with the first suite dropped, 3 with TLS 1.0
# client on, 2 truncated (invalid).
"$BIN" -q export --tls-policy modern --os win10-22h2 --format reg -o m.reg || { echo "export failed"; exit 1; }
iconv -f UTF-16LE -t UTF-8 m.reg | tail -c +4 > m.txt
mkdir fleet
python3 - m.txt fleet <<'PY' || { echo "fleet generation failed"; exit 1; }
import os, sys
base = open(sys.argv[1], encoding="utf-8").read()
i0 = base.index('"Functions"="') + len('"Functions"="')
first = base[i0:base.index(",", i0)]
def write(name, text, cut=False):
    data = b"\xff\xfe" + text.encode("utf-16-le")
    if cut:
        data = data[: len(data) // 3 | 1]
    open(os.path.join(sys.argv[2], name + ".reg"), "wb").write(data)
for i in range(20):
    write("OK%02d" % i, base)
for i in range(5):
    write("SUITE%d" % i, base.replace('"Functions"="' + first + ",", '"Functions"="', 1))
k = base.index("TLS 1.0\\Client]")
tls10 = base[:k] + base[k:].replace('"Enabled"=dword:00000000', '"Enabled"=dword:00000001', 1)
for i in range(3):
    write("TLS10%d" % i, tls10)
for i in range(2):
    write("CUT%d" % i, base, cut=True)
PY

A=(audit fleet --tls-policy modern --os win10-22h2 --no-progress)
rc=0; "$BIN" "${A[@]}" --list 0 > plain.txt 2> plain.err || rc=$?
[ "$rc" = 1 ] && pass "plain: exit 1" || fail "plain: exit $rc"
rc=0; "$BIN" "${A[@]}" --csv r.csv --html r.html --html-worst 4 > /dev/null || rc=$?
[ "$rc" = 1 ] && pass "--csv --html: exit 1" || fail "--csv --html: exit $rc"
rc=0; "$BIN" --json "${A[@]}" > r.json || rc=$?
[ "$rc" = 1 ] && pass "--json: exit 1" || fail "--json: exit $rc"
rc=0; "$BIN" "${A[@]}" --json-lines > r.jsonl || rc=$?
[ "$rc" = 1 ] && pass "--json-lines: exit 1" || fail "--json-lines: exit $rc"
rc=0; "$BIN" --json "${A[@]}" --json-lines > r2.jsonl || rc=$?
[ "$rc" = 1 ] && cmp -s r.jsonl r2.jsonl && pass "--json --json-lines: JSON Lines" \
  || fail "--json --json-lines: exit $rc or other output"

python3 - plain.txt r.csv r.json r.jsonl <<'PY' && pass "plain, CSV, JSON and JSON Lines agree: classes, components, every machine" || fail "outputs disagree"
import csv, json, re, sys
from collections import Counter
plain = open(sys.argv[1]).read()
want = {m.group(1): int(m.group(2)) for m in re.finditer(r"^  ([a-z-]+)\s+(\d+)$", plain, re.M)}
total = int(re.search(r": (\d+) machines", plain).group(1))
assert total == 30, plain
assert want == {"compliant": 20, "drift": 8, "invalid": 2}, want
comps = {m.group(1): (int(m.group(2)), int(m.group(3)))
         for m in re.finditer(r"^  ([a-z-]+)\s+(\d+) / (\d+)$", plain, re.M)}
def nonzero(c): return {k: v for k, v in c.items() if v}
rows = list(csv.DictReader(open(sys.argv[2], newline="")))
assert len(rows) == total, len(rows)
assert nonzero(Counter(r["class"] for r in rows)) == want, Counter(r["class"] for r in rows)
for name, (ok, dr) in comps.items():
    assert sum(r[name] == "ok" for r in rows) == ok, name
    assert sum(r[name] == "drift" for r in rows) == dr, name
doc = json.load(open(sys.argv[3]))
assert set(doc) == {"summary", "tls_policy", "components", "exit_code", "machines"}, set(doc)
assert doc["exit_code"] == 1 and doc["tls_policy"] == "modern"
assert len(doc["machines"]) == total
assert nonzero(Counter(m["class"] for m in doc["machines"])) == want
assert doc["summary"]["total"] == total
assert all(doc["summary"][k] == v for k, v in want.items()), doc["summary"]
for name, (ok, dr) in comps.items():
    assert doc["components"][name]["ok"] == ok and doc["components"][name]["drift"] == dr, name
    assert sum(m["components"][name] == "drift" for m in doc["machines"]) == dr, name
assert [m["host"] for m in doc["machines"]] == [r["host"] for r in rows]
lines = open(sys.argv[4]).read().splitlines()
recs = [json.loads(l) for l in lines]
assert len(recs) == total + 1, len(recs)
machines, last = recs[:-1], recs[-1]
assert all("host" in m and "summary" not in m for m in machines)
assert machines == doc["machines"]
assert set(last) == {"summary", "tls_policy", "components", "exit_code"}, set(last)
assert last["summary"] == doc["summary"] and last["components"] == doc["components"]
assert last["exit_code"] == 1
PY

python3 - r.html <<'PY' && pass "--html: counts, drift grouped by value, the 4 worst machines, a link to the CSV" || fail "--html checks"
import re, sys
h = open(sys.argv[1], encoding="utf-8").read()
comp = re.search(r'<table id="components">(.*?)</table>', h, re.S).group(1)
d = {n: (int(ok), int(dr)) for n, ok, dr in re.findall(r"<tr><td>([a-z-]+)</td><td>(\d+)</td><td>(\d+)</td>", comp)}
assert d["suites"] == (23, 5) and d["schannel-client"] == (25, 3), d
drift = re.search(r'<table id="drift">(.*?)</table>', h, re.S).group(1)
groups = re.findall(r'<tr><td class="n">([\d,]+)</td><td class="n">[^<]*</td><td>([a-z-]+)</td><td><code>(.*?)</code>', drift)
by = {(lab, int(n.replace(",", ""))) for n, lab, _ in groups}
assert ("suites", 5) in by and ("schannel-client", 3) in by and ("invalid", 2) in by, groups
assert any("TLS 1.0\\Client\\Enabled: 0x00000001" in t for _, _, t in groups), groups
mach = re.search(r'<table id="machines">(.*?)</table>', h, re.S).group(1)
hosts = re.findall(r"<tr><td>([A-Z0-9]+)</td><td>([a-z-]+)</td>", mach)
assert [c for _, c in hosts] == ["invalid", "invalid", "drift", "drift"], hosts
assert [x for x, _ in hosts[:2]] == ["CUT0", "CUT1"], hosts
assert 'href="r.csv"' in h
PY

# Bad usage: exit 2, nothing written.
rc=0; "$BIN" "${A[@]}" --html x.html --html-worst -3 > /dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] && [ ! -e x.html ] && pass "--html-worst -3: exit 2" || fail "--html-worst -3: exit $rc"
rc=0; "$BIN" audit fleet --policy modern --html x.html --html-worst 3 > /dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] && [ ! -e x.html ] && pass "--html-worst with --policy: exit 2" || fail "--html-worst with --policy: exit $rc"

# --policy streams too: JSON and JSON Lines hold the classes the plain run counts.
"$BIN" audit fleet --policy modern --no-progress > p.txt
"$BIN" --json audit fleet --policy modern > p.json
"$BIN" audit fleet --policy modern --json-lines > p.jsonl
python3 - p.txt p.json p.jsonl <<'PY' && pass "--policy: JSON and JSON Lines agree with the plain run" || fail "--policy outputs disagree"
import json, re, sys
from collections import Counter
plain = open(sys.argv[1]).read()
want = {m.group(1): int(m.group(2)) for m in re.finditer(r"^  ([a-z-]+)\s+(\d+)\s+[\d.]+%$", plain, re.M)}
doc = json.load(open(sys.argv[2]))
assert set(doc) == {"summary", "exit_code", "machines"}, set(doc)
got = Counter(m["class"] for m in doc["machines"])
assert all(got.get(k, 0) == v for k, v in want.items()), (want, got)
recs = [json.loads(l) for l in open(sys.argv[3])]
assert recs[:-1] == doc["machines"] and recs[-1]["summary"] == doc["summary"]
assert recs[-1]["exit_code"] == doc["exit_code"]
PY

# Progress: on a terminal (script(1) gives one) for 1,000 files or more, never
# in a pipe, with -q or in the JSON.
mkdir big
for i in $(seq 1 60); do cp -al fleet "big/f$i"; done
"$BIN" --json audit big --tls-policy modern --os win10-22h2 > big.json 2> big.err
[ ! -s big.err ] && python3 -c 'import json,sys; json.load(open(sys.argv[1]))' big.json \
  && pass "no progress when stderr is not a terminal; the JSON parses" || fail "progress in a pipe: $(head -c 200 big.err)"
if command -v script >/dev/null; then
  script -qec "'$BIN' audit big --tls-policy modern --os win10-22h2 -j 1 > tty.out" /dev/null > tty.txt 2>&1
  # On a quick machine the audit may end before the first line is due.
  if grep -q 'files' tty.txt; then
    grep -q 'machines/s' tty.txt && pass "progress on a terminal: files, machines/s" || fail "progress line: $(tr '\r' '\n' < tty.txt | head -3)"
  else
    pass "progress on a terminal: the audit ended before the first line was due"
  fi
  grep -q 'machines/s' tty.out && fail "progress on stdout" || pass "progress never on stdout"
  script -qec "'$BIN' -q audit big --tls-policy modern --os win10-22h2 -j 1 > /dev/null" /dev/null > tty.txt 2>&1
  grep -q 'machines/s' tty.txt && fail "progress with -q" || pass "no progress with -q"
fi
# Interrupted: the JSON Lines so far, then the summary line with exit_code 130
# and "interrupted" (the summary of the files done); the --csv not written.
mkdir huge
for i in $(seq 1 20); do cp -al big "huge/h$i"; done
"$BIN" audit huge --tls-policy modern --os win10-22h2 --json-lines -j 1 --csv huge.csv \
  > int.jsonl 2> int.err &
pid=$!
sleep 0.5
kill -INT "$pid" 2>/dev/null
wait "$pid"; rc=$?
if [ "$rc" = 130 ]; then
  python3 - int.jsonl <<'PY' && [ ! -e huge.csv ] && pass "--json-lines interrupted: records, then the summary line with 130" || fail "--json-lines interrupted: $(tail -c 300 int.jsonl)"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
last = recs[-1]
assert last["exit_code"] == 130 and last["interrupted"].startswith("interrupted after "), last
assert last["summary"]["total"] == len(recs) - 1, (last["summary"]["total"], len(recs))
PY
else
  # A quick machine may finish before the signal: then the run is complete.
  [ "$rc" = 1 ] && [ -s huge.csv ] && pass "--json-lines: finished before the interrupt" || fail "--json-lines interrupted: exit $rc"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
