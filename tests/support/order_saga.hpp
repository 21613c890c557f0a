// A small saga type for the dashboard's saga views: "dash_order" reserves stock, charges, then
// fails to ship, so it compensates the charge (whose first compensation run fails) and the
// reservation, and ends COMPENSATED with the carrier's error. Its text has markup in it, which
// the page must show as text.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>

#include <actortx/saga_registry.hpp>

#include "support/pg_test_env.hpp"

namespace actortx::test {

inline constexpr const char* order_saga_type = "dash_order";
inline constexpr const char* ship_error = "carrier refused: no truck <b>today</b>";
inline constexpr const char* refund_error = "refund service busy";

/// The tables the order saga writes, in `db`.
inline void create_order_tables(test_database& db) {
  db.exec(
      "CREATE TABLE holds (id serial PRIMARY KEY, item text NOT NULL);"
      "CREATE TABLE charges (id serial PRIMARY KEY, cents int NOT NULL)");
}

/// reserve -> charge -> ship (always fails). The charge's compensation fails on its first run.
inline void define_order_saga(saga_registry& reg) {
  auto refunds = std::make_shared<std::atomic<int>>(0);
  retry_policy fast;
  fast.initial_delay = std::chrono::milliseconds(5);
  fast.max_delay = std::chrono::milliseconds(20);
  fast.max_retries = 3;
  reg.define(order_saga_type)
      .step(
          "reserve",
          [](tx& t, saga_context& ctx) {
            ctx.set("hold_id",
                    t.query_value<int64_t>("INSERT INTO holds(item) VALUES ($1) RETURNING id",
                                           ctx.get("item")));
          },
          [](tx& t, saga_context& ctx) {
            t.exec("DELETE FROM holds WHERE id = $1", ctx.get_int("hold_id"));
          })
      .step(
          "charge",
          [](tx& t, saga_context& ctx) {
            ctx.set("charge_id", t.query_value<int64_t>(
                                     "INSERT INTO charges(cents) VALUES (1999) RETURNING id"));
          },
          [refunds](tx& t, saga_context& ctx) {
            if (refunds->fetch_add(1) == 0) throw std::runtime_error(refund_error);
            t.exec("DELETE FROM charges WHERE id = $1", ctx.get_int("charge_id"));
          })
      .step("ship", [](tx&, saga_context&) { throw std::runtime_error(ship_error); })
      .compensation_retry(fast);
}

}  // namespace actortx::test
