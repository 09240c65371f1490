// The policy templates compiled into the binary from policies/*.toml
// (cmake/components/policy.cmake writes the table).
#ifndef SECPROTO_POLICY_TEMPLATES_H_
#define SECPROTO_POLICY_TEMPLATES_H_

#include <span>
#include <string_view>

namespace secproto {

/// One template: its name (the file stem) and its TOML text.
struct EmbeddedTemplate {
  std::string_view name;
  std::string_view text;
};

/// Every template, sorted by name.
std::span<const EmbeddedTemplate> EmbeddedTemplates();

}  // namespace secproto

#endif  // SECPROTO_POLICY_TEMPLATES_H_
