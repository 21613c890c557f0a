// A transfer between two PostgreSQL databases as a saga: no transaction spans both, so the
// debit on database A and the credit on database B commit separately, and a credit that fails
// is made good by refunding the debit. The money across both databases stays the same.
//
//   cross_db_transfer [DSN]   (see example_usage.hpp for where the database comes from)
//
// Database A is the DSN's database; B is a database "actortx_example_b" created next to it.
#include <iostream>

#include <caf/actor_system.hpp>
#include <pqxx/pqxx>

#include <actortx/dsn.hpp>
#include <actortx/runtime.hpp>
#include <actortx/tooling/embedded_postgres.hpp>

#include "example_usage.hpp"

using actortx::saga_context;
using actortx::tx;

namespace {

const example::usage usage{
    "cross_db_transfer [DSN]",
    "A transfer between two databases as a saga: the debit commits on database A (the DSN's),\n"
    "the credit on database B (\"actortx_example_b\", created next to A: needs the right to\n"
    "CREATE DATABASE). 30 to a normal account commits; 20 to a frozen one fails its credit and\n"
    "the debit is refunded. The money across both databases stays 100. Resets table account\n"
    "in both.",
    "  DSN          the PostgreSQL to use for database A (optional, see below)\n"};

/// CREATE DATABASE cannot run inside a transaction (and a runtime always opens one), so the
/// second database is made over a plain libpqxx connection. Returns its DSN.
std::string second_database(const std::string& dsn, const std::string& name) {
  pqxx::connection c{dsn};
  pqxx::nontransaction w{c};
  if (w.exec_params("SELECT 1 FROM pg_database WHERE datname = $1", name).empty())
    w.exec("CREATE DATABASE " + c.quote_name(name));
  return actortx::dsn_with(dsn, "dbname", name);
}

/// The demo's accounts, reset on every run so that the output is always the same.
void create_accounts(actortx::runtime& rt, const std::string& rows) {
  auto out = rt.transact([&](tx& t) {
    t.exec(
        "CREATE TABLE IF NOT EXISTS account(id int PRIMARY KEY, balance bigint NOT NULL, "
        "frozen boolean NOT NULL DEFAULT false)");
    // bank_transfer's table of the same name (a shared database) lacks the flag.
    t.exec("ALTER TABLE account ADD COLUMN IF NOT EXISTS frozen boolean NOT NULL DEFAULT false");
    t.exec("DELETE FROM account");
    t.exec("INSERT INTO account(id, balance, frozen) VALUES " + rows);
  });
  out.throw_if_failed();
}

int64_t total(actortx::runtime& rt) {
  int64_t sum = 0;
  auto out = rt.transact([&](tx& t) {
    sum = t.query_value<int64_t>("SELECT coalesce(sum(balance), 0)::bigint FROM account");
  });
  out.throw_if_failed();
  return sum;
}

}  // namespace

int main(int argc, char** argv) try {
  if (auto exit = example::check_arguments(argc, argv, usage, 1)) return *exit;
  auto db = actortx::dsn_or_embedded(argc > 1 ? argv[1] : "");  // outlives everything below
  const std::string dsn_b = second_database(db.dsn, "actortx_example_b");

  // Both runtimes on one actor system: the saga runtime (A) sends its credit step to B's
  // supervisor, and CAF 0.17 cannot answer across actor systems torn down one after another.
  // Declared in this order so that A (which sends work to B) stops first.
  actortx::caf_config caf_cfg;
  caf::actor_system sys{caf_cfg};
  actortx::runtime_config cfg_b;
  cfg_b.dsn = dsn_b;
  cfg_b.pool.max = 2;
  cfg_b.log_level = "error";  // a compensated saga logs a warning; the output below says it all
  actortx::runtime rt_b{sys, cfg_b};  // plain: B only runs the steps it is sent

  // The saga type, registered before runtime A starts: after a crash A must be able to finish
  // or compensate the transfers that were in flight.
  actortx::saga_registry sagas;
  sagas.define("transfer")
      .step(
          "debit",  // on A, the saga's own database: the step and its log row commit together
          [](tx& t, saga_context& ctx) {
            auto r =
                t.exec("UPDATE account SET balance = balance - $1 WHERE id = $2 AND balance >= $1",
                       ctx.get_int("amount"), ctx.get_int("from"));
            // rollback: a business "no", not retried; the saga ends COMPENSATED at once.
            if (r.affected_rows() != 1) throw actortx::rollback{"insufficient funds"};
          },
          [](tx& t, saga_context& ctx) {  // refund
            t.exec("UPDATE account SET balance = balance + $1 WHERE id = $2", ctx.get_int("amount"),
                   ctx.get_int("from"));
          })
      .step(
          "credit",
          [](tx& t, saga_context& ctx) {
            auto r =
                t.exec("UPDATE account SET balance = balance + $1 WHERE id = $2 AND NOT frozen",
                       ctx.get_int("amount"), ctx.get_int("to"));
            if (r.affected_rows() != 1)
              throw actortx::rollback{"account " + ctx.get("to") + " is frozen or missing"};
          },
          // Un-credit. Needed even for the last step: when the credit's outcome is lost (its
          // deadline passed) but B committed it after all, the saga compensates it as well.
          [](tx& t, saga_context& ctx) {
            t.exec("UPDATE account SET balance = balance - $1 WHERE id = $2", ctx.get_int("amount"),
                   ctx.get_int("to"));
          },
          // Runs on B's supervisor, i.e. on database B. Its idempotency key lives in B too, so
          // "did the credit commit?" is answered by B itself.
          actortx::step_options{std::nullopt, rt_b.supervisor()});

  actortx::runtime_config cfg_a;
  cfg_a.dsn = db.dsn;
  cfg_a.pool.max = 2;
  cfg_a.log_level = "error";
  actortx::runtime rt_a{sys, cfg_a, std::move(sagas)};  // creates the saga log in A

  create_accounts(rt_a, "(1, 100, false)");              // A: alice
  create_accounts(rt_b, "(1, 0, false), (2, 0, true)");  // B: bob, carol (frozen)
  std::cout << "total before: " << total(rt_a) + total(rt_b) << '\n';

  // The second transfer goes to a frozen account: credit fails, debit is refunded.
  for (const auto& [to, amount] : {std::pair{1, 30}, std::pair{2, 20}}) {
    auto out = rt_a.run_saga(
        "transfer",
        {{"from", "1"}, {"to", std::to_string(to)}, {"amount", std::to_string(amount)}});
    std::cout << "transfer " << amount << " from A/1 to B/" << to << ": "
              << actortx::to_string(out.state) << '\n';
    for (const auto& s : out.steps)
      std::cout << "  " << s.name << ": " << actortx::to_string(s.state) << '\n';
    if (!out.message.empty()) std::cout << "  why: " << out.message << '\n';
  }

  auto a = total(rt_a), b = total(rt_b);
  std::cout << "A holds " << a << ", B holds " << b << '\n';
  std::cout << "total after: " << a + b << '\n';
  return 0;
} catch (const std::exception& e) {
  std::cerr << "cross_db_transfer: " << e.what() << '\n';
  return 1;
}
