#include <thread>

#include <catch2/catch.hpp>

#include <actortx/runtime.hpp>

#include "support/captured_log.hpp"
#include "support/pg_test_env.hpp"

using namespace actortx;
using namespace std::chrono_literals;

using test::captured_log;

TEST_CASE("a long-running transaction is listed with its backend and statement and logged once",
          "[pg]") {
  test::test_schema db;
  auto cfg = test::test_config(db);
  cfg.transactions.long_running_threshold = 200ms;
  cfg.log_level = "warn";
  captured_log logged;
  runtime rt{cfg};
  tx_options opts = rt.default_options();
  opts.label = "nightly-report";
  tx_outcome out;
  std::thread client{[&] {
    out = rt.transact(opts, [](tx& t) { t.exec("SELECT pg_sleep(1.2) /* report-probe */"); });
  }};
  std::this_thread::sleep_for(100ms);
  auto young = rt.active_transactions();
  REQUIRE(young.size() == 1);
  CHECK(young[0].label == "nightly-report");
  CHECK_FALSE(young[0].long_running);

  std::this_thread::sleep_for(500ms);
  auto old = rt.active_transactions();
  REQUIRE(old.size() == 1);
  const auto& a = old[0];
  CHECK(a.long_running);
  CHECK(a.age >= 500ms);
  CHECK(a.attempt == 1);
  CHECK(a.backend_pid != 0);
  CHECK(a.statement.find("report-probe") != std::string::npos);
  client.join();
  CHECK(out.committed());
  CHECK(rt.active_transactions().empty());
  // Warned once, although the check ran several times past the threshold.
  CHECK(logged.count("is long-running") == 1);
  CHECK(logged.count("nightly-report") >= 1);
}

TEST_CASE("active_transactions is empty when nothing runs", "[pg]") {
  test::test_schema db;
  runtime rt{test::test_config(db)};
  CHECK(rt.active_transactions().empty());
  REQUIRE(rt.transact([](tx& t) { t.exec("SELECT 1"); }).committed());
  CHECK(rt.active_transactions().empty());
}
