// A transaction body as C++ code: fastest, but local to the node that runs it.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>

#include <caf/allowed_unsafe_message_type.hpp>

namespace actortx {

class tx;
class tx_hooks;

/// Shared between the caller and the connection thread that runs the body. The blocking API
/// waits on it so that a body (or a hook) capturing locals by reference never outlives the
/// caller's frame, even when the outcome (TIMEOUT) was delivered before the body returned.
class body_state {
 public:
  explicit body_state(std::function<void(tx&)> fn, std::shared_ptr<const tx_hooks> hooks = {})
      : fn_(std::move(fn)), hooks_(std::move(hooks)) {}

  /// Calls the body (inside guarded()).
  void operator()(tx& t) const { fn_(t); }

  /// Per-transaction hooks, or null.
  const tx_hooks* hooks() const noexcept { return hooks_.get(); }

  /// Runs `f` on the calling thread, counted as running until it returns.
  template <class F>
  decltype(auto) guarded(F&& f) {
    {
      std::lock_guard<std::mutex> guard{mtx_};
      ++running_;
    }
    struct done_guard {
      body_state* self;
      ~done_guard() {
        std::lock_guard<std::mutex> guard{self->mtx_};
        if (--self->running_ == 0) self->idle_.notify_all();
      }
    } done{this};
    return f();
  }

  /// Blocks until no thread runs the body or its hooks.
  void wait_idle() {
    std::unique_lock<std::mutex> guard{mtx_};
    idle_.wait(guard, [this] { return running_ == 0; });
  }

  /// Same, for at most `limit`; false if the body still runs.
  template <class Duration>
  bool wait_idle_for(Duration limit) {
    std::unique_lock<std::mutex> guard{mtx_};
    return idle_.wait_for(guard, limit, [this] { return running_ == 0; });
  }

 private:
  std::function<void(tx&)> fn_;
  std::shared_ptr<const tx_hooks> hooks_;
  std::mutex mtx_;
  std::condition_variable idle_;
  int running_ = 0;
};

/// Message wrapper of a local body. Not serializable on purpose: code cannot travel.
struct local_body {
  std::shared_ptr<body_state> state;
};

}  // namespace actortx

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(actortx::local_body)
