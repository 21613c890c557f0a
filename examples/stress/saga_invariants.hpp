// The --saga run's laws, checked in both databases and the saga log after the run.
#pragma once

#include <cstdint>
#include <string>

#include "invariants.hpp"
#include "saga_workload.hpp"

namespace stress {

/// Where the run's data is: admin DSN and schema per database; the saga log is in A.
struct saga_data {
  std::string dsn_a, schema_a;
  std::string dsn_b, schema_b;
  std::string run;  ///< prefix of the run's saga ids
};

/// The run's sagas by state according to the log, and the ledger's compensations.
struct saga_log_summary {
  int64_t committed = 0, compensated = 0, failed = 0, unfinished = 0;
  int64_t refunds = 0;    ///< debits undone (ledger)
  int64_t uncredits = 0;  ///< credits undone (ledger)
};

/// Checks, from the data:
///  * money: sum(balance) over A and B is 2 * accounts * initial_balance (the frozen accounts
///    start at 0), and no balance is negative unless `allow_negative`;
///  * every saga the callers started is in the log, and COMMITTED or COMPENSATED (none
///    STARTED, EXECUTING, COMPENSATING or FAILED);
///  * no step applied twice: per saga, each ledger kind at most once over both databases;
///  * the ledger agrees with the log: COMMITTED = one debit and one credit, nothing undone;
///    COMPENSATED = every applied step undone; no ledger row of a saga the log does not know;
///  * every outcome a caller received says what the log says.
/// Fills `summary` from the log.
invariant_result check_saga_invariants(const saga_data& d, int accounts, int64_t initial_balance,
                                       bool allow_negative, const saga_workload_result& seen,
                                       saga_log_summary& summary);

}  // namespace stress
