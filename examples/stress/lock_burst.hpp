// Lock contention burst: a transaction of the harness's own takes row locks on a few
// accounts and sits on them, so the runtime's transfers queue behind it (and, when the hold
// is near their deadline, time out and are cancelled on the server).
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace stress {

/// Locks `accounts` of `schema`.account (FOR UPDATE, ascending id) over `dsn`, holds the locks
/// for `hold`, then rolls back. Returns how long taking the locks took (they may be held by
/// transfers first). Throws pqxx errors, e.g. when a transfer's deadlock made us the victim.
std::chrono::milliseconds hold_row_locks(const std::string& dsn, const std::string& schema,
                                         const std::vector<int>& accounts,
                                         std::chrono::milliseconds hold);

}  // namespace stress
