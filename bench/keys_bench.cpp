// Idempotency keys: the cost of a keyed transaction (a one-row UPDATE with
// tx_options::idempotency_key) through actortx with 0, 100 000 and 1 000 000 keys stored, the
// sizes interleaved in every round. The goal is a flat cost: the key insert and its indexes
// (primary key, committed_at for pruning) must not grow with the table.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <pqxx/pqxx>

#include <actortx/dsn.hpp>
#include <actortx/log.hpp>
#include <actortx/runtime.hpp>
#include <actortx/tooling/embedded_postgres.hpp>

#include "command_line.hpp"
#include "pg_server.hpp"
#include "timed_phase.hpp"

namespace {

struct bench_options {
  std::string dsn;
  bool durable = false;
  double seconds = 5;
  double warmup = 1;
  int rounds = 3;
  int clients = 4;
  std::vector<long> sizes{0, 100000, 1000000};
  std::string index = "btree";
  std::string log_level = "warning";
};

struct sample {
  double tps = 0;
  double cpu_us_per_tx = 0;
};

constexpr int accounts = 1000;

void exec(const std::string& dsn, const std::string& sql) {
  pqxx::connection c{dsn};
  pqxx::nontransaction w{c};
  w.exec(sql);
}

/// The committed_at index as migration 3 makes it (btree), as BRIN, or none: the comparison
/// behind the migration's choice.
void use_index(const std::string& dsn, const std::string& kind) {
  exec(dsn, "DROP INDEX IF EXISTS actortx.idempotency_keys_committed");
  if (kind == "btree" || kind == "brin")
    exec(dsn, "CREATE INDEX idempotency_keys_committed ON actortx.idempotency_keys USING " + kind +
                  " (committed_at)");
}

/// Exactly `n` keys, in time order (one a second up to now), as a keyed workload leaves them.
void fill_keys(const std::string& dsn, long n) {
  exec(dsn, "TRUNCATE actortx.idempotency_keys");
  if (n > 0)
    exec(dsn,
         "INSERT INTO actortx.idempotency_keys (key, tx_id, label, committed_at) SELECT "
         "'fill/' || g, g, 'fill', now() - (" +
             std::to_string(n) + " - g) * interval '1 second' FROM generate_series(1, " +
             std::to_string(n) + ") g");
  exec(dsn, "VACUUM ANALYZE actortx.idempotency_keys");
  exec(dsn, "CHECKPOINT");
}

sample measure(actortx::runtime& rt, const bench_options& o, const std::string& tag) {
  bench::phase_settings ps;
  ps.clients = o.clients;
  ps.warmup = std::chrono::duration<double>(o.warmup);
  ps.measure = std::chrono::duration<double>(o.seconds);
  auto r = bench::run_phase(ps, [&](int index) -> bench::client_fn {
    auto n = std::make_shared<long>(0);
    return [&rt, index, n, tag] {
      auto opts = rt.default_options();
      opts.label = "bench.keyed";
      opts.idempotency_key = tag + "/" + std::to_string(index) + "/" + std::to_string(++*n);
      actortx::tx_script s;
      s.add("UPDATE bench_account SET balance = balance + 1 WHERE id = $1",
            static_cast<int32_t>(1 + (*n * 7 + index * 131) % accounts));
      return rt.transact(opts, s).committed();
    };
  });
  if (r.errors > 0) throw std::runtime_error("keyed transactions failed: " + r.first_error);
  return {r.tps(), r.transactions > 0 ? r.cpu_us / static_cast<double>(r.transactions) : 0};
}

std::string range(std::vector<double> v, int precision) {
  std::sort(v.begin(), v.end());
  std::ostringstream s;
  s << std::fixed << std::setprecision(precision) << v[v.size() / 2] << " (" << v.front() << "–"
    << v.back() << ")";
  return s.str();
}

void print_report(const bench_options& o, const std::string& command, const std::string& target,
                  const std::string& settings, const std::string& load,
                  const std::map<long, std::vector<sample>>& results) {
  std::cout << "actortx-bench-keys: a keyed one-row UPDATE (script, one statement) through "
               "actortx\n"
            << "command: " << command << "\nserver: " << target << ", " << settings
            << "\nload average before: " << load << "\ncommitted_at index: " << o.index << ", "
            << o.clients << " client(s), " << o.rounds << " round(s) of " << o.seconds
            << " s per size (sizes interleaved)\n\n";
  std::cout << "| stored keys | TPS median (min–max) | client CPU µs/tx median (min–max) |\n"
            << "|---:|---:|---:|\n";
  for (const auto& [size, samples] : results) {
    std::vector<double> tps, cpu;
    for (const auto& s : samples) tps.push_back(s.tps), cpu.push_back(s.cpu_us_per_tx);
    std::cout << "| " << size << " | " << range(tps, 0) << " | " << range(cpu, 1) << " |\n";
  }
  std::cout << "\nStored keys: before each measurement (the run adds its own keys on top). "
               "Client CPU = user + system CPU of this process per committed transaction.\n";
}

int run(const bench_options& o, const std::string& command) {
  actortx::set_log_level(o.log_level);
  auto db = bench::open_server(o.dsn, o.durable);  // destroyed last: the server goes at the end
  const std::string& dsn = db.dsn;
  const auto settings = bench::server_settings(dsn);
  const auto target = actortx::dsn_target(dsn) + (db.embedded ? " (embedded)" : "");
  exec(dsn, "DROP TABLE IF EXISTS bench_account");
  exec(dsn, "CREATE TABLE bench_account (id int PRIMARY KEY, balance bigint NOT NULL)");
  exec(dsn, "INSERT INTO bench_account SELECT g, 0 FROM generate_series(1, " +
                std::to_string(accounts) + ") g");
  actortx::runtime_config cfg;
  cfg.dsn = dsn;
  cfg.pool.min = cfg.pool.max = static_cast<size_t>(o.clients);
  cfg.retention.prune_interval = std::chrono::milliseconds(0);  // no pruning mid-measurement
  cfg.log_level = o.log_level;
  actortx::runtime rt{cfg};  // migrates: the keys table and its indexes
  use_index(dsn, o.index);
  const auto load = bench::load_average();
  std::map<long, std::vector<sample>> results;
  for (int round = 0; round < o.rounds; ++round) {
    auto order = o.sizes;  // a different size first in every round
    std::rotate(order.begin(), order.begin() + round % static_cast<int>(order.size()), order.end());
    for (long size : order) {
      std::cerr << "round " << round + 1 << ": " << size << " keys stored\n";
      fill_keys(dsn, size);
      results[size].push_back(
          measure(rt, o, "bench/" + std::to_string(round) + "/" + std::to_string(size)));
    }
  }
  print_report(o, command, target, settings, load, results);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  bench_options o;
  CLI::App app{"The cost of a keyed transaction at 0, 100 000 and 1 000 000 stored keys"};
  app.option_defaults()->always_capture_default();
  app.add_option("--dsn", o.dsn, "libpq DSN (default: $ACTORTX_DSN, else an embedded server)");
  app.add_flag("--durable", o.durable,
               "restart the embedded server with fsync=on and full_page_writes=on first");
  app.add_option("--seconds", o.seconds, "measured seconds per size and round")
      ->check(CLI::Range(1, 3600));
  app.add_option("--warmup", o.warmup, "warm-up seconds before each measurement")
      ->check(CLI::Range(0, 600));
  app.add_option("--rounds", o.rounds, "interleaved rounds (every size once per round)")
      ->check(CLI::Range(1, 100));
  app.add_option("--clients", o.clients, "client threads")->check(CLI::Range(1, 256));
  app.add_option("--sizes", o.sizes, "stored keys per measurement, e.g. --sizes 0,1000000")
      ->delimiter(',')
      ->check(CLI::Range(0L, 100000000L));
  app.add_option("--index", o.index, "the committed_at index: btree (as migrated), brin, none")
      ->check(CLI::IsMember({"btree", "brin", "none"}));
  app.add_option("--log-level", o.log_level, "actortx log level");
  CLI11_PARSE(app, argc, argv);
  const std::string command = bench::command_line(argc, argv);  // password redacted
  try {
    return run(o, command);
  } catch (const std::exception& e) {
    std::cerr << "actortx-bench-keys: error: " << e.what() << '\n';
    return 3;
  }
}
