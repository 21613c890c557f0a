#include <caf/all.hpp>

#include <actortx/log.hpp>

#include "actors/pool/pool_state.hpp"
#include "runtime/policy/clock.hpp"

namespace actortx {

void stop_connection(pool_ptr self, const caf::actor_addr& addr, caf::exit_reason reason) {
  auto i = self->state.conns.find(addr);
  if (i == self->state.conns.end()) return;
  auto h = i->second.handle;
  self->unlink_from(h);
  self->send_exit(h, reason);
  forget(self->state, addr);
  auto& departed = self->state.departed;
  departed.push_back(addr);
  if (departed.size() > 64) departed.pop_front();  // a queued exit is long processed by then
}

void retire(pool_ptr self, const caf::actor_addr& addr, const char* why) {
  auto i = self->state.conns.find(addr);
  if (i == self->state.conns.end()) return;
  log(log_component::pool)
      .debug("pool: closing the connection to backend {} ({})", i->second.pid, why);
  stop_connection(self, addr, caf::exit_reason::user_shutdown);
  ++self->state.stats.retired;
  top_up(self);
}

int64_t retire_time(pool_state& st, int64_t now_ns) {
  if (st.cfg.max_lifetime.count() <= 0) return 0;
  const auto life_ns = std::chrono::nanoseconds{st.cfg.max_lifetime}.count();
  std::uniform_int_distribution<int64_t> early{0, life_ns / 10};
  return now_ns + life_ns - early(st.jitter);
}

caf::timespan sweep_interval(const pool_settings& cfg) {
  using std::chrono::milliseconds;
  milliseconds shortest{0};
  for (auto limit : {cfg.max_lifetime, cfg.idle_timeout})
    if (limit.count() > 0 && (shortest.count() == 0 || limit < shortest)) shortest = limit;
  if (shortest.count() == 0) return caf::timespan{0};
  return std::clamp<milliseconds>(shortest / 4, milliseconds{100}, milliseconds{30000});
}

void sweep_idle(pool_ptr self) {
  auto& st = self->state;
  const auto now = steady_now_ns();
  const auto idle_ns = std::chrono::nanoseconds{st.cfg.idle_timeout}.count();
  size_t open = st.open_or_connecting();
  auto closing = st.desk->take_if([&](const idle_conn& c) {
    const bool close = c.expired(now) ||
                       (idle_ns > 0 && now - c.idle_since_ns >= idle_ns && open > st.cfg.min_size);
    if (close) --open;
    return close;
  });
  for (auto& c : closing)
    retire(self, c.handle.address(), c.expired(now) ? "pool-max-lifetime" : "pool-idle-timeout");
  auto m = st.conns.find(st.monitor);
  if (m != st.conns.end() && past_retirement(m->second.retire_at_ns, now))
    retire(self, st.monitor, "pool-max-lifetime");
}

}  // namespace actortx
