#include "options_validate.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <limits>

#include <actortx/dsn.hpp>
#include <actortx/runtime_config.hpp>
#include <actortx/tooling/embedded_postgres.hpp>

namespace stress {

const char* to_string(workload_kind w) noexcept {
  switch (w) {
    case workload_kind::transfer:
      return "transfer";
    case workload_kind::hotspot:
      return "hotspot";
    case workload_kind::saga:
      return "saga";
    case workload_kind::mixed:
      return "mixed";
  }
  return "?";
}

namespace {

bool known_log_level(const std::string& s) {
  for (auto name : {"trace", "debug", "info", "warn", "error", "critical", "off"})
    if (s == name) return true;
  return false;
}

std::optional<workload_kind> parse_workload(const std::string& text) {
  for (auto w :
       {workload_kind::transfer, workload_kind::hotspot, workload_kind::saga, workload_kind::mixed})
    if (text == to_string(w)) return w;
  return std::nullopt;
}

bool names_kind(const options& o, fault_kind k) {
  return std::find(o.faults.kinds.begin(), o.faults.kinds.end(), k) != o.faults.kinds.end();
}

void validate_workload(options& o, const raw_choices& raw) {
  if (!raw.workload.empty()) {
    auto w = parse_workload(raw.workload);
    if (!w)
      throw usage_error{"--workload: " + raw.workload +
                        " is invalid: use transfer, hotspot, saga or mixed"};
    if (o.saga && *w != workload_kind::saga)
      throw usage_error{"--saga: cannot be combined with --workload " + raw.workload +
                        " (--saga is --workload saga)"};
    o.workload = *w;
  } else if (o.saga) {
    o.workload = workload_kind::saga;
  }
  o.saga = o.workload == workload_kind::saga || o.workload == workload_kind::mixed;
  if (raw.hot_accounts_given && o.workload != workload_kind::hotspot)
    throw usage_error{"--hot-accounts: " + text_of(int64_t{o.hot_accounts}) +
                      " is invalid without --workload hotspot"};
  if (o.workload == workload_kind::hotspot)
    require_range("--hot-accounts", o.hot_accounts, 2, o.accounts,
                  ("(--accounts is " + std::to_string(o.accounts) + ")").c_str());
  require_range("--nodes", o.nodes, 0, range::nodes_max);
  // Sagas with nodes: every step runs on a worker, and each database needs one.
  if (o.saga && o.nodes == 1)
    throw usage_error{"--nodes: 1 is invalid with --workload " +
                      std::string{to_string(o.workload)} +
                      ": sagas need a worker on each of the two databases (use 2 or more)"};
  if (o.plain_tcp && o.nodes == 0)
    throw usage_error{"--plain-tcp is invalid without --nodes: only nodes talk to each other"};
}

void validate_faults(options& o, const raw_choices& raw) {
  if (!raw.faults.empty()) {
    std::string bad;
    auto req = parse_fault_request(raw.faults, bad);
    if (!req)
      throw usage_error{"--faults: " + raw.faults + " is invalid: '" + bad +
                        "' is not a fault kind; use all, none, or a comma-separated list of "
                        "terminate, cancel, lock, restart, crash, proxy, kill-node"};
    o.faults = *req;
  }
  if (names_kind(o, fault_kind::kill_node) && o.nodes == 0)
    throw usage_error{"--faults: " + raw.faults +
                      " is invalid: kill-node needs worker nodes (--nodes N)"};
  if (o.faults.any()) {
    if (!o.duration_s)
      throw usage_error{"--faults: " + raw.faults +
                        " is invalid without --duration: the fault schedule spans the run's "
                        "length"};
    if (!o.dsn_b.empty())
      throw usage_error{"--dsn-b: " + actortx::redact_dsn(o.dsn_b) +
                        " is invalid with --faults: faults need databases of the run's own "
                        "(created for it), so that they hit only this run's connections"};
  }
  if (raw.fault_interval_given && !o.faults.any())
    throw usage_error{"--fault-interval: " + text_of(o.fault_interval_s) +
                      " is invalid without --faults"};
  require_real_range("--fault-interval", o.fault_interval_s, range::fault_interval_min_s,
                     range::fault_interval_max_s, "seconds");
}

void validate_numbers(options& o, const raw_choices& raw) {
  require_range("--accounts", o.accounts, 2, range::accounts_max);  // a transfer needs two
  require_range("--initial-balance", o.initial_balance, 0, range::initial_balance_max);
  require_range("--transfers", o.transfers, 1, range::transfers_max);
  if (raw.duration) {
    require_real_range("--duration", *raw.duration, 0, range::duration_max_s, "seconds", true);
    o.duration_s = *raw.duration;
  }
  require_range("--concurrency", o.concurrency, 1, range::concurrency_max);
  require_range("--timeout", raw.timeout_ms, 1, range::timeout_max_ms, "ms");
  o.timeout = std::chrono::milliseconds{raw.timeout_ms};
  require_range("--pool", o.pool, 1, range::pool_max);
  require_real_range("--saga-fail-rate", o.saga_fail_rate, 0.0, 1.0, "");
  if (raw.dashboard_port) {
    require_range("--dashboard", *raw.dashboard_port, 0, 65535, "(0: any free port)");
    o.dashboard = static_cast<uint16_t>(*raw.dashboard_port);
  }
  // The runtime's failure-rate window (60 s) must span at least one trend point.
  require_range("--trend-bucket", o.trend_bucket_s, 1, range::trend_bucket_max_s, "seconds");
}

}  // namespace

uint64_t parse_seed(const std::string& text) {
  const bool digits = !text.empty() && text.size() <= 20 &&
                      text.find_first_not_of("0123456789") == std::string::npos;
  errno = 0;
  const auto value = digits ? std::strtoull(text.c_str(), nullptr, 10) : 0;
  if (!digits || errno == ERANGE)
    throw usage_error{"--seed: " + text + " is invalid: must be from 0 to " +
                      std::to_string(std::numeric_limits<uint64_t>::max())};
  return value;
}

void validate(options& o, const raw_choices& raw) {
  validate_numbers(o, raw);
  if (raw.seed) o.seed = parse_seed(*raw.seed);
  if (!actortx::parse_isolation(raw.isolation, o.level))
    throw usage_error{"--isolation: " + raw.isolation +
                      " is invalid: use read_committed, repeatable_read or serializable"};
  if (!known_log_level(o.log_level))
    throw usage_error{"--log-level: " + o.log_level +
                      " is invalid: use trace, debug, info, warn, error, critical or off"};
  validate_workload(o, raw);
  validate_faults(o, raw);
  // The invariant compares against accounts * initial balance (twice that with sagas).
  const int64_t databases = o.saga ? 2 : 1;
  if (o.initial_balance > std::numeric_limits<int64_t>::max() / databases / o.accounts)
    throw usage_error{"--initial-balance: " + text_of(o.initial_balance) + " is invalid: " +
                      (o.saga ? "2 * " : "") + "accounts * initial balance overflows a bigint"};
  if (!o.dsn_b.empty() && !o.saga)
    throw usage_error{"--dsn-b: " + actortx::redact_dsn(o.dsn_b) +
                      " is invalid without --workload saga or mixed: only sagas use a second "
                      "database"};
  if (!o.report.empty()) {
    auto dir = std::filesystem::path{o.report}.parent_path();
    std::error_code ec;
    if (!dir.empty() && !std::filesystem::is_directory(dir, ec))
      throw usage_error{"--report: " + o.report + " is invalid: there is no directory " +
                        dir.string()};
  }
}

void validate_against_dsn(const options& o, const raw_choices& raw) {
  if (names_kind(o, fault_kind::crash) &&
      actortx::choose_postgres_source(o.dsn) != actortx::postgres_source::embedded)
    throw usage_error{"--faults: " + raw.faults +
                      " is invalid with a DSN (--dsn, $ACTORTX_DSN, $ACTORTX_DSN_FILE or PGHOST "
                      "and the like): crash "
                      "kills PostgreSQL with kill -9, so only the embedded server the harness "
                      "starts itself (no DSN) may be crashed"};
}

}  // namespace stress
