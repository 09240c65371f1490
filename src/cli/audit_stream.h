// What both audits (--policy, --tls-policy) write while they walk the fleet,
// in memory that does not grow with it: the machines on stdout as JSON (one
// document, or JSON Lines), and a progress line on a terminal.
#ifndef SECPROTO_CLI_AUDIT_STREAM_H_
#define SECPROTO_CLI_AUDIT_STREAM_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

namespace secproto::cli {

/// The machines of an audit on stdout as they are audited. kDocument (--json)
/// prints one JSON document: `head` (members before "machines", e.g.
/// "tls_policy"), "machines": [...], then the members given to Finish
/// ("summary", "exit_code", ...): the same members as a document printed at
/// the end, only "machines" comes before the summary. kLines (--json-lines)
/// prints one machine per line, then one line of the Finish members. Nothing
/// is printed before the first machine or Finish, so an error found before
/// any input was audited is the only output.
class AuditJsonStream {
 public:
  enum class Mode { kNone, kDocument, kLines };
  /// `head`: zero or more `"name": value` members, comma-separated.
  AuditJsonStream(Mode mode, std::string head);
  bool on() const { return mode_ != Mode::kNone; }
  /// One machine, a JSON object on one line.
  void Machine(const std::string& json);
  /// Closes the stream; `tail` as `head`. Once only.
  void Finish(const std::string& tail);
  /// Whether anything was printed yet.
  bool started() const { return started_; }

 private:
  void Start();
  Mode mode_;
  std::string head_;
  bool started_ = false;
  bool first_ = true;
};

/// The progress line of a long audit on stderr: "audit: 12,345 of 100,000
/// files (12%), 4,321 machines/s, ETA 0:21". Shown only when `enabled` (the
/// caller checks -q, --no-progress and that stderr is a terminal), from the
/// 1,000th file, at most five times a second. The total comes from a walk of
/// the inputs on a thread of its own; until it is done the line has no ETA.
class AuditProgress {
 public:
  AuditProgress(const std::vector<std::string>& inputs, bool enabled);
  ~AuditProgress();
  AuditProgress(const AuditProgress&) = delete;
  AuditProgress& operator=(const AuditProgress&) = delete;
  /// `done` files audited so far.
  void Update(uint64_t done);
  /// Clears the line (before the results are printed).
  void End();

 private:
  bool enabled_;
  bool shown_ = false;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> total_{0};  ///< 0 until the counting walk is over
  std::thread counter_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_ = start_;
};

/// kLines with --json-lines, else kDocument with --json, else kNone.
AuditJsonStream::Mode AuditJsonMode(bool json_lines);

/// The href of the --csv file in the --html report: its path relative to the
/// report's folder, percent-encoded where a URL needs it; "" without --csv.
std::string CsvLinkFrom(const std::string& html, const std::string& csv);

/// Whether stderr is a terminal.
bool StderrIsTerminal();

}  // namespace secproto::cli

#endif  // SECPROTO_CLI_AUDIT_STREAM_H_
