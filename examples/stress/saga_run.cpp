#include "saga_run.hpp"

#include <iostream>
#include <optional>
#include <thread>

#include <caf/actor_system.hpp>

#include "bank_schema.hpp"
#include "dashboard_url.hpp"
#include "fault_session.hpp"
#include "html_run_report.hpp"
#include "node_cluster.hpp"
#include "pool_check.hpp"
#include "progress.hpp"
#include "report.hpp"
#include "run_checks.hpp"
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
#include "transfer_accounting.hpp"
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
    if (!sleep_unless_stopped(100ms)) return left;  // Ctrl-C: report what is left
  }
}

/// --misreport-outcome-for-test: one local transfer's outcome (mixed), or one saga's as its
/// caller reported it (saga), is changed, so that the accounting or the log check must fail.
void misreport_for_test(const options& o, saga_workload_result& result, outcome_book& book) {
  if (o.workload == workload_kind::mixed) {
    misreport_one_outcome(book, std::cout);
  } else if (!result.reported.empty()) {
    auto& [id, state] = result.reported.front();
    const auto was = state;
    state = was == actortx::saga_state::committed ? actortx::saga_state::compensated
                                                  : actortx::saga_state::committed;
    std::cout << "misreported: saga " << id << " recorded as " << actortx::to_string(state)
              << " though it was answered " << actortx::to_string(was) << '\n';
  }
}

}  // namespace

