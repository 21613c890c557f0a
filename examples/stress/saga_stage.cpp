#include "saga_stage.hpp"

#include <iostream>

#include "pool_check.hpp"
#include "saga_tables.hpp"

namespace stress {

namespace {

actortx::postgres_target start_server(const options& o) {
  if (actortx::choose_postgres_source(o.dsn) == actortx::postgres_source::embedded)
    std::cout << "no DSN given: starting an embedded PostgreSQL for this run\n";
  auto db = actortx::dsn_or_embedded(o.dsn);
  check_reachable(db.dsn);
  check_pool_fits(o, db.dsn);
  if (!o.dsn_b.empty()) {
    check_reachable(o.dsn_b);
    check_pool_fits(o, o.dsn_b);
  }
  return db;
}

}  // namespace

saga_stage::saga_stage(const options& o)
    : db(start_server(o)), faults(o, db, 2, std::cout), run(make_run_name()) {
  if (faults.active()) own_a.emplace(db.dsn, run + "_a");
  if (o.dsn_b.empty()) own_b.emplace(db.dsn, run + "_b");
  dsn_a = own_a ? own_a->dsn() : db.dsn;
  dsn_b = own_b ? own_b->dsn() : o.dsn_b;
  schema_a.emplace(dsn_a, o.accounts, o.initial_balance, run);
  schema_b.emplace(dsn_b, o.accounts, o.initial_balance, run);
  const int frozen = o.accounts + 1;
  add_saga_tables(*schema_a, frozen);
  add_saga_tables(*schema_b, frozen);
  if (o.nodes == 0) return;
  // Each worker through its own fault proxy, if any.
  std::vector<std::string> dsns;
  for (int k = 0; k < o.nodes; ++k)
    dsns.push_back(faults.runtime_dsn(k, (k % 2 == 0 ? schema_a : schema_b)->runtime_dsn()));
  nodes.emplace(o, run, dsns, std::cout);
  for (const auto& name : nodes->names())
    (a_workers.size() == b_workers.size() ? a_workers : b_workers).push_back(name);
}

}  // namespace stress
