// actortx-bench-tpcb: one TPC-B transaction sent six ways — raw libpqxx (exec_params and
// prepared), actortx (a body and a script), pgbench -M prepared with and without a pipeline —
// in interleaved rounds (every side once per round, then again), for several client counts in
// one run against one server, so that the ratios compare like with like.
// A benchmark, not a test: it prints what it measured and never judges it.
#include <cmath>
#include <cstdio>
#include <iostream>
#include <limits>
#include <vector>

#include <CLI/CLI.hpp>

#include <actortx/dsn.hpp>
#include <actortx/log.hpp>
#include <actortx/tooling/embedded_postgres.hpp>

#include "command_line.hpp"
#include "pg_server.hpp"
#include "pgbench_runner.hpp"
#include "tpcb_report.hpp"
#include "tpcb_sides.hpp"

namespace {

struct bench_options {
  std::string dsn;
  bool durable = false;
  int seconds = 5;
  int warmup = 1;
  int rounds = 3;
  int scale = 1;
  std::vector<int> clients{1, 8};
  std::vector<std::string> sides;
  std::string pgbench;
  uint64_t seed = 42;
  std::string log_level = "warn";
};

std::string num(double x, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, x);
  return buf;
}

/// A side that could not run at all (e.g. the runtime did not start): NaN everywhere, so the
/// medians and ratios leave it out, and one error in the table.
bench::side_sample failed_sample(const std::string& why) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  bench::side_sample s;
  s.tps = s.avg_us = s.cpu_us_per_tx = s.switches_per_tx = nan;
  s.errors = 1;
  s.first_error = why;
  return s;
}

void progress(bench::side s, int clients, int round, const bench::side_sample& x) {
  std::cerr << "  c=" << clients << " round " << round + 1 << " " << bench::side_label(s) << ": "
            << num(x.tps, 1) << " tps, "
            << (std::isnan(x.p50_us) ? "avg " + num(x.avg_us, 0) : "p50 " + num(x.p50_us, 0))
            << " us, " << num(x.cpu_us_per_tx, 0) << " us CPU/tx, " << num(x.switches_per_tx, 1)
            << " cs/tx, " << x.errors << " errors";
  if (x.errors > 0) std::cerr << " (first: " << x.first_error.substr(0, 200) << ")";
  std::cerr << " [load " << bench::load_average() << "]\n";
}

bench::tpcb_results measure(const bench_options& o, const bench::side_setup& setup,
                            const std::vector<bench::side>& sides) {
  bench::tpcb_results results;
  for (int clients : o.clients) {
    for (int round = 0; round < o.rounds; ++round) {
      for (bench::side s : sides) {
        bench::side_sample x;
        try {
          x = bench::run_side(s, setup, clients, round);
        } catch (const std::exception& e) {
          x = failed_sample(e.what());
        }
        progress(s, clients, round, x);
        results[clients][s].push_back(std::move(x));
      }
    }
  }
  return results;
}

void print_report(const bench_options& o, const std::string& command, const std::string& target,
                  const std::string& settings, const std::string& load_before,
                  bench::tpcb_results& results) {
  std::cout << "\nTPC-B, scale " << o.scale << ", " << o.rounds << " interleaved rounds of "
            << o.seconds << " s per side after a " << o.warmup << " s warm-up, READ COMMITTED\n"
            << "server: " << target << "; " << settings << "\n"
            << "load average before / after: " << load_before << " / " << bench::load_average()
            << "\ncommand: " << command << "\n\n";
  bench::print_sides_table(std::cout, results);
  std::cout << "\nEach cell: median over rounds (min–max). Client CPU = user + system CPU of the "
               "client process (getrusage of this process over the measured window for the C++ "
               "sides, of the pgbench child over its whole run) per committed transaction; the "
               "server's CPU is not in it. pgbench measures no percentiles without a "
               "per-transaction log.\n\n";
  bench::print_goals_table(std::cout, results);
  std::cout << "\nRatios and differences are taken within each round, then the median (min–max) "
               "over rounds.\n";
}

int run(const bench_options& o, const std::string& command) {
  actortx::set_log_level(o.log_level);
  auto sides = o.sides.empty() ? bench::all_sides() : bench::parse_sides(o.sides);
  auto db = bench::open_server(o.dsn, o.durable);  // destroyed last: the server goes at the end
  const std::string& dsn = db.dsn;
  const auto settings = bench::server_settings(dsn);
  const auto target = actortx::dsn_target(dsn) + (db.embedded ? " (embedded)" : "");
  std::cerr << settings << "\n";
  bench::pgbench_runner pgb{o.pgbench, dsn};
  std::cerr << "pgbench -i -s " << o.scale << " on " << target << " (" << pgb.binary() << ")\n";
  pgb.init(o.scale);
  bench::pipeline_script_file pipeline;
  bench::side_setup setup;
  setup.dsn = dsn;
  setup.scale = o.scale;
  setup.warmup = o.warmup;
  setup.seconds = o.seconds;
  setup.seed = o.seed;
  setup.log_level = o.log_level;
  setup.pgbench = &pgb;
  setup.pipeline_script = pipeline.path();
  const auto load_before = bench::load_average();
  auto results = measure(o, setup, sides);
  print_report(o, command, target, settings, load_before, results);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  bench_options o;
  CLI::App app{
      "TPC-B six ways (raw libpqxx, prepared, actortx body and script, pgbench with and "
      "without a pipeline), interleaved rounds in one run"};
  app.option_defaults()->always_capture_default();
  app.add_option("--dsn", o.dsn, "libpq DSN (default: $ACTORTX_DSN, else an embedded server)");
  app.add_flag("--durable", o.durable,
               "restart the embedded server with fsync=on and full_page_writes=on first");
  app.add_option("--seconds", o.seconds, "measured seconds per side and round")
      ->check(CLI::Range(1, 3600));
  app.add_option("--warmup", o.warmup, "warm-up seconds before each measurement")
      ->check(CLI::Range(0, 600));
  app.add_option("--rounds", o.rounds, "interleaved rounds (every side once per round)")
      ->check(CLI::Range(1, 100));
  app.add_option("--scale", o.scale, "pgbench scale factor")->check(CLI::Range(1, 10000));
  app.add_option("--clients", o.clients, "client counts, e.g. --clients 1,8")
      ->delimiter(',')
      ->check(CLI::Range(1, 1000));
  app.add_option("--sides", o.sides,
                 "sides to run, e.g. --sides raw-prepared,body (default: all of raw, "
                 "raw-prepared, body, script, pgbench, pgbench-pipeline)")
      ->delimiter(',');
  app.add_option("--pgbench", o.pgbench, "path of pgbench (default: auto-detect)");
  app.add_option("--seed", o.seed, "random seed of the C++ clients");
  app.add_option("--log-level", o.log_level, "actortx log level");
  CLI11_PARSE(app, argc, argv);
  const std::string command = bench::command_line(argc, argv);  // password redacted
  try {
    return run(o, command);
  } catch (const std::exception& e) {
    std::cerr << "actortx-bench-tpcb: error: " << e.what() << '\n';
    return 3;
  }
}
