# The explain model and doctor (issue 9): every command and flag that a help
# text or a doc names exists. The model's own tests are unit tests
# (tests/unit/explain_*, doctor_*, os_catalog_test.cc).
if(SECPROTO_BUILD_TESTS AND NOT WIN32 AND NOT CMAKE_CROSSCOMPILING)
  add_test(NAME e2e_help_commands
           COMMAND bash ${CMAKE_SOURCE_DIR}/tests/e2e/help_commands.sh
                   $<TARGET_FILE:secproto> ${CMAKE_SOURCE_DIR})
  set_tests_properties(e2e_help_commands PROPERTIES TIMEOUT 120)
endif()
