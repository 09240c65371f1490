#!/usr/bin/env bash
# Starts and stops many loopback `openssl s_server` instances with a known mix
# of TLS version sets, the ground truth for the probe benchmark and the
# cross-check test.
#
#   bench/servers.sh start DIR COUNT NET PORT [KINDS]
#   bench/servers.sh stop DIR
#   bench/servers.sh listening NET PORT
#
# start: endpoint i (1..COUNT) listens on NET.i:PORT (NET is three octets of a
# 127/8 address, e.g. 127.77.1; COUNT <= 254) and offers the version set
# KINDS[(i-1) % len(KINDS)]. KINDS is a comma-separated list of kinds (default
# all six): tls10 (TLS 1.0 only), tls10-12, tls11-12, tls12, tls12-13, tls13.
# Kinds with chosen cipher suites and groups (for `probe --suites`): cbc (TLS 1.2,
# CBC suites only), gcm (TLS 1.2+1.3, AES-GCM only), chacha (TLS 1.2+1.3,
# CHACHA20-POLY1305 only), rsakx (TLS 1.2, RSA key exchange only), ecdsa and rsa
# (TLS 1.2+1.3 with only that certificate), p384 and x25519 (TLS 1.2+1.3, that
# group only), serverpref (the server's own order, -serverpref) and clientpref
# (the same suites in the same order, following the client's).
# Writes in DIR: targets (one host:port a line), expected ("host:port
# tls1.0,tls1.1" a line: the versions that server offers), kinds ("host:port
# kind" a line), pids, a
# self-signed RSA-2048 and ECDSA P-256 certificate, and one log per server.
# stop: kills the servers listed in DIR/pids (only those).
set -euo pipefail

die() { echo "servers.sh: $*" >&2; exit 2; }

# kind -> s_server flags and the versions that kind offers.
kind_flags() {
  local low='-cipher DEFAULT:@SECLEVEL=0'
  case "$1" in
    tls10)    echo "-min_protocol TLSv1 -max_protocol TLSv1 $low" ;;
    tls10-12) echo "-min_protocol TLSv1 -max_protocol TLSv1.2 $low" ;;
    tls11-12) echo "-min_protocol TLSv1.1 -max_protocol TLSv1.2 $low" ;;
    tls12)    echo "-min_protocol TLSv1.2 -max_protocol TLSv1.2" ;;
    tls12-13) echo "-min_protocol TLSv1.2 -max_protocol TLSv1.3" ;;
    tls13)    echo "-min_protocol TLSv1.3 -max_protocol TLSv1.3" ;;
    cbc)      echo "-min_protocol TLSv1.2 -max_protocol TLSv1.2 -cipher ECDHE-RSA-AES256-SHA384:ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA:AES256-SHA:AES128-SHA256:DHE-RSA-AES128-SHA" ;;
    gcm)      echo "-min_protocol TLSv1.2 -cipher AESGCM:!aNULL:!PSK:!DSS -ciphersuites TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256" ;;
    chacha)   echo "-min_protocol TLSv1.2 -cipher CHACHA20:!aNULL:!PSK -ciphersuites TLS_CHACHA20_POLY1305_SHA256" ;;
    rsakx)    echo "-min_protocol TLSv1.2 -max_protocol TLSv1.2 -cipher kRSA:!PSK" ;;
    ecdsa|rsa) echo "-min_protocol TLSv1.2" ;;
    p384)     echo "-min_protocol TLSv1.2 -groups P-384" ;;
    x25519)   echo "-min_protocol TLSv1.2 -groups X25519" ;;
    serverpref) echo "-min_protocol TLSv1.2 -serverpref -cipher $pref_order -ciphersuites TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384" ;;
    clientpref) echo "-min_protocol TLSv1.2 -cipher $pref_order -ciphersuites TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384" ;;
    *) die "unknown kind '$1'" ;;
  esac
}
# An order no client list starts with: the server's choice tells whose order won.
pref_order=AES128-SHA:ECDHE-RSA-AES128-SHA:ECDHE-RSA-CHACHA20-POLY1305:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256
# kind -> certificate flags: both certificates, or only one.
kind_certs() {
  local dir=$1
  case "$2" in
    ecdsa) echo "-cert $dir/ec-cert.pem -key $dir/ec-key.pem" ;;
    rsa)   echo "-cert $dir/cert.pem -key $dir/key.pem" ;;
    *)     echo "-cert $dir/cert.pem -key $dir/key.pem -dcert $dir/ec-cert.pem -dkey $dir/ec-key.pem" ;;
  esac
}
kind_versions() {
  case "$1" in
    tls10)    echo "tls1.0" ;;
    tls10-12) echo "tls1.0,tls1.1,tls1.2" ;;
    tls11-12) echo "tls1.1,tls1.2" ;;
    tls12)    echo "tls1.2" ;;
    tls12-13) echo "tls1.2,tls1.3" ;;
    tls13)    echo "tls1.3" ;;
    cbc|rsakx) echo "tls1.2" ;;
    *)        echo "tls1.2,tls1.3" ;;
  esac
}

