#include "options.hpp"

#include <iostream>
#include <random>

#include <CLI/CLI.hpp>

#include <actortx/tooling/embedded_postgres.hpp>

#include "options_validate.hpp"

namespace stress {

namespace {

/// The flags of what runs: database, accounts, length, load, deadlines.
void add_run_options(CLI::App& app, options& o, raw_choices& raw) {
  app.add_option("--dsn", o.dsn,
                 "libpq DSN (default: $ACTORTX_DSN or the file in $ACTORTX_DSN_FILE, which must "
                 "then be readable and not empty; else libpq's environment if PGHOST, "
                 "PGHOSTADDR, PGPORT, PGDATABASE, PGUSER or PGSERVICE is set; else an embedded "
                 "PostgreSQL is started for the run)");
  app.add_option("--accounts", o.accounts, "number of accounts, 2 to 10000000");
  app.add_option("--initial-balance", o.initial_balance,
                 "starting balance of each account, 0 to 1e15");
  app.add_option("--transfers", o.transfers, "total transfers to run, 1 to 100000000");
  app.add_option("--duration", raw.duration,
                 "seconds to run, above 0 and at most 86400; when given, replaces --transfers");
  app.add_option("--concurrency", o.concurrency, "transactions in flight, 1 to 4096");
  app.add_option("--isolation", raw.isolation, "read_committed | repeatable_read | serializable");
  app.add_option("--timeout", raw.timeout_ms,
                 "deadline per transaction in ms (retries included), 1 to 600000");
  app.add_option("--pool", o.pool,
                 "pool connections per runtime, 1 to 1000, and all runtimes of the run (workers "
                 "included) together within the server's max_connections less its reserved "
                 "slots");
  app.add_option("--seed", raw.seed,
                 "random seed, 0 to 18446744073709551615 (default: random, printed in the "
                 "report)");
  app.add_flag("--allow-negative", o.allow_negative,
               "let transfers overdraw (else they are skipped and no balance may go negative)");
  app.add_option("--log-level", o.log_level, "trace, debug, info, warn, error, critical, off");
}

/// The flags of the sagas, workloads, nodes and faults.
void add_workload_options(CLI::App& app, options& o, raw_choices& raw, CLI::Option*& hot,
                          CLI::Option*& interval) {
  app.add_flag("--saga", o.saga,
               "= --workload saga: every transfer a saga across two databases (debit on one, "
               "credit on the other, compensated when the credit fails)");
  app.add_option("--dsn-b", o.dsn_b,
                 "saga, mixed: DSN of the second database (default: a database created next to "
                 "--dsn's for the run, and dropped after it)");
  app.add_option("--saga-fail-rate", o.saga_fail_rate,
                 "saga, mixed: fraction (0 to 1) of sagas sent to a frozen account, whose credit "
                 "fails so that the debit is compensated");
  app.add_option("--workload", raw.workload,
                 "transfer (random accounts), hotspot (most transfers on --hot-accounts "
                 "accounts), saga (= --saga), mixed (local transfers on both databases and "
                 "sagas between them)")
      ->default_str("transfer");
  hot = app.add_option("--hot-accounts", o.hot_accounts,
                       "--workload hotspot: accounts 1..N take 90% of the transfer ends, 2 to "
                       "--accounts");
  app.add_option("--faults", raw.faults,
                 "inject faults during the run (needs --duration): all, or a comma-separated "
                 "list of terminate (pg_terminate_backend), cancel (pg_cancel_backend), lock (a "
                 "burst of row locks on a few accounts), restart (pg_ctl restart), crash (kill "
                 "-9 of the postmaster and its backends, then crash recovery; restart and crash "
                 "only on the embedded server the harness started), proxy (cut a runtime's "
                 "connections in its TCP fault proxy), kill-node (--nodes); the schedule follows "
                 "from --seed")
      ->default_str("none");
  interval = app.add_option("--fault-interval", o.fault_interval_s,
                            "--faults: mean seconds between two faults, 0.1 to 3600");
  app.add_option("--nodes", o.nodes,
                 "run the transactions on N (0 to 16) worker node processes on 127.0.0.1 (this "
                 "process coordinates: transfers as procedure calls round-robin, saga steps on "
                 "workers of each database; TLS with certificates made for the run); adds the "
                 "fault kind kill-node (kill -9 a worker, restart it under the same node id)");
  app.add_flag("--plain-tcp", o.plain_tcp,
               "--nodes: plain TCP on loopback between the nodes instead of TLS");
}

/// The flags of what the run shows, and the test hooks.
void add_output_options(CLI::App& app, options& o, raw_choices& raw) {
  app.add_option("--dashboard", raw.dashboard_port,
                 "serve the runtime's live dashboard (and /metrics) on 127.0.0.1:PORT during the "
                 "run, 0 = any free port; the URL is printed (--saga: runtime A's)");
  app.add_option("--report", o.report,
                 "write a self-contained HTML report of the run to this file at the end "
                 "(configuration, invariant result, throughput and latency over time, failures "
                 "by SQLSTATE, alerts, health)");
  app.add_option("--trend-bucket", o.trend_bucket_s,
                 "seconds per point of the dashboard's and the report's time charts, 1 to 60 (1 "
                 "suits runs of a few seconds)");
  app.add_flag("--corrupt-balance-for-test", o.corrupt_balance_for_test,
               "after the run, add 1 to one balance behind the runtime's back, so the "
               "invariant check must fail (for tests)");
  app.add_flag("--misreport-outcome-for-test", o.misreport_outcome_for_test,
               "after the run, change one recorded outcome (a COMMITTED transfer as TIMEOUT; "
               "--workload saga: one saga's), so the accounting check must fail (for tests)");
}

int usage_failure(const std::string& text) {
  std::cerr << "actortx-stress: " << text << '\n';
  return exit_usage;
}

}  // namespace

std::optional<options> parse_options(int argc, char** argv, int& exit) {
  options o;
  raw_choices raw;
  CLI::App app{
      "actortx-stress: random bank transfers through the actortx runtime (--workload transfer or "
      "hotspot; saga or mixed: sagas across two databases), optionally under injected faults "
      "(--faults), then checks that no money was created or lost, every transfer's answered "
      "outcome matches the ledger, every saga ended COMMITTED or COMPENSATED with no step "
      "applied twice, and no transaction outlived its deadline by more than 50 ms.\nExit codes: "
      "0 invariants OK, 1 an invariant violated (or nothing committed), 2 bad usage, 3 startup "
      "failure, 130/143 stopped by SIGINT/SIGTERM before the checks could end."};
  app.option_defaults()->always_capture_default();
  CLI::Option *hot = nullptr, *interval = nullptr;
  add_run_options(app, o, raw);
  add_workload_options(app, o, raw, hot, interval);
  add_output_options(app, o, raw);
  exit = exit_usage;
  try {
    app.parse(argc, argv);
    raw.hot_accounts_given = hot->count() > 0;
    raw.fault_interval_given = interval->count() > 0;
    validate(o, raw);
    if (o.dsn.empty()) o.dsn = actortx::dsn_from_environment();  // a bad DSN file throws
    validate_against_dsn(o, raw);
  } catch (const CLI::CallForHelp& e) {
    exit = app.exit(e);
    return std::nullopt;
  } catch (const CLI::ParseError& e) {
    // CLI11's own messages already name the option (e.g. "--accounts: Value x not an integer").
    exit = usage_failure(std::string{e.what()} + "\nRun with --help for more information.");
    return std::nullopt;
  } catch (const usage_error& e) {
    exit = usage_failure(e.text);
    return std::nullopt;
  } catch (const std::exception& e) {  // $ACTORTX_DSN_FILE missing, empty or unreadable
    exit = usage_failure(std::string{"error: "} + e.what());
    return std::nullopt;
  }
  if (!raw.seed) o.seed = std::random_device{}();
  exit = exit_ok;
  return o;
}

}  // namespace stress
