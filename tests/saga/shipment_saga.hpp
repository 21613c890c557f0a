// The saga of the forward-recovery tests: reserve on database A (where the log is), charge on
// database B, ship on A. Every applied step and compensation leaves a ledger row (tables of
// create_transfer_tables), so "applied twice" and "compensated" show in the data.
#pragma once

#include <cstdint>
#include <string>

#include <actortx/saga_registry.hpp>

namespace actortx::test {

/// The advisory lock "ship" takes first: a test that holds it keeps the saga in its last step.
constexpr int64_t shipment_lock = 4242;

/// Defines "shipment", recovering forward after a crash if `forward`.
inline void define_shipment(saga_registry& reg, const supervisor_actor& b, bool forward) {
  auto ledger = [](std::string kind) {
    return saga_body{[kind](tx& t, saga_context& ctx) {
      t.exec("INSERT INTO ledger(saga_id, kind) VALUES ($1, $2)", ctx.get(saga_id_key), kind);
    }};
  };
  reg.define("shipment")
      .step("reserve", ledger("reserve"), ledger("unreserve"))
      .step("charge", ledger("charge"), ledger("refund"), step_options{std::nullopt, b})
      .step("ship", saga_body{[ledger](tx& t, saga_context& ctx) {
              t.exec("SELECT pg_advisory_xact_lock($1)", shipment_lock);
              ledger("ship")(t, ctx);
            }})
      .recover_forward(forward);
}

}  // namespace actortx::test
