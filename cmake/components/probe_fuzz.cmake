# libFuzzer target for the prober's answer parser (issue 6), built with the
# helpers of fuzz.cmake (which sorts before this file) and run by
# scripts/test.d/40-fuzz.sh on the seed corpus fuzz/corpus/probe_answer/.
if(SECPROTO_FUZZ)
  secproto_add_fuzzer(probe_answer
    ${CMAKE_SOURCE_DIR}/fuzz/probe_answer_fuzzer.cc
    ${CMAKE_SOURCE_DIR}/src/probe/answer.cc)
endif()
