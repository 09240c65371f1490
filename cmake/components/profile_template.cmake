# One word, one meaning: the WinHTTP profile and the stack template of the
# same name agree on a target whose OS is known (issue 23; README "PROTOCOLS").
if(SECPROTO_BUILD_TESTS AND NOT WIN32)
  add_test(NAME e2e_profile_template
           COMMAND bash ${CMAKE_SOURCE_DIR}/tests/e2e/profile_template.sh $<TARGET_FILE:secproto>)
  set_tests_properties(e2e_profile_template PROPERTIES TIMEOUT 300)
endif()
