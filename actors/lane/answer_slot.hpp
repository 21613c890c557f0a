// Where one blocking caller waits for its answer. Two parties may answer — the connection
// thread with the attempt's result, or the deadline (TIMEOUT / IN_DOUBT) — and the first one
// decides; the other's answer is dropped. Plain C++ (no CAF), tested under ThreadSanitizer.
// Internal to actors/.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <utility>

namespace actortx {

template <class T>
class answer_slot {
 public:
  /// True if this answer is the one the caller gets.
  bool answer(T value) {
    {
      std::lock_guard<std::mutex> guard{mtx_};
      if (value_) return false;
      value_.emplace(std::move(value));
      answered_.store(true, std::memory_order_release);
    }
    ready_.notify_one();
    return true;
  }

  /// Cheap check, e.g. for a grace timer that fires after the answer came.
  bool answered() const noexcept { return answered_.load(std::memory_order_acquire); }

  /// Blocks until answered; the caller's one read of it.
  T take() {
    std::unique_lock<std::mutex> guard{mtx_};
    ready_.wait(guard, [this] { return value_.has_value(); });
    return std::move(*value_);
  }

 private:
  std::mutex mtx_;
  std::condition_variable ready_;
  std::optional<T> value_;
  std::atomic<bool> answered_{false};
};

}  // namespace actortx
