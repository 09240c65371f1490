#!/usr/bin/env bash
# Every example of every --help runs as printed (issue 29): each line
# "  secproto ..." of `secproto --help` and of the help of every command path
# (`secproto __generate commands`) runs in a fresh scratch folder that holds
# the targets the examples name, and exits 0 or 1 (drift), never 2 (usage)
# or 3 (target, I/O). An example that does not run on its own there runs
# after the examples printed above it in the same help (`hive create` then
# `set --target hive:...`; `probe ... > probe.jsonl` then `impact
# --probe-results probe.jsonl`).
#
# The scratch folder stands in for the places examples name: image:DIR and
# /mnt/win are a Windows image (mnt/win), /tmp/ is tmp/, SOFTWARE and SYSTEM
# are hives, iiscrypto-backup.reg is an IIS Crypto-style .reg backup,
# collected/ holds collected machines, hosts.txt and servers.txt list a local
# TLS server, and every host name or address an example probes is that
# server (no network).
#   help_examples.sh SECPROTO_BINARY
set -uo pipefail
B=$(realpath "$1")
here=$(dirname "$(realpath "$0")")
source "$here/policy_lib.sh"
dir=$(mktemp -d /tmp/secproto-examples.XXXXXX)
server=
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT
passed=0 failed=0

# --- the fixture -----------------------------------------------------------
fx=$dir/fixture
mkdir -p "$fx/tmp" "$fx/collected"
make_image "$fx/mnt/win" 19045 Client || { echo "FAIL: make_image"; exit 1; }
cp "$fx/mnt/win/Windows/System32/config/SOFTWARE" "$fx/SOFTWARE"
cp "$fx/mnt/win/Windows/System32/config/SYSTEM" "$fx/SYSTEM"
cat > "$fx/iiscrypto-backup.reg" <<'EOF'
Windows Registry Editor Version 5.00

[HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.0\Server]
"Enabled"=dword:00000000
"DisabledByDefault"=dword:00000001

[HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2\Server]
"Enabled"=dword:00000001
"DisabledByDefault"=dword:00000000
EOF
"$B" export modern --format reg -o "$fx/collected/pc1.reg" >/dev/null 2>&1 ||
  { echo "FAIL: export for collected/"; exit 1; }
cp -r "$fx/mnt/win" "$fx/collected/w10-img"

# A local TLS server for the probe and impact examples.
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 2 \
  -keyout "$dir/key.pem" -out "$dir/cert.pem" >/dev/null 2>&1 ||
  { echo "FAIL: openssl req"; exit 1; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
openssl s_server -quiet -accept "127.0.0.1:$port" -cert "$dir/cert.pem" -key "$dir/key.pem" \
  -www >/dev/null 2>&1 </dev/null &
server=$!
for _ in $(seq 50); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.1
done
echo "127.0.0.1:$port" > "$fx/hosts.txt"
cp "$fx/hosts.txt" "$fx/servers.txt"

# An example as the test runs it: `secproto` is the binary, the places the
# fixture stands in for are rewritten.
rewrite() {
  sed -E -e "s#(^|[ ;|&(])secproto #\1\"\$B\" #g" \
    -e "s#image:DIR#image:mnt/win#g" -e "s#(^|[ :=])/mnt/win#\1mnt/win#g" \
    -e "s#(^|[ :=])/tmp/#\1tmp/#g" \
    -e "s#\[::1\]:[0-9]+|10\.0\.0\.5:[0-9]+|example\.com(:[0-9]+)?#127.0.0.1:$port#g" <<< "$1"
}

# run_in FOLDER LINE: the exit code of LINE run there (output in FOLDER/.out).
run_in() {
  (cd "$1" && B="$B" timeout 120 bash -c "$(rewrite "$2")") >"$1/.out" 2>&1
}

# --- the examples --------------------------------------------------------------
helps=("")
while IFS= read -r p; do helps+=("$p"); done < <("$B" __generate commands)
seen=$dir/seen
: > "$seen"
n=0
for path in "${helps[@]}"; do
  # shellcheck disable=SC2086  # the path is words
  "$B" $path --help > "$dir/help.txt" 2>&1 || { echo "FAIL: secproto $path --help"; failed=$((failed + 1)); continue; }
  mapfile -t examples < <(sed -n 's/^  \(secproto .*\)$/\1/p' "$dir/help.txt")
  # A help shared by several paths (`hive create`) is run once.
  key=$(printf '%s\n' "${examples[@]}" | md5sum)
  grep -qx -- "$key" "$seen" && continue
  echo "$key" >> "$seen"
  for ((i = 0; i < ${#examples[@]}; i++)); do
    ex=${examples[$i]}
    n=$((n + 1))
    w=$dir/run$n
    cp -r "$fx" "$w"
    run_in "$w" "$ex"
    rc=$?
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ] && [ "$i" -gt 0 ]; then
      # On its own it did not run: after the examples above it.
      rm -rf "$w"
      cp -r "$fx" "$w"
      for ((j = 0; j < i; j++)); do run_in "$w" "${examples[$j]}"; done
      run_in "$w" "$ex"
      rc=$?
    fi
    if [ "$rc" -eq 0 ] || [ "$rc" -eq 1 ]; then
      passed=$((passed + 1))
    elif [ "$rc" -eq 2 ] && [[ $ex == "secproto verify"* ]] && grep -q 'needs Windows' "$w/.out"; then
      # verify handshakes through SCHANNEL: off Windows its answer is exit 2
      # "needs Windows" (its examples run under Wine in 59-windows-verify.sh).
      passed=$((passed + 1))
    else
      failed=$((failed + 1))
      echo "FAIL: secproto ${path:+$path }--help: '$ex' exits $rc: $(tail -c 400 "$w/.out")"
    fi
    rm -rf "$w"
  done
done
[ "$n" -ge 30 ] || { echo "FAIL: only $n examples found"; failed=$((failed + 1)); }
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
