// Group Policy Preferences Registry.xml (docs/REGFILE.md, docs/gpp-registry.xsd) and Ansible
// (ansible.windows.win_regedit). The XML is written by hand with XmlEscape
// rather than through an XML library: the document is a fixed shape of two
// items, and a library (pugixml is not header-only) would have to be built for
// the Windows cross build too. xmllint checks the output against
// docs/gpp-registry.xsd in the tests.
#include <string>

#include "emit/emit_common.h"
#include "emit/gpp_xml.h"
#include "secproto/protocols.h"

namespace secproto::emit_internal {
namespace {

std::string RegistryXml(const ExportOptions& o) {
  std::string changed = GppChanged(o.fixed_ids);
  std::vector<std::string> header = HeaderLines(
      o, ExportFormat::kGpp,
      {"Apply: in the Group Policy Management Editor open Computer Configuration >",
       "  Preferences > Windows Settings > Registry, and paste the two Registry items",
       "  (or copy this file to <GPO>\\Machine\\Preferences\\Registry\\Registry.xml; see",
       "  README.txt from secproto export with gpo-backup). Runs at the next policy refresh."});
  for (std::string& line : header) {
    if (size_t p = line.find("--format"); p != std::string::npos) line.replace(p, 8, "-f");
  }
  std::string x = GppDocumentStart(std::move(header));
  int n = 0;
  for (const ViewKey& k : ViewKeys()) {
    std::string uid = GppUid(o.fixed_ids, ++n);
    std::string desc = "secproto: view " + k.view + ", read by " + k.who;
    std::string value = o.unset ? std::string("00000000") : Hex8(o.value);
    x += GppRegistryItem(
        {k.subkey, "DefaultSecureProtocols", o.unset, "REG_DWORD", value, desc, uid, changed});
  }
  for (const SchannelKey& k : SchannelKeys(o)) {
    for (const auto& [name, value] : kSchannelValues) {
      std::string uid = GppUid(o.fixed_ids, ++n);
      std::string desc = "secproto: SCHANNEL " + k.protocol + " client, as Easy Fix 51044";
      x += GppRegistryItem({k.subkey, name, false, "REG_DWORD", Hex8(value), desc, uid, changed});
    }
  }
  return x + GppDocumentEnd();
}

std::string GpoReadme(const ExportOptions& o) {
  std::string r;
  const char* eol = "\r\n";
  auto line = [&](const std::string& s) { r += s + eol; };
  line("secproto Group Policy Preferences: WinHTTP DefaultSecureProtocols");
  line("=================================================================");
  line("");
  line("Policy: " + PolicyLine(o));
  line("");
  line("Machine/Preferences/Registry/Registry.xml holds one Registry item per view:");
  for (const ViewKey& k : ViewKeys()) line("  HKLM\\" + k.subkey + " (view " + k.view + ")");
  line(std::string("Both write REG_DWORD DefaultSecureProtocols with action ") +
       (o.unset ? "D (delete)." : "U (update: creates the key and value when missing)."));
  line("");
  line("To use it in a GPO:");
  line("  1. Create or pick a GPO in Group Policy Management; note its GUID.");
  line("  2. Copy the Machine folder into \\\\<domain>\\SYSVOL\\<domain>\\Policies\\{GPO GUID}\\");
  line("     (merge with an existing Registry.xml by hand: keep one RegistrySettings root).");
  line("  3. The GPO must list the Registry preferences client-side extension pair in its");
  line("     gPCMachineExtensionNames attribute:");
  line("       " + std::string(kGppCsePair));
  line("     (B087BE9D-... is the Preferences Registry CSE, BEE07A6A-... its editor).");
  line("     Opening the GPO in the Group Policy Management Editor and saving any Registry");
  line("     preference item adds it, and also raises the GPO version so clients apply it.");
  line("  Or simply: open Registry.xml, copy the <Registry> items, and paste them into");
  line("  Computer Configuration > Preferences > Windows Settings > Registry in the editor.");
  line("");
  line("WinHTTP reads the value once per process: after the next policy refresh restart");
  line(RestartServices() + ", Office and .NET WinHttpHandler apps, or reboot.");
  line("Made by secproto " + std::string(SECPROTO_VERSION) + ".");
  return r;
}

// ---- Ansible ----

// The tasks, indented for a playbook (6) or a role's tasks file (0).
std::string AnsibleTasks(const ExportOptions& o, int indent, bool role) {
  std::string pad(indent, ' ');
  std::string t;
  auto line = [&](const std::string& s) { t += s.empty() ? "\n" : pad + s + "\n"; };
  line("- name: Find out whether Windows is 64-bit (a WOW6432Node key exists)");
  line("  ansible.windows.win_reg_stat:");
  line("    path: HKLM:\\SOFTWARE\\WOW6432Node");
  line("  register: secproto_wow64");
  bool first = true;
  for (const ViewKey& k : ViewKeys()) {
    line("");
    line("- name: DefaultSecureProtocols, view " + k.view + " (" +
         (k.view == "64" ? "native key" : "WOW6432Node key") + ")");
    line("  ansible.windows.win_regedit:");
    line(std::string("    path: HKLM:\\SOFTWARE\\") + (k.view == "32" ? "WOW6432Node\\" : "") +
         "{{ secproto_key }}");
    line("    name: DefaultSecureProtocols");
    if (o.unset) {
      line("    state: absent");
    } else {
      line(role ? "    data: \"{{ secproto_value | int }}\""
                : "    data: " + std::to_string(o.value) + "  # " + Hex(o.value));
      line("    type: dword");
      line("    state: present");
    }
    if (!first) line("  when: secproto_wow64.exists");
    first = false;
  }
  for (const SchannelKey& k : SchannelKeys(o)) {
    for (const auto& [name, value] : kSchannelValues) {
      line("");
      line("- name: SCHANNEL " + k.protocol + " client " + std::string(name) + " = " +
           std::to_string(value) + " (as Easy Fix 51044)");
      line("  ansible.windows.win_regedit:");
      line("    path: \"{{ secproto_sp }}\\\\SCHANNEL\\\\Protocols\\\\" + k.protocol +
           "\\\\Client\"");
      line("    name: " + std::string(name));
      line("    data: " + std::to_string(value));
      line("    type: dword");
      line("    state: present");
    }
  }
  return t;
}

// The key below HKLM\SOFTWARE (and below its WOW6432Node), as a variable
// so that every line stays within yamllint's 80 columns.
std::string KeyVar() {
  return "secproto_key: " + WinHttpSubkey(false).substr(std::string_view("SOFTWARE\\").size());
}

// --with-schannel: the SecurityProviders key, which SCHANNEL is below.
constexpr std::string_view kSpVar =
    "secproto_sp: HKLM:\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders";

std::string YamlHeader(const ExportOptions& o, const std::vector<std::string>& apply) {
  return "---\n" + Comment(HeaderLines(o, ExportFormat::kAnsible, apply), "# ");
}

std::string PlayName(const ExportOptions& o) {
  if (o.unset) return "Remove WinHTTP DefaultSecureProtocols";
  return "Set WinHTTP DefaultSecureProtocols to " + Hex(o.value) + " (" +
         ProtocolSet(o.value).Describe() + ")";
}

// The role's galaxy metadata and its test play.
constexpr std::string_view kRoleMeta = R"YAML(---
galaxy_info:
  author: secproto
  description: WinHTTP DefaultSecureProtocols in both registry views
  license: MIT
  min_ansible_version: "2.14"
  platforms:
    - name: Windows
      versions:
        - all
dependencies: []
)YAML";
constexpr std::string_view kRoleTest = R"YAML(---
# Syntax and check-mode test: ansible-playbook -i tests/inventory tests/test.yml
- name: Apply the secproto role
  hosts: windows
  gather_facts: false
  roles:
    - role: "{{ playbook_dir }}/.."
)YAML";

}  // namespace

