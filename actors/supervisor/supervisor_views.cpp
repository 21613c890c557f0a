#include "actors/supervisor/supervisor_views.hpp"

#include <algorithm>
#include <unordered_map>

#include <caf/all.hpp>

#include <actortx/log.hpp>

#include "actors/lane/lane_call.hpp"
#include "actors/lane/lane_registry.hpp"
#include "runtime/policy/clock.hpp"

namespace actortx {

namespace {

std::vector<std::shared_ptr<lane_call>> lane_calls(sup_ptr self) {
  const auto& lane = self->state.cfg.lane;
  return lane ? lane->list() : std::vector<std::shared_ptr<lane_call>>{};
}

caf::timespan tick_interval(const supervisor_settings& cfg) {
  auto quarter = cfg.long_running_threshold / 4;
  return std::clamp<caf::timespan>(quarter, std::chrono::milliseconds(50), std::chrono::seconds(1));
}

}  // namespace

void schedule_tick(sup_ptr self) {
  self->delayed_send(self, tick_interval(self->state.cfg), tick_atom::value);
}

void warn_long_running(sup_ptr self) {
  auto& st = self->state;
  const auto now = steady_now_ns();
  const auto threshold = to_ns(st.cfg.long_running_threshold);
  for (auto& [id, e] : st.txs) {
    if (e.long_warned || now - e.started_ns < threshold) continue;
    e.long_warned = true;
    log().warn("tx {} [{}] is long-running: {} ms so far, attempt {}, backend {}", id, e.opts.label,
               (now - e.started_ns) / 1000000, e.attempts, e.backend_pid);
  }
  std::unordered_set<uint64_t> still;
  for (const auto& c : lane_calls(self)) {
    if (now - c->started_ns < threshold) continue;
    still.insert(c->tx_id);
    if (st.lane_warned.count(c->tx_id) > 0) continue;
    log().warn("tx {} [{}] is long-running: {} ms so far, attempt 1, backend {}", c->tx_id,
               c->label, (now - c->started_ns) / 1000000, c->conn.pid);
  }
  st.lane_warned = std::move(still);  // forget the ones that ended
}

std::vector<active_tx> snapshot(sup_ptr self) {
  auto& st = self->state;
  const auto now = steady_now_ns();
  const auto threshold = to_ns(st.cfg.long_running_threshold);
  std::vector<active_tx> out;
  out.reserve(st.txs.size());
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
  for (const auto& [id, e] : st.txs)
    add(id, e.opts.label, e.attempts, e.started_ns, e.attempt_running ? e.backend_pid : 0);
  for (const auto& c : lane_calls(self)) add(c->tx_id, c->label, 1, c->started_ns, c->conn.pid);
  std::sort(out.begin(), out.end(),
            [](const active_tx& x, const active_tx& y) { return x.age > y.age; });
  return out;
}

active_summary summarize(sup_ptr self) {
  auto& st = self->state;
  const auto now = steady_now_ns();
  const auto threshold = to_ns(st.cfg.long_running_threshold);
  active_summary out;
  std::unordered_map<std::string, int64_t> labels;
  for (const auto& [id, e] : st.txs) {
    ++labels[e.opts.label];
    if (now - e.started_ns >= threshold) ++out.long_running;
  }
  auto lane = lane_calls(self);
  for (const auto& c : lane) {
    ++labels[c->label];
    if (now - c->started_ns >= threshold) ++out.long_running;
  }
  out.transactions = static_cast<int64_t>(st.txs.size() + lane.size());
  for (auto& [label, n] : labels) out.by_label.push_back(label_count{label, n});
  for (const auto& [id, s] : st.sagas) ++out.sagas_by_state[static_cast<size_t>(s.state)];
  return out;
}

}  // namespace actortx
