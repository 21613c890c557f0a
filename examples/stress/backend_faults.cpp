#include "backend_faults.hpp"

#include <thread>

#include <pqxx/pqxx>

#include <actortx/dsn.hpp>

#include "harness_connection.hpp"

namespace stress {

const char* const admin_application_name = "actortx-stress/admin";

namespace {

/// A text[] literal; the names are quoted so that no character of theirs means anything.
std::string text_array(const std::vector<std::string>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    out += i ? ",\"" : "\"";
    for (char c : items[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

/// Runs `fn_sql` (pg_terminate_backend or pg_cancel_backend) on up to `n` of the runtime's
/// backends matching `state_filter`.
std::vector<int> signal_backends(pqxx::connection& c, const backend_targets& t, int n,
                                 const std::string& fn_sql, const std::string& state_filter) {
  pqxx::nontransaction w{c};
  auto rows = w.exec_params(
      "SELECT pid, " + fn_sql +
          "(pid) FROM (SELECT pid FROM pg_stat_activity WHERE datname = ANY($1::text[]) AND "
          "backend_type = 'client backend' AND pid <> pg_backend_pid() AND "
          "application_name IS DISTINCT FROM $2" +
          state_filter + " ORDER BY random() LIMIT $3) AS victim",
      text_array(t.databases), std::string{admin_application_name}, n);
  std::vector<int> out;
  for (const auto& r : rows)
    if (r[1].as<bool>()) out.push_back(r[0].as<int>());
  return out;
}

pqxx::connection admin_connection(const std::string& dsn) {
  return harness_connection(actortx::dsn_with(dsn, "application_name", admin_application_name));
}

}  // namespace

std::vector<int> terminate_backends(const backend_targets& t, int n,
                                    std::chrono::milliseconds patience) {
  auto c = admin_connection(t.admin_dsn);
  const auto until = std::chrono::steady_clock::now() + patience;
  for (;;) {
    auto hit = signal_backends(c, t, n, "pg_terminate_backend", "");
    if (!hit.empty() || std::chrono::steady_clock::now() >= until) return hit;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

std::vector<int> cancel_statements(const backend_targets& t, int n,
                                   std::chrono::milliseconds patience) {
  auto c = admin_connection(t.admin_dsn);
  const auto until = std::chrono::steady_clock::now() + patience;
  for (;;) {
    auto hit = signal_backends(c, t, n, "pg_cancel_backend", " AND state = 'active'");
    if (!hit.empty() || std::chrono::steady_clock::now() >= until) return hit;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

std::string backend_states(const backend_targets& t) {
  auto c = admin_connection(t.admin_dsn);
  pqxx::nontransaction w{c};
  std::string out;
  for (const auto& r : w.exec_params(
           "SELECT coalesce(state, '?') || ' ' || backend_type || ' ' || "
           "coalesce(application_name, ''), count(*) FROM pg_stat_activity WHERE datname = "
           "ANY($1::text[]) AND pid <> pg_backend_pid() GROUP BY 1 ORDER BY 1",
           text_array(t.databases)))
    out += (out.empty() ? "" : ", ") + r[1].as<std::string>() + " " + r[0].as<std::string>();
  return out.empty() ? "none connected" : out;
}

std::string pid_list(const std::vector<int>& pids, size_t max) {
  std::string out;
  for (size_t i = 0; i < pids.size() && i < max; ++i)
    out += (i ? ", " : "") + std::to_string(pids[i]);
  if (pids.size() > max) out += ", ...";
  return out;
}

}  // namespace stress
