#!/usr/bin/env bash
# Cross-check of `secproto probe --suites` with sslscan's cipher and group
# enumeration on local openssl s_server instances with chosen suite sets
# (issue 15): only CBC, only AES-GCM, only CHACHA20, RSA key exchange only,
# ECDSA-only and RSA-only certificates, P-384 only, X25519 only, a server
# keeping its own order and one following the client's.
#   probe_suites_crosscheck.sh SECPROTO SOURCE_DIR
# Per endpoint and version both tools must report the same suites (in the same
# order where the server keeps its own) and the same groups, and each list
# must fit how the server was started. Exit 77 (skip) when a peer tool is not
# installed.
set -euo pipefail
secproto=$1
src=$2
for tool in openssl sslscan python3; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed (scripts/bootstrap --all)"; exit 77; }
done
dir=$(mktemp -d /tmp/probe_suites.XXXXXX)
# An address block and port of our own, so that parallel runs do not collide.
net=127.79.$(( $$ % 250 + 1 ))
port=$(( 20000 + ($$ + 7) % 20000 ))
trap '"$src/bench/servers.sh" stop "$dir/servers"; rm -rf "$dir"' EXIT

kinds=cbc,gcm,chacha,rsakx,ecdsa,rsa,p384,x25519,serverpref,clientpref
"$src/bench/servers.sh" start "$dir/servers" 10 "$net" "$port" "$kinds"
targets=$dir/servers/targets

"$secproto" probe -f "$targets" --suites --json --no-progress --timeout 5000 >"$dir/secproto.jsonl"
# The human form prints the same lists, briefly.
"$secproto" probe "$(head -1 "$targets")" --suites --no-progress >"$dir/secproto.txt"
grep -q 'TLS 1.2' "$dir/secproto.txt" || { echo "FAIL: no TLS 1.2 suite line"; cat "$dir/secproto.txt"; exit 1; }
grep -q 'connections' "$dir/secproto.txt" || { echo "FAIL: no connection count"; cat "$dir/secproto.txt"; exit 1; }

# sslscan, one endpoint after the other (its --targets mode), ciphers and groups only.
sslscan --targets="$targets" --no-colour --no-check-certificate --no-heartbleed \
  --no-renegotiation --no-compression --no-fallback --xml="$dir/sslscan.xml" >"$dir/sslscan.out" 2>&1 || true

python3 "$src/bench/compare_suites.py" --secproto "$dir/secproto.jsonl" --sslscan "$dir/sslscan.xml" \
  --kinds "$dir/servers/kinds"
