// explain --component / --tls-policy and the stack part of doctor.
#include "explain_stack.h"

#include <iostream>

#include "secproto/policy.h"
#include "secproto/stack.h"

namespace secproto::cli {
namespace {

Json StepsJson(const std::vector<StackStep>& steps) {
  Json a = Json::array();
  for (const StackStep& s : steps) {
    a.push_back(
        Json{{"name", s.name}, {"outcome", s.outcome}, {"detail", s.detail}, {"source", s.source}});
  }
  return a;
}

Json VariantJson(const ComponentVariant& v) {
  Json j;
  j["protocols"] = v.protocols;
  j["suites"] = v.suites;
  j["curves"] = v.curves;
  j["in_effect"] = v.in_effect;
  if (!v.applies_to.empty()) j["applies_to"] = v.applies_to;
  j["steps"] = StepsJson(v.steps);
  return j;
}

std::string JoinNames(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : ", ") + s;
  return out.empty() ? "(none)" : out;
}

}  // namespace

Expected<std::unique_ptr<RegistryBackend>> PolicyWhatIf(const std::string& policy,
                                                        const std::vector<std::string>& sets,
                                                        const std::string& os_id) {
  if (os_id.empty()) {
    return Fail(Error::Usage("--tls-policy is a what-if on an OS: give --os ID", "no-os"));
  }
  SECPROTO_ASSIGN_OR_RETURN(p, LoadPolicy(policy, sets));
  SECPROTO_ASSIGN_OR_RETURN(compiled, CompilePolicy(p, os_id));
  std::unique_ptr<RegistryBackend> mem = NewMemBackend(Architecture::k64Bit);
  SECPROTO_TRY(ApplyChangesForWhatIf(*mem, compiled.changes));
  return mem;
}

Expected<StackConfig> ReadStackOrDefaults(RegistryBackend* backend) {
  if (!backend) {
    StackConfig s;
    s.target = "what-if";
    return s;
  }
  return ReadStack(*backend);
}

Json ComponentsJson(const std::vector<ComponentExplanation>& components) {
  Json out = Json::object();
  for (const ComponentExplanation& c : components) {
    Json j = VariantJson(c.Main());
    j.erase("in_effect");
    j["variant"] = c.Main().name.empty() ? Json(nullptr) : Json(c.Main().name);
    Json variants = Json::object();
    if (c.variants.size() > 1 || !c.Main().name.empty()) {
      for (const ComponentVariant& v : c.variants) variants[v.name] = VariantJson(v);
    }
    j["variants"] = variants;
    out[std::string(ComponentName(c.component))] = j;
  }
  return out;
}

void PrintComponents(const std::vector<ComponentExplanation>& components, bool verbose) {
  for (const ComponentExplanation& c : components) {
    std::cout << "\n" << ComponentName(c.component) << "\n";
    for (const ComponentVariant& v : c.variants) {
      std::string indent = "  ";
      if (!v.name.empty()) {
        std::cout << "  " << v.name << (v.in_effect ? "" : " (overridden)") << "\n";
        indent = "    ";
      }
      if (!v.applies_to.empty()) std::cout << indent << "for: " << v.applies_to << "\n";
      std::cout << indent << "protocols: " << JoinNames(v.protocols) << "\n";
      std::cout << indent << "suites (" << v.suites.size() << "): " << JoinNames(v.suites) << "\n";
      if (!v.curves.empty()) std::cout << indent << "curves: " << JoinNames(v.curves) << "\n";
      if (!verbose) continue;
      int n = 0;
      for (const StackStep& s : v.steps) {
        std::cout << indent << ++n << ". " << s.name << ": " << s.outcome << "\n";
        std::cout << indent << "   " << s.detail << "\n";
        std::cout << indent << "   source: " << s.source << "\n";
      }
    }
  }
}

}  // namespace secproto::cli
