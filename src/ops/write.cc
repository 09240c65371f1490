// The one door for writes (secproto/write.h): output files, backups bound to
// their target, and change sets applied with their backup.
#include "secproto/write.h"

#include <filesystem>
#include <fstream>

#include "util/file.h"

namespace secproto {
namespace {

namespace fs = std::filesystem;

// "hive:/a/b/../SOFTWARE" and "hive:SOFTWARE" name one file when resolved.
std::string Normalised(const std::string& target) {
  size_t colon = target.find(':');
  if (colon == std::string::npos || colon < 2) return target;
  std::string scheme = target.substr(0, colon);
  std::string rest = target.substr(colon + 1);
  if (rest.empty()) return target;
  std::error_code ec;
  fs::path p = fs::weakly_canonical(rest, ec);
  if (ec) return target;
  return scheme + ":" + p.string();
}

// kTarget "no-folder" when the folder that would hold `path` is missing: one
// answer for every output and backup file.
Status CheckFolderOf(const std::string& path) {
  fs::path parent = fs::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty() && !fs::is_directory(parent, ec)) {
    return Fail(Error::Target("folder " + parent.string() + " does not exist (create it first)",
                              "no-folder"));
  }
  return {};
}

class FileOutputStream : public OutputStream {
 public:
  FileOutputStream(std::string path, std::unique_ptr<TempFile> temp)
      : path_(std::move(path)), temp_(std::move(temp)), out_(temp_->path(), std::ios::binary) {}
  std::ostream& out() override { return out_; }
  const std::string& path() const override { return path_; }
  Status Publish() override {
    out_.flush();
    if (!out_) return Fail(Error::Io("cannot write " + path_, "io"));
    out_.close();
    return temp_->Publish(path_);
  }

 private:
  std::string path_;
  std::unique_ptr<TempFile> temp_;
  std::ofstream out_;
};

}  // namespace

// --- output files --------------------------------------------------------------

Status CheckOutputFile(const std::string& path, const OutputOptions& options) {
  if (path.empty()) return {};
  SECPROTO_TRY(CheckFolderOf(path));
  std::error_code ec;
  fs::path p(path);
  if (fs::is_directory(p, ec)) {
    return Fail(Error::Usage(path + " is a folder; give a file name", "output-is-folder"));
  }
  if (!options.force && fs::exists(fs::symlink_status(p, ec))) {
    return Fail(Error::Usage(
        path + " exists already; give a new file name, or --force to replace it", "output-exists"));
  }
  return {};
}

Status WriteOutputFile(const std::string& path, std::string_view data,
                       const OutputOptions& options) {
  SECPROTO_TRY(CheckOutputFile(path, options));
  return WriteFileAtomically(path, data);
}

Expected<std::unique_ptr<OutputStream>> OutputStream::Open(const std::string& path,
                                                           const OutputOptions& options) {
  SECPROTO_TRY(CheckOutputFile(path, options));
  SECPROTO_ASSIGN_OR_RETURN(temp, TempFile::CreateBeside(path));
  auto stream = std::make_unique<FileOutputStream>(path, std::move(temp));
  if (!stream->out()) return Fail(Error::Io("cannot write beside " + path, "io"));
  return std::unique_ptr<OutputStream>(std::move(stream));
}

// --- backups ---------------------------------------------------------------------

Status CheckBackupBinding(const BackupBinding& binding, const std::string& backup_path,
                          const RegistryBackend& backend) {
  std::string now = backend.Describe();
  if (!binding.target.empty() && Normalised(binding.target) != Normalised(now)) {
    return Fail(Error::Usage("the backup " + backup_path + " was taken from " + binding.target +
                                 ", not from " + now + "; give --target " + binding.target +
                                 ", or pass --force to apply it to " + now + " anyway",
                             "backup-target-mismatch"));
  }
  std::string machine = backend.MachineName();
  if (!binding.machine.empty() && !machine.empty() && binding.machine != machine) {
    return Fail(Error::Usage("the backup " + backup_path + " was taken on the machine " +
                                 binding.machine + ", and this is " + machine +
                                 "; pass --force to apply it here anyway",
                             "backup-target-mismatch"));
  }
  return {};
}

Status RefuseExistingBackup(const std::string& path) {
  if (path.empty()) return {};
  std::error_code ec;
  if (fs::exists(fs::symlink_status(path, ec))) {
    return Fail(Error::Usage("the backup file " + path +
                                 " already exists and may be the only way back to the state "
                                 "before an earlier change; secproto never overwrites a backup: "
                                 "give a new name, or move that file away",
                             "backup-exists"));
  }
  return CheckFolderOf(path);
}

// --- change sets -------------------------------------------------------------------

Expected<WriteOutcome> WriteChangeSet(RegistryBackend& backend, const Plan& plan,
                                      const ChangeWriteOptions& options) {
  // A dry run gives the answer the real run would: an existing backup file
  // is refused by both.
  SECPROTO_TRY(RefuseExistingBackup(options.backup_path));
  bool keep_backup = !options.backup_path.empty() && !options.dry_run && !backend.IsDryRun();
  WriteOutcome out;
  // Every key a needed change touches must be writable before anything is
  // written or the backup is kept: a refusal changes nothing.
  if (!options.dry_run && !backend.IsDryRun()) {
    for (const PlannedChange& pc : plan.changes) {
      if (!pc.needed()) continue;
      SECPROTO_TRY(backend.PrepareWrite(pc.change.view, pc.change.key));
    }
  }
  if (keep_backup && plan.changes_anything()) {
    SECPROTO_ASSIGN_OR_RETURN(backup, TakeChangeSetBackup(backend, plan));
    auto wrote = WriteFileAtomically(options.backup_path, ChangeSetBackupToJson(backup));
    if (!wrote) {
      return Fail(
          Error::Io("cannot write the backup, so nothing was changed: " + wrote.error().message,
                    "backup-failed"));
    }
    out.backup_written = true;
  }
  auto result = ApplyPlan(backend, plan);
  if (!result) {
    // A transactional target that failed before its commit is as it was:
    // the backup would describe a change that never happened.
    if (out.backup_written && backend.IsTransactional()) {
      std::error_code ec;
      fs::remove(options.backup_path, ec);
    }
    return Fail(result.error());
  }
  out.result = std::move(*result);
  return out;
}

Expected<ChangeSetResult> RestoreChangeSet(RegistryBackend& backend, const ChangeSetBackup& backup,
                                           const std::string& backup_path, bool force) {
  if (!force) SECPROTO_TRY(CheckBackupBinding({backup.target, backup.machine}, backup_path, backend));
  return RestoreChangeSetBackup(backend, backup);
}

}  // namespace secproto
