#!/usr/bin/env bash
# Probe benchmark (issue 6, section 4): secproto probe against sslscan and
# testssl.sh over COUNT loopback openssl s_server endpoints x 6 versions, once
# direct and once through bench/relay adding RTT_MS of round-trip time, in ONE
# run. Prints wall times, ratios, verdict agreement with the ground truth (how
# each server was started), connections used per endpoint (counted by the
# relay), and the servers' handshake capacity (openssl s_time).
#
#   bench/probe_bench.sh [BUILD_DIR]
# Environment: COUNT (200), TESTSSL_COUNT (12: testssl.sh is slow, so it runs
# on the first TESTSSL_COUNT endpoints, two of each kind, and its time is
# extrapolated per endpoint), RTT_MS (20), OUT (a temp dir), NET (127.77),
# PORT (44300), SKIP_TESTSSL=1 to leave testssl out.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
secproto=$build/secproto
relay=$build/relay
COUNT=${COUNT:-200}
TESTSSL_COUNT=${TESTSSL_COUNT:-12}
RTT_MS=${RTT_MS:-20}
NET=${NET:-127.77}
PORT=${PORT:-44300}
OUT=${OUT:-$(mktemp -d /tmp/probe_bench.XXXXXX)}
[ -x "$secproto" ] || { echo "probe_bench: build secproto first ($secproto)" >&2; exit 2; }
[ -x "$relay" ] || { echo "probe_bench: build the relay first (ninja -C build relay)" >&2; exit 2; }
for tool in openssl sslscan testssl python3; do
  command -v "$tool" >/dev/null || { echo "probe_bench: $tool is missing (scripts/bootstrap --all)" >&2; exit 2; }
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

echo "probe_bench: $COUNT endpoints x 6 versions; results in $OUT"
"$here/servers.sh" start "$OUT/servers" "$COUNT" "$NET.1" "$PORT"

# The relay: NET.2.i:PORT -> NET.1.i:PORT, RTT_MS/2 each way.
: >"$OUT/relay.map"
for ((i = 1; i <= COUNT; i++)); do echo "$NET.2.$i:$PORT $NET.1.$i:$PORT" >>"$OUT/relay.map"; done
"$relay" --delay-ms $((RTT_MS / 2)) --map "$OUT/relay.map" --stats "$OUT/relay.stats" 2>"$OUT/relay.log" &
relay_pid=$!
for _ in $(seq 100); do
  [ "$("$here/servers.sh" listening "$NET.2" "$PORT")" -ge "$COUNT" ] && break
  sleep 0.1
done
relay_total() {
  kill -USR1 "$relay_pid"
  local before
  before=$(stat -c %y "$OUT/relay.stats" 2>/dev/null || echo none)
  for _ in $(seq 50); do
    sleep 0.05
    [ "$(stat -c %y "$OUT/relay.stats" 2>/dev/null || echo none)" != "$before" ] && break
  done
  awk '$1 == "total" {print $2}' "$OUT/relay.stats"
}

# run PASS NET3: one pass of the three tools against NET.NET3.*
run_pass() {
  local pass=$1 net3=$2 dir=$OUT/$1
  mkdir -p "$dir"
  sed "s/^$NET\.1\./$NET.$net3./" "$OUT/servers/targets" >"$dir/targets"
  sed "s/^$NET\.1\./$NET.$net3./" "$OUT/servers/expected" >"$dir/expected"
  head -n "$TESTSSL_COUNT" "$dir/targets" >"$dir/testssl.targets"
  sed 's/^/--warnings=off /' "$dir/testssl.targets" >"$dir/testssl.list"
  local t0 t1 c0 c1

  c0=$([ "$net3" = 2 ] && relay_total || echo 0)
  t0=$(now)
  "$secproto" probe -f "$dir/targets" --json --no-progress >"$dir/secproto.jsonl" 2>"$dir/secproto.err" || true
  t1=$(now)
  echo "$(elapsed "$t0" "$t1")" >"$dir/secproto.time"
  c1=$([ "$net3" = 2 ] && relay_total || echo 0)
  echo $((c1 - c0)) >"$dir/secproto.conns"

  c0=$c1
  t0=$(now)
  sslscan --targets="$dir/targets" --no-ciphersuites --no-groups --no-check-certificate \
    --no-heartbleed --no-renegotiation --no-compression --no-fallback \
    --xml="$dir/sslscan.xml" >"$dir/sslscan.out" 2>&1 || true
  t1=$(now)
  echo "$(elapsed "$t0" "$t1")" >"$dir/sslscan.time"
  c1=$([ "$net3" = 2 ] && relay_total || echo 0)
  echo $((c1 - c0)) >"$dir/sslscan.conns"

  if [ "${SKIP_TESTSSL:-0}" != 1 ]; then
    c0=$c1
    rm -f "$dir/testssl.json"
    t0=$(now)
    # testssl.sh's own connectivity check runs /usr/bin/openssl, which Debian
    # limits to TLS 1.2+: the legacy config lets it reach TLS 1.0-only servers.
    OPENSSL_CONF=$here/openssl-legacy.cnf testssl -p --parallel --quiet --color 0 --warnings off \
      --jsonfile "$dir/testssl.json" --file "$dir/testssl.list" >"$dir/testssl.out" 2>&1 || true
    t1=$(now)
    echo "$(elapsed "$t0" "$t1")" >"$dir/testssl.time"
    c1=$([ "$net3" = 2 ] && relay_total || echo 0)
    echo $((c1 - c0)) >"$dir/testssl.conns"
  fi

  python3 "$here/compare_verdicts.py" --expected "$dir/expected" --secproto "$dir/secproto.jsonl" \
    --sslscan "$dir/sslscan.xml" \
    $( [ "${SKIP_TESTSSL:-0}" != 1 ] && echo "--testssl $dir/testssl.json --testssl-targets $dir/testssl.targets" ) \
    --json-out "$dir/verdicts.json" >"$dir/verdicts.txt" || true
}

