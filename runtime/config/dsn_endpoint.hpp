// Where a DSN leads, part by part (internal to runtime/config and the façade): for the runtime's
// identity on exported series and for startup messages, never with a password.
#pragma once

#include <string>
#include <vector>

namespace actortx {

/// Host, port and database a DSN connects to, with libpq's defaults (PGHOST, PGPORT,
/// PGDATABASE, a PGSERVICE's entries, then the user's name for the database and the compiled-in
/// socket directory for the host) where the DSN leaves them out.
struct dsn_endpoint {
  std::string host;  ///< as given: a name, an address, a socket directory or a comma list
  std::string port;
  std::string dbname;
};

/// Never throws: an unparsable DSN yields libpq's defaults alone.
dsn_endpoint dsn_endpoint_of(const std::string& dsn) noexcept;

/// Names (never values) of the set libpq environment variables that supply a connection
/// keyword the DSN leaves out, in libpq's order: e.g. {"PGHOST", "PGPORT", "PGPASSWORD"}.
std::vector<std::string> libpq_environment_used(const std::string& dsn);

/// What libpq's environment (a PG* variable or the entries of $PGSERVICE) gives for `keyword`
/// when a DSN leaves it out; empty if nothing (compiled-in defaults do not count).
std::string libpq_environment_value(const std::string& keyword);

/// dsn_target(), followed by the environment variables that decided it, for startup messages:
/// "db:5433/shop (PGHOST, PGPORT, PGDATABASE from the environment)". Never throws.
std::string describe_target(const std::string& dsn) noexcept;

}  // namespace actortx
