# Shared by the policy end-to-end tests and bench/policy_apply_bench.sh.
# Needs $B (the secproto binary).

# Check counting (the script sets passed=0 failed=0): ok, bad MESSAGE, and
# expect_code CODE CMD... (stdout to $dir/out, stderr to $dir/err).
ok() { passed=$((passed + 1)); }
bad() { echo "FAIL: $*" >&2; failed=$((failed + 1)); }
expect_code() {
  local want="$1"; shift
  "$@" >"$dir/out" 2>"$dir/err"
  local got=$?
  if [ "$got" = "$want" ]; then ok; else bad "$* exited $got, want $want: $(head -c 300 "$dir/err")"; fi
}

# make_image DIR [CURRENTBUILD] [INSTALLATIONTYPE]: DIR/Windows/System32/config
# with a 64-bit SOFTWARE hive that says which Windows it is and a SYSTEM hive
# with Select\Current = 1 and ControlSet001.
make_image() {
  local d=$1/Windows/System32/config build=${2:-19045} itype=${3:-Client}
  mkdir -p "$d"
  "$B" hive create "$d/SOFTWARE" >/dev/null || return 1
  "$B" hive create "$d/SYSTEM" >/dev/null || return 1
  printf '%s\n' 'add Microsoft' 'cd Microsoft' 'add Windows NT' 'cd Windows NT' \
    'add CurrentVersion' 'cd CurrentVersion' 'setval 3' 'CurrentBuild' "string:$build" \
    'InstallationType' "string:$itype" 'ProductName' 'string:Windows test image' \
    'cd ..' 'cd ..' 'cd ..' 'add Wow6432Node' 'commit' | hivexsh -w "$d/SOFTWARE" >/dev/null || return 1
  printf '%s\n' 'add Select' 'cd Select' 'setval 1' 'Current' 'dword:00000001' 'cd ..' \
    'add ControlSet001' 'add ControlSet002' 'commit' | hivexsh -w "$d/SYSTEM" >/dev/null || return 1
}

# A value as hivexget prints it, or "missing".
hget() {
  hivexget "$1" "$2" "$3" 2>/dev/null || echo missing
}
export -f hget

# Full, sorted exports of a hive by two independent readers: every key, and
# every value with its type and data. reglookup's last column (a key's
# last-write time) is left out: a commit stamps the times of the keys it
# changes, as Windows does, so a rollback restores values, types and keys
# exactly but not the times of the keys it touched.
export_hive() {
  { hivexregedit --export "$1" '\' 2>/dev/null || echo "hivexregedit failed"; } >"$2.hivex"
  { reglookup -H "$1" 2>/dev/null | cut -d, -f1-3 | sort || echo "reglookup failed"; } >"$2.reglookup"
}

# pair_state CONFIG_DIR: which change list of policy_changes.py (0 or 1) the
# SOFTWARE + SYSTEM pair in CONFIG_DIR holds; anything else names the mix.
pair_state() {
  local s y
  s=$(hget "$1/SOFTWARE" 'Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp' DefaultSecureProtocols)
  y=$(hget "$1/SYSTEM" 'ControlSet001\Control\SecurityProviders\SCHANNEL' EventLogging)
  case "$s/$y" in
    10240/1) echo 0 ;;
    2048/7) echo 1 ;;
    *) echo "SOFTWARE=$s SYSTEM=$y" ;;
  esac
}

# A free TCP port on 127.0.0.1 (nothing listens on it).
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_silent_server FILE: a server on 127.0.0.1 that accepts and never
# answers; sets $silent (its port) and $silent_pid. FILE receives the port.
start_silent_server() {
  python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0)); s.listen(64)
print(s.getsockname()[1], flush=True)
conns = []
while True:
    c, _ = s.accept(); conns.append(c)
' >"$1" &
  silent_pid=$!
  for _ in $(seq 100); do [ -s "$1" ] && break; sleep 0.1; done
  silent=$(cat "$1")
}
