// What a caller says about a transaction: isolation, access mode, deadline, retry policy.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

namespace actortx {

/// The four SQL isolation levels (PostgreSQL runs READ UNCOMMITTED as READ COMMITTED).
enum class isolation : uint8_t { read_uncommitted, read_committed, repeatable_read, serializable };

/// How the delay between attempts grows.
enum class backoff : uint8_t {
  exponential,  ///< initial * multiplier^(retry-1)
  linear,       ///< initial * retry
  immediate,    ///< no delay at all
};

/// Retry policy of one transaction. Defaults are the documented library defaults.
struct retry_policy {
  backoff strategy = backoff::exponential;
  std::chrono::milliseconds initial_delay{1000};
  std::chrono::milliseconds max_delay{30000};
  double multiplier = 2.0;
  /// Jitter as a +/- fraction of the delay, in [0, 1]; 0.1 = delay * U(0.9, 1.1).
  double jitter = 0.1;
  /// "Full jitter": the delay is drawn uniformly from [0, delay] instead.
  bool full_jitter = false;
  /// Retries after the first attempt; max_retries = 3 means at most 4 attempts.
  uint32_t max_retries = 3;

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, retry_policy& x) {
    return f(caf::meta::type_name("actortx::retry_policy"), x.strategy, x.initial_delay,
             x.max_delay, x.multiplier, x.jitter, x.full_jitter, x.max_retries);
  }
};

/// Per-transaction changes to which server errors are retried: SQLSTATEs (5 chars, e.g.
/// "55P03") or classes (2 chars, e.g. "53"). An in-doubt commit is never made retryable.
struct classification_overrides {
  std::vector<std::string> retryable;
  std::vector<std::string> not_retryable;

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, classification_overrides& x) {
    return f(caf::meta::type_name("actortx::classification_overrides"), x.retryable,
             x.not_retryable);
  }
};

/// What runtime::transact does when called on the thread that runs a body (from inside a
/// transaction of the same runtime). Elsewhere it always runs a transaction of its own.
enum class propagation : uint8_t {
  /// Join the running transaction as a savepoint (tx::nested()): sees its writes, commits
  /// with it, and the answer is never COMMITTED (tx_outcome::joined; the outer outcome is the
  /// truth). The joined call's own options (isolation, timeout, retries) do not apply.
  join,
  /// A transaction of its own on another connection, committed on its own. Refused at once
  /// (FAILED, errc::pool_exhausted) when the pool has no free connection at that moment: the
  /// body holds one and waiting for another could deadlock.
  separate,
};

/// The longest deadline a transaction may have. Longer ones are refused (FAILED,
/// errc::invalid_argument): a deadline is a promise of an answer, and absurd values overflow
/// the clocks it is computed on.
constexpr std::chrono::hours max_tx_timeout{24};

/// Options of one transaction.
struct tx_options {
  isolation level = isolation::read_committed;
  bool read_only = false;
  /// DEFERRABLE: only meaningful for SERIALIZABLE READ ONLY transactions.
  bool deferrable = false;
  /// Deadline budget for the whole transaction, retries and backoff included; positive and at
  /// most max_tx_timeout.
  std::chrono::milliseconds timeout{30000};
  retry_policy retry;
  /// Free-form name for logs and metrics, e.g. "transfer".
  std::string label;
  /// Add or remove retryable SQLSTATEs for this transaction.
  classification_overrides classification;
  /// Makes the transaction safe to retry after a lost COMMIT reply, and at most once: the
  /// runtime records the key in actortx.idempotency_keys inside the transaction, and an
  /// attempt that finds the key committed reports COMMITTED without running the body.
  /// Empty: no key (a lost COMMIT reply ends IN_DOUBT). Read-write transactions only.
  std::string idempotency_key;
  /// The saga this transaction works for. The runtime sets it on a saga's step,
  /// compensation and saga-log transactions; a caller may set it to tie its own transactions
  /// to a saga. It appears in the transaction's record (tx_record::saga_id, the JSON and CSV
  /// exports) and in its log lines, never in a metric label: labels stay a bounded set.
  std::string saga_id;
  /// The request this transaction serves, as a W3C traceparent
  /// ("00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>", <actortx/trace_context.hpp>).
  /// Empty: the runtime generates one. It is kept across retries, given to a saga's steps and
  /// to remote nodes, written in log lines and the transaction's record, and its trace id is
  /// in the server's application_name ('actortx/<id>/<attempt>/<trace id>', pg_stat_activity).
  /// A malformed one is refused (FAILED, errc::invalid_argument).
  std::string correlation_id;
  /// Inside a body of the same runtime: join it as a savepoint (default) or run apart.
  propagation propagate = propagation::join;

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, tx_options& x) {
    return f(caf::meta::type_name("actortx::tx_options"), x.level, x.read_only, x.deferrable,
             x.timeout, x.retry, x.label, x.classification, x.idempotency_key, x.saga_id,
             x.correlation_id, x.propagate);
  }
};

/// SQL spelling, e.g. "REPEATABLE READ".
inline const char* to_string(isolation x) noexcept {
  switch (x) {
    case isolation::read_uncommitted:
      return "READ UNCOMMITTED";
    case isolation::read_committed:
      return "READ COMMITTED";
    case isolation::repeatable_read:
      return "REPEATABLE READ";
    case isolation::serializable:
      return "SERIALIZABLE";
  }
  return "READ COMMITTED";
}

inline const char* to_string(backoff x) noexcept {
  switch (x) {
    case backoff::exponential:
      return "exponential";
    case backoff::linear:
      return "linear";
    case backoff::immediate:
      return "immediate";
  }
  return "exponential";
}

}  // namespace actortx
