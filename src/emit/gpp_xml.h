// The Group Policy Preferences Registry.xml both GPP emitters write (export
// PROTOCOLS and export --tls-policy): the document frame and one Registry
// item, CRLF line ends. Internal to the emitters.
#ifndef SECPROTO_EMIT_GPP_XML_H_
#define SECPROTO_EMIT_GPP_XML_H_

#include <string>
#include <string_view>
#include <vector>

namespace secproto::emit_internal {

/// The client-side extension pair a GPO lists in gPCMachineExtensionNames for
/// Registry preferences: the Preferences Registry CSE and its MMC snap-in.
inline constexpr std::string_view kGppCsePair =
    "[{B087BE9D-ED37-454F-AF9C-04291E351182}{BEE07A6A-EC9F-4659-B8C9-0B1937907C83}]";

/// The uid of the `n`th item (from 1): a fixed GUID with `fixed_ids`
/// (reproducible output), a random one otherwise.
std::string GppUid(bool fixed_ids, int n);

/// The items' `changed` attribute: a fixed time with `fixed_ids`, now (UTC)
/// otherwise.
std::string GppChanged(bool fixed_ids);

/// The XML declaration, `header` as a comment (with "--" written "- -",
/// which an XML comment may not hold) and the RegistrySettings start tag.
std::string GppDocumentStart(std::vector<std::string> header);

/// The RegistrySettings end tag.
std::string GppDocumentEnd();

/// One value of a Registry item. `remove`: delete it (action D), else create
/// or update it (action U). `type` is "REG_DWORD", "REG_SZ" ...; `value` the
/// Properties value attribute. Text is escaped here.
struct GppItem {
  std::string_view subkey;  ///< below HKLM
  std::string_view name;
  bool remove = false;
  std::string_view type;
  std::string_view value;
  std::string_view desc;
  std::string_view uid;
  std::string_view changed;
};

/// The item's Registry start tag and its Properties element; the Properties
/// element holds `values_xml` (GPP's <Values> of a REG_MULTI_SZ) when not
/// empty.
std::string GppRegistryItem(const GppItem& item, const std::string& values_xml = "");

}  // namespace secproto::emit_internal

#endif  // SECPROTO_EMIT_GPP_XML_H_
