// What the dashboard's browser tests run against: a runtime with the dashboard on a free
// port over a database of its own, and traffic a person would see there — inserts of which
// some fail on a duplicate key, transfers the body rolls back on purpose, a slow report that
// becomes long-running, and sagas (committed ones and one that compensates).
#pragma once

#include <atomic>
#include <chrono>
#include <cmath>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include <actortx/runtime.hpp>

#include "support/order_saga.hpp"
#include "support/pg_test_env.hpp"

namespace actortx::test {

/// test_config with the dashboard on any free port and a 1 s long-running threshold.
inline runtime_config dashboard_test_config(const test_database& db) {
  auto cfg = test_config(db);
  cfg.sagas.node_id = "browser-node-" + db.name();
  cfg.dashboard.enabled = true;
  cfg.dashboard.port = 0;
  cfg.transactions.long_running_threshold = std::chrono::seconds(1);
  return cfg;
}

/// The tables the workload writes: items (inserts) and the order saga's.
inline void create_workload_tables(test_database& db) {
  // Row 0 is there from the start: inserting it again is a unique violation (23505).
  db.exec(
      "CREATE TABLE items(id bigserial PRIMARY KEY, at timestamptz DEFAULT now());"
      "INSERT INTO items(id) VALUES (0)");
  create_order_tables(db);
}

/// The order saga (compensates) and "browser_noop" (one step, commits).
inline saga_registry workload_sagas() {
  saga_registry reg;
  define_order_saga(reg);
  reg.define("browser_noop").step("nothing", [](tx& t, saga_context&) { t.exec("SELECT 1"); });
  return reg;
}

inline std::string dashboard_url(runtime& rt, const std::string& query = {}) {
  return "http://127.0.0.1:" + std::to_string(rt.dashboard_port()) + "/" + query;
}

/// Polls `done` (every 20 ms) until it holds or `timeout` passes; returns its last value.
inline bool eventually(const std::function<bool()>& done,
                       std::chrono::milliseconds timeout = std::chrono::seconds(15)) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return done();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

/// One transaction labelled `label`: the n-th insert, where every `fail_every`-th one hits a
/// duplicate key (FAILED, 23505) and every `rollback_every`-th one is rolled back by its body
/// (ROLLED_BACK, not a failure); 0 turns either off.
inline tx_outcome insert_item(runtime& rt, const std::string& label, int n, int fail_every = 0,
                              int rollback_every = 0) {
  auto opts = rt.default_options();
  opts.label = label;
  return rt.transact(opts, [=](tx& t) {
    if (fail_every && n % fail_every == 0) t.exec("INSERT INTO items(id) VALUES (0)");  // taken
    t.exec("INSERT INTO items DEFAULT VALUES");
    if (rollback_every && n % rollback_every == 0) throw rollback("insufficient funds");
  });
}

/// Until stopped: two clients insert (one in 20 fails, one in 8 is rolled back by its body),
/// a third runs a slow report that becomes long-running, and with `sagas` a fourth runs
/// sagas (now and then one that compensates).
class background_workload {
 public:
  explicit background_workload(runtime& rt, bool sagas = false) {
    for (int c = 0; c < 2; ++c)
      clients_.emplace_back([this, &rt, c] {
        const auto start = std::chrono::steady_clock::now();
        for (int i = 1; !stop_; ++i) {
          if (insert_item(rt, c ? "checkout" : "browser-insert", i, 20, 8).committed())
            ++committed_;
          // Air for the browser, and a load that rises and falls over a minute or so.
          const std::chrono::duration<double> t = std::chrono::steady_clock::now() - start;
          std::this_thread::sleep_for(std::chrono::microseconds(
              2000 + static_cast<int64_t>(3000 * (1 + std::sin(t.count() / 12)))));
        }
      });
    clients_.emplace_back([this, &rt] {
      auto opts = rt.default_options();
      opts.label = "nightly-report";
      while (!stop_) rt.transact(opts, [](tx& t) { t.exec("SELECT pg_sleep(2.5)"); });
    });
    if (sagas)
      clients_.emplace_back([this, &rt] {
        for (int i = 1; !stop_; ++i) {
          if (i % 10 == 0)
            rt.run_saga(order_saga_type, {{"item", "desk lamp"}});
          else
            rt.run_saga("browser_noop");
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
      });
  }
  ~background_workload() { stop(); }
  void stop() {
    stop_ = true;
    for (auto& c : clients_)
      if (c.joinable()) c.join();
  }
  int64_t committed() const { return committed_; }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> committed_{0};
  std::vector<std::thread> clients_;
};

}  // namespace actortx::test