int run_saga_mode(const options& o) {
  actortx::set_log_level(o.log_level);
  // Declared first so they are destroyed last: schemas, runtimes and checks need the servers.
  if (o.dsn.empty()) std::cout << "no DSN given: starting an embedded PostgreSQL for this run\n";
  auto db = actortx::dsn_or_embedded(o.dsn);
  check_reachable(db.dsn);
  check_pool_fits(o, db.dsn);
  if (!o.dsn_b.empty()) {
    check_reachable(o.dsn_b);
    check_pool_fits(o, o.dsn_b);
  }
  fault_session faults{o, db, 2, std::cout};
  const int frozen = o.accounts + 1;
  const std::string run = make_run_name();  // unique per run: saga ids and types carry it
  // Database A: --dsn's, or with faults one of the run's own (every backend on it is then the
  // runtime's: terminate and cancel hit no one else). B: --dsn-b, or one of the run's own.
  std::optional<scratch_database> own_a, own_b;
  if (faults.active()) own_a.emplace(db.dsn, run + "_a");
  if (o.dsn_b.empty()) own_b.emplace(db.dsn, run + "_b");
  const std::string dsn_a = own_a ? own_a->dsn() : db.dsn;
  const std::string dsn_b = own_b ? own_b->dsn() : o.dsn_b;
  bank_schema schema_a{dsn_a, o.accounts, o.initial_balance, run};  // dropped on every exit
  bank_schema schema_b{dsn_b, o.accounts, o.initial_balance, run};
  add_saga_tables(schema_a, frozen);
  add_saga_tables(schema_b, frozen);
  // --nodes: the workers run every step and local transfer; even ones on A, odd ones on B
  // (each through its own fault proxy, if any). They stop before the schemas go.
  std::optional<node_cluster> nodes;
  std::vector<std::string> a_workers, b_workers;
  if (o.nodes > 0) {
    std::vector<std::string> dsns;
    for (int k = 0; k < o.nodes; ++k)
      dsns.push_back(faults.runtime_dsn(k, (k % 2 == 0 ? schema_a : schema_b).runtime_dsn()));
    nodes.emplace(o, run, dsns, std::cout);
    for (const auto& name : nodes->names())
      (a_workers.size() == b_workers.size() ? a_workers : b_workers).push_back(name);
  }

  saga_workload_settings ws;
  ws.accounts = o.accounts;
  ws.concurrency = o.concurrency;
  ws.transfers = o.transfers;
  if (o.duration_s) ws.duration = std::chrono::duration<double>{*o.duration_s};
  ws.fail_rate = o.saga_fail_rate;
  ws.seed = o.seed;
  ws.run = run;
  ws.saga_timeout = saga_timeout(o);
  ws.transfer_share = o.workload == workload_kind::mixed ? o.mixed_transfer_share : 0.0;
  ws.transfer_opts = transfer_options(o);
  ws.allow_negative = o.allow_negative;
  if (nodes) ws.workers = nodes->names();

  saga_workload_result result;
  outcome_book book;  // --workload mixed: every local transfer's id and outcome
  int64_t committed_work = 0;
  saga_report report;
  deadline_checks deadlines;
  int64_t final_progress = 0;
  actortx::run_summary html_run;      // --report: filled while the runtimes are up
  actortx::metrics_report html_data;  // and A's metrics, taken before it stops
  int64_t left = 0;
  {
    // One actor system for both runtimes: A's sagas send steps to B's supervisor, and CAF 0.17
    // cannot reply across actor systems. Declared before the runtimes, so it goes last; A
    // (which sends work to B) is declared after B, so it stops first.
    // With --nodes, A's runtime only coordinates: the workers are its peers, B has none here.
    auto settings_a = runtime_settings(
        o, nodes ? schema_a.runtime_dsn() : faults.runtime_dsn(0, schema_a.runtime_dsn()));
    actortx::caf_config caf_cfg;
    if (nodes) {
      settings_a.node = nodes->coordinator_node();
      actortx::prepare_node_system(caf_cfg, settings_a.node);
    }
    caf::actor_system sys{caf_cfg};
    std::optional<actortx::runtime> rt_b;
    actortx::saga_registry sagas;
    if (nodes) {
      ws.types = define_node_transfer_sagas(sagas, run, a_workers, b_workers, transfer_options(o),
                                            o.allow_negative);
    } else {
      // The dashboard (--dashboard) is A's: it drives the sagas.
      auto settings_b = runtime_settings(o, faults.runtime_dsn(1, schema_b.runtime_dsn()));
      settings_b.dashboard_enabled = false;
      rt_b.emplace(sys, settings_b);
      ws.types = define_transfer_sagas(sagas, run, rt_b->supervisor(), transfer_options(o),
                                       o.allow_negative);
    }
    actortx::runtime rt_a{sys, settings_a, std::move(sagas)};
    std::cout << "running " << to_string(o.workload) << " on " << actortx::dsn_target(dsn_a)
              << " and " << actortx::dsn_target(dsn_b) << ", schema " << run << ", seed " << o.seed
              << '\n';
    print_dashboard_url(std::cout, rt_a);

    saga_workload workload{rt_a, ws, rt_b ? &*rt_b : nullptr};
    auto succeeded_so_far = [&workload] {
      return succeeded(workload.live()) + succeeded(workload.transfers_live());
    };
    progress bar{workload.live(), o.transfers, ws.duration};
    bar.start();
    if (own_a)
      faults.start({dsn_a, dsn_b}, {own_a->name(), own_b->name()}, {run, run}, succeeded_so_far,
                   bar.tty(), kill_node_of(nodes));
    result = workload.run();
    faults.stop();
    bar.stop();
    final_progress = succeeded_so_far();
    book = std::move(workload.transfer_book());
    committed_work = workload.live().committed + workload.live().compensated +
                     workload.transfers_live().committed + workload.transfers_live().skipped;
    // Sagas whose callers stopped waiting are still being driven: let them finish.
    left = wait_for_sagas(dsn_a, run, ws.saga_timeout);

    report.opts = &o;
    report.target = actortx::dsn_target(db.dsn) + (db.embedded ? " (embedded)" : "") +
                    (own_a ? ", database " + own_a->name() + " created for the run" : "");
    report.target_b = actortx::dsn_target(dsn_b) + (own_b ? " (created for the run)" : "");
    report.schema = run;
    report.live = &workload.live();
    report.transfers_live = &workload.transfers_live();
    report.result = &result;
    report.latency = summarize(result.tally.latencies_us);
    report.transfer_latency = summarize(result.transfer_tally.latencies_us);
    report.stop_signal = stop_signal();
    print_saga_report(std::cout, report);

    deadlines.callers = result.transfer_tally.deadlines;
    // Sagas have no deadline of their own: their steps' transactions do (the records; the
    // sagas are over by now, so theirs are in).
    deadlines.records = check_runtime_deadlines(rt_a, o, run + ":");
    if (rt_b) deadlines.records.merge(check_runtime_deadlines(*rt_b, o, run + ":"));
    if (!o.report.empty()) {
      html_run = saga_summary(report);
      html_data = final_metrics(rt_a, 0);  // saga records and A's steps: no count to wait for
    }
  }  // runtimes stopped here: nothing of ours touches the data any more
  if (left > 0) std::cout << left << " saga(s) still unfinished when the runtimes stopped\n";
  if (nodes) collect_worker_records(*nodes, deadlines);

  if (o.corrupt_balance_for_test) {
    schema_a.corrupt_one_balance();
    std::cout << "corrupted: added 1 to the balance of account 1 in A outside the runtime\n";
  }
  if (o.misreport_outcome_for_test) misreport_for_test(o, result, book);
  saga_data data{schema_a.dsn(), run, schema_b.dsn(), schema_b.name(), run};
  saga_log_summary log;
  auto inv =
      check_saga_invariants(data, o.accounts, o.initial_balance, o.allow_negative, result, log);
  const bool mixed = o.workload == workload_kind::mixed;
  const auto accounting =
      account_transfers({{schema_a.dsn(), run}, {schema_b.dsn(), run}}, book, inv);
  add_deadline_invariant(inv, deadlines.callers, deadlines.records);
  require_committed_work(inv, committed_work);
  print_saga_log(std::cout, log);
  if (mixed) print_accounting(std::cout, accounting);
  print_deadlines(std::cout, deadlines);
  std::optional<fault_summary> fs;
  if (faults.active()) {
    fs = summarize_faults(o, faults, final_progress, inv.ok);
    print_fault_report(std::cout, *fs);
  }
  print_invariant(std::cout, inv);
  if (nodes && !inv.ok) nodes->keep_logs(std::cout);
  bool report_written = true;
  if (!o.report.empty()) {
    add_saga_invariants(html_run, o, log, deadlines, inv);
    if (mixed) add_accounting_lines(html_run, accounting);
    if (fs) add_fault_figures(html_run, *fs);
    report_written = write_html_report(o.report, html_run, html_data, fs ? &*fs : nullptr);
  }
  if (own_a) {
    // The saga log is in the run's own database A: it goes with it.
  } else if (inv.ok) {
    // The log and key tables are the library's and outlive the run: leave nothing behind.
    forget_sagas(dsn_a, own_b ? std::string{} : dsn_b, run);
  } else {
    std::cout << "the run's schemas are dropped; its saga log rows are kept: SELECT * FROM "
                 "actortx.saga WHERE id LIKE '"
              << saga_id_pattern(run) << "'\n";
  }
  if (!inv.ok) return exit_violated;
  return report_written ? exit_ok : exit_startup;
}

}  // namespace stress
