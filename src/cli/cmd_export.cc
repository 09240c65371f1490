// secproto export PROTOCOLS --format F [-o PATH] [--unset] [--role DIR]
// [--gpo-backup DIR]: deployment artifacts for fleets.
#include <cstdlib>
#include <iostream>

#include "commands.h"
#include "common.h"
#include "export_policy.h"
#include "fleet_io.h"
#include "secproto/emit.h"
#include "secproto/protocols.h"

namespace secproto::cli {
namespace {

struct ExportCliOptions : ExportCommonArgs {
  std::string format_short;  ///< the deprecated -f
};

/// --format, or the deprecated -f (which means --file in probe and impact).
Expected<ExportFormat> FormatFromFlags(const ExportCliOptions& o) {
  std::string format = o.format;
  if (!o.format_short.empty()) {
    Warn("-f is deprecated in export (probe and impact use -f for --file): write --format " +
         o.format_short);
    if (format.empty()) format = o.format_short;
  }
  if (format.empty()) {
    return std::unexpected(
        Error::Usage("--format is required: reg | ps1 | intune | gpp | ansible | dsc", "usage"));
  }
  return ParseExportFormat(format);
}

/// PROTOCOLS or --unset into the value to export.
Status ValueFromFlags(const ExportCliOptions& o, ExportOptions& eo) {
  if (o.unset && !o.protocols.empty()) {
    return Fail(Error::Usage("--unset removes the value: give no PROTOCOLS", "usage"));
  }
  if (o.unset) return {};
  if (o.protocols.empty()) {
    return Fail(Error::Usage(
        "give PROTOCOLS (a profile such as modern, or tls1.2,tls1.3), or --unset", "usage"));
  }
  SECPROTO_ASSIGN_OR_RETURN(spec, ParseProtocols(o.protocols));
  if (spec.relative) {
    return Fail(Error::Input("+/- edits are relative to a stored value; export takes a full list",
                             "relative-edit"));
  }
  eo.value = spec.absolute;
  for (const std::string& p : o.protocols) eo.policy += (eo.policy.empty() ? "" : ",") + p;
  return {};
}

/// What to emit and where: the folder is --gpo-backup's, --role-dir's, or
/// -o's for a folder artifact; empty for a single file.
struct ExportPlan {
  ExportFormat format;
  ExportOptions eo;
  std::string dir;
};

Expected<ExportPlan> PlanFromFlags(const ExportCliOptions& o) {
  SECPROTO_ASSIGN_OR_RETURN(format, FormatFromFlags(o));
  ExportPlan plan{format, {}, {}};
  plan.eo.unset = o.unset;
  plan.eo.fixed_ids = o.fixed_ids;
  plan.eo.with_schannel = o.with_schannel;
  if (const char* env = std::getenv("SECPROTO_FIXED_IDS"); env && std::string(env) == "1") {
    plan.eo.fixed_ids = true;
  }
  SECPROTO_TRY(ValueFromFlags(o, plan.eo));
  if (!o.gpo_dir.empty()) {
    plan.eo.gpo_backup = true;
    plan.dir = o.gpo_dir;
  }
  if (!o.role_dir.empty()) {
    plan.eo.ansible_role = true;
    plan.dir = o.role_dir;
  }
  if (!plan.dir.empty() && !o.output.empty()) {
    return std::unexpected(
        Error::Usage("give the folder once: --role/--gpo-backup DIR, not -o", "usage"));
  }
  return plan;
}

/// The --json report of `export PROTOCOLS`; DeliverArtifact adds "files".
Json ExportReport(const ExportPlan& plan) {
  const ExportOptions& eo = plan.eo;
  Json j;
  j["format"] = std::string(ExportFormatName(plan.format));
  j["unset"] = eo.unset;
  j["value"] = eo.unset ? Json(nullptr) : Json(eo.value);
  j["hex"] = eo.unset ? Json(nullptr) : Json(ProtocolSet(eo.value).Hex());
  j["protocols"] = eo.unset ? Json(nullptr) : Json(ProtocolSet(eo.value).Names());
  return j;
}

/// A folder as given, without trailing separators: `-o intune/` names the
/// folder intune, whose parent (.) must exist, not a folder below intune/.
std::string FolderName(std::string dir) {
  while (dir.size() > 1 && dir[dir.size() - 2] != ':' &&
         (dir.back() == '/' || dir.back() == '\\')) {
    dir.pop_back();
  }
  return dir;
}

int Run(const ExportCliOptions& o) {
  auto plan = PlanFromFlags(o);
  if (!plan) return ReportError(plan.error());
  auto artifact = Emit(plan->format, plan->eo);
  if (!artifact) return ReportError(artifact.error());
  auto dir = ArtifactFolder(*artifact, plan->dir, o.output,
                            "--format " + std::string(ExportFormatName(plan->format)));
  if (!dir) return ReportError(dir.error());
  if (!plan->eo.unset && !G().quiet) {
    for (const Warning& w : WarningsFor(ProtocolSet(plan->eo.value))) {
      Warn(w.message);
    }
  }
  return DeliverArtifact(*artifact, {FolderName(*dir), o.output, o.role_dir.empty(), o.force},
                         ExportReport(*plan));
}

}  // namespace

const CommandSetup kSetupExport = [](CLI::App& app) -> std::function<int()> {
  auto o = std::make_shared<ExportCliOptions>();
  auto tp = std::make_shared<TlsPolicyExportOptions>();
  AddTlsPolicyExportOptions(app, *tp);
  app.add_option("PROTOCOLS", o->protocols, "Protocols or a profile (see `secproto profiles`)");
  app.add_option("--format", o->format, "reg | ps1 | intune | gpp | ansible | dsc (required)");
  app.add_option("-f", o->format_short, "Deprecated spelling of --format")->group("");
  app.add_option("-o,--output", o->output, "Output file (folder for intune); default stdout");
  app.add_flag("--unset", o->unset, "Make an artifact that removes the value");
  app.add_flag("--force", o->force, "Replace existing output files (kept otherwise)");
  app.add_option("--role", o->role_dir, "ansible: write a role layout into DIR");
  app.add_option("--gpo-backup", o->gpo_dir,
                 "gpp: lay out DIR/Machine/Preferences/Registry/Registry.xml and a README");
  app.add_flag("--with-schannel", o->with_schannel,
               "Also write the SCHANNEL client keys of the value's TLS 1.0-1.2 protocols "
               "(Enabled=1, DisabledByDefault=0) as Easy Fix 51044 does: needed on Windows 7 "
               "/ Server 2008 R2 (docs/MODEL.md R9)");
  app.add_flag("--fixed-ids", o->fixed_ids,
               "gpp: fixed uids and timestamp for reproducible output (also "
               "SECPROTO_FIXED_IDS=1)");
  app.footer(
      "Examples:\n"
      "  secproto export modern --format reg -o winhttp.reg\n"
      "  secproto export tls1.2,tls1.3 --format ps1 -o Set-WinHttpTls.ps1\n"
      "  secproto export modern --format intune -o intune/\n"
      "  secproto export modern --format gpp --gpo-backup gpo/\n"
      "  secproto export modern --format ansible --role roles/secproto_winhttp\n"
      "  secproto export tls1.1,tls1.2 --with-schannel --format reg -o win7.reg\n"
      "  secproto export --unset --format reg -o remove.reg\n"
      "  secproto export --tls-policy modern --os-mix win10-22h2,ws2019 --format ansible "
      "-o tls.yml");
  return [o, tp]() -> int {
    if (!tp->policy.empty()) {
      if (!o->format_short.empty() && o->format.empty()) o->format = o->format_short;
      return RunTlsPolicyExport(*tp, *o);
    }
    if (!tp->os.empty() || !tp->os_mix.empty()) {
      return ReportError(Error::Usage("--os and --os-mix go with --tls-policy", "usage"));
    }
    return Run(*o);
  };
};

}  // namespace secproto::cli
