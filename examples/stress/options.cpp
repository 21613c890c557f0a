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

bool known_log_level(const std::string& s) {
  for (auto name : {"trace", "debug", "info", "warn", "error", "critical", "off"})
    if (s == name) return true;
  return false;
}

void validate(options& o, const std::string& isolation_text, int64_t timeout_ms,
              std::optional<int> dashboard_port) {
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
  // --saga: two databases of `accounts` accounts each.
  if (o.saga && o.initial_balance > std::numeric_limits<int64_t>::max() / 2 / o.accounts)
    throw usage_error{"--initial-balance: " + text_of(o.initial_balance) +
                      " is invalid: 2 * accounts * initial balance overflows a bigint"};
  if (!o.dsn_b.empty() && !o.saga)
    throw usage_error{"--dsn-b: " + o.dsn_b +
                      " is invalid without --saga: only sagas use a second database"};
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

  CLI::App app{
      "actortx-stress: random bank transfers through the actortx runtime (or, with --saga, as "
      "sagas across two databases), then checks that no money was created or lost.\nExit codes: 0 "
      "invariant OK, 1 invariant violated, 2 bad "
      "usage, 3 startup failure."};
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
               "run every transfer as a saga across two databases (debit on one, credit on the "
               "other, compensated when the credit fails); checks money, saga states and that "
               "no step was applied twice");
  app.add_option("--dsn-b", o.dsn_b,
                 "--saga: DSN of the second database (default: a database created next to "
                 "--dsn's for the run, and dropped after it)");
  app.add_option("--saga-fail-rate", o.saga_fail_rate,
                 "--saga: fraction of transfers sent to a frozen account, whose credit fails so "
                 "that the debit is compensated");

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
    validate(o, isolation_text, timeout_ms, dashboard_port);
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
