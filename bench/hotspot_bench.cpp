// actortx-bench-hotspot: many concurrent SERIALIZABLE transfers over a few accounts, so most
// attempts conflict. actortx retries with exponential backoff and three jitter modes (none,
// +/-0.1, full); pgbench --max-tries retries the same transaction at once, for reference. One
// run, one server, the same measured window for every row. A benchmark, not a test: it prints
// what it measured; only a broken invariant makes it fail (money created or lost, or a balance
// that disagrees with what actortx reported COMMITTED).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <pqxx/pqxx>

#include <actortx/dsn.hpp>
#include <actortx/log.hpp>
#include <actortx/tooling/embedded_postgres.hpp>

#include "hotspot_actortx.hpp"
#include "hotspot_common.hpp"
#include "hotspot_pgbench.hpp"
#include "latency.hpp"
#include "pgbench_runner.hpp"

namespace {

using namespace std::chrono_literals;
namespace hs = bench::hotspot;

constexpr int64_t initial_balance = 1000000;
constexpr int pgbench_max_tries = 10;
constexpr int pgbench_threads = 2;

struct bench_options {
  std::string dsn;
  int seconds = 20;
  int warmup = 2;
  int clients = 32;
  int accounts = 10;
  int pool = 0;  // 0: as many connections as clients
  std::string pgbench;
  uint64_t seed = 42;
  std::string log_level = "warn";
};

std::string num(double x, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, x);
  return buf;
}

void create_table(const std::string& dsn) {
  pqxx::connection c{dsn};
  pqxx::nontransaction w{c};
  w.exec("DROP TABLE IF EXISTS hotspot_account");
  w.exec("CREATE TABLE hotspot_account (id int PRIMARY KEY, balance bigint NOT NULL)");
}

/// Every phase starts from the same table: `accounts` rows of initial_balance, vacuumed.
void reset_table(const std::string& dsn, int accounts) {
  pqxx::connection c{dsn};
  pqxx::nontransaction w{c};
  w.exec("TRUNCATE hotspot_account");
  w.exec("INSERT INTO hotspot_account (id, balance) SELECT g, " + std::to_string(initial_balance) +
         " FROM generate_series(1, " + std::to_string(accounts) + ") AS g");
  w.exec("VACUUM ANALYZE hotspot_account");
}

/// Finds a subset of the IN_DOUBT transfers whose effect is exactly `diff` (index = account
/// id); its size, or -1 if there is none (or too many candidates to try them all).
int explained_by_in_doubt(const std::vector<int64_t>& diff, const std::vector<hs::transfer>& cand) {
  if (cand.size() > 20) return -1;
  std::vector<int64_t> sum(diff.size());
  for (uint32_t mask = 0; mask < (1u << cand.size()); ++mask) {
    std::fill(sum.begin(), sum.end(), 0);
    int used = 0;
    for (size_t k = 0; k < cand.size(); ++k) {
      if ((mask & (1u << k)) == 0) continue;
      sum[static_cast<size_t>(cand[k].from)] -= cand[k].amount;
      sum[static_cast<size_t>(cand[k].to)] += cand[k].amount;
      ++used;
    }
    if (sum == diff) return used;
  }
  return -1;
}

void violation(hs::result& r, const std::string& what) {
  r.invariant_ok = false;
  r.invariant_note += (r.invariant_note.empty() ? "" : "; ") + what;
  std::cerr << "\n*** INVARIANT VIOLATED after " << r.mode << ": " << what << " ***\n\n";
}

