# Fleet features (issue 5): end-to-end checks of `export` with each format's
# own validators, `audit` on a generated fleet, the HTML report in headless
# Chromium, and the exported .reg under Wine. Each script exits 77 (skipped)
# only when its external tool is not installed; scripts/bootstrap --all
# installs them all. The 100,000-machine benchmark is bench/audit_bench.sh,
# never part of the tests.
if(SECPROTO_BUILD_TESTS AND NOT WIN32 AND NOT CMAKE_CROSSCOMPILING)
  foreach(name export_validate audit html wine)
    add_test(NAME fleet_${name}
             COMMAND bash ${CMAKE_SOURCE_DIR}/tests/e2e/fleet_${name}.sh
                     $<TARGET_FILE:secproto> ${CMAKE_SOURCE_DIR})
    set_tests_properties(fleet_${name} PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300)
  endforeach()
  # Wine and Chromium are heavy: never run them alongside each other.
  set_tests_properties(fleet_wine fleet_html PROPERTIES RUN_SERIAL TRUE)
endif()
