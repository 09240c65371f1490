// Reading the files users and other tools hand over (backups, change lists,
// probe results, policies). Writing goes through secproto/write.h.
#ifndef SECPROTO_FILES_H_
#define SECPROTO_FILES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "secproto/error.h"

namespace secproto {

/// Reads a whole file. Errors: kTarget for missing, a directory, or denied.
Expected<std::vector<uint8_t>> ReadFileBytes(const std::string& path);

}  // namespace secproto

#endif  // SECPROTO_FILES_H_
