// Where a program's PostgreSQL is: a given DSN, the environment's (actortx's, then libpq's), or
// an embedded cluster started for it.
#include <cstdlib>
#include <stdexcept>

#include <actortx/dsn.hpp>
#include <actortx/tooling/embedded_postgres.hpp>

#include "runtime/config/dsn_endpoint.hpp"

namespace actortx {

namespace {

bool env_set(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  return v != nullptr && *v != '\0';
}

/// Every program that takes its DSN from here connects with a bound (libpq waits for ever by
/// default on a server that accepts and never answers), unless the DSN or libpq's environment
/// ($PGCONNECT_TIMEOUT, a service's entry) already gives one.
std::string with_connect_timeout(const std::string& dsn) {
  try {
    if (parse_dsn(dsn).count("connect_timeout") == 0 &&
        libpq_environment_value("connect_timeout").empty())
      return dsn_with(dsn, "connect_timeout", "10");
  } catch (const dsn_error&) {
    // Left as given: connecting reports what is wrong with it.
  }
  return dsn;
}

}  // namespace

const char* to_string(postgres_source s) noexcept {
  switch (s) {
    case postgres_source::given:
      return "given";
    case postgres_source::actortx_environment:
      return "actortx_environment";
    case postgres_source::libpq_environment:
      return "libpq_environment";
    case postgres_source::embedded:
      return "embedded";
  }
  return "unknown";
}

const std::vector<std::string>& libpq_connection_variables() {
  static const std::vector<std::string> names{"PGHOST",     "PGHOSTADDR", "PGPORT",
                                              "PGDATABASE", "PGUSER",     "PGSERVICE"};
  return names;
}

postgres_source choose_postgres_source(const std::string& dsn) {
  if (!dsn.empty()) return postgres_source::given;
  if (env_set("ACTORTX_DSN") || env_set("ACTORTX_DSN_FILE"))
    return postgres_source::actortx_environment;
  for (const auto& name : libpq_connection_variables())
    if (env_set(name)) return postgres_source::libpq_environment;
  return postgres_source::embedded;
}

postgres_target dsn_or_embedded(const std::string& dsn) {
  postgres_target t;
  t.source = choose_postgres_source(dsn);
  switch (t.source) {
    case postgres_source::given:
      t.dsn = dsn;
      break;
    case postgres_source::actortx_environment:
      t.dsn = dsn_from_environment();  // a bad $ACTORTX_DSN_FILE throws, naming it
      break;
    case postgres_source::libpq_environment:
      break;  // empty: libpq fills in everything from the PG* variables
    case postgres_source::embedded:
      t.embedded = std::make_unique<embedded_postgres>();
      t.dsn = t.embedded->dsn();
      break;
  }
  t.dsn = with_connect_timeout(t.dsn);
  return t;
}

}  // namespace actortx
