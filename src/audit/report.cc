// Audit report formats: JSON records, CSV rows, and the self-contained HTML
// page. Pure string building; the CLI decides where the bytes go.
#include <algorithm>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "core/strings.h"
#include "secproto/audit.h"
#include "secproto/protocols.h"

namespace secproto {
namespace {

using Json = nlohmann::ordered_json;

std::string ArchText(Architecture a) {
  switch (a) {
    case Architecture::k64Bit: return "64-bit";
    case Architecture::k32Bit: return "32-bit";
    case Architecture::kUnknown: break;
  }
  return "unknown";
}

std::string HtmlEscape(std::string_view s) { return EscapeMarkup(s, Markup::kHtml); }

// JSON safe inside <script>: no "<" at all (so no "</script>").
std::string ScriptSafe(const std::string& json) {
  std::string out;
  out.reserve(json.size());
  for (char c : json) {
    if (c == '<') {
      out += "\\u003c";
    } else {
      out += c;
    }
  }
  return out;
}

constexpr std::string_view kColors[kMachineClassCount] = {
    "#2e7d32", "#ef6c00", "#757575", "#c62828", "#6a1b9a", "#8d6e63", "#263238"};

std::string Chart(const AuditSummary& s) {
  const int bar_x = 110, bar_w = 420, row_h = 28;
  uint64_t max = 1;
  for (uint64_t c : s.counts) max = std::max(max, c);
  int h = row_h * kMachineClassCount + 10;
  std::string svg = "<svg id=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"" +
                    std::to_string(h) + "\" role=\"img\" aria-label=\"machines per class\">";
  int i = 0;
  for (MachineClass c : AllMachineClasses()) {
    uint64_t n = s.Count(c);
    int y = 5 + i * row_h;
    int w = n == 0 ? 0 : std::max<int>(2, static_cast<int>(bar_w * n / max));
    double pct = s.total ? 100.0 * static_cast<double>(n) / static_cast<double>(s.total) : 0.0;
    char pct_text[32];
    std::snprintf(pct_text, sizeof pct_text, "%.1f%%", pct);
    std::string name(MachineClassName(c));
    svg += "<text x=\"" + std::to_string(bar_x - 8) + "\" y=\"" + std::to_string(y + 17) +
           "\" text-anchor=\"end\">" + name + "</text>";
    svg += "<rect class=\"bar\" data-class=\"" + name + "\" x=\"" + std::to_string(bar_x) +
           "\" y=\"" + std::to_string(y + 2) + "\" width=\"" + std::to_string(w) +
           "\" height=\"" + std::to_string(row_h - 8) + "\" fill=\"" +
           std::string(kColors[static_cast<int>(c)]) + "\"><title>" + name + ": " +
           std::to_string(n) + "</title></rect>";
    svg += "<text x=\"" + std::to_string(bar_x + w + 6) + "\" y=\"" + std::to_string(y + 17) +
           "\">" + std::to_string(n) + " (" + pct_text + ")</text>";
    ++i;
  }
  return svg + "</svg>";
}

constexpr std::string_view kCss = R"CSS(
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#212121;background:#fafafa}
h1{font-size:22px;margin:0 0 4px}
.sub{color:#616161;margin-bottom:16px}
.cards{display:flex;gap:24px;align-items:flex-start;flex-wrap:wrap}
.panel{background:#fff;border:1px solid #e0e0e0;border-radius:6px;padding:12px 16px}
#chart text{font-size:13px;fill:#212121}
#chart .bar{cursor:pointer}
.controls{margin:16px 0 8px;display:flex;gap:12px;align-items:center}
.controls input{padding:6px 8px;width:320px;border:1px solid #bdbdbd;border-radius:4px}
.controls select{padding:6px;border:1px solid #bdbdbd;border-radius:4px}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{border-bottom:1px solid #eee;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#eceff1;cursor:pointer;user-select:none;position:sticky;top:0}
th[data-dir="asc"]::after{content:" \25B2"}
th[data-dir="desc"]::after{content:" \25BC"}
td.c{font-weight:600}
td:first-child{white-space:nowrap}
td.detail{color:#424242;max-width:520px}
.pill{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-size:12px}
#more{color:#616161;margin:8px 0}
)CSS";

constexpr std::string_view kJs = R"JS(
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('data').textContent);
  var COLS = ['host', 'class', 'kind', 'architecture', 'view64', 'view32', 'detail', 'input'];
  var COLORS = JSON.parse(document.getElementById('colors').textContent);
  var LIMIT = 2000;
  var state = { key: 1, dir: -1, text: '', cls: '' };  // problems first
  var tbody = document.querySelector('#machines tbody');
  var filter = document.getElementById('filter');
  var select = document.getElementById('cls');
  var more = document.getElementById('more');
  var order = JSON.parse(document.getElementById('order').textContent);

  function cmp(a, b) {
    var x = a[state.key], y = b[state.key];
    if (state.key === 1) { x = order.indexOf(x); y = order.indexOf(y); }
    if (x < y) return -state.dir;
    if (x > y) return state.dir;
    return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
  }
  function rows() {
    var t = state.text.toLowerCase();
    var out = data.filter(function (r) {
      if (state.cls && r[1] !== state.cls) return false;
      if (!t) return true;
      for (var i = 0; i < r.length; i++) if (String(r[i]).toLowerCase().indexOf(t) >= 0) return true;
      return false;
    });
    out.sort(cmp);
    return out;
  }
  function render() {
    var list = rows();
    var frag = document.createDocumentFragment();
    for (var i = 0; i < list.length && i < LIMIT; i++) {
      var r = list[i], tr = document.createElement('tr');
      tr.setAttribute('data-class', r[1]);
      for (var j = 0; j < COLS.length; j++) {
        var td = document.createElement('td');
        if (j === 1) {
          var s = document.createElement('span');
          s.className = 'pill'; s.style.background = COLORS[r[1]] || '#000'; s.textContent = r[1];
          td.appendChild(s); td.className = 'c';
        } else {
          td.textContent = r[j];
          if (j === 6) td.className = 'detail';
        }
        tr.appendChild(td);
      }
      frag.appendChild(tr);
    }
    tbody.textContent = '';
    tbody.appendChild(frag);
    more.textContent = 'Showing ' + Math.min(list.length, LIMIT) + ' of ' + list.length +
        ' matching machines (' + data.length + ' in total)' +
        (list.length > LIMIT ? '; refine the filter to see the rest.' : '.');
    var ths = document.querySelectorAll('#machines th');
    for (var k = 0; k < ths.length; k++) {
      if (k === state.key) ths[k].setAttribute('data-dir', state.dir > 0 ? 'asc' : 'desc');
      else ths[k].removeAttribute('data-dir');
    }
  }
  function sortBy(k) {
    if (state.key === k) state.dir = -state.dir; else { state.key = k; state.dir = 1; }
    render();
  }
  var ths = document.querySelectorAll('#machines th');
  for (var k = 0; k < ths.length; k++) {
    (function (k) { ths[k].addEventListener('click', function () { sortBy(k); }); })(k);
  }
  filter.addEventListener('input', function () { state.text = filter.value; render(); });
  select.addEventListener('change', function () { state.cls = select.value; render(); });
  var bars = document.querySelectorAll('#chart .bar');
  for (var b = 0; b < bars.length; b++) {
    bars[b].addEventListener('click', function (e) {
      select.value = e.target.getAttribute('data-class'); state.cls = select.value; render();
    });
  }
  render();

  // #selfcheck: exercise sorting and filtering through the page's own
  // controls, record the verdict on <body>, then restore the default view.
  if (location.hash === '#selfcheck') {
    var problems = [];
    function cells(col) {
      return Array.prototype.map.call(tbody.rows, function (tr) { return tr.cells[col].textContent; });
    }
    sortBy(0);
    var hosts = cells(0), sorted = hosts.slice().sort();
    if (hosts.join('\n') !== sorted.join('\n')) problems.push('sort by host ascending');
    sortBy(0);
    var desc = cells(0), rsorted = sorted.slice().reverse();
    if (desc.join('\n') !== rsorted.join('\n')) problems.push('sort by host descending');
    var want = data.filter(function (r) { return r[1] === 'compliant'; }).length;
    select.value = 'compliant'; select.dispatchEvent(new Event('change'));
    var shown = cells(1);
    if (shown.length !== Math.min(want, LIMIT)) problems.push('class filter count');
    if (shown.some(function (c) { return c !== 'compliant'; })) problems.push('class filter rows');
    select.value = ''; select.dispatchEvent(new Event('change'));
    if (data.length > 0) {
      var needle = data[0][0];
      filter.value = needle; filter.dispatchEvent(new Event('input'));
      if (tbody.rows.length < 1 || cells(0).indexOf(needle) < 0) problems.push('text filter');
      filter.value = ''; filter.dispatchEvent(new Event('input'));
    }
    state.key = 1; state.dir = -1; render();
    if (tbody.rows.length !== Math.min(data.length, LIMIT)) problems.push('restore');
    document.body.setAttribute('data-selfcheck', problems.length ? 'fail: ' + problems.join(', ') : 'ok');
    document.body.setAttribute('data-rows', String(tbody.rows.length));
  }
})();
)JS";

}  // namespace

std::string MachineJson(const MachineResult& r) {
  Json j;
  j["host"] = r.host;
  j["input"] = r.input;
  j["kind"] = std::string(InputKindName(r.kind));
  j["class"] = std::string(MachineClassName(r.cls));
  j["architecture"] = ArchText(r.architecture);
  j["view64"] = r.view64;
  j["view32"] = r.view32;
  j["detail"] = r.detail;
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string SummaryJson(const AuditSummary& s) {
  Json j;
  ProtocolSet p(s.policy);
  j["policy"] = Json{{"value", s.policy}, {"hex", p.Hex()}, {"protocols", p.Names()}};
  j["total"] = s.total;
  for (MachineClass c : AllMachineClasses()) j[std::string(MachineClassName(c))] = s.Count(c);
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string CsvHeader() { return "host,class,kind,architecture,view64,view32,detail,input\r\n"; }

std::string CsvRow(const MachineResult& r) {
  std::string out;
  out += CsvField(r.host) + ",";
  out += std::string(MachineClassName(r.cls)) + ",";
  out += std::string(InputKindName(r.kind)) + ",";
  out += ArchText(r.architecture) + ",";
  out += CsvField(r.view64) + ",";
  out += CsvField(r.view32) + ",";
  out += CsvField(r.detail) + ",";
  out += CsvField(r.input) + "\r\n";
  return out;
}

std::string HtmlReport(const AuditSummary& s, const std::vector<MachineResult>& machines) {
  ProtocolSet p(s.policy);
  std::string h;
  h.reserve(4096 + machines.size() * 160);
  h += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">";
  h += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
       "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">";
  h += "<title>secproto fleet audit: " + HtmlEscape(p.Hex()) + "</title><style>";
  h += kCss;
  h += "</style></head><body>\n";
  h += "<h1>WinHTTP DefaultSecureProtocols: fleet audit</h1>\n";
  uint64_t ok = s.Count(MachineClass::kCompliant);
  h += "<div class=\"sub\">Policy <b>" + HtmlEscape(p.Hex()) + "</b> (" +
       HtmlEscape(p.Describe()) + ") &middot; <b id=\"total\">" + std::to_string(s.total) +
       "</b> machines &middot; <b id=\"compliant\">" + std::to_string(ok) +
       "</b> compliant &middot; secproto " SECPROTO_VERSION "</div>\n";
  h += "<div class=\"cards\"><div class=\"panel\">" + Chart(s) + "</div>";
  h += "<div class=\"panel\"><table id=\"summary\"><tbody>";
  for (MachineClass c : AllMachineClasses()) {
    h += "<tr><td>" + std::string(MachineClassName(c)) + "</td><td data-class=\"" +
         std::string(MachineClassName(c)) + "\">" + std::to_string(s.Count(c)) + "</td></tr>";
  }
  h += "</tbody></table></div></div>\n";
  h += "<div class=\"controls\"><input id=\"filter\" type=\"search\" placeholder=\"Filter: host, "
       "value, detail...\" aria-label=\"filter\"><select id=\"cls\" aria-label=\"class\">"
       "<option value=\"\">all classes</option>";
  for (MachineClass c : AllMachineClasses()) {
    std::string n(MachineClassName(c));
    h += "<option value=\"" + n + "\">" + n + "</option>";
  }
  h += "</select></div>\n<div id=\"more\"></div>\n";
  h += "<table id=\"machines\"><thead><tr><th>host</th><th>class</th><th>input kind</th>"
       "<th>OS</th><th>view 64</th><th>view 32</th><th>detail</th><th>file</th></tr></thead>"
       "<tbody></tbody></table>\n";
  // The rows travel as JSON and are rendered by the script: a 100,000-machine
  // page stays usable because only the first rows of a view are in the DOM.
  std::string rows = "[";
  bool first = true;
  for (const MachineResult& r : machines) {
    Json row = Json::array({r.host, std::string(MachineClassName(r.cls)),
                            std::string(InputKindName(r.kind)), ArchText(r.architecture), r.view64,
                            r.view32, r.detail, r.input});
    if (!first) rows += ",\n";
    first = false;
    rows += row.dump(-1, ' ', false, Json::error_handler_t::replace);
  }
  rows += "]";
  h += "<script type=\"application/json\" id=\"data\">" + ScriptSafe(rows) + "</script>\n";
  Json colors = Json::object();
  Json order = Json::array();
  for (MachineClass c : AllMachineClasses()) {
    colors[std::string(MachineClassName(c))] = std::string(kColors[static_cast<int>(c)]);
    order.push_back(std::string(MachineClassName(c)));
  }
  h += "<script type=\"application/json\" id=\"colors\">" + colors.dump() + "</script>\n";
  h += "<script type=\"application/json\" id=\"order\">" + order.dump() + "</script>\n";
  h += "<script>";
  h += kJs;
  h += "</script>\n</body></html>\n";
  return h;
}

}  // namespace secproto