run_pass direct 1
run_pass relay 2

# The servers' handshake capacity: full handshakes per second against one
# TLS 1.2 server and one TLS 1.3 server (s_time is single-threaded).
capacity() {
  openssl s_time -connect "$1" -new -time 5 "${@:2}" 2>/dev/null |
    awk '/connections in .* real seconds/ {printf "%.0f", $1 / $4}'
}
cap12=$(capacity "$NET.1.4:$PORT")
cap13=$(capacity "$NET.1.5:$PORT")

python3 - "$OUT" "$COUNT" "$TESTSSL_COUNT" "$RTT_MS" "$cap12" "$cap13" "${SKIP_TESTSSL:-0}" <<'EOF'
import json, os, sys
out, count, tcount, rtt, cap12, cap13, skip = sys.argv[1:]
count, tcount = int(count), int(tcount)
def rd(p, d=None):
    try:
        return open(os.path.join(out, p)).read().strip()
    except OSError:
        return d
summary = {"endpoints": count, "testssl_endpoints": tcount, "rtt_ms": int(rtt),
           "s_time_handshakes_per_s": {"tls1.2": cap12, "tls1.3": cap13}, "passes": {}}
for p in ("direct", "relay"):
    s = float(rd(p + "/secproto.time"))
    ss = float(rd(p + "/sslscan.time"))
    r = {"secproto_s": s, "sslscan_s": ss, "ratio_sslscan": ss / s if s else None,
         "verdicts": json.loads(rd(p + "/verdicts.json", "{}") or "{}")}
    if skip != "1":
        ts = float(rd(p + "/testssl.time"))
        r["testssl_s_subset"] = ts
        r["testssl_s_extrapolated"] = ts * count / tcount
        r["ratio_testssl"] = ts * count / tcount / s if s else None
    if p == "relay":
        for t in ("secproto", "sslscan", "testssl"):
            c = rd(p + "/%s.conns" % t)
            if c is not None:
                n = count if t != "testssl" else tcount
                r["%s_connections_per_endpoint" % t] = int(c) / n
    summary["passes"][p] = r
json.dump(summary, open(os.path.join(out, "summary.json"), "w"), indent=1)
for p, r in summary["passes"].items():
    label = "direct (loopback)" if p == "direct" else "relay (+%s ms RTT)" % rtt
    print("== %s" % label)
    print("  secproto probe : %8.3f s" % r["secproto_s"])
    print("  sslscan        : %8.3f s   ratio %.1fx" % (r["sslscan_s"], r["ratio_sslscan"]))
    if "ratio_testssl" in r:
        print("  testssl -p     : %8.3f s on %d endpoints, %.1f s extrapolated to %d   ratio %.0fx"
              % (r["testssl_s_subset"], tcount, r["testssl_s_extrapolated"], count, r["ratio_testssl"]))
    for t in ("secproto", "sslscan", "testssl"):
        k = "%s_connections_per_endpoint" % t
        if k in r:
            print("  connections per endpoint, %-8s: %.2f" % (t, r[k]))
    print("  verdicts:")
    for line in (rd(p + "/verdicts.txt", "") or "").splitlines():
        print("    " + line)
print("== server capacity (openssl s_time -new, one server): TLS 1.2 %s/s, TLS 1.3 %s/s" % (cap12, cap13))
EOF
