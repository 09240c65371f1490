// Group Policy Preferences Registry.xml (docs/REGFILE.md, docs/gpp-registry.xsd) and Ansible
// (ansible.windows.win_regedit). The XML is written by hand with XmlEscape
// rather than through an XML library: the document is a fixed shape of two
// items, and a library (pugixml is not header-only) would have to be built for
// the Windows cross build too. xmllint checks the output against
// docs/gpp-registry.xsd in the tests.
#include <cstdio>
#include <string>

#include "emit/emit_common.h"
#include "secproto/protocols.h"
#include "util/time.h"

namespace secproto::emit_internal {
namespace {

constexpr std::string_view kRegistrySettingsClsid = "{A3CCFC41-DFDB-43a5-8D26-0FE8B954DA51}";
constexpr std::string_view kRegistryItemClsid = "{9CD4B2F4-923D-47f5-A062-E897DD1DAD50}";
/// The client-side extension pair a GPO lists in gPCMachineExtensionNames for
/// Registry preferences: the Preferences Registry CSE and its MMC snap-in.
constexpr std::string_view kCsePair =
    "[{B087BE9D-ED37-454F-AF9C-04291E351182}{BEE07A6A-EC9F-4659-B8C9-0B1937907C83}]";

std::string FixedGuid(int n) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "{00000000-0000-4000-8000-%012d}", n);
  return buf;
}

std::string RegistryXml(const ExportOptions& o) {
  const char* eol = "\r\n";
  std::string changed = o.fixed_ids ? "2000-01-01 00:00:00" : FormatUtcNow("%Y-%m-%d %H:%M:%S");
  std::string x = "<?xml version=\"1.0\" encoding=\"utf-8\"?>";
  x += eol;
  x += "<!--";
  x += eol;
  // "--" may not appear inside an XML comment.
  std::vector<std::string> header = HeaderLines(
      o, ExportFormat::kGpp,
      {"Apply: in the Group Policy Management Editor open Computer Configuration >",
       "  Preferences > Windows Settings > Registry, and paste the two Registry items",
       "  (or copy this file to <GPO>\\Machine\\Preferences\\Registry\\Registry.xml; see",
       "  README.txt from secproto export with gpo-backup). Runs at the next policy refresh."});
  for (std::string& line : header) {
    if (size_t p = line.find("--format"); p != std::string::npos) line.replace(p, 8, "-f");
    for (size_t p; (p = line.find("--")) != std::string::npos;) line.replace(p, 2, "- -");
  }
  x += Comment(header, "  ", eol);
  x += "-->";
  x += eol;
  x += "<RegistrySettings clsid=\"" + std::string(kRegistrySettingsClsid) + "\">";
  x += eol;
  int n = 0;
  for (const ViewKey& k : ViewKeys()) {
    ++n;
    std::string uid = o.fixed_ids ? FixedGuid(n) : NewGuid();
    std::string desc = "secproto: view " + k.view + ", read by " + k.who;
    x += "\t<Registry clsid=\"" + std::string(kRegistryItemClsid) +
         "\" name=\"DefaultSecureProtocols\" status=\"DefaultSecureProtocols\" image=\"" +
         (o.unset ? "13" : "12") + "\" changed=\"" + changed + "\" uid=\"" + uid + "\" desc=\"" +
         XmlEscape(desc) + "\" bypassErrors=\"1\">";
    x += eol;
    x += "\t\t<Properties action=\"" + std::string(o.unset ? "D" : "U") +
         "\" displayDecimal=\"0\" default=\"0\" hive=\"HKEY_LOCAL_MACHINE\" key=\"" +
         XmlEscape(k.subkey) + "\" name=\"DefaultSecureProtocols\" type=\"REG_DWORD\" value=\"" +
         (o.unset ? std::string("00000000") : Hex8(o.value)) + "\"/>";
    x += eol;
    x += "\t</Registry>";
    x += eol;
  }
  for (const SchannelKey& k : SchannelKeys(o)) {
    for (const auto& [name, value] : kSchannelValues) {
      ++n;
      std::string uid = o.fixed_ids ? FixedGuid(n) : NewGuid();
      std::string desc = "secproto: SCHANNEL " + k.protocol + " client, as Easy Fix 51044";
      x += "\t<Registry clsid=\"" + std::string(kRegistryItemClsid) + "\" name=\"" +
           std::string(name) + "\" status=\"" + std::string(name) + "\" image=\"12\" changed=\"" +
           changed + "\" uid=\"" + uid + "\" desc=\"" + XmlEscape(desc) + "\" bypassErrors=\"1\">";
      x += eol;
      x += "\t\t<Properties action=\"U\" displayDecimal=\"0\" default=\"0\" "
           "hive=\"HKEY_LOCAL_MACHINE\" key=\"" +
           XmlEscape(k.subkey) + "\" name=\"" + std::string(name) +
           "\" type=\"REG_DWORD\" value=\"" + Hex8(value) + "\"/>";
      x += eol;
      x += "\t</Registry>";
      x += eol;
    }
  }
  x += "</RegistrySettings>";
  x += eol;
  return x;
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
  line("       " + std::string(kCsePair));
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
  std::string meta = "---\n";
  meta += "galaxy_info:\n";
  meta += "  author: secproto\n";
  meta += "  description: WinHTTP DefaultSecureProtocols in both registry views\n";
  meta += "  license: MIT\n";
  meta += "  min_ansible_version: \"2.14\"\n";
  meta += "  platforms:\n";
  meta += "    - name: Windows\n";
  meta += "      versions:\n";
  meta += "        - all\n";
  meta += "dependencies: []\n";
  a.files.push_back({"meta/main.yml", meta});
  std::string test = "---\n";
  test += "# Syntax and check-mode test: ansible-playbook -i tests/inventory tests/test.yml\n";
  test += "- name: Apply the secproto role\n";
  test += "  hosts: windows\n";
  test += "  gather_facts: false\n";
  test += "  roles:\n";
  test += "    - role: \"{{ playbook_dir }}/..\"\n";
  a.files.push_back({"tests/test.yml", test});
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
