#include "cli_text.h"

#include <algorithm>
#include <sstream>

#include "secproto/text.h"

namespace secproto::cli {
namespace {

bool IsHiveTarget(std::string_view t) { return t.starts_with("hive:") || t.starts_with("image:"); }

}  // namespace

std::string ClosestName(std::string_view word, const std::vector<std::string>& names) {
  std::string best;
  size_t best_d = 3;
  for (const std::string& n : names) {
    size_t d = EditDistance(word, n);
    if (d < best_d) best_d = d, best = n;
  }
  return best;
}

std::string TargetHelp(const std::vector<std::string>& schemes) {
  std::string help = "Target: ";
  for (size_t i = 0; i < schemes.size(); ++i) help += (i ? ", " : "") + schemes[i];
  return help;
}

bool SchemesHaveHives(const std::vector<std::string>& schemes) {
  return std::any_of(schemes.begin(), schemes.end(),
                     [](const std::string& s) { return s.starts_with("hive:"); });
}

std::string AdaptFooter(std::string_view footer, bool hives) {
  if (hives) return std::string(footer);
  std::vector<std::string> lines;
  std::string line;
  std::istringstream in{std::string(footer)};
  while (std::getline(in, line)) {
    bool example = line.starts_with("  secproto ");
    if (example &&
        (line.find("hive:") != std::string::npos || line.find("image:") != std::string::npos ||
         line.find("-hive ") != std::string::npos)) {
      std::istringstream words(line);
      std::vector<std::string> out;
      std::string w;
      while (words >> w) {
        if (w == "--system-hive" || w == "--user-hive") {
          words >> w;  // and its file
          continue;
        }
        if (w == "--force-dirty") continue;
        if (w.starts_with("--target=") && IsHiveTarget(w.substr(9))) w = "--target=live";
        if (IsHiveTarget(w) && !out.empty() && out.back() == "--target") w = "live";
        out.push_back(w);
      }
      line = " ";
      for (const std::string& x : out) line += " " + x;
    }
    if (example && std::find(lines.begin(), lines.end(), line) != lines.end()) continue;
    lines.push_back(line);
  }
  std::string result;
  for (size_t i = 0; i < lines.size(); ++i) result += (i ? "\n" : "") + lines[i];
  return result;
}


std::optional<std::string> MachineWarning(std::string_view code, std::string_view message,
                                          std::string_view machine, bool honours_tls13) {
  if (code != "tls13-os" || machine.empty()) return std::string(message);
  if (honours_tls13) return std::nullopt;
  return "this machine (" + std::string(machine) +
         ") will drop TLS 1.3: WinHTTP honours it only on Windows 11 and Server 2022 or later";
}

std::vector<std::string> ProtectProtocolEdits(std::vector<std::string> args,
                                              bool (*is_edit)(const std::string&)) {
  for (std::string& a : args) {
    if (a == "--") break;
    if (a.size() > 2 && a[0] == '-' && a[1] != '-' && is_edit(a)) a = "\xE2\x88\x92" + a.substr(1);
  }
  return args;
}

std::string ActionWord(std::string_view action, bool dry_run) {
  if (!dry_run) return std::string(action);
  if (action == "created") return "would create";
  if (action == "updated") return "would update";
  if (action == "replaced-type") return "would replace (other type)";
  if (action == "deleted") return "would delete";
  if (action == "restored") return "would restore";
  return std::string(action);
}

}  // namespace secproto::cli
