// secproto audit INPUT... --policy PROTOCOLS [--json | --json-lines] [--csv FILE]
// [--html FILE]
// Classifies every machine of a fleet from its collected data. Inputs are
// processed in chunks, in order, by a few worker threads; results stream to
// the human listing, the JSON on stdout and the CSV file, and a compact
// record per machine is kept only when --html needs the whole list at the
// end (its page filters and sorts every machine).
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <optional>

#include "audit_stream.h"
#include "commands.h"
#include "common.h"
#include "export_policy.h"
#include "fleet_io.h"
#include "secproto/audit.h"
#include "secproto/policy.h"
#include "secproto/interrupt.h"
#include "secproto/protocols.h"

namespace secproto::cli {
namespace {

struct AuditCliOptions : AuditCommonArgs {
  std::string reader = "fast";
};

constexpr size_t kChunk = 256;

struct AuditSetup {
  uint32_t policy = 0;
  ProtocolSpec spec;
  RegReader reader = RegReader::kFast;
};

Expected<AuditSetup> ParseAuditFlags(const AuditCliOptions& o) {
  auto spec = ParseProtocols(o.protocols_policy);
  if (!spec) return std::unexpected(spec.error());
  if (spec->relative) {
    return std::unexpected(
        Error::Usage("--policy takes a full list or a profile, not +/- edits", "usage"));
  }
  AuditSetup setup;
  setup.policy = spec->absolute;
  setup.spec = *spec;
  if (auto why = WinHttpIgnoreReason(setup.policy)) {
    return std::unexpected(
        Error::Usage("--policy " + ProtocolSet(setup.policy).Hex() + ": " + *why, "usage"));
  }
  if (o.reader == "backend") {
    setup.reader = RegReader::kBackend;
  } else if (o.reader != "fast") {
    return std::unexpected(Error::Usage("--reg-reader is fast or backend", "usage"));
  }
  return setup;
}

/// The audit's streamed outputs: the summary, the human listing of machines
/// not compliant, the CSV rows, the JSON machines and the records --html keeps.
class AuditStream {
 public:
  AuditStream(const AuditCliOptions& o, uint32_t policy, StreamedFile* csv, AuditJsonStream& json)
      : o_(o), csv_(csv), json_(json), keep_(!o.html.empty()) {
    summary_.policy = policy;
  }

  void Add(std::vector<MachineResult>& chunk) {
    for (MachineResult& r : chunk) {
      summary_.Add(r);
      if (csv_) csv_->out() << CsvRow(r);
      if (json_.on()) json_.Machine(MachineJson(r));
      if (!json_.on() && r.cls != MachineClass::kCompliant) {
        if (listed_ < o_.list) {
          std::cout << std::left << std::setw(11) << MachineClassName(r.cls) << " " << r.host
                    << ": " << r.detail << "\n";
        }
        ++listed_;
      }
      if (keep_) kept_.push_back(std::move(r));
    }
  }

  const AuditSummary& summary() const { return summary_; }
  const std::vector<MachineResult>& kept() const { return kept_; }
  int listed() const { return listed_; }

