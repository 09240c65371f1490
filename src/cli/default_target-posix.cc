#include "common.h"

namespace secproto::cli {

// Linux has no live registry: the user must name a target.
std::string DefaultTarget() { return ""; }

}  // namespace secproto::cli
