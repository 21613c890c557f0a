#include "fault_injector.hpp"

#include <iomanip>
#include <ostream>
#include <sstream>

#include <actortx/tooling/embedded_postgres.hpp>
#include <actortx/tooling/fault_proxy.hpp>

#include "backend_faults.hpp"
#include "lock_burst.hpp"

namespace stress {

namespace {

using std::chrono::milliseconds;
using clock_type = std::chrono::steady_clock;

milliseconds ms_since(clock_type::time_point t) {
  return std::chrono::duration_cast<milliseconds>(clock_type::now() - t);
}

std::string seconds(milliseconds d) {
  std::ostringstream os;
  os << std::fixed << std::setprecision(3) << static_cast<double>(d.count()) / 1000.0 << " s";
  return os.str();
}

std::string first_line(const std::string& s) {
  return s.substr(0, s.find('\n'));
}

}  // namespace

fault_injector::fault_injector(fault_plan plan, fault_targets targets, std::ostream& log, bool tty)
    : schedule_(std::move(plan)), t_(std::move(targets)), log_(log), tty_(tty) {}

void fault_injector::start() {
  start_ = clock_type::now();
  thread_ = std::thread{[this] { loop(); }};
}

void fault_injector::stop() {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

milliseconds fault_injector::since_start() const {
  return ms_since(start_);
}

void fault_injector::loop() {
  for (auto due = schedule_.next(); due;) {
    {
      std::unique_lock<std::mutex> lock{mtx_};
      if (wake_.wait_until(lock, start_ + due->at, [this] { return stopping_; })) return;
    }
    fault_record r;
    r.planned = *due;
    inject(r);
    {
      std::ostringstream line;
      line << (tty_ ? "\r\033[K" : "") << "fault " << std::setw(9) << seconds(r.started) << "  "
           << describe(r.planned) << ": " << (r.injected ? "" : "NOT INJECTED: ") << r.effect
           << " (" << r.took.count() << " ms)\n";
      log_ << line.str() << std::flush;
    }
    // Until the next fault is due: does the workload go on?
    due = schedule_.next();
    const auto next = due ? start_ + due->at : clock_type::time_point::max();
    records_.push_back(std::move(r));
    await_resume(records_.back(), next);
  }
}

void fault_injector::await_resume(fault_record& r, clock_type::time_point until) {
  if (!t_.progress) return;
  const auto ended = clock_type::now();
  for (;;) {
    if (t_.progress() > r.progress_at_end) {
      r.resumed_after = ms_since(ended);
      return;
    }
    std::unique_lock<std::mutex> lock{mtx_};
    auto wake_at = std::min(until, clock_type::now() + milliseconds{5});
    if (wake_.wait_until(lock, wake_at, [this] { return stopping_; })) return;
    if (clock_type::now() >= until) return;
  }
}

void fault_injector::inject(fault_record& r) {
  const auto& e = r.planned;
  r.started = since_start();
  const auto begin = clock_type::now();
  backend_targets backends{t_.admin_dsns.at(0), t_.databases};
  try {
    switch (e.kind) {
      case fault_kind::terminate: {
        auto pids = terminate_backends(backends, e.victims, milliseconds{1500});
        r.injected = !pids.empty();
        r.effect = pids.empty() ? "no backend of the runtime's to terminate for 1.5 s (" +
                                      backend_states(backends) + ")"
                                : std::to_string(pids.size()) + " backend(s) terminated (pids " +
                                      pid_list(pids) + ")";
        break;
      }
      case fault_kind::cancel: {
        auto pids = cancel_statements(backends, e.victims, milliseconds{1500});
        r.injected = !pids.empty();
        r.effect = pids.empty() ? "no statement of the runtime's was running for 1.5 s"
                                : std::to_string(pids.size()) + " statement(s) cancelled (pids " +
                                      pid_list(pids) + ")";
        break;
      }
      case fault_kind::lock: {
        const auto db = static_cast<size_t>(e.database);
        auto waited = hold_row_locks(t_.admin_dsns.at(db), t_.schemas.at(db), e.accounts, e.hold);
        r.injected = true;
        r.effect = "locks held for " + std::to_string(e.hold.count()) + " ms (taking them took " +
                   std::to_string(waited.count()) + " ms)";
        break;
      }
      case fault_kind::restart:
        if (!t_.cluster) {
          r.effect = "PostgreSQL is not the harness's own: not restarted";
          break;
        }
        t_.cluster->restart();
        r.injected = true;
        r.effect = "restarted, accepting connections again";
        break;
      case fault_kind::crash:
        if (!t_.cluster) {
          r.effect = "PostgreSQL is not the harness's own: not crashed";
          break;
        }
        r.effect = t_.cluster->crash_and_recover();
        r.injected = true;
        break;
      case fault_kind::proxy: {
        // Per database, or with worker nodes per worker.
        const auto at = static_cast<size_t>(e.database >= 0 ? e.database : e.node);
        auto* proxy = at < t_.proxies.size() ? t_.proxies[at] : nullptr;
        if (!proxy) {
          r.effect = "no fault proxy in front of this runtime";
          break;
        }
        proxy->cut_all();
        r.injected = true;
        r.effect = "connections cut (" + std::to_string(proxy->connections_accepted()) +
                   " accepted by the proxy so far)";
        break;
      }
      case fault_kind::kill_node:
        if (!t_.kill_node) {
          r.effect = "no worker nodes";
          break;
        }
        r.effect = t_.kill_node(e.node, e.hold);
        r.injected = true;
        break;
    }
  } catch (const std::exception& ex) {
    r.injected = false;
    r.effect = first_line(ex.what());
  }
  r.took = ms_since(begin);
  if (t_.progress) r.progress_at_end = t_.progress();
}

}  // namespace stress
