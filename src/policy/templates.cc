// Template lookup: the names in the order the docs present them.
#include "policy/templates.h"

#include <algorithm>
#include <string>

#include "secproto/policy.h"

namespace secproto {
namespace {

// The documented order (docs/POLICY.md); any other template follows by name.
constexpr std::string_view kOrder[] = {"modern",    "intermediate", "old",
                                       "pci-dss-4", "fips-140",     "os-default"};

}  // namespace

std::vector<std::string> TemplateNames() {
  std::vector<std::string> out;
  for (std::string_view n : kOrder) {
    if (TemplateText(n)) out.emplace_back(n);
  }
  for (const EmbeddedTemplate& t : EmbeddedTemplates()) {
    if (std::find(std::begin(kOrder), std::end(kOrder), t.name) == std::end(kOrder)) {
      out.emplace_back(t.name);
    }
  }
  return out;
}

std::optional<std::string_view> TemplateText(std::string_view name) {
  for (const EmbeddedTemplate& t : EmbeddedTemplates()) {
    if (t.name == name) return t.text;
  }
  return std::nullopt;
}

}  // namespace secproto
