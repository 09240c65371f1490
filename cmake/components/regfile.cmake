# The reg: target (issue 2): end-to-end test and benchmark.
if(SECPROTO_BUILD_TESTS AND NOT CMAKE_CROSSCOMPILING)
  add_test(NAME e2e_regfile
           COMMAND bash ${CMAKE_SOURCE_DIR}/tests/e2e/regfile.sh $<TARGET_FILE:secproto>
                   ${CMAKE_SOURCE_DIR})
endif()

# Not built by default: `ninja -C build regfile_bench && build/regfile_bench 100000`.
if(NOT SECPROTO_FUZZ)
  add_executable(regfile_bench EXCLUDE_FROM_ALL ${CMAKE_SOURCE_DIR}/bench/regfile_bench.cc)
  target_include_directories(regfile_bench PRIVATE ${CMAKE_SOURCE_DIR}/src)
  target_link_libraries(regfile_bench PRIVATE secproto_lib)
endif()
