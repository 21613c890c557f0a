// The saga benchmark's workload: an "order" of three small writes on three tables (debit an
// account, reserve stock, record the order), as a saga with compensations and as the same
// three statements in three plain transactions.
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <string>

#include <actortx/runtime.hpp>

namespace bench::saga {

/// Rows in bench_account and bench_stock; clients pick rows at random, so 8 clients rarely meet.
constexpr int table_rows = 10000;
/// The saga type's name.
inline const char* const order_saga = "order";

/// Drops and creates bench_account, bench_stock (table_rows rows each) and bench_order.
void create_schema(const std::string& dsn);
/// Empties bench_order and the saga log and key tables and vacuums the updated tables, so every
/// phase starts from the same state. Only while no transaction of the runtime runs.
void reset_tables(const std::string& dsn);

// The three steps and their undo, shared by the saga and the plain path (identical SQL).
inline void debit(actortx::tx& t, int64_t account) {
  t.exec("UPDATE bench_account SET balance = balance - 1 WHERE id = $1", account);
}
inline void credit(actortx::tx& t, int64_t account) {
  t.exec("UPDATE bench_account SET balance = balance + 1 WHERE id = $1", account);
}
inline void reserve(actortx::tx& t, int64_t item) {
  t.exec("UPDATE bench_stock SET reserved = reserved + 1 WHERE id = $1", item);
}
inline void unreserve(actortx::tx& t, int64_t item) {
  t.exec("UPDATE bench_stock SET reserved = reserved - 1 WHERE id = $1", item);
}
/// Returns the new order's id.
inline int64_t record_order(actortx::tx& t, int64_t account, int64_t item, const std::string& tag) {
  return t.query_value<int64_t>(
      "INSERT INTO bench_order (account_id, item_id, tag) VALUES ($1, $2, $3) RETURNING id",
      account, item, tag);
}
inline void delete_order(actortx::tx& t, int64_t order) {
  t.exec("DELETE FROM bench_order WHERE id = $1", order);
}

/// The "order" saga: debit / credit, reserve / unreserve, record_order / delete_order. Its
/// context holds "account" and "item"; the last step adds "order". `step` sets the steps'
/// transaction options (e.g. a long timeout); unset: the runtime's defaults.
actortx::saga_registry make_registry(std::optional<actortx::tx_options> step = std::nullopt);

/// Uniform random account and item ids.
class order_generator {
 public:
  explicit order_generator(uint64_t seed) : rng_(seed), id_(1, table_rows) {}
  int account() { return id_(rng_); }
  int item() { return id_(rng_); }

 private:
  std::mt19937_64 rng_;
  std::uniform_int_distribution<int> id_;
};

}  // namespace bench::saga
