# Issue 29 (the first hour with the whole stack): every --help example runs as
# printed, and the names, messages and tenses a new user meets, through the
# real binary.
if(SECPROTO_BUILD_TESTS AND NOT CMAKE_CROSSCOMPILING)
  add_test(NAME e2e_help_examples
           COMMAND bash ${CMAKE_SOURCE_DIR}/tests/e2e/help_examples.sh $<TARGET_FILE:secproto>)
  set_tests_properties(e2e_help_examples PROPERTIES TIMEOUT 300)
  add_test(NAME e2e_first_hour_stack
           COMMAND bash ${CMAKE_SOURCE_DIR}/tests/e2e/first_hour_stack.sh $<TARGET_FILE:secproto>)
endif()
