// What `explain --component` and `doctor` add for the whole TLS stack: the
// components' JSON and text, the stack reading of a target, and the
// `--tls-policy` what-if (docs/MODEL.md R18 on).
#ifndef SECPROTO_CLI_EXPLAIN_STACK_H_
#define SECPROTO_CLI_EXPLAIN_STACK_H_

#include <memory>
#include <string>
#include <vector>

#include "common.h"
#include "secproto/stack_explain.h"

namespace secproto::cli {

/// A mem registry holding what `policy` (a template or file, with `sets`,
/// its --set lines, over it) compiles to on `os_id`: the what-if of
/// `explain --tls-policy`.
Expected<std::unique_ptr<RegistryBackend>> PolicyWhatIf(const std::string& policy,
                                                        const std::vector<std::string>& sets,
                                                        const std::string& os_id);

/// The stack of the target, or an empty StackConfig (OS defaults) for a
/// what-if (backend null).
Expected<StackConfig> ReadStackOrDefaults(RegistryBackend* backend);

/// `components` of explain --json: keyed by component name.
Json ComponentsJson(const std::vector<ComponentExplanation>& components);

/// One short block per component; the steps only when `verbose`.
void PrintComponents(const std::vector<ComponentExplanation>& components, bool verbose);

}  // namespace secproto::cli

#endif  // SECPROTO_CLI_EXPLAIN_STACK_H_
