#include "saga_run.hpp"

#include <iostream>
#include <optional>
#include <thread>

#include <caf/actor_system.hpp>

#include <actortx/dsn.hpp>
#include <actortx/log.hpp>
#include <actortx/runtime.hpp>
#include <actortx/tooling/embedded_postgres.hpp>

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
#include "saga_invariants.hpp"
#include "saga_stage.hpp"
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

/// What the run left for the checks once its runtimes stopped.
struct saga_results {
  saga_workload_result result;
  outcome_book book;  // --workload mixed: every local transfer's id and outcome
  int64_t committed_work = 0;
  int64_t final_progress = 0;
  int64_t left = 0;  // sagas still unfinished when the runtimes stopped
  deadline_checks deadlines;
  actortx::run_summary html_run;      // --report: filled while the runtimes are up
  actortx::metrics_report html_data;  // and A's metrics, taken before they stop
};

saga_workload_settings workload_of(const options& o, const saga_stage& st) {
  saga_workload_settings ws;
  ws.accounts = o.accounts;
  ws.concurrency = o.concurrency;
  ws.transfers = o.transfers;
  if (o.duration_s) ws.duration = std::chrono::duration<double>{*o.duration_s};
  ws.fail_rate = o.saga_fail_rate;
  ws.seed = o.seed;
  ws.run = st.run;
  ws.saga_timeout = saga_timeout(o);
  ws.transfer_share = o.workload == workload_kind::mixed ? o.mixed_transfer_share : 0.0;
  ws.transfer_opts = transfer_options(o);
  ws.allow_negative = o.allow_negative;
  if (st.nodes) ws.workers = st.nodes->names();
  return ws;
}

/// The run's runtimes in one actor system: A's sagas send steps to B's supervisor, and CAF
/// 0.17 cannot reply across actor systems. The system goes last; A (which sends work to B)
/// stops first. With --nodes, A's runtime only coordinates: the workers are its peers, and
/// there is no B here.
class saga_runtimes {
 public:
  saga_runtimes(const options& o, saga_stage& st, saga_workload_settings& ws)
      : settings_a_(settings_a(o, st)), sys_(prepared(cfg_, settings_a_)) {
    actortx::saga_registry sagas;
    if (st.nodes) {
      ws.types = define_node_transfer_sagas(sagas, st.run, st.a_workers, st.b_workers,
                                            transfer_options(o), o.allow_negative);
    } else {
      // The dashboard (--dashboard) is A's: it drives the sagas.
      auto settings_b = runtime_settings(o, st.faults.runtime_dsn(1, st.schema_b->runtime_dsn()));
      settings_b.dashboard.enabled = false;
      // Both runtimes' series are exported (by A's /metrics too): the names tell them apart.
      settings_b.observability.runtime_name = "stress-b";
      b.emplace(sys_, settings_b);
      ws.types = define_transfer_sagas(sagas, st.run, b->supervisor(), transfer_options(o),
                                       o.allow_negative);
    }
    a.emplace(sys_, settings_a_, std::move(sagas));
  }

 private:
  static actortx::runtime_config settings_a(const options& o, const saga_stage& st) {
    const auto dsn = st.schema_a->runtime_dsn();
    auto s = runtime_settings(o, st.nodes ? dsn : st.faults.runtime_dsn(0, dsn));
    if (st.nodes) s.node = st.nodes->coordinator_node();
    s.observability.runtime_name = "stress-a";
    return s;
  }
  static actortx::caf_config& prepared(actortx::caf_config& cfg, const actortx::runtime_config& a) {
    if (!a.node.peers.empty()) actortx::prepare_node_system(cfg, a.node);
    return cfg;
  }

  actortx::runtime_config settings_a_;
  actortx::caf_config cfg_;
  caf::actor_system sys_;

 public:
  std::optional<actortx::runtime> b;  ///< database B's (none with --nodes)
  std::optional<actortx::runtime> a;  ///< database A's: the saga log's; destroyed first
};

/// The callers' figures as the text report shows them (print_saga_report).
void print_callers(const options& o, const saga_stage& st, const saga_workload& workload,
                   saga_results& r, saga_report& report) {
  report.opts = &o;
  report.target = actortx::dsn_target(st.db.dsn) + (st.db.embedded ? " (embedded)" : "") +
                  (st.own_a ? ", database " + st.own_a->name() + " created for the run" : "");
  report.target_b = actortx::dsn_target(st.dsn_b) + (st.own_b ? " (created for the run)" : "");
  report.schema = st.run;
  report.live = &workload.live();
  report.transfers_live = &workload.transfers_live();
  report.result = &r.result;
  report.latency = summarize(r.result.tally.latencies);
  report.transfer_latency = summarize(r.result.transfer_tally.latencies);
  report.stop_signal = stop_signal();
  print_saga_report(std::cout, report);
}

