#!/usr/bin/env bash
# One word, one meaning (issue 23): `modern` is a WinHTTP profile (TLS 1.2 +
# 1.3) and a stack template compiled per OS. A machine that passes `policy
# check modern` passes `check modern` and `audit --policy modern` (and
# `audit --tls-policy modern`), and the reverse: on an OS whose WinHTTP has no
# TLS 1.3 (Server 2019, Windows 10) the profile stands for 0x800 there, as the
# template writes. A target that does not say its OS, and numbers, keep the
# profile's own bits (README, "PROTOCOLS").
# Usage: tests/e2e/profile_template.sh [path/to/secproto]
set -uo pipefail
B=${1:-build/secproto}
B=$(cd "$(dirname "$B")" && pwd)/$(basename "$B")
HERE=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
passed=0 failed=0
# shellcheck source=policy_lib.sh
. "$HERE/policy_lib.sh"
C=Windows/System32/config
W='Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp'

for spec in "17763 Server ws2019 2048" "19045 Client win10-22h2 2048" "20348 Server ws2022 10240" \
  "26100 Client win11-24h2 10240"; do
  set -- $spec; build=$1 itype=$2 os=$3 want=$4
  # The template applied: every check of the name agrees.
  rm -rf img && make_image img "$build" "$itype" || { bad "$os: image"; continue; }
  expect_code 0 "$B" policy apply modern --target image:img
  [ "$(hget img/$C/SOFTWARE "$W" DefaultSecureProtocols)" = "$want" ] && ok ||
    bad "$os: policy apply modern wrote $(hget img/$C/SOFTWARE "$W" DefaultSecureProtocols), want $want"
  expect_code 0 "$B" policy check modern --target image:img
  expect_code 0 "$B" check modern --target image:img
  expect_code 0 "$B" audit img/$C/SOFTWARE --policy modern
  # The same machine as a collected .reg file.
  { printf 'Windows Registry Editor Version 5.00\r\n\r\n'
    printf '[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion]\r\n'
    printf '"CurrentBuild"="%s"\r\n"InstallationType"="%s"\r\n\r\n' "$build" "$itype"; } >m.reg
  "$B" -q policy apply modern --os "$os" --target reg:m.reg >/dev/null 2>&1 || bad "$os: apply to m.reg"
  expect_code 0 "$B" audit m.reg --tls-policy modern
  expect_code 0 "$B" audit m.reg --policy modern --reg-reader backend
  # The reverse: the profile written with `set` is what the template expects.
  rm -rf img2 && make_image img2 "$build" "$itype"
  expect_code 0 "$B" set modern --target image:img2
  [ "$(hget img2/$C/SOFTWARE "$W" DefaultSecureProtocols)" = "$want" ] && ok ||
    bad "$os: set modern wrote $(hget img2/$C/SOFTWARE "$W" DefaultSecureProtocols), want $want"
  expect_code 0 "$B" check modern --target image:img2
  # A number means what it says.
  if [ "$want" != 10240 ]; then
    expect_code 1 "$B" check 0x2800 --target image:img
  fi
done

# A hive that does not say its OS: the profile's own bits.
"$B" hive create blank.hiv >/dev/null || bad "blank hive"
expect_code 0 "$B" set modern --target hive:blank.hiv
[ "$(hget blank.hiv "$W" DefaultSecureProtocols)" = 10240 ] && ok || bad "blank: set modern wrote $(hget blank.hiv "$W" DefaultSecureProtocols)"
expect_code 0 "$B" check modern --target hive:blank.hiv

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
