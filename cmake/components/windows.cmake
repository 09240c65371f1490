# Windows packaging: `cpack` (or scripts/package-windows) in the cross build
# makes dist/secproto-VERSION-win64.zip with secproto.exe, README.md,
# WINDOWS.md and LICENSE.
if(WIN32)
  if(EXISTS ${CMAKE_SOURCE_DIR}/README.md)
    install(FILES ${CMAKE_SOURCE_DIR}/README.md DESTINATION .)
  else()
    install(FILES ${CMAKE_SOURCE_DIR}/docs/WINDOWS.md DESTINATION . RENAME README.md)
  endif()
  install(FILES ${CMAKE_SOURCE_DIR}/docs/WINDOWS.md ${CMAKE_SOURCE_DIR}/LICENSE DESTINATION .)

  set(CPACK_GENERATOR ZIP)
  set(CPACK_PACKAGE_NAME secproto)
  set(CPACK_PACKAGE_VENDOR "the secproto authors")
  set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
  set(CPACK_PACKAGE_FILE_NAME secproto-${PROJECT_VERSION}-win64)
  set(CPACK_PACKAGE_DIRECTORY ${CMAKE_SOURCE_DIR}/dist)
  set(CPACK_INCLUDE_TOPLEVEL_DIRECTORY OFF)
  set(CPACK_RESOURCE_FILE_LICENSE ${CMAKE_SOURCE_DIR}/LICENSE)
  include(CPack)
endif()

# The service that scripts/test.d/50-windows.sh registers under Wine as WinRM
# and WebClient to prove --restart-services (tests/service/test_service.cc).
if(WIN32 AND SECPROTO_BUILD_TESTS)
  add_executable(secproto_test_service ${CMAKE_SOURCE_DIR}/tests/service/test_service.cc)
  target_link_libraries(secproto_test_service PRIVATE advapi32)
  target_compile_options(secproto_test_service PRIVATE -Wall -Wextra)
endif()
