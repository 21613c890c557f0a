// actortx-bench-metrics: what the metrics cost. TPC-B through actortx with metrics off and on,
// interleaved in one run against one server (off, on, off, on, ...) so drift of the machine
// hits both sides alike. A benchmark, not a test: it prints what it measured.
#include <cstdio>
#include <iostream>
#include <vector>

#include <CLI/CLI.hpp>
#include <pqxx/pqxx>

#include <actortx/dsn.hpp>
#include <actortx/log.hpp>
#include <actortx/tooling/embedded_postgres.hpp>

#include "actortx_tpcb.hpp"
#include "latency.hpp"
#include "pgbench_runner.hpp"

namespace {

struct bench_options {
  std::string dsn;
  int seconds = 10;
  int warmup = 2;
  int rounds = 3;
  int scale = 1;
  std::vector<int> clients{1, 8};
  std::string pgbench;
  uint64_t seed = 42;
};

std::string num(double x, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, x);
  return buf;
}

void reset_tables(const std::string& dsn) {
  pqxx::connection c{dsn};
  pqxx::nontransaction w{c};
  w.exec("VACUUM pgbench_branches");
  w.exec("VACUUM pgbench_tellers");
  w.exec("TRUNCATE pgbench_history");
}

struct totals {
  uint64_t committed = 0;
  double seconds = 0;
  std::vector<int64_t> latencies_ns;
  double tps() const { return seconds > 0 ? static_cast<double>(committed) / seconds : 0; }
};

void add(totals& t, bench::phase_result& r) {
  t.committed += static_cast<uint64_t>(r.transactions);
  t.seconds += r.seconds;
  t.latencies_ns.insert(t.latencies_ns.end(), r.latencies_ns.begin(), r.latencies_ns.end());
}

int run(const bench_options& o) {
  actortx::set_log_level("warn");
  auto db = actortx::dsn_or_embedded(o.dsn);
  const std::string& dsn = db.dsn;
  bench::pgbench_runner pgb{o.pgbench, dsn};
  pgb.init(o.scale);
  std::cout << "| clients | metrics off TPS | metrics on TPS | difference | p50 off / on (µs) "
               "| p99 off / on (µs) |\n|---:|---:|---:|---:|---:|---:|\n";
  for (int clients : o.clients) {
    bench::phase_settings s;
    s.clients = clients;
    s.warmup = std::chrono::seconds(o.warmup);
    s.measure = std::chrono::seconds(o.seconds);
    totals off, on;
    for (int round = 0; round < o.rounds; ++round) {
      for (bool metrics : {false, true}) {
        reset_tables(dsn);
        auto r = bench::run_actortx(dsn, o.scale, s, o.seed + static_cast<uint64_t>(round), "warn",
                                    metrics);
        std::cerr << "  c=" << clients << " round " << round + 1 << " metrics "
                  << (metrics ? "on " : "off") << ": " << num(r.tps(), 1) << " tps, " << r.errors
                  << " errors\n";
        add(metrics ? on : off, r);
      }
    }
    const double diff = off.tps() > 0 ? (on.tps() - off.tps()) / off.tps() * 100 : 0;
    std::cout << "| " << clients << " | " << num(off.tps(), 1) << " | " << num(on.tps(), 1) << " | "
              << (diff >= 0 ? "+" : "") << num(diff, 2) << " % | "
              << num(bench::percentile_us(off.latencies_ns, 0.5), 0) << " / "
              << num(bench::percentile_us(on.latencies_ns, 0.5), 0) << " | "
              << num(bench::percentile_us(off.latencies_ns, 0.99), 0) << " / "
              << num(bench::percentile_us(on.latencies_ns, 0.99), 0) << " |\n";
  }
  std::cout << "\nTPC-B scale " << o.scale << ", " << o.rounds << " interleaved rounds of "
            << o.seconds << " s per side and client count, server " << actortx::dsn_target(dsn)
            << (db.embedded ? " (embedded)" : "") << ".\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  bench_options o;
  CLI::App app{"TPC-B through actortx with metrics off vs on, interleaved in one run"};
  app.option_defaults()->always_capture_default();
  app.add_option("--dsn", o.dsn, "libpq DSN (default: $ACTORTX_DSN, else an embedded server)");
  app.add_option("--seconds", o.seconds, "measured seconds per cell")->check(CLI::Range(1, 3600));
  app.add_option("--warmup", o.warmup, "warm-up seconds per cell")->check(CLI::Range(0, 600));
  app.add_option("--rounds", o.rounds, "off/on pairs per client count")->check(CLI::Range(1, 100));
  app.add_option("--scale", o.scale, "pgbench scale factor")->check(CLI::Range(1, 10000));
  app.add_option("--clients", o.clients, "client counts, e.g. --clients 1,8")
      ->delimiter(',')
      ->check(CLI::Range(1, 1000));
  app.add_option("--pgbench", o.pgbench, "path of pgbench (default: auto-detect)");
  CLI11_PARSE(app, argc, argv);
  try {
    return run(o);
  } catch (const std::exception& e) {
    std::cerr << "actortx-bench-metrics: error: " << e.what() << '\n';
    return 3;
  }
}
