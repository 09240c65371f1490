// export --tls-policy POLICY --format F [--os ID | --os-mix ID,ID...] [--unset]
// [-o PATH] [--gpo-backup DIR]: the whole-stack policy for the fleet's engines.
#include "export_policy.h"

#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <optional>

#include "audit_stream.h"
#include "fleet_io.h"
#include "policy_arg.h"
#include "secproto/text.h"
#include "secproto/explain.h"
#include "secproto/fleet_policy.h"
#include "secproto/interrupt.h"

namespace secproto::cli {
namespace {

// The ids of --os / --os-mix, ID,ID,...: spaces around an id are ignored.
std::vector<std::string> SplitIds(const std::string& s) {
  std::vector<std::string> out;
  for (const std::string& piece : SplitNonEmpty(s, ',')) {
    size_t first = piece.find_first_not_of(' ');
    if (first == std::string::npos) continue;
    out.push_back(piece.substr(first, piece.find_last_not_of(' ') - first + 1));
  }
  return out;
}

}  // namespace

void AddTlsPolicyExportOptions(CLI::App& app, TlsPolicyExportOptions& o) {
  CLI::Option* policy =
      app.add_option("--tls-policy", o.policy,
                     "Export a whole-stack policy (template name or file; see `secproto policy "
                     "show`) instead of PROTOCOLS; formats also collect-ps1, collect-ansible");
  AddTlsPolicySetOption(app, o.sets, policy);
  app.add_option("--os", o.os, "--tls-policy: the OS to compile for (see `secproto os list`)");
  app.add_option("--os-mix", o.os_mix,
                 "--tls-policy: the fleet's OSes, ID,ID,...: one artifact for all of them");
}

namespace {

/// The flags of `export --tls-policy` that need no I/O.
Expected<PolicyExportFormat> TlsExportFormat(const ExportCommonArgs& a) {
  if (!a.protocols.empty()) {
    return std::unexpected(
        Error::Usage("give either PROTOCOLS or --tls-policy POLICY, not both", "usage"));
  }
  if (!a.role_dir.empty() || a.with_schannel) {
    return std::unexpected(Error::Usage(
        "--role and --with-schannel apply to `export PROTOCOLS`; --tls-policy writes every key "
        "of the policy",
        "usage"));
  }
  if (a.format.empty()) {
    return std::unexpected(Error::Usage(
        "--format is required: reg | ps1 | intune | gpp | ansible | dsc | collect-ps1 | "
        "collect-ansible",
        "usage"));
  }
  return ParsePolicyExportFormat(a.format);
}

/// The policy compiled for --os or --os-mix.
Expected<FleetPolicy> CompileForFlags(const TlsPolicyExportOptions& o, const ExportCommonArgs& a,
                                      PolicyExportFormat format) {
  if (!o.os.empty() && !o.os_mix.empty()) {
    return std::unexpected(Error::Usage("give --os ID or --os-mix ID,ID,..., not both", "usage"));
  }
  std::vector<std::string> ids = SplitIds(o.os.empty() ? o.os_mix : o.os);
  if (!o.os.empty() && ids.size() != 1) {
    return std::unexpected(Error::Usage("--os takes one id; for several use --os-mix", "usage"));
  }
  SECPROTO_ASSIGN_OR_RETURN(policy, LoadPolicy(o.policy, o.sets));
  bool collect =
      format == PolicyExportFormat::kCollectPs1 || format == PolicyExportFormat::kCollectAnsible;
  if (collect && a.unset) {
    return std::unexpected(
        Error::Usage("--unset makes a removal artifact; collect formats read", "usage"));
  }
  return CompileFleetPolicy(policy, PolicyLabel({o.policy, o.sets}), ids, a.unset);
}

/// The --json report of `export --tls-policy`; DeliverArtifact adds "files".
Json PolicyExportReport(const TlsPolicyExportOptions& o, const ExportCommonArgs& a,
                        PolicyExportFormat format, const FleetPolicy& fp) {
  Json j;
  j["format"] = std::string(PolicyExportFormatName(format));
  j["unset"] = a.unset;
  j["tls_policy"] = o.policy;
  j["os"] = fp.os_ids;
  j["values"] = fp.items.size();
  j["reboot"] = fp.NeedsReboot();
  j["notes"] = fp.notes;
  return j;
}

}  // namespace

int RunTlsPolicyExport(const TlsPolicyExportOptions& o, const ExportCommonArgs& a) {
  auto format = TlsExportFormat(a);
  if (!format) return ReportError(format.error());
  auto fp = CompileForFlags(o, a, *format);
  if (!fp) return ReportError(fp.error());
  PolicyExportOptions eo;
  eo.fixed_ids = a.fixed_ids;
  if (const char* env = std::getenv("SECPROTO_FIXED_IDS"); env && std::string(env) == "1") {
    eo.fixed_ids = true;
  }
  eo.gpo_backup = !a.gpo_dir.empty();
  if (eo.gpo_backup && !a.output.empty()) {
    return ReportError(Error::Usage("give the folder once: --gpo-backup DIR, not -o", "usage"));
  }
  auto artifact = EmitFleetPolicy(*format, *fp, eo);
  if (!artifact) return ReportError(artifact.error());
  auto dir = ArtifactFolder(
      *artifact, a.gpo_dir, a.output,
      "--format " + std::string(PolicyExportFormatName(*format)) + " with --tls-policy");
  if (!dir) return ReportError(dir.error());
  if (!G().quiet && !G().json) {
    for (const std::string& n : fp->notes) Warn("note: " + n);
  }
  return DeliverArtifact(*artifact, {*dir, a.output, true, a.force},
                         PolicyExportReport(o, a, *format, *fp));
}

}  // namespace secproto::cli

