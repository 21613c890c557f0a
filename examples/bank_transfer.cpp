// A bank transfer with the blocking API: what a plain C++ service writes.
//
//   bank_transfer [DSN]      (see example_usage.hpp for where the database comes from)
#include <iostream>
#include <memory>

#include <actortx/runtime.hpp>
#include <actortx/tooling/embedded_postgres.hpp>

#include "example_usage.hpp"

using namespace std::chrono_literals;

namespace {

const example::usage usage{
    "bank_transfer [DSN]",
    "A bank transfer with the blocking API (rt.transact): creates table account with accounts\n"
    "1 (100) and 2 (50) if missing, moves 30 from 1 to 2 (COMMITTED), then 500 (FAILED: the\n"
    "CHECK balance >= 0 is violated, SQLSTATE 23514, nothing changes), and prints the balances.",
    "  DSN          the PostgreSQL to use (optional, see below)\n"};

}  // namespace

int main(int argc, char** argv) try {
  if (auto exit = example::check_arguments(argc, argv, usage, 1)) return *exit;
  auto db = actortx::dsn_or_embedded(argc > 1 ? argv[1] : "");  // outlives the runtime

  actortx::runtime_config cfg;
  cfg.dsn = db.dsn;
  cfg.pool.max = 4;
  actortx::runtime rt{cfg};

  // Set-up is a transaction like any other.
  auto setup = rt.transact([](actortx::tx& t) {
    t.exec(
        "CREATE TABLE IF NOT EXISTS account(id int PRIMARY KEY, balance bigint NOT NULL "
        "CHECK (balance >= 0))");
    t.exec("INSERT INTO account VALUES (1, 100), (2, 50) ON CONFLICT (id) DO NOTHING");
  });
  setup.throw_if_failed();  // throws actortx::tx_error (with the outcome) unless committed

  auto transfer = [&](int from, int to, long amount) {
    actortx::tx_options opts = rt.default_options();
    opts.level = actortx::isolation::serializable;
    opts.timeout = 2s;
    opts.label = "transfer";
    // The body may run more than once (serialization failures are retried): keep it free of
    // side effects outside the database.
    return rt.transact(opts, [&](actortx::tx& t) {
      t.exec("UPDATE account SET balance = balance - $1 WHERE id = $2", amount, from);
      t.exec("UPDATE account SET balance = balance + $1 WHERE id = $2", amount, to);
    });
  };

  for (long amount : {30L, 500L}) {
    auto out = transfer(1, 2, amount);
    std::cout << "transfer " << amount << ": " << actortx::to_string(out.state) << " after "
              << out.attempts << " attempt(s)";
    if (!out.committed()) std::cout << " - " << out.message << " (SQLSTATE " << out.sqlstate << ")";
    std::cout << '\n';
  }
  auto shown = rt.transact([](actortx::tx& t) {
    for (const auto& row : t.exec("SELECT id, balance FROM account ORDER BY id"))
      std::cout << "account " << row[0].as<int>() << ": " << row[1].as<long>() << '\n';
  });
  shown.throw_if_failed();
  return 0;
} catch (const std::exception& e) {
  std::cerr << "bank_transfer: " << e.what() << '\n';
  return 1;
}
