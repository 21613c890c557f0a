// One timer thread for every transaction's deadline on this node. Arming and disarming a
// deadline is a map insert/erase under a mutex: no message, no thread wake-up unless the new
// deadline is due before the thread wakes anyway (a steady load arms deadlines later than the
// one the thread sleeps towards; one that was disarmed still wakes it once, and it sleeps on). What
// fires runs on the timer thread and must be quick and non-blocking: it expires a gate, hands a
// cancel to the canceller, or posts a message. Plain C++ (no CAF), so that it can be tested under
// ThreadSanitizer. Internal to actors/.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>

namespace actortx {

class deadline_queue {
 public:
  using action = std::function<void()>;
  /// Identifies an armed deadline; 0 is never used.
  using token = uint64_t;

  deadline_queue();
  /// Stops the thread; what has not fired yet never fires.
  ~deadline_queue();
  deadline_queue(const deadline_queue&) = delete;
  deadline_queue& operator=(const deadline_queue&) = delete;

  /// Runs `what` on the timer thread at `at_ns` (steady clock, see runtime/clock.hpp), unless
  /// disarmed before.
  token arm(int64_t at_ns, action what);
  /// True if it had not fired (and now never will). After a false return the action may be
  /// running right now on the timer thread: callers decide with their own state who won.
  bool disarm(token t) noexcept;

  /// Deadlines armed and not yet fired or disarmed.
  size_t pending() const;

 private:
  void run();

  using key = std::pair<int64_t, token>;  // due time, then arm order
  mutable std::mutex mtx_;
  std::condition_variable wake_;
  std::map<key, action> due_;
  std::map<token, int64_t> index_;  // token -> due time, for disarm
  token next_ = 0;
  /// When the thread wakes next on its own (INT64_MAX: only when told). A deadline due later
  /// needs no wake-up: the thread finds it when it wakes for the earlier one.
  int64_t wakes_at_ = INT64_MAX;
  bool stopping_ = false;
  std::thread thread_;  // last: starts after the members it uses
};

}  // namespace actortx
