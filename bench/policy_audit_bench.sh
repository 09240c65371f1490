#!/usr/bin/env bash
# Whole-stack fleet audit benchmark: audits N generated collections (what
# `export --tls-policy modern --format collect-ps1` leaves per machine: the OS
# facts, then the exported keys, UTF-16LE) against the `modern` policy, and
# compares the time with merely reading the same files (cat of every file to
# /dev/null via find | xargs). For each output (plain, --json, --json-lines,
# --csv, --html, and all of them at once) one line: wall time, its ratio to
# cat, and peak RSS (GNU time %M), so that memory flat in the fleet size
# shows as equal RSS across sizes (issue 30).
#   bench/policy_audit_bench.sh [N...]        default: 10000 100000
#   BENCH_RUNS=1 bench/policy_audit_bench.sh 1000000   (best of 1 run; default 3)
# A million files take about 15 GB and a few minutes to generate (check
# `df -h`); the generated fleet is deleted at the end unless BENCH_KEEP=1.
# Needs: a built build/secproto, python3, iconv, /usr/bin/time (Debian package `time`).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${SECPROTO_BIN:-build/secproto}
[ -x "$BIN" ] || { echo "build $BIN first (scripts/build)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
WORK=${BENCH_DIR:-$(mktemp -d /tmp/secproto-policy-bench.XXXXXX)}
trap 'if [ -z "${BENCH_KEEP:-}" ]; then rm -rf "$WORK"; fi' EXIT
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

RUNS=${BENCH_RUNS:-3}
# run OUT "$@": one run; sets $t (wall seconds) and $m (peak RSS, MB).
run() {
  local out=$1; shift
  rm -f "$WORK/r.csv" "$WORK/r.html"
  /usr/bin/time -f "%e %M" -o "$WORK/t" "$@" >"$out" 2>/dev/null || true
  t=$(tail -1 "$WORK/t" | cut -d' ' -f1)
  m=$(tail -1 "$WORK/t" | awk '{printf "%.1f", $2 / 1024}')
}
# best OUT "$@": the best wall time of $RUNS runs, and the peak RSS of all.
best() {
  local out=$1; shift
  local bt="" bm=0
  for _ in $(seq 1 "$RUNS"); do
    run "$out" "$@"
    if [ -z "$bt" ] || awk "BEGIN{exit !($t < $bt)}"; then bt=$t; fi
    if awk "BEGIN{exit !($m > $bm)}"; then bm=$m; fi
  done
  t=$bt m=$bm
}

printf "%-8s %-6s %8s %-12s %8s %7s %8s %9s\n" machines jobs file_KB output cat_s time_s ratio rss_MB
for n in "${sizes[@]}"; do
  dir="$WORK/fleet-$n"
  [ -d "$dir" ] || gen "$dir" "$n"
  kb=$(awk "BEGIN{printf \"%.1f\", $(stat -c %s "$dir/000/PC000000.reg") / 1024}")
  find "$dir" -type f -print0 | xargs -0 cat >/dev/null
  best /dev/null sh -c "find '$dir' -type f -print0 | xargs -0 cat >/dev/null"
  cat_s=$t
  A=(audit "$dir" --tls-policy modern --no-progress)
  for output in plain json json-lines csv html all; do
    case $output in
      plain) best /dev/null "$BIN" -q "${A[@]}" ;;
      json) best /dev/null "$BIN" --json "${A[@]}" ;;
      json-lines) best /dev/null "$BIN" "${A[@]}" --json-lines ;;
      csv) best /dev/null "$BIN" -q "${A[@]}" --csv "$WORK/r.csv" ;;
      html) best /dev/null "$BIN" -q "${A[@]}" --html "$WORK/r.html" ;;
      all) best /dev/null "$BIN" --json "${A[@]}" --csv "$WORK/r.csv" --html "$WORK/r.html" ;;
    esac
    ratio=$(awk "BEGIN{printf \"%.2f\", $t / $cat_s}")
    printf "%-8s %-6s %8s %-12s %8s %7s %8s %9s\n" "$n" "$(nproc)" "$kb" "$output" "$cat_s" "$t" "${ratio}x" "$m"
  done
  if [ -z "${BENCH_KEEP:-}" ]; then rm -rf "$dir"; fi
done
