// Node-local messages between supervisor, transaction, pool and connection actors.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "messages/errc.hpp"
#include "messages/tx_options.hpp"
#include "messages/tx_outcome.hpp"

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

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, attempt_result& x) {
    return f(caf::meta::type_name("actortx::attempt_result"), x.record, x.committed, x.deduplicated,
             x.connection_ok, x.code, x.results, x.savepoints, x.rows, x.key_recorded);
  }
};

/// Point-in-time numbers of a pool.
struct pool_stats {
  uint32_t open = 0;  ///< connected connections
  uint32_t idle = 0;
  uint32_t leased = 0;
  uint32_t connecting = 0;
  uint32_t waiting = 0;    ///< lease requests queued
  uint64_t leases = 0;     ///< total leases granted
  uint64_t exhausted = 0;  ///< acquire requests that ended pool_exhausted
  uint64_t replaced = 0;   ///< connections dropped as broken
  uint64_t connect_failures = 0;
  uint32_t max = 0;                       ///< configured maximum size
  uint64_t leases_waited_over_100ms = 0;  ///< leases granted after queueing > 100 ms
  uint64_t lease_wait_us = 0;             ///< total queueing time of granted leases

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, pool_stats& x) {
    return f(caf::meta::type_name("actortx::pool_stats"), x.open, x.idle, x.leased, x.connecting,
             x.waiting, x.leases, x.exhausted, x.replaced, x.connect_failures, x.max,
             x.leases_waited_over_100ms, x.lease_wait_us);
  }
};

}  // namespace actortx
