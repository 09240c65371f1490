// The whole-stack policy as Group Policy Preferences Registry items (checked
// against docs/gpp-registry-policy.xsd in the tests) with a README naming the
// reboot, an Ansible playbook whose win_reboot handler is notified only by
// values read at boot, and the Ansible collection playbook.
#include <string>

#include "core/strings.h"
#include "emit/emit_policy_common.h"
#include "emit/gpp_xml.h"

namespace secproto::policy_emit {
namespace {

std::string RegistryXml(const FleetPolicy& fp, const PolicyExportOptions& o) {
  const char* eol = "\r\n";
  std::string changed = emit_internal::GppChanged(o.fixed_ids);
  std::string x = emit_internal::GppDocumentStart(PolicyHeader(
      fp, PolicyExportFormat::kGpp,
      {"Apply: copy Registry.xml to <GPO>\\Machine\\Preferences\\Registry\\ (README.txt), or "
       "paste its items into Computer Configuration > Preferences > Windows Settings > "
       "Registry. Runs at the next policy refresh."}));
  int n = 0;
  for (const FleetItem& i : fp.items) {
    std::string uid = emit_internal::GppUid(o.fixed_ids, ++n);
    std::string desc = "secproto " + std::string(AuditComponentName(ComponentOf(i.key, i.name))) +
                       (i.effect == Effect::kReboot ? " (reboot)" : "") + ": " + i.why;
    std::string type = i.value ? TypeName(*i.value) : "REG_DWORD";
    std::string value;
    std::string values;
    if (!i.value) {
      value = "00000000";
    } else if (auto d = i.value->AsDword()) {
      value = Hex32(*d).substr(2);
    } else if (i.value->type == kRegMultiSz) {
      values = "\t\t\t<Values>";
      values += eol;
      for (const std::string& s : MultiSzItems(*i.value)) {
        value += (value.empty() ? "" : " ") + s;
        values += "\t\t\t\t<Value>" + XmlEscape(s) + "</Value>";
        values += eol;
      }
      values += "\t\t\t</Values>";
      values += eol;
    } else {
      value = SzText(*i.value);
    }
    std::string subkey = SubkeyOf(i);
    x += emit_internal::GppRegistryItem({subkey, i.name, !i.value, type, value, desc, uid, changed},
                                        values);
  }
  return x + emit_internal::GppDocumentEnd();
}

std::string GpoReadme(const FleetPolicy& fp, const PolicyExportOptions& o) {
  std::string r;
  const char* eol = "\r\n";
  auto line = [&](const std::string& s) { r += s + eol; };
  line("secproto Group Policy Preferences: whole-stack TLS policy \"" + fp.policy + "\"");
  line("");
  std::string os;
  for (const std::string& id : fp.os_ids) os += (os.empty() ? "" : ", ") + id;
  line("Compiled for: " + os);
  line(std::to_string(fp.items.size()) + " Registry items, each with its exact type (REG_DWORD, ");
  line("REG_SZ for the suite list, REG_MULTI_SZ for the curve list), action " +
       std::string(fp.unset ? "D (delete)." : "U (update: creates a missing key and value)."));
  line("");
  line(RebootLine(fp));
  line("Group Policy Preferences apply at the policy refresh and do not restart the computer:");
  line("plan the restart (maintenance window, or `shutdown /r` from your tooling) after the");
  line("first refresh. Values not read at boot apply when the services and apps restart.");
  line("");
  line("To use it in a GPO:");
  line(o.gpo_backup ? "  1. Copy the Machine folder into "
                      "\\\\<domain>\\SYSVOL\\<domain>\\Policies\\{GPO GUID}\\"
                    : "  1. Copy Registry.xml to \\\\<domain>\\SYSVOL\\<domain>\\Policies\\{GPO "
                      "GUID}\\Machine\\Preferences\\Registry\\");
  line("     (merge with an existing Registry.xml by hand: keep one RegistrySettings root).");
  line("  2. The GPO lists the Registry preferences client-side extension pair in");
  line("     gPCMachineExtensionNames: " + std::string(emit_internal::kGppCsePair));
  line("     (saving any Registry preference item in the editor adds it and raises the version).");
  line("Made by secproto " + std::string(SECPROTO_VERSION) + ".");
  return r;
}

constexpr std::string_view kHandler = "Reboot for the TLS policy";

}  // namespace

Artifact EmitPolicyGpp(const FleetPolicy& fp, const PolicyExportOptions& o) {
  std::string xml = RegistryXml(fp, o);
  std::string path = o.gpo_backup ? "Machine/Preferences/Registry/Registry.xml" : "Registry.xml";
  return Artifact{true, {{path, xml}, {"README.txt", GpoReadme(fp, o)}}};
}

Artifact EmitPolicyAnsible(const FleetPolicy& fp) {
  std::string p = "---\n";
  p += Comment(PolicyHeader(fp, PolicyExportFormat::kAnsible,
                            {"Apply: ansible-playbook -i INVENTORY <this file> [--check --diff] "
                             "(hosts: the group windows, or -e secproto_hosts=GROUP); idempotent.",
                             "The handler \"" + std::string(kHandler) +
                                 "\" (ansible.windows.win_reboot) runs only when a value read "
                                 "at boot changed; -e secproto_reboot=false skips it."}),
               "# ");
  p += "# Registry paths are longer than 80 columns.\n";
  p += "# yamllint disable rule:line-length\n";
  p += "- name: Apply the TLS policy " + fp.policy + " (secproto)\n";
  p += "  hosts: \"{{ secproto_hosts | default('windows') }}\"\n";
  p += "  gather_facts: false\n";
  p += "  tasks:\n";
  p += "    - name: Find out whether Windows is 64-bit (a WOW6432Node key exists)\n";
  p += "      ansible.windows.win_reg_stat:\n";
  p += "        path: HKLM:\\SOFTWARE\\WOW6432Node\n";
  p += "      register: secproto_wow64\n";
  for (const FleetItem& i : fp.items) {
    p += "\n";
    std::string title = std::string(AuditComponentName(ComponentOf(i.key, i.name))) + ": " +
                        PhysicalKey(i.view, i.key) + "\\" + i.name;
    p += "    - name: " + SingleQuote(title) + "\n";
    p += "      ansible.windows.win_regedit:\n";
    p += "        path: " + SingleQuote("HKLM:\\" + SubkeyOf(i)) + "\n";
    p += "        name: " + SingleQuote(i.name) + "\n";
    if (!i.value) {
      p += "        state: absent\n";
    } else {
      if (auto d = i.value->AsDword()) {
        p += "        data: " + std::to_string(*d) + "\n";
      } else if (i.value->type == kRegMultiSz) {
        p += "        data:\n";
        for (const std::string& s : MultiSzItems(*i.value))
          p += "          - " + SingleQuote(s) + "\n";
      } else {
        p += "        data: " + SingleQuote(SzText(*i.value)) + "\n";
      }
      p += "        type: " + std::string(TypeNamesOf(*i.value).ansible) + "\n";
      p += "        state: present\n";
    }
    if (IsWow(i)) p += "      when: secproto_wow64.exists\n";
    if (i.effect == Effect::kReboot) p += "      notify: " + std::string(kHandler) + "\n";
  }
  p += "\n  handlers:\n";
  p += "    - name: " + std::string(kHandler) + "\n";
  p += "      ansible.windows.win_reboot:\n";
  p += "        msg: " +
       SingleQuote("secproto TLS policy " + fp.policy + ": values read at boot changed") + "\n";
  p += "      when: secproto_reboot | default(true) | bool\n";
  return Artifact{false, {{"", p}}};
}

Artifact EmitCollectAnsible(const FleetPolicy& fp) {
  std::string p = "---\n";
  p += Comment(
      PolicyHeader(fp, PolicyExportFormat::kCollectAnsible,
                   {"Run: ansible-playbook -i INVENTORY collect.yml (collect.ps1 beside it).",
                    "Each host writes one combined .reg of the keys the audit reads; the files "
                    "land on the controller in collected/<run>/<host>.reg (-e "
                    "secproto_collect_dir=DIR to change collected/).",
                    "Then: secproto audit collected/<run> --tls-policy " + fp.policy}),
      "# ");
  p += R"YAML(# yamllint disable rule:line-length
- name: Collect the TLS policy keys (secproto)
  hosts: "{{ secproto_hosts | default('windows') }}"
  gather_facts: false
  vars:
    secproto_remote: C:\Windows\Temp\secproto-collect.reg
  tasks:
    - name: Name this run once for every host (UTC time on the controller)
      ansible.builtin.set_fact:
        secproto_run: "{{ lookup('ansible.builtin.pipe', 'date -u +%Y%m%dT%H%M%SZ') }}"
      run_once: true

    - name: Export the keys into one .reg on the host
      ansible.windows.win_powershell:
        script: "{{ lookup('ansible.builtin.file', 'collect.ps1') }}"
        parameters:
          OutFile: "{{ secproto_remote }}"
          RegOnly: true
      changed_when: false

    - name: Fetch it to the controller, one folder per run
      ansible.builtin.fetch:
        src: "{{ secproto_remote }}"
        dest: "{{ secproto_collect_dir | default('collected') }}/{{ secproto_run }}/{{ inventory_hostname }}.reg"
        flat: true

    - name: Remove it from the host
      ansible.windows.win_file:
        path: "{{ secproto_remote }}"
        state: absent
)YAML";
  Artifact a{true, {}};
  a.files.push_back({"collect.yml", p});
  a.files.push_back({"collect.ps1", EmitCollectPs1(fp).files.front().content});
  return a;
}

}  // namespace secproto::policy_emit
