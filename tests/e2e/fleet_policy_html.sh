#!/usr/bin/env bash
# The whole-stack audit's --html report (audit --tls-policy) in headless
# Chromium: the DOM after load holds the component table (8 components) and
# one row per machine, the drifting machines first, no external references,
# and a screenshot that is not blank. Skipped (77) without chromium.
#   fleet_policy_html.sh SECPROTO_BINARY
set -uo pipefail
BIN=$1
CHROME=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$CHROME" ] || { echo "SKIP: chromium is not installed"; exit 77; }
WORK=$(mktemp -d /tmp/secproto-policy-html.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
passed=0 failed=0
pass() { echo "ok   $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; failed=$((failed + 1)); }
chrome() {
  timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run \
    --user-data-dir="$(mktemp -d "$WORK/profile.XXXXXX")" "$@" 2>/dev/null
}
cd "$WORK" || exit 1
# 12 compliant machines (the exported policy itself) and 3 whose suite list was
# edited by hand (two suites swapped): drift on the suites component only.
"$BIN" -q export --tls-policy modern --os win10-22h2 --format reg -o m.reg || { echo "export failed"; exit 1; }
iconv -f UTF-16LE -t UTF-8 m.reg | tail -c +4 > m.txt
python3 - <<'PY'
import re
t = open("m.txt", encoding="utf-8").read()
m = re.search(r'^"Functions"="([^"]*)"', t, re.M)
s = m.group(1).split(",")
s[0], s[1] = s[1], s[0]
open("d.txt", "w", encoding="utf-8").write(t.replace(m.group(0), '"Functions"="' + ",".join(s) + '"'))
PY
mkdir fleet
for i in $(seq -w 1 12); do cp m.reg "fleet/OK$i.reg"; done
for i in 1 2 3; do { printf '\xff\xfe'; iconv -f UTF-8 -t UTF-16LE d.txt; } > "fleet/DRIFT$i.reg"; done
rc=0
"$BIN" -q audit fleet --tls-policy modern --os win10-22h2 --html report.html >/dev/null || rc=$?
[ "$rc" = 1 ] && pass "audit exits 1 (3 machines drift)" || fail "audit exit $rc"
[ -s report.html ] && pass "report written" || fail "no report"
if grep -Eq '<(script|link|img)[^>]+(src|href)=' report.html; then fail "external reference in the page"
else pass "no external references"; fi

chrome --dump-dom "file://$WORK/report.html" > dom.html
python3 - dom.html <<'PY' && pass "DOM: 8 components, 15 machines, drifting ones first, suites in drift" || fail "DOM checks"
import re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
comp = re.search(r'<table id="components">(.*?)</table>', dom, re.S).group(1)
rows = re.findall(r"<tr><td>([a-z-]+)</td><td>(\d+)</td><td>(\d+)</td>", comp)
assert len(rows) == 8, rows
d = {n: (int(ok), int(dr)) for n, ok, dr in rows}
assert d["suites"] == (12, 3), d
assert all(dr == 0 for n, (ok, dr) in d.items() if n != "suites"), d
mach = re.search(r'<table id="machines">(.*?)</table>', dom, re.S).group(1)
hosts = re.findall(r"<tr><td>([A-Z0-9]+)</td><td>([a-z-]+)</td>", mach)
assert len(hosts) == 15, hosts
assert sorted(h for h, _ in hosts[:3]) == ["DRIFT1", "DRIFT2", "DRIFT3"], hosts
assert all(c == "drift" for _, c in hosts[:3]) and all(c == "compliant" for _, c in hosts[3:]), hosts
PY

chrome --screenshot="$WORK/shot.png" --window-size=1280,900 "file://$WORK/report.html" >/dev/null
size=$(stat -c %s "$WORK/shot.png" 2>/dev/null || echo 0)
[ "$size" -gt 20000 ] && pass "screenshot is not trivial ($size bytes)" || fail "screenshot $size bytes"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
