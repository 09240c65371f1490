# policy capture: the round trip capture -> show -> check on image pairs, hive
# pairs and .reg files (untouched and after each template), the output rules,
# and the IIS Crypto backup fixture (tests/fixtures/iiscrypto).
if(SECPROTO_BUILD_TESTS AND NOT WIN32)
  add_test(NAME e2e_policy_capture
           COMMAND bash ${CMAKE_SOURCE_DIR}/tests/e2e/policy_capture.sh $<TARGET_FILE:secproto>)
  set_tests_properties(e2e_policy_capture PROPERTIES TIMEOUT 300)
endif()
