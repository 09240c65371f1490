#include "secproto/protocols.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <string>
#include "core/strings.h"

namespace secproto {
namespace {

// WINHTTP_FLAG_SECURE_PROTOCOL_* (winhttp.h), equal to SP_PROT_*_CLIENT. The .NET
// numbers are here only to recognise the mix-up.
constexpr std::array<ProtocolInfo, kProtocolCount> kTable = {{
    {Protocol::kSsl2, ProtocolBit(Protocol::kSsl2), "SSL 2.0", "ssl2", "WINHTTP_FLAG_SECURE_PROTOCOL_SSL2", 0x0002,
     12, true, false},
    {Protocol::kSsl3, ProtocolBit(Protocol::kSsl3), "SSL 3.0", "ssl3", "WINHTTP_FLAG_SECURE_PROTOCOL_SSL3", 0x0300,
     48, true, false},
    {Protocol::kTls10, ProtocolBit(Protocol::kTls10), "TLS 1.0", "tls1.0", "WINHTTP_FLAG_SECURE_PROTOCOL_TLS1", 0x0301,
     192, false, true},
    {Protocol::kTls11, ProtocolBit(Protocol::kTls11), "TLS 1.1", "tls1.1", "WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_1",
     0x0302, 768, false, true},
    {Protocol::kTls12, ProtocolBit(Protocol::kTls12), "TLS 1.2", "tls1.2", "WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_2",
     0x0303, 3072, false, false},
    {Protocol::kTls13, ProtocolBit(Protocol::kTls13), "TLS 1.3", "tls1.3", "WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_3",
     0x0304, 12288, false, false},
}};

constexpr std::array<Profile, 4> kProfiles = {{
    {"modern", ProtocolBits(Protocol::kTls12, Protocol::kTls13), "TLS 1.2 + TLS 1.3"},
    {"tls12", ProtocolBit(Protocol::kTls12), "TLS 1.2 only"},
    {"compat", ProtocolBits(Protocol::kTls10, Protocol::kTls13), "TLS 1.0 - TLS 1.3"},
    {"easyfix", ProtocolBits(Protocol::kTls11, Protocol::kTls12), "TLS 1.1 + TLS 1.2, what Microsoft's Easy Fix 51044 writes"},
}};

// Every spelling an admin types for a protocol, after Normalize(): lower case,
// no spaces, dots, underscores or dashes, and "v" after "tls"/"ssl" dropped.
struct Alias {
  std::string_view key;
  Protocol protocol;
};
constexpr std::array<Alias, 9> kAliases = {{
    {"ssl2", Protocol::kSsl2},
    {"ssl20", Protocol::kSsl2},
    {"ssl3", Protocol::kSsl3},
    {"ssl30", Protocol::kSsl3},
    {"tls1", Protocol::kTls10},
    {"tls10", Protocol::kTls10},
    {"tls11", Protocol::kTls11},
    {"tls12", Protocol::kTls12},
    {"tls13", Protocol::kTls13},
}};

std::string Normalize(std::string_view raw) {
  std::string s = Lower(raw);
  constexpr std::string_view kFlagPrefix = "winhttp_flag_secure_protocol_";
  if (s.starts_with(kFlagPrefix)) s.erase(0, kFlagPrefix.size());
  constexpr std::string_view kSpPrefix = "sp_prot_";
  if (s.starts_with(kSpPrefix)) {
    s.erase(0, kSpPrefix.size());
    if (s.ends_with("_client")) s.resize(s.size() - 7);
  }
  std::string out;
  for (char c : s) {
    if (c == ' ' || c == '.' || c == '_' || c == '-' || c == '\t') continue;
    out.push_back(c);
  }
  for (std::string_view fam : {"tls", "ssl"}) {
    if (out.starts_with(fam) && out.size() > 3 && out[3] == 'v') out.erase(3, 1);
  }
  return out;
}

std::optional<Protocol> LookupAlias(std::string_view normalized) {
  for (const Alias& a : kAliases) {
    if (a.key == normalized) return a.protocol;
  }
  return std::nullopt;
}

// The closest short name or profile; ties go to the newer protocol, so that
// "tls1.4" suggests tls1.3.
std::string Suggest(std::string_view word) {
  std::string norm = Normalize(word);
  std::string best;
  size_t best_d = SIZE_MAX;
  for (const auto& p : kTable) {
    size_t d = EditDistance(norm, Normalize(p.short_name));
    if (d <= best_d) {
      best_d = d;
      best = std::string(p.short_name);
    }
  }
  for (const auto& pr : kProfiles) {
    size_t d = EditDistance(Lower(word), pr.name);
    if (d < best_d) {
      best_d = d;
      best = std::string(pr.name);
    }
  }
  if (best_d > std::max<size_t>(2, norm.size() / 2)) return "";
  return best;
}

bool LooksNumeric(std::string_view s) {
  return !s.empty() && std::isdigit(static_cast<unsigned char>(s[0]));
}

// Splits the arguments into words: commas separate always; spaces and
// argument boundaries separate unless the two sides together name a protocol
// ("TLS 1.2", also as the two arguments TLS and 1.2).
std::vector<std::string> Words(std::span<const std::string> args) {
  std::vector<std::string> out;
  std::string part;
  auto flush = [&] {
    // Split on blanks, then glue "tls" + "1.2" style pairs back together.
    std::vector<std::string> toks;
    std::string cur;
    for (char c : part) {
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        if (!cur.empty()) toks.push_back(cur), cur.clear();
      } else {
        cur.push_back(c);
      }
    }
    if (!cur.empty()) toks.push_back(cur);
    for (size_t i = 0; i < toks.size(); ++i) {
      if (i + 1 < toks.size()) {
        std::string joined = toks[i] + toks[i + 1];
        std::string_view body = joined;
        if (!body.empty() && (body[0] == '+' || body[0] == '-')) body.remove_prefix(1);
        if (body.starts_with("\xE2\x88\x92")) body.remove_prefix(3);
        if (!LookupAlias(Normalize(toks[i])) && LookupAlias(Normalize(body))) {
          out.push_back(joined);
          ++i;
          continue;
        }
      }
      out.push_back(toks[i]);
    }
    part.clear();
  };
  for (const std::string& arg : args) {
    for (char c : arg) {
      if (c == ',' || c == ';' || c == '|') {
        flush();
      } else {
        part.push_back(c);
      }
    }
    // Separate arguments are separated like spaces, so an unquoted
    // `calc TLS 1.2` reads as "TLS 1.2".
    part.push_back(' ');
  }
  flush();
  return out;
}

}  // namespace

