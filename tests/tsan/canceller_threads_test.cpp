// The canceller's threads against attempts that start, commit and finish at the same time as
// their deadlines expire them (no server: the gates have no link, so only the hand-over between
// threads is exercised — what ThreadSanitizer checks here).
#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "actors/pg/canceller.hpp"
#include "actors/supervisor/attempt_gate.hpp"
#include "actors/supervisor/deadline_queue.hpp"
#include "runtime/policy/clock.hpp"

using namespace actortx;
using namespace std::chrono_literals;
using phase = attempt_gate::phase;

TEST_CASE("deadlines from the queue cancel and cut attempts while they finish on their own",
          "[unit][tsan]") {
  canceller cancel{1ms};
  deadline_queue deadlines;
  constexpr int attempts = 400;
  std::atomic<int> timed_out{0}, committed{0};
  std::vector<std::shared_ptr<attempt_gate>> gates;
  for (int i = 0; i < attempts; ++i) gates.push_back(std::make_shared<attempt_gate>());
  for (int i = 0; i < attempts; ++i) {
    auto gate = gates[i];
    deadlines.arm(steady_now_ns() + (i % 3) * 100'000, [gate, &cancel] {
      if (gate->expire() == phase::expired)
        cancel.cancel(gate);
      else
        cancel.cut(gate);
    });
  }
  std::thread connection{[&] {
    for (auto& gate : gates) {
      if (!gate->start(nullptr)) {
        ++timed_out;
        continue;
      }
      if (gate->enter_commit())
        ++committed;
      else
        ++timed_out;
      gate->finish();
      gate->await_cancels(5ms);
    }
  }};
  connection.join();
  while (deadlines.pending() > 0) std::this_thread::sleep_for(1ms);
  std::this_thread::sleep_for(20ms);  // cuts due 1 ms after their cancel
  CHECK(timed_out.load() + committed.load() == attempts);
  for (auto& gate : gates) {
    auto p = gate->current();
    CHECK((p == phase::expired || p == phase::finished));
  }
}
