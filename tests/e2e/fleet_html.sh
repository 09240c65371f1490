#!/usr/bin/env bash
# The --html report in headless Chromium: a screenshot that is not blank, and
# the DOM after the page's script ran: every row rendered, and the page's own
# #selfcheck (sort by host both ways, class filter, text filter, restore)
# passed. Skipped (77) when chromium is not installed.
#   fleet_html.sh SECPROTO_BINARY SOURCE_DIR [SCREENSHOT_OUT]
set -uo pipefail
BIN=$1 SRC=$2
SHOT=${3:-}
CHROME=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$CHROME" ] || { echo "SKIP: chromium is not installed"; exit 77; }
WORK=$(mktemp -d /tmp/secproto-fleet-html.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
passed=0 failed=0
pass() { echo "ok   $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; failed=$((failed + 1)); }
chrome() {
  timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --user-data-dir="$(mktemp -d "$WORK/profile.XXXXXX")" \
    "$@" 2>/dev/null
}

python3 "$SRC/bench/gen_fleet.py" "$WORK/fleet" 200 --seed 11 >/dev/null
"$BIN" audit "$WORK/fleet" --policy modern -q --html "$WORK/report.html"
[ -s "$WORK/report.html" ] && pass "report written" || fail "no report"
if grep -Eq '<(script|link|img)[^>]+(src|href)=' "$WORK/report.html"; then fail "external reference in the page"
else pass "no external references"; fi

chrome --dump-dom "file://$WORK/report.html#selfcheck" > "$WORK/dom.html"
body=$(grep -o '<body[^>]*>' "$WORK/dom.html" | head -1)
echo "  $body"
echo "$body" | grep -q 'data-selfcheck="ok"' && pass "selfcheck: sorting and filtering work" \
  || fail "selfcheck: $body"
echo "$body" | grep -q 'data-rows="200"' && pass "200 rows rendered after the script ran" \
  || fail "rows: $body"
rows=$(grep -o '<tr data-class=' "$WORK/dom.html" | wc -l)
[ "$rows" -eq 200 ] && pass "DOM holds 200 table rows" || fail "DOM rows $rows"

chrome --screenshot="$WORK/shot.png" --window-size=1280,900 "file://$WORK/report.html" >/dev/null
size=$(stat -c %s "$WORK/shot.png" 2>/dev/null || echo 0)
colors=$(python3 - "$WORK/shot.png" <<'PY'
import sys, zlib, struct
# Counts distinct colours of the PNG without PIL: decode IHDR + IDAT (8-bit RGB/RGBA).
data = open(sys.argv[1], "rb").read()
pos, idat, w, h, ct = 8, b"", 0, 0, 0
while pos < len(data):
    n, t = struct.unpack(">I4s", data[pos:pos + 8])
    chunk = data[pos + 8:pos + 8 + n]
    if t == b"IHDR": w, h, _, ct = struct.unpack(">IIBB", chunk[:10])
    if t == b"IDAT": idat += chunk
    pos += 12 + n
raw = zlib.decompress(idat)
bpp = 4 if ct == 6 else 3
stride = w * bpp + 1
seen = set()
for y in range(0, h, 7):  # filtered bytes: enough to tell a blank page from a chart
    seen.update(raw[y * stride + 1:(y + 1) * stride:bpp * 5])
print(len(seen))
PY
)
echo "  screenshot: $size bytes, $colors distinct byte values sampled"
[ "$size" -gt 30000 ] && pass "screenshot is not trivial (> 30 KB)" || fail "screenshot $size bytes"
[ "${colors:-0}" -gt 20 ] && pass "screenshot is not blank" || fail "screenshot colours $colors"
[ -n "$SHOT" ] && cp "$WORK/shot.png" "$SHOT"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
