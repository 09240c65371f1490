# policy plan/apply/check/recover: end-to-end tests of the real binary on
# image pairs, checked with hivexget, reglookup and hivexregedit, and the
# crash-safety test of the two-hive commit (a small N here; the figure in
# docs/BENCHMARKS.md is from N=200).
if(SECPROTO_BUILD_TESTS AND NOT WIN32)
  add_test(NAME e2e_policy
           COMMAND bash ${CMAKE_SOURCE_DIR}/tests/e2e/policy.sh $<TARGET_FILE:secproto>)
  add_test(NAME e2e_policy_crash_safety
           COMMAND bash ${CMAKE_SOURCE_DIR}/tests/e2e/policy_crash.sh $<TARGET_FILE:secproto> 30)
  add_test(NAME e2e_policy_templates
           COMMAND bash ${CMAKE_SOURCE_DIR}/tests/e2e/policy_templates.sh $<TARGET_FILE:secproto>)
  set_tests_properties(e2e_policy PROPERTIES TIMEOUT 180)
  set_tests_properties(e2e_policy_templates PROPERTIES TIMEOUT 600)
  set_tests_properties(e2e_policy_crash_safety PROPERTIES TIMEOUT 300)
endif()
