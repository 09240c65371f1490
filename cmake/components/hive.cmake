# Offline hive targets: end-to-end tests that run the real binary and check
# its hives with hivexget, hivexsh, hivexml, reglookup and regfexport.
if(SECPROTO_BUILD_TESTS AND NOT WIN32)
  add_test(NAME e2e_hive
           COMMAND bash ${CMAKE_SOURCE_DIR}/tests/e2e/hive.sh $<TARGET_FILE:secproto>)
  add_test(NAME e2e_hive_crash_safety
           COMMAND bash ${CMAKE_SOURCE_DIR}/tests/e2e/hive_crash.sh $<TARGET_FILE:secproto> 200)
  set_tests_properties(e2e_hive PROPERTIES TIMEOUT 120)
  set_tests_properties(e2e_hive_crash_safety PROPERTIES TIMEOUT 150)
endif()
