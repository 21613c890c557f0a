// Which transaction body runs on this thread, if any: how runtime::transact called from inside
// a body finds the transaction to join (propagation::join) instead of deadlocking on the pool.
#pragma once

#include <cstdint>

namespace actortx {

class tx;

/// The body running on this thread and the pool (by actor id) its connection belongs to.
struct running_body {
  tx* t = nullptr;
  uint64_t pool_id = 0;
};

/// The innermost body running on this thread; {nullptr, 0} when none.
running_body current_body() noexcept;

/// Marks a body as running on this thread for its lifetime; restores the previous one after.
class running_body_scope {
 public:
  running_body_scope(tx& t, uint64_t pool_id) noexcept;
  ~running_body_scope();
  running_body_scope(const running_body_scope&) = delete;
  running_body_scope& operator=(const running_body_scope&) = delete;

 private:
  running_body previous_;
};

}  // namespace actortx
