// The small domain of the saga operator's tests and of their crash node: steps that insert
// items, compensations that log themselves (undo_log), one that fails while a switch says so,
// and a step that waits on an advisory lock the test holds.
#pragma once

#include <chrono>
#include <string>

#include <actortx/runtime.hpp>

#include "support/pg_test_env.hpp"

namespace actortx::test::ops {

using namespace std::chrono_literals;

/// The advisory lock the "slow" type's second step waits on.
inline constexpr int step_lock = 4242;
/// The advisory lock the "stuck" type's compensation takes (free unless a test holds it).
inline constexpr int undo_lock = 4243;

/// items: what steps did; undo_log: each compensation that committed; switches: a broken
/// compensation until the test fixes it.
inline void create_domain(test::test_database& db) {
  db.exec(
      "CREATE TABLE items (saga_id text NOT NULL, step text NOT NULL);"
      "CREATE TABLE undo_log (seq bigserial PRIMARY KEY, saga_id text NOT NULL, step text);"
      "CREATE TABLE switches (name text PRIMARY KEY, broken boolean NOT NULL);"
      "INSERT INTO switches VALUES ('undo', true)");
}

inline saga_body insert_item(const std::string& step) {
  return [step](tx& t, saga_context& ctx) {
    t.exec("INSERT INTO items VALUES ($1, $2)", ctx.get(saga_id_key), step);
  };
}

/// Undoes `step`; fails (division by zero) while switch 'undo' is broken, if `breakable`.
inline saga_body remove_item(const std::string& step, bool breakable) {
  return [step, breakable](tx& t, saga_context& ctx) {
    if (breakable) {
      t.exec("SELECT pg_advisory_xact_lock($1)", undo_lock);
      t.exec("SELECT 1 / (CASE WHEN broken THEN 0 ELSE 1 END) FROM switches WHERE name = 'undo'");
    }
    t.exec("DELETE FROM items WHERE saga_id = $1 AND step = $2", ctx.get(saga_id_key), step);
    t.exec("INSERT INTO undo_log (saga_id, step) VALUES ($1, $2)", ctx.get(saga_id_key), step);
  };
}

inline saga_body failing_step() {
  return [](tx& t, saga_context&) { t.exec("SELECT 1 / 0"); };
}

/// Waits on advisory lock step_lock, which the test holds while it wants the step in flight.
inline saga_body waiting_step() {
  return [](tx& t, saga_context& ctx) {
    t.exec("SELECT pg_advisory_xact_lock($1)", step_lock);
    t.exec("INSERT INTO items VALUES ($1, 'wait')", ctx.get(saga_id_key));
  };
}

inline retry_policy fast_compensation() {
  retry_policy p;
  p.initial_delay = 5ms;
  p.max_delay = 20ms;
  p.max_retries = 2;
  return p;
}

inline saga_registry domain_sagas() {
  saga_registry reg;
  reg.define("order")
      .step("reserve", insert_item("reserve"), remove_item("reserve", false))
      .step("charge", insert_item("charge"), remove_item("charge", false));
  reg.define("refund").step("reserve", insert_item("reserve"), remove_item("reserve", false));
  reg.define("stuck")
      .step("reserve", insert_item("reserve"), remove_item("reserve", true))
      .step("charge", failing_step())
      .compensation_retry(fast_compensation());
  tx_options patient;
  patient.timeout = 60s;
  reg.define("slow")
      .step("reserve", insert_item("reserve"), remove_item("reserve", false))
      .step("wait", waiting_step(), saga_action{}, step_options{patient, {}, {}})
      .step("finish", insert_item("finish"), remove_item("finish", false));
  return reg;
}

}  // namespace actortx::test::ops
