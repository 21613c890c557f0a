#include "runtime/facade/startup_checks.hpp"

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <stdexcept>

#include <pqxx/pqxx>

#include <actortx/dsn.hpp>
#include <actortx/log.hpp>
#include <actortx/runtime.hpp>

#include "runtime/config/dsn_endpoint.hpp"
#include "runtime/policy/text.hpp"
#include "runtime/schema/migrate.hpp"

namespace actortx {

namespace {

/// Keys libpq uses on TCP connections only (ignored on Unix sockets): a peer that vanished
/// (host down, network path dropped) is noticed in ~10 s instead of the kernel's 2 hours.
const std::pair<const char*, const char*> tcp_liveness[] = {
    {"keepalives", "1"},       {"keepalives_idle", "5"},      {"keepalives_interval", "2"},
    {"keepalives_count", "3"}, {"tcp_user_timeout", "10000"},
};

long setting(pqxx::nontransaction& w, const char* name) {
  auto r = w.exec_params("SELECT setting::bigint FROM pg_settings WHERE name = $1", name);
  return r.empty() ? 0 : r[0][0].as<long>();
}

/// The pool (plus the monitor connection) must fit in what the server gives non-superusers.
void check_room(pqxx::connection& c, const runtime_config& cfg, const std::string& dsn) {
  pqxx::nontransaction w{c, "actortx_room"};
  const long max = setting(w, "max_connections");
  const long reserved = setting(w, "superuser_reserved_connections") +
                        setting(w, "reserved_connections");  // 0 before PostgreSQL 16
  const long room = max - reserved;
  const long wanted = static_cast<long>(cfg.pool.max) + 1;
  if (max > 0 && wanted > room)
    throw config_error("actortx.pool-max", std::to_string(cfg.pool.max),
                       "the pool needs " + std::to_string(wanted) +
                           " connections (pool-max + 1 monitor) but the server at " +
                           dsn_target(dsn) + " allows " + std::to_string(room) +
                           " (max_connections " + std::to_string(max) + " minus " +
                           std::to_string(reserved) + " reserved)");
}

/// actortx's own tables at this binary's schema version (runtime/schema/migrate.hpp).
void migrate_at_start(pqxx::connection& c, const runtime_config& cfg, const std::string& dsn,
                      bool sagas) {
  try {
    auto r = migrate_schema(c, cfg.sagas.node_id);
    if (!r.applied.empty())
      log(log_component::runtime)
          .info("actortx schema on {}: version {} -> {} ({} migration(s) applied here)",
                dsn_target(dsn), r.found, r.current, r.applied.size());
  } catch (const schema_too_new& e) {
    // Fatal with or without sagas: keyed transactions write the newer layout too.
    throw startup_error("refusing to start on " + dsn_target(dsn) + ": " + e.what());
  } catch (const std::exception& e) {
    if (sagas)
      throw startup_error("cannot migrate actortx's tables (saga log, idempotency keys) on " +
                          dsn_target(dsn) + ": " + first_line(e.what()));
    // Not fatal without sagas: only transactions with an idempotency key need the tables (and
    // will fail naming them), e.g. when this role may not create them.
    log(log_component::runtime)
        .warn("cannot migrate actortx's tables on {} (idempotency keys will fail): {}",
              dsn_target(dsn), first_line(e.what()));
  }
}

}  // namespace

std::string resolve_dsn(const runtime_config& cfg) {
  std::string dsn = cfg.dsn;
  if (dsn.empty()) {
    try {
      dsn = dsn_from_environment();
    } catch (const std::runtime_error& e) {
      // A DSN file that is missing, empty or unreadable names itself: never a silent fallback.
      const char* file = std::getenv("ACTORTX_DSN_FILE");
      throw config_error("ACTORTX_DSN_FILE", file ? file : "", e.what());
    }
  }
  // Still empty: libpq's own defaults decide, as for psql (PGHOST, PGSERVICE, ~/.pgpass, the
  // local socket). Only the bounds below are added, and only where neither the DSN nor the
  // environment (PGCONNECT_TIMEOUT, a service's entries) gives them.
  try {
    auto keys = parse_dsn(dsn);
    auto given = [&](const char* key) {
      return keys.count(key) != 0 || !libpq_environment_value(key).empty();
    };
    if (!given("connect_timeout")) {
      auto secs = std::max<int64_t>(1, cfg.pool.connect_timeout.count() / 1000);
      dsn = dsn_with(dsn, "connect_timeout", std::to_string(secs));
    }
    for (const auto& [key, value] : tcp_liveness)
      if (!given(key)) dsn = dsn_with(dsn, key, value);
  } catch (const dsn_error& e) {
    throw config_error("actortx.dsn", redact_dsn(dsn), e.what());
  }
  return dsn;
}

void probe_server(const std::string& dsn, const runtime_config& cfg, bool sagas) {
  std::unique_ptr<pqxx::connection> c;
  try {
    c = std::make_unique<pqxx::connection>(dsn);
    log(log_component::runtime)
        .info("connected to PostgreSQL {} at {} (server version {})", c->dbname(),
              describe_target(dsn), c->server_version());
  } catch (const std::exception& e) {
    // describe_target names host, port and database as libpq took them (DSN, PG* variables,
    // defaults) and the variables it read, never a value of PGPASSWORD.
    throw startup_error("cannot connect to PostgreSQL at " + describe_target(dsn) + ": " +
                        first_line(e.what()));
  }
  check_room(*c, cfg, dsn);
  migrate_at_start(*c, cfg, dsn, sagas);
}

}  // namespace actortx
