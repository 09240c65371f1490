# Issue 18 (the first hour): the CLI's pure text builders in the unit tests,
# and end-to-end checks of the binary, including the README's console
# transcripts compared with real output.
if(SECPROTO_BUILD_TESTS)
  target_sources(secproto_tests PRIVATE ${CMAKE_SOURCE_DIR}/src/cli/cli_text.cc)
endif()
if(SECPROTO_BUILD_TESTS AND NOT CMAKE_CROSSCOMPILING)
  add_test(NAME e2e_readme_console
           COMMAND bash ${CMAKE_SOURCE_DIR}/tests/e2e/readme_console.sh $<TARGET_FILE:secproto>
                   ${CMAKE_SOURCE_DIR}/README.md)
  add_test(NAME e2e_first_hour
           COMMAND bash ${CMAKE_SOURCE_DIR}/tests/e2e/first_hour.sh $<TARGET_FILE:secproto>)
endif()
