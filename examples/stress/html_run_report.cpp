#include "html_run_report.hpp"

#include <chrono>
#include <csignal>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <thread>

namespace stress {

namespace {

template <class T>
std::string str(const T& x) {
  std::ostringstream os;
  os << x;
  return os.str();
}

std::string fixed(double x, int digits) {
  std::ostringstream os;
  os << std::fixed << std::setprecision(digits) << x;
  return os.str();
}

std::string ms(std::chrono::microseconds d) {
  return fixed(static_cast<double>(d.count()) / 1000.0, 3) + " ms";
}

std::string run_length(const options& o, const char* unit) {
  return o.duration_s ? fixed(*o.duration_s, 1) + " s" : str(o.transfers) + " " + unit;
}

void add_common_configuration(actortx::run_summary& run, const options& o, int stop_signal) {
  run.configuration.emplace_back("isolation", actortx::to_string(o.level));
  run.configuration.emplace_back("timeout", str(o.timeout.count()) + " ms");
  run.configuration.emplace_back("allow negative", o.allow_negative ? "yes" : "no");
  run.configuration.emplace_back("seed", str(o.seed));
  run.configuration.emplace_back("trend bucket", str(o.trend_bucket_s) + " s");
  if (o.nodes > 0)
    run.configuration.emplace_back(
        "nodes", str(o.nodes) + " worker process(es), " + (o.plain_tcp ? "plain TCP" : "TLS") +
                     "; the runtime figures below are the coordinator's");
  if (stop_signal != 0)
    run.configuration.emplace_back("stopped early",
                                   stop_signal == SIGINT ? "by SIGINT" : "by SIGTERM");
}

void add_latency(actortx::run_summary& run, const latency_summary& l) {
  run.figures.emplace_back("client latency p50", ms(l.p50));
  run.figures.emplace_back("client latency p95", ms(l.p95));
  run.figures.emplace_back("client latency p99", ms(l.p99));
  run.figures.emplace_back("client latency max", ms(l.max));
}

void add_failures(actortx::run_summary& run, const outcome_tally& tally) {
  for (const auto& [key, info] : tally.failures)
    run.figures.emplace_back(
        "failed: " + key,
        str(info.count) + " (e.g. " + info.sample.substr(0, info.sample.find('\n')) + ")");
}

void add_deadline_lines(actortx::run_summary& run, const deadline_checks& d) {
  const auto bound = str(deadline_slack.count()) + " ms";
  run.invariant_lines.push_back(
      "no transaction ended more than " + bound +
      " past its deadline, as its caller measured: " + describe(d.callers));
  run.invariant_lines.push_back(
      "nor in the runtime's records of the run's transactions: " + describe(d.records) +
      (d.workers > 0 ? " (the coordinator's and " + str(d.workers_reported) + " of " +
                           str(d.workers) + " workers' last incarnations)"
                     : std::string{}));
  if (!d.where_worst_went.empty())
    run.invariant_lines.push_back("the latest caller: " + d.where_worst_went);
}

void verdict(actortx::run_summary& run, const invariant_result& inv) {
  run.invariants_ok = inv.ok;
  run.invariant_lines.push_back(inv.ok ? "result: OK" : "result: VIOLATED: " + inv.details);
}

}  // namespace

actortx::run_summary transfer_summary(const run_report& r) {
  const auto& o = *r.opts;
  const auto& live = *r.live;
  const auto& res = *r.result;
  actortx::run_summary run;
  run.title = "actortx-stress: " + run_length(o, "transfers") + ", " + actortx::to_string(o.level) +
              ", concurrency " + str(o.concurrency);
  run.configuration = {
      {"mode", o.workload == workload_kind::hotspot
                   ? "bank transfers, most on " + str(o.hot_accounts) + " hot accounts"
                   : "bank transfers"},
      {"target", r.target},
      {"schema", r.schema},
      {"accounts", str(o.accounts) + " x " + str(o.initial_balance)},
      {"run", run_length(o, "transfers")},
      {"concurrency / pool", str(o.concurrency) + " / " + str(o.pool)}};
  add_common_configuration(run, o, r.stop_signal);
  const double secs = res.wall.count();
  run.figures = {
      {"wall time", fixed(secs, 3) + " s"},
      {"transfers done", str(live.done.load())},
      {"committed", str(live.committed.load())},
      {"skipped (insufficient funds)", str(live.skipped.load())},
      {"retries", str(live.retries.load())},
      {"timeouts", str(live.timeouts.load())},
      {"in doubt", str(live.in_doubt.load())},
      {"failed", str(live.failed.load())},
      {"throughput", fixed(secs > 0 ? static_cast<double>(live.committed.load()) / secs : 0.0, 1) +
                         " committed transfers/s"}};
  add_failures(run, res.tally);
  add_latency(run, r.latency);
  return run;
}

actortx::run_summary saga_summary(const saga_report& r) {
  const auto& o = *r.opts;
  const auto& live = *r.live;
  const auto& res = *r.result;
  actortx::run_summary run;
  run.title = std::string{"actortx-stress --workload "} + to_string(o.workload) + ": " +
              run_length(o, "requests") + ", concurrency " + str(o.concurrency);
  run.configuration = {
      {"mode", o.workload == workload_kind::mixed
                   ? "local transfers on two databases and transfer sagas between them"
                   : "transfer sagas across two databases"},
      {"database A", r.target + " (saga log; metrics below are A's runtime)"},
      {"database B", r.target_b},
      {"schema", r.schema},
      {"accounts", str(o.accounts) + " x " + str(o.initial_balance) + " per database"},
      {"run", run_length(o, "sagas")},
      {"fail rate",
       fixed(o.saga_fail_rate, 2) + " (" + str(res.to_frozen) + " sent to a frozen account)"},
      {"concurrency / pool", str(o.concurrency) + " / " + str(o.pool) + " per database"}};
  add_common_configuration(run, o, r.stop_signal);
  const double secs = res.wall.count();
  run.figures = {
      {"wall time", fixed(secs, 3) + " s"},
      {"sagas done", str(live.done.load())},
      {"committed", str(live.committed.load())},
      {"compensated", str(live.compensated.load())},
      {"failed", str(live.failed.load())},
      {"no outcome (caller stopped waiting)", str(live.timeouts.load())},
      {"step retries", str(live.retries.load())},
      {"throughput", fixed(secs > 0 ? static_cast<double>(live.committed.load()) / secs : 0.0, 1) +
                         " committed sagas/s"}};
  add_failures(run, res.tally);
  add_latency(run, r.latency);
  if (o.workload == workload_kind::mixed && r.transfers_live) {
    const auto& t = *r.transfers_live;
    run.figures.emplace_back("local transfers done", str(t.done.load()));
    run.figures.emplace_back("local transfers committed / skipped",
                             str(t.committed.load()) + " / " + str(t.skipped.load()));
    run.figures.emplace_back(
        "local transfers timeouts / in doubt / failed",
        str(t.timeouts.load()) + " / " + str(t.in_doubt.load()) + " / " + str(t.failed.load()));
    run.figures.emplace_back("local transfer latency p50 / p99",
                             ms(r.transfer_latency.p50) + " / " + ms(r.transfer_latency.p99));
  }
  return run;
}

void add_transfer_invariants(actortx::run_summary& run, const options& o,
                             const deadline_checks& deadlines, const invariant_result& inv) {
  run.invariant_lines = {
      "exactly " + str(o.accounts) + " accounts",
      "sum of balances = " + str(o.accounts * o.initial_balance) + " (" + str(o.accounts) + " x " +
          str(o.initial_balance) + ")",
      o.allow_negative ? "negative balances allowed (--allow-negative)" : "no negative balance"};
  add_deadline_lines(run, deadlines);
  verdict(run, inv);
}

void add_saga_invariants(actortx::run_summary& run, const options& o, const saga_log_summary& log,
                         const deadline_checks& deadlines, const invariant_result& inv) {
  run.invariant_lines = {
      "sum of balances over A and B = " + str(2 * o.accounts * o.initial_balance),
      o.allow_negative ? "negative balances allowed (--allow-negative)" : "no negative balance",
      "every saga COMMITTED or COMPENSATED; log: " + str(log.committed) + " committed, " +
          str(log.compensated) + " compensated, " + str(log.failed) + " failed, " +
          str(log.unfinished) + " unfinished",
      "no step applied twice; ledger agrees with the log (" + str(log.refunds) + " refunds, " +
          str(log.uncredits) + " credits undone)",
      "every caller's outcome matches the log"};
  add_deadline_lines(run, deadlines);
  verdict(run, inv);
}

void wait_for_records(actortx::runtime& rt, uint64_t finished) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (rt.metrics().overall.finished() < finished && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

actortx::metrics_report final_metrics(actortx::runtime& rt, uint64_t finished) {
  wait_for_records(rt, finished);
  return rt.report();
}

bool write_html_report(const std::string& path, const actortx::run_summary& run,
                       const actortx::metrics_report& report, const fault_summary* faults) {
  std::ofstream out{path, std::ios::binary | std::ios::trunc};
  auto html = actortx::render_html_report(run, report);
  out << (faults ? with_fault_section(html, *faults) : html);
  out.close();
  if (!out) {
    std::cerr << "actortx-stress: error: cannot write the report to " << path << '\n';
    return false;
  }
  std::cout << "report written to " << path << '\n';
  return true;
}

}  // namespace stress