// ---- audit --tls-policy ---------------------------------------------------------

namespace secproto::cli {
namespace {

constexpr size_t kPolicyAuditChunk = 256;

/// The auditor of --tls-policy, checked before any input is read.
Expected<std::unique_ptr<PolicyAuditor>> MakeAuditor(const TlsPolicyAuditOptions& o,
                                                     const AuditCommonArgs& a) {
  if (!a.protocols_policy.empty()) {
    return std::unexpected(
        Error::Usage("give --policy PROTOCOLS or --tls-policy POLICY, not both", "usage"));
  }
  SECPROTO_ASSIGN_OR_RETURN(policy, LoadPolicy(o.policy, o.sets));
  if (!o.os.empty()) {
    SECPROTO_TRY(FindOs(o.os));
  }
  auto auditor =
      std::make_unique<PolicyAuditor>(std::move(policy), PolicyLabel({o.policy, o.sets}), o.os);
  SECPROTO_TRY(auditor->Check());
  return auditor;
}

/// The streamed outputs of `audit --tls-policy`: the summaries, the human
/// listing of machines not compliant, the CSV rows, the JSON machines and the
/// HTML digest; nothing here grows with the fleet.
struct PolicyAuditStream {
  PolicyAuditStream(const AuditCommonArgs& a, StreamedFile* csv, AuditJsonStream& json,
                    PolicyReportDigest* digest)
      : a(a), csv(csv), json(json), digest(digest) {}

  void Add(const std::vector<PolicyMachineResult>& chunk) {
    for (const PolicyMachineResult& r : chunk) {
      summary.Add(r.base);
      components.Add(r);
      if (csv) csv->out() << PolicyCsvRow(r);
      if (json.on()) json.Machine(PolicyMachineJson(r));
      if (!json.on() && r.base.cls != MachineClass::kCompliant) {
        if (listed < a.list) PrintMachine(r);
        ++listed;
      }
      if (digest) digest->Add(r);
    }
  }

