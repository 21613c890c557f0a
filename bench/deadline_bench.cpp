// actortx-bench-deadline: how late is the answer to a transaction stuck in the database at its
// deadline, and how long does its backend stay active after it? Body and script paths (and,
// optionally, a COMMIT in flight at the deadline), idle and with background TPC-B clients,
// interleaved in rounds in one run. A benchmark, not a test: it prints what it measured.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <pqxx/pqxx>

#include <actortx/dsn.hpp>
#include <actortx/runtime.hpp>
#include <actortx/tooling/embedded_postgres.hpp>

#include "background_load.hpp"
#include "deadline_probe.hpp"
#include "deadline_report.hpp"
#include "pgbench_runner.hpp"
#include "warn_counter.hpp"

namespace {

struct bench_options {
  std::string dsn;
  int timeout_ms = 50;
  double sleep_s = 1.0;
  int rounds = 5;
  int samples = 40;
  int clients = 8;
  std::string load = "libpqxx";
  int settle_ms = 500;
  int gap_ms = 10;
  int poll_us = 200;
  bool commit = true;
  int commit_sleep_ms = 250;
  bool statement_timeout_off = false;
  int cancel_grace_ms = 20;
  int commit_grace_ms = 25;
  int scale = 1;
  uint64_t seed = 42;
  std::string pgbench;
  std::string csv;
};

std::string read_loadavg() {
  std::ifstream f{"/proc/loadavg"};
  std::string a, b, c;
  f >> a >> b >> c;
  return a + " " + b + " " + c;
}

/// The server's version and durability settings, printed beside every figure.
std::string server_settings(const std::string& dsn) {
  pqxx::connection c{dsn};
  pqxx::nontransaction w{c};
  std::string out = "PostgreSQL " + w.exec1("SHOW server_version")[0].as<std::string>();
  for (const char* name : {"fsync", "synchronous_commit", "full_page_writes", "max_connections"})
    out += std::string{", "} + name + "=" +
           w.exec_params1("SELECT current_setting($1)", name)[0].as<std::string>();
  return out;
}

struct load_block {
  double seconds = 0;
  int64_t committed = 0;
};

/// Runs one block of samples (every path in turn, `o.samples` times) under one load state.
void run_block(const bench_options& o, bench::probe_runner& probes, bench::background_load* load,
               bool loaded, int round, uint64_t& n, std::vector<bench::probe_sample>& out,
               std::vector<load_block>& blocks) {
  std::vector<bench::probe_path> paths{bench::probe_path::body, bench::probe_path::script};
  if (o.commit) paths.push_back(bench::probe_path::commit);
  if (load && loaded) {
    load->resume();
    std::this_thread::sleep_for(std::chrono::milliseconds(o.settle_ms));
  }
  const auto start = bench::steady::now();
  const int64_t committed0 = load ? load->committed() : 0;
  for (int i = 0; i < o.samples; ++i)
    for (auto path : paths) {
      auto s = probes.run(path, n++);
      s.loaded = loaded;
      s.round = round;
      if (!s.monitor_error.empty())
        throw std::runtime_error("monitor connection failed: " + s.monitor_error);
      out.push_back(std::move(s));
      std::this_thread::sleep_for(std::chrono::milliseconds(o.gap_ms));
    }
  if (load && loaded) {
    blocks.push_back({std::chrono::duration<double>(bench::steady::now() - start).count(),
                      load->committed() - committed0});
    load->pause();
  }
}

void progress(int round, const std::vector<bench::probe_sample>& samples) {
  double worst = 0;
  int n = 0;
  for (const auto& s : samples)
    if (s.round == round) {
      worst = std::max(worst, static_cast<double>(s.caller_late_ns) / 1e6);
      ++n;
    }
  std::fprintf(stderr, "  round %d: %d samples, worst caller lateness %.2f ms, load %s\n",
               round + 1, n, worst, read_loadavg().c_str());
}

void print_header(const bench_options& o, const std::string& server, bool embedded,
                  const std::vector<load_block>& blocks, const bench::background_load* load,
                  const std::string& load_before) {
  double tps_lo = 1e300, tps_hi = 0, seconds = 0;
  int64_t committed = 0;
  for (const auto& b : blocks) {
    const double tps = b.seconds > 0 ? static_cast<double>(b.committed) / b.seconds : 0;
    tps_lo = std::min(tps_lo, tps);
    tps_hi = std::max(tps_hi, tps);
    seconds += b.seconds;
    committed += b.committed;
  }
  std::cout << "\nDeadline lateness: " << o.timeout_ms << " ms deadline on SELECT pg_sleep("
            << o.sleep_s << ")"
            << (o.statement_timeout_off ? " after SET LOCAL statement_timeout = 0" : "")
            << (o.commit ? "; commit path: COMMIT's deferred trigger sleeps " +
                               std::to_string(o.commit_sleep_ms) + " ms"
                         : "")
            << "\n"
            << o.rounds << " rounds x " << o.samples
            << " samples per cell, idle and loaded blocks interleaved (order alternates)\n"
            << "runtime: cancel_grace " << o.cancel_grace_ms << " ms, commit_grace "
            << o.commit_grace_ms << " ms\n"
            << "server: " << server << (embedded ? " (embedded, throwaway)" : "") << "\n";
  if (load && !blocks.empty())
    std::cout << "background: " << o.clients << " TPC-B clients (" << o.load << "), "
              << static_cast<int64_t>(static_cast<double>(committed) / seconds)
              << " tps while loaded (blocks " << static_cast<int64_t>(tps_lo) << "–"
              << static_cast<int64_t>(tps_hi) << "), " << load->errors() << " errors"
              << (load->errors() > 0 ? " (first: " + load->first_error() + ")" : "") << "\n";
  std::cout << "load average before / after: " << load_before << " / " << read_loadavg() << "\n";
}

}  // namespace

