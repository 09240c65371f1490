// The intent journal of a commit that renames more than one hive (SOFTWARE and
// SYSTEM of an image). Renames of two files are two steps; the journal makes
// them one: a crash before the journal is durable leaves both hives old, and
// a crash after it is finished by the next writer or `policy recover`.
//
// Protocol (PairJournal::Begin, then Renamed per hive, then Finish):
//   1. every new hive is written and verified in its temp file (HiveFile::Prepare);
//   2. each temp file is fsynced and hard-linked to "<dir>/.<name>.secproto-pairnew",
//      a name stale-temp cleanup leaves alone, and its folder fsynced;
//   3. "<SOFTWARE dir>/.<SOFTWARE name>.secproto-journal" is written atomically
//      (temp, fsync, rename, fsync folder), naming each link and its target:
//      the commit point;
//   4. each temp file is renamed over its hive;
//   5. the links and then the journal are removed.
// Recovery with a journal renames every link that is not yet the hive over it
// (finish); without one it removes leftover links (undo: the hives are old).
#ifndef SECPROTO_REGISTRY_PAIR_JOURNAL_H_
#define SECPROTO_REGISTRY_PAIR_JOURNAL_H_

#include <memory>
#include <string>
#include <vector>

#include <optional>

#include "secproto/error.h"
#include "secproto/registry.h"

namespace secproto {

class PairJournal {
 public:
  struct Hive {
    std::string temp;    ///< the verified new hive, not yet renamed
    std::string target;  ///< the hive it replaces
  };
  /// Steps 2 and 3. `anchor` is the SOFTWARE hive the journal sits beside.
  /// REQUIRES: an InterruptDeferral is alive from here to Finish(), so that
  /// an interrupt never stops the commit between its journal and its end
  /// (HiveBackend::Commit holds it).
  static Expected<std::unique_ptr<PairJournal>> Begin(const std::string& anchor,
                                                      const std::string& describe,
                                                      const std::vector<Hive>& hives);
  /// Called after hive `index` was renamed. Test hook: with
  /// SECPROTO_TEST_PAIR_PAUSE_MS set, sleeps after the first rename so that
  /// tests/e2e/policy_crash.sh can kill a process between the two renames.
  void Renamed(size_t index);
  /// Step 5.
  Status Finish();

 private:
  PairJournal() = default;
  std::string journal_;
  std::vector<Hive> links_;  ///< link path and target
};

/// The journal path for a SOFTWARE hive.
std::string PairJournalPath(const std::string& software);

/// Run before a hive pair is opened (OpenHives). With a journal beside
/// `software`: a reader fails with kTarget "interrupted-apply" naming
/// `secproto policy recover --target <describe>` and writes nothing; a writer
/// locks the hives, finishes the commit and returns what it did.
/// A writer also removes links left by a commit that died before its journal
/// (and notes that the interrupted apply was undone).
Expected<std::optional<PairRecovery>> RecoverPairBeforeOpen(const std::string& describe,
                                                            const std::string& software,
                                                            const std::string& system,
                                                            bool read_only);

}  // namespace secproto

#endif  // SECPROTO_REGISTRY_PAIR_JOURNAL_H_
