// The two-hive intent journal; see pair_journal.h for the protocol.
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "registry/pair_journal.h"
#include "secproto/interrupt.h"
#include "util/file.h"

namespace secproto {
namespace {

// A writer waits this long for another secproto process to finish with a hive.
constexpr int kLockTimeoutMs = 60000;

std::string DirOf(const std::string& path) {
  std::filesystem::path p(path);
  return p.has_parent_path() ? p.parent_path().string() : ".";
}

std::string Beside(const std::string& path, std::string_view suffix) {
  std::filesystem::path p(path);
  return (std::filesystem::path(DirOf(path)) / ("." + p.filename().string() + std::string(suffix)))
      .string();
}

std::string LinkPath(const std::string& target) { return Beside(target, ".secproto-pairnew"); }

Error ErrnoError(int err, const std::string& what, const std::string& path) {
  return Error::Io(what + " " + path + ": " + std::strerror(err), "io");
}

Status FsyncPath(const std::string& path, bool dir) {
  int fd = open(path.c_str(), dir ? (O_RDONLY | O_DIRECTORY) : O_RDONLY);
  if (fd < 0) return Fail(ErrnoError(errno, "open", path));
  int rc = fsync(fd);
  int err = errno;
  close(fd);
  if (rc != 0) return Fail(ErrnoError(err, "fsync", path));
  return {};
}

bool Exists(const std::string& path) {
  struct stat st;
  return lstat(path.c_str(), &st) == 0;
}

bool SameFile(const std::string& a, const std::string& b) {
  struct stat sa, sb;
  return stat(a.c_str(), &sa) == 0 && stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev &&
         sa.st_ino == sb.st_ino;
}

struct JournalEntry {
  std::string link;
  std::string target;
};

Expected<std::vector<JournalEntry>> ReadJournal(const std::string& path) {
  SECPROTO_ASSIGN_OR_RETURN(bytes, ReadFileBytes(path));
  auto bad = [&](const std::string& why) {
    return Fail(Error::Target("the intent journal " + path + " is unreadable (" + why +
                                  "); the hives beside it may be half-applied: compare them with "
                                  "a backup before removing it",
                              "bad-journal"));
  };
  auto j = nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.value("format", "") != "secproto-pair-journal") {
    return bad("not a secproto pair journal");
  }
  if (j.value("version", 0) != 1) return bad("unsupported version");
  std::vector<JournalEntry> out;
  try {
    for (const auto& h : j.at("hives")) {
      out.push_back({h.at("new").get<std::string>(), h.at("target").get<std::string>()});
    }
  } catch (const nlohmann::json::exception&) {
    return bad("a field is missing");
  }
  if (out.empty()) return bad("no hives");
  return out;
}

// Renames every link that is not yet its hive over it, then removes the
// journal. Returns how many hives it renamed.
Expected<int> Finish(const std::string& journal) {
  SECPROTO_ASSIGN_OR_RETURN(entries, ReadJournal(journal));
  int renamed = 0;
  for (const JournalEntry& e : entries) {
    if (!Exists(e.link)) continue;  // renamed and cleaned up already
    if (SameFile(e.link, e.target)) {
      if (unlink(e.link.c_str()) != 0) return Fail(ErrnoError(errno, "unlink", e.link));
    } else {
      if (rename(e.link.c_str(), e.target.c_str()) != 0) {
        return Fail(ErrnoError(errno, "rename onto", e.target));
      }
      ++renamed;
    }
    SECPROTO_TRY(FsyncPath(DirOf(e.target), true));
  }
  if (unlink(journal.c_str()) != 0 && errno != ENOENT) {
    return Fail(ErrnoError(errno, "unlink", journal));
  }
  SECPROTO_TRY(FsyncPath(DirOf(journal), true));
  return renamed;
}

// Stale temp files of a hive ("." name ".secproto-" six characters), which
// HiveFile removes when a writer opens it.
int CountStaleTemps(const std::string& hive) {
  int n = 0;
  std::error_code ec;
  std::string prefix = "." + std::filesystem::path(hive).filename().string() + ".secproto-";
  for (const auto& e : std::filesystem::directory_iterator(DirOf(hive), ec)) {
    std::string name = e.path().filename().string();
    if (name.rfind(prefix, 0) == 0 && name.size() == prefix.size() + 6) ++n;
  }
  return n;
}

// Removes the stale temp files of a hive; only a holder of its lock may.
// Returns how many it removed.
int RemoveStaleTemps(const std::string& hive) {
  int n = 0;
  std::error_code ec;
  std::string prefix = "." + std::filesystem::path(hive).filename().string() + ".secproto-";
  std::vector<std::filesystem::path> found;
  for (const auto& e : std::filesystem::directory_iterator(DirOf(hive), ec)) {
    std::string name = e.path().filename().string();
    if (name.rfind(prefix, 0) == 0 && name.size() == prefix.size() + 6) found.push_back(e.path());
  }
  for (const auto& f : found) {
    if (std::filesystem::remove(f, ec)) ++n;
  }
  return n;
}

}  // namespace

std::string PairJournalPath(const std::string& software) {
  return Beside(software, ".secproto-journal");
}

