// The gate between an attempt's COMMIT and its deadline: exactly one of them wins.
#include "actors/supervisor/attempt_gate.hpp"

#include <atomic>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

using namespace actortx;
using phase = attempt_gate::phase;

TEST_CASE("a gate expired before its attempt started never lets it start", "[unit]") {
  attempt_gate g;
  CHECK(g.expire() == phase::expired);
  CHECK_FALSE(g.start(nullptr));
  CHECK(g.current() == phase::expired);
}

TEST_CASE("a gate expired while running refuses COMMIT", "[unit]") {
  attempt_gate g;
  REQUIRE(g.start(nullptr));
  CHECK(g.expire() == phase::expired);
  CHECK_FALSE(g.enter_commit());
  g.finish();
  CHECK(g.await_cancels(std::chrono::milliseconds(0)));
  CHECK(g.current() == phase::expired);
}

TEST_CASE("once COMMIT may be out, the deadline cannot expire the gate", "[unit]") {
  attempt_gate g;
  REQUIRE(g.start(nullptr));
  REQUIRE(g.enter_commit());
  CHECK(g.expire() == phase::committing);
  g.finish();
  CHECK(g.await_cancels(std::chrono::milliseconds(0)));
  CHECK(g.expire() == phase::finished);
  CHECK(g.claim_for_cancel() == nullptr);
}

TEST_CASE("COMMIT and deadline racing on many threads: exactly one wins each gate", "[unit]") {
  for (int round = 0; round < 2000; ++round) {
    attempt_gate g;
    REQUIRE(g.start(nullptr));
    std::atomic<bool> go{false};
    bool committed = false;
    phase found = phase::pending;
    std::thread a{[&] {
      while (!go) {
      }
      committed = g.enter_commit();
    }};
    std::thread b{[&] {
      while (!go) {
      }
      found = g.expire();
    }};
    go = true;
    a.join();
    b.join();
    CHECK(committed == (found == phase::committing));
  }
}
