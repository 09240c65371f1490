# Data safety on hives and .reg files (issues 10 and 18): the real binary
# against hives built by the test, checked with hivexget, hivexsh, reglookup.
if(SECPROTO_BUILD_TESTS AND NOT WIN32)
  add_test(NAME e2e_hive_safety
           COMMAND bash ${CMAKE_SOURCE_DIR}/tests/e2e/hive_safety.sh $<TARGET_FILE:secproto>)
  set_tests_properties(e2e_hive_safety PROPERTIES TIMEOUT 180)
endif()

# One test over the command table (issue 23): every command path of
# `secproto __generate commands` is classified read/registry/file, and every
# writing command is checked for the guarantees of include/secproto/write.h.
if(SECPROTO_BUILD_TESTS AND NOT WIN32)
  add_test(NAME e2e_write_guarantees
           COMMAND bash ${CMAKE_SOURCE_DIR}/tests/e2e/write_guarantees.sh $<TARGET_FILE:secproto>)
  set_tests_properties(e2e_write_guarantees PROPERTIES TIMEOUT 180)
endif()
