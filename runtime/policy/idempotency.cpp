#include "runtime/policy/idempotency.hpp"

#include <pqxx/pqxx>

#include <actortx/tx.hpp>

namespace actortx {

uint64_t committed_by(pqxx::transaction_base& work, const std::string& key,
                      statement_cache* statements) {
  auto r = detail::exec_cached(work, statements,
                               "SELECT tx_id FROM actortx.idempotency_keys WHERE key = $1", key);
  return r.empty() ? 0 : r[0][0].as<uint64_t>();
}

bool record_key(pqxx::transaction_base& work, const std::string& key, uint64_t tx_id,
                const std::string& label, statement_cache* statements) {
  // ON CONFLICT waits for a concurrent inserter of the same key and then does nothing if it
  // committed: no error that would abort our transaction.
  auto r = detail::exec_cached(
      work, statements,
      "INSERT INTO actortx.idempotency_keys(key, tx_id, label) VALUES ($1, $2, $3) "
      "ON CONFLICT (key) DO NOTHING RETURNING key",
      key, tx_id, label);
  return !r.empty();
}

}  // namespace actortx
