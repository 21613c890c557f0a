// Callbacks around the end of a transaction attempt: pre-commit (may veto), post-commit,
// pre-rollback, post-rollback. Per transaction (rt.transact(opts, body, hooks)) and runtime-wide
// (runtime_config::hooks); runtime-wide hooks run first.
//
// Thread: every hook runs on the connection actor's thread, inside the attempt, before the
// connection goes back to the pool; the blocking transact() returns only after they finished,
// so they may capture the caller's locals by reference. Keep them short: the connection is
// held while they run. They run once per attempt (a retried transaction rolls back first).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace actortx {

class tx;

/// What a post-commit or rollback hook learns about the attempt.
struct hook_event {
  uint64_t tx_id = 0;
  uint32_t attempt = 0;
  std::string label;
  int32_t backend_pid = 0;
  std::string reason;   ///< rollback hooks: why the attempt rolls back; empty otherwise
  std::string saga_id;  ///< tx_options::saga_id: the saga it works for, "" when none
};

class tx_hooks {
 public:
  /// Runs after the body, before COMMIT, inside the transaction (it may run SQL through `t`).
  /// Throwing vetoes the commit: the attempt rolls back and the outcome is ROLLED_BACK (not
  /// retried) naming the hook's message; a SQL error it causes is classified like the body's.
  using check_fn = std::function<void(tx& t)>;
  /// Notifications; an exception they throw is logged and changes nothing.
  using notify_fn = std::function<void(const hook_event&)>;

  /// Runs only after the server confirmed COMMIT (the data is durable).
  tx_hooks& pre_commit(check_fn f);
  tx_hooks& post_commit(notify_fn f);
  /// Before the runtime sends ROLLBACK (not when the connection is already gone).
  tx_hooks& pre_rollback(notify_fn f);
  /// After the attempt's work was rolled back: by ROLLBACK, or by the server when the
  /// connection broke before COMMIT. Not called for an in-doubt commit.
  tx_hooks& post_rollback(notify_fn f);

  bool empty() const noexcept;
  const std::vector<check_fn>& pre_commit_hooks() const noexcept { return pre_commit_; }
  const std::vector<notify_fn>& post_commit_hooks() const noexcept { return post_commit_; }
  const std::vector<notify_fn>& pre_rollback_hooks() const noexcept { return pre_rollback_; }
  const std::vector<notify_fn>& post_rollback_hooks() const noexcept { return post_rollback_; }

 private:
  std::vector<check_fn> pre_commit_;
  std::vector<notify_fn> post_commit_;
  std::vector<notify_fn> pre_rollback_;
  std::vector<notify_fn> post_rollback_;
};

}  // namespace actortx
