# Writes ${OUT} with SECPROTO_GIT_COMMIT, the short commit of ${SRC} (with
# "-dirty" when tracked files differ), and touches it only when the text
# changes, so a rebuild recompiles src/cli/version.cc alone and only then.
#   cmake -DSRC=<source dir> -DOUT=<header> [-DCOMMIT=<override>] -P git-commit.cmake
if(NOT COMMIT)
  set(COMMIT unknown)
  find_program(GIT git)
  if(GIT AND EXISTS ${SRC}/.git)
    execute_process(COMMAND ${GIT} -C ${SRC} rev-parse --short=12 HEAD
                    OUTPUT_VARIABLE head OUTPUT_STRIP_TRAILING_WHITESPACE
                    RESULT_VARIABLE rc ERROR_QUIET)
    if(rc EQUAL 0 AND head)
      set(COMMIT ${head})
      execute_process(COMMAND ${GIT} -C ${SRC} diff --quiet HEAD --
                      RESULT_VARIABLE dirty ERROR_QUIET)
      if(NOT dirty EQUAL 0)
        string(APPEND COMMIT -dirty)
      endif()
    endif()
  endif()
endif()
set(text "#define SECPROTO_GIT_COMMIT \"${COMMIT}\"\n")
if(EXISTS ${OUT})
  file(READ ${OUT} old)
endif()
if(NOT "${old}" STREQUAL "${text}")
  file(WRITE ${OUT} "${text}")
endif()
