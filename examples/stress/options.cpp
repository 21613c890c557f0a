#include "options.hpp"

#include <filesystem>
#include <iostream>
#include <limits>
#include <random>
#include <sstream>

#include <CLI/CLI.hpp>

#include "runtime/embedded_postgres.hpp"
#include "runtime/runtime_config.hpp"

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

/// A usage error in the documented form "--option: value is invalid: why".
struct usage_error {
  std::string text;
};

template <class T>
std::string text_of(const T& value) {
  std::ostringstream os;
  os << value;
  return os.str();
}

template <class T>
void require_at_least(const char* option, T value, T min) {
  if (value < min)
    throw usage_error{std::string{option} + ": " + text_of(value) +
                      " is invalid: must be at least " + text_of(min)};
}

constexpr int max_concurrency = 4096;
constexpr int max_nodes = 16;  // processes on one machine, each with its own pool

bool known_log_level(const std::string& s) {
  for (auto name : {"trace", "debug", "info", "warn", "error", "critical", "off"})
    if (s == name) return true;
  return false;
}

/// What the command line said about workload and faults, before validation.
struct raw_choices {
  std::string workload;  ///< empty: not given
  std::string faults;    ///< empty: not given
  bool fault_interval_given = false;
  bool hot_accounts_given = false;
};

std::optional<workload_kind> parse_workload(const std::string& text) {
  for (auto w :
       {workload_kind::transfer, workload_kind::hotspot, workload_kind::saga, workload_kind::mixed})
    if (text == to_string(w)) return w;
  return std::nullopt;
}

void validate_workload_and_faults(options& o, const raw_choices& raw) {
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
    throw usage_error{"--hot-accounts: " + text_of(o.hot_accounts) +
                      " is invalid without --workload hotspot"};
  if (o.workload == workload_kind::hotspot && (o.hot_accounts < 2 || o.hot_accounts > o.accounts))
    throw usage_error{"--hot-accounts: " + text_of(o.hot_accounts) +
                      " is invalid: must be from 2 to --accounts (" + text_of(o.accounts) + ")"};

  if (!raw.faults.empty()) {
    std::string bad;
    auto req = parse_fault_request(raw.faults, bad);
    if (!req)
      throw usage_error{"--faults: " + raw.faults + " is invalid: '" + bad +
                        "' is not a fault kind; use all, none, or a comma-separated list of "
                        "terminate, cancel, lock, restart, proxy, kill-node"};
    o.faults = *req;
  }
  if (o.nodes < 0 || o.nodes > max_nodes)
    throw usage_error{"--nodes: " + text_of(o.nodes) + " is invalid: must be from 0 to " +
                      text_of(max_nodes)};
  // Sagas with nodes: every step runs on a worker, and each database needs one.
  if (o.saga && o.nodes == 1)
    throw usage_error{"--nodes: 1 is invalid with --workload " +
                      std::string{to_string(o.workload)} +
                      ": sagas need a worker on each of the two databases (use 2 or more)"};
  if (o.plain_tcp && o.nodes == 0)
    throw usage_error{"--plain-tcp is invalid without --nodes: only nodes talk to each other"};
  for (auto k : o.faults.kinds)
    if (k == fault_kind::kill_node && o.nodes == 0)
      throw usage_error{"--faults: " + raw.faults +
                        " is invalid: kill-node needs worker nodes (--nodes N)"};
  if (o.faults.any()) {
    if (!o.duration_s)
      throw usage_error{"--faults: " + raw.faults +
                        " is invalid without --duration: the fault schedule spans the run's "
                        "length"};
    if (!o.dsn_b.empty())
      throw usage_error{"--dsn-b: " + o.dsn_b +
                        " is invalid with --faults: faults need databases of the run's own "
                        "(created for it), so that they hit only this run's connections"};
  }
  if (raw.fault_interval_given && !o.faults.any())
    throw usage_error{"--fault-interval: " + text_of(o.fault_interval_s) +
                      " is invalid without --faults"};
  if (!(o.fault_interval_s >= 0.1))  // also refuses NaN
    throw usage_error{"--fault-interval: " + text_of(o.fault_interval_s) +
                      " is invalid: must be at least 0.1 seconds"};
}

