// Names of verdicts, outcomes and alerts; the verdict rules; the JSON line of
// a probe result and its parser.
#include <algorithm>
#include <array>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <utility>

#include "core/strings.h"
#include "secproto/probe.h"

namespace secproto {
namespace {

using Json = nlohmann::ordered_json;

constexpr EnumName<Verdict> kVerdicts[] = {
    {Verdict::kOffered, "offered"},
    {Verdict::kNotOffered, "not-offered"},
    {Verdict::kInconclusive, "inconclusive"},
};

constexpr EnumName<Outcome> kOutcomes[] = {
    {Outcome::kAccepted, "accepted"},
    {Outcome::kHelloRetryRequest, "hello-retry-request"},
    {Outcome::kLowerVersion, "lower-version"},
    {Outcome::kHigherVersion, "higher-version"},
    {Outcome::kAlert, "alert"},
    {Outcome::kReset, "reset"},
    {Outcome::kClose, "close"},
    {Outcome::kTimeout, "timeout"},
    {Outcome::kNonTls, "non-tls"},
    {Outcome::kMalformed, "malformed"},
    {Outcome::kConnectFailed, "connect-failed"},
    {Outcome::kResolveFailed, "resolve-failed"},
    {Outcome::kUnknown, "unknown"},
};

constexpr std::array<std::pair<uint8_t, std::string_view>, 32> kAlerts{{
    {0, "close_notify"},
    {10, "unexpected_message"},
    {20, "bad_record_mac"},
    {21, "decryption_failed"},
    {22, "record_overflow"},
    {30, "decompression_failure"},
    {40, "handshake_failure"},
    {41, "no_certificate"},
    {42, "bad_certificate"},
    {43, "unsupported_certificate"},
    {44, "certificate_revoked"},
    {45, "certificate_expired"},
    {46, "certificate_unknown"},
    {47, "illegal_parameter"},
    {48, "unknown_ca"},
    {49, "access_denied"},
    {50, "decode_error"},
    {51, "decrypt_error"},
    {60, "export_restriction"},
    {70, "protocol_version"},
    {71, "insufficient_security"},
    {80, "internal_error"},
    {86, "inappropriate_fallback"},
    {90, "user_canceled"},
    {100, "no_renegotiation"},
    {109, "missing_extension"},
    {110, "unsupported_extension"},
    {112, "unrecognized_name"},
    {113, "bad_certificate_status_response"},
    {115, "unknown_psk_identity"},
    {116, "certificate_required"},
    {120, "no_application_protocol"},
}};

// Alerts that mean "I will not do this version with you": the version, the
// cipher suites or the hello itself was refused. Others (internal_error,
// unrecognized_name, ...) say nothing reliable about the version.
bool IsRefusalAlert(uint8_t d) {
  switch (d) {
    case 10:  // unexpected_message: old stacks answering a hello they cannot parse
    case 40:  // handshake_failure
    case 47:  // illegal_parameter
    case 50:  // decode_error
    case 70:  // protocol_version
    case 71:  // insufficient_security
    case 86:  // inappropriate_fallback
      return true;
    default:
      return false;
  }
}

// Answers that may come from a version-intolerant server as much as from a
// flaky network: believed only when every attempt agrees.
bool IsSoftRefusal(Outcome o, const AnswerDetail& d) {
  switch (o) {
    case Outcome::kClose:
    case Outcome::kReset:
    case Outcome::kNonTls:
      return true;
    case Outcome::kAlert:
      return d.alert_description == 0;  // close_notify instead of a ServerHello
    default:
      return false;
  }
}

std::string VersionText(uint16_t v) {
  for (const ProtocolInfo& p : AllProtocols()) {
    if (p.wire_version == v) return std::string(p.short_name);
  }
  return Hex16(v);
}

std::optional<uint16_t> ParseVersionText(const std::string& s) {
  for (const ProtocolInfo& p : AllProtocols()) {
    if (p.short_name == s) return p.wire_version;
  }
  return ParseHex16(s);
}

Json DetailJson(const VersionResult& v) {
  const AnswerDetail& d = v.detail;
  Json j = Json::object();
  if (d.server_version) j["version"] = VersionText(*d.server_version);
  if (d.cipher_suite) j["cipher"] = Hex16(*d.cipher_suite);
  if (d.group) j["group"] = GroupIanaName(*d.group);
  if (d.alert_description) {
    j["alert"] = *d.alert_description;
    j["alert_name"] = std::string(AlertName(*d.alert_description));
    j["alert_level"] = d.alert_level == 1 ? "warning" : "fatal";
  }
  if (d.ssl2_error) j["ssl2_error"] = *d.ssl2_error;
  if (d.ssl2_cipher_count) j["ssl2_ciphers"] = *d.ssl2_cipher_count;
  if (!d.downgrade_sentinel.empty()) j["downgrade_sentinel"] = d.downgrade_sentinel;
  if (!d.warnings.empty()) j["warnings"] = d.warnings;
  if (!d.message.empty()) j["message"] = d.message;
  j["bytes"] = d.bytes_read;
  j["attempts"] = v.attempts;
  return j;
}

}  // namespace

std::string_view VerdictName(Verdict v) { return NameIn(kVerdicts, v, "inconclusive"); }

std::string_view OutcomeName(Outcome o) { return NameIn(kOutcomes, o, "malformed"); }

std::optional<Verdict> ParseVerdictName(std::string_view name) { return ValueIn(kVerdicts, name); }

std::optional<Outcome> ParseOutcomeName(std::string_view name) { return ValueIn(kOutcomes, name); }

std::string_view AlertName(uint8_t description) {
  for (const auto& [k, n] : kAlerts) {
    if (k == description) return n;
  }
  return "";
}

std::optional<Verdict> DecideVerdict(Protocol asked, std::span<const Outcome> outcomes,
                                     std::span<const AnswerDetail> details, int attempts_left) {
  (void)asked;
  if (outcomes.empty()) return std::nullopt;
  const Outcome last = outcomes.back();
  const AnswerDetail& d = details.back();
  switch (last) {
    case Outcome::kAccepted:
    case Outcome::kHelloRetryRequest:
      return Verdict::kOffered;
    case Outcome::kLowerVersion:
    case Outcome::kHigherVersion:
      return Verdict::kNotOffered;
    case Outcome::kAlert:
      if (d.ssl2_error || (d.alert_description && IsRefusalAlert(*d.alert_description))) {
        return Verdict::kNotOffered;
      }
      break;
    case Outcome::kResolveFailed:
      return Verdict::kInconclusive;  // retrying a name lookup at once rarely helps
    default:
      break;
  }
  if (attempts_left > 0) return std::nullopt;
  // Out of attempts: a refusal that every attempt repeated is believed.
  for (size_t i = 0; i < outcomes.size(); ++i) {
    if (!IsSoftRefusal(outcomes[i], details[i])) return Verdict::kInconclusive;
  }
  return Verdict::kNotOffered;
}

bool EndpointResult::Reachable() const {
  return std::any_of(versions.begin(), versions.end(), [](const VersionResult& v) {
    return v.outcome != Outcome::kConnectFailed && v.outcome != Outcome::kResolveFailed;
  });
}

std::string EndpointResult::Failure() const {
  if (!error.empty()) return error;
  if (Reachable()) return "";
  std::string why = "unreachable";
  if (!versions.empty()) {
    const VersionResult& v = versions.front();
    why += " (" + std::string(OutcomeName(v.outcome)) +
           (v.detail.message.empty() ? "" : ": " + v.detail.message) + ")";
  }
  return why;
}

const VersionResult* EndpointResult::Find(Protocol p) const {
  for (const VersionResult& v : versions) {
    if (v.protocol == p) return &v;
  }
  return nullptr;
}

ProtocolSet EndpointResult::Offered() const {
  uint32_t bits = 0;
  for (const VersionResult& v : versions) {
    if (v.verdict == Verdict::kOffered) bits |= Info(v.protocol).bit;
  }
  return ProtocolSet(bits);
}

std::string ProbeResultJsonLine(const EndpointResult& r) {
  Json j;
  j["endpoint"] = r.endpoint.ToString();
  j["ip"] = r.ip.empty() ? Json(nullptr) : Json(r.ip);
  Json versions = Json::object();
  for (const VersionResult& v : r.versions) {
    Json one;
    one["verdict"] = std::string(VerdictName(v.verdict));
    one["outcome"] = std::string(OutcomeName(v.outcome));
    one["detail"] = DetailJson(v);
    if (v.enumerated) {
      Json suites = Json::array();
      for (uint16_t c : v.suites) suites.push_back(SuiteIanaName(c));
      Json groups = Json::array();
      for (uint16_t g : v.groups) groups.push_back(GroupIanaName(g));
      one["suites"] = std::move(suites);
      one["groups"] = std::move(groups);
      one["order"] = v.order.empty() ? Json(nullptr) : Json(v.order);
      one["suites_complete"] = v.suites_complete;
      one["groups_complete"] = v.groups_complete;
    }
    versions[std::string(Info(v.protocol).short_name)] = std::move(one);
  }
  j["versions"] = std::move(versions);
  j["connections"] = r.connections;
  if (!r.error.empty()) j["error"] = r.error;
  return j.dump();
}

Expected<EndpointResult> ParseProbeResultJsonLine(std::string_view line) {
  auto bad = [](const std::string& why) { return Fail(Error::Input(why, "bad-probe-results")); };
  Json j = Json::parse(line.begin(), line.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return bad("not a JSON object (expected a line of `secproto probe --json`)");
  }
  auto endpoint = j.find("endpoint");
  if (endpoint == j.end() || !endpoint->is_string() || endpoint->get<std::string>().empty()) {
    return bad("no \"endpoint\" string");
  }
  const std::string name = endpoint->get<std::string>();
  auto ep = ParseEndpoint(name);
  if (!ep) return Fail(ep.error());
  EndpointResult r;
  r.endpoint = *ep;
  if (j.contains("ip") && j["ip"].is_string()) r.ip = j["ip"].get<std::string>();
  if (auto err = j.find("error"); err != j.end() && !err->is_null()) {
    r.error = err->is_string() ? err->get<std::string>() : err->dump();
  }
  if (!j.contains("versions") || !j["versions"].is_object()) {
    if (!r.error.empty()) return r;
    return bad("endpoint " + name + " has no \"versions\" object");
  }
  const Json& versions = j["versions"];
  for (const ProtocolInfo& p : AllProtocols()) {
    auto it = versions.find(std::string(p.short_name));
    if (it == versions.end()) continue;
    const Json& one = *it;
    const std::string where = "endpoint " + name + ": \"" + std::string(p.short_name) + "\"";
    if (!one.is_object()) return bad(where + " is not an object");
    auto verdict = one.contains("verdict") && one["verdict"].is_string()
                       ? ParseVerdictName(one["verdict"].get<std::string>())
                       : std::nullopt;
    if (!verdict) return bad(where + " has no verdict offered/not-offered/inconclusive");
    // A missing or newer outcome says nothing the verdict does not.
    auto outcome = one.contains("outcome") && one["outcome"].is_string()
                       ? ParseOutcomeName(one["outcome"].get<std::string>())
                       : std::nullopt;
    VersionResult v;
    v.protocol = p.id;
    v.verdict = *verdict;
    v.outcome = outcome.value_or(Outcome::kUnknown);
    if (one.contains("suites") && one["suites"].is_array()) {
      v.enumerated = true;
      for (const Json& n : one["suites"]) {
        auto code = n.is_string() ? SuiteFromIanaName(n.get<std::string>()) : std::nullopt;
        if (!code) return bad(where + " names an unknown cipher suite");
        v.suites.push_back(*code);
      }
      if (one.contains("groups") && one["groups"].is_array()) {
        for (const Json& n : one["groups"]) {
          auto id = n.is_string() ? GroupFromIanaName(n.get<std::string>()) : std::nullopt;
          if (!id) return bad(where + " names an unknown group");
          v.groups.push_back(*id);
        }
      }
      if (one.contains("order") && one["order"].is_string()) {
        v.order = one["order"].get<std::string>();
      }
      if (one.contains("suites_complete") && one["suites_complete"].is_boolean()) {
        v.suites_complete = one["suites_complete"].get<bool>();
      }
      if (one.contains("groups_complete") && one["groups_complete"].is_boolean()) {
        v.groups_complete = one["groups_complete"].get<bool>();
      }
    }
    if (one.contains("detail") && one["detail"].is_object()) {
      const Json& d = one["detail"];
      if (d.contains("version") && d["version"].is_string()) {
        v.detail.server_version = ParseVersionText(d["version"].get<std::string>());
      }
      if (d.contains("cipher") && d["cipher"].is_string()) {
        v.detail.cipher_suite = ParseVersionText(d["cipher"].get<std::string>());
      }
      if (d.contains("alert") && d["alert"].is_number_unsigned()) {
        v.detail.alert_description = static_cast<uint8_t>(d["alert"].get<unsigned>());
        // "alert_level" is "warning" or "fatal"; anything else reads as fatal.
        v.detail.alert_level = d.contains("alert_level") && d["alert_level"] == "warning" ? 1 : 2;
      }
      if (d.contains("ssl2_error") && d["ssl2_error"].is_number_unsigned()) {
        v.detail.ssl2_error = static_cast<uint16_t>(d["ssl2_error"].get<unsigned>());
      }
      if (d.contains("ssl2_ciphers") && d["ssl2_ciphers"].is_number_unsigned()) {
        v.detail.ssl2_cipher_count = static_cast<uint16_t>(d["ssl2_ciphers"].get<unsigned>());
      }
      if (d.contains("downgrade_sentinel") && d["downgrade_sentinel"].is_string()) {
        v.detail.downgrade_sentinel = d["downgrade_sentinel"].get<std::string>();
      }
      if (d.contains("group") && d["group"].is_string()) {
        v.detail.group = GroupFromIanaName(d["group"].get<std::string>());
      }
      if (d.contains("warnings") && d["warnings"].is_array()) {
        for (const Json& w : d["warnings"]) {
          if (w.is_number_unsigned()) v.detail.warnings.push_back(w.get<uint8_t>());
        }
      }
      if (d.contains("message") && d["message"].is_string()) {
        v.detail.message = d["message"].get<std::string>();
      }
      if (d.contains("bytes") && d["bytes"].is_number_unsigned()) {
        v.detail.bytes_read = d["bytes"].get<size_t>();
      }
      if (d.contains("attempts") && d["attempts"].is_number_unsigned()) {
        v.attempts = d["attempts"].get<int>();
      }
    }
    r.versions.push_back(std::move(v));
  }
  if (j.contains("connections") && j["connections"].is_number_unsigned()) {
    r.connections = j["connections"].get<int>();
  }
  return r;
}

Expected<std::vector<EndpointResult>> ParseProbeResultJsonLines(std::string_view text) {
  std::vector<EndpointResult> out;
  for (const NumberedLine& line : NonBlankLines(text)) {
    auto r = ParseProbeResultJsonLine(line.text);
    if (!r) {
      Error e = r.error();
      e.message = "line " + std::to_string(line.number) + ": " + e.message;
      return Fail(std::move(e));
    }
    out.push_back(std::move(*r));
  }
  return out;
}

}  // namespace secproto
