// The pool under pressure: exhaustion is an answer, never a hang; many clients, few connections.
#include <atomic>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include <actortx/runtime.hpp>

#include "support/pg_test_env.hpp"

using namespace actortx;
using namespace std::chrono_literals;

TEST_CASE("pool exhaustion answers pool_exhausted after the acquire timeout", "[pg]") {
  test::test_schema db;
  auto cfg = test::test_config(db, 1);
  cfg.pool.acquire_timeout = 200ms;
  runtime rt{cfg};
  tx_options slow = rt.default_options();
  slow.timeout = 3s;
  std::thread holder{[&] { rt.transact(slow, [](tx& t) { t.exec("SELECT pg_sleep(1)"); }); }};
  std::this_thread::sleep_for(150ms);  // the only connection is busy now
  const auto t0 = std::chrono::steady_clock::now();
  auto out = rt.transact([](tx& t) { t.exec("SELECT 1"); });
  const auto waited = std::chrono::steady_clock::now() - t0;
  holder.join();
  CHECK(out.state == tx_state::failed);
  CHECK(out.code == errc::pool_exhausted);
  CHECK(waited >= 190ms);
  CHECK(waited < 800ms);
  CHECK(rt.pool_snapshot().exhausted >= 1);
}

TEST_CASE("200 concurrent transactions over a pool of 4 all commit", "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE counter(id int primary key, n bigint not null)");
  db.exec("INSERT INTO counter VALUES (1, 0)");
  runtime rt{test::test_config(db, 4)};
  caf::scoped_actor self{rt.system()};
  tx_script inc;
  inc.add("UPDATE counter SET n = n + 1 WHERE id = $1", 1);
  tx_options opts = rt.default_options();
  opts.timeout = 30s;
  for (int i = 0; i < 200; ++i) self->send(rt.supervisor(), run_atom::value, opts, inc);
  int received = 0, not_committed = 0;
  bool stalled = false;
  while (received < 200 && !stalled)
    self->receive(
        [&](tx_outcome& o) {
          ++received;
          if (!o.committed()) {
            ++not_committed;
            UNSCOPED_INFO(to_string(o.state) << ": " << o.message);
          }
        },
        caf::after(std::chrono::seconds(30)) >> [&] { stalled = true; });
  CHECK_FALSE(stalled);
  CHECK(received == 200);
  CHECK(not_committed == 0);
  CHECK(db.value<long>("SELECT n FROM counter") == 200);
  auto stats = rt.pool_snapshot();
  CHECK(stats.open <= 4);
  CHECK(stats.leases >= 200);
}
