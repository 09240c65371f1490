#!/usr/bin/env bash
# Builds every libFuzzer target (named *_fuzzer) in a separate clang build
# (build-fuzz/, -fsanitize=fuzzer,address,undefined) and runs each for a
# bounded time on a copy of its seed corpus fuzz/corpus/<name>/. Fails on any
# crash, leak, sanitizer report or broken property; a crashing input is kept
# in build-fuzz/artifacts/. Seconds per fuzzer: SECPROTO_FUZZ_SECONDS (30).
set -uo pipefail
cd "$(dirname "$0")/../.."
seconds="${SECPROTO_FUZZ_SECONDS:-30}"

if ! command -v clang++ >/dev/null; then
  echo "40-fuzz: clang++ is missing (scripts/bootstrap --all installs it)" >&2
  echo "0 passed, 1 failed"
  exit 1
fi
mkdir -p build-fuzz
buildlog=build-fuzz/build.log
if ! cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DSECPROTO_FUZZ=ON \
     -DSECPROTO_BUILD_TESTS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$buildlog" 2>&1; then
  cat "$buildlog" >&2
  echo "0 passed, 1 failed"
  exit 1
fi
mapfile -t targets < <(ninja -C build-fuzz -t targets all |
                       grep -v ': phony$' | sed -n 's/^\([A-Za-z0-9_]*_fuzzer\): .*/\1/p' | sort -u)
if [ ${#targets[@]} -eq 0 ]; then
  echo "40-fuzz: no *_fuzzer targets found" >&2
  echo "0 passed, 1 failed"
  exit 1
fi
if ! ninja -C build-fuzz -j 2 "${targets[@]}" >>"$buildlog" 2>&1; then
  tail -40 "$buildlog" >&2
  echo "0 passed, ${#targets[@]} failed"
  exit 1
fi

passed=0
failed=0
mkdir -p build-fuzz/artifacts
for target in "${targets[@]}"; do
  name="${target%_fuzzer}"
  work="$(mktemp -d)"
  # Work on a copy so that the inputs libFuzzer adds never land in the repo.
  if [ -d "fuzz/corpus/$name" ]; then cp -r "fuzz/corpus/$name/." "$work/"; fi
  log="build-fuzz/$target.log"
  "build-fuzz/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="build-fuzz/artifacts/$name-" "$work" >"$log" 2>&1
  rc=$?
  rm -rf "$work"
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  if [ $rc -eq 0 ]; then
    echo "40-fuzz: $target: ${runs:-?} executions in ${seconds}s, no crash"
    passed=$((passed + 1))
  else
    echo "40-fuzz: $target FAILED (exit $rc) after ${runs:-?} executions; log $log" >&2
    grep -E "ERROR|SUMMARY|Test unit written|runtime error" "$log" | head -10 >&2
    failed=$((failed + 1))
  fi
done
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
