#include "transfer_run.hpp"

#include <iostream>
#include <optional>

#include "bank_schema.hpp"
#include "dashboard_url.hpp"
#include "fault_session.hpp"
#include "html_run_report.hpp"
#include "invariants.hpp"
#include "node_cluster.hpp"
#include "pool_check.hpp"
#include "progress.hpp"
#include "report.hpp"
#include "run_checks.hpp"
#include "runtime/dsn.hpp"
#include "runtime/embedded_postgres.hpp"
#include "runtime/log.hpp"
#include "runtime/runtime.hpp"
#include "scratch_database.hpp"
#include "settings.hpp"
#include "stop_signal.hpp"
#include "transfer_accounting.hpp"
#include "transfer_workload.hpp"

namespace stress {

namespace {

/// This process's runtime: on the run's database through its proxy; with --nodes only a
/// coordinator (the workers have the proxies), with the workers as peers and a small pool.
actortx::runtime_config coordinator_settings(const options& o, const fault_session& faults,
                                             const std::string& dsn,
                                             const std::optional<node_cluster>& nodes) {
  if (!nodes) return runtime_settings(o, faults.runtime_dsn(0, dsn));
  auto cfg = runtime_settings(o, dsn);
  cfg.pool_min = 1;
  cfg.pool_max = 2;
  cfg.node = nodes->coordinator_node();
  return cfg;
}

}  // namespace

int run_transfer_mode(const options& o) {
  actortx::set_log_level(o.log_level);
  // Declared first so it is destroyed last: the schema and runtime need the server.
  if (o.dsn.empty()) std::cout << "no DSN given: starting an embedded PostgreSQL for this run\n";
  auto db = actortx::dsn_or_embedded(o.dsn);
  check_reachable(db.dsn);
  check_pool_fits(o, db.dsn);
  fault_session faults{o, db, 1, std::cout};
  const std::string run = make_run_name();
  // With faults the run gets a database of its own: every backend on it is the runtime's,
  // so terminating and cancelling never hit anyone else's connections.
  std::optional<scratch_database> own;
  if (faults.active()) own.emplace(db.dsn, run);
  const std::string dsn = own ? own->dsn() : db.dsn;
  bank_schema schema{dsn, o.accounts, o.initial_balance, run};  // dropped on every exit
  // --nodes: the workers run the transfers (each through its own fault proxy, if any); they
  // stop before the schema goes.
  std::optional<node_cluster> nodes;
  if (o.nodes > 0) {
    std::vector<std::string> dsns;
    for (int k = 0; k < o.nodes; ++k) dsns.push_back(faults.runtime_dsn(k, schema.runtime_dsn()));
    nodes.emplace(o, run, dsns, std::cout);
  }

  workload_settings ws;
  ws.accounts = o.accounts;
  ws.hot_accounts = o.workload == workload_kind::hotspot ? o.hot_accounts : 0;
  ws.concurrency = o.concurrency;
  ws.transfers = o.transfers;
  if (o.duration_s) ws.duration = std::chrono::duration<double>{*o.duration_s};
  ws.allow_negative = o.allow_negative;
  ws.seed = o.seed;
  ws.opts = transfer_options(o);
  if (nodes) ws.workers = nodes->names();

  workload_result result;
  outcome_book book;  // every transfer's id and outcome, moved out of the workload
  int64_t committed_work = 0;
  run_report report;
  deadline_checks deadlines;
  int64_t final_progress = 0;
  actortx::run_summary html_run;      // --report: filled while the runtime is up
  actortx::metrics_report html_data;  // and its metrics, taken before it stops
  {
    actortx::runtime rt{coordinator_settings(o, faults, schema.runtime_dsn(), nodes)};
    std::cout << "running " << to_string(o.workload) << " on " << actortx::dsn_target(dsn)
              << ", schema " << schema.name() << ", seed " << o.seed << '\n';
    print_dashboard_url(std::cout, rt);
    transfer_workload workload{rt, ws};
    progress bar{workload.live(), o.transfers, ws.duration};
    bar.start();
    if (own)
      faults.start(
          {dsn}, {own->name()}, {schema.name()}, [&workload] { return succeeded(workload.live()); },
          bar.tty(), kill_node_of(nodes));
    result = workload.run();
    faults.stop();
    bar.stop();
    final_progress = succeeded(workload.live());
    book = std::move(workload.book());

    report.opts = &o;
    report.target = actortx::dsn_target(db.dsn) + (db.embedded ? " (embedded)" : "") +
                    (own ? ", database " + own->name() + " created for the run" : "");
    report.schema = schema.name();
    report.live = &workload.live();
    report.result = &result;
    report.latency = summarize(result.tally.latencies_us);
    report.stop_signal = stop_signal();
    committed_work = workload.live().committed + workload.live().skipped;
    print_report(std::cout, report);

    wait_for_records(rt, static_cast<uint64_t>(workload.live().done.load()));
    deadlines.callers = result.tally.deadlines;
    deadlines.records = check_runtime_deadlines(rt, o, "");
    if (!o.report.empty()) {
      html_run = transfer_summary(report);
      html_data = rt.report();
    }
  }  // runtime stopped here: nothing of ours touches the table any more
  if (nodes) collect_worker_records(*nodes, deadlines);

  if (o.corrupt_balance_for_test) {
    schema.corrupt_one_balance();
    std::cout << "corrupted: added 1 to the balance of account 1 outside the runtime\n";
  }
  if (o.misreport_outcome_for_test) misreport_one_outcome(book, std::cout);
  auto inv = check_invariants(dsn, schema.name(), o.accounts, o.initial_balance, o.allow_negative);
  const auto accounting = account_transfers({{dsn, schema.name()}}, book, inv);
  add_deadline_invariant(inv, deadlines.callers, deadlines.records);
  require_committed_work(inv, committed_work);
  print_accounting(std::cout, accounting);
  print_deadlines(std::cout, deadlines);
  std::optional<fault_summary> fs;
  if (faults.active()) {
    fs = summarize_faults(o, faults, final_progress, inv.ok);
    print_fault_report(std::cout, *fs);
  }
  print_invariant(std::cout, inv);
  if (nodes && !inv.ok) nodes->keep_logs(std::cout);
  if (!o.report.empty()) {
    add_transfer_invariants(html_run, o, deadlines, inv);
    add_accounting_lines(html_run, accounting);
    if (fs) add_fault_figures(html_run, *fs);
    if (!write_html_report(o.report, html_run, html_data, fs ? &*fs : nullptr) && inv.ok)
      return exit_startup;
  }
  return inv.ok ? exit_ok : exit_violated;
}

}  // namespace stress
