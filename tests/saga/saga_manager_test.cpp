// The saga manager as callers see it through the supervisor: it counts the sagas it hosts by
// state for the metrics while they run, lists them, and answers saga requests also on a runtime
// that has no saga types.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include <actortx/runtime.hpp>

#include "support/pg_test_env.hpp"

using namespace actortx;
using namespace std::chrono_literals;

namespace {

uint64_t in_state(runtime& rt, saga_state s) {
  return rt.metrics().sagas.by_state.at(static_cast<size_t>(s));
}

/// Runs a saga on a thread of its own; the destructor lets the held step go and joins.
struct saga_caller {
  std::shared_ptr<std::atomic<bool>> release;
  saga_outcome out;
  std::thread thread;
  saga_caller(runtime& rt, const std::string& type, std::shared_ptr<std::atomic<bool>> r)
      : release(std::move(r)), thread([this, &rt, type] { out = rt.run_saga(type); }) {}
  saga_outcome& finish() {
    release->store(true);
    if (thread.joinable()) thread.join();
    return out;
  }
  ~saga_caller() { finish(); }
};

/// Polls `done` for up to 10 s (the supervisor's summary reaches the metrics once a second).
bool eventually(const std::function<bool()>& done) {
  const auto until = std::chrono::steady_clock::now() + 10s;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

}  // namespace

TEST_CASE("a saga is counted as executing in the metrics while it runs, then as committed",
          "[saga][pg]") {
  test::test_database db;
  auto in_step = std::make_shared<std::atomic<bool>>(false);
  auto release = std::make_shared<std::atomic<bool>>(false);
  tx_options long_step;
  long_step.timeout = 60s;  // longer than any wait below: the step ends when released
  saga_registry reg;
  reg.define("held").step("wait", saga_body{[in_step, release](tx&, saga_context&) {
                            in_step->store(true);
                            while (!release->load()) std::this_thread::sleep_for(5ms);
                          }},
                          {}, step_options{long_step, {}});
  auto cfg = test::test_config(db);
  cfg.sagas.node_id = "manager-node";
  runtime rt{cfg, std::move(reg)};

  saga_caller caller{rt, "held", release};
  while (!in_step->load()) std::this_thread::sleep_for(5ms);
  CHECK(eventually([&] { return in_state(rt, saga_state::executing) == 1; }));
  auto running = rt.running_sagas();
  REQUIRE(running.size() == 1);
  CHECK(running[0].type == "held");
  CHECK(running[0].state == saga_state::executing);
  CHECK(running[0].owner == "manager-node");
  auto& out = caller.finish();
  REQUIRE(out.state == saga_state::committed);
  CHECK(eventually([&] {
    return in_state(rt, saga_state::executing) == 0 && in_state(rt, saga_state::committed) == 1;
  }));
  CHECK(rt.running_sagas().empty());
}

TEST_CASE("a runtime without saga types answers a saga request with the types it knows: none",
          "[saga][pg]") {
  test::test_database db;
  runtime rt{test::test_config(db)};
  auto out = rt.run_saga("anything");
  CHECK(out.state == saga_state::failed);
  CHECK(out.code == errc::invalid_argument);
  CHECK(out.message == "unknown saga type 'anything' (this node knows: none)");
  CHECK(rt.running_sagas().empty());
}
