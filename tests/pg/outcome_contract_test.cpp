// The outcome contract under faults the runtime does not control: COMMITTED means committed
// once; ROLLED_BACK, FAILED and TIMEOUT mean not committed; IN_DOUBT is the only answer that
// may have committed. Every answer is checked against the database.
#include <signal.h>

#include <atomic>
#include <chrono>
#include <future>
#include <limits>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include <actortx/dsn.hpp>
#include <actortx/runtime.hpp>
#include <actortx/tooling/fault_proxy.hpp>

#include "support/elapsed.hpp"
#include "support/pg_test_env.hpp"
#include "support/proxied_runtime.hpp"

using namespace actortx;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;
using test::ms_since;

namespace {

/// The proxied runtime (tests/support), paying with a body that may think before COMMIT.
struct proxied : test::proxied_runtime {
  tx_outcome pay(int id, std::chrono::milliseconds timeout, std::chrono::milliseconds think) {
    tx_options opts = rt.default_options();
    opts.timeout = timeout;
    return rt.transact(opts, [id, think](tx& t) {
      t.exec("INSERT INTO paid(id) VALUES ($1)", id);
      std::this_thread::sleep_for(think);
    });
  }
  /// Rows of `id`, once the backends of `out`'s attempts are out of their transaction (a
  /// COMMIT whose client went away finishes on the server's own time).
  long rows(int id, const tx_outcome& out) {
    for (const auto& a : out.attempt_log) {
      if (a.backend_pid == 0) continue;
      auto busy =
          "SELECT count(*) FROM pg_stat_activity WHERE pid = " + std::to_string(a.backend_pid) +
          " AND xact_start IS NOT NULL";
      for (int i = 0; i < 300 && db.value<long>(busy) > 0; ++i) std::this_thread::sleep_for(10ms);
    }
    return db.value<long>("SELECT count(*) FROM paid WHERE id = " + std::to_string(id));
  }
};

/// The contract, for one answer and what the database holds.
void check_contract(const tx_outcome& out, long rows) {
  INFO("state " << to_string(out.state) << ", rows " << rows << ": " << out.message);
  switch (out.state) {
    case tx_state::committed:
      CHECK(rows == 1);
      break;
    case tx_state::in_doubt:
      CHECK(rows <= 1);
      break;
    default:
      CHECK(rows == 0);
  }
}

/// SIGSTOP on a backend, SIGCONT when it goes out of scope (whatever the test did).
struct frozen_backend {
  int pid;
  explicit frozen_backend(int p) : pid(p) { ::kill(pid, SIGSTOP); }
  ~frozen_backend() { ::kill(pid, SIGCONT); }
};

}  // namespace

TEST_CASE("a COMMIT reply held past the deadline and its grace is IN_DOUBT, never TIMEOUT",
          "[pg]") {
  proxied p;
  // COMMIT leaves at ~150 ms, its reply is held until ~750 ms; the deadline is at 300 ms.
  p.proxy.arm_reply_delay(600ms);
  const auto t0 = clock_type::now();
  auto out = p.pay(1, 300ms, 150ms);
  const auto answered = ms_since(t0);
  CHECK(out.state == tx_state::in_doubt);
  CHECK(out.code == errc::commit_in_doubt);
  CHECK(p.proxy.faults_injected() == 1);
  // The runtime answered within the commit grace; the blocking caller did not wait for the
  // held reply (its connection was cut so the body's thread returned).
  CHECK(answered < 300 + 200);
  // It did commit: IN_DOUBT was the truth, TIMEOUT would have been a lie.
  CHECK(p.rows(1, out) == 1);
}

TEST_CASE("a body that reaches COMMIT after its deadline never commits", "[pg]") {
  proxied p;
  auto out = p.pay(2, 200ms, 450ms);
  CHECK(out.state == tx_state::timeout);
  CHECK(out.code == errc::timeout);
  CHECK(p.rows(2, out) == 0);
  // The pool is fine afterwards.
  auto next = p.pay(3, 2s, 0ms);
  CHECK(next.committed());
}

