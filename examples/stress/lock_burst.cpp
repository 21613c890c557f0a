#include "lock_burst.hpp"

#include <thread>

#include <pqxx/pqxx>

#include <actortx/dsn.hpp>

#include "backend_faults.hpp"
#include "harness_connection.hpp"

namespace stress {

std::chrono::milliseconds hold_row_locks(const std::string& dsn, const std::string& schema,
                                         const std::vector<int>& accounts,
                                         std::chrono::milliseconds hold) {
  auto c = harness_connection(actortx::dsn_with(dsn, "application_name", admin_application_name));
  pqxx::work w{c};
  // Bounded: a burst must never become the stall it is meant to simulate for longer.
  w.exec("SET LOCAL lock_timeout = '2s'");
  std::string ids;
  for (int a : accounts) ids += (ids.empty() ? "" : ",") + std::to_string(a);
  const auto start = std::chrono::steady_clock::now();
  w.exec_params("SELECT id FROM " + c.quote_name(schema) +
                    ".account WHERE id = ANY(string_to_array($1, ',')::int[]) ORDER BY id FOR "
                    "UPDATE",
                ids);
  auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  std::this_thread::sleep_for(hold);
  w.abort();  // nothing was changed: the burst only ever held locks
  return waited;
}

}  // namespace stress
