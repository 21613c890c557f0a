// A transaction tied to a saga (tx_options::saga_id) names it in its record, in the JSON and
// CSV exports, in the query by saga and in its log lines; never in a metric label.
#include <atomic>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <actortx/metrics_report.hpp>
#include <actortx/runtime.hpp>

#include "support/captured_log.hpp"
#include "support/pg_test_env.hpp"

using namespace actortx;

namespace {

const std::string order_saga = "order-42";

/// A body that fails its first attempt with a serialization failure (retried by the
/// supervisor), then inserts `id`.
std::function<void(tx&)> insert_after_one_retry(int id, std::shared_ptr<std::atomic<int>> calls) {
  return [id, calls](tx& t) {
    if (++*calls == 1)
      t.exec("DO $$ BEGIN RAISE EXCEPTION 'try again' USING ERRCODE = '40001'; END $$");
    t.exec("INSERT INTO t VALUES ($1)", id);
  };
}

}  // namespace

TEST_CASE(
    "a transaction's saga id is in its record, the JSON and CSV exports and the query by saga",
    "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE t(id int PRIMARY KEY)");
  runtime rt{test::test_config(db)};
  auto opts = rt.default_options();
  opts.label = "obs.saga";
  opts.retry.initial_delay = std::chrono::milliseconds{1};
  opts.saga_id = order_saga;
  // Answered by the blocking lane (one attempt), then by the supervisor (after a retry).
  auto first = rt.transact(opts, [](tx& t) { t.exec("INSERT INTO t VALUES (1)"); });
  auto second = rt.transact(opts, insert_after_one_retry(2, std::make_shared<std::atomic<int>>()));
  auto plain = opts;
  plain.saga_id.clear();
  auto other = rt.transact(plain, [](tx& t) { t.exec("INSERT INTO t VALUES (3)"); });
  REQUIRE(first.committed());
  REQUIRE(second.committed());
  REQUIRE(second.attempts == 2);
  REQUIRE(other.committed());

  auto of_saga = rt.transactions_of_saga(order_saga);
  REQUIRE(of_saga.size() == 2);
  CHECK(of_saga[0].id == second.id);  // newest first
  CHECK(of_saga[1].id == first.id);
  for (const auto& r : of_saga) CHECK(r.saga_id == order_saga);
  CHECK(rt.transactions_of_saga(order_saga, 1).size() == 1);
  CHECK(rt.transactions_of_saga("order-43").empty());
  CHECK(rt.transactions_of_saga("").empty());
  REQUIRE(rt.transaction_record(other.id));
  CHECK(rt.transaction_record(other.id)->saga_id.empty());

  const auto report = rt.report(10);
  const auto doc = nlohmann::json::parse(to_json(report));
  int with_saga = 0;
  for (const auto& t : doc["transactions"]) {
    const bool ours = t["id"] == first.id || t["id"] == second.id;
    CHECK(t["saga_id"] == (ours ? order_saga : ""));
    with_saga += ours ? 1 : 0;
  }
  CHECK(with_saga == 2);
  int csv_rows_with_saga = 0;
  for (const auto& r : transactions_from_csv(transactions_csv(report.transactions)))
    csv_rows_with_saga += r.saga_id == order_saga ? 1 : 0;
  CHECK(csv_rows_with_saga == 2);
  // The saga id is no metric label: all three are counted under their one label.
  for (const auto& l : report.snapshot.by_label)
    CHECK(l.label.find(order_saga) == std::string::npos);
}

TEST_CASE("a failed transaction's log line names its saga", "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE t(id int PRIMARY KEY)");
  auto cfg = test::test_config(db);
  cfg.log_level = "warn";
  test::captured_log logged;
  runtime rt{cfg};
  auto opts = rt.default_options();
  opts.label = "obs.saga.fail";
  opts.saga_id = order_saga;
  auto dup = [](tx& t) {
    t.exec("INSERT INTO t VALUES (1)");
    t.exec("INSERT INTO t VALUES (1)");  // unique violation: FAILED, not retried
  };
  auto out = rt.transact(opts, dup);
  REQUIRE(out.state == tx_state::failed);
  const auto named = "tx " + std::to_string(out.id) + " [obs.saga.fail] saga " + order_saga;
  auto lines = logged.lines_with(named);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].find("FAILED after 1 attempt(s)") != std::string::npos);
  CHECK(lines[0].find("23505") != std::string::npos);

  // Without a saga id the line is as before: no " saga " part.
  auto plain = opts;
  plain.saga_id.clear();
  auto other = rt.transact(plain, dup);
  REQUIRE(other.state == tx_state::failed);
  auto plain_lines = logged.lines_with("tx " + std::to_string(other.id) + " [obs.saga.fail] ");
  REQUIRE(plain_lines.size() == 1);
  CHECK(plain_lines[0].find(" saga ") == std::string::npos);
}

TEST_CASE("a saga id that could not be one is refused, naming tx_options.saga_id", "[pg]") {
  test::test_schema db;
  runtime rt{test::test_config(db)};
  auto opts = rt.default_options();
  opts.saga_id = "order 42\nforged log line";
  auto out = rt.transact(opts, [](tx& t) { t.exec("SELECT 1"); });
  CHECK(out.state == tx_state::failed);
  CHECK(out.code == errc::invalid_argument);
  CHECK(out.message.rfind("tx_options.saga_id: ", 0) == 0);
}

TEST_CASE("a transaction's hooks see its saga id", "[pg]") {
  test::test_schema db;
  runtime rt{test::test_config(db)};
  auto opts = rt.default_options();
  opts.saga_id = order_saga;
  std::string seen = "(not called)";
  tx_hooks hooks;
  hooks.post_commit([&seen](const hook_event& ev) { seen = ev.saga_id; });
  auto out = rt.transact(
      opts, [](tx& t) { t.exec("SELECT 1"); }, hooks);
  REQUIRE(out.committed());
  CHECK(seen == order_saga);
}
