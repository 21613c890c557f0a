#include "saga_run.hpp"

#include <iostream>
#include <optional>
#include <thread>

#include <caf/actor_system.hpp>

#include "bank_schema.hpp"
#include "dashboard_url.hpp"
#include "html_run_report.hpp"
#include "progress.hpp"
#include "report.hpp"
#include "run_sagas.hpp"
#include "runtime/dsn.hpp"
#include "runtime/embedded_postgres.hpp"
#include "runtime/log.hpp"
#include "runtime/runtime.hpp"
#include "saga_invariants.hpp"
#include "saga_tables.hpp"
#include "saga_workload.hpp"
#include "scratch_database.hpp"
#include "settings.hpp"
#include "stop_signal.hpp"
#include "transfer_saga.hpp"

using namespace std::chrono_literals;

namespace stress {

namespace {

/// How long the callers wait for a saga's outcome; past it they count "no outcome" and the
/// saga goes on (the check below waits for it). Compensations retry for up to ~40 s.
std::chrono::milliseconds saga_timeout(const options& o) {
  return std::max<std::chrono::milliseconds>(120s, 4 * o.timeout);
}

/// Waits until the log shows none of the run's sagas unfinished (a caller that stopped
/// waiting left its saga running), at most `limit`. Returns how many are still unfinished.
int64_t wait_for_sagas(const std::string& dsn_a, const std::string& run,
                       std::chrono::milliseconds limit) {
  auto end = std::chrono::steady_clock::now() + limit;
  for (;;) {
    auto left = unfinished_sagas(dsn_a, run);
    if (left == 0 || std::chrono::steady_clock::now() >= end) return left;
    std::this_thread::sleep_for(100ms);
  }
}

}  // namespace

int run_saga_mode(const options& o) {
  actortx::set_log_level(o.log_level);
  // Declared first so they are destroyed last: schemas, runtimes and checks need the servers.
  if (o.dsn.empty()) std::cout << "no DSN given: starting an embedded PostgreSQL for this run\n";
  auto db = actortx::dsn_or_embedded(o.dsn);
  check_reachable(db.dsn);
  if (!o.dsn_b.empty()) check_reachable(o.dsn_b);
  const int frozen = o.accounts + 1;
  bank_schema schema_a{db.dsn, o.accounts, o.initial_balance};  // dropped on every exit
  // Database B: the one given, or one of our own next to A (its name is the run's).
  std::optional<scratch_database> scratch;
  if (o.dsn_b.empty()) scratch.emplace(db.dsn, schema_a.name() + "_b");
  const std::string dsn_b = scratch ? scratch->dsn() : o.dsn_b;
  bank_schema schema_b{dsn_b, o.accounts, o.initial_balance};
  add_saga_tables(schema_a, frozen);
  add_saga_tables(schema_b, frozen);
  const std::string& run = schema_a.name();  // unique per run: saga ids and types carry it

  saga_workload_settings ws;
  ws.accounts = o.accounts;
  ws.concurrency = o.concurrency;
  ws.transfers = o.transfers;
  if (o.duration_s) ws.duration = std::chrono::duration<double>{*o.duration_s};
  ws.fail_rate = o.saga_fail_rate;
  ws.seed = o.seed;
  ws.run = run;
  ws.saga_timeout = saga_timeout(o);

  saga_workload_result result;
  saga_report report;
  actortx::run_summary html_run;      // --report: filled while the runtimes are up
  actortx::metrics_report html_data;  // and A's metrics, taken before it stops
  int64_t left = 0;
  {
    // One actor system for both runtimes: A's sagas send steps to B's supervisor, and CAF 0.17
    // cannot reply across actor systems. Declared before the runtimes, so it goes last; A
    // (which sends work to B) is declared after B, so it stops first.
    actortx::caf_config caf_cfg;
    caf::actor_system sys{caf_cfg};
    // The dashboard (--dashboard) is A's: it drives the sagas.
    auto settings_b = runtime_settings(o, schema_b.runtime_dsn());
    settings_b.dashboard_enabled = false;
    actortx::runtime rt_b{sys, settings_b};
    actortx::saga_registry sagas;
    ws.types =
        define_transfer_sagas(sagas, run, rt_b.supervisor(), transfer_options(o), o.allow_negative);
    actortx::runtime rt_a{sys, runtime_settings(o, schema_a.runtime_dsn()), std::move(sagas)};
    std::cout << "running sagas on " << actortx::dsn_target(db.dsn) << " and "
              << actortx::dsn_target(dsn_b) << ", schema " << run << ", seed " << o.seed << '\n';
    print_dashboard_url(std::cout, rt_a);

    saga_workload workload{rt_a, ws};
    progress bar{workload.live(), o.transfers, ws.duration};
    bar.start();
    result = workload.run();
    bar.stop();
    // Sagas whose callers stopped waiting are still being driven: let them finish.
    left = wait_for_sagas(db.dsn, run, ws.saga_timeout);

    report.opts = &o;
    report.target = actortx::dsn_target(db.dsn) + (db.embedded ? " (embedded)" : "");
    report.target_b = actortx::dsn_target(dsn_b) + (scratch ? " (created for the run)" : "");
    report.schema = run;
    report.live = &workload.live();
    report.result = &result;
    report.latency = summarize(result.tally.latencies_us);
    report.stop_signal = stop_signal();
    print_saga_report(std::cout, report);
    if (!o.report.empty()) {
      html_run = saga_summary(report);
      html_data = final_metrics(rt_a, 0);  // saga records and A's steps: no count to wait for
    }
  }  // runtimes stopped here: nothing of ours touches the data any more
  if (left > 0) std::cout << left << " saga(s) still unfinished when the runtimes stopped\n";

  if (o.corrupt_balance_for_test) {
    schema_a.corrupt_one_balance();
    std::cout << "corrupted: added 1 to the balance of account 1 in A outside the runtime\n";
  }
  saga_data data{schema_a.dsn(), run, schema_b.dsn(), schema_b.name(), run};
  saga_log_summary log;
  auto inv =
      check_saga_invariants(data, o.accounts, o.initial_balance, o.allow_negative, result, log);
  print_saga_log(std::cout, log);
  print_invariant(std::cout, inv);
  bool report_written = true;
  if (!o.report.empty()) {
    add_saga_invariants(html_run, o, log, inv);
    report_written = write_html_report(o.report, html_run, html_data);
  }
  if (inv.ok) {
    // The log and key tables are the library's and outlive the run: leave nothing behind.
    forget_sagas(db.dsn, scratch ? std::string{} : dsn_b, run);
  } else {
    std::cout << "the run's schemas are dropped; its saga log rows are kept: SELECT * FROM "
                 "actortx.saga WHERE id LIKE '"
              << saga_id_pattern(run) << "'\n";
  }
  if (!inv.ok) return exit_violated;
  return report_written ? exit_ok : exit_startup;
}

}  // namespace stress
