// The harness's own connections (schema, checks, faults): each bounded in how long it waits
// to connect, and failing with a message that names the target, never the password.
#pragma once

#include <string>

#include <pqxx/pqxx>

namespace stress {

/// libpq's connect_timeout for every connection the harness opens, unless the DSN sets one: a
/// server that accepts and never answers must not hold the harness up.
constexpr int harness_connect_timeout_s = 5;

/// `dsn` with connect_timeout (unless set) and TCP keepalives, so that a peer gone silent is
/// noticed.
std::string bounded_dsn(const std::string& dsn);

/// A connection on bounded_dsn(dsn); std::runtime_error "cannot connect to PostgreSQL at
/// host:port/db: <libpq's first line>" when it fails.
pqxx::connection harness_connection(const std::string& dsn);

}  // namespace stress
