// A saga's step and compensation transactions carry the saga's id: in their records (found by
// runtime::transactions_of_saga) and in their log lines, so that an operator can go from a
// failed transaction to its saga.
#include <set>
#include <string>

#include <catch2/catch.hpp>

#include <actortx/runtime.hpp>

#include "support/captured_log.hpp"
#include "support/pg_test_env.hpp"

using namespace actortx;

namespace {

/// "reserve" (undone by "reserve/undo"), then "charge", which fails when the context says so.
void define_order(saga_registry& reg) {
  reg.define("order")
      .step("reserve", saga_body{[](tx& t, saga_context&) {
              t.exec("INSERT INTO stock_hold DEFAULT VALUES");
            }},
            saga_body{[](tx& t, saga_context&) { t.exec("DELETE FROM stock_hold"); }})
      .step("charge", saga_body{[](tx& t, saga_context& ctx) {
              // A constraint violation when asked: FAILED at once, not retried.
              t.exec("INSERT INTO payment(amount) VALUES ($1)", ctx.get_int("amount"));
            }});
}

std::set<std::string> labels_of(const std::vector<tx_record>& records) {
  std::set<std::string> out;
  for (const auto& r : records) out.insert(r.label);
  return out;
}

}  // namespace

TEST_CASE("a saga's step and compensation transactions carry its id in records and log lines",
          "[saga][pg]") {
  test::test_database db;
  db.exec(
      "CREATE TABLE stock_hold (id serial PRIMARY KEY);"
      "CREATE TABLE payment (amount int NOT NULL CHECK (amount > 0))");
  saga_registry reg;
  define_order(reg);
  auto cfg = test::test_config(db);
  cfg.sagas.node_id = "records-" + db.name();
  cfg.log_level = "warn";
  test::captured_log logged;
  runtime rt{cfg, std::move(reg)};

  auto good = rt.run_saga("order", {{"amount", "5"}});
  INFO(good.message);
  REQUIRE(good.committed());
  auto bad = rt.run_saga("order", {{"amount", "-5"}});
  REQUIRE(bad.state == saga_state::compensated);

  auto good_records = rt.transactions_of_saga(good.id);
  auto bad_records = rt.transactions_of_saga(bad.id);
  for (const auto& r : good_records) CHECK(r.saga_id == good.id);
  for (const auto& r : bad_records) CHECK(r.saga_id == bad.id);
  const auto good_labels = labels_of(good_records);
  CHECK(good_labels.count("order/reserve") == 1);
  CHECK(good_labels.count("order/charge") == 1);
  const auto bad_labels = labels_of(bad_records);
  CHECK(bad_labels.count("order/reserve") == 1);
  CHECK(bad_labels.count("order/charge") == 1);
  CHECK(bad_labels.count("order/reserve/undo") == 1);
  for (const auto& r : bad_records)
    if (r.label == "order/charge") CHECK(r.state == tx_state::failed);

  // The failed step's warning names the saga; no line names it for a saga it is not.
  auto lines = logged.lines_with("[order/charge] saga " + bad.id);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].find("FAILED") != std::string::npos);
  CHECK(logged.lines_with("[order/charge] saga " + good.id).empty());
}
