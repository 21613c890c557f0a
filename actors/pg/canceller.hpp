// Stops attempts whose deadline passed: a cancel request to the server at once, and a cut of
// the connection when the attempt is still on it `cut_after` later (a frozen server, a dropped
// network path). Runs on threads of its own: PQcancel blocks while it connects to the server,
// and neither the supervisor's timer nor a connection thread may wait for that.
// Internal to actors/.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>

namespace actortx {

class attempt_gate;

class canceller {
 public:
  /// `workers` threads send cancel requests (a black-holed server can hold one for minutes;
  /// the cut does not wait for them).
  explicit canceller(std::chrono::milliseconds cut_after, size_t workers = 2);
  ~canceller();
  canceller(const canceller&) = delete;
  canceller& operator=(const canceller&) = delete;

  /// The gate's deadline expired it while it ran: cancel now, cut later if still stuck.
  void cancel(std::shared_ptr<attempt_gate> gate);
  /// Cut now if the attempt is still on its connection (e.g. COMMIT unanswered past its grace).
  void cut(const std::shared_ptr<attempt_gate>& gate);

  std::chrono::milliseconds cut_after() const noexcept;

 private:
  struct shared;
  std::shared_ptr<shared> s_;
};

}  // namespace actortx
