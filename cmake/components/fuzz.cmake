# libFuzzer targets (issue 2): configure a separate clang build with
#   cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ \
#         -DSECPROTO_FUZZ=ON -DSECPROTO_BUILD_TESTS=OFF
# scripts/test.d/40-fuzz.sh builds and runs every target named *_fuzzer, each
# on its seed corpus fuzz/corpus/<name>/.
#
# The fuzzers compile only the library sources they exercise (secproto_fuzz_core),
# with fuzz/compat/ first on the include path: clang 14 cannot compile GCC 12's
# <expected>, so that folder holds a small std::expected for clang < 16.
if(SECPROTO_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "SECPROTO_FUZZ=ON needs clang: add -DCMAKE_CXX_COMPILER=clang++")
  endif()
  set(SECPROTO_FUZZ_SANITIZERS address,undefined)

  # Sources a fuzzer may need: pure code with no OS or third-party calls.
  add_library(secproto_fuzz_core STATIC
    ${CMAKE_SOURCE_DIR}/src/core/protocols.cc
    ${CMAKE_SOURCE_DIR}/src/core/strings.cc
    ${CMAKE_SOURCE_DIR}/src/registry/dry_run.cc
    ${CMAKE_SOURCE_DIR}/src/registry/registry.cc
    ${CMAKE_SOURCE_DIR}/src/registry/reg_file.cc)
  target_include_directories(secproto_fuzz_core BEFORE PUBLIC ${CMAKE_SOURCE_DIR}/fuzz/compat)
  target_include_directories(secproto_fuzz_core PUBLIC ${CMAKE_SOURCE_DIR}/include ${CMAKE_SOURCE_DIR}/src)
  target_compile_options(secproto_fuzz_core PUBLIC
    -fsanitize=fuzzer-no-link,${SECPROTO_FUZZ_SANITIZERS} -fno-sanitize-recover=undefined
    -fno-omit-frame-pointer -g)
  target_link_options(secproto_fuzz_core PUBLIC -fsanitize=${SECPROTO_FUZZ_SANITIZERS})

  # secproto_add_fuzzer(NAME SOURCES...): the executable NAME_fuzzer, run by
  # scripts/test.d/40-fuzz.sh with the corpus fuzz/corpus/NAME/. Call it from
  # this file or from a component file that sorts after it.
  function(secproto_add_fuzzer name)
    add_executable(${name}_fuzzer ${ARGN})
    target_link_libraries(${name}_fuzzer PRIVATE secproto_fuzz_core)
    target_link_options(${name}_fuzzer PRIVATE -fsanitize=fuzzer,${SECPROTO_FUZZ_SANITIZERS})
  endfunction()

  secproto_add_fuzzer(protocols ${CMAKE_SOURCE_DIR}/fuzz/protocols_fuzzer.cc)
  secproto_add_fuzzer(regfile ${CMAKE_SOURCE_DIR}/fuzz/regfile_fuzzer.cc)
endif()