void validate(options& o, const std::string& isolation_text, int64_t timeout_ms,
              std::optional<int> dashboard_port, const raw_choices& raw) {
  require_at_least("--accounts", o.accounts, 2);  // a transfer needs two distinct accounts
  require_at_least<int64_t>("--initial-balance", o.initial_balance, 0);
  require_at_least<int64_t>("--transfers", o.transfers, 1);
  if (o.duration_s && !(*o.duration_s > 0))
    throw usage_error{"--duration: " + text_of(*o.duration_s) + " is invalid: must be above 0"};
  require_at_least("--concurrency", o.concurrency, 1);
  if (o.concurrency > max_concurrency)  // one client thread each
    throw usage_error{"--concurrency: " + text_of(o.concurrency) + " is invalid: must be at most " +
                      text_of(max_concurrency)};
  require_at_least<int64_t>("--timeout", timeout_ms, 1);
  require_at_least("--pool", o.pool, 1);
  // The invariant compares against accounts * initial_balance: it must fit in a bigint.
  if (o.initial_balance > std::numeric_limits<int64_t>::max() / o.accounts)
    throw usage_error{"--initial-balance: " + text_of(o.initial_balance) +
                      " is invalid: accounts * initial balance overflows a bigint"};
  if (!actortx::parse_isolation(isolation_text, o.level))
    throw usage_error{"--isolation: " + isolation_text +
                      " is invalid: use read_committed, repeatable_read or serializable"};
  if (!known_log_level(o.log_level))
    throw usage_error{"--log-level: " + o.log_level +
                      " is invalid: use trace, debug, info, warn, error, critical or off"};
  if (!(o.saga_fail_rate >= 0 && o.saga_fail_rate <= 1))  // also refuses NaN
    throw usage_error{"--saga-fail-rate: " + text_of(o.saga_fail_rate) +
                      " is invalid: must be between 0 and 1"};
  validate_workload_and_faults(o, raw);
  // --saga: two databases of `accounts` accounts each.
  if (o.saga && o.initial_balance > std::numeric_limits<int64_t>::max() / 2 / o.accounts)
    throw usage_error{"--initial-balance: " + text_of(o.initial_balance) +
                      " is invalid: 2 * accounts * initial balance overflows a bigint"};
  if (!o.dsn_b.empty() && !o.saga)
    throw usage_error{"--dsn-b: " + o.dsn_b +
                      " is invalid without --workload saga or mixed: only sagas use a second "
                      "database"};
  if (dashboard_port && (*dashboard_port < 0 || *dashboard_port > 65535))
    throw usage_error{"--dashboard: " + text_of(*dashboard_port) +
                      " is invalid: must be a port number from 0 (any free port) to 65535"};
  if (dashboard_port) o.dashboard = static_cast<uint16_t>(*dashboard_port);
  // The runtime's failure-rate window (60 s) must span at least one trend point.
  if (o.trend_bucket_s < 1 || o.trend_bucket_s > 60)
    throw usage_error{"--trend-bucket: " + text_of(o.trend_bucket_s) +
                      " is invalid: must be from 1 to 60 seconds"};
  if (!o.report.empty()) {
    auto dir = std::filesystem::path{o.report}.parent_path();
    std::error_code ec;
    if (!dir.empty() && !std::filesystem::is_directory(dir, ec))
      throw usage_error{"--report: " + o.report + " is invalid: there is no directory " +
                        dir.string()};
  }
  o.timeout = std::chrono::milliseconds{timeout_ms};
}

}  // namespace

