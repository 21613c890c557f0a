#include "report.hpp"

#include <csignal>
#include <iomanip>
#include <ostream>
#include <sstream>

namespace stress {

namespace {

constexpr int label_width = 20;

void row(std::ostream& os, const std::string& label, const std::string& value) {
  // A label too long for the column still gets a space before its value.
  os << "  " << std::left << std::setw(label_width) << label
     << (label.size() >= static_cast<size_t>(label_width) ? " " : "") << std::right << value
     << '\n';
}

template <class T>
std::string str(const T& x) {
  std::ostringstream os;
  os << x;
  return os.str();
}

std::string ms(std::chrono::microseconds d) {
  std::ostringstream os;
  os << std::fixed << std::setprecision(3) << static_cast<double>(d.count()) / 1000.0 << " ms";
  return os.str();
}

std::string fixed(double x, int digits) {
  std::ostringstream os;
  os << std::fixed << std::setprecision(digits) << x;
  return os.str();
}

}  // namespace

void print_report(std::ostream& os, const run_report& r) {
  const auto& o = *r.opts;
  const auto& live = *r.live;
  const auto& res = *r.result;
  os << "\nactortx-stress " << to_string(o.workload) << " report\n";
  row(os, "target", r.target);
  row(os, "schema", r.schema);
  row(os, "isolation", actortx::to_string(o.level));
  row(os, "accounts",
      str(o.accounts) + " x " + str(o.initial_balance) +
          (o.workload == workload_kind::hotspot ? ", " + str(o.hot_accounts) + " hot"
                                                : std::string{}));
  row(os, "run", o.duration_s ? fixed(*o.duration_s, 1) + " s" : str(o.transfers) + " transfers");
  row(os, "concurrency / pool", str(o.concurrency) + " / " + str(o.pool));
  row(os, "timeout", str(o.timeout.count()) + " ms");
  row(os, "seed", str(o.seed));
  if (o.nodes > 0)
    row(os, "nodes", str(o.nodes) + " worker(s), " + (o.plain_tcp ? "plain TCP" : "TLS"));
  if (r.stop_signal != 0)
    row(os, "stopped early", std::string{"by "} + (r.stop_signal == SIGINT ? "SIGINT" : "SIGTERM"));
  os << '\n';
  row(os, "wall time", fixed(res.wall.count(), 3) + " s");
  row(os, "transfers done", str(live.done.load()));
  row(os, "committed", str(live.committed.load()));
  row(os, "skipped", str(live.skipped.load()) + " (insufficient funds)");
  row(os, "retries", str(live.retries.load()));
  row(os, "timeouts", str(live.timeouts.load()));
  row(os, "in doubt", str(live.in_doubt.load()));
  row(os, "failed", str(live.failed.load()));
  for (const auto& [key, info] : res.tally.failures)
    row(os, "  " + key,
        str(info.count) + "  e.g. " + info.sample.substr(0, info.sample.find('\n')));
  auto secs = res.wall.count();
  row(os, "throughput",
      fixed(secs > 0 ? static_cast<double>(live.committed.load()) / secs : 0.0, 1) +
          " committed transfers/s");
  os << '\n';
  row(os, "latency (all)", str(r.latency.count) + " samples");
  row(os, "  p50", ms(r.latency.p50));
  row(os, "  p95", ms(r.latency.p95));
  row(os, "  p99", ms(r.latency.p99));
  row(os, "  max", ms(r.latency.max));
  row(os, "  mean", ms(r.latency.mean));
  os << '\n';
}

void print_saga_report(std::ostream& os, const saga_report& r) {
  const auto& o = *r.opts;
  const auto& live = *r.live;
  const auto& res = *r.result;
  os << "\nactortx-stress " << to_string(o.workload) << " report\n";
  row(os, "database A", r.target + " (saga log)");
  row(os, "database B", r.target_b);
  row(os, "schema", r.schema);
  row(os, "isolation", actortx::to_string(o.level));
  row(os, "accounts", str(o.accounts) + " x " + str(o.initial_balance) + " per database");
  row(os, "run", o.duration_s ? fixed(*o.duration_s, 1) + " s" : str(o.transfers) + " sagas");
  row(os, "fail rate",
      fixed(o.saga_fail_rate, 2) + " (" + str(res.to_frozen) + " sent to a frozen account)");
  row(os, "concurrency / pool", str(o.concurrency) + " / " + str(o.pool) + " per database");
  row(os, "timeout", str(o.timeout.count()) + " ms per step");
  row(os, "seed", str(o.seed));
  if (o.nodes > 0)
    row(os, "nodes",
        str(o.nodes) + " worker(s), " + (o.plain_tcp ? "plain TCP" : "TLS") +
            ", steps and transfers on them");
  if (r.stop_signal != 0)
    row(os, "stopped early", std::string{"by "} + (r.stop_signal == SIGINT ? "SIGINT" : "SIGTERM"));
  os << '\n';
  row(os, "wall time", fixed(res.wall.count(), 3) + " s");
  row(os, "sagas done", str(live.done.load()));
  row(os, "committed", str(live.committed.load()));
  row(os, "compensated", str(live.compensated.load()));
  row(os, "failed", str(live.failed.load()));
  row(os, "no outcome", str(live.timeouts.load()) + " (the caller stopped waiting)");
  for (const auto& [key, info] : res.tally.failures)
    row(os, "  " + key,
        str(info.count) + "  e.g. " + info.sample.substr(0, info.sample.find('\n')).substr(0, 80));
  row(os, "step retries", str(live.retries.load()));
  auto secs = res.wall.count();
  row(os, "throughput",
      fixed(secs > 0 ? static_cast<double>(live.committed.load()) / secs : 0.0, 1) +
          " committed sagas/s");
  os << '\n';
  row(os, "latency (all)", str(r.latency.count) + " samples");
  row(os, "  p50", ms(r.latency.p50));
  row(os, "  p95", ms(r.latency.p95));
  row(os, "  p99", ms(r.latency.p99));
  row(os, "  max", ms(r.latency.max));
  os << '\n';
  if (o.workload != workload_kind::mixed || !r.transfers_live) return;
  const auto& t = *r.transfers_live;
  row(os, "local transfers", str(t.done.load()) + " (on A and B)");
  row(os, "  committed", str(t.committed.load()));
  row(os, "  skipped", str(t.skipped.load()) + " (insufficient funds)");
  row(os, "  retries", str(t.retries.load()));
  row(os, "  timeouts", str(t.timeouts.load()));
  row(os, "  in doubt", str(t.in_doubt.load()));
  row(os, "  failed", str(t.failed.load()));
  for (const auto& [key, info] : res.transfer_tally.failures)
    row(os, "    " + key,
        str(info.count) + "  e.g. " + info.sample.substr(0, info.sample.find('\n')).substr(0, 80));
  row(os, "  p50 / p99", ms(r.transfer_latency.p50) + " / " + ms(r.transfer_latency.p99));
  os << '\n';
}

void print_saga_log(std::ostream& os, const saga_log_summary& s) {
  os << "saga log (database A)\n";
  row(os, "committed", str(s.committed));
  row(os, "compensated", str(s.compensated));
  row(os, "failed", str(s.failed));
  row(os, "unfinished", str(s.unfinished));
  row(os, "refunds applied", str(s.refunds) + " (ledger)");
  row(os, "credits undone", str(s.uncredits) + " (ledger)");
}

void print_invariant(std::ostream& os, const invariant_result& inv) {
  if (inv.ok)
    os << "invariant: OK\n";
  else
    os << "invariant: VIOLATED: " << inv.details << '\n';
}

}  // namespace stress
