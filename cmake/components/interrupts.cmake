# SIGINT/SIGTERM end to end (issue 23): audit, policy apply on a hive pair and
# probe --json, each interrupted; see tests/e2e/interrupts.sh.
if(SECPROTO_BUILD_TESTS AND NOT WIN32 AND NOT CMAKE_CROSSCOMPILING)
  add_test(NAME e2e_interrupts
           COMMAND bash ${CMAKE_SOURCE_DIR}/tests/e2e/interrupts.sh
                   $<TARGET_FILE:secproto> ${CMAKE_SOURCE_DIR})
  set_tests_properties(e2e_interrupts PROPERTIES TIMEOUT 300 SKIP_RETURN_CODE 77)
endif()
