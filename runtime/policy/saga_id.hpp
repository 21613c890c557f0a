// Saga ids: random UUIDs (version 4), unique across nodes and restarts without coordination.
#pragma once

#include <cstdint>
#include <random>
#include <string>

namespace actortx {

/// "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx" from two 64-bit draws of `rng`.
std::string make_saga_id(std::mt19937_64& rng);

/// A saga id a caller may choose: 1..128 characters of [A-Za-z0-9._:-] (it becomes part of
/// idempotency keys and log lines). Returns the problem, or "" when fine.
std::string check_saga_id(const std::string& id);

}  // namespace actortx
