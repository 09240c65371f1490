// Registry.xml frame and items for both GPP emitters (gpp_xml.h).
#include "emit/gpp_xml.h"

#include <cstdio>

#include "secproto/emit.h"
#include "util/time.h"

namespace secproto::emit_internal {
namespace {

constexpr std::string_view kEol = "\r\n";
constexpr std::string_view kRegistrySettingsClsid = "{A3CCFC41-DFDB-43a5-8D26-0FE8B954DA51}";
constexpr std::string_view kRegistryItemClsid = "{9CD4B2F4-923D-47f5-A062-E897DD1DAD50}";

}  // namespace

std::string GppUid(bool fixed_ids, int n) {
  if (!fixed_ids) return NewGuid();
  char buf[48];
  std::snprintf(buf, sizeof buf, "{00000000-0000-4000-8000-%012d}", n);
  return buf;
}

std::string GppChanged(bool fixed_ids) {
  return fixed_ids ? "2000-01-01 00:00:00" : FormatUtcNow("%Y-%m-%d %H:%M:%S");
}

std::string GppDocumentStart(std::vector<std::string> header) {
  std::string x = "<?xml version=\"1.0\" encoding=\"utf-8\"?>";
  x += kEol;
  x += "<!--";
  x += kEol;
  for (std::string& line : header) {
    for (size_t p; (p = line.find("--")) != std::string::npos;) line.replace(p, 2, "- -");
    x += "  " + line;
    x += kEol;
  }
  x += "-->";
  x += kEol;
  x += "<RegistrySettings clsid=\"" + std::string(kRegistrySettingsClsid) + "\">";
  x += kEol;
  return x;
}

std::string GppDocumentEnd() { return "</RegistrySettings>" + std::string(kEol); }

std::string GppRegistryItem(const GppItem& item, const std::string& values_xml) {
  std::string name = XmlEscape(item.name);
  std::string x = "\t<Registry clsid=\"" + std::string(kRegistryItemClsid) + "\" name=\"" + name +
                  "\" status=\"" + name + "\" image=\"" + (item.remove ? "13" : "12") +
                  "\" changed=\"" + std::string(item.changed) + "\" uid=\"" +
                  std::string(item.uid) + "\" desc=\"" + XmlEscape(item.desc) +
                  "\" bypassErrors=\"1\">";
  x += kEol;
  x += "\t\t<Properties action=\"" + std::string(item.remove ? "D" : "U") +
       "\" displayDecimal=\"0\" default=\"0\" hive=\"HKEY_LOCAL_MACHINE\" key=\"" +
       XmlEscape(item.subkey) + "\" name=\"" + name + "\" type=\"" + std::string(item.type) +
       "\" value=\"" + XmlEscape(item.value) + "\"";
  if (values_xml.empty()) {
    x += "/>";
    x += kEol;
  } else {
    x += ">";
    x += kEol;
    x += values_xml;
    x += "\t\t</Properties>";
    x += kEol;
  }
  x += "\t</Registry>";
  x += kEol;
  return x;
}

}  // namespace secproto::emit_internal
