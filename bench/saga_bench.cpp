// actortx-bench-saga: what a saga costs. (a) Throughput and latency of a three-step saga vs the
// same three statements as three plain transactions, at several client counts, in one run
// against one server. (b) Memory per in-flight saga (and per in-flight plain transaction, for
// comparison), each measured in a fresh child process. A benchmark, not a test: it prints what
// it measured; only a broken invariant (a saga not COMMITTED, or its order row missing) or a
// failed child makes it fail.
#include <cstdio>
#include <iostream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <pqxx/pqxx>

#include <actortx/dsn.hpp>
#include <actortx/log.hpp>
#include <actortx/runtime.hpp>
#include <actortx/tooling/embedded_postgres.hpp>

#include "command_line.hpp"
#include "latency.hpp"
#include "pg_server.hpp"
#include "runtime/policy/saga_id.hpp"
#include "runtime/sagas/saga_log.hpp"
#include "saga_memory.hpp"
#include "saga_workload.hpp"
#include "subprocess.hpp"
#include "timed_phase.hpp"

namespace {

namespace sb = bench::saga;
using namespace std::chrono_literals;

struct bench_options {
  std::string dsn;
  std::string database = "actortx_saga_bench";
  int seconds = 10;
  int warmup = 2;
  std::vector<int> clients{1, 8};
  std::vector<std::string> parts{"throughput", "memory"};
  size_t sagas = 100000;
  size_t memory_pool = 8;
  int hold = 12;
  int drain_timeout = 900;
  uint64_t seed = 42;
  std::string log_level = "warn";
  // Hidden: the memory child.
  std::string memory_child;
  int64_t long_running_ms = 3600000;
  /// CAF workers of the memory child. One: CAF 0.17's work stealing walks the victim's whole
  /// job list on every steal (double_ended_queue::take_tail), so with two workers a burst of
  /// 100000 spawns takes minutes (quadratic) instead of seconds; the memory is the same.
  size_t scheduler_threads = 1;
  /// actortx.saga-max-running of the memory part: sagas beyond it wait as compact entries.
  size_t max_running = 1000;
  bool durable = false;
};

struct row {
  int clients = 0;
  /// plain: the three statements in three transactions; logged: the same, each transaction
  /// with the SQL a saga step adds (its log row, actortx.saga_step_done()); saga: the saga.
  bench::phase_result plain, logged, saga;
};

std::string num(double x, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, x);
  return buf;
}

bool has(const std::vector<std::string>& v, const std::string& x) {
  for (const auto& s : v)
    if (s == x) return true;
  return false;
}

/// (Re)creates the benchmark's own database, so that truncating the saga log never touches a
/// real one; returns its DSN. Empty `name`: the given database itself.
std::string make_database(const std::string& dsn, const std::string& name) {
  if (name.empty()) return dsn;
  pqxx::connection c{dsn};
  pqxx::nontransaction w{c};
  w.exec("DROP DATABASE IF EXISTS " + w.quote_name(name));
  w.exec("CREATE DATABASE " + w.quote_name(name));
  return actortx::dsn_with(dsn, "dbname", name);
}

void drop_database(const std::string& dsn, const std::string& name) noexcept {
  if (name.empty()) return;
  try {
    pqxx::connection c{dsn};
    pqxx::nontransaction w{c};
    w.exec("DROP DATABASE IF EXISTS " + w.quote_name(name));
  } catch (const std::exception& e) {
    std::cerr << "warning: could not drop database " << name << ": " << e.what() << '\n';
  }
}

/// Fails the run if a saga of the last phase did not commit or its order row is missing.
void check_saga_invariant(const std::string& dsn) {
  pqxx::connection c{dsn};
  pqxx::nontransaction w{c};
  auto bad =
      w.exec1("SELECT count(*) FROM actortx.saga WHERE state <> 'COMMITTED'")[0].as<int64_t>();
  auto sagas = w.exec1("SELECT count(*) FROM actortx.saga")[0].as<int64_t>();
  auto orders = w.exec1("SELECT count(*) FROM bench_order")[0].as<int64_t>();
  if (bad != 0 || sagas != orders)
    throw std::runtime_error("invariant broken: " + std::to_string(bad) + " sagas not COMMITTED, " +
                             std::to_string(sagas) + " sagas vs " + std::to_string(orders) +
                             " order rows");
}

void report_phase(const char* name, const char* unit, int clients, bench::phase_result& r) {
  auto p50 = bench::percentile_us(r.latencies_ns, 0.50);
  auto p99 = bench::percentile_us(r.latencies_ns, 0.99);
  std::cerr << "  " << name << " c=" << clients << ": " << num(r.tps(), 1) << ' ' << unit
            << ", p50 " << num(p50, 0) << " us, p99 " << num(p99, 0) << " us, " << r.errors
            << " errors";
  if (r.errors > 0) std::cerr << " (first: " << r.first_error.substr(0, 200) << ")";
  std::cerr << '\n';
}

