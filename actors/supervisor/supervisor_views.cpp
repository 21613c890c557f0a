// What the supervisor tells about the transactions running now — its own and the blocking
// lane's: the active list (statements from the server), the counts for the metrics, the
// long-running warnings.

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include <caf/all.hpp>

#include <actortx/log.hpp>

#include "actors/lane/lane_call.hpp"
#include "actors/lane/lane_registry.hpp"
#include "actors/supervisor/supervisor_state.hpp"
#include "runtime/policy/clock.hpp"
#include "runtime/policy/tx_name.hpp"

namespace actortx {

namespace {

caf::timespan tick_interval(const supervisor_settings& cfg) {
  auto quarter = cfg.long_running_threshold / 4;
  return std::clamp<caf::timespan>(quarter, std::chrono::milliseconds(50), std::chrono::seconds(1));
}

}  // namespace

std::vector<std::shared_ptr<lane_call>> supervisor_state::lane_calls() const {
  const auto& lane = cfg_.lane;
  return lane ? lane->list() : std::vector<std::shared_ptr<lane_call>>{};
}

void supervisor_state::schedule_tick() {
  self_->delayed_send(self_, tick_interval(cfg_), tick_atom::value);
}

void supervisor_state::on_tick() {
  // Also when idle: the metrics actor must see the counts drop to zero.
  if (cfg_.metrics) self_->send(cfg_.metrics, summary_atom::value, summarize());
  warn_long_running();
  schedule_tick();
}

void supervisor_state::warn_long_running() {
  const auto now = steady_now_ns();
  const auto threshold = to_ns(cfg_.long_running_threshold);
  for (auto& [id, e] : txs_) {
    if (e.long_warned || now - e.started_ns < threshold) continue;
    e.long_warned = true;
    log(log_component::supervisor)
        .warn("{} is long-running: {} ms so far, attempt {}, backend {}", name_of(id, e.opts),
              (now - e.started_ns) / 1000000, e.attempts, e.backend_pid);
  }
  std::unordered_set<uint64_t> still;
  for (const auto& c : lane_calls()) {
    if (now - c->started_ns < threshold) continue;
    still.insert(c->tx_id);
    if (lane_warned_.count(c->tx_id) > 0) continue;
    log(log_component::supervisor)
        .warn("{} is long-running: {} ms so far, attempt 1, backend {}",
              tx_name{c->tx_id, c->label, c->saga_id}, (now - c->started_ns) / 1000000,
              c->conn.pid);
  }
  lane_warned_ = std::move(still);  // forget the ones that ended
}

std::vector<active_tx> supervisor_state::snapshot() const {
  const auto now = steady_now_ns();
  const auto threshold = to_ns(cfg_.long_running_threshold);
  std::vector<active_tx> out;
  out.reserve(txs_.size());
  auto add = [&](uint64_t id, const std::string& label, uint32_t attempt, int64_t started,
                 int32_t pid) {
    active_tx a;
    a.id = id;
    a.label = label;
    a.attempt = attempt;
    a.age = std::chrono::milliseconds{(now - started) / 1000000};
    a.backend_pid = pid;
    a.long_running = now - started >= threshold;
    out.push_back(std::move(a));
  };
  for (const auto& [id, e] : txs_)
    add(id, e.opts.label, e.attempts, e.started_ns, e.attempt_running ? e.backend_pid : 0);
  for (const auto& c : lane_calls()) add(c->tx_id, c->label, 1, c->started_ns, c->conn.pid);
  std::sort(out.begin(), out.end(),
            [](const active_tx& x, const active_tx& y) { return x.age > y.age; });
  return out;
}

active_summary supervisor_state::summarize() const {
  const auto now = steady_now_ns();
  const auto threshold = to_ns(cfg_.long_running_threshold);
  active_summary out;
  std::unordered_map<std::string, int64_t> labels;
  for (const auto& [id, e] : txs_) {
    ++labels[e.opts.label];
    if (now - e.started_ns >= threshold) ++out.long_running;
  }
  auto lane = lane_calls();
  for (const auto& c : lane) {
    ++labels[c->label];
    if (now - c->started_ns >= threshold) ++out.long_running;
  }
  out.transactions = static_cast<int64_t>(txs_.size() + lane.size());
  for (auto& [label, n] : labels) out.by_label.push_back(label_count{label, n});
  if (cfg_.add_to_summary) cfg_.add_to_summary(out);
  return out;
}

caf::result<std::vector<active_tx>> supervisor_state::active() {
  auto list = snapshot();
  std::vector<int32_t> pids;
  for (const auto& a : list)
    if (a.backend_pid != 0) pids.push_back(a.backend_pid);
  if (pids.empty()) return list;
  // The statements come from the server: the connection threads are busy running them.
  auto rp = self_->make_response_promise<std::vector<active_tx>>();
  auto self = self_;
  self_->request(pool_, std::chrono::seconds(2), activity_atom::value, std::move(pids))
      .then(
          [=](std::vector<backend_activity>& acts) mutable {
            for (auto& a : list)
              for (auto& b : acts)
                if (a.backend_pid != 0 && a.backend_pid == b.pid) a.statement = b.query;
            rp.deliver(std::move(list));
          },
          [=](caf::error& err) mutable {
            log(log_component::supervisor)
                .warn("active transactions without statements: {}", self->system().render(err));
            rp.deliver(std::move(list));
          });
  return rp;
}

}  // namespace actortx
