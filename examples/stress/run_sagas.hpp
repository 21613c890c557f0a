// The run's sagas in the saga log (actortx.saga in database A), found by their id prefix.
#pragma once

#include <cstdint>
#include <string>

namespace stress {

/// LIKE pattern matching the ids <run>-... (with LIKE's wildcards in `run` escaped).
std::string saga_id_pattern(const std::string& run);

/// How many of the run's sagas the log shows as STARTED, EXECUTING or COMPENSATING.
int64_t unfinished_sagas(const std::string& dsn_a, const std::string& run);

/// Deletes the run's saga and step rows from the log in A, and the idempotency keys of their
/// steps in A and, unless `dsn_b` is empty, in B (the tables are the library's and outlive
/// the run; the run's own schema goes with bank_schema).
void forget_sagas(const std::string& dsn_a, const std::string& dsn_b, const std::string& run);

}  // namespace stress
