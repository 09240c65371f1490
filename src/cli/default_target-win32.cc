#include "common.h"

namespace secproto::cli {

// On Windows the machine's own registry is the natural target.
std::string DefaultTarget() { return "live"; }

}  // namespace secproto::cli