/// Transfers move money, they never create or destroy it: the rows and their sum are unchanged.
/// For actortx also per account: every balance is the initial one plus the transfers reported
/// COMMITTED (plus some of those reported IN_DOUBT), and nothing reported failed is in it.
void check_invariant(const std::string& dsn, int accounts, hs::result& r) {
  pqxx::connection c{dsn};
  pqxx::nontransaction w{c};
  auto rows = w.exec("SELECT id, balance FROM hotspot_account ORDER BY id");
  int64_t sum = 0;
  std::vector<int64_t> balance(static_cast<size_t>(accounts) + 1, initial_balance);
  bool ids_ok = rows.size() == static_cast<size_t>(accounts);
  for (const auto& row : rows) {
    auto id = row[0].as<int>();
    auto b = row[1].as<int64_t>();
    sum += b;
    if (id < 1 || id > accounts)
      ids_ok = false;
    else
      balance[static_cast<size_t>(id)] = b;
  }
  auto expected = initial_balance * accounts;
  if (!ids_ok || sum != expected) {
    violation(r, std::to_string(rows.size()) + " rows with sum(balance) = " + std::to_string(sum) +
                     ", expected ids 1.." + std::to_string(accounts) + " with sum " +
                     std::to_string(expected));
    return;
  }
  if (!r.has_ledger) return;
  std::vector<int64_t> diff(balance.size(), 0);
  bool exact = true;
  for (size_t a = 1; a < balance.size(); ++a) {
    diff[a] = balance[a] - (initial_balance + r.committed_delta[a]);
    exact = exact && diff[a] == 0;
  }
  if (exact) {
    r.ledger_note = "every balance = initial + the transfers reported COMMITTED";
    return;
  }
  int used = explained_by_in_doubt(diff, r.in_doubt);
  if (used >= 0) {
    r.ledger_note = "balances = initial + the COMMITTED transfers + " + std::to_string(used) +
                    " of the " + std::to_string(r.in_doubt.size()) +
                    " IN_DOUBT ones (those did commit)";
    return;
  }
  std::string text;
  for (size_t a = 1; a < diff.size(); ++a)
    if (diff[a] != 0)
      text += (text.empty() ? " id " : ", id ") + std::to_string(a) + ": " +
              (diff[a] > 0 ? "+" : "") + std::to_string(diff[a]);
  violation(r, "balances differ from the transfers reported COMMITTED, beyond what the " +
                   std::to_string(r.in_doubt.size()) + " IN_DOUBT ones can explain:" + text);
}

/// pg_stat_database.deadlocks of the current database (a backend reports its counters at
/// exit, or when idle at most once a second).
int64_t server_deadlocks(const std::string& dsn) {
  pqxx::connection c{dsn};
  pqxx::nontransaction w{c};
  return w.exec1("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")[0]
      .as<int64_t>();
}

int server_max_connections(const std::string& dsn) {
  pqxx::connection c{dsn};
  pqxx::nontransaction w{c};
  return w.exec1("SHOW max_connections")[0].as<int>();
}

std::string counts_text(const std::map<std::string, int64_t>& counts) {
  std::string out;
  for (const auto& [what, n] : counts)
    out += (out.empty() ? "" : ", ") + what + " x" + std::to_string(n);
  return out.empty() ? "none" : out;
}

void report_phase(hs::result& r) {
  std::cerr << "  " << r.mode << ": " << num(r.goodput(), 1) << " commits/s, "
            << num(r.attempts_per_commit(), 2) << " attempts/commit, p50 "
            << num(bench::percentile_us(r.latencies_ns, 0.50) / 1000, 2) << " ms, p99 "
            << num(bench::percentile_us(r.latencies_ns, 0.99) / 1000, 2) << " ms, " << r.failed
            << " failed";
  if (!r.failed_states.empty()) std::cerr << " (" << counts_text(r.failed_states) << ")";
  std::cerr << "; server deadlocks " << r.server_deadlocks;
  if (!r.retry_causes.empty()) std::cerr << "; errors of attempts: " << counts_text(r.retry_causes);
  std::cerr << '\n';
  if (r.failed > 0 && !r.first_failure.empty())
    std::cerr << "    first failure: " << r.first_failure.substr(0, 300) << '\n';
  if (!r.ledger_note.empty()) std::cerr << "    ledger: " << r.ledger_note << '\n';
}

