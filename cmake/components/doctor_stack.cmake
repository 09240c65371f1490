# The stack doctor (issue 13): every stack code is found on a hive image and a
# .reg target, and its printed fix clears it (tests/e2e/doctor_stack.sh). The
# model's scenario table is a unit test (tests/unit/stack_explain_test.cc).
if(SECPROTO_BUILD_TESTS AND NOT WIN32 AND NOT CMAKE_CROSSCOMPILING)
  add_test(NAME e2e_doctor_stack
           COMMAND bash ${CMAKE_SOURCE_DIR}/tests/e2e/doctor_stack.sh $<TARGET_FILE:secproto>
                   ${CMAKE_SOURCE_DIR})
  set_tests_properties(e2e_doctor_stack PROPERTIES TIMEOUT 300)
endif()
