// The bank's conservation laws, checked directly in the database after the run.
#pragma once

#include <cstdint>
#include <string>

namespace stress {

struct invariant_result {
  bool ok = true;
  std::string details;  ///< why it is violated; empty when ok
};

/// Checks count(*) == accounts, sum(balance) == accounts * initial_balance and, unless
/// `allow_negative`, that no balance is negative. Queries `schema`.account over `dsn`.
invariant_result check_invariants(const std::string& dsn, const std::string& schema, int accounts,
                                  int64_t initial_balance, bool allow_negative);

}  // namespace stress
