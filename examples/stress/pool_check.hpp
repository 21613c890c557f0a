// "--pool fits the server": all the run's runtimes together (workers included) may open no
// more connections than PostgreSQL lets ordinary users have, checked before anything starts.
#pragma once

#include <cstdint>
#include <string>

#include "options.hpp"

namespace stress {

/// Connections the run's runtimes open at most: --pool per runtime (one runtime, or two for
/// sagas; with --nodes one per worker and 2 for the coordinator).
int64_t connections_needed(const options& o);

/// What the server allows ordinary connections: max_connections less
/// superuser_reserved_connections (and reserved_connections, PostgreSQL 16+).
struct connection_limit {
  int64_t max_connections = 0;
  int64_t superuser_reserved = 0;
  int64_t reserved = 0;
  int64_t usable() const noexcept { return max_connections - superuser_reserved - reserved; }
};

/// Throws usage_error naming --pool, what the run needs and what the server allows when it
/// does not fit (a pure function, for tests).
void check_pool_fits(const options& o, const connection_limit& limit);

/// Reads the limit from the server at `dsn` and checks it.
void check_pool_fits(const options& o, const std::string& dsn);

}  // namespace stress
