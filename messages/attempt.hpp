// Node-local messages between supervisor, transaction, pool and connection actors.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include <caf/meta/type_name.hpp>

#include <actortx/errc.hpp>
#include <actortx/metrics.hpp>  // pool_stats
#include <actortx/tx_options.hpp>
#include <actortx/tx_outcome.hpp>

namespace actortx {

class attempt_gate;  // actors/attempt_gate.hpp

/// What a connection actor needs to run one attempt.
struct exec_request {
  uint64_t tx_id = 0;
  uint32_t attempt = 0;
  tx_options opts;
  /// Absolute deadline, nanoseconds on this node's steady clock (never crosses nodes).
  int64_t deadline_ns = 0;
  /// Where the attempt's connection thread and its deadline decide, once, whether COMMIT may
  /// be sent. Node-local (never serialized); null only in tests that run attempts directly.
  std::shared_ptr<attempt_gate> gate;

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, exec_request& x) {
    return f(caf::meta::type_name("actortx::exec_request"), x.tx_id, x.attempt, x.opts,
             x.deadline_ns);
  }
};

/// What came of one attempt.
struct attempt_result {
  attempt_record record;
  bool committed = false;
  /// Its idempotency key had committed before: the body did not run (committed is true).
  bool deduplicated = false;
  /// False when the connection must not be reused (broken, or state unknown).
  bool connection_ok = true;
  errc code = errc::sql_error;  ///< meaningful only when !committed
  std::vector<result_set> results;
  uint32_t savepoints = 0;  ///< savepoints the attempt created
  uint64_t rows = 0;        ///< rows returned or affected by its statements
  /// This attempt wrote its idempotency key: no earlier attempt of the transaction committed.
  bool key_recorded = false;
  /// The body may have changed its session (tx::session_changed()): reset before reuse.
  bool session_changed = false;

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, attempt_result& x) {
    return f(caf::meta::type_name("actortx::attempt_result"), x.record, x.committed, x.deduplicated,
             x.connection_ok, x.code, x.results, x.savepoints, x.rows, x.key_recorded,
             x.session_changed);
  }
};

}  // namespace actortx
