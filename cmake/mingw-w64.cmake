# Toolchain for the Windows x64 cross build on Debian 12 (g++-mingw-w64-x86-64-posix).
#   cmake -S . -B build-win64 -G Ninja -DCMAKE_TOOLCHAIN_FILE=cmake/mingw-w64.cmake
# The result is one static secproto.exe: no libstdc++/libgcc/winpthread DLLs to ship.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(SECPROTO_MINGW_TRIPLE x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${SECPROTO_MINGW_TRIPLE}-gcc-posix)
set(CMAKE_CXX_COMPILER ${SECPROTO_MINGW_TRIPLE}-g++-posix)
set(CMAKE_RC_COMPILER ${SECPROTO_MINGW_TRIPLE}-windres)

# Look for libraries and headers only in the cross sysroot; the Linux
# /usr/include is never on the include path (the header-only packages are
# staged by the top CMakeLists.txt from their own folders).
set(CMAKE_FIND_ROOT_PATH /usr/${SECPROTO_MINGW_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# GCC 12 gives false -Wrestrict warnings inside std::string at -O3 (GCC bug 105329).
set(CMAKE_CXX_FLAGS_INIT "-Wno-restrict")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static -static-libgcc -static-libstdc++")

# Test binaries run under Wine (ctest, and the Windows suite in scripts/test.d).
find_program(SECPROTO_WINE64 NAMES wine64 wine PATHS /usr/lib/wine NO_CMAKE_FIND_ROOT_PATH)
if(SECPROTO_WINE64)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${SECPROTO_WINE64})
endif()
