# Probe benchmark tools and the probe/impact end-to-end tests (issue 6).
if(NOT WIN32)
  # bench/relay: the delaying loopback TCP relay that bench/probe_bench.sh
  # puts in front of the servers to add round-trip time.
  add_executable(relay ${CMAKE_SOURCE_DIR}/bench/relay.cc)
  target_compile_options(relay PRIVATE -Wall -Wextra)

  if(SECPROTO_BUILD_TESTS AND NOT CMAKE_CROSSCOMPILING)
    # secproto probe vs sslscan vs testssl.sh on local openssl s_server instances.
    add_test(NAME e2e.probe_crosscheck
             COMMAND ${CMAKE_SOURCE_DIR}/tests/e2e/probe_crosscheck.sh $<TARGET_FILE:secproto>
                     ${CMAKE_SOURCE_DIR})
    set_tests_properties(e2e.probe_crosscheck PROPERTIES TIMEOUT 300 SKIP_RETURN_CODE 77)
    # secproto probe + impact on local servers.
    add_test(NAME e2e.impact
             COMMAND ${CMAKE_SOURCE_DIR}/tests/e2e/impact_e2e.sh $<TARGET_FILE:secproto>
                     ${CMAKE_SOURCE_DIR})
    set_tests_properties(e2e.impact PROPERTIES TIMEOUT 120 SKIP_RETURN_CODE 77)
  endif()
endif()