TEST_CASE("COMMITs racing their deadline: every answer agrees with the database", "[pg]") {
  proxied p;
  // The body ends from 40 ms before to 20 ms after the 250 ms deadline; half the COMMIT
  // replies are held 10 ms. Which side wins varies; the answer must always be true.
  long worst_late_ms = 0;
  for (int i = 0; i < 30; ++i) {
    if (i % 2 == 0) p.proxy.arm_reply_delay(10ms);
    const auto think = std::chrono::milliseconds(210 + 2 * i);
    const auto t0 = clock_type::now();
    auto out = p.pay(100 + i, 250ms, think);
    worst_late_ms = std::max(worst_late_ms, ms_since(t0) - 250);
    p.proxy.arm(fault_proxy::commit_fault::none, 0);
    check_contract(out, p.rows(100 + i, out));
  }
  INFO("worst caller lateness " << worst_late_ms << " ms");
  CHECK(worst_late_ms < 300);  // generous: a body in its own code is waited for
}

TEST_CASE("a frozen backend: TIMEOUT at the deadline, the caller unblocked, nothing committed",
          "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE t(id int)");
  runtime rt{test::test_config(db)};
  tx_options opts = rt.default_options();
  opts.timeout = 300ms;
  std::promise<int> pid_promise;
  auto pid_future = pid_promise.get_future();
  std::atomic<bool> froze{false};
  const auto t0 = clock_type::now();
  auto client = std::async(std::launch::async, [&] {
    return rt.transact(opts, [&](tx& t) {
      t.exec("INSERT INTO t VALUES (1)");
      pid_promise.set_value(t.backend_pid());
      while (!froze) std::this_thread::yield();
      t.exec("SELECT 2");  // the backend is stopped: this blocks until the connection is cut
    });
  });
  frozen_backend frozen{pid_future.get()};
  froze = true;
  auto out = client.get();
  const auto returned = ms_since(t0);
  CHECK(out.state == tx_state::timeout);
  CHECK(returned < 300 + 300);
  CHECK(db.value<long>("SELECT count(*) FROM t") == 0);
  // The cut connection is replaced; work goes on.
  opts.timeout = 5s;
  auto next = rt.transact(opts, [](tx& t) { t.exec("INSERT INTO t VALUES (2)"); });
  CHECK(next.committed());
}

TEST_CASE("a black-holed network path: TIMEOUT at the deadline, the caller unblocked", "[pg]") {
  proxied p;
  tx_options opts = p.rt.default_options();
  opts.timeout = 300ms;
  std::atomic<bool> stalled{false};
  std::promise<void> ready;
  auto ready_future = ready.get_future();
  const auto t0 = clock_type::now();
  auto client = std::async(std::launch::async, [&] {
    return p.rt.transact(opts, [&](tx& t) {
      t.exec("INSERT INTO paid VALUES (7)");
      ready.set_value();
      while (!stalled) std::this_thread::yield();
      t.exec("SELECT 1");  // nothing comes back through the proxy
    });
  });
  ready_future.get();
  p.proxy.stall_all();
  stalled = true;
  auto out = client.get();
  const auto returned = ms_since(t0);
  p.proxy.resume();
  CHECK(out.state == tx_state::timeout);
  CHECK(returned < 300 + 300);
  CHECK(p.rows(7, out) == 0);
  auto next = p.pay(8, 5s, 0ms);
  CHECK(next.committed());
}

TEST_CASE("an absurd deadline is refused at once, naming it, and nothing runs", "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE t(id int)");
  runtime rt{test::test_config(db)};
  tx_options opts = rt.default_options();
  opts.timeout = std::chrono::milliseconds(std::numeric_limits<int64_t>::max());
  bool ran = false;
  auto out = rt.transact(opts, [&](tx& t) {
    ran = true;
    t.exec("INSERT INTO t VALUES (1)");
  });
  CHECK(out.state == tx_state::failed);
  CHECK(out.code == errc::invalid_argument);
  CHECK(out.message.find("9223372036854775807 ms") != std::string::npos);
  CHECK_FALSE(ran);
  CHECK(db.value<long>("SELECT count(*) FROM t") == 0);
}
