#!/usr/bin/env bash
# Cipher suite benchmark (issue 15): `secproto probe --suites` against sslscan
# with cipher and group enumeration (and testssl.sh -E on a subset) on COUNT
# loopback openssl s_server endpoints with chosen suite sets, once direct and
# once through bench/relay adding RTT_MS of round-trip time, in ONE run.
# Prints wall times, ratios, whether the suites agree (bench/compare_suites.py)
# and connections per endpoint (counted per endpoint by the relay).
#
#   bench/probe_suites_bench.sh [BUILD_DIR]
# Environment: COUNT (200), TESTSSL_COUNT (4), RTT_MS (20), OUT (a temp dir),
# NET (127.76), PORT (44400), SKIP_TESTSSL=1 to leave testssl out.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
secproto=$build/secproto
relay=$build/relay
COUNT=${COUNT:-200}
TESTSSL_COUNT=${TESTSSL_COUNT:-4}
RTT_MS=${RTT_MS:-20}
NET=${NET:-127.76}
PORT=${PORT:-44400}
OUT=${OUT:-$(mktemp -d /tmp/probe_suites_bench.XXXXXX)}
KINDS=cbc,gcm,chacha,rsakx,ecdsa,rsa,p384,x25519,serverpref,clientpref
[ -x "$secproto" ] || { echo "probe_suites_bench: build secproto first ($secproto)" >&2; exit 2; }
[ -x "$relay" ] || { echo "probe_suites_bench: build the relay first (cmake --build build --target relay)" >&2; exit 2; }
for tool in openssl sslscan testssl python3; do
  command -v "$tool" >/dev/null || { echo "probe_suites_bench: $tool is missing" >&2; exit 2; }
done
(( TESTSSL_COUNT > COUNT )) && TESTSSL_COUNT=$COUNT

relay_pid=""
cleanup() {
  [ -n "$relay_pid" ] && kill "$relay_pid" 2>/dev/null && wait "$relay_pid" 2>/dev/null
  "$here/servers.sh" stop "$OUT/servers"
}
trap cleanup EXIT

now() { date +%s.%N; }
elapsed() { python3 -c "print('%.3f' % ($2 - $1))"; }
ulimit -n 8192 2>/dev/null || true

echo "probe_suites_bench: $COUNT endpoints ($KINDS); results in $OUT"
"$here/servers.sh" start "$OUT/servers" "$COUNT" "$NET.1" "$PORT" "$KINDS"

: >"$OUT/relay.map"
for ((i = 1; i <= COUNT; i++)); do echo "$NET.2.$i:$PORT $NET.1.$i:$PORT" >>"$OUT/relay.map"; done
"$relay" --delay-ms $((RTT_MS / 2)) --map "$OUT/relay.map" --stats "$OUT/relay.stats" 2>"$OUT/relay.log" &
relay_pid=$!
for _ in $(seq 100); do
  [ "$("$here/servers.sh" listening "$NET.2" "$PORT")" -ge "$COUNT" ] && break
  sleep 0.1
done
# relay_snapshot FILE: the relay's per-listener accept counters now.
relay_snapshot() {
  local before
  before=$(stat -c %y "$OUT/relay.stats" 2>/dev/null || echo none)
  kill -USR1 "$relay_pid"
  for _ in $(seq 50); do
    sleep 0.05
    [ "$(stat -c %y "$OUT/relay.stats" 2>/dev/null || echo none)" != "$before" ] && break
  done
  cp "$OUT/relay.stats" "$1"
}