 private:
  const AuditCliOptions& o_;
  StreamedFile* csv_;
  AuditJsonStream& json_;
  bool keep_;
  AuditSummary summary_;
  std::vector<MachineResult> kept_;
  int listed_ = 0;
};

/// Walks the inputs in chunks of kChunk files, audited by `jobs` threads.
/// REQUIRES: an InterruptPolling is alive. An interrupt stops the walk at
/// the next file (the files so far stay in the stream); returns whether one
/// did.
bool AuditInputs(const AuditCliOptions& o, const AuditSetup& setup, AuditStream& stream) {
  unsigned jobs = AuditJobs(o.jobs);
  AuditProgress progress(o.inputs, !o.no_progress && !G().quiet && StderrIsTerminal());
  return !ForEachInputChunk(o.inputs, kChunk, [&](const std::vector<std::string>& paths) {
    std::vector<MachineResult> chunk = AuditFiles(paths, setup.spec, setup.reader, jobs);
    stream.Add(chunk);
    progress.Update(stream.summary().total);
  });
}

/// The members after "machines" (--json) or the last line (--json-lines):
/// "summary", "exit_code", then "interrupted" ("interrupted after N file(s)";
/// the summary then covers those N files) or "error" when given.
std::string AuditTail(const AuditSummary& summary, int code, bool one_line,
                      const std::string& interrupted = "", const Error* error = nullptr) {
  std::string sep = one_line ? ", " : ",\n  ";
  std::string t = "\"summary\": " + SummaryJson(summary) + sep + "\"exit_code\": " +
                  std::to_string(code);
  if (!interrupted.empty()) t += sep + "\"interrupted\": " + Json(interrupted).dump();
  if (error) {
    t += sep + "\"error\": " +
         Json{{"code", error->code}, {"message", error->message}, {"exit_code", code}}.dump();
  }
  return t;
}

void PrintAuditHuman(const AuditCliOptions& o, const AuditSummary& summary, int listed, int code) {
  if (listed > o.list) {
    std::cout << "... and " << (listed - o.list)
              << " more not compliant (see --csv, --json or --html)\n";
  }
  if (listed > 0) std::cout << "\n";
  ProtocolSet p(summary.policy);
  std::cout << "Policy " << p.Hex() << " (" << p.Describe() << "): " << summary.total << " machine"
            << (summary.total == 1 ? "" : "s") << "\n";
  for (MachineClass c : AllMachineClasses()) {
    uint64_t k = summary.Count(c);
    char pct[16];
    std::snprintf(pct, sizeof pct, "%5.1f%%",
                  summary.total == 0
                      ? 0.0
                      : 100.0 * static_cast<double>(k) / static_cast<double>(summary.total));
    std::cout << "  " << std::left << std::setw(11) << MachineClassName(c) << std::right
              << std::setw(8) << k << "  " << pct << "\n";
  }
  if (code == kExitInterrupted) return;
  if (!o.csv.empty() && !G().quiet) std::cout << "wrote " << o.csv << "\n";
  if (!o.html.empty() && !G().quiet) std::cout << "wrote " << o.html << "\n";
  if (code == kExitTarget) std::cerr << "secproto: error: no input could be read and judged\n";
}

int Run(const AuditCliOptions& o) {
  auto setup = ParseAuditFlags(o);
  if (!setup) return ReportError(setup.error());
  if (Status s = CheckAuditOutputs(o.csv, o.html, o.force); !s)
    return ReportError(s.error());
  auto csv_file = StreamedFile::OpenIfGiven(o.csv, CsvHeader(), OutputOptions{o.force});
  if (!csv_file) return ReportError(csv_file.error());
  std::unique_ptr<StreamedFile> csv = std::move(*csv_file);
  AuditJsonStream json(AuditJsonMode(o.json_lines), "");
  bool lines = AuditJsonMode(o.json_lines) == AuditJsonStream::Mode::kLines;
  AuditStream stream(o, setup->policy, csv.get(), json);
  // Polled from the walk to the rendered report: an interrupt there stops
  // the walk and publishes nothing.
  std::optional<InterruptPolling> polling(std::in_place);
  bool interrupted = AuditInputs(o, *setup, stream);
  const AuditSummary& summary = stream.summary();
  std::string html;
  if (!interrupted && !o.html.empty() && summary.total > 0) {
    html = HtmlReport(summary, stream.kept());
  }
  interrupted = TakeDeferredInterrupt() || interrupted;
  polling.reset();
  if (interrupted) {
    csv.reset();  // removes its temp file: an existing --csv file stays as it was
    std::string what = InterruptedAfterFiles(summary.total);
    if (json.on()) {
      json.Finish(AuditTail(summary, kExitInterrupted, lines, what));
    } else {
      PrintAuditHuman(o, summary, stream.listed(), kExitInterrupted);
    }
    ReportInterruptedAudit(what, o.csv, o.html);
    return kExitInterrupted;
  }
  if (summary.total == 0) {
    return ReportError(Error::Target("no input files found in the given folders", "no-inputs"));
  }
  // A failure to publish an output after machines were streamed ends the
  // JSON with the error, so that stdout stays one document.
  auto fail = [&](const Error& e) {
    if (!json.on()) return ReportError(e);
    int code = ExitCodeFor(e.kind);
    std::cerr << "secproto: error: " << e.message << "\n";
    json.Finish(AuditTail(summary, code, lines, "", &e));
    return code;
  };
  if (csv) {
    if (Status s = csv->Publish(); !s) return fail(s.error());
  }
  if (!o.html.empty()) {
    if (Status s = WriteOutputFile(o.html, html, OutputOptions{o.force}); !s) return fail(s.error());
  }
  int code = AuditExitCode(summary);
  if (json.on()) {
    json.Finish(AuditTail(summary, code, lines));
  } else {
    PrintAuditHuman(o, summary, stream.listed(), code);
  }
  return code;
}

}  // namespace

const CommandSetup kSetupAudit = [](CLI::App& app) -> std::function<int()> {
  auto o = std::make_shared<AuditCliOptions>();
  auto tp = std::make_shared<TlsPolicyAuditOptions>();
  app.add_option("INPUT", o->inputs, "Files or folders (walked): .reg, hive, show --json")
      ->required();
  app.add_option("-p,--policy", o->protocols_policy,
                 "The expected protocols or profile (modern, 0x2800); required unless "
                 "--tls-policy")
      ->expected(1);
  AddTlsPolicyAuditOptions(app, *tp);
  app.add_option("--csv", o->csv, "Write one CSV line per machine to FILE");
  app.add_option("--html", o->html, "Write a self-contained HTML report to FILE");
  app.add_flag("--force", o->force, "Replace existing --csv/--html files (kept otherwise)");
  app.add_option("-j,--jobs", o->jobs, "Worker threads (default: cores, at most 4)");
  app.add_option("--list", o->list, "Human mode: list at most N non-compliant machines");
  app.add_option("--reg-reader", o->reader,
                 "fast (default; also reads concatenated exports) or backend (the reg: "
                 "target's document model)");
  app.add_flag("--no-progress", o->no_progress,
               "No progress line on a terminal (none with -q or when stderr is not one)");
  app.add_flag("--json-lines", o->json_lines,
               "Print one JSON object per machine per line as the audit goes, then one line "
               "with the summary and exit_code");
  app.add_option("--html-worst", o->html_worst,
                 "--tls-policy --html: show the N worst machines (default 100; every machine "
                 "is in the --csv file)")
      ->check(CLI::NonNegativeNumber);
  app.footer(
      "Classes: compliant, drift, missing, wrong-type, one-view, invalid, unreadable.\n"
      "Exit: 0 all compliant, 1 some not compliant, 2 bad usage, 3 nothing readable, 130 "
      "interrupted (the summary of the files done; no --csv/--html written).\n"
      "Example:\n  secproto audit collected/ --policy modern --html report.html --csv report.csv\n"
      "  secproto audit collected/ --tls-policy modern --os win10-22h2 --csv stack.csv\n"
      "  secproto audit collected/ --tls-policy modern --os win10-22h2 --json-lines > machines.jsonl");
  return [o, tp]() -> int {
    if (!tp->policy.empty()) {
      return RunTlsPolicyAudit(*tp, *o);
    }
    if (o->protocols_policy.empty()) {
      return ReportError(
          Error::Usage("--policy PROTOCOLS (or --tls-policy POLICY) is required", "usage"));
    }
    if (!tp->os.empty()) {
      return ReportError(Error::Usage("--os goes with --tls-policy", "usage"));
    }
    if (o->html_worst >= 0) {
      return ReportError(Error::Usage(
          "--html-worst goes with --tls-policy (the --policy report holds every machine)",
          "usage"));
    }
    return Run(*o);
  };
};

}  // namespace secproto::cli
