// actortx-stress --saga: every transfer is a saga across two databases. Database A (the
// DSN's) holds the saga log and the runtime with the saga registry; database B (--dsn-b, or
// one created next to A for the run) has a plain runtime that runs the steps sent to it.
// A transfer debits one database and credits the other (both directions); a fraction goes to
// a frozen account, so its credit fails and the debit is refunded.
#pragma once

#include "options.hpp"

namespace stress {

/// Runs the saga workload and checks saga_invariants.hpp; returns an exit code (options.hpp).
/// Throws on a startup failure (the caller reports it as exit_startup).
int run_saga_mode(const options& o);

}  // namespace stress
