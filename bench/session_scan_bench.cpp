// What the fast path pays for actortx.pool-reset-session: every statement a body runs through
// tx::exec is scanned once (may_change_session) to learn whether the session needs a reset.
// Measured per statement, for pgbench's five statements and for a long query.
#include <benchmark/benchmark.h>

#include <string>

#include "runtime/policy/session_statement.hpp"
#include "tpcb_txn.hpp"

namespace {

void tpcb_transaction_statements(benchmark::State& state) {
  const auto& statements = bench::tpcb_statements();
  for (auto _ : state)
    for (const auto& sql : statements) benchmark::DoNotOptimize(actortx::may_change_session(sql));
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(statements.size()));
}
BENCHMARK(tpcb_transaction_statements);

void long_query_of_2kb(benchmark::State& state) {
  std::string sql = "SELECT a.id, b.total FROM accounts a JOIN balances b USING (id) WHERE ";
  while (sql.size() < 2048) sql += "a.region = 'north' OR ";
  sql += "true";
  for (auto _ : state) benchmark::DoNotOptimize(actortx::may_change_session(sql));
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(sql.size()));
}
BENCHMARK(long_query_of_2kb);

void session_set(benchmark::State& state) {
  const std::string sql = "SET work_mem = '64MB'";
  for (auto _ : state) benchmark::DoNotOptimize(actortx::may_change_session(sql));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(session_set);

}  // namespace

BENCHMARK_MAIN();
