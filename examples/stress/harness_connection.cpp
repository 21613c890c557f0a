#include "harness_connection.hpp"

#include <stdexcept>

#include <actortx/dsn.hpp>

namespace stress {

namespace {

std::string first_line(const std::string& s) {
  return s.substr(0, s.find('\n'));
}

}  // namespace

std::string bounded_dsn(const std::string& dsn) {
  auto keys = actortx::parse_dsn(dsn);  // dsn_error with a redacted message
  std::string out = dsn;
  if (!keys.count("connect_timeout"))
    out = actortx::dsn_with(out, "connect_timeout", std::to_string(harness_connect_timeout_s));
  if (!keys.count("keepalives_idle")) out = actortx::dsn_with(out, "keepalives_idle", "5");
  if (!keys.count("keepalives_interval")) out = actortx::dsn_with(out, "keepalives_interval", "2");
  if (!keys.count("keepalives_count")) out = actortx::dsn_with(out, "keepalives_count", "3");
  return out;
}

pqxx::connection harness_connection(const std::string& dsn) {
  const auto bounded = bounded_dsn(dsn);
  try {
    return pqxx::connection{bounded};
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot connect to PostgreSQL at " + actortx::dsn_target(dsn) + ": " +
                             first_line(e.what()));
  }
}

}  // namespace stress
