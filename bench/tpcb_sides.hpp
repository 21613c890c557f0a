// The sides of actortx-bench-tpcb: one TPC-B transaction, six ways of sending it. Each side
// runs alone (nothing else in the process or in pgbench meanwhile), so the CPU it used can be
// read from getrusage and divided by its transactions.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace bench {

class pgbench_runner;

enum class side { raw, raw_prepared, body, script, pgbench, pgbench_pipeline };

/// Every side, in the order a round runs them.
const std::vector<side>& all_sides();
/// The --sides spelling: raw, raw-prepared, body, script, pgbench, pgbench-pipeline.
const char* side_name(side s);
/// The table's wording, e.g. "raw libpqxx prepared".
const char* side_label(side s);
/// Parses --sides names; throws std::invalid_argument naming an unknown one.
std::vector<side> parse_sides(const std::vector<std::string>& names);

/// One side's measurement in one round. Latency percentiles are NaN where the side does not
/// measure them (pgbench reports only its average without a per-transaction log).
struct side_sample {
  double tps = 0;
  double avg_us = 0;
  double p50_us = std::numeric_limits<double>::quiet_NaN();
  double p99_us = std::numeric_limits<double>::quiet_NaN();
  double cpu_us_per_tx = 0;    ///< client CPU (user + system) per committed transaction
  double switches_per_tx = 0;  ///< client context switches per committed transaction
  int64_t transactions = 0;
  int64_t errors = 0;
  std::string first_error;
};

struct side_setup {
  std::string dsn;
  int scale = 1;
  int warmup = 1;   ///< seconds
  int seconds = 3;  ///< measured seconds
  uint64_t seed = 42;
  std::string log_level = "warn";
  const pgbench_runner* pgbench = nullptr;
  std::string pipeline_script;  ///< path of the \startpipeline script (pipeline_script_file)
};

/// Runs `s` with `clients` clients: tables reset as pgbench resets them, warm-up, window.
side_sample run_side(side s, const side_setup& setup, int clients, int round);

/// pgbench's TPC-B with \startpipeline / \endpipeline around BEGIN … END, in a temp file
/// deleted again by the destructor.
class pipeline_script_file {
 public:
  pipeline_script_file();
  ~pipeline_script_file();
  pipeline_script_file(const pipeline_script_file&) = delete;
  pipeline_script_file& operator=(const pipeline_script_file&) = delete;
  const std::string& path() const noexcept { return path_; }

 private:
  std::string path_;
};

}  // namespace bench
