// The reports of the whole-stack audit (docs/FLEET.md, "Whole-stack audit"):
// one machine as JSON and as a CSV row, written as the audit streams, and
// the HTML report, drawn from a digest whose memory does not grow with the
// fleet (the worst machines, the drift grouped by value).
#include <algorithm>
#include <cstdio>
#include <functional>

#include "core/strings.h"
#include "secproto/fleet_policy.h"
#include "secproto/text.h"

namespace secproto {
namespace {

std::string JsonString(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string HtmlEscape(std::string_view s) { return EscapeMarkup(s, Markup::kHtml); }

std::string ComponentName(int c) {
  return std::string(AuditComponentName(static_cast<AuditComponent>(c)));
}

std::string Percent(uint64_t part, uint64_t whole) {
  char p[32];
  std::snprintf(p, sizeof p, "%.1f%%",
                whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole));
  return p;
}

// Worse first: a higher score, then more lines, then earlier in the input.
bool Worse(const PolicyReportDigest::Row& a, const PolicyReportDigest::Row& b) {
  if (a.score != b.score) return a.score > b.score;
  if (a.lines != b.lines) return a.lines > b.lines;
  return a.seq < b.seq;
}

}  // namespace

std::string PolicyMachineJson(const PolicyMachineResult& r) {
  std::string j = MachineJson(r.base);
  if (!j.empty() && j.back() == '}') j.pop_back();
  j += ",\"os\":" + JsonString(r.os_id) + ",\"os_source\":" + JsonString(r.os_source);
  j += ",\"components\":{";
  for (int c = 0; c < kAuditComponentCount; ++c) {
    j += (c ? "," : "") + JsonString(ComponentName(c)) + ":" +
         JsonString(ComponentVerdictName(r.components[c]));
  }
  j += "},\"drift\":[";
  for (size_t i = 0; i < r.drift.size(); ++i) j += (i ? "," : "") + JsonString(r.drift[i]);
  return j + "]}";
}

std::string ComponentSummaryJson(const ComponentSummary& s) {
  std::string j = "{";
  for (int c = 0; c < kAuditComponentCount; ++c) {
    j += (c ? "," : "") + JsonString(ComponentName(c)) + ":{";
    for (int v = 0; v < 3; ++v) {
      j += (v ? "," : "") + JsonString(ComponentVerdictName(static_cast<ComponentVerdict>(v))) +
           ":" + std::to_string(s.counts[c][v]);
    }
    j += "}";
  }
  return j + "}";
}

std::string PolicyCsvHeader() {
  std::string h = CsvHeader();
  while (!h.empty() && (h.back() == '\n' || h.back() == '\r')) h.pop_back();
  h += ",os";
  for (int c = 0; c < kAuditComponentCount; ++c) h += "," + ComponentName(c);
  return h + ",drift\r\n";
}

std::string PolicyCsvRow(const PolicyMachineResult& r) {
  std::string row = CsvRow(r.base);
  while (!row.empty() && (row.back() == '\n' || row.back() == '\r')) row.pop_back();
  row += "," + CsvField(r.os_id);
  for (int c = 0; c < kAuditComponentCount; ++c)
    row += "," + std::string(ComponentVerdictName(r.components[c]));
  std::string d;
  for (const std::string& line : r.drift) d += (d.empty() ? "" : "; ") + line;
  return row + "," + CsvField(d) + "\r\n";
}

// ---- the digest ------------------------------------------------------------------

namespace {
constexpr size_t kRowDetailMax = 2000;
}  // namespace

PolicyReportDigest::PolicyReportDigest(size_t worst, size_t max_groups)
    : worst_(worst), max_groups_(max_groups) {}

bool PolicyReportDigest::Count(std::string_view label, std::string_view text) {
  size_t h = std::hash<std::string_view>{}(text);
  uint64_t key =
      static_cast<uint64_t>(h) ^ (std::hash<std::string_view>{}(label)*0x9e3779b97f4a7c15ULL);
  auto it = groups_.find(key);
  if (it == groups_.end()) {
    if (groups_.size() >= max_groups_) {
      ++left_out_lines_;
      return false;
    }
    Group g;
    g.label = label;
    g.text = text.substr(0, kGroupTextMax);
    if (text.size() > kGroupTextMax) g.text += "...";
    it = groups_.emplace(key, std::move(g)).first;
  }
  ++it->second.machines;
  return true;
}

void PolicyReportDigest::Add(const PolicyMachineResult& r) {
  uint64_t seq = seq_++;
  bool broken = r.base.cls == MachineClass::kUnreadable || r.base.cls == MachineClass::kInvalid;
  bool left_out = false;
  if (broken) {
    left_out = !Count(MachineClassName(r.base.cls), r.base.detail);
  } else {
    for (size_t i = 0; i < r.drift.size(); ++i) {
      int c = i < r.drift_components.size() ? static_cast<int>(r.drift_components[i])
                                            : static_cast<int>(AuditComponent::kOther);
      left_out = !Count(AuditComponentName(static_cast<AuditComponent>(c)), r.drift[i]) || left_out;
    }
  }
  if (left_out) ++left_out_machines_;

  if (worst_ == 0) return;
  Row row;
  for (ComponentVerdict v : r.components) row.score += v == ComponentVerdict::kDrift;
  if (broken) row.score += 100;
  row.lines = r.drift.size();
  row.seq = seq;
  if (heap_.size() >= worst_ && !Worse(row, heap_.front())) return;
  row.host = r.base.host;
  row.os_id = r.os_id;
  row.cls = r.base.cls;
  row.components = r.components;
  row.detail = r.base.detail;
  for (size_t i = 1; i < r.drift.size() && row.detail.size() < kRowDetailMax; ++i) {
    row.detail += "; " + r.drift[i];
  }
  if (row.detail.size() > kRowDetailMax) row.detail = row.detail.substr(0, kRowDetailMax) + "...";
  // Worse() as the heap's "less": the top is the least bad row kept.
  if (heap_.size() >= worst_) {
    std::pop_heap(heap_.begin(), heap_.end(), Worse);
    heap_.back() = std::move(row);
  } else {
    heap_.push_back(std::move(row));
  }
  std::push_heap(heap_.begin(), heap_.end(), Worse);
}

std::vector<PolicyReportDigest::Row> PolicyReportDigest::Worst() const {
  std::vector<Row> rows = heap_;
  std::sort(rows.begin(), rows.end(), Worse);
  return rows;
}

std::vector<PolicyReportDigest::Group> PolicyReportDigest::Groups() const {
  std::vector<Group> out;
  out.reserve(groups_.size());
  for (const auto& [key, g] : groups_) out.push_back(g);
  std::sort(out.begin(), out.end(), [](const Group& a, const Group& b) {
    if (a.machines != b.machines) return a.machines > b.machines;
    if (a.label != b.label) return a.label < b.label;
    return a.text < b.text;
  });
  return out;
}

// ---- HTML ------------------------------------------------------------------------

std::string PolicyHtmlReport(const std::string& policy_name, const AuditSummary& s,
                             const ComponentSummary& cs, const PolicyReportDigest& digest,
                             const std::string& csv_link) {
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
  h += "<title>secproto audit: TLS policy " + HtmlEscape(policy_name) + "</title>\n";
  h += "<style>body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse}"
       "td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left}"
       ".ok{background:#dfd}.drift{background:#fdd}.na{color:#888}.n{text-align:right}"
       "code{word-break:break-all}"
       ".bar{display:inline-block;height:.8em;background:#4a4}</style>\n";
  h += "</head><body>\n";
  h += "<h1>TLS policy " + HtmlEscape(policy_name) + ": " + std::to_string(s.total) +
       " machines</h1>\n<p>";
  for (MachineClass c : AllMachineClasses()) {
    if (s.Count(c) == 0) continue;
    h += HtmlEscape(MachineClassName(c)) + ": " + std::to_string(s.Count(c)) + " &nbsp; ";
  }
  std::string csv = csv_link.empty()
                        ? std::string("give <code>--csv FILE</code> for the list of every machine")
                        : "every machine: <a href=\"" + HtmlEscape(csv_link) + "\">" +
                              HtmlEscape(csv_link) + "</a>";
  h += "</p>\n<p>" + csv + "</p>\n";
  h += "<h2>Compliance per component</h2>\n<table id=\"components\">\n";
  h += "<tr><th>component</th><th>ok</th><th>drift</th><th>not "
       "managed</th><th>compliant</th></tr>\n";
  for (int c = 0; c < kAuditComponentCount; ++c) {
    uint64_t ok = cs.counts[c][1], dr = cs.counts[c][2], na = cs.counts[c][0];
    double pct =
        ok + dr == 0 ? 100.0 : 100.0 * static_cast<double>(ok) / static_cast<double>(ok + dr);
    char p[32];
    std::snprintf(p, sizeof p, "%.1f%%", pct);
    h += "<tr><td>" + ComponentName(c) + "</td><td>" + std::to_string(ok) + "</td><td>" +
         std::to_string(dr) + "</td><td>" + std::to_string(na) +
         "</td><td><span class=\"bar\" style=\"width:" + std::to_string(static_cast<int>(pct)) +
         "px\"></span> " + p + "</td></tr>\n";
  }
  h += "</table>\n";

  std::vector<PolicyReportDigest::Group> groups = digest.Groups();
  h += "<h2>Drift by value</h2>\n";
  if (groups.empty()) {
    h += "<p>No value drifts.</p>\n";
  } else {
    h += "<p>Each line: the machines whose collection holds this value as shown "
         "(<code>key\\name: what the machine holds, policy what the policy writes</code>), and "
         "the unreadable or invalid inputs by reason.</p>\n";
    h += "<table id=\"drift\">\n<tr><th>machines</th><th>share</th><th>component</th>"
         "<th>value</th></tr>\n";
    for (const auto& g : groups) {
      h += "<tr><td class=\"n\">" + GroupedNumber(g.machines) + "</td><td class=\"n\">" +
           Percent(g.machines, s.total) + "</td><td>" + HtmlEscape(g.label) + "</td><td><code>" +
           HtmlEscape(g.text) + "</code></td></tr>\n";
    }
    h += "</table>\n";
  }
  if (digest.left_out_lines() > 0) {
    h += "<p id=\"drift-left-out\">" + GroupedNumber(digest.left_out_lines()) + " further line" +
         (digest.left_out_lines() == 1 ? "" : "s") + " on " +
         GroupedNumber(digest.left_out_machines()) + " machine" +
         (digest.left_out_machines() == 1 ? "" : "s") +
         " left out: they hold values other than the " + GroupedNumber(digest.max_groups()) +
         " kept here (" + csv + ").</p>\n";
  }

  std::vector<PolicyReportDigest::Row> rows = digest.Worst();
  h += "<h2>Machines, worst first</h2>\n<p>The " + GroupedNumber(rows.size()) + " worst of " +
       GroupedNumber(s.total) + " (most drifting components first; <code>--html-worst N</code>); " +
       csv + ".</p>\n";
  h += "<table id=\"machines\">\n<tr><th>host</th><th>class</th><th>os</th>";
  for (int c = 0; c < kAuditComponentCount; ++c) h += "<th>" + ComponentName(c) + "</th>";
  h += "<th>detail</th></tr>\n";
  for (const PolicyReportDigest::Row& m : rows) {
    h += "<tr><td>" + HtmlEscape(m.host) + "</td><td>" + HtmlEscape(MachineClassName(m.cls)) +
         "</td><td>" + HtmlEscape(m.os_id) + "</td>";
    for (ComponentVerdict v : m.components) {
      std::string cls = v == ComponentVerdict::kOk      ? "ok"
                        : v == ComponentVerdict::kDrift ? "drift"
                                                        : "na";
      h += "<td class=\"" + cls + "\">" + std::string(ComponentVerdictName(v)) + "</td>";
    }
    h += "<td>" + HtmlEscape(m.detail) + "</td></tr>\n";
  }
  h += "</table>\n</body></html>\n";
  return h;
}

}  // namespace secproto
