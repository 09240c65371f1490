# `--set KEY=VALUE` on the policy commands (docs/POLICY.md "--set").
if(SECPROTO_BUILD_TESTS AND NOT CMAKE_CROSSCOMPILING)
  add_test(NAME e2e_policy_set
           COMMAND bash ${CMAKE_SOURCE_DIR}/tests/e2e/policy_set.sh $<TARGET_FILE:secproto>
                   ${CMAKE_SOURCE_DIR})
endif()
