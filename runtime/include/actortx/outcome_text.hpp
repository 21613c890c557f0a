// One-line, human-readable rendering of a tx_outcome for logs, test failures and examples.
#pragma once

#include <string>

#include <actortx/tx_outcome.hpp>

namespace actortx {

/// e.g. `tx 7 [transfer] COMMITTED after 2 attempts in 3.2 ms; attempt 1: retry 40P01
/// "deadlock detected" (1.1 ms, pid 4242)`.
std::string describe(const tx_outcome& out);

}  // namespace actortx
