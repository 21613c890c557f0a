// actortx-bench-tpcb: TPC-B through raw libpqxx, through actortx, and pgbench -M prepared,
// for several client counts in one run against one server, so the ratios are comparable.
// A benchmark, not a test: it prints what it measured and never judges it.
#include <cstdio>
#include <iostream>
#include <memory>
#include <sstream>
#include <vector>

#include <CLI/CLI.hpp>
#include <pqxx/pqxx>

#include "actortx_tpcb.hpp"
#include "latency.hpp"
#include "pgbench_runner.hpp"
#include "raw_libpqxx.hpp"
#include "runtime/dsn.hpp"
#include "runtime/embedded_postgres.hpp"
#include "runtime/log.hpp"

namespace {

struct bench_options {
  std::string dsn;
  int seconds = 10;
  int warmup = 2;
  int scale = 1;
  std::vector<int> clients{1, 8};
  std::string pgbench;
  uint64_t seed = 42;
  std::string log_level = "warn";
};

struct row {
  int clients = 0;
  bench::phase_result raw, atx;
  bench::pgbench_result pgb;
};

/// What pgbench does before each run (unless -n): every path starts from the same table state.
void reset_tables(const std::string& dsn) {
  pqxx::connection c{dsn};
  pqxx::nontransaction w{c};
  w.exec("VACUUM pgbench_branches");
  w.exec("VACUUM pgbench_tellers");
  w.exec("TRUNCATE pgbench_history");
}

std::string num(double x, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, x);
  return buf;
}

void report_phase(const char* name, int clients, bench::phase_result& r) {
  auto p50 = bench::percentile_us(r.latencies_ns, 0.50);
  auto p99 = bench::percentile_us(r.latencies_ns, 0.99);
  std::cerr << "  " << name << " c=" << clients << ": " << num(r.tps(), 1) << " tps, p50 "
            << num(p50, 0) << " us, p99 " << num(p99, 0) << " us, " << r.errors << " errors";
  if (r.errors > 0) std::cerr << " (first: " << r.first_error.substr(0, 200) << ")";
  std::cerr << '\n';
}

row measure(const bench_options& o, const std::string& dsn, const bench::pgbench_runner& pgb,
            int clients) {
  row r;
  r.clients = clients;
  bench::phase_settings s;
  s.clients = clients;
  s.warmup = std::chrono::seconds(o.warmup);
  s.measure = std::chrono::seconds(o.seconds);

  reset_tables(dsn);
  r.raw = bench::run_raw_libpqxx(dsn, o.scale, s, o.seed);
  report_phase("raw libpqxx", clients, r.raw);

  reset_tables(dsn);
  r.atx = bench::run_actortx(dsn, o.scale, s, o.seed, o.log_level);
  report_phase("actortx    ", clients, r.atx);

  if (o.warmup > 0) pgb.run(clients, o.warmup);  // warm-up, discarded
  r.pgb = pgb.run(clients, o.seconds);
  std::cerr << "  pgbench     c=" << clients << ": " << num(r.pgb.tps, 1) << " tps, latency avg "
            << num(r.pgb.latency_avg_ms * 1000, 0) << " us\n";
  return r;
}

void print_table(std::vector<row>& rows) {
  std::cout
      << "| clients | raw libpqxx TPS | actortx TPS | ratio | added p50 (µs) | added p99 (µs) "
         "| pgbench -M prepared TPS |\n"
      << "|---:|---:|---:|---:|---:|---:|---:|\n";
  for (auto& r : rows) {
    double ratio = r.raw.tps() > 0 ? r.atx.tps() / r.raw.tps() : 0;
    double added_p50 = bench::percentile_us(r.atx.latencies_ns, 0.50) -
                       bench::percentile_us(r.raw.latencies_ns, 0.50);
    double added_p99 = bench::percentile_us(r.atx.latencies_ns, 0.99) -
                       bench::percentile_us(r.raw.latencies_ns, 0.99);
    std::cout << "| " << r.clients << " | " << num(r.raw.tps(), 1) << " | " << num(r.atx.tps(), 1)
              << " | " << num(ratio, 3) << " | " << num(added_p50, 0) << " | " << num(added_p99, 0)
              << " | " << num(r.pgb.tps, 1) << " |\n";
  }
}

int run(const bench_options& o) {
  actortx::set_log_level(o.log_level);
  if (o.dsn.empty() && actortx::dsn_from_environment().empty())
    std::cerr << "starting an embedded PostgreSQL\n";
  auto db = actortx::dsn_or_embedded(o.dsn);  // destroyed last: the server goes at the end
  const std::string& dsn = db.dsn;
  bench::pgbench_runner pgb{o.pgbench, dsn};
  std::cerr << "pgbench -i -s " << o.scale << " on " << actortx::dsn_target(dsn) << " ("
            << pgb.binary() << ")\n";
  pgb.init(o.scale);

  std::vector<row> rows;
  for (int clients : o.clients) rows.push_back(measure(o, dsn, pgb, clients));

  std::cout << "\nTPC-B (scale " << o.scale << ", " << o.seconds << " s per cell after a "
            << o.warmup << " s warm-up, READ COMMITTED, server " << actortx::dsn_target(dsn)
            << (db.embedded ? " embedded" : "") << ")\n\n";
  print_table(rows);
  std::cout << "\nratio = actortx TPS / raw libpqxx TPS; added pXX = actortx pXX - raw pXX, "
               "client-side latency per transaction.\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  bench_options o;
  CLI::App app{"TPC-B: raw libpqxx vs actortx vs pgbench -M prepared, measured in one run"};
  app.option_defaults()->always_capture_default();
  app.add_option("--dsn", o.dsn, "libpq DSN (default: $ACTORTX_DSN, else an embedded server)");
  app.add_option("--seconds", o.seconds, "measured seconds per cell")->check(CLI::Range(1, 3600));
  app.add_option("--warmup", o.warmup, "warm-up seconds before each measurement")
      ->check(CLI::Range(0, 600));
  app.add_option("--scale", o.scale, "pgbench scale factor")->check(CLI::Range(1, 10000));
  app.add_option("--clients", o.clients, "client counts, e.g. --clients 1,8")
      ->delimiter(',')
      ->check(CLI::Range(1, 1000));
  app.add_option("--pgbench", o.pgbench, "path of pgbench (default: auto-detect)");
  app.add_option("--seed", o.seed, "random seed of the C++ clients");
  app.add_option("--log-level", o.log_level, "actortx log level");
  CLI11_PARSE(app, argc, argv);
  try {
    return run(o);
  } catch (const std::exception& e) {
    std::string what = e.what();
    std::cerr << "actortx-bench-tpcb: error: " << what << '\n';
    return 3;
  }
}
