# probe --suites cross-checked with sslscan on the suite rig (issue 15).
if(NOT WIN32 AND SECPROTO_BUILD_TESTS AND NOT CMAKE_CROSSCOMPILING)
  add_test(NAME e2e.probe_suites_crosscheck
           COMMAND ${CMAKE_SOURCE_DIR}/tests/e2e/probe_suites_crosscheck.sh $<TARGET_FILE:secproto>
                   ${CMAKE_SOURCE_DIR})
  set_tests_properties(e2e.probe_suites_crosscheck PROPERTIES TIMEOUT 300 SKIP_RETURN_CODE 77)
endif()
# impact --tls-policy on the suite rig.
if(NOT WIN32 AND SECPROTO_BUILD_TESTS AND NOT CMAKE_CROSSCOMPILING)
  add_test(NAME e2e.impact_tls
           COMMAND ${CMAKE_SOURCE_DIR}/tests/e2e/impact_tls_e2e.sh $<TARGET_FILE:secproto>
                   ${CMAKE_SOURCE_DIR})
  set_tests_properties(e2e.impact_tls PROPERTIES TIMEOUT 120 SKIP_RETURN_CODE 77)
endif()
