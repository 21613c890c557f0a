#include "pool_check.hpp"

#include <pqxx/pqxx>

#include "harness_connection.hpp"
#include "option_ranges.hpp"

namespace stress {

int64_t connections_needed(const options& o) {
  const int64_t coordinator = 2;  // transfer_run.cpp / saga_run.cpp: pool 1..2 with nodes
  if (o.nodes > 0) return int64_t{o.nodes} * o.pool + coordinator;
  return (o.saga ? 2 : 1) * int64_t{o.pool};
}

void check_pool_fits(const options& o, const connection_limit& limit) {
  const auto need = connections_needed(o);
  if (need <= limit.usable()) return;
  const int64_t runtimes = o.nodes > 0 ? o.nodes + 1 : (o.saga ? 2 : 1);
  std::string allows = std::to_string(limit.usable()) + " (max_connections " +
                       std::to_string(limit.max_connections) +
                       " - superuser_reserved_connections " +
                       std::to_string(limit.superuser_reserved);
  if (limit.reserved > 0) allows += " - reserved_connections " + std::to_string(limit.reserved);
  throw usage_error{"--pool: " + std::to_string(o.pool) +
                    " is invalid for this server: the run's " + std::to_string(runtimes) +
                    " runtime(s) need up to " + std::to_string(need) +
                    " connections, but the server allows " + allows + ")"};
}

void check_pool_fits(const options& o, const std::string& dsn) {
  auto c = harness_connection(dsn);
  pqxx::nontransaction w{c};
  auto row = w.exec1(
      "SELECT current_setting('max_connections')::bigint, "
      "current_setting('superuser_reserved_connections')::bigint, "
      "coalesce(current_setting('reserved_connections', true), '0')::bigint");
  connection_limit limit{row[0].as<int64_t>(), row[1].as<int64_t>(), row[2].as<int64_t>()};
  check_pool_fits(o, limit);
}

}  // namespace stress