/// Runs the sagas and transfers (and the faults), prints the callers' report, and collects
/// what the checks need before the runtimes stop.
saga_results run_workload(const options& o, saga_stage& st) {
  saga_results out;
  auto ws = workload_of(o, st);
  saga_runtimes rts{o, st, ws};
  std::cout << "running " << to_string(o.workload) << " on " << actortx::dsn_target(st.dsn_a)
            << " and " << actortx::dsn_target(st.dsn_b) << ", schema " << st.run << ", seed "
            << o.seed << '\n';
  print_dashboard_url(std::cout, *rts.a);
  saga_workload workload{*rts.a, ws, rts.b ? &*rts.b : nullptr};
  auto succeeded_so_far = [&workload] {
    return succeeded(workload.live()) + succeeded(workload.transfers_live());
  };
  progress bar{workload.live(), o.transfers, ws.duration};
  bar.start();
  if (st.own_a)
    st.faults.start({st.dsn_a, st.dsn_b}, {st.own_a->name(), st.own_b->name()}, {st.run, st.run},
                    succeeded_so_far, bar.tty(), kill_node_of(st.nodes));
  out.result = workload.run();
  st.faults.stop();
  bar.stop();
  out.final_progress = succeeded_so_far();
  out.book = std::move(workload.transfer_book());
  out.committed_work = workload.live().committed + workload.live().compensated +
                       workload.transfers_live().committed + workload.transfers_live().skipped;
  // Sagas whose callers stopped waiting are still being driven: let them finish.
  out.left = wait_for_sagas(st.dsn_a, st.run, ws.saga_timeout);
  saga_report report;
  print_callers(o, st, workload, out, report);
  out.deadlines.callers = out.result.transfer_tally.deadlines;
  // Sagas have no deadline of their own: their steps' transactions do (the records; the
  // sagas are over by now, so theirs are in).
  out.deadlines.records = check_runtime_deadlines(*rts.a, o, st.run + ":", &out.deadlines);
  if (rts.b)
    out.deadlines.records.merge(check_runtime_deadlines(*rts.b, o, st.run + ":", &out.deadlines));
  if (!o.report.empty()) {
    out.html_run = saga_summary(report);
    out.html_data = final_metrics(*rts.a, 0);  // saga records and A's steps: no count to wait
  }
  return out;
}

/// The saga log's rows of a run are the library's tables' and outlive it: forgotten when the
/// run passed, kept (and said where) when it did not.
void tidy_saga_log(const saga_stage& st, bool ok) {
  if (st.own_a) return;  // the saga log is in the run's own database A: it goes with it
  if (ok) {
    forget_sagas(st.dsn_a, st.own_b ? std::string{} : st.dsn_b, st.run);
    return;
  }
  std::cout << "the run's schemas are dropped; its saga log rows are kept: SELECT * FROM "
               "actortx.saga WHERE id LIKE '"
            << saga_id_pattern(st.run) << "'\n";
}

/// The invariants, the accounting and the deadlines, in the text and the HTML report.
int check_and_report(const options& o, saga_stage& st, saga_results& r) {
  auto& schema_a = *st.schema_a;
  if (o.corrupt_balance_for_test) {
    schema_a.corrupt_one_balance();
    std::cout << "corrupted: added 1 to the balance of account 1 in A outside the runtime\n";
  }
  if (o.misreport_outcome_for_test) misreport_for_test(o, r.result, r.book);
  saga_data data{schema_a.dsn(), st.run, st.schema_b->dsn(), st.schema_b->name(), st.run};
  saga_log_summary log;
  auto inv =
      check_saga_invariants(data, o.accounts, o.initial_balance, o.allow_negative, r.result, log);
  const bool mixed = o.workload == workload_kind::mixed;
  const auto accounting =
      account_transfers({{schema_a.dsn(), st.run}, {st.schema_b->dsn(), st.run}}, r.book, inv);
  add_deadline_invariant(inv, r.deadlines.callers, r.deadlines.records);
  require_committed_work(inv, r.committed_work);
  print_saga_log(std::cout, log);
  if (mixed) print_accounting(std::cout, accounting);
  print_deadlines(std::cout, r.deadlines);
  std::optional<fault_summary> fs;
  if (st.faults.active()) {
    fs = summarize_faults(o, st.faults, r.final_progress, inv.ok);
    print_fault_report(std::cout, *fs);
  }
  print_invariant(std::cout, inv);
  if (st.nodes && !inv.ok) st.nodes->keep_logs(std::cout);
  bool report_written = true;
  if (!o.report.empty()) {
    add_saga_invariants(r.html_run, o, log, r.deadlines, inv);
    if (mixed) add_accounting_lines(r.html_run, accounting);
    if (fs) add_fault_figures(r.html_run, *fs);
    report_written = write_html_report(o.report, r.html_run, r.html_data, fs ? &*fs : nullptr);
  }
  tidy_saga_log(st, inv.ok);
  if (!inv.ok) return exit_violated;
  return report_written ? exit_ok : exit_startup;
}

}  // namespace

int run_saga_mode(const options& o) {
  actortx::set_log_level(o.log_level);
  saga_stage st{o};
  auto results = run_workload(o, st);  // the runtimes have stopped: nothing of ours runs
  if (results.left > 0)
    std::cout << results.left << " saga(s) still unfinished when the runtimes stopped\n";
  if (st.nodes) collect_worker_records(*st.nodes, results.deadlines);
  return check_and_report(o, st, results);
}

}  // namespace stress
