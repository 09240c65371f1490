#include "version.h"

// secproto_build_info.h is written at build time by packaging/git-commit.cmake
// (SECPROTO_GIT_COMMIT); a build without it reports "unknown".
#if __has_include("secproto_build_info.h")
#include "secproto_build_info.h"
#endif
#ifndef SECPROTO_GIT_COMMIT
#define SECPROTO_GIT_COMMIT "unknown"
#endif

namespace secproto::cli {

std::string Version() { return SECPROTO_VERSION; }

std::string GitCommit() { return SECPROTO_GIT_COMMIT; }

bool HasHiveBackend() {
#ifdef SECPROTO_HAVE_HIVEX
  return true;
#else
  return false;
#endif
}

std::string VersionText() {
  return "secproto " + Version() + "\ncommit " + GitCommit() +
         "\nhive backend: " + (HasHiveBackend() ? "yes" : "no");
}

}  // namespace secproto::cli