namespace {

std::string with_connect_timeout(const std::string& dsn) {
  return actortx::parse_dsn(dsn).count("connect_timeout")
             ? dsn
             : actortx::dsn_with(dsn, "connect_timeout", "5");
}

bench::probe_settings probe_settings_of(const bench_options& o) {
  bench::probe_settings ps;
  ps.timeout = std::chrono::milliseconds(o.timeout_ms);
  ps.sleep_s = o.sleep_s;
  ps.commit_sleep = std::chrono::milliseconds(o.commit_sleep_ms);
  ps.statement_timeout_off = o.statement_timeout_off;
  ps.poll = std::chrono::microseconds(o.poll_us);
  return ps;
}

int run(const bench_options& o) {
  ::setenv("PGCONNECT_TIMEOUT", "5", 0);  // pgbench -i, and any connection without its own
  auto warnings = bench::count_runtime_warnings();
  const auto load_before = read_loadavg();
  if (o.dsn.empty() && actortx::dsn_from_environment().empty())
    std::cerr << "starting an embedded PostgreSQL\n";
  auto db = actortx::dsn_or_embedded(o.dsn);  // destroyed last: the server goes at the end
  const std::string dsn = with_connect_timeout(db.dsn);
  const auto server = server_settings(dsn);
  if (o.clients > 0) bench::pgbench_runner{o.pgbench, dsn}.init(o.scale);
  if (o.commit) bench::probe_runner::prepare_schema(dsn);

  actortx::runtime_config cfg;
  cfg.dsn = dsn;
  cfg.pool.min = cfg.pool.max = static_cast<size_t>(o.load == "actortx" ? o.clients + 2 : 2);
  cfg.log_level = "warn";
  cfg.transactions.cancel_grace = std::chrono::milliseconds(o.cancel_grace_ms);
  cfg.transactions.commit_grace = std::chrono::milliseconds(o.commit_grace_ms);
  actortx::runtime rt{cfg};
  std::optional<bench::background_load> load;  // after rt: its clients may use it
  if (o.clients > 0)
    load.emplace(o.clients, o.load == "actortx"
                                ? bench::actortx_tpcb_clients(rt, o.scale, o.seed)
                                : bench::libpqxx_tpcb_clients(dsn, o.scale, o.seed));
  bench::probe_runner probes{rt, dsn, probe_settings_of(o), warnings};
  auto* lp = load ? &*load : nullptr;

  std::vector<bench::probe_sample> samples, discarded;
  std::vector<load_block> blocks, discarded_blocks;
  uint64_t n = 0;
  bench_options warm = o;  // one sample per path and load state, discarded
  warm.samples = 1;
  for (bool loaded : {false, true})
    if (!loaded || lp) run_block(warm, probes, lp, loaded, -1, n, discarded, discarded_blocks);
  std::cerr << "measuring: " << o.rounds << " rounds\n";
  for (int round = 0; round < o.rounds; ++round) {
    const bool loaded_first = round % 2 == 1;
    for (bool loaded : {loaded_first, !loaded_first})
      if (!loaded || lp) run_block(o, probes, lp, loaded, round, n, samples, blocks);
    progress(round, samples);
  }
  print_header(o, server, db.embedded != nullptr, blocks, lp, load_before);
  bench::print_deadline_report(std::cout, samples);
  if (!o.csv.empty()) bench::write_samples_csv(o.csv, samples);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  bench_options o;
  CLI::App app{"How late is the answer to a transaction stuck in the database at its deadline"};
  app.option_defaults()->always_capture_default();
  app.add_option("--dsn", o.dsn, "libpq DSN (default: $ACTORTX_DSN, else an embedded server)");
  app.add_option("--timeout-ms", o.timeout_ms, "the transactions' deadline")
      ->check(CLI::Range(10, 10000));
  app.add_option("--sleep-s", o.sleep_s, "pg_sleep of the stuck statement (> 2 x the deadline)")
      ->check(CLI::Range(0.05, 60.0));
  app.add_option("--rounds", o.rounds, "rounds (each: an idle and a loaded block)")
      ->check(CLI::Range(1, 100));
  app.add_option("--samples", o.samples, "samples per path and load state in a round")
      ->check(CLI::Range(1, 10000));
  app.add_option("--clients", o.clients, "background TPC-B clients (0: idle only)")
      ->check(CLI::Range(0, 64));
  app.add_option("--load", o.load,
                 "background clients: own libpqxx connections, or actortx "
                 "transactions through the measured runtime")
      ->check(CLI::IsMember({"libpqxx", "actortx"}));
  app.add_option("--settle-ms", o.settle_ms, "after switching the load on")
      ->check(CLI::Range(0, 10000));
  app.add_option("--gap-ms", o.gap_ms, "pause between samples")->check(CLI::Range(0, 10000));
  app.add_option("--poll-us", o.poll_us, "pg_stat_activity poll interval after the deadline")
      ->check(CLI::Range(0, 100000));
  app.add_flag("--commit,!--no-commit", o.commit,
               "also measure a COMMIT in flight at the deadline");
  app.add_option("--commit-sleep-ms", o.commit_sleep_ms, "how long COMMIT's trigger sleeps")
      ->check(CLI::Range(10, 60000));
  app.add_flag("--statement-timeout-off", o.statement_timeout_off,
               "SET LOCAL statement_timeout = 0 first: only the runtime's cancel stops it");
  app.add_option("--cancel-grace-ms", o.cancel_grace_ms,
                 "runtime_config::transactions.cancel_grace")
      ->check(CLI::Range(1, 10000));
  app.add_option("--commit-grace-ms", o.commit_grace_ms,
                 "runtime_config::transactions.commit_grace")
      ->check(CLI::Range(0, 1000));
  app.add_option("--scale", o.scale, "pgbench scale factor")->check(CLI::Range(1, 1000));
  app.add_option("--seed", o.seed, "random seed of the background clients");
  app.add_option("--pgbench", o.pgbench, "path of pgbench (default: auto-detect)");
  app.add_option("--csv", o.csv, "also write every sample to this CSV file");
  CLI11_PARSE(app, argc, argv);
  if (o.sleep_s * 1000 < 2.0 * o.timeout_ms) {
    std::cerr << "actortx-bench-deadline: --sleep-s must be at least twice the deadline\n";
    return 2;
  }
  if (o.commit && o.commit_sleep_ms < o.timeout_ms + o.commit_grace_ms + 50) {
    std::cerr << "actortx-bench-deadline: --commit-sleep-ms must outlast the deadline + "
                 "commit_grace + 50 ms\n";
    return 2;
  }
  try {
    return run(o);
  } catch (const std::exception& e) {
    std::cerr << "actortx-bench-deadline: error: " << e.what() << '\n';
    return 3;
  }
}
