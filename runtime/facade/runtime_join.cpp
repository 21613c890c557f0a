// runtime::transact called from inside a body of the same runtime (propagation, tx_options.hpp):
// joined as a savepoint, or run apart only when a connection is free at once. Without this, a
// body that calls transact waits for a second connection while holding one: with a small pool
// it deadlocks against itself until the acquire timeout.
#include <chrono>

#include <caf/all.hpp>

#include <actortx/log.hpp>
#include <actortx/runtime.hpp>

#include "actors/pg/running_body.hpp"
#include "runtime/facade/runtime_impl.hpp"
#include "runtime/policy/clock.hpp"

namespace actortx {

namespace {

errc code_of(const nested_result& r) {
  if (r.ok) return errc::none;
  return r.sqlstate.empty() ? errc::rolled_back : errc::sql_error;
}

}  // namespace

std::optional<tx_outcome> runtime::inside_body(const tx_options& opts,
                                               const std::function<void(tx&)>& body) {
  const auto running = current_body();
  if (running.t == nullptr || running.pool == nullptr ||
      running.pool != caf::actor_cast<caf::abstract_actor*>(impl_->pool))
    return std::nullopt;  // not on a body's thread of this runtime: a transaction of its own
  if (opts.propagate == propagation::separate) {
    auto refusal = refuse_separate_without_connection(opts);
    if (refusal) return refusal;
    return std::nullopt;
  }
  tx& outer = *running.t;
  const auto started = steady_now_ns();
  // Errors that doom the outer transaction (serialization failure, lost connection, the
  // deadline's cancel) propagate out of nested() into the outer body, as they must.
  const nested_result r = outer.nested(body);
  tx_outcome out;
  out.id = outer.id();
  out.label = opts.label;
  out.state = tx_state::running;
  out.joined = true;
  out.attempts = outer.attempt();
  out.code = code_of(r);
  out.sqlstate = r.sqlstate;
  out.message = r.message;
  out.duration = std::chrono::microseconds{(steady_now_ns() - started) / 1000};
  return out;
}

std::optional<tx_outcome> runtime::refuse_separate_without_connection(const tx_options& opts) {
  std::string why;
  try {
    const auto p = pool_snapshot();
    if (p.waiting == 0 && (p.idle > 0 || p.open + p.connecting < p.max)) return std::nullopt;
    why = "no free connection for a separate transaction inside a body (" +
          std::to_string(p.leased) + " of " + std::to_string(p.max) + " leased, " +
          std::to_string(p.waiting) +
          " waiting): waiting would hold this body's connection and could deadlock; use "
          "propagation::join, or a larger actortx.pool-max";
  } catch (const std::exception& e) {
    why = std::string{"the pool did not answer whether a connection is free: "} + e.what();
  }
  tx_outcome out;
  out.label = opts.label;
  out.state = tx_state::failed;
  out.code = errc::pool_exhausted;
  out.message = std::move(why);
  log(log_component::runtime)
      .warn("{}: refused: {}", opts.label.empty() ? "a transaction" : opts.label, out.message);
  return out;
}

}  // namespace actortx
