// actortx-stress: concurrent random bank transfers through the actortx runtime, then a check
// that money was neither created nor lost. With --saga, the transfers are sagas across two
// databases (saga_run.hpp). Exit codes: see options.hpp.
#include <iostream>
#include <memory>

#include "bank_schema.hpp"
#include "dashboard_url.hpp"
#include "html_run_report.hpp"
#include "invariants.hpp"
#include "options.hpp"
#include "progress.hpp"
#include "report.hpp"
#include "runtime/dsn.hpp"
#include "runtime/embedded_postgres.hpp"
#include "runtime/log.hpp"
#include "runtime/runtime.hpp"
#include "saga_run.hpp"
#include "settings.hpp"
#include "stop_signal.hpp"
#include "transfer_workload.hpp"

namespace {

int run(const stress::options& o) {
  actortx::set_log_level(o.log_level);
  // Declared first so it is destroyed last: the schema and runtime need the server.
  if (o.dsn.empty()) std::cout << "no DSN given: starting an embedded PostgreSQL for this run\n";
  auto db = actortx::dsn_or_embedded(o.dsn);
  const std::string& dsn = db.dsn;
  stress::check_reachable(dsn);
  stress::bank_schema schema{dsn, o.accounts, o.initial_balance};  // dropped on every exit

  stress::workload_settings ws;
  ws.accounts = o.accounts;
  ws.concurrency = o.concurrency;
  ws.transfers = o.transfers;
  if (o.duration_s) ws.duration = std::chrono::duration<double>{*o.duration_s};
  ws.allow_negative = o.allow_negative;
  ws.seed = o.seed;
  ws.opts = stress::transfer_options(o);

  stress::workload_result result;
  stress::run_report report;
  actortx::run_summary html_run;      // --report: filled while the runtime is up
  actortx::metrics_report html_data;  // and its metrics, taken before it stops
  {
    actortx::runtime rt{stress::runtime_settings(o, schema.runtime_dsn())};
    std::cout << "running on " << actortx::dsn_target(dsn) << ", schema " << schema.name()
              << ", seed " << o.seed << '\n';
    stress::print_dashboard_url(std::cout, rt);
    stress::transfer_workload workload{rt, ws};
    stress::progress bar{workload.live(), o.transfers, ws.duration};
    bar.start();
    result = workload.run();
    bar.stop();

    report.opts = &o;
    report.target = actortx::dsn_target(dsn) + (db.embedded ? " (embedded)" : "");
    report.schema = schema.name();
    report.live = &workload.live();
    report.result = &result;
    report.latency = stress::summarize(result.tally.latencies_us);
    report.stop_signal = stress::stop_signal();
    stress::print_report(std::cout, report);
    if (!o.report.empty()) {
      html_run = stress::transfer_summary(report);
      html_data = stress::final_metrics(rt, static_cast<uint64_t>(workload.live().done.load()));
    }
  }  // runtime stopped here: nothing of ours touches the table any more

  if (o.corrupt_balance_for_test) {
    schema.corrupt_one_balance();
    std::cout << "corrupted: added 1 to the balance of account 1 outside the runtime\n";
  }
  auto inv =
      stress::check_invariants(dsn, schema.name(), o.accounts, o.initial_balance, o.allow_negative);
  stress::print_invariant(std::cout, inv);
  if (!o.report.empty()) {
    stress::add_transfer_invariants(html_run, o, inv);
    if (!stress::write_html_report(o.report, html_run, html_data) && inv.ok)
      return stress::exit_startup;
  }
  return inv.ok ? stress::exit_ok : stress::exit_violated;
}

}  // namespace

int main(int argc, char** argv) {
  int exit = stress::exit_ok;
  auto opts = stress::parse_options(argc, argv, exit);
  if (!opts) return exit;
  stress::install_stop_handlers();
  try {
    return opts->saga ? stress::run_saga_mode(*opts) : run(*opts);
  } catch (const std::exception& e) {
    // startup_error, config_error, dsn_error and server errors: one line, no stack trace.
    std::string what = e.what();
    std::cout.flush();
    std::cerr << "actortx-stress: error: " << what.substr(0, what.find('\n')) << '\n';
    return stress::exit_startup;
  }
}