row measure(const bench_options& o, const std::string& dsn, int clients) {
  row r;
  r.clients = clients;
  bench::phase_settings s;
  s.clients = clients;
  s.warmup = std::chrono::seconds(o.warmup);
  s.measure = std::chrono::seconds(o.seconds);

  actortx::runtime_config cfg;
  cfg.dsn = dsn;
  // pool_min = pool_max: every connection is open before the clock starts; one per client is
  // all either path can use (a saga runs one step at a time).
  cfg.pool.min = static_cast<size_t>(clients);
  cfg.pool.max = static_cast<size_t>(clients);
  cfg.log_level = o.log_level;
  cfg.transactions.defaults.label = "bench.saga";
  cfg.transactions.defaults.timeout = 10s;
  cfg.sagas.node_id = "saga-bench";
  actortx::runtime rt{cfg, sb::make_registry()};
  const auto opts = rt.default_options();
  while (rt.pool_snapshot().open < cfg.pool.max) std::this_thread::sleep_for(10ms);

  sb::reset_tables(dsn);
  r.plain = bench::run_phase(s, [&](int index) -> bench::client_fn {
    auto gen = std::make_shared<sb::order_generator>(o.seed + static_cast<uint64_t>(index));
    auto seq = std::make_shared<uint64_t>(0);
    return [&rt, &opts, gen, seq, index] {
      const int64_t account = gen->account(), item = gen->item();
      // A tag as long as a saga id (36 characters), so the order rows are alike.
      char tag[48];
      std::snprintf(tag, sizeof tag, "plain-%04d-%025llu", index,
                    static_cast<unsigned long long>((*seq)++));
      auto out = rt.transact(opts, [&](actortx::tx& t) { sb::debit(t, account); });
      if (!out.committed()) throw std::runtime_error("debit: " + out.message);
      out = rt.transact(opts, [&](actortx::tx& t) { sb::reserve(t, item); });
      if (!out.committed()) throw std::runtime_error("reserve: " + out.message);
      out = rt.transact(opts, [&](actortx::tx& t) { sb::record_order(t, account, item, tag); });
      if (!out.committed()) throw std::runtime_error("record: " + out.message);
      return true;
    };
  });
  report_phase("3 plain tx", "groups/s", clients, r.plain);

  sb::reset_tables(dsn);
  r.logged = bench::run_phase(s, [&](int index) -> bench::client_fn {
    auto gen = std::make_shared<sb::order_generator>(o.seed + static_cast<uint64_t>(index));
    auto rng = std::make_shared<std::mt19937_64>(o.seed + static_cast<uint64_t>(index));
    return [&rt, &opts, gen, rng] {
      const int64_t account = gen->account(), item = gen->item();
      const auto id = actortx::make_saga_id(*rng);
      actortx::saga_context ctx{{"account", std::to_string(account)},
                                {"item", std::to_string(item)},
                                {actortx::saga_id_key, id}};
      // Each step's transaction as the saga actor sends it: the step's statement, then its log
      // row (which is also its key), writing the saga row at the end or when the context
      // changed (the last step here) and else only checking its owner.
      auto step = [&](size_t k, const char* name, const auto& fn) {
        auto o = opts;
        o.label = std::string{sb::order_saga} + "/" + name;
        actortx::saga_write w;
        w.id = id;
        w.type = sb::order_saga;
        w.state = k == 2 ? actortx::saga_state::committed : actortx::saga_state::executing;
        w.owner = rt.node_id();
        w.step = static_cast<int32_t>(k);
        w.step_name = name;
        auto out = rt.transact(o, [&](actortx::tx& t) {
          auto c = ctx;
          fn(t, c);
          w.context = &c;
          t.exec(actortx::step_done_statement(w, k == 2));
          ctx = std::move(c);
        });
        if (!out.committed()) throw std::runtime_error(std::string{name} + ": " + out.message);
      };
      step(0, "debit", [&](actortx::tx& t, actortx::saga_context&) { sb::debit(t, account); });
      step(1, "reserve", [&](actortx::tx& t, actortx::saga_context&) { sb::reserve(t, item); });
      step(2, "record", [&](actortx::tx& t, actortx::saga_context& c) {
        c.set("order", sb::record_order(t, account, item, id));
      });
      return true;
    };
  });
  report_phase("+ log SQL ", "groups/s", clients, r.logged);
  check_saga_invariant(dsn);

  sb::reset_tables(dsn);
  r.saga = bench::run_phase(s, [&](int index) -> bench::client_fn {
    auto gen = std::make_shared<sb::order_generator>(o.seed + static_cast<uint64_t>(index));
    return [&rt, gen] {
      actortx::saga_context ctx{{"account", std::to_string(gen->account())},
                                {"item", std::to_string(gen->item())}};
      auto out = rt.run_saga(sb::order_saga, std::move(ctx), 60s);
      if (!out.committed())
        throw std::runtime_error(std::string{to_string(out.state)} + ": " + out.message);
      return true;
    };
  });
  report_phase("saga      ", "sagas/s", clients, r.saga);
  check_saga_invariant(dsn);
  return r;
}

