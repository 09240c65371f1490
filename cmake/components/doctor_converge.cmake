# doctor's one fix (issue 25): for every fixable code alone and every pair on
# one OS, the one printed command clears every fixable finding in one pass and
# weakens nothing (tests/e2e/doctor_converge.sh).
if(SECPROTO_BUILD_TESTS AND NOT WIN32 AND NOT CMAKE_CROSSCOMPILING)
  add_test(NAME e2e_doctor_converge_singles
           COMMAND bash ${CMAKE_SOURCE_DIR}/tests/e2e/doctor_converge.sh $<TARGET_FILE:secproto>
                   ${CMAKE_SOURCE_DIR} singles)
  add_test(NAME e2e_doctor_converge_pairs
           COMMAND bash ${CMAKE_SOURCE_DIR}/tests/e2e/doctor_converge.sh $<TARGET_FILE:secproto>
                   ${CMAKE_SOURCE_DIR} pairs)
  set_tests_properties(e2e_doctor_converge_singles e2e_doctor_converge_pairs
                       PROPERTIES TIMEOUT 900)
endif()
