#include "saga_workload.hpp"

#include <pqxx/pqxx>

namespace bench::saga {

void create_schema(const std::string& dsn) {
  pqxx::connection c{dsn};
  pqxx::nontransaction w{c};
  w.exec("DROP TABLE IF EXISTS bench_account, bench_stock, bench_order");
  w.exec("CREATE TABLE bench_account (id int PRIMARY KEY, balance bigint NOT NULL)");
  w.exec("CREATE TABLE bench_stock (id int PRIMARY KEY, reserved bigint NOT NULL)");
  w.exec(
      "CREATE TABLE bench_order (id bigserial PRIMARY KEY, account_id int NOT NULL, "
      "item_id int NOT NULL, tag text NOT NULL)");
  const auto n = std::to_string(table_rows);
  w.exec("INSERT INTO bench_account SELECT g, 1000000 FROM generate_series(1, " + n + ") g");
  w.exec("INSERT INTO bench_stock SELECT g, 0 FROM generate_series(1, " + n + ") g");
  w.exec("VACUUM ANALYZE bench_account");
  w.exec("VACUUM ANALYZE bench_stock");
  w.exec("ANALYZE bench_order");
}

void reset_tables(const std::string& dsn) {
  pqxx::connection c{dsn};
  pqxx::nontransaction w{c};
  w.exec("TRUNCATE bench_order, actortx.saga, actortx.saga_step, actortx.idempotency_keys");
  w.exec("VACUUM bench_account");
  w.exec("VACUUM bench_stock");
}

actortx::saga_registry make_registry(std::optional<actortx::tx_options> step) {
  using actortx::saga_context;
  using actortx::tx;
  actortx::step_options opts;
  opts.tx = std::move(step);
  actortx::saga_registry reg;
  reg.define(order_saga)
      .step(
          "debit", [](tx& t, saga_context& c) { debit(t, c.get_int("account")); },
          [](tx& t, saga_context& c) { credit(t, c.get_int("account")); }, opts)
      .step(
          "reserve", [](tx& t, saga_context& c) { reserve(t, c.get_int("item")); },
          [](tx& t, saga_context& c) { unreserve(t, c.get_int("item")); }, opts)
      .step(
          "record",
          [](tx& t, saga_context& c) {
            c.set("order", record_order(t, c.get_int("account"), c.get_int("item"),
                                        c.get(actortx::saga_id_key)));
          },
          [](tx& t, saga_context& c) { delete_order(t, c.get_int("order")); }, opts);
  return reg;
}

}  // namespace bench::saga