start() {
  local dir=$1 count=$2 net=$3 port=$4 kinds=${5:-tls10,tls10-12,tls11-12,tls12,tls12-13,tls13}
  [[ $count =~ ^[0-9]+$ && $count -ge 1 && $count -le 254 ]] || die "COUNT must be 1..254"
  [[ $net =~ ^127\.[0-9]+\.[0-9]+$ ]] || die "NET must be three octets of a 127/8 address"
  mkdir -p "$dir"
  # Two certificates: ECDSA P-256 for clients that offer ECDSA suites (cheap
  # to sign, so the servers are not the bottleneck), RSA-2048 for the rest.
  if [ ! -s "$dir/cert.pem" ] || [ ! -s "$dir/ec-cert.pem" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$dir/key.pem" -out "$dir/cert.pem" \
      -days 30 -subj /CN=localhost 2>/dev/null
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$dir/ec-key.pem" \
      -out "$dir/ec-cert.pem" -days 30 -subj /CN=localhost 2>/dev/null
  fi
  IFS=, read -r -a kind_list <<<"$kinds"
  : >"$dir/targets"; : >"$dir/expected"; : >"$dir/kinds"; : >"$dir/pids"
  local i kind
  for ((i = 1; i <= count; i++)); do
    kind=${kind_list[$(( (i - 1) % ${#kind_list[@]} ))]}
    # shellcheck disable=SC2046
    openssl s_server -accept "$net.$i:$port" $(kind_certs "$dir" "$kind") \
      -www -quiet $(kind_flags "$kind") </dev/null >"$dir/server.$i.log" 2>&1 &
    echo $! >>"$dir/pids"
    echo "$net.$i:$port" >>"$dir/targets"
    echo "$net.$i:$port $(kind_versions "$kind")" >>"$dir/expected"
    echo "$net.$i:$port $kind" >>"$dir/kinds"
  done
  # Wait until every server listens (without connecting, which would count).
  local tries=0 listening
  while :; do
    listening=$(listening "$net" "$port")
    [ "$listening" -ge "$count" ] && break
    tries=$((tries + 1))
    [ $tries -gt 300 ] && die "only $listening of $count servers listen on port $port (see $dir/server.*.log)"
    sleep 0.1
  done
}

# listening NET PORT: how many sockets listen on NET.*:PORT (read from
# /proc/net/tcp, so that neither iproute2 nor a connection is needed).
listening() {
  python3 - "$1" "$2" <<'PY'
import socket, struct, sys
net, port = sys.argv[1] + ".", int(sys.argv[2])
n = 0
with open("/proc/net/tcp") as f:
    next(f)
    for line in f:
        local, state = line.split()[1], line.split()[3]
        ip_hex, port_hex = local.split(":")
        ip = socket.inet_ntoa(struct.pack("<I", int(ip_hex, 16)))
        if state == "0A" and int(port_hex, 16) == port and ip.startswith(net):
            n += 1
print(n)
PY
}

stop() {
  local dir=$1 pid
  [ -f "$dir/pids" ] || return 0
  while read -r pid; do kill "$pid" 2>/dev/null || true; done <"$dir/pids"
  while read -r pid; do wait "$pid" 2>/dev/null || true; done <"$dir/pids"
  rm -f "$dir/pids"
}

case "${1:-}" in
  start) shift; [ $# -ge 4 ] || die "usage: servers.sh start DIR COUNT NET PORT [KINDS]"; start "$@" ;;
  stop) shift; [ $# -eq 1 ] || die "usage: servers.sh stop DIR"; stop "$1" ;;
  listening) shift; [ $# -eq 2 ] || die "usage: servers.sh listening NET PORT"; listening "$1" "$2" ;;
  *) die "usage: servers.sh start DIR COUNT NET PORT [KINDS] | stop DIR" ;;
esac
