// The one place where an attempt's connection thread and its deadline meet. Whoever moves the
// phase first wins: once the deadline has expired the attempt, COMMIT is never sent; once
// COMMIT may be on its way, the deadline can no longer answer TIMEOUT. Internal to actors/.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>

namespace actortx {

class pg_link;

class attempt_gate {
 public:
  enum class phase : uint8_t {
    pending,     ///< not on a connection yet
    running,     ///< BEGIN, body: may still be stopped
    committing,  ///< COMMIT may have reached the server
    finished,    ///< the attempt ended on its own; its result is on the way
    expired,     ///< the deadline took it before COMMIT: it must not commit
  };

  // --- the connection thread ---------------------------------------------------------------
  /// pending -> running, bound to `link` for cancel and cut. False: expired before it started.
  bool start(std::shared_ptr<pg_link> link);
  /// running -> committing. False: the deadline expired it, so it must roll back instead.
  bool enter_commit() noexcept;
  /// The attempt is over: unbinds the link, so no cancel or cut reaches the connection from
  /// now on (unless it was cut already: then a cancel still goes to its backend).
  void finish() noexcept;
  /// Waits up to `settle` for cancel requests still in flight. False if one still is: the
  /// connection must not be reused (the cancel could hit its next statement). Called after the
  /// caller was released: a cancel's round trip never delays the answer.
  bool await_cancels(std::chrono::milliseconds settle);

  // --- the supervisor ------------------------------------------------------------------------
  /// pending|running -> expired. Returns the phase it found (expired if it won).
  phase expire() noexcept;
  phase current() const noexcept { return phase_.load(); }

  // --- the canceller ---------------------------------------------------------------------------
  /// The link to send a cancel to (counted as in flight until cancel_done()): the attempt's,
  /// if it still runs on it after it expired, or the one cut (its backend may still be busy
  /// and nothing else will tell it); null otherwise.
  std::shared_ptr<pg_link> claim_for_cancel();
  void cancel_done();
  /// Cuts the connection if the attempt is still on it (expired or committing). True if cut.
  bool cut_if_stuck();

 private:
  std::atomic<phase> phase_{phase::pending};
  std::mutex mtx_;  // link_ and cancels_ against finish()
  std::condition_variable settled_;
  std::shared_ptr<pg_link> link_;
  std::shared_ptr<pg_link> cut_;  // cut, no cancel sent to its backend since
  int cancels_ = 0;
};

const char* to_string(attempt_gate::phase p) noexcept;

}  // namespace actortx
