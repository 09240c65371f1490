// `export --tls-policy POLICY` and `audit --tls-policy POLICY`: the whole-stack
// policy for fleets (docs/FLEET.md). The options are added to the existing
// commands; these functions run when --tls-policy is given.
#ifndef SECPROTO_CLI_EXPORT_POLICY_H_
#define SECPROTO_CLI_EXPORT_POLICY_H_

#include <string>
#include <vector>

#include "common.h"

namespace secproto::cli {

struct TlsPolicyExportOptions {
  std::string policy;  ///< --tls-policy: a template name or a policy file
  std::string os;      ///< --os ID
  std::string os_mix;  ///< --os-mix ID,ID,...
  /// --set: lines over --tls-policy
  std::vector<std::string> sets;
};

/// Adds --tls-policy, --os and --os-mix to `export`.
void AddTlsPolicyExportOptions(CLI::App& app, TlsPolicyExportOptions& o);

/// The rest of export's flags, as the user gave them.
struct ExportCommonArgs {
  std::vector<std::string> protocols;
  std::string format;
  std::string output;
  bool unset = false;
  std::string role_dir;
  std::string gpo_dir;
  bool fixed_ids = false;
  bool with_schannel = false;
  bool force = false;  ///< --force: replace existing output files
};
int RunTlsPolicyExport(const TlsPolicyExportOptions& o, const ExportCommonArgs& a);

struct TlsPolicyAuditOptions {
  std::string policy;  ///< --tls-policy
  std::string os;      ///< --os: for inputs without CurrentBuild
  /// --set: lines over --tls-policy
  std::vector<std::string> sets;
};
/// Adds --tls-policy and --os to `audit`.
void AddTlsPolicyAuditOptions(CLI::App& app, TlsPolicyAuditOptions& o);

struct AuditCommonArgs {
  std::vector<std::string> inputs;
  std::vector<std::string> protocols_policy;  ///< --policy (must be empty)
  std::string csv;
  std::string html;
  int jobs = 0;
  int list = 20;
  bool no_progress = false;
  bool force = false;  ///< --force: replace existing --csv/--html files
  bool json_lines = false;  ///< --json-lines: one JSON object per machine, then a summary line
  int html_worst = -1;      ///< --html-worst N (--tls-policy); -1: not given (100)
};
int RunTlsPolicyAudit(const TlsPolicyAuditOptions& o, const AuditCommonArgs& a);

}  // namespace secproto::cli

#endif  // SECPROTO_CLI_EXPORT_POLICY_H_
