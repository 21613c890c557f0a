#include "actors/supervisor/deadline_queue.hpp"

#include <chrono>

#include "runtime/policy/clock.hpp"

namespace actortx {

deadline_queue::deadline_queue() : thread_([this] { run(); }) {}

deadline_queue::~deadline_queue() {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

deadline_queue::token deadline_queue::arm(int64_t at_ns, action what) {
  bool sooner = false;
  token t = 0;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    t = ++next_;
    due_.emplace(key{at_ns, t}, std::move(what));
    index_.emplace(t, at_ns);
    sooner = at_ns < wakes_at_;
    if (sooner) wakes_at_ = at_ns;  // the thread recomputes it when it runs
  }
  if (sooner) wake_.notify_one();
  return t;
}

bool deadline_queue::disarm(token t) noexcept {
  std::lock_guard<std::mutex> guard{mtx_};
  auto i = index_.find(t);
  if (i == index_.end()) return false;
  due_.erase(key{i->second, t});
  index_.erase(i);
  return true;
}

size_t deadline_queue::pending() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return due_.size();
}

void deadline_queue::run() {
  std::unique_lock<std::mutex> guard{mtx_};
  while (!stopping_) {
    if (due_.empty()) {
      // Keep the wake-up already planned (its deadline was disarmed): a deadline armed now is
      // most likely due later and then needs no notify.
      if (wakes_at_ != INT64_MAX && steady_now_ns() < wakes_at_) {
        wake_.wait_until(
            guard, std::chrono::steady_clock::time_point{std::chrono::nanoseconds{wakes_at_}});
        continue;
      }
      wakes_at_ = INT64_MAX;
      wake_.wait(guard);
      continue;
    }
    auto first = due_.begin();
    const auto at = first->first.first;
    const auto now = steady_now_ns();
    if (now < at) {
      wakes_at_ = at;
      // steady_now_ns() is the steady clock's epoch count: wait_until on the same clock.
      wake_.wait_until(guard, std::chrono::steady_clock::time_point{std::chrono::nanoseconds{at}});
      continue;
    }
    auto what = std::move(first->second);
    index_.erase(first->first.second);
    due_.erase(first);
    guard.unlock();
    try {
      what();
    } catch (...) {
      // Actions are the library's own and do not throw; one that did must not stop every
      // other deadline on the node.
    }
    guard.lock();
  }
}

}  // namespace actortx
