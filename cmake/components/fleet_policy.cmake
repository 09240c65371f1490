# The whole-stack policy for fleets (issue 14): `export --tls-policy` checked
# with each format's own validators, and the loop under Wine (export, import,
# collect, audit, drift), the per-component --html report in headless
# Chromium, and the streamed outputs on a small fleet (issue 30: plain, CSV,
# JSON, JSON Lines and HTML agree). Each script exits 77 (skipped) only when
# its tool is not installed. The 100,000-machine benchmark is bench/policy_audit_bench.sh,
# never part of the tests.
if(SECPROTO_BUILD_TESTS AND NOT WIN32 AND NOT CMAKE_CROSSCOMPILING)
  foreach(name validate wine html stream)
    add_test(NAME fleet_policy_${name}
             COMMAND bash ${CMAKE_SOURCE_DIR}/tests/e2e/fleet_policy_${name}.sh
                     $<TARGET_FILE:secproto> ${CMAKE_SOURCE_DIR})
    set_tests_properties(fleet_policy_${name} PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300)
  endforeach()
  set_tests_properties(fleet_policy_wine fleet_policy_html PROPERTIES RUN_SERIAL TRUE)
endif()
