// A bank transfer with the blocking API: what a plain C++ service writes.
//
//   bank_transfer [DSN]      (default: $ACTORTX_DSN, else a throwaway embedded PostgreSQL)
#include <iostream>
#include <memory>

#include <actortx/runtime.hpp>
#include <actortx/tooling/embedded_postgres.hpp>

using namespace std::chrono_literals;

int main(int argc, char** argv) try {
  auto db = actortx::dsn_or_embedded(argc > 1 ? argv[1] : "");  // outlives the runtime

  actortx::runtime_config cfg;
  cfg.dsn = db.dsn;
  cfg.pool.max = 4;
  actortx::runtime rt{cfg};

  // Set-up is a transaction like any other.
  rt.transact([](actortx::tx& t) {
    t.exec(
        "CREATE TABLE IF NOT EXISTS account(id int PRIMARY KEY, balance bigint NOT NULL "
        "CHECK (balance >= 0))");
    t.exec("INSERT INTO account VALUES (1, 100), (2, 50) ON CONFLICT (id) DO NOTHING");
  });

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
  rt.transact([](actortx::tx& t) {
    for (const auto& row : t.exec("SELECT id, balance FROM account ORDER BY id"))
      std::cout << "account " << row[0].as<int>() << ": " << row[1].as<long>() << '\n';
  });
  return 0;
} catch (const std::exception& e) {
  std::cerr << "bank_transfer: " << e.what() << '\n';
  return 1;
}
