// actortx.pool-max-lifetime and actortx.pool-idle-timeout: connections are closed on purpose
// (counted as retired, not as replaced) and reopened as pool-min and demand need; a
// transaction running when its connection's lifetime ends finishes first.
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include <actortx/runtime.hpp>

#include "support/elapsed.hpp"
#include "support/pg_test_env.hpp"

using namespace actortx;
using namespace std::chrono_literals;

namespace {

int32_t pid_of_next_tx(runtime& rt) {
  int32_t pid = 0;
  auto out = rt.transact([&](tx& t) { pid = t.backend_pid(); });
  const auto p = rt.pool_snapshot();
  INFO(to_string(out.state) << ": " << out.message << " open " << p.open << " connecting "
                            << p.connecting << " idle " << p.idle << " retired " << p.retired
                            << " replaced " << p.replaced);
  REQUIRE(out.committed());
  return pid;
}

bool backend_alive(test::test_schema& db, int32_t pid) {
  return db.value<long>("SELECT count(*) FROM pg_stat_activity WHERE pid = " +
                        std::to_string(pid)) > 0;
}

}  // namespace

TEST_CASE("a connection past pool-max-lifetime is closed and replaced", "[pg]") {
  test::test_schema db;
  auto cfg = test::test_config(db, 1);
  cfg.pool.max_lifetime = 1s;
  runtime rt{cfg};
  const auto first = pid_of_next_tx(rt);
  REQUIRE(pid_of_next_tx(rt) == first);  // reused while young
  // Idle past its lifetime: the sweep (every 250 ms here) closes it and pool-min reopens one.
  CHECK(test::eventually([&] { return !backend_alive(db, first); }, 5s));
  CHECK(test::eventually([&] { return rt.pool_snapshot().open == 1; }, 5s));
  CHECK(pid_of_next_tx(rt) != first);
  const auto stats = rt.pool_snapshot();
  CHECK(stats.retired >= 1);
  CHECK(stats.replaced == 0);  // closed on purpose, not dropped as broken
}

TEST_CASE("a transaction running when its connection's lifetime ends commits first", "[pg]") {
  test::test_schema db;
  auto cfg = test::test_config(db, 1);
  cfg.pool.max_lifetime = 1s;
  runtime rt{cfg};
  int32_t pid = 0;
  auto out = rt.transact([&](tx& t) {
    pid = t.backend_pid();
    t.exec("SELECT pg_sleep(1.3)");
  });
  CHECK(out.committed());
  CHECK(out.attempts == 1);
  // Back from its transaction past its lifetime: closed at once instead of made idle.
  CHECK(test::eventually([&] { return !backend_alive(db, pid); }, 3s));
  CHECK(pid_of_next_tx(rt) != pid);
}

TEST_CASE("idle connections beyond pool-min are closed after pool-idle-timeout", "[pg]") {
  test::test_schema db;
  auto cfg = test::test_config(db, 3);
  cfg.pool.min = 1;
  cfg.pool.idle_timeout = 1s;
  runtime rt{cfg};
  std::vector<std::thread> clients;
  for (int i = 0; i < 3; ++i)
    clients.emplace_back([&] { rt.transact([](tx& t) { t.exec("SELECT pg_sleep(0.3)"); }); });
  for (auto& c : clients) c.join();
  REQUIRE(rt.pool_snapshot().open == 3);
  const auto t0 = test::clock_type::now();
  CHECK(test::eventually([&] { return rt.pool_snapshot().open == 1; }, 5s));
  CHECK(test::ms_since(t0) >= 500);  // not before they were idle for a while
  const auto stats = rt.pool_snapshot();
  CHECK(stats.retired == 2);
  CHECK(stats.replaced == 0);
  // pool-min stays open however long it idles.
  std::this_thread::sleep_for(1500ms);
  CHECK(rt.pool_snapshot().open == 1);
}

TEST_CASE("with no lifetime and no idle timeout connections stay open", "[pg]") {
  test::test_schema db;
  auto cfg = test::test_config(db, 1);
  cfg.pool.max_lifetime = 0s;
  cfg.pool.idle_timeout = 0s;
  runtime rt{cfg};
  const auto first = pid_of_next_tx(rt);
  std::this_thread::sleep_for(1200ms);
  CHECK(pid_of_next_tx(rt) == first);
  CHECK(rt.pool_snapshot().retired == 0);
}
