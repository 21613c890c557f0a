// Command line of actortx-stress: parsing with CLI11 and validation with clear messages.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include <actortx/tx_options.hpp>

#include "fault_kind.hpp"

namespace stress {

/// --workload: what the clients send.
enum class workload_kind {
  transfer,  ///< transfers between uniformly random accounts, one database
  hotspot,   ///< transfers concentrated on --hot-accounts accounts, one database
  saga,      ///< transfer sagas across databases A and B (= --saga)
  mixed,     ///< local transfers on A and on B, and sagas between them
};

const char* to_string(workload_kind w) noexcept;

struct options {
  std::string dsn;  ///< empty: start an embedded PostgreSQL
  int accounts = 100;
  int64_t initial_balance = 1000;
  int64_t transfers = 10000;
  std::optional<double> duration_s;  ///< when set, run for this long instead of a count
  int concurrency = 16;
  actortx::isolation level = actortx::isolation::read_committed;
  std::chrono::milliseconds timeout{5000};
  int pool = 8;
  uint64_t seed = 0;
  bool allow_negative = false;
  bool corrupt_balance_for_test = false;
  /// After the run, one recorded outcome is changed: the accounting check must fail.
  bool misreport_outcome_for_test = false;
  std::string log_level = "error";  // failures are summed up in the report instead
  workload_kind workload = workload_kind::transfer;
  /// Two databases, sagas between them (saga_run.hpp): --workload saga or mixed (or --saga).
  bool saga = false;
  /// --workload mixed: the share of the clients' requests that are local transfers.
  double mixed_transfer_share = 0.7;
  /// --workload hotspot: accounts 1..hot_accounts take most transfers.
  int hot_accounts = 4;
  /// --faults: the kinds to inject ("all": every kind this run can).
  fault_request faults;
  /// --fault-interval: mean seconds between two faults.
  double fault_interval_s = 2.0;
  /// --nodes N: N worker node processes on 127.0.0.1 run the transactions and saga steps; this
  /// process coordinates (0: everything in this process).
  int nodes = 0;
  /// --plain-tcp: the nodes talk unencrypted TCP on loopback instead of TLS with certificates
  /// the harness makes for the run.
  bool plain_tcp = false;
  std::string dsn_b;            ///< --saga: database B; empty: one created next to --dsn
  double saga_fail_rate = 0.1;  ///< --saga: fraction of transfers to a frozen account
  /// --dashboard PORT: the runtime's live dashboard on 127.0.0.1 (0: any free port).
  std::optional<uint16_t> dashboard;
  /// --report FILE: a self-contained HTML report of the run, written at the end.
  std::string report;
  /// Seconds per point of the dashboard's and the report's time charts.
  int trend_bucket_s = 10;
};

/// Exit codes of the program, documented in --help; 128 + the signal's number when SIGINT or
/// SIGTERM stopped it before the checks could end (stop_signal.hpp).
enum exit_code : int { exit_ok = 0, exit_violated = 1, exit_usage = 2, exit_startup = 3 };

/// Parses and validates argv (ranges: option_ranges.hpp), then takes the DSN from the
/// environment when --dsn is not given. On --help prints the help and returns exit_ok in
/// `exit`; on a bad value, or a missing, empty or unreadable $ACTORTX_DSN_FILE, prints one
/// clear line naming the option (or file) and value and returns exit_usage.
/// Returns the options when the program should run.
std::optional<options> parse_options(int argc, char** argv, int& exit);

}  // namespace stress