Artifact EmitGpp(const ExportOptions& o) {
  if (!o.gpo_backup) return Artifact{false, {{"", RegistryXml(o)}}};
  return Artifact{true,
                  {{"Machine/Preferences/Registry/Registry.xml", RegistryXml(o)},
                   {"README.txt", GpoReadme(o)}}};
}

Artifact EmitAnsible(const ExportOptions& o) {
  if (!o.ansible_role) {
    std::string p = YamlHeader(
        o, {"Apply: ansible-playbook -i INVENTORY <this file> [--check --diff]",
            "  (hosts: the group windows, or -e secproto_hosts=GROUP); idempotent."});
    p += "- name: " + PlayName(o) + "\n";
    p += "  hosts: \"{{ secproto_hosts | default('windows') }}\"\n";
    p += "  gather_facts: false\n";
    p += "  vars:\n";
    p += "    " + KeyVar() + "\n";
    if (!SchannelKeys(o).empty()) p += "    " + std::string(kSpVar) + "\n";
    p += "  tasks:\n";
    p += AnsibleTasks(o, 4, false);
    return Artifact{false, {{"", std::move(p)}}};
  }
  std::vector<std::string> apply = {
      "Apply: list this role in a play for your Windows hosts (see README.md);",
      "  ansible-playbook supports --check --diff; idempotent."};
  Artifact a{true, {}};
  a.files.push_back({"tasks/main.yml", YamlHeader(o, apply) + AnsibleTasks(o, 0, true)});
  std::string defaults = YamlHeader(o, apply);
  if (o.unset) {
    defaults += "# Nothing to set: this role removes the value.\n{}\n";
  } else {
    defaults += "# The DefaultSecureProtocols bitmask (" + Hex(o.value) + ": " +
                ProtocolSet(o.value).Describe() + ").\n";
    defaults += "secproto_value: " + std::to_string(o.value) + "\n";
  }
  a.files.push_back({"defaults/main.yml", defaults});
  std::string vars =
      "---\n# The WinHttp key below HKLM\\SOFTWARE and HKLM\\SOFTWARE\\WOW6432Node.\n" + KeyVar() +
      "\n";
  if (!SchannelKeys(o).empty()) vars += std::string(kSpVar) + "\n";
  a.files.push_back({"vars/main.yml", vars});
  a.files.push_back({"meta/main.yml", std::string(kRoleMeta)});
  a.files.push_back({"tests/test.yml", std::string(kRoleTest)});
  a.files.push_back({"tests/inventory", "[windows]\n"});
  std::string readme = "# secproto role: WinHTTP DefaultSecureProtocols\n\n";
  readme += "Policy: " + PolicyLine(o) + "\n\n";
  readme += "Sets (or removes) `DefaultSecureProtocols` as an explicit `REG_DWORD` in both\n";
  readme += "registry views: the native key and, on 64-bit Windows, the WOW6432Node key.\n";
  readme += "Requires the `ansible.windows` collection.\n\n";
  readme += "```yaml\n- hosts: windows\n  roles:\n    - role: secproto_winhttp\n```\n\n";
  if (!o.unset) readme += "Variable: `secproto_value` (default " + std::to_string(o.value) + ").\n";
  readme += "\nWinHTTP reads the value once per process: restart " + RestartServices() +
            ", Office and .NET WinHttpHandler apps, or reboot.\n";
  readme += "Made by secproto " + std::string(SECPROTO_VERSION) + ".\n";
  a.files.push_back({"README.md", readme});
  return a;
}

}  // namespace secproto::emit_internal
