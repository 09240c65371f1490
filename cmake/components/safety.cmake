# Data safety on hives and .reg files (issues 10 and 18): the real binary
# against hives built by the test, checked with hivexget, hivexsh, reglookup.
if(SECPROTO_BUILD_TESTS AND NOT WIN32)
  add_test(NAME e2e_hive_safety
           COMMAND bash ${CMAKE_SOURCE_DIR}/tests/e2e/hive_safety.sh $<TARGET_FILE:secproto>)
  set_tests_properties(e2e_hive_safety PROPERTIES TIMEOUT 180)
endif()
