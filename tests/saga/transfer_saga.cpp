#include "saga/transfer_saga.hpp"

#include <map>

#include <pqxx/pqxx>

namespace actortx::test {

void create_transfer_tables(const std::string& dsn_a, const std::string& dsn_b, int accounts,
                            int balance) {
  for (const auto& dsn : {dsn_a, dsn_b}) {
    pqxx::connection c{dsn};
    pqxx::work w{c};
    w.exec(
        "CREATE TABLE account (id int PRIMARY KEY, balance bigint NOT NULL, "
        "frozen boolean NOT NULL DEFAULT false)");
    w.exec(
        "CREATE TABLE ledger (seq bigserial PRIMARY KEY, saga_id text NOT NULL, "
        "kind text NOT NULL, node text NOT NULL DEFAULT '')");
    w.exec_params(
        "INSERT INTO account(id, balance, frozen) SELECT i, $2, $3 AND i % 5 = 0 "
        "FROM generate_series(1, $1) i",
        accounts, balance, dsn == dsn_b);
    w.commit();
  }
}

void define_transfer(saga_registry& reg, const supervisor_actor& b, const std::string& tag) {
  tx_options step;
  step.timeout = std::chrono::seconds(5);
  step.retry.initial_delay = std::chrono::milliseconds(5);
  step.retry.max_delay = std::chrono::milliseconds(100);
  step.retry.max_retries = 5;
  reg.define("transfer")
      .step("debit", saga_body{[](tx& t, saga_context& ctx) {
              auto r = t.exec(
                  "UPDATE account SET balance = balance - $1 WHERE id = $2 AND "
                  "balance >= $1",
                  ctx.get_int("amount"), ctx.get_int("from"));
              if (r.affected_rows() != 1) throw rollback{"insufficient funds"};
              t.exec("INSERT INTO ledger(saga_id, kind) VALUES ($1, 'debit')",
                     ctx.get(saga_id_key));
            }},
            saga_body{[tag](tx& t, saga_context& ctx) {
              t.exec("UPDATE account SET balance = balance + $1 WHERE id = $2",
                     ctx.get_int("amount"), ctx.get_int("from"));
              t.exec("INSERT INTO ledger(saga_id, kind, node) VALUES ($1, 'refund', $2)",
                     ctx.get(saga_id_key), tag);
            }},
            step_options{step, {}})
      .step("credit", saga_body{[](tx& t, saga_context& ctx) {
              auto r = t.exec(
                  "UPDATE account SET balance = balance + $1 WHERE id = $2 AND NOT "
                  "frozen",
                  ctx.get_int("amount"), ctx.get_int("to"));
              if (r.affected_rows() != 1) throw rollback{"target account is frozen"};
              t.exec("INSERT INTO ledger(saga_id, kind) VALUES ($1, 'credit')",
                     ctx.get(saga_id_key));
            }},
            saga_body{[tag](tx& t, saga_context& ctx) {
              t.exec("UPDATE account SET balance = balance - $1 WHERE id = $2",
                     ctx.get_int("amount"), ctx.get_int("to"));
              t.exec("INSERT INTO ledger(saga_id, kind, node) VALUES ($1, 'uncredit', $2)",
                     ctx.get(saga_id_key), tag);
            }},
            step_options{step, b});
}

runtime_config node_config(const std::string& dsn, const std::string& node) {
  runtime_config cfg;
  cfg.dsn = dsn;
  cfg.pool.min = 1;
  cfg.pool.max = 4;
  cfg.sagas.node_id = node;
  cfg.sagas.lease = std::chrono::seconds(1);
  cfg.sagas.recovery_interval = std::chrono::milliseconds(200);
  cfg.scheduler_threads = 2;
  cfg.log_level = "error";
  return cfg;
}

long unfinished_sagas(const std::string& dsn) {
  pqxx::connection c{dsn};
  pqxx::nontransaction w{c};
  return w
      .exec(
          "SELECT count(*) FROM actortx.saga WHERE state IN "
          "('STARTED', 'EXECUTING', 'COMPENSATING')")[0][0]
      .as<long>();
}

long long total_balance(const std::string& dsn_a, const std::string& dsn_b) {
  long long sum = 0;
  for (const auto& dsn : {dsn_a, dsn_b}) {
    pqxx::connection c{dsn};
    pqxx::nontransaction w{c};
    sum += w.exec("SELECT coalesce(sum(balance), 0) FROM account")[0][0].as<long long>();
  }
  return sum;
}

std::string check_transfers(const std::string& dsn_a, const std::string& dsn_b,
                            long long expected_total) {
  auto total = total_balance(dsn_a, dsn_b);
  if (total != expected_total)
    return "money not conserved: " + std::to_string(total) +
           " != " + std::to_string(expected_total);
  pqxx::connection a{dsn_a};
  pqxx::nontransaction wa{a};
  auto unfinished = wa.exec(
      "SELECT id, state FROM actortx.saga WHERE state NOT IN "
      "('COMMITTED', 'COMPENSATED')");
  if (!unfinished.empty())
    return std::to_string(unfinished.size()) + " saga(s) not COMMITTED/COMPENSATED, e.g. " +
           unfinished[0][0].as<std::string>() + " " + unfinished[0][1].as<std::string>();
  // Per saga: how often each kind was applied, from both ledgers.
  std::map<std::string, std::map<std::string, int>> applied;
  for (const auto& dsn : {dsn_a, dsn_b}) {
    pqxx::connection c{dsn};
    pqxx::nontransaction w{c};
    for (const auto& row : w.exec("SELECT saga_id, kind, count(*) FROM ledger GROUP BY 1, 2"))
      applied[row[0].as<std::string>()][row[1].as<std::string>()] = row[2].as<int>();
  }
  std::map<std::string, std::string> state;
  for (const auto& row : wa.exec("SELECT id, state FROM actortx.saga"))
    state[row[0].as<std::string>()] = row[1].as<std::string>();
  for (const auto& [id, kinds] : applied) {
    for (const auto& [kind, n] : kinds)
      if (n > 1) return "saga " + id + ": " + kind + " applied " + std::to_string(n) + " times";
    auto count = [&](const char* k) {
      auto i = kinds.find(k);
      return i == kinds.end() ? 0 : i->second;
    };
    auto s = state.find(id);
    if (s == state.end()) return "saga " + id + " changed data but is not in the log";
    if (s->second == "COMMITTED" && (count("debit") != 1 || count("credit") != 1 ||
                                     count("refund") != 0 || count("uncredit") != 0))
      return "saga " + id + " is COMMITTED but its ledger is incomplete or compensated";
    if (s->second == "COMPENSATED" &&
        (count("debit") != count("refund") || count("credit") != count("uncredit")))
      return "saga " + id + " is COMPENSATED but not every applied step was undone";
  }
  return {};
}

}  // namespace actortx::test
