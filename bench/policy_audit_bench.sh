#!/usr/bin/env bash
# Whole-stack fleet audit benchmark: audits N generated collections (what
# `export --tls-policy modern --format collect-ps1` leaves per machine: the OS
# facts, then the exported keys, UTF-16LE) against the `modern` policy, and
# compares the time with merely reading the same files (cat of every file to
# /dev/null via find | xargs); peak RSS from GNU time -v.
#   bench/policy_audit_bench.sh [N...]        default: 10000 100000
# Needs: a built build/secproto, python3, iconv, /usr/bin/time (Debian package `time`).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${SECPROTO_BIN:-build/secproto}
[ -x "$BIN" ] || { echo "build $BIN first (scripts/build)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
WORK=${BENCH_DIR:-$(mktemp -d /tmp/secproto-policy-bench.XXXXXX)}
trap '[ -z "${BENCH_KEEP:-}" ] && rm -rf "$WORK"' EXIT
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(10000 100000)

# The compliant collection of one machine: the exported policy for the OS,
# after the OS facts the collect script writes (as UTF-8 text here; each
# generated file is UTF-16LE with a BOM, as reg export writes it).
"$BIN" -q export --tls-policy modern --os win10-22h2 --format reg -o "$WORK/base.reg"
iconv -f UTF-16LE -t UTF-8 "$WORK/base.reg" | tail -c +4 | grep -v '^;' > "$WORK/base.txt"

gen() {  # gen DIR N: 1,000 files per folder; mix 90% compliant, 5% suite drift,
         # 3% TLS 1.0 client on, 2% unreadable (truncated)
  python3 - "$WORK/base.txt" "$1" "$2" <<'EOF'
import os, random, sys
base, out, n = open(sys.argv[1], encoding="utf-8").read(), sys.argv[2], int(sys.argv[3])
facts = ("Windows Registry Editor Version 5.00\r\n\r\n"
         "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion]\r\n"
         "\"CurrentBuild\"=\"19045\"\r\n\"InstallationType\"=\"Client\"\r\n"
         "\"ProductName\"=\"Windows 10 Enterprise\"\r\n\"DisplayVersion\"=\"22H2\"\r\n\r\n")
rng = random.Random(1)
i0 = base.index('"Functions"="') + len('"Functions"="')
first = base[i0:base.index(",", i0)]
for i in range(n):
    d = os.path.join(out, "%03d" % (i // 1000))
    if i % 1000 == 0:
        os.makedirs(d, exist_ok=True)
    r = rng.random()
    text = base
    if r < 0.05:
        text = text.replace('"Functions"="' + first + ",", '"Functions"="', 1)
    elif r < 0.08:
        k = text.index("TLS 1.0\\Client]")
        text = text[:k] + text[k:].replace('"Enabled"=dword:00000000', '"Enabled"=dword:00000001', 1)
    data = b"\xff\xfe" + (facts.replace("\r\n", "\n") + text).replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-16-le")
    if 0.08 <= r < 0.10:
        data = data[: len(data) // 3 | 1]
    with open(os.path.join(d, "PC%06d.reg" % i), "wb") as f:
        f.write(data)
EOF
}

best() {  # best wall time in seconds of 3 runs of "$@"
  local b="" t
  for _ in 1 2 3; do
    /usr/bin/time -f %e -o "$WORK/t" "$@" >/dev/null 2>&1 || true
    t=$(tail -1 "$WORK/t")
    if [ -z "$b" ] || awk "BEGIN{exit !($t < $b)}"; then b=$t; fi
  done
  echo "$b"
}
rss() {  # peak RSS in MB of one run of "$@"
  /usr/bin/time -v -o "$WORK/v" "$@" >/dev/null 2>&1 || true
  awk '/Maximum resident/ {printf "%.1f", $6 / 1024}' "$WORK/v"
}

printf "%-8s %-6s %9s %8s %8s %7s %9s %9s\n" machines jobs file_KB cat_s audit_s ratio rss_MB rss_json
for n in "${sizes[@]}"; do
  dir="$WORK/fleet-$n"
  [ -d "$dir" ] || gen "$dir" "$n"
  kb=$(awk "BEGIN{printf \"%.1f\", $(stat -c %s "$dir/000/PC000000.reg") / 1024}")
  find "$dir" -type f -print0 | xargs -0 cat >/dev/null
  cat_s=$(best sh -c "find '$dir' -type f -print0 | xargs -0 cat >/dev/null")
  audit_s=$(best "$BIN" audit "$dir" --tls-policy modern -q --no-progress)
  ratio=$(awk "BEGIN{printf \"%.2f\", $audit_s / $cat_s}")
  r=$(rss "$BIN" audit "$dir" --tls-policy modern -q --no-progress)
  rj=$(rss "$BIN" --json audit "$dir" --tls-policy modern --no-progress)
  printf "%-8s %-6s %9s %8s %8s %7s %9s %9s\n" "$n" "$(nproc)" "$kb" "$cat_s" "$audit_s" "${ratio}x" "$r" "$rj"
done
