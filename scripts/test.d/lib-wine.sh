# Shared set-up of the suites that run secproto.exe under Wine (50-, 55-,
# 57-windows*.sh). Sourced, never run: scripts/test runs only the numbered
# suites (NN-*.sh). Brings lib-checks.sh (pass, fail, finish) with it.

source scripts/test.d/lib-checks.sh

# wine_build_exe: builds build-win64/secproto.exe, configuring build-win64
# with scripts/build-windows when it is missing. On failure prints the first
# errors and returns 1 (the log is build-win64/build-windows.log).
wine_build_exe() {
  mkdir -p build-win64
  if [ ! -f build-win64/build.ninja ]; then
    scripts/build-windows >build-win64/build-windows.log 2>&1
  fi
  if ! cmake --build build-win64 --target secproto >>build-win64/build-windows.log 2>&1; then
    grep -E "error|undefined reference" build-win64/build-windows.log | head -n 20
    return 1
  fi
  EXE="$(pwd)/build-win64/secproto.exe"
}

# wine_require_exe: wine_build_exe, else a FAIL line and finish.
wine_require_exe() {
  wine_build_exe && return 0
  fail "secproto.exe cross-builds (see build-win64/build-windows.log)"
  finish
}

# wine_prefix NAME: a fresh 64-bit WINEPREFIX /tmp/secproto-wine-NAME.XXXXXX,
# booted and idle, removed (with its wineserver) when the shell exits. Sets
# WINE (the wine binary) and exports WINEPREFIX.
wine_prefix() {
  WINE=$(command -v wine64 || command -v wine || echo /usr/lib/wine/wine64)
  export WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" WINEARCH=win64
  WINEPREFIX=$(mktemp -d "/tmp/secproto-wine-$1.XXXXXX")
  export WINEPREFIX
  trap 'wineserver -k >/dev/null 2>&1; rm -rf "$WINEPREFIX"' EXIT
  "$WINE" wineboot -i >/dev/null 2>&1
  wineserver -w
}