void print_throughput(std::vector<row>& rows, const bench_options& o) {
  std::cout << "\nThroughput: 3-step saga vs the same 3 steps as 3 plain transactions ("
            << o.seconds << " s per cell after a " << o.warmup
            << " s warm-up, pool = clients, READ COMMITTED)\n\n"
            << "| clients | sagas/s | plain 3-tx groups/s | ratio | saga p50 (ms) | saga p99 (ms) "
               "| plain p50 (ms) | plain p99 (ms) |\n"
            << "|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (auto& r : rows) {
    double ratio = r.plain.tps() > 0 ? r.saga.tps() / r.plain.tps() : 0;
    std::cout << "| " << r.clients << " | " << num(r.saga.tps(), 1) << " | "
              << num(r.plain.tps(), 1) << " | " << num(ratio, 3) << " | "
              << num(bench::percentile_us(r.saga.latencies_ns, 0.50) / 1000, 2) << " | "
              << num(bench::percentile_us(r.saga.latencies_ns, 0.99) / 1000, 2) << " | "
              << num(bench::percentile_us(r.plain.latencies_ns, 0.50) / 1000, 2) << " | "
              << num(bench::percentile_us(r.plain.latencies_ns, 0.99) / 1000, 2) << " |\n";
  }
  std::cout << "\nratio = sagas/s / plain groups/s (goal >= 0.8); latency per saga / per group "
               "of 3 transactions, client side.\n";

  std::cout << "\nWhere the difference goes: the same 3 transactions, each also running the SQL a "
               "saga step adds (its log row: saga_step_done()), via rt.transact\n\n"
            << "| clients | plain groups/s | + log SQL groups/s | sagas/s | plain p50 (ms) | + log "
               "SQL p50 (ms) | saga p50 (ms) |\n"
            << "|---:|---:|---:|---:|---:|---:|---:|\n";
  for (auto& r : rows) {
    std::cout << "| " << r.clients << " | " << num(r.plain.tps(), 1) << " | "
              << num(r.logged.tps(), 1) << " | " << num(r.saga.tps(), 1) << " | "
              << num(bench::percentile_us(r.plain.latencies_ns, 0.50) / 1000, 2) << " | "
              << num(bench::percentile_us(r.logged.latencies_ns, 0.50) / 1000, 2) << " | "
              << num(bench::percentile_us(r.saga.latencies_ns, 0.50) / 1000, 2) << " |\n";
  }
}

sb::memory_result run_memory(const bench_options& o, const std::string& dsn, sb::inflight_kind k) {
  std::vector<std::string> argv{bench::self_exe(),
                                "--memory-child",
                                sb::to_string(k),
                                "--sagas",
                                std::to_string(o.sagas),
                                "--memory-pool",
                                std::to_string(o.memory_pool),
                                "--hold",
                                std::to_string(o.hold),
                                "--drain-timeout",
                                std::to_string(o.drain_timeout),
                                "--long-running-ms",
                                std::to_string(o.long_running_ms),
                                "--seed",
                                std::to_string(o.seed),
                                "--scheduler-threads",
                                std::to_string(o.scheduler_threads),
                                "--max-running",
                                std::to_string(o.max_running),
                                "--log-level",
                                o.log_level};
  // The DSN goes through the environment, never the command line (it may hold a password).
  auto res = bench::run_process(argv, {{"ACTORTX_DSN", dsn}, {"ACTORTX_DSN_FILE", ""}},
                                /*capture_stderr=*/false);
  if (res.exit_code != 0)
    throw std::runtime_error(std::string{"memory child ("} + sb::to_string(k) + ") exited with " +
                             std::to_string(res.exit_code));
  return sb::parse_memory_result(res.output);
}