std::span<const ProtocolInfo> AllProtocols() { return kTable; }

const ProtocolInfo& Info(Protocol p) { return kTable[static_cast<size_t>(p)]; }

std::span<const Profile> AllProfiles() { return kProfiles; }

std::vector<Protocol> ProtocolSet::Protocols() const {
  std::vector<Protocol> out;
  for (const auto& p : kTable) {
    if (bits_ & p.bit) out.push_back(p.id);
  }
  return out;
}

std::optional<Protocol> ProtocolSet::Highest() const {
  std::optional<Protocol> best;
  for (const auto& p : kTable) {
    if (bits_ & p.bit) best = p.id;
  }
  return best;
}

std::string ProtocolSet::Hex() const { return Hex32(bits_); }

std::vector<std::string> ProtocolSet::Names() const {
  std::vector<std::string> out;
  for (Protocol p : Protocols()) out.emplace_back(Info(p).name);
  return out;
}

std::vector<std::string> ProtocolSet::ShortNames() const {
  std::vector<std::string> out;
  for (Protocol p : Protocols()) out.emplace_back(Info(p).short_name);
  return out;
}

std::string ProtocolSet::Describe() const {
  std::string out;
  for (const std::string& n : Names()) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  if (unknown_bits()) {
    if (!out.empty()) out += ", ";
    out += "unknown bits " + Hex32(unknown_bits());
  }
  return out.empty() ? "(none)" : out;
}

std::string DescribeUnknownBits(uint32_t value) {
  uint32_t unknown = value & ~kKnownBits;
  if (unknown == 0) return "";
  std::string bits;
  for (int i = 0; i < 32; ++i) {
    if (unknown & (1u << i)) {
      if (!bits.empty()) bits += ", ";
      bits += Hex32(1u << i);
    }
  }
  std::string msg = "unknown bit" + std::string(bits.find(',') != std::string::npos ? "s " : " ") +
                    bits + " (the protocol bits are " + Hex32(kKnownBits) + ")";
  // A sum of .NET SecurityProtocolType numbers is the classic mix-up.
  uint32_t rest = value, winhttp = 0;
  std::string dotnet;
  for (auto it = kTable.rbegin(); it != kTable.rend(); ++it) {
    if ((rest & it->dotnet_value) == it->dotnet_value) {
      rest &= ~it->dotnet_value;
      winhttp |= it->bit;
      dotnet = std::string(it->name) + (dotnet.empty() ? "" : " + ") + dotnet;
    }
  }
  if (rest == 0 && !dotnet.empty()) {
    msg += "; " + std::to_string(value) + " is the .NET SecurityProtocolType number for " + dotnet +
           ", not a WinHTTP value (WinHTTP's is " + Hex32(winhttp) + ")";
  }
  return msg;
}

std::optional<std::string> WinHttpIgnoreReason(uint32_t value) {
  if (value == 0) return "WinHTTP ignores 0 and uses its built-in default";
  if (value & ~kKnownBits) {
    return "WinHTTP ignores the whole value and uses its built-in default: " +
           DescribeUnknownBits(value);
  }
  return std::nullopt;
}

