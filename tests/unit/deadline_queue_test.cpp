// The node's one deadline mechanism: fires in time order, disarms, decides races cleanly.
// Also built into the ThreadSanitizer test binary (tests/tsan).
#include "actors/supervisor/deadline_queue.hpp"

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "runtime/policy/clock.hpp"

using namespace actortx;
using namespace std::chrono_literals;

namespace {

int64_t in(std::chrono::milliseconds d) {
  return steady_now_ns() + to_ns(d);
}

/// Waits (bounded) until `pred` holds; the queue's thread runs the actions.
template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit = 5000ms) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

}  // namespace

TEST_CASE("deadlines fire in the order they are due, not the order they were armed",
          "[unit][deadline]") {
  deadline_queue q;
  std::mutex mtx;
  std::vector<int> fired;
  auto note = [&](int n) {
    return [&, n] {
      std::lock_guard<std::mutex> g{mtx};
      fired.push_back(n);
    };
  };
  q.arm(in(60ms), note(3));
  q.arm(in(20ms), note(1));  // earlier than the pending one: wakes the thread
  q.arm(in(40ms), note(2));
  REQUIRE(eventually([&] {
    std::lock_guard<std::mutex> g{mtx};
    return fired.size() == 3;
  }));
  CHECK(fired == std::vector<int>{1, 2, 3});
  CHECK(q.pending() == 0);
}

TEST_CASE("a disarmed deadline never fires and a fired one cannot be disarmed",
          "[unit][deadline]") {
  deadline_queue q;
  std::atomic<int> fired{0};
  auto late = q.arm(in(30ms), [&] { ++fired; });
  auto soon = q.arm(in(1ms), [&] { ++fired; });
  CHECK(q.disarm(late));
  CHECK_FALSE(q.disarm(late));  // twice: nothing left
  REQUIRE(eventually([&] { return fired.load() == 1; }));
  CHECK_FALSE(q.disarm(soon));
  std::this_thread::sleep_for(60ms);
  CHECK(fired.load() == 1);
}

TEST_CASE("a deadline already due fires at once", "[unit][deadline]") {
  deadline_queue q;
  std::atomic<bool> fired{false};
  const auto t0 = std::chrono::steady_clock::now();
  q.arm(steady_now_ns() - 1'000'000, [&] { fired = true; });
  REQUIRE(eventually([&] { return fired.load(); }));
  CHECK(std::chrono::steady_clock::now() - t0 < 1s);
}

TEST_CASE("an action may arm another deadline (the COMMIT grace after a deadline)",
          "[unit][deadline]") {
  deadline_queue q;
  std::atomic<bool> second{false};
  q.arm(in(1ms), [&] { q.arm(in(5ms), [&] { second = true; }); });
  CHECK(eventually([&] { return second.load(); }));
}

TEST_CASE("destroying the queue drops what has not fired", "[unit][deadline]") {
  std::atomic<int> fired{0};
  {
    deadline_queue q;
    q.arm(in(10s), [&] { ++fired; });
    CHECK(q.pending() == 1);
  }
  CHECK(fired.load() == 0);
}

TEST_CASE("many threads arming and disarming: each deadline fires exactly once or never",
          "[unit][deadline]") {
  deadline_queue q;
  constexpr int threads = 4, per_thread = 500;
  std::atomic<int> fired{0}, disarmed{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t)
    ts.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        auto tok = q.arm(in(std::chrono::milliseconds((i + t) % 3)), [&] { ++fired; });
        if (i % 2 == 0 && q.disarm(tok)) ++disarmed;
      }
    });
  for (auto& t : ts) t.join();
  REQUIRE(eventually([&] { return q.pending() == 0; }));
  std::this_thread::sleep_for(10ms);  // the last action may still be running
  CHECK(fired.load() + disarmed.load() == threads * per_thread);
}