int run(const bench_options& o, const std::string& command) {
  actortx::set_log_level(o.log_level);
  auto db = bench::open_server(o.dsn, o.durable);  // destroyed last: the server goes at the end
  const auto dsn = make_database(db.dsn, o.database);
  std::cerr << "saga benchmark on " << actortx::dsn_target(dsn)
            << (db.embedded ? " (embedded)" : "") << "\n";
  int rc = 0;
  try {
    const auto settings = bench::server_settings(dsn);  // durability moves every figure here
    sb::create_schema(dsn);
    std::vector<row> rows;
    if (has(o.parts, "throughput"))
      for (int clients : o.clients) rows.push_back(measure(o, dsn, clients));
    std::vector<sb::memory_result> mem;
    if (has(o.parts, "memory"))
      for (auto k : {sb::inflight_kind::saga, sb::inflight_kind::tx})
        mem.push_back(run_memory(o, dsn, k));

    std::cout << "\nactortx-bench-saga, server " << actortx::dsn_target(dsn)
              << (db.embedded ? " embedded" : "") << ", " << std::thread::hardware_concurrency()
              << " cores; " << settings << "\n";
    if (!rows.empty()) print_throughput(rows, o);
    if (!mem.empty()) {
      sb::memory_settings ms;
      ms.pool = o.memory_pool;
      ms.hold_seconds = o.hold;
      ms.scheduler_threads = o.scheduler_threads;
      ms.max_running = o.max_running;
      sb::print_memory(std::cout, mem, ms);
    }
    std::cout << "\ncommand: " << command << "\n";
  } catch (...) {
    drop_database(db.dsn, o.database);
    throw;
  }
  drop_database(db.dsn, o.database);
  return rc;
}

}  // namespace

int main(int argc, char** argv) {
  bench_options o;
  CLI::App app{
      "Sagas: throughput vs plain transactions, and memory per in-flight saga, in one run"};
  app.option_defaults()->always_capture_default();
  app.add_option("--dsn", o.dsn, "libpq DSN (default: $ACTORTX_DSN, else an embedded server)");
  app.add_option("--database", o.database,
                 "database created (and dropped again) for the run; empty: use the DSN's");
  app.add_option("--seconds", o.seconds, "measured seconds per cell")->check(CLI::Range(1, 3600));
  app.add_option("--warmup", o.warmup, "warm-up seconds before each measurement")
      ->check(CLI::Range(0, 600));
  app.add_option("--clients", o.clients, "client counts, e.g. --clients 1,8")
      ->delimiter(',')
      ->check(CLI::Range(1, 1000));
  app.add_option("--parts", o.parts, "what to measure: throughput, memory")
      ->delimiter(',')
      ->check(CLI::IsMember({"throughput", "memory"}));
  app.add_option("--sagas", o.sagas, "sagas (and transactions) in flight at once for memory")
      ->check(CLI::Range(size_t{1}, size_t{10000000}));
  app.add_option("--memory-pool", o.memory_pool, "pool size for the memory part")
      ->check(CLI::Range(size_t{1}, size_t{100}));
  app.add_option("--hold", o.hold, "seconds all stay in flight before the release")
      ->check(CLI::Range(0, 3600));
  app.add_option("--drain-timeout", o.drain_timeout,
                 "seconds to wait for all to finish after the release (then exit at once)")
      ->check(CLI::Range(0, 36000));
  app.add_option("--seed", o.seed, "random seed of the clients");
  app.add_option("--log-level", o.log_level, "actortx log level");
  app.add_flag("--durable", o.durable,
               "restart the embedded cluster with fsync=on and full_page_writes=on first");
  app.add_option("--max-running", o.max_running,
                 "saga-max-running of the memory part (sagas beyond it wait as compact entries)")
      ->check(CLI::Range(size_t{1}, size_t{1000000}));
  app.add_option("--memory-child", o.memory_child, "internal: run one memory measurement")
      ->check(CLI::IsMember({"saga", "tx"}))
      ->group("");
  app.add_option("--long-running-ms", o.long_running_ms,
                 "internal: long-running threshold of the memory part")
      ->group("");
  app.add_option("--memory-threads", o.scheduler_threads,
                 "CAF worker threads of the memory part (0: one per core, slow for large N)");
  app.add_option("--scheduler-threads", o.scheduler_threads, "internal: the same, for the child")
      ->group("");
  CLI11_PARSE(app, argc, argv);
  const std::string command = bench::command_line(argc, argv);  // password redacted
  try {
    if (!o.memory_child.empty()) {
      sb::memory_settings s;
      s.kind = o.memory_child == "saga" ? sb::inflight_kind::saga : sb::inflight_kind::tx;
      s.count = o.sagas;
      s.pool = o.memory_pool;
      s.hold_seconds = o.hold;
      s.drain_timeout = o.drain_timeout;
      s.long_running = std::chrono::milliseconds(o.long_running_ms);
      s.seed = o.seed;
      s.log_level = o.log_level;
      s.scheduler_threads = o.scheduler_threads;
      s.max_running = o.max_running;
      return sb::run_memory_child(s);
    }
    return run(o, command);
  } catch (const std::exception& e) {
    std::cerr << "actortx-bench-saga: error: " << e.what() << '\n';
    return 3;
  }
}
