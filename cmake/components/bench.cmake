# Benchmark tools and the probe/impact end-to-end tests (issue 6).
if(NOT WIN32)
  add_executable(relay ${CMAKE_SOURCE_DIR}/bench/relay.cc)
  target_compile_options(relay PRIVATE -Wall -Wextra)
endif()
