// The hot-spot transfer as a pgbench custom script with --max-tries, for reference.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hotspot_common.hpp"
#include "pgbench_runner.hpp"

namespace bench::hotspot {

struct pgbench_settings {
  int clients = 32;
  int threads = 2;  ///< -j (capped at clients)
  int accounts = 10;
  int max_tries = 10;
  int warmup = 2;      ///< seconds
  int measure = 20;    ///< seconds
  uint64_t seed = 42;  ///< --random-seed
};

/// pgbench's own end-of-run summary (over its whole run, warm-up included).
struct pgbench_summary {
  double tps = 0;
  int64_t processed = 0;  ///< "number of transactions actually processed"
  int64_t failed = -1;    ///< -1: not reported
  int64_t retried = -1;   ///< transactions retried at least once
  int64_t retries = -1;   ///< total number of retries
  double latency_avg_ms = 0;
  std::string command;  ///< as run, without the connection arguments
};

/// The script: random distinct accounts and an amount, then BEGIN ISOLATION LEVEL SERIALIZABLE,
/// the two UPDATEs, END.
std::string pgbench_script(int accounts);

/// Runs pgbench once for warm-up + measure + 1 s with a per-transaction log (-l) in a temp dir,
/// and counts the transactions that ended inside the same window as the actortx phases: from
/// `warmup` s after the first transaction started, for `measure` s.
result run_pgbench(const pgbench_runner& pgb, const pgbench_settings& s, pgbench_summary& summary);

/// Reads the summary lines of a pgbench 15 report (tps, processed, failed, retried, retries).
pgbench_summary parse_pgbench_summary(const std::string& output);

/// One line of pgbench's per-transaction log.
struct pgbench_log_entry {
  int64_t end_us = 0;       ///< epoch microseconds when it ended
  int64_t latency_us = -1;  ///< -1: failed
  int64_t retries = 0;
};

/// Parses "client_id transaction_no time script_no time_epoch time_us [schedule_lag] [retries]";
/// false for a line that is not such an entry.
bool parse_pgbench_log_line(const std::string& line, bool with_retries, pgbench_log_entry& out);

/// The measured-window statistics of a set of log entries (see run_pgbench).
result summarize_pgbench_log(const std::vector<pgbench_log_entry>& entries, double warmup_s,
                             double measure_s);

}  // namespace bench::hotspot
