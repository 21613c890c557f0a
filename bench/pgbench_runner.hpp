// pgbench as the reference point: initialises the TPC-B tables and runs its prepared mode.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "subprocess.hpp"

namespace bench {

struct pgbench_result {
  double tps = 0;
  double latency_avg_ms = 0;
  int64_t transactions = 0;  ///< "number of transactions actually processed"
  int64_t failed = 0;        ///< "number of failed transactions" (0 if not printed)
  /// pgbench's own CPU (all its threads, user + system) and context switches over its whole
  /// run, connecting included (see process_result); set by run(), not by the parser.
  double cpu_us = 0;
  int64_t context_switches = 0;
};

class pgbench_runner {
 public:
  /// `binary`: path of pgbench; empty = /usr/lib/postgresql/15/bin/pgbench, else the newest
  /// /usr/lib/postgresql/*/bin/pgbench, else PATH. Connection parameters come from `dsn`.
  pgbench_runner(std::string binary, const std::string& dsn);

  const std::string& binary() const noexcept { return binary_; }

  /// pgbench -i -s scale (drops and recreates the pgbench_* tables).
  void init(int scale) const;
  /// pgbench -M prepared -c N -j N -T seconds [extra...] (e.g. -f script -s scale); throws
  /// with pgbench's output on failure.
  pgbench_result run(int clients, int seconds, const std::vector<std::string>& extra = {}) const;
  /// pgbench with `args` followed by the connection arguments (custom scripts and options);
  /// returns its output, throws with it on a non-zero exit.
  std::string run_args(std::vector<std::string> args) const;

 private:
  std::vector<std::string> command(std::vector<std::string> args) const;
  std::string run_checked(std::vector<std::string> args) const;
  process_result run_checked_process(std::vector<std::string> args) const;

  std::string binary_;
  std::vector<std::string> conn_args_;                    ///< -h host -p port -U user ... dbname
  std::vector<std::pair<std::string, std::string>> env_;  ///< PGPASSWORD etc., never argv
};

/// Reads "tps = <x> (...)", "latency average = <y> ms" and the transaction counts from
/// pgbench's report.
pgbench_result parse_pgbench_output(const std::string& output);

}  // namespace bench
