// Writing export artifacts and walking audit inputs (fleet_io.h).
#include "fleet_io.h"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <thread>

#include "secproto/interrupt.h"
#include "secproto/write.h"

namespace secproto::cli {
namespace {

// Writes every file of a folder artifact below `dir`, creating `dir` and the
// artifact's own folders. Every file is checked before any is written: an
// existing one is kept unless `force`.
Status WriteTree(const std::string& dir, const Artifact& a, bool parent_must_exist, bool force) {
  // "intune/" names the folder intune: its parent is ".", not "intune".
  std::string trimmed = dir;
  while (trimmed.size() > 1 && (trimmed.back() == '/' || trimmed.back() == '\\')) trimmed.pop_back();
  std::filesystem::path parent = std::filesystem::path(trimmed).parent_path();
  std::error_code exists_ec;
  if (parent_must_exist && !parent.empty() && !std::filesystem::is_directory(parent, exists_ec)) {
    return Fail(Error::Target("folder " + parent.string() + " does not exist (create it first)",
                              "no-folder"));
  }
  for (const ArtifactFile& f : a.files) {
    std::filesystem::path p = std::filesystem::path(dir) / f.path;
    std::error_code ec;
    if (!force && std::filesystem::exists(std::filesystem::symlink_status(p, ec))) {
      return Fail(Error::Usage(p.string() + " exists already; give a new folder, or --force to "
                                            "replace the files",
                               "output-exists"));
    }
  }
  for (const ArtifactFile& f : a.files) {
    std::filesystem::path p = std::filesystem::path(dir) / f.path;
    std::error_code ec;
    std::filesystem::create_directories(p.parent_path(), ec);
    if (ec) {
      return Fail(Error::Io(
          "cannot create folder " + p.parent_path().string() + ": " + ec.message(), "io"));
    }
    SECPROTO_TRY(WriteOutputFile(p.string(), f.content, OutputOptions{true}));
  }
  return {};
}

// Writes the artifact; the files written, [{"path","bytes"}].
Expected<Json> WriteArtifactFiles(const Artifact& artifact, const ArtifactDestination& to) {
  Json files = Json::array();
  if (artifact.is_directory) {
    SECPROTO_TRY(WriteTree(to.dir, artifact, to.parent_must_exist, to.force));
    for (const ArtifactFile& f : artifact.files) {
      files.push_back(Json{{"path", (std::filesystem::path(to.dir) / f.path).string()},
                           {"bytes", f.content.size()}});
    }
    return files;
  }
  const std::string& content = artifact.files.front().content;
  SECPROTO_TRY(WriteOutputFile(to.output, content, OutputOptions{to.force}));
  files.push_back(Json{{"path", to.output}, {"bytes", content.size()}});
  return files;
}

}  // namespace

Expected<std::string> ArtifactFolder(const Artifact& artifact, const std::string& dir,
                                     const std::string& output, const std::string& format_words) {
  if (!artifact.is_directory) return dir;
  if (!dir.empty()) return dir;
  if (!output.empty()) return output;
  return Fail(Error::Usage(format_words + " writes a folder: give -o DIR", "usage"));
}

int DeliverArtifact(const Artifact& artifact, const ArtifactDestination& to, Json report) {
  if (!artifact.is_directory && to.output.empty()) {
    if (G().json) {
      return ReportError(
          Error::Usage("--json prints a report: give -o PATH for the artifact", "usage"));
    }
    std::cout << artifact.files.front().content << std::flush;
    return kExitOk;
  }
  auto files = WriteArtifactFiles(artifact, to);
  if (!files) return ReportError(files.error());
  if (G().json) {
    report["files"] = *files;
    PrintJson(report);
  } else if (!G().quiet) {
    for (const auto& f : *files) {
      std::cout << "wrote " << f["path"].get<std::string>() << " (" << f["bytes"].get<size_t>()
                << " bytes)\n";
    }
  }
  return kExitOk;
}

Expected<std::unique_ptr<StreamedFile>> StreamedFile::OpenIfGiven(const std::string& path,
                                                                  std::string_view header,
                                                                  const OutputOptions& options) {
  if (path.empty()) return nullptr;
  SECPROTO_ASSIGN_OR_RETURN(stream, OutputStream::Open(path, options));
  auto f = std::unique_ptr<StreamedFile>(new StreamedFile(std::move(stream)));
  f->out() << header;
  return f;
}

Status CheckAuditOutputs(const std::string& csv, const std::string& html, bool force) {
  SECPROTO_TRY(CheckOutputFile(csv, OutputOptions{force}));
  return CheckOutputFile(html, OutputOptions{force});
}

unsigned AuditJobs(int jobs_flag) {
  return jobs_flag > 0 ? static_cast<unsigned>(jobs_flag)
                       : std::max(1u, std::min(4u, std::thread::hardware_concurrency()));
}

bool ForEachInputChunk(const std::vector<std::string>& inputs, size_t chunk,
                       const std::function<void(const std::vector<std::string>&)>& audit) {
  InputWalker walker(inputs);
  std::vector<std::string> paths;
  while (true) {
    paths.clear();
    while (paths.size() < chunk && !Interrupted()) {
      auto p = walker.Next();
      if (!p) break;
      paths.push_back(std::move(*p));
    }
    if (!paths.empty()) audit(paths);
    if (Interrupted()) return false;
    if (paths.size() < chunk) return true;
  }
}

std::string InterruptedAfterFiles(uint64_t files) {
  return "interrupted after " + std::to_string(files) + " file(s)";
}

void ReportInterruptedAudit(const std::string& what, const std::string& csv,
                            const std::string& html) {
  std::string outputs = csv.empty() ? html : html.empty() ? csv : csv + " and " + html;
  std::cerr << "secproto: " << what;
  if (!outputs.empty()) std::cerr << "; " << outputs << " not written (left as they were)";
  std::cerr << "\n" << std::flush;
}

int AuditExitCode(const AuditSummary& summary) {
  uint64_t judged = summary.total - summary.Count(MachineClass::kInvalid) -
                    summary.Count(MachineClass::kUnreadable);
  return judged == 0                                                ? kExitTarget
         : summary.Count(MachineClass::kCompliant) == summary.total ? kExitOk
                                                                    : kExitDrift;
}

}  // namespace secproto::cli
