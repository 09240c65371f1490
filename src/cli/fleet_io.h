// What export and audit share with their --tls-policy halves
// (export_policy.cc): writing an artifact where the flags say, and walking
// the audit's inputs in chunks.
#ifndef SECPROTO_CLI_FLEET_IO_H_
#define SECPROTO_CLI_FLEET_IO_H_

#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common.h"
#include "secproto/audit.h"
#include "secproto/emit.h"
#include "secproto/write.h"

namespace secproto::cli {

/// The folder a folder artifact is written below: `dir` (--gpo-backup,
/// --role) or else -o `output`. A usage error "`format_words` writes a
/// folder: give -o DIR" when both are empty. "" for a single-file artifact.
Expected<std::string> ArtifactFolder(const Artifact& artifact, const std::string& dir,
                                     const std::string& output, const std::string& format_words);

/// Where an artifact goes: a folder artifact below `dir` (ArtifactFolder), a
/// single file to `output`, or stdout when `output` is empty. With
/// `parent_must_exist` the folder that holds `dir` must exist, as for a single
/// file: a mistyped path is reported, never created (an Ansible --role
/// roles/NAME creates roles/ as ansible-galaxy does).
struct ArtifactDestination {
  std::string dir;
  std::string output;
  bool parent_must_exist = true;
  bool force = false;  ///< replace existing files; refused otherwise (exit 2)
};

/// Writes `artifact` to `to` (files atomically), then prints `report` with
/// "files" added ([{"path","bytes"}], --json) or a "wrote PATH (N bytes)"
/// line per file (unless -q). A single file with no -o is printed on stdout
/// instead (a usage error with --json, which prints the report). Returns the
/// exit code.
int DeliverArtifact(const Artifact& artifact, const ArtifactDestination& to, Json report);

/// A file written as the audit streams (--csv): the library's OutputStream
/// (secproto/write.h), so an existing file is kept unless --force and an
/// interrupt leaves no temp file. Publish renames it over the target.
class StreamedFile {
 public:
  /// Opens the output for `path` and writes `header` to it; nullptr (no
  /// file) when `path` is empty, i.e. the flag was not given.
  static Expected<std::unique_ptr<StreamedFile>> OpenIfGiven(const std::string& path,
                                                             std::string_view header,
                                                             const OutputOptions& options);
  std::ostream& out() { return stream_->out(); }
  /// Flushes, closes and renames the temp file over the target.
  Status Publish() { return stream_->Publish(); }

 private:
  explicit StreamedFile(std::unique_ptr<OutputStream> stream) : stream_(std::move(stream)) {}
  std::unique_ptr<OutputStream> stream_;
};

/// The output files of an audit, checked before any input is read: the
/// folder exists, and an existing file is kept unless --force.
Status CheckAuditOutputs(const std::string& csv, const std::string& html, bool force);

/// The worker threads of `audit`: --jobs when > 0, else the cores, at most 4.
unsigned AuditJobs(int jobs_flag);

/// Walks `inputs` (InputWalker) and calls `audit` with each run of at most
/// `chunk` files, in order. Stops at the next file once Interrupted()
/// (secproto/interrupt.h; the caller holds an InterruptPolling): the files
/// gathered so far are still audited, none after. Returns false when it
/// stopped so.
bool ForEachInputChunk(const std::vector<std::string>& inputs, size_t chunk,
                       const std::function<void(const std::vector<std::string>&)>& audit);

/// "interrupted after N file(s)": what an interrupted audit says, on stderr
/// and in its JSON ("interrupted"), with the summary of the N files.
std::string InterruptedAfterFiles(uint64_t files);

/// The stderr line of an interrupted audit: "secproto: WHAT", and that the
/// --csv/--html files given were not written (existing ones are unchanged).
void ReportInterruptedAudit(const std::string& what, const std::string& csv,
                            const std::string& html);

/// 3 when no machine could be read and judged, 0 when every machine is
/// compliant, else 1.
int AuditExitCode(const AuditSummary& summary);

}  // namespace secproto::cli

#endif  // SECPROTO_CLI_FLEET_IO_H_
