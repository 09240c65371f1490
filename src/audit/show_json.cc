// The `show --json` shape: writer and reader side by side (show_json.h).
#include "secproto/show_json.h"

#include "secproto/audit.h"
#include "secproto/protocols.h"
#include "core/strings.h"

namespace secproto {

std::string ArchitectureName(Architecture a) {
  switch (a) {
    case Architecture::k64Bit:
      return "64-bit";
    case Architecture::k32Bit:
      return "32-bit";
    case Architecture::kUnknown:
      break;
  }
  return "unknown";
}

OrderedJson ProtocolSetJson(uint32_t value) {
  ProtocolSet s(value);
  OrderedJson j;
  j["value"] = value;
  j["hex"] = s.Hex();
  j["protocols"] = s.Names();
  return j;
}

OrderedJson ValueJson(const std::optional<RegValue>& v) {
  using Json = OrderedJson;
  Json j;
  j["value_exists"] = v.has_value();
  j["type"] = v ? Json(RegTypeName(v->type)) : Json(nullptr);
  j["type_code"] = v ? Json(v->type) : Json(nullptr);
  j["raw"] = v ? Json(v->HexData()) : Json(nullptr);
  auto d = v ? v->AsDword() : std::nullopt;
  j["value"] = d ? Json(*d) : Json(nullptr);
  j["hex"] = d ? Json(ProtocolSet(*d).Hex()) : Json(nullptr);
  j["protocols"] = d ? Json(ProtocolSet(*d).Names()) : Json(nullptr);
  return j;
}

OrderedJson FindingJson(const Finding& f) {
  return OrderedJson{
      {"code", f.code}, {"severity", f.severity}, {"view", f.view}, {"message", f.message}};
}

namespace {

OrderedJson FindingsJson(const std::vector<Finding>& findings) {
  OrderedJson f = OrderedJson::array();
  for (const Finding& x : findings) f.push_back(FindingJson(x));
  return f;
}

using Json = nlohmann::json;

Error BadJson(const std::string& what) { return Error::Input(what, "bad-json"); }

// Reads what ValueJson wrote: the value from "type_code" and "raw".
Expected<std::optional<RegValue>> ReadValue(const Json& v) {
  if (!v.is_object()) return Fail(BadJson("a view is not an object"));
  auto exists = v.find("value_exists");
  if (exists == v.end() || !exists->is_boolean()) {
    return Fail(BadJson("a view has no value_exists"));
  }
  if (!exists->get<bool>()) return std::optional<RegValue>();
  auto type = v.find("type_code");
  auto raw = v.find("raw");
  if (type == v.end() || !type->is_number_unsigned() || raw == v.end() || !raw->is_string()) {
    return Fail(BadJson("a view has no type_code or raw"));
  }
  const std::string& hex = raw->get_ref<const std::string&>();
  if (hex.size() % 2 != 0) return Fail(BadJson("raw has an odd number of digits"));
  auto data = HexDecode(hex);
  if (!data) return Fail(BadJson("raw is not hex"));
  return std::optional<RegValue>(RegValue{type->get<uint32_t>(), std::move(*data)});
}

}  // namespace

OrderedJson ViewStateJson(const ViewState& vs) {
  OrderedJson j;
  j["key"] = vs.key;
  j["physical_key"] = vs.physical_key;
  j["key_exists"] = vs.key_exists;
  const OrderedJson value = ValueJson(vs.value);
  for (const auto& [name, member] : value.items()) j[name] = member;
  j["used_by_winhttp"] = vs.UsedByWinHttp();
  j["findings"] = FindingsJson(vs.findings);
  return j;
}

OrderedJson InspectionJson(const Inspection& ins) {
  OrderedJson j;
  j["target"] = ins.target;
  j["architecture"] = ArchitectureName(ins.architecture);
  OrderedJson views = OrderedJson::object();
  for (const ViewState& vs : ins.views) views[std::string(ViewName(vs.view))] = ViewStateJson(vs);
  j["views"] = views;
  j["findings"] = FindingsJson(ins.findings);
  j["force_default_secure_protocols"] =
      ins.force_default ? ValueJson(ins.force_default) : OrderedJson(nullptr);
  return j;
}

Expected<std::unique_ptr<RegistryBackend>> ReadShowJsonSnapshot(std::string_view text,
                                                                std::string describe) {
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return Fail(BadJson("not valid JSON"));
  if (auto e = j.find("error"); e != j.end()) {
    std::string msg = "collection failed";
    if (e->is_object() && e->contains("message") && (*e)["message"].is_string()) {
      msg += ": " + (*e)["message"].get<std::string>();
    }
    return Fail(Error::Target(msg, "collection-failed"));
  }
  auto views = j.find("views");
  if (views == j.end() || !views->is_object()) {
    return Fail(BadJson("JSON without \"views\": not `secproto show --json` output"));
  }
  Architecture arch = Architecture::kUnknown;
  if (auto a = j.find("architecture"); a != j.end() && a->is_string()) {
    for (Architecture known : {Architecture::k64Bit, Architecture::k32Bit}) {
      if (*a == ArchitectureName(known)) arch = known;
    }
  }
  SnapshotView sv[2];
  bool any = false;
  const View kViews[2] = {View::k64, View::k32};
  for (int i = 0; i < 2; ++i) {
    auto v = views->find(std::string(ViewName(kViews[i])));
    if (v == views->end()) continue;
    any = true;
    SECPROTO_ASSIGN_OR_RETURN(value, ReadValue(*v));
    sv[i].value = std::move(value);
    auto ke = v->find("key_exists");
    sv[i].key_exists = (ke != v->end() && ke->is_boolean() && ke->get<bool>()) || sv[i].value;
  }
  if (!any) return Fail(BadJson("\"views\" holds neither \"64\" nor \"32\""));
  if (auto f = j.find("force_default_secure_protocols"); f != j.end() && f->is_object()) {
    SECPROTO_ASSIGN_OR_RETURN(force, ReadValue(*f));
    sv[0].force_default = std::move(force);
  }
  // A 64-bit OS always has both views; a show of a 32-bit OS lists only "64".
  return NewSnapshotBackend(std::move(describe), arch, std::move(sv[0]), std::move(sv[1]));
}

}  // namespace secproto
