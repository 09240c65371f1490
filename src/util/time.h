// The current time as text.
#ifndef SECPROTO_UTIL_TIME_H_
#define SECPROTO_UTIL_TIME_H_

#include <string>

namespace secproto {

/// The current UTC time formatted with strftime's `format`,
/// e.g. "%Y-%m-%dT%H:%M:%SZ".
std::string FormatUtcNow(const char* format);

}  // namespace secproto

#endif  // SECPROTO_UTIL_TIME_H_
