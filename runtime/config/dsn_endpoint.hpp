// Where a DSN leads, part by part (internal to runtime/config and the façade): for the runtime's
// identity on exported series, never with a password.
#pragma once

#include <string>

namespace actortx {

/// Host, port and database a DSN connects to, with libpq's defaults (PGHOST, PGPORT,
/// PGDATABASE, then the user's name for the database) where the DSN leaves them out.
struct dsn_endpoint {
  std::string host;  ///< as given: a name, an address, a socket directory or a comma list
  std::string port;
  std::string dbname;
};

/// Never throws: an unparsable DSN yields localhost, 5432, postgres.
dsn_endpoint dsn_endpoint_of(const std::string& dsn) noexcept;

}  // namespace actortx
