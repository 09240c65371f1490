#!/usr/bin/env bash
# Cross-check of `secproto probe` verdicts for TLS 1.0-1.3 with sslscan and
# testssl.sh against local openssl s_server instances (issue 6, section 3).
#   probe_crosscheck.sh SECPROTO SOURCE_DIR
# Servers: TLS 1.0 only, 1.2 only, 1.2+1.3, 1.3 only. secproto and sslscan
# probe all four; testssl.sh (slow) probes two of them. Every tool must agree
# with how the servers were started, and so with each other. Exit 77 (skip)
# when a peer tool is not installed.
set -euo pipefail
secproto=$1
src=$2
for tool in openssl sslscan testssl python3; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed (scripts/bootstrap --all)"; exit 77; }
done
dir=$(mktemp -d /tmp/probe_crosscheck.XXXXXX)
# An address block and port of our own, so that parallel runs do not collide.
net=127.78.$(( $$ % 250 + 1 ))
port=$(( 20000 + $$ % 20000 ))
trap '"$src/bench/servers.sh" stop "$dir/servers"; rm -rf "$dir"' EXIT

"$src/bench/servers.sh" start "$dir/servers" 4 "$net" "$port" tls10,tls12,tls12-13,tls13
targets=$dir/servers/targets

"$secproto" probe -f "$targets" --json --no-progress --timeout 5000 >"$dir/secproto.jsonl"
sslscan --targets="$targets" --no-ciphersuites --no-groups --no-check-certificate --no-heartbleed \
  --no-renegotiation --no-compression --no-fallback --xml="$dir/sslscan.xml" >"$dir/sslscan.out" 2>&1 || true

# testssl.sh on the TLS 1.0-only and the TLS 1.2+1.3 server, in parallel,
# bounded in time. Its own connectivity check runs /usr/bin/openssl, which
# Debian limits to TLS 1.2+: the legacy config lets it reach TLS 1.0.
sed -n '1p;3p' "$targets" >"$dir/testssl.targets"
sed 's/^/--warnings=off /' "$dir/testssl.targets" >"$dir/testssl.list"
if ! OPENSSL_CONF=$src/bench/openssl-legacy.cnf timeout 240 testssl -p --parallel --quiet --color 0 \
    --warnings off --openssl /usr/bin/openssl --jsonfile "$dir/testssl.json" \
    --file "$dir/testssl.list" >"$dir/testssl.out" 2>&1; then
  echo "FAIL: testssl did not finish in 240 s"; tail -20 "$dir/testssl.out"; exit 1
fi

python3 "$src/bench/compare_verdicts.py" --expected "$dir/servers/expected" \
  --secproto "$dir/secproto.jsonl" --sslscan "$dir/sslscan.xml" \
  --testssl "$dir/testssl.json" --testssl-targets "$dir/testssl.targets"
