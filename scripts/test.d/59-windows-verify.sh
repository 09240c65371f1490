#!/usr/bin/env bash
# `secproto verify` (issue 27) under Wine's real SCHANNEL (Wine's secur32
# reads the SCHANNEL client protocol keys): secproto.exe handshakes through
# SSPI with a local `openssl s_server -tls1_2`. On the fresh prefix (it says
# Windows 7) Wine negotiates TLS 1.2 where the Windows 7 model has it off:
# verify names the difference (exit 1); with the TLS 1.2 client keys on it
# reports TLS 1.2 as predicted (exit 0); after `secproto schannel set tls1.2
# --disable --side client` on the live registry, a new process's handshake
# fails, the prediction no longer has TLS 1.2 and verify exits 1; enabled
# again, it works again. Reuses build-win64 (scripts/build-windows when
# missing); its own WINEPREFIX. Prints "N passed, N failed"; the outputs go to
# build-win64/windows-verify.log.
set -uo pipefail
cd "$(dirname "$0")/../.."
log=build-win64/windows-verify.log
source scripts/test.d/lib-wine.sh
wine_require_exe
: >"$log"
wine_prefix verify

tmp=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/k.pem" -out "$tmp/c.pem" -days 2 \
  -subj /CN=localhost >/dev/null 2>&1
openssl s_server -accept "127.0.0.1:$port" -cert "$tmp/c.pem" -key "$tmp/k.pem" -tls1_2 -quiet -www \
  </dev/null >"$tmp/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$tmp"; wineserver -k >/dev/null 2>&1; rm -rf "$WINEPREFIX"' EXIT
for _ in $(seq 50); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null && break
  sleep 0.1
done

verify() {  # prints the JSON, sets rc
  out=$("$WINE" "$EXE" --json verify "127.0.0.1:$port" --timeout 10 2>>"$log" | tr -d '\r')
  rc=${PIPESTATUS[0]}
  echo "### verify (exit $rc)" >>"$log"
  echo "$out" >>"$log"
}

# A fresh 64-bit prefix says it is Windows 7, whose SCHANNEL has TLS 1.2 off
# for clients by default ("Protocols in TLS/SSL (Schannel SSP)"); Wine's own
# SCHANNEL has SSL 3.0 to TLS 1.2 on. verify sees reality differ from the
# prediction and names it.
verify
if [ "$rc" = 1 ] && jq -e '.os == "win7" and .endpoints[0].handshake and .endpoints[0].protocol == "TLS 1.2"
      and (.endpoints[0].difference | test("TLS 1.2"))' <<<"$out" >/dev/null; then
  pass "verify: Wine's SCHANNEL negotiates TLS 1.2 where the Windows 7 model has it off: DIFFERS (exit 1)"
else
  fail "verify on the Windows 7 prefix: exit $rc: $(head -c 400 <<<"$out")"
fi

# TLS 1.2 on for clients, as Easy Fix 51044 does: reality and prediction agree.
"$WINE" "$EXE" schannel set tls1.2 --enable --side client >>"$log" 2>&1 ||
  fail "schannel set tls1.2 --enable --side client on the live registry"
verify
if [ "$rc" = 0 ] && jq -e '.endpoints[0].handshake and .endpoints[0].protocol == "TLS 1.2"
      and .endpoints[0].difference == null and (.prediction.protocols | index("TLS 1.2"))' \
      <<<"$out" >/dev/null; then
  pass "verify: TLS 1.2 through Wine's SCHANNEL, as predicted (exit 0)"
else
  fail "verify against s_server -tls1_2: exit $rc: $(head -c 400 <<<"$out")"
fi

"$WINE" "$EXE" schannel set tls1.2 --disable --side client >>"$log" 2>&1 ||
  fail "schannel set tls1.2 --disable --side client on the live registry"
verify
if [ "$rc" = 1 ] && jq -e '(.endpoints[0].handshake | not) and (.endpoints[0].error | length > 0)
      and (.prediction.protocols | index("TLS 1.2") | not)' <<<"$out" >/dev/null; then
  pass "verify: with TLS 1.2 off for clients the handshake fails and the prediction agrees (exit 1)"
else
  fail "verify with TLS 1.2 off: exit $rc: $(head -c 400 <<<"$out")"
fi
human=$("$WINE" "$EXE" verify "127.0.0.1:$port" 2>&1 | tr -d '\r')
grep -q "FAILED" <<<"$human" && pass "verify: the text output says FAILED" ||
  fail "verify text: $(head -c 300 <<<"$human")"

"$WINE" "$EXE" schannel set tls1.2 --enable --side client >>"$log" 2>&1
verify
[ "$rc" = 0 ] && pass "verify: TLS 1.2 back on, the handshake works again (exit 0)" ||
  fail "verify after re-enabling TLS 1.2: exit $rc: $(head -c 300 <<<"$out")"

out=$("$WINE" "$EXE" verify "127.0.0.1:bad" 2>&1 | tr -d '\r'); rc=$?
[ "$rc" = 2 ] && pass "verify: a bad endpoint is exit 2" || fail "verify 127.0.0.1:bad: exit $rc"
finish
