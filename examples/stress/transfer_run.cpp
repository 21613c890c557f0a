#include "transfer_run.hpp"

#include <iostream>
#include <optional>

#include <actortx/dsn.hpp>
#include <actortx/log.hpp>
#include <actortx/runtime.hpp>
#include <actortx/tooling/embedded_postgres.hpp>

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
  cfg.pool.min = 1;
  cfg.pool.max = 2;
  cfg.node = nodes->coordinator_node();
  return cfg;
}

/// The run's place: the server, its fault session, the run's own database (with faults) and
/// schema, and the worker nodes. Members in order of construction: each needs the ones before
/// and goes first (the workers stop before the schema goes, the schema before the server).
struct transfer_stage {
  explicit transfer_stage(const options& o)
      : db(start_server(o)), faults(o, db, 1, std::cout), run(make_run_name()) {
    // With faults the run gets a database of its own: every backend on it is the runtime's,
    // so terminating and cancelling never hit anyone else's connections.
    if (faults.active()) own.emplace(db.dsn, run);
    dsn = own ? own->dsn() : db.dsn;
    schema.emplace(dsn, o.accounts, o.initial_balance, run);  // dropped on every exit
    // --nodes: the workers run the transfers (each through its own fault proxy, if any).
    if (o.nodes > 0) {
      std::vector<std::string> dsns;
      for (int k = 0; k < o.nodes; ++k)
        dsns.push_back(faults.runtime_dsn(k, schema->runtime_dsn()));
      nodes.emplace(o, run, dsns, std::cout);
    }
  }

  static actortx::postgres_target start_server(const options& o) {
    if (actortx::choose_postgres_source(o.dsn) == actortx::postgres_source::embedded)
      std::cout << "no DSN given: starting an embedded PostgreSQL for this run\n";
    auto db = actortx::dsn_or_embedded(o.dsn);
    check_reachable(db.dsn);
    check_pool_fits(o, db.dsn);
    return db;
  }

  actortx::postgres_target db;
  fault_session faults;
  std::string run;
  std::optional<scratch_database> own;
  std::string dsn;
  std::optional<bank_schema> schema;
  std::optional<node_cluster> nodes;
};

/// What the run left for the checks once its runtime stopped.
struct transfer_results {
  workload_result result;
  outcome_book book;  // every transfer's id and outcome, moved out of the workload
  int64_t committed_work = 0;
  int64_t final_progress = 0;
  deadline_checks deadlines;
  actortx::run_summary html_run;      // --report: filled while the runtime is up
  actortx::metrics_report html_data;  // and its metrics, taken before it stops
};

workload_settings workload_of(const options& o, const std::optional<node_cluster>& nodes) {
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
  return ws;
}

/// Runs the workload (and the faults) on a runtime of its own, prints the run's report, and
/// collects what the checks need before the runtime stops.
transfer_results run_workload(const options& o, transfer_stage& st) {
  transfer_results out;
  const auto ws = workload_of(o, st.nodes);
  const auto& schema = *st.schema;
  actortx::runtime rt{coordinator_settings(o, st.faults, schema.runtime_dsn(), st.nodes)};
  std::cout << "running " << to_string(o.workload) << " on " << actortx::dsn_target(st.dsn)
            << ", schema " << schema.name() << ", seed " << o.seed << '\n';
  print_dashboard_url(std::cout, rt);
  transfer_workload workload{rt, ws};
  progress bar{workload.live(), o.transfers, ws.duration};
  bar.start();
  if (st.own)
    st.faults.start(
        {st.dsn}, {st.own->name()}, {schema.name()},
        [&workload] { return succeeded(workload.live()); }, bar.tty(), kill_node_of(st.nodes));
  out.result = workload.run();
  st.faults.stop();
  bar.stop();
  out.final_progress = succeeded(workload.live());
  out.book = std::move(workload.book());
  out.committed_work = workload.live().committed + workload.live().skipped;

  run_report report;
  report.opts = &o;
  report.target = actortx::dsn_target(st.db.dsn) + (st.db.embedded ? " (embedded)" : "") +
                  (st.own ? ", database " + st.own->name() + " created for the run" : "");
  report.schema = schema.name();
  report.live = &workload.live();
  report.result = &out.result;
  report.latency = summarize(out.result.tally.latencies);
  report.stop_signal = stop_signal();
  print_report(std::cout, report);

  wait_for_records(rt, static_cast<uint64_t>(workload.live().done.load()));
  out.deadlines.callers = out.result.tally.deadlines;
  out.deadlines.records = check_runtime_deadlines(rt, o, "", &out.deadlines);
  if (!o.report.empty()) {
    out.html_run = transfer_summary(report);
    out.html_data = rt.report();
  }
  return out;
}

/// The invariants, the accounting and the deadlines, in the text and the HTML report.
int check_and_report(const options& o, transfer_stage& st, transfer_results& r) {
  auto& schema = *st.schema;
  if (o.corrupt_balance_for_test) {
    schema.corrupt_one_balance();
    std::cout << "corrupted: added 1 to the balance of account 1 outside the runtime\n";
  }
  if (o.misreport_outcome_for_test) misreport_one_outcome(r.book, std::cout);
  auto inv =
      check_invariants(st.dsn, schema.name(), o.accounts, o.initial_balance, o.allow_negative);
  const auto accounting = account_transfers({{st.dsn, schema.name()}}, r.book, inv);
  add_deadline_invariant(inv, r.deadlines.callers, r.deadlines.records);
  require_committed_work(inv, r.committed_work);
  print_accounting(std::cout, accounting);
  print_deadlines(std::cout, r.deadlines);
  std::optional<fault_summary> fs;
  if (st.faults.active()) {
    fs = summarize_faults(o, st.faults, r.final_progress, inv.ok);
    print_fault_report(std::cout, *fs);
  }
  print_invariant(std::cout, inv);
  if (st.nodes && !inv.ok) st.nodes->keep_logs(std::cout);
  if (!o.report.empty()) {
    add_transfer_invariants(r.html_run, o, r.deadlines, inv);
    add_accounting_lines(r.html_run, accounting);
    if (fs) add_fault_figures(r.html_run, *fs);
    if (!write_html_report(o.report, r.html_run, r.html_data, fs ? &*fs : nullptr) && inv.ok)
      return exit_startup;
  }
  return inv.ok ? exit_ok : exit_violated;
}

}  // namespace

int run_transfer_mode(const options& o) {
  actortx::set_log_level(o.log_level);
  transfer_stage st{o};
  auto results = run_workload(o, st);  // the runtime has stopped: nothing of ours runs
  if (st.nodes) collect_worker_records(*st.nodes, results.deadlines);
  return check_and_report(o, st, results);
}

}  // namespace stress