/// After a phase: the invariants, the server's deadlock count, a progress line.
void finish_phase(const std::string& dsn, int accounts, int64_t deadlocks_before, hs::result& r) {
  check_invariant(dsn, accounts, r);
  std::this_thread::sleep_for(1s);  // the phase's backends have exited and reported by now
  r.server_deadlocks = server_deadlocks(dsn) - deadlocks_before;
  report_phase(r);
}

std::string ms_text(std::chrono::milliseconds d) {
  return std::to_string(d.count()) + " ms";
}

void print_table(std::vector<hs::result>& rows) {
  std::cout
      << "| mode | goodput (commits/s) | attempts per commit | p50 (ms) | p99 (ms) | failed |\n"
      << "|---|---:|---:|---:|---:|---:|\n";
  for (auto& r : rows) {
    std::cout << "| " << r.mode << (r.invariant_ok ? "" : " **INVARIANT VIOLATED**") << " | "
              << num(r.goodput(), 1) << " | " << num(r.attempts_per_commit(), 2) << " | "
              << num(bench::percentile_us(r.latencies_ns, 0.50) / 1000, 2) << " | "
              << num(bench::percentile_us(r.latencies_ns, 0.99) / 1000, 2) << " | " << r.failed
              << " |\n";
  }
}

int run(const bench_options& o) {
  actortx::set_log_level(o.log_level);
  if (o.dsn.empty() && actortx::dsn_from_environment().empty())
    std::cerr << "starting an embedded PostgreSQL\n";
  auto db = actortx::dsn_or_embedded(o.dsn);  // destroyed last: the server goes at the end
  const std::string& dsn = db.dsn;
  bench::pgbench_runner pgb{o.pgbench, dsn};
  create_table(dsn);

  // The pool: one connection per client, as pgbench has, unless --pool says otherwise; the
  // runtime opens one more (for cancel requests), and reset/check need one.
  int max_conn = server_max_connections(dsn);
  int pool = o.pool > 0 ? o.pool : o.clients;
  if (pool + 2 > max_conn) {
    pool = std::max(1, max_conn - 2);
    std::cerr << "pool capped at " << pool << " by the server's max_connections = " << max_conn
              << '\n';
  }

  hs::actortx_settings as;
  as.dsn = dsn;
  as.clients = o.clients;
  as.accounts = o.accounts;
  as.pool = static_cast<size_t>(pool);
  as.warmup = std::chrono::seconds(o.warmup);
  as.measure = std::chrono::seconds(o.seconds);
  as.seed = o.seed;
  as.log_level = o.log_level;
  as.options.level = actortx::isolation::serializable;
  as.options.timeout = 10s;
  as.options.label = "hotspot-transfer";
  as.options.retry.strategy = actortx::backoff::exponential;
  as.options.retry.initial_delay = 1ms;
  as.options.retry.max_delay = 100ms;
  as.options.retry.multiplier = 2.0;
  as.options.retry.max_retries = 30;
  const auto& rp = as.options.retry;

  std::cerr << "hot spot: " << o.clients << " clients, " << o.accounts << " accounts, " << o.warmup
            << " s warm-up + " << o.seconds << " s per row, on " << actortx::dsn_target(dsn)
            << " (max_connections " << max_conn << ")\n";

  struct jitter_mode {
    const char* name;
    double jitter;
    bool full;
  };
  const jitter_mode modes[] = {{"actortx, no jitter", 0.0, false},
                               {"actortx, ±0.1 jitter", 0.1, false},
                               {"actortx, full jitter", 0.0, true}};
  std::vector<hs::result> rows;
  for (const auto& m : modes) {
    as.options.retry.jitter = m.jitter;
    as.options.retry.full_jitter = m.full;
    reset_table(dsn, o.accounts);
    auto deadlocks = server_deadlocks(dsn);
    rows.push_back(hs::run_actortx(as, m.name));
    finish_phase(dsn, o.accounts, deadlocks, rows.back());
  }

  hs::pgbench_settings ps;
  ps.clients = o.clients;
  ps.threads = pgbench_threads;
  ps.accounts = o.accounts;
  ps.max_tries = pgbench_max_tries;
  ps.warmup = o.warmup;
  ps.measure = o.seconds;
  ps.seed = o.seed;
  hs::pgbench_summary summary;
  reset_table(dsn, o.accounts);
  auto deadlocks = server_deadlocks(dsn);
  rows.push_back(hs::run_pgbench(pgb, ps, summary));
  rows.back().mode = "pgbench --max-tries=" + std::to_string(pgbench_max_tries);
  finish_phase(dsn, o.accounts, deadlocks, rows.back());
  std::cerr << "  pgbench's own report over its " << (ps.warmup + ps.measure + 1) << " s: tps "
            << num(summary.tps, 1) << ", " << summary.processed << " processed, " << summary.failed
            << " failed, " << summary.retried << " retried, " << summary.retries << " retries ("
            << pgb.binary() << ")\n";

  std::cout << "\nHot spot: " << o.clients << " clients, SERIALIZABLE transfers over " << o.accounts
            << " accounts, " << o.seconds << " s measured after a " << o.warmup
            << " s warm-up, server " << actortx::dsn_target(dsn) << (db.embedded ? " embedded" : "")
            << "\n\n";
  print_table(rows);
  std::cout << "\nactortx: pool " << pool << " connections (min = max) for " << o.clients
            << " client threads, timeout " << ms_text(as.options.timeout) << ", "
            << actortx::to_string(rp.strategy) << " backoff " << ms_text(rp.initial_delay) << " x"
            << num(rp.multiplier, 0) << " up to " << ms_text(rp.max_delay) << ", max_retries "
            << rp.max_retries
            << "; jitter none = 0, ±0.1 = delay * U(0.9, 1.1), full = U(0, delay), rounded to "
               "whole ms.\n"
            << "pgbench: " << summary.command
            << " (retries at once, no backoff; latencies from its -l log).\n"
            << "goodput = commits that ended inside the window / its length; attempts per commit "
               "= attempts of all transactions ended in the window (failed ones too) / commits; "
               "pXX = client-side latency of committed transactions, retries included; failed = "
               "transactions ended without a commit (retries exhausted or deadline).\n";

  bool ok = std::all_of(rows.begin(), rows.end(), [](const auto& r) { return r.invariant_ok; });
  if (!ok) {
    std::cerr << "actortx-bench-hotspot: INVARIANT VIOLATED in:";
    for (const auto& r : rows)
      if (!r.invariant_ok) std::cerr << "\n  " << r.mode << ": " << r.invariant_note;
    std::cerr << '\n';
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  bench_options o;
  CLI::App app{
      "Hot spot: concurrent SERIALIZABLE transfers over few accounts; actortx retries with "
      "backoff and no / +-0.1 / full jitter vs pgbench --max-tries, measured in one run"};
  app.option_defaults()->always_capture_default();
  app.add_option("--dsn", o.dsn, "libpq DSN (default: $ACTORTX_DSN, else an embedded server)");
  app.add_option("--seconds", o.seconds, "measured seconds per row")->check(CLI::Range(1, 3600));
  app.add_option("--warmup", o.warmup, "warm-up seconds before each measurement")
      ->check(CLI::Range(0, 600));
  app.add_option("--clients", o.clients, "concurrent clients")->check(CLI::Range(1, 1000));
  app.add_option("--accounts", o.accounts, "accounts (rows) the transfers share")
      ->check(CLI::Range(2, 1000000));
  app.add_option("--pool", o.pool, "actortx pool size (0: one connection per client)")
      ->check(CLI::Range(0, 1000));
  app.add_option("--pgbench", o.pgbench, "path of pgbench (default: auto-detect)");
  app.add_option("--seed", o.seed, "random seed of the clients (and pgbench --random-seed)");
  app.add_option("--log-level", o.log_level, "actortx log level");
  CLI11_PARSE(app, argc, argv);
  try {
    return run(o);
  } catch (const std::exception& e) {
    std::cerr << "actortx-bench-hotspot: error: " << e.what() << '\n';
    return 3;
  }
}