std::optional<options> parse_options(int argc, char** argv, int& exit) {
  options o;
  std::string isolation_text = "read_committed";
  int64_t timeout_ms = o.timeout.count();
  double duration = 0;
  std::optional<uint64_t> seed;
  std::optional<int> dashboard_port;
  raw_choices raw;

  CLI::App app{
      "actortx-stress: random bank transfers through the actortx runtime (--workload transfer or "
      "hotspot; saga or mixed: sagas across two databases), optionally under injected faults "
      "(--faults), then checks that no money was created or lost, every saga ended COMMITTED or "
      "COMPENSATED with no step applied twice, and no transaction outlived its deadline by more "
      "than 50 ms.\nExit codes: 0 invariants OK, 1 an invariant violated, 2 bad usage, 3 startup "
      "failure."};
  app.option_defaults()->always_capture_default();
  app.add_option("--dsn", o.dsn,
                 "libpq DSN (default: $ACTORTX_DSN or the file in $ACTORTX_DSN_FILE; if none, "
                 "an embedded PostgreSQL is started for the run)");
  app.add_option("--accounts", o.accounts, "number of accounts");
  app.add_option("--initial-balance", o.initial_balance, "starting balance of each account");
  app.add_option("--transfers", o.transfers, "total transfers to run");
  auto* dur =
      app.add_option("--duration", duration, "seconds to run; when given, replaces --transfers");
  dur->default_str("");  // no default: unset means "use --transfers"
  app.add_option("--concurrency", o.concurrency, "transactions in flight");
  app.add_option("--isolation", isolation_text, "read_committed | repeatable_read | serializable");
  app.add_option("--timeout", timeout_ms, "deadline per transaction in ms (retries included)");
  app.add_option("--pool", o.pool, "maximum pool connections");
  app.add_option("--seed", seed, "random seed (default: random, printed in the report)");
  app.add_flag("--allow-negative", o.allow_negative,
               "let transfers overdraw (else they are skipped and no balance may go negative)");
  app.add_flag("--corrupt-balance-for-test", o.corrupt_balance_for_test,
               "after the run, add 1 to one balance behind the runtime's back, so the "
               "invariant check must fail (for tests)");
  app.add_option("--log-level", o.log_level, "trace, debug, info, warn, error, critical, off");
  app.add_flag("--saga", o.saga,
               "= --workload saga: every transfer a saga across two databases (debit on one, "
               "credit on the other, compensated when the credit fails)");
  app.add_option("--dsn-b", o.dsn_b,
                 "saga, mixed: DSN of the second database (default: a database created next to "
                 "--dsn's for the run, and dropped after it)");
  app.add_option("--saga-fail-rate", o.saga_fail_rate,
                 "saga, mixed: fraction of sagas sent to a frozen account, whose credit fails so "
                 "that the debit is compensated");

  auto* workload =
      app.add_option("--workload", raw.workload,
                     "transfer (random accounts), hotspot (most transfers on --hot-accounts "
                     "accounts), saga (= --saga), mixed (local transfers on both databases and "
                     "sagas between them)");
  workload->default_str("transfer");
  auto* hot = app.add_option("--hot-accounts", o.hot_accounts,
                             "--workload hotspot: accounts 1..N take 90% of the transfer ends");
  auto* faults = app.add_option(
      "--faults", raw.faults,
      "inject faults during the run (needs --duration): all, or a comma-separated list of "
      "terminate (pg_terminate_backend), cancel (pg_cancel_backend), lock (a burst of row "
      "locks on a few accounts), restart (PostgreSQL; only an embedded one the harness "
      "started), proxy (cut a runtime's connections in its TCP fault proxy), kill-node "
      "(--nodes); the schedule follows from --seed");
  faults->default_str("none");
  auto* interval = app.add_option("--fault-interval", o.fault_interval_s,
                                  "--faults: mean seconds between two faults");
  app.add_option("--nodes", o.nodes,
                 "run the transactions on N worker node processes on 127.0.0.1 (this process "
                 "coordinates: transfers as procedure calls round-robin, saga steps on workers of "
                 "each database; TLS with certificates made for the run); adds the fault kind "
                 "kill-node (kill -9 a worker, restart it under the same node id)");
  app.add_flag("--plain-tcp", o.plain_tcp,
               "--nodes: plain TCP on loopback between the nodes instead of TLS");

  app.add_option("--dashboard", dashboard_port,
                 "serve the runtime's live dashboard (and /metrics) on 127.0.0.1:PORT during the "
                 "run, 0 = any free port; the URL is printed (--saga: runtime A's)");
  app.add_option("--report", o.report,
                 "write a self-contained HTML report of the run to this file at the end "
                 "(configuration, invariant result, throughput and latency over time, failures "
                 "by SQLSTATE, alerts, health)");
  app.add_option("--trend-bucket", o.trend_bucket_s,
                 "seconds per point of the dashboard's and the report's time charts (1 suits "
                 "runs of a few seconds)");

  try {
    app.parse(argc, argv);
    if (dur->count() > 0) o.duration_s = duration;
    raw.hot_accounts_given = hot->count() > 0;
    raw.fault_interval_given = interval->count() > 0;
    if (workload->count() == 0) raw.workload.clear();
    if (faults->count() == 0) raw.faults.clear();
    validate(o, isolation_text, timeout_ms, dashboard_port, raw);
  } catch (const CLI::CallForHelp& e) {
    exit = app.exit(e);
    return std::nullopt;
  } catch (const CLI::ParseError& e) {
    // CLI11's own messages already name the option (e.g. "--accounts: Value x not an integer").
    std::cerr << "actortx-stress: " << e.what() << "\nRun with --help for more information.\n";
    exit = exit_usage;
    return std::nullopt;
  } catch (const usage_error& e) {
    std::cerr << "actortx-stress: " << e.text << '\n';
    exit = exit_usage;
    return std::nullopt;
  }
  if (o.dsn.empty()) o.dsn = actortx::dsn_from_environment();
  o.seed = seed ? *seed : std::random_device{}();
  exit = exit_ok;
  return o;
}

}  // namespace stress
