// Where a program's PostgreSQL is: the environment's DSN, or an embedded cluster.
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <actortx/dsn.hpp>
#include <actortx/tooling/embedded_postgres.hpp>

namespace actortx {

postgres_target dsn_or_embedded(const std::string& dsn) {
  postgres_target t;
  t.dsn = dsn.empty() ? dsn_from_environment() : dsn;
  if (t.dsn.empty()) {
    t.embedded = std::make_unique<embedded_postgres>();
    t.dsn = t.embedded->dsn();
  }
  // Every program that takes its DSN from here connects with a bound (libpq waits for ever by
  // default on a server that accepts and never answers).
  try {
    if (parse_dsn(t.dsn).count("connect_timeout") == 0)
      t.dsn = dsn_with(t.dsn, "connect_timeout", "10");
  } catch (const dsn_error&) {
    // Left as given: connecting reports what is wrong with it.
  }
  return t;
}

}  // namespace actortx
