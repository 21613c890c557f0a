#include "saga_tables.hpp"

#include <pqxx/pqxx>

#include "harness_connection.hpp"

namespace stress {

void add_saga_tables(const bank_schema& schema, int frozen_id) {
  auto c = harness_connection(schema.dsn());
  pqxx::work w{c};
  auto s = c.quote_name(schema.name());
  w.exec("ALTER TABLE " + s + ".account ADD COLUMN frozen boolean NOT NULL DEFAULT false");
  w.exec_params("INSERT INTO " + s + ".account(id, balance, frozen) VALUES ($1, 0, true)",
                frozen_id);
  w.exec("CREATE TABLE " + s +
         ".ledger(seq bigserial PRIMARY KEY, saga_id text NOT NULL, kind text NOT NULL)");
  w.commit();
}

}  // namespace stress
