#include "tpcb_sides.hpp"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <numeric>
#include <stdexcept>

#include <pqxx/pqxx>

#include "actortx_tpcb.hpp"
#include "latency.hpp"
#include "pgbench_runner.hpp"
#include "raw_libpqxx.hpp"

namespace bench {

namespace {

struct side_info {
  side s;
  const char* name;
  const char* label;
};

const side_info infos[] = {
    {side::raw, "raw", "raw libpqxx exec_params"},
    {side::raw_prepared, "raw-prepared", "raw libpqxx prepared"},
    {side::body, "body", "actortx body"},
    {side::script, "script", "actortx script"},
    {side::pgbench, "pgbench", "pgbench -M prepared"},
    {side::pgbench_pipeline, "pgbench-pipeline", "pgbench -M prepared, pipeline"},
};

const side_info& info(side s) {
  for (const auto& i : infos)
    if (i.s == s) return i;
  throw std::logic_error("unknown side");
}

/// What pgbench does before each run (unless -n): every side starts from the same table state.
void reset_tables(const std::string& dsn) {
  pqxx::connection c{dsn};
  pqxx::nontransaction w{c};
  w.exec("VACUUM pgbench_branches");
  w.exec("VACUUM pgbench_tellers");
  w.exec("TRUNCATE pgbench_history");
}

side_sample from_phase(phase_result& r) {
  side_sample out;
  out.tps = r.tps();
  out.transactions = r.transactions;
  out.errors = r.errors;
  out.first_error = r.first_error;
  if (!r.latencies_ns.empty()) {
    double sum = std::accumulate(r.latencies_ns.begin(), r.latencies_ns.end(), 0.0);
    out.avg_us = sum / static_cast<double>(r.latencies_ns.size()) / 1000.0;
    out.p50_us = percentile_us(r.latencies_ns, 0.50);
    out.p99_us = percentile_us(r.latencies_ns, 0.99);
  }
  if (r.transactions > 0) {
    out.cpu_us_per_tx = r.cpu_us / static_cast<double>(r.transactions);
    out.switches_per_tx =
        static_cast<double>(r.context_switches) / static_cast<double>(r.transactions);
  }
  return out;
}

side_sample from_pgbench(const pgbench_result& r) {
  side_sample out;
  out.tps = r.tps;
  out.avg_us = r.latency_avg_ms * 1000.0;
  out.transactions = r.transactions;
  out.errors = r.failed;
  if (r.transactions > 0) {
    // Its whole run, connecting included: a few ms against thousands of transactions.
    out.cpu_us_per_tx = r.cpu_us / static_cast<double>(r.transactions);
    out.switches_per_tx =
        static_cast<double>(r.context_switches) / static_cast<double>(r.transactions);
  }
  return out;
}

side_sample run_pgbench(const side_setup& setup, int clients, bool pipeline) {
  std::vector<std::string> extra;
  if (pipeline) extra = {"-f", setup.pipeline_script, "-s", std::to_string(setup.scale)};
  if (setup.warmup > 0) setup.pgbench->run(clients, setup.warmup, extra);  // discarded
  return from_pgbench(setup.pgbench->run(clients, setup.seconds, extra));
}

}  // namespace

const std::vector<side>& all_sides() {
  static const std::vector<side> all{side::raw,    side::raw_prepared, side::body,
                                     side::script, side::pgbench,      side::pgbench_pipeline};
  return all;
}

const char* side_name(side s) {
  return info(s).name;
}
const char* side_label(side s) {
  return info(s).label;
}

std::vector<side> parse_sides(const std::vector<std::string>& names) {
  std::vector<side> out;
  for (const auto& n : names) {
    bool found = false;
    for (const auto& i : infos)
      if (n == i.name) {
        out.push_back(i.s);
        found = true;
      }
    if (!found)
      throw std::invalid_argument("unknown side \"" + n +
                                  "\" (raw, raw-prepared, body, script, pgbench, "
                                  "pgbench-pipeline)");
  }
  return out;
}

side_sample run_side(side s, const side_setup& setup, int clients, int round) {
  if (s == side::pgbench || s == side::pgbench_pipeline)
    return run_pgbench(setup, clients, s == side::pgbench_pipeline);
  phase_settings ps;
  ps.clients = clients;
  ps.warmup = std::chrono::seconds(setup.warmup);
  ps.measure = std::chrono::seconds(setup.seconds);
  // Other random draws each round; the same ones for every side of a round.
  const uint64_t seed = setup.seed + 1000 * static_cast<uint64_t>(round);
  reset_tables(setup.dsn);
  phase_result r;
  switch (s) {
    case side::raw:
      r = run_raw_libpqxx(setup.dsn, setup.scale, ps, seed);
      break;
    case side::raw_prepared:
      r = run_raw_libpqxx_prepared(setup.dsn, setup.scale, ps, seed);
      break;
    case side::body:
      r = run_actortx(setup.dsn, setup.scale, ps, seed, setup.log_level);
      break;
    case side::script:
      r = run_actortx_script(setup.dsn, setup.scale, ps, seed, setup.log_level);
      break;
    default:
      break;
  }
  return from_phase(r);
}

pipeline_script_file::pipeline_script_file() {
  // pgbench's built-in tpcb-like script, with the transaction sent as one pipeline.
  static const char script[] =
      "\\set aid random(1, 100000 * :scale)\n"
      "\\set bid random(1, 1 * :scale)\n"
      "\\set tid random(1, 10 * :scale)\n"
      "\\set delta random(-5000, 5000)\n"
      "\\startpipeline\n"
      "BEGIN;\n"
      "UPDATE pgbench_accounts SET abalance = abalance + :delta WHERE aid = :aid;\n"
      "SELECT abalance FROM pgbench_accounts WHERE aid = :aid;\n"
      "UPDATE pgbench_tellers SET tbalance = tbalance + :delta WHERE tid = :tid;\n"
      "UPDATE pgbench_branches SET bbalance = bbalance + :delta WHERE bid = :bid;\n"
      "INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) "
      "VALUES (:tid, :bid, :aid, :delta, CURRENT_TIMESTAMP);\n"
      "END;\n"
      "\\endpipeline\n";
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string{tmp && *tmp ? tmp : "/tmp"} + "/tpcb-pipeline-XXXXXX";
  int fd = ::mkstemp(pattern.data());
  if (fd < 0) throw std::runtime_error(std::string{"mkstemp: "} + std::strerror(errno));
  path_ = pattern;
  bool ok = ::write(fd, script, sizeof script - 1) == static_cast<ssize_t>(sizeof script - 1);
  ::fchmod(fd, 0644);  // pgbench may run as another user than the one that wrote it
  ::close(fd);
  if (!ok) {
    ::unlink(path_.c_str());
    throw std::runtime_error("cannot write " + path_);
  }
}

pipeline_script_file::~pipeline_script_file() {
  ::unlink(path_.c_str());
}

}  // namespace bench