  static void PrintMachine(const PolicyMachineResult& r) {
    std::cout << std::left << std::setw(11) << MachineClassName(r.base.cls) << " " << r.base.host
              << ": " << r.base.detail << "\n";
    for (size_t i = 1; i < r.drift.size() && i < 5; ++i) {
      std::cout << std::string(12, ' ') << r.drift[i] << "\n";
    }
    if (r.drift.size() > 5) {
      std::cout << std::string(12, ' ') << "... and " << (r.drift.size() - 5) << " more\n";
    }
  }

  const AuditCommonArgs& a;
  StreamedFile* csv;
  AuditJsonStream& json;
  PolicyReportDigest* digest;
  AuditSummary summary;
  ComponentSummary components;
  int listed = 0;
};

/// Walks the inputs in chunks, audited by --jobs threads. REQUIRES: an
/// InterruptPolling is alive. An interrupt stops the walk at the next file
/// (the files so far stay in the stream); returns whether one did.
bool AuditPolicyInputs(const AuditCommonArgs& a, PolicyAuditor& auditor,
                       PolicyAuditStream& stream) {
  unsigned jobs = AuditJobs(a.jobs);
  AuditProgress progress(a.inputs, !a.no_progress && !G().quiet && StderrIsTerminal());
  return !ForEachInputChunk(
      a.inputs, kPolicyAuditChunk, [&](const std::vector<std::string>& paths) {
        stream.Add(auditor.AuditFiles(paths, jobs));
        progress.Update(stream.summary.total);
      });
}

/// The members after "machines" (--json) or on the last line (--json-lines):
/// "summary", "components", "exit_code", then "interrupted" ("interrupted
/// after N file(s)"; the summaries then cover those N files) or "error"
/// when not empty.
std::string PolicyAuditTail(const PolicyAuditStream& stream, int code,
                            const std::string& interrupted = "", const Error* error = nullptr) {
  std::string t = "\"summary\": " + SummaryJson(stream.summary) +
                  ",\n  \"components\": " + ComponentSummaryJson(stream.components) +
                  ",\n  \"exit_code\": " + std::to_string(code);
  if (!interrupted.empty()) t += ",\n  \"interrupted\": " + Json(interrupted).dump();
  if (error) {
    t += ",\n  \"error\": " +
         Json{{"code", error->code}, {"message", error->message}, {"exit_code", code}}.dump();
  }
  return t;
}

/// JSON Lines keep each record on one line.
std::string OneLine(std::string s) {
  std::erase(s, '\n');
  return s;
}

void PrintPolicyAuditHuman(const TlsPolicyAuditOptions& o, const AuditCommonArgs& a,
                           const PolicyAuditStream& stream, int code) {
  const AuditSummary& summary = stream.summary;
  if (stream.listed > a.list) {
    std::cout << "... and " << (stream.listed - a.list)
              << " more not compliant (see --csv, --json or --html)\n";
  }
  if (stream.listed > 0) std::cout << "\n";
  std::cout << "TLS policy " << o.policy << ": " << summary.total << " machine"
            << (summary.total == 1 ? "" : "s") << "\n";
  for (MachineClass c : AllMachineClasses()) {
    uint64_t k = summary.Count(c);
    if (k == 0 && c != MachineClass::kCompliant && c != MachineClass::kDrift) continue;
    std::cout << "  " << std::left << std::setw(16) << MachineClassName(c) << std::right
              << std::setw(8) << k << "\n";
  }
  std::cout << "Per component (ok / drift):\n";
  const ComponentSummary& components = stream.components;
  for (int c = 0; c < kAuditComponentCount; ++c) {
    if (components.counts[c][1] + components.counts[c][2] == 0) continue;
    std::cout << "  " << std::left << std::setw(16) << AuditComponentName(static_cast<AuditComponent>(c))
              << std::right << std::setw(8) << components.counts[c][1] << " / "
              << components.counts[c][2] << "\n";
  }
  if (code == kExitInterrupted) return;
  if (!a.csv.empty() && !G().quiet) std::cout << "wrote " << a.csv << "\n";
  if (!a.html.empty() && !G().quiet) std::cout << "wrote " << a.html << "\n";
  if (code == kExitTarget) std::cerr << "secproto: error: no input could be read and judged\n";
}

}  // namespace

void AddTlsPolicyAuditOptions(CLI::App& app, TlsPolicyAuditOptions& o) {
  CLI::Option* policy = app.add_option(
      "--tls-policy", o.policy,
      "Audit against a whole-stack policy (template name or file) instead of --policy: "
      "per machine compliant, drift (with the keys) or unreadable, per component");
  AddTlsPolicySetOption(app, o.sets, policy);
  app.add_option(
      "--os", o.os,
      "--tls-policy: the OS of inputs that hold no CurrentBuild (see `secproto os list`)");
}

int RunTlsPolicyAudit(const TlsPolicyAuditOptions& o, const AuditCommonArgs& a) {
  auto auditor = MakeAuditor(o, a);
  if (!auditor) return ReportError(auditor.error());
  if (Status s = CheckAuditOutputs(a.csv, a.html, a.force); !s)
    return ReportError(s.error());
  auto csv_file = StreamedFile::OpenIfGiven(a.csv, PolicyCsvHeader(), OutputOptions{a.force});
  if (!csv_file) return ReportError(csv_file.error());
  std::unique_ptr<StreamedFile> csv = std::move(*csv_file);
  AuditJsonStream json(AuditJsonMode(a.json_lines), "\"tls_policy\": " + Json(o.policy).dump());
  std::optional<PolicyReportDigest> digest;
  if (!a.html.empty()) {
    digest.emplace(a.html_worst < 0 ? PolicyReportDigest::kDefaultWorst
                                    : static_cast<size_t>(a.html_worst));
  }
  PolicyAuditStream stream(a, csv.get(), json, digest ? &*digest : nullptr);
  // Polled from the walk to the rendered report: an interrupt there stops
  // the walk and publishes nothing.
  std::optional<InterruptPolling> polling(std::in_place);
  bool interrupted = AuditPolicyInputs(a, **auditor, stream);
  const AuditSummary& summary = stream.summary;
  std::string html;
  if (!interrupted && digest && summary.total > 0) {
    html = PolicyHtmlReport(o.policy, summary, stream.components, *digest,
                            CsvLinkFrom(a.html, a.csv));
  }
  interrupted = TakeDeferredInterrupt() || interrupted;
  polling.reset();
  bool lines = AuditJsonMode(a.json_lines) == AuditJsonStream::Mode::kLines;
  auto tail = [&](int code, const std::string& what = "", const Error* e = nullptr) {
    std::string t = PolicyAuditTail(stream, code, what, e);
    return lines ? OneLine(t) : t;
  };
  if (interrupted) {
    csv.reset();  // removes its temp file: an existing --csv file stays as it was
    std::string what = InterruptedAfterFiles(summary.total);
    if (json.on()) {
      json.Finish(tail(kExitInterrupted, what));
    } else {
      PrintPolicyAuditHuman(o, a, stream, kExitInterrupted);
    }
    ReportInterruptedAudit(what, a.csv, a.html);
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
    json.Finish(tail(code, "", &e));
    return code;
  };
  if (csv) {
    if (Status s = csv->Publish(); !s) return fail(s.error());
  }
  if (!a.html.empty()) {
    if (Status s = WriteOutputFile(a.html, html, OutputOptions{a.force}); !s)
      return fail(s.error());
  }
  int code = AuditExitCode(summary);
  if (json.on()) {
    json.Finish(tail(code));
  } else {
    PrintPolicyAuditHuman(o, a, stream, code);
  }
  return code;
}

}  // namespace secproto::cli
