// The blocking lane's cross-thread parts without CAF: the answer slot (connection thread vs
// deadline) and the idle desk (callers, connection threads and the pool). Also built into the
// ThreadSanitizer test binary (tests/tsan).
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "actors/lane/answer_slot.hpp"
#include "actors/pool/idle_desk.hpp"
#include "actors/supervisor/attempt_gate.hpp"

using namespace actortx;

TEST_CASE("the first answer wins and the caller reads exactly that one", "[unit][lane]") {
  for (int round = 0; round < 200; ++round) {
    answer_slot<std::string> slot;
    std::atomic<int> winners{0};
    std::thread connection{[&] { winners += slot.answer("committed") ? 1 : 0; }};
    std::thread deadline{[&] { winners += slot.answer("timeout") ? 1 : 0; }};
    auto got = slot.take();
    connection.join();
    deadline.join();
    CHECK(winners.load() == 1);
    CHECK((got == "committed" || got == "timeout"));
    CHECK(slot.answered());
  }
}

TEST_CASE("deadline and COMMIT racing through gate and slot always agree", "[unit][lane]") {
  // The lane's contract: TIMEOUT only if COMMIT was never sent.
  using phase = attempt_gate::phase;
  for (int round = 0; round < 300; ++round) {
    attempt_gate gate;
    answer_slot<std::string> slot;
    std::atomic<bool> sent_commit{false};
    REQUIRE(gate.start(nullptr));
    std::thread connection{[&] {
      if (gate.enter_commit()) {
        sent_commit = true;
        gate.finish();
        slot.answer("committed");
      } else {
        gate.finish();
        slot.answer("rolled back: expired");
      }
    }};
    std::thread deadline{[&] {
      if (gate.expire() == phase::expired) slot.answer("timeout");
    }};
    auto got = slot.take();
    connection.join();
    deadline.join();
    if (got == "timeout" || got == "rolled back: expired") CHECK_FALSE(sent_commit.load());
    if (sent_commit.load()) CHECK(got == "committed");
  }
}

TEST_CASE("the desk lends the most recently used connection first", "[unit][lane]") {
  idle_desk<int> desk;
  desk.put(1);
  desk.put(2);
  CHECK(desk.take() == 2);
  CHECK(desk.take() == 1);
  CHECK_FALSE(desk.take().has_value());
}

TEST_CASE("while the pool has waiters a connection goes back through the pool", "[unit][lane]") {
  idle_desk<int> desk;
  CHECK_FALSE(desk.take_or_wait().has_value());  // a waiter now
  CHECK_FALSE(desk.give_back(7));                // the pool must serve its waiter
  CHECK(desk.idle() == 0);
  desk.waiter_gone();
  CHECK(desk.give_back(7));
  CHECK(desk.remove_if([](int c) { return c == 7; }));
  CHECK(desk.idle() == 0);
}

TEST_CASE("connections taken and given back from many threads are never lost or doubled",
          "[unit][lane]") {
  idle_desk<int> desk;
  constexpr int conns = 4;
  for (int c = 0; c < conns; ++c) desk.put(c);
  std::atomic<int> in_use[conns] = {};
  std::atomic<bool> doubled{false};
  std::vector<std::thread> callers;
  for (int t = 0; t < 4; ++t)
    callers.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        auto c = desk.take();
        if (!c) continue;
        if (in_use[*c].fetch_add(1) != 0) doubled = true;
        in_use[*c].fetch_sub(1);
        desk.give_back(*c);
      }
    });
  for (auto& t : callers) t.join();
  CHECK_FALSE(doubled.load());
  CHECK(desk.idle() == conns);
}

TEST_CASE("a closed desk lends nothing and takes nothing back", "[unit][lane]") {
  idle_desk<int> desk;
  desk.put(1);
  desk.close();
  CHECK_FALSE(desk.take().has_value());
  CHECK_FALSE(desk.give_back(2));
  desk.put(3);
  CHECK(desk.idle() == 0);
}
