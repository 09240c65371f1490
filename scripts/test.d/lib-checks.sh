# The check counting every suite of scripts/test.d shares. Sourced, never
# run: scripts/test runs only the numbered suites (NN-*.sh).
# pass/fail MESSAGE print one line each and count it; finish calls the
# suite's suite_summary (when it defines one), prints "N passed, N failed"
# and exits non-zero when any check failed.
passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; }
finish() {
  if declare -F suite_summary >/dev/null; then suite_summary; fi
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit
}
