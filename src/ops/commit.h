// The last step of every write the ops make (set, unset, rollback, apply of a
// change set). Internal to src/ops.
#ifndef SECPROTO_OPS_COMMIT_H_
#define SECPROTO_OPS_COMMIT_H_

#include "secproto/error.h"
#include "secproto/registry.h"

namespace secproto {

/// backend.Commit(); a failure on a transactional backend says that the
/// target was left unchanged (nothing reached it).
inline Status CommitWrites(RegistryBackend& backend) {
  Status committed = backend.Commit();
  if (!committed) {
    Error err = committed.error();
    if (backend.IsTransactional()) err.message += "; the target was left unchanged";
    return Fail(err);
  }
  return {};
}

}  // namespace secproto

#endif  // SECPROTO_OPS_COMMIT_H_