Expected<std::unique_ptr<PairJournal>> PairJournal::Begin(const std::string& anchor,
                                                          const std::string& describe,
                                                          const std::vector<Hive>& hives) {
  auto j = std::unique_ptr<PairJournal>(new PairJournal());
  j->journal_ = PairJournalPath(anchor);
  nlohmann::ordered_json doc;
  doc["format"] = "secproto-pair-journal";
  doc["version"] = 1;
  doc["target"] = describe;
  doc["hives"] = nlohmann::ordered_json::array();
  for (const Hive& h : hives) {
    std::string link = LinkPath(h.target);
    SECPROTO_TRY(FsyncPath(h.temp, false));
    unlink(link.c_str());  // a leftover of a commit that died before its journal
    if (::link(h.temp.c_str(), link.c_str()) != 0) {
      Error e = ErrnoError(errno, "link", link);
      for (const Hive& done : j->links_) unlink(done.temp.c_str());
      return Fail(e);
    }
    j->links_.push_back({link, h.target});
    SECPROTO_TRY(FsyncPath(DirOf(h.target), true));
    doc["hives"].push_back({{"new", link}, {"target", h.target}});
  }
  Status wrote = WriteFileAtomically(j->journal_, doc.dump(2) + "\n");
  if (!wrote) {
    for (const Hive& l : j->links_) unlink(l.temp.c_str());
    return Fail(wrote.error());
  }
  return j;
}

void PairJournal::Renamed(size_t index) {
  if (index != 0) return;
  const char* ms = std::getenv("SECPROTO_TEST_PAIR_PAUSE_MS");
  if (!ms) return;
  int n = std::atoi(ms);
  if (n > 0 && n <= 10000) std::this_thread::sleep_for(std::chrono::milliseconds(n));
}

Status PairJournal::Finish() {
  for (const Hive& l : links_) {
    if (unlink(l.temp.c_str()) != 0 && errno != ENOENT)
      return Fail(ErrnoError(errno, "unlink", l.temp));
  }
  if (unlink(journal_.c_str()) != 0 && errno != ENOENT) {
    return Fail(ErrnoError(errno, "unlink", journal_));
  }
  return FsyncPath(DirOf(journal_), true);
}

Expected<std::optional<PairRecovery>> RecoverPairBeforeOpen(const std::string& describe, const std::string& software,
                             const std::string& system, bool read_only) {
  std::string journal = PairJournalPath(software);
  bool has_journal = Exists(journal);
  if (read_only) {
    if (!has_journal) return {};
    return Fail(Error::Target(
        describe + " holds an interrupted apply (intent journal " + journal +
            "): its SOFTWARE and SYSTEM hives may be one old and one new; run `secproto policy "
            "recover --target " +
            describe +
            "` to finish it (if another secproto process is "
            "committing right now, retry when it is done)",
        "interrupted-apply"));
  }
  std::vector<std::string> hives = {software};
  if (!system.empty()) hives.push_back(system);
  // Lock only when a commit left something of its own: links, a journal or
  // its temp files, or temp files of a writer killed while preparing a hive.
  // HiveFile locks (and cleans) only the hives a command writes, so a
  // recovery that writes nothing must remove stale temp files itself.
  bool leftover_links = has_journal;
  for (const std::string& h : hives) leftover_links = leftover_links || Exists(LinkPath(h));
  if (!leftover_links) {
    std::error_code ec;
    std::string jprefix = "." + std::filesystem::path(journal).filename().string() + ".secproto-";
    for (const auto& e : std::filesystem::directory_iterator(DirOf(journal), ec)) {
      if (e.path().filename().string().rfind(jprefix, 0) == 0) leftover_links = true;
    }
  }
  int stale_before = 0;
  for (const std::string& h : hives) stale_before += CountStaleTemps(h);
  if (!leftover_links && stale_before == 0) return {};
  std::vector<std::unique_ptr<FileLock>> locks;
  for (const std::string& h : hives) {
    auto lock = FileLock::Acquire(h, kLockTimeoutMs);
    // Stale temp files alone are harmless: a folder secproto cannot lock in
    // gets its own message when the hive is opened.
    if (!lock && !leftover_links) return {};
    if (!lock) return Fail(lock.error());
    locks.push_back(std::move(*lock));
  }
  // Under the locks: a journal seen before may have been finished meanwhile.
  if (Exists(journal)) {
    // The renames and the journal's removal are one step: an interrupt waits.
    InterruptDeferral deferral;
    SECPROTO_ASSIGN_OR_RETURN(renamed, Finish(journal));
    // A temp file the journal's link was made from is a stale name now.
    for (const std::string& h : hives) RemoveStaleTemps(h);
    return std::optional<PairRecovery>(PairRecovery{
        PairRecovery::Action::kFinished,
        "finished an interrupted apply on " + describe +
            ": the intent journal was complete, so the new hives were put in place (" +
            std::to_string(renamed) +
            " renamed now, the rest had been renamed before the interruption)"});
  }
  int leftovers = 0;
  for (const std::string& h : hives) {
    std::string link = LinkPath(h);
    if (Exists(link)) {
      if (unlink(link.c_str()) != 0) return Fail(ErrnoError(errno, "unlink", link));
      ++leftovers;
    }
    leftovers += RemoveStaleTemps(h);
  }
  // Temp files of a journal whose atomic write was interrupted.
  std::error_code ec;
  std::string jprefix = "." + std::filesystem::path(journal).filename().string() + ".secproto-";
  for (const auto& e : std::filesystem::directory_iterator(DirOf(journal), ec)) {
    std::string name = e.path().filename().string();
    if (name.rfind(jprefix, 0) == 0 && name.size() == jprefix.size() + 6) {
      std::filesystem::remove(e.path(), ec);
      ++leftovers;
    }
  }
  if (leftovers && (leftover_links || !system.empty())) {
    return std::optional<PairRecovery>(PairRecovery{
        PairRecovery::Action::kUndone,
        "undid an interrupted apply on " + describe +
            ": it stopped before its intent journal was written, so both hives are still the "
            "old ones; removed " +
            std::to_string(leftovers) + " leftover file(s)"});
  }
  return std::optional<PairRecovery>();
}

}  // namespace secproto