std::vector<Warning> WarningsFor(ProtocolSet set) {
  std::vector<Warning> out;
  if (auto why = WinHttpIgnoreReason(set.bits())) out.push_back({"ignored", *why});
  for (const auto& p : kTable) {
    if (!set.Contains(p.id)) continue;
    if (p.insecure) {
      out.push_back({"insecure", std::string(p.name) + " is insecure and should not be enabled"});
    } else if (p.deprecated) {
      out.push_back({"deprecated", std::string(p.name) + " is deprecated (RFC 8996)"});
    }
  }
  if (set.bits() == kWinHttpFlagAll) {
    out.push_back({"flag-all",
                   "0xA8 is WINHTTP_FLAG_SECURE_PROTOCOL_ALL: SSL 2.0, SSL 3.0 and TLS 1.0 only, "
                   "no TLS 1.1 or later"});
  }
  if (set.Contains(Protocol::kTls13)) {
    out.push_back({"tls13-os",
                   "TLS 1.3 is honoured only on Windows 11 and Server 2022 or later; older "
                   "systems drop it"});
  }
  if (set.IsValid() && !set.Contains(Protocol::kTls12)) {
    out.push_back({"no-tls12", "TLS 1.2 is not in the set; most servers today require it"});
  }
  return out;
}

Expected<uint32_t> ParseNumber(std::string_view text) {
  std::string_view s = text;
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    s.remove_prefix(2);
    base = 16;
  }
  if (s.empty()) return Fail(Error::Input("'" + std::string(text) + "' is not a number"));
  uint64_t v = 0;
  for (char c : s) {
    int d = HexDigitValue(c);
    if (d < 0 || d >= base) {
      return Fail(Error::Input("'" + std::string(text) + "' is not a number", "bad-number"));
    }
    v = v * base + d;
    if (v > 0xFFFFFFFFull) {
      return Fail(
          Error::Input("'" + std::string(text) + "' does not fit in a DWORD", "bad-number"));
    }
  }
  return static_cast<uint32_t>(v);
}

Expected<Protocol> ParseProtocolName(std::string_view name) {
  std::string norm = Normalize(name);
  if (auto p = LookupAlias(norm)) return *p;
  if (norm == "all") {
    return Fail(Error::Input(
        "'all' is ambiguous: WINHTTP_FLAG_SECURE_PROTOCOL_ALL is 0xA8 (SSL 2.0, SSL 3.0, TLS 1.0 "
        "only); name the versions, e.g. tls1.2,tls1.3",
        "unknown-protocol"));
  }
  std::string msg = std::string(name) + " is not a protocol";
  std::string s = Suggest(name);
  if (!s.empty())
    msg += "; did you mean " + s + "?";
  else
    msg += " (known: ssl2 ssl3 tls1.0 tls1.1 tls1.2 tls1.3)";
  return Fail(Error::Input(msg, "unknown-protocol"));
}

Expected<ProtocolSpec> ParseProtocols(std::span<const std::string> args) {
  std::vector<std::string> words = Words(args);
  if (words.empty()) {
    return Fail(Error::Input("no protocols given (e.g. tls1.2,tls1.3 or 0x2800)", "empty"));
  }
  ProtocolSpec spec;
  bool any_absolute = false, any_relative = false;
  for (const std::string& w : words) {
    std::string_view body = w;
    char sign = 0;
    // A Unicode minus sign (U+2212, as documents print it) is a minus too;
    // the CLI also turns "-tls1.0" words into it so they are not options.
    if (body.starts_with("\xE2\x88\x92")) {
      body.remove_prefix(3);
      sign = '-';
      if (body.empty()) return Fail(Error::Input("'" + w + "' has no protocol after the sign"));
    } else if (body[0] == '+' || body[0] == '-') {
      sign = body[0];
      body.remove_prefix(1);
      if (body.empty()) return Fail(Error::Input("'" + w + "' has no protocol after the sign"));
    }
    uint32_t bits = 0;
    if (LooksNumeric(body)) {
      SECPROTO_ASSIGN_OR_RETURN(n, ParseNumber(body));
      if (n & ~kKnownBits) {
        return Fail(Error::Input(std::string(body) + " has " + DescribeUnknownBits(n) +
                                     "; WinHTTP would ignore the whole value",
                                 "unknown-bits"));
      }
      bits = n;
    } else {
      const Profile* profile = nullptr;
      for (const auto& pr : kProfiles) {
        if (Lower(body) == pr.name) profile = &pr;
      }
      if (profile) {
        bits = profile->bits;
      } else {
        SECPROTO_ASSIGN_OR_RETURN(p, ParseProtocolName(body));
        bits = Info(p).bit;
      }
    }
    if (sign == '+') {
      spec.add |= bits;
      spec.remove &= ~bits;
      any_relative = true;
    } else if (sign == '-') {
      spec.remove |= bits;
      spec.add &= ~bits;
      any_relative = true;
    } else {
      spec.absolute |= bits;
      any_absolute = true;
    }
  }
  if (any_absolute && any_relative) {
    return Fail(Error::Input(
        "mix of absolute protocols and +/- edits; give either a full list (tls1.2,tls1.3) or "
        "only edits (+tls1.3 -tls1.0)",
        "mixed-edits"));
  }
  spec.relative = any_relative;
  if (words.size() == 1 && !any_relative) {
    for (const auto& pr : kProfiles) {
      if (Lower(words[0]) == pr.name) spec.profile = pr.name;
    }
  }
  return spec;
}

}  // namespace secproto
