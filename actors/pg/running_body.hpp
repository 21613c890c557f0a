// Which transaction body runs on this thread, if any: how runtime::transact called from inside
// a body finds the transaction to join (propagation::join) instead of deadlocking on the pool.
#pragma once

namespace actortx {

class tx;

/// The body running on this thread and the pool its connection belongs to: the pool actor's
/// address, unique in the process (actor ids are not: each runtime may own an actor system).
struct running_body {
  tx* t = nullptr;
  const void* pool = nullptr;
};

/// The innermost body running on this thread; {nullptr, nullptr} when none.
running_body current_body() noexcept;

/// Marks a body as running on this thread for its lifetime; restores the previous one after.
class running_body_scope {
 public:
  running_body_scope(tx& t, const void* pool) noexcept;
  ~running_body_scope();
  running_body_scope(const running_body_scope&) = delete;
  running_body_scope& operator=(const running_body_scope&) = delete;

 private:
  running_body previous_;
};

}  // namespace actortx