run_pass() {
  local pass=$1 net3=$2 dir=$OUT/$1 t0 t1
  mkdir -p "$dir"
  sed "s/^$NET\.1\./$NET.$net3./" "$OUT/servers/targets" >"$dir/targets"
  sed "s/^$NET\.1\./$NET.$net3./" "$OUT/servers/kinds" >"$dir/kinds"
  head -n "$TESTSSL_COUNT" "$dir/targets" >"$dir/testssl.targets"
  sed 's/^/--warnings=off /' "$dir/testssl.targets" >"$dir/testssl.list"
  [ "$net3" = 2 ] && relay_snapshot "$dir/relay.0"
  t0=$(now)
  "$secproto" probe -f "$dir/targets" --suites --json --no-progress >"$dir/secproto.jsonl" 2>"$dir/secproto.err" || true
  t1=$(now)
  elapsed "$t0" "$t1" >"$dir/secproto.time"
  [ "$net3" = 2 ] && relay_snapshot "$dir/relay.1"
  t0=$(now)
  sslscan --targets="$dir/targets" --no-colour --no-check-certificate --no-heartbleed \
    --no-renegotiation --no-compression --no-fallback --xml="$dir/sslscan.xml" >"$dir/sslscan.out" 2>&1 || true
  t1=$(now)
  elapsed "$t0" "$t1" >"$dir/sslscan.time"
  [ "$net3" = 2 ] && relay_snapshot "$dir/relay.2"
  if [ "${SKIP_TESTSSL:-0}" != 1 ]; then
    rm -f "$dir/testssl.json"
    t0=$(now)
    testssl -E --parallel --quiet --color 0 --warnings off --jsonfile "$dir/testssl.json" \
      --file "$dir/testssl.list" >"$dir/testssl.out" 2>&1 || true
    t1=$(now)
    elapsed "$t0" "$t1" >"$dir/testssl.time"
    [ "$net3" = 2 ] && relay_snapshot "$dir/relay.3"
  fi
  python3 "$here/compare_suites.py" --secproto "$dir/secproto.jsonl" --sslscan "$dir/sslscan.xml" \
    --kinds "$dir/kinds" >"$dir/compare.txt" 2>&1 || true
}

run_pass direct 1
run_pass relay 2

python3 - "$OUT" "$COUNT" "$TESTSSL_COUNT" "$RTT_MS" "${SKIP_TESTSSL:-0}" <<'PY'
import json, os, sys
out, count, tcount, rtt, skip = sys.argv[1:]
count, tcount = int(count), int(tcount)
def rd(p, d=None):
    try:
        return open(os.path.join(out, p)).read().strip()
    except OSError:
        return d
def counters(p):
    c = {}
    for line in (rd(p, "") or "").splitlines():
        k, v = line.split()
        if k != "total":
            c[k] = int(v)
    return c
summary = {"endpoints": count, "rtt_ms": int(rtt), "passes": {}}
for p in ("direct", "relay"):
    s, ss = float(rd(p + "/secproto.time")), float(rd(p + "/sslscan.time"))
    r = {"secproto_s": s, "sslscan_s": ss, "ratio_sslscan": ss / s if s else None,
         "compare": rd(p + "/compare.txt", "")}
    if skip != "1" and rd(p + "/testssl.time"):
        ts = float(rd(p + "/testssl.time"))
        r["testssl_s_subset"] = ts
        r["testssl_s_extrapolated"] = ts * count / tcount
        r["ratio_testssl"] = ts * count / tcount / s if s else None
    if p == "relay":
        c0, c1, c2 = counters(p + "/relay.0"), counters(p + "/relay.1"), counters(p + "/relay.2")
        mine = {k: c1.get(k, 0) - c0.get(k, 0) for k in c1}
        theirs = {k: c2.get(k, 0) - c1.get(k, 0) for k in c2}
        r["secproto_connections_per_endpoint"] = sum(mine.values()) / count
        r["sslscan_connections_per_endpoint"] = sum(theirs.values()) / count
        r["endpoints_where_secproto_used_more"] = sorted(k for k in mine if mine[k] > theirs.get(k, 0))
        r["secproto_max"] = max(mine.values()) if mine else 0
        if rd(p + "/relay.3"):
            c3 = counters(p + "/relay.3")
            r["testssl_connections_per_endpoint"] = sum(c3.get(k, 0) - c2.get(k, 0) for k in c3) / tcount
    summary["passes"][p] = r
json.dump(summary, open(os.path.join(out, "summary.json"), "w"), indent=1)
for p, r in summary["passes"].items():
    print("== %s" % ("direct (loopback)" if p == "direct" else "relay (+%s ms RTT)" % rtt))
    print("  secproto probe --suites : %8.3f s" % r["secproto_s"])
    print("  sslscan                 : %8.3f s   ratio %.1fx" % (r["sslscan_s"], r["ratio_sslscan"]))
    if "ratio_testssl" in r:
        print("  testssl -E              : %8.3f s on %d endpoints, %.1f s extrapolated   ratio %.0fx"
              % (r["testssl_s_subset"], tcount, r["testssl_s_extrapolated"], r["ratio_testssl"]))
    for t in ("secproto", "sslscan", "testssl"):
        k = "%s_connections_per_endpoint" % t
        if k in r:
            print("  connections per endpoint, %-8s: %.2f" % (t, r[k]))
    if "endpoints_where_secproto_used_more" in r:
        print("  endpoints where secproto used more connections than sslscan: %d"
              % len(r["endpoints_where_secproto_used_more"]))
    for line in r["compare"].splitlines()[-5:]:
        print("  " + line)
PY
