# Layering (issue 11): src/core, src/registry, src/util and src/probe never
# include a header of cli, audit, emit, explain or ops (tests/lint/layering.py).
if(SECPROTO_BUILD_TESTS AND NOT CMAKE_CROSSCOMPILING)
  find_package(Python3 COMPONENTS Interpreter)
  if(Python3_Interpreter_FOUND)
    add_test(NAME lint.layering
             COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/lint/layering.py
                     ${CMAKE_SOURCE_DIR})
    add_test(NAME lint.layering_self_test
             COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/lint/layering.py --self-test)
  endif()
endif()
