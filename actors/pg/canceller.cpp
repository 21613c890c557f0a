#include "actors/pg/canceller.hpp"

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include <actortx/log.hpp>

#include "actors/pg/pg_link.hpp"
#include "actors/supervisor/attempt_gate.hpp"

namespace actortx {

using clock_type = std::chrono::steady_clock;

/// Owned jointly by the canceller and its threads: a worker blocked in PQcancel may outlive
/// the canceller (it is detached then), and must find its state intact.
struct canceller::shared {
  std::chrono::milliseconds cut_after;
  std::mutex mtx;
  std::condition_variable work;   // cancels queued, or stopping
  std::condition_variable timer;  // cuts due earlier, or stopping
  std::deque<std::shared_ptr<attempt_gate>> cancels;
  std::multimap<clock_type::time_point, std::weak_ptr<attempt_gate>> cuts;
  bool stopping = false;

  void serve_cancels() {
    std::unique_lock<std::mutex> guard{mtx};
    for (;;) {
      work.wait(guard, [this] { return stopping || !cancels.empty(); });
      if (stopping) return;
      auto gate = std::move(cancels.front());
      cancels.pop_front();
      guard.unlock();
      send_cancel(*gate);
      guard.lock();
    }
  }

  static void send_cancel(attempt_gate& gate) {
    auto link = gate.claim_for_cancel();
    if (!link) return;  // the attempt ended meanwhile: nothing to cancel
    std::string why;
    if (!link->cancel(why))
      log(log_component::connection)
          .warn("cancel of backend {} failed: {} (the connection is cut if it stays stuck)",
                link->backend_pid(), why);
    gate.cancel_done();
  }

  void serve_cuts() {
    std::unique_lock<std::mutex> guard{mtx};
    while (!stopping) {
      if (cuts.empty()) {
        timer.wait(guard);
        continue;
      }
      auto due = cuts.begin()->first;
      if (clock_type::now() < due) {
        timer.wait_until(guard, due);
        continue;
      }
      auto gate = cuts.begin()->second.lock();
      cuts.erase(cuts.begin());
      guard.unlock();
      const bool cut = gate && gate->cut_if_stuck();
      if (cut)
        log(log_component::connection)
            .warn(
                "cut a connection whose attempt was still on it past its deadline (a "
                "frozen server, a dropped network path, or an unanswered COMMIT): replaced");
      guard.lock();
      if (cut) {
        // The backend may still run the statement (it notices a closed socket only when it
        // next reads or writes): a cancel still tells it, whatever became of the first one.
        cancels.push_back(std::move(gate));
        work.notify_one();
      }
    }
  }
};

canceller::canceller(std::chrono::milliseconds cut_after, size_t workers)
    : s_(std::make_shared<shared>()) {
  s_->cut_after = cut_after;
  for (size_t i = 0; i < workers; ++i) std::thread{[s = s_] { s->serve_cancels(); }}.detach();
  std::thread{[s = s_] { s->serve_cuts(); }}.detach();
}

canceller::~canceller() {
  {
    std::lock_guard<std::mutex> guard{s_->mtx};
    s_->stopping = true;
    s_->cancels.clear();
    s_->cuts.clear();
  }
  s_->work.notify_all();
  s_->timer.notify_all();
}

void canceller::cancel(std::shared_ptr<attempt_gate> gate) {
  {
    std::lock_guard<std::mutex> guard{s_->mtx};
    s_->cuts.emplace(clock_type::now() + s_->cut_after, gate);
    s_->cancels.push_back(std::move(gate));
  }
  s_->work.notify_one();
  s_->timer.notify_one();
}

void canceller::cut(const std::shared_ptr<attempt_gate>& gate) {
  {
    std::lock_guard<std::mutex> guard{s_->mtx};
    s_->cuts.emplace(clock_type::now(), gate);
  }
  s_->timer.notify_one();
}

std::chrono::milliseconds canceller::cut_after() const noexcept {
  return s_->cut_after;
}

}  // namespace actortx
