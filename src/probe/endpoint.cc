// Endpoint syntax: host, host:port, [v6]:port (default port 443).
#include <cctype>
#include <string>

#include "core/strings.h"
#include "secproto/probe.h"

namespace secproto {
namespace {

bool IsIpv4(std::string_view s) {
  int parts = 0;
  while (true) {
    size_t dot = s.find('.');
    std::string_view part = s.substr(0, dot);
    if (part.empty() || part.size() > 3) return false;
    int v = 0;
    for (char c : part) {
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    if (v > 255) return false;
    ++parts;
    if (dot == std::string_view::npos) break;
    s.remove_prefix(dot + 1);
  }
  return parts == 4;
}

bool IsIpv6(std::string_view s) {
  size_t pct = s.find('%');  // zone id, fe80::1%eth0
  if (pct != std::string_view::npos) {
    if (pct + 1 == s.size()) return false;
    s = s.substr(0, pct);
  }
  if (s.find(':') == std::string_view::npos || s.size() < 2) return false;
  int groups = 0;
  bool double_colon = false;
  size_t i = 0;
  if (s.starts_with("::")) {
    double_colon = true;
    i = 2;
    if (s.size() == 2) return true;
  } else if (s.starts_with(":")) {
    return false;
  }
  while (i < s.size()) {
    size_t end = s.find(':', i);
    std::string_view g =
        s.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i);
    if (end == std::string_view::npos && g.find('.') != std::string_view::npos) {
      if (!IsIpv4(g)) return false;  // ::ffff:1.2.3.4
      groups += 2;
      break;
    }
    if (g.empty() || g.size() > 4) return false;
    for (char c : g) {
      if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
    }
    ++groups;
    if (end == std::string_view::npos) break;
    i = end + 1;
    if (i < s.size() && s[i] == ':') {
      if (double_colon) return false;
      double_colon = true;
      ++i;
    } else if (i == s.size()) {
      return false;  // trailing single colon
    }
  }
  return double_colon ? groups < 8 : groups == 8;
}

bool IsHostName(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  size_t label = 0;
  for (char c : s) {
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
      continue;
    }
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
    if (++label > 63) return false;
  }
  return true;
}

Error Bad(std::string_view text, std::string_view why) {
  return Error::Input("bad endpoint \"" + std::string(text) + "\": " + std::string(why) +
                          " (write host, host:port or [ipv6]:port)",
                      "bad-endpoint");
}

}  // namespace

bool IsIpLiteral(std::string_view host) { return IsIpv4(host) || IsIpv6(host); }

std::string Endpoint::ToString() const {
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

bool Endpoint::HostIsIp() const { return IsIpLiteral(host); }

Expected<Endpoint> ParseEndpoint(std::string_view raw) {
  std::string_view text = Trim(raw);
  if (text.empty()) return Fail(Bad(raw, "empty"));
  if (text.find("://") != std::string_view::npos) return Fail(Bad(raw, "a URL, not an endpoint"));
  Endpoint ep;
  std::string_view host;
  std::string_view port;
  bool has_port = false;
  if (text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos) return Fail(Bad(raw, "missing ']'"));
    host = text.substr(1, close - 1);
    std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return Fail(Bad(raw, "expected ':port' after ']'"));
      port = rest.substr(1);
      has_port = true;
    }
    if (!IsIpv6(host)) return Fail(Bad(raw, "brackets hold an IPv6 address"));
  } else {
    size_t colons = 0;
    for (char c : text) colons += c == ':';
    if (colons >= 2) {
      host = text;  // a bare IPv6 address
      if (!IsIpv6(host)) return Fail(Bad(raw, "not an IPv6 address; write [v6]:port"));
    } else if (colons == 1) {
      size_t c = text.find(':');
      host = text.substr(0, c);
      port = text.substr(c + 1);
      has_port = true;
    } else {
      host = text;
    }
    if (host.empty()) return Fail(Bad(raw, "empty host"));
    if (!IsIpv4(host) && !IsIpv6(host) && !IsHostName(host)) {
      return Fail(Bad(raw, "host has characters a host name cannot have"));
    }
  }
  if (has_port) {
    if (port.empty() || port.size() > 5) return Fail(Bad(raw, "port must be 1-65535"));
    uint32_t v = 0;
    for (char c : port) {
      if (c < '0' || c > '9') return Fail(Bad(raw, "port must be 1-65535"));
      v = v * 10 + static_cast<uint32_t>(c - '0');
    }
    if (v == 0 || v > 65535) return Fail(Bad(raw, "port must be 1-65535"));
    ep.port = static_cast<uint16_t>(v);
  } else {
    ep.port = kDefaultTlsPort;
  }
  ep.host = std::string(host);
  return ep;
}

Expected<std::vector<Endpoint>> ParseEndpointList(std::string_view text) {
  std::vector<Endpoint> out;
  for (const NumberedLine& numbered : NonBlankLines(text)) {
    const std::string_view line = Trim(numbered.text.substr(0, numbered.text.find('#')));
    if (line.empty()) continue;
    auto ep = ParseEndpoint(line);
    if (!ep) {
      Error e = ep.error();
      e.message = "line " + std::to_string(numbered.number) + ": " + e.message;
      return Fail(e);
    }
    out.push_back(std::move(*ep));
  }
  return out;
}

}  // namespace secproto
