// actortx's own transaction series: per operation (the transaction's label) what the
// OpenTelemetry histogram does not say, failed attempts by cause, and the library's internal
// transactions (saga log, leases, claims, pruning) kept apart from the application's.
#include <array>
#include <string>
#include <vector>

#include "runtime/observability/prometheus_families.hpp"

namespace actortx {

namespace {

const std::string unlabelled{unlabelled_label};
const std::string other_cause{"other"};

template <class Field>
void per_operation(prometheus_writer& w, const metrics_snapshot& s, const char* name, Field field) {
  for (const auto& l : s.by_label)
    w.sample(name, {{"db_operation_name", non_empty(l.label, unlabelled)}}, field(l.agg));
}

void per_cause(prometheus_writer& w, const std::vector<cause_count>& causes, const char* name) {
  for (const auto& c : causes)
    w.sample(name, {{"error_type", non_empty(c.cause, other_cause)}}, c.count);
}

void active(prometheus_writer& w, const metrics_snapshot& s) {
  // A gauge that can only be negative through a lost record: shown as 0 then.
  per_operation(w, s, "actortx_transactions_active", [](const tx_aggregate& a) {
    return static_cast<uint64_t>(a.active > 0 ? a.active : 0);
  });
}

void retries(prometheus_writer& w, const metrics_snapshot& s) {
  per_operation(w, s, "actortx_transaction_retries_total",
                [](const tx_aggregate& a) { return a.retries; });
}

void failed_attempts(prometheus_writer& w, const metrics_snapshot& s) {
  per_cause(w, s.failures_by_cause, "actortx_transaction_failed_attempts_total");
}

void savepoints(prometheus_writer& w, const metrics_snapshot& s) {
  per_operation(w, s, "actortx_transaction_savepoints_total",
                [](const tx_aggregate& a) { return a.savepoints; });
}

void rows(prometheus_writer& w, const metrics_snapshot& s) {
  per_operation(w, s, "actortx_transaction_rows_total",
                [](const tx_aggregate& a) { return a.rows; });
}

void long_running(prometheus_writer& w, const metrics_snapshot& s) {
  w.sample("actortx_long_running_transactions", {}, uint64_t{s.long_running});
}

void internal_transactions(prometheus_writer& w, const metrics_snapshot& s) {
  struct outcome_count {
    tx_state state;
    uint64_t tx_aggregate::*count;
  };
  static constexpr std::array<outcome_count, 5> outcomes{{
      {tx_state::committed, &tx_aggregate::committed},
      {tx_state::rolled_back, &tx_aggregate::rolled_back},
      {tx_state::failed, &tx_aggregate::failed},
      {tx_state::timeout, &tx_aggregate::timed_out},
      {tx_state::in_doubt, &tx_aggregate::in_doubt},
  }};
  // Every outcome of every internal label: the set is small and fixed, and a series that
  // exists from the start lets rate() see its first increment.
  for (const auto& l : s.internal_by_label)
    for (const auto& o : outcomes)
      w.sample("actortx_internal_transactions_total",
               {{"db_operation_name", non_empty(l.label, unlabelled)},
                {"actortx_outcome", outcome_label(o.state)}},
               l.agg.*o.count);
}

void internal_failed_attempts(prometheus_writer& w, const metrics_snapshot& s) {
  per_cause(w, s.internal_failures_by_cause, "actortx_internal_failed_attempts_total");
}

}  // namespace

const char* outcome_label(tx_state state) noexcept {
  switch (state) {
    case tx_state::committed:
      return "committed";
    case tx_state::rolled_back:
      return "rolled_back";
    case tx_state::failed:
      return "failed";
    case tx_state::timeout:
      return "timeout";
    case tx_state::in_doubt:
      return "in_doubt";
    case tx_state::running:
      break;
  }
  return "running";
}

const std::vector<prometheus_family>& transaction_families() {
  static const std::vector<prometheus_family> families{
      {"actortx_transactions_active", "gauge",
       "Transactions started and not finished yet, by operation.", active},
      {"actortx_transaction_retries_total", "counter",
       "Attempts beyond the first of each transaction, by operation.", retries},
      {"actortx_transaction_failed_attempts_total", "counter",
       "Failed attempts by cause: a SQLSTATE (40P01 deadlock, 40001 serialization failure, "
       "...) or connection_lost, deadline, body_exception, ...",
       failed_attempts},
      {"actortx_transaction_savepoints_total", "counter",
       "Savepoints taken by committed attempts, by operation.", savepoints},
      {"actortx_transaction_rows_total", "counter",
       "Rows returned or affected by committed attempts, by operation.", rows},
      {"actortx_long_running_transactions", "gauge",
       "Active transactions older than the long-running threshold.", long_running},
      {"actortx_internal_transactions_total", "counter",
       "The library's own transactions (saga log, leases, claims, pruning) by operation and "
       "outcome; never counted in the application's series.",
       internal_transactions},
      {"actortx_internal_failed_attempts_total", "counter",
       "Failed attempts of the library's own transactions, by cause.", internal_failed_attempts},
  };
  return families;
}

}  // namespace actortx
