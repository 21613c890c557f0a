#include "run_sagas.hpp"

#include <pqxx/pqxx>

#include "harness_connection.hpp"

namespace stress {

std::string saga_id_pattern(const std::string& run) {
  std::string out;
  for (char c : run) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';  // LIKE's default escape character
    out += c;
  }
  return out + "-%";
}

int64_t unfinished_sagas(const std::string& dsn_a, const std::string& run) {
  auto c = harness_connection(dsn_a);
  pqxx::nontransaction w{c};
  return w
      .exec_params(
          "SELECT count(*) FROM actortx.saga WHERE id LIKE $1 AND state IN ('STARTED', "
          "'EXECUTING', 'COMPENSATING')",
          saga_id_pattern(run))[0][0]
      .as<int64_t>();
}

void forget_sagas(const std::string& dsn_a, const std::string& dsn_b, const std::string& run) {
  auto pattern = saga_id_pattern(run);
  {
    auto c = harness_connection(dsn_a);
    pqxx::work w{c};
    w.exec_params("DELETE FROM actortx.saga_step WHERE saga_id LIKE $1", pattern);
    w.exec_params("DELETE FROM actortx.saga WHERE id LIKE $1", pattern);
    w.exec_params("DELETE FROM actortx.idempotency_keys WHERE key LIKE $1", "saga/" + pattern);
    w.commit();
  }
  if (!dsn_b.empty()) {
    auto c = harness_connection(dsn_b);
    pqxx::work w{c};
    w.exec_params("DELETE FROM actortx.idempotency_keys WHERE key LIKE $1", "saga/" + pattern);
    w.commit();
  }
}

}  // namespace stress
