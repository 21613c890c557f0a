#include "actors/pool/pool_actor.hpp"

#include <algorithm>

#include <caf/all.hpp>

#include <actortx/log.hpp>
#include <actortx/metrics.hpp>

#include "actors/lane/lane_call.hpp"
#include "actors/pg/connection_actor.hpp"
#include "actors/pool/pool_state.hpp"
#include "runtime/policy/clock.hpp"

namespace actortx {

namespace {

void spawn_connection(pool_ptr self, bool monitor) {
  const auto& cfg = self->state.cfg;
  auto h = self->spawn<caf::detached + caf::linked>(
      connection_fn,
      connection_settings{cfg.dsn, caf::actor_cast<pool_actor>(self), cfg.hooks,
                          cfg.statement_cache_size, cfg.reset_session, self->state.desk});
  conn_entry e;
  e.handle = h;
  e.monitor = monitor;
  if (monitor) self->state.monitor = h.address();
  self->state.conns.emplace(h.address(), std::move(e));
}

bool needs_more(const pool_state& st) {
  auto n = st.open_or_connecting();
  return n < st.cfg.max_size && (st.connecting() < st.waiters.size() || n < st.cfg.min_size);
}

}  // namespace

/// While connects keep failing, probes with one connection at a time, 25 ms doubling to 200 ms
/// apart: a refused connect is cheap, and the pool must be back within 500 ms of the server.
void top_up(pool_ptr self) {
  auto& st = self->state;
  if (st.top_up_scheduled) return;
  if (st.failed_connects_in_a_row > 0) {
    if (st.connecting() == 0 && (needs_more(st) || !st.monitor)) {
      auto shift = std::min<uint32_t>(st.failed_connects_in_a_row - 1, 4);
      auto delay = std::min(std::chrono::milliseconds{25 << shift}, std::chrono::milliseconds{200});
      st.top_up_scheduled = true;
      self->delayed_send(self, delay, spawn_atom::value);
    }
    return;
  }
  while (needs_more(st)) spawn_connection(self, false);
  if (!st.monitor) spawn_connection(self, true);
}

namespace {

/// Counts a granted lease in the lease-wait figures; `waited_ns` is 0 for one served at once.
void count_lease_wait(pool_stats& stats, int64_t waited_ns) {
  ++stats.leases;
  const double waited_s = static_cast<double>(waited_ns) / 1e9;
  const auto bound =
      std::lower_bound(lease_wait_bucket_bounds.begin(), lease_wait_bucket_bounds.end(), waited_s);
  ++stats.lease_wait_buckets[static_cast<size_t>(bound - lease_wait_bucket_bounds.begin())];
  if (waited_ns <= 0) return;
  stats.lease_wait_us += static_cast<uint64_t>(waited_ns / 1000);
  if (waited_ns > 100'000'000) ++stats.leases_waited_over_100ms;
}

void grant(pool_ptr self, const caf::actor_addr& addr, caf::typed_response_promise<lease>& rp,
           int64_t waited_ns) {
  auto& st = self->state;
  auto& e = st.conns[addr];
  e.leased = true;
  auto id = ++st.next_lease;
  st.leases.emplace(id, addr);
  count_lease_wait(st.stats, waited_ns);
  rp.deliver(lease{e.handle, e.pid, id});
}

/// A connection is free: the oldest waiter gets it, else it goes idle. One past its lifetime
/// is closed instead (and replaced if the waiters or pool-min need it).
void make_available(pool_ptr self, const caf::actor_addr& addr) {
  auto& st = self->state;
  auto& e = st.conns[addr];
  e.leased = false;
  if (past_retirement(e.retire_at_ns, steady_now_ns())) {
    retire(self, addr, "pool-max-lifetime");
    return;
  }
  if (!st.waiters.empty()) {
    auto w = std::move(st.waiters.front());
    st.waiters.pop_front();
    st.desk->waiter_gone();
    grant(self, addr, w.rp, steady_now_ns() - w.queued_ns);
    return;
  }
  st.desk->put(idle_conn{e.handle, e.pid, e.retire_at_ns, steady_now_ns()});
}

/// A connection came back in doubt: ping it before anyone else gets it.
void validate_then_offer(pool_ptr self, const caf::actor_addr& addr) {
  auto h = self->state.conns[addr].handle;
  self->request(h, std::chrono::seconds(5), ping_atom::value)
      .then(
          [=](int32_t) {
            if (self->state.conns.count(addr) > 0) make_available(self, addr);
          },
          [=](caf::error& err) {
            // Gone by itself: its exit message (we are still linked) drops and replaces it.
            if (self->state.conns.count(addr) == 0 || err == caf::sec::request_receiver_down)
              return;
            // Stuck or failing: dropped here, since it unlinks from us on our exit message.
            stop_connection(self, addr, caf::exit_reason::kill);
            ++self->state.stats.replaced;
            log(log_component::pool)
                .warn("pool: a connection failed its check ({}), replacing it",
                      self->system().render(err));
            top_up(self);
          });
}

}  // namespace

void forget(pool_state& st, const caf::actor_addr& addr) {
  auto i = st.conns.find(addr);
  if (i == st.conns.end()) return;
  if (i->second.monitor) st.monitor = nullptr;
  st.conns.erase(i);
  st.desk->remove_if([&](const idle_conn& c) { return c.handle.address() == addr; });
  for (auto l = st.leases.begin(); l != st.leases.end();)
    l = l->second == addr ? st.leases.erase(l) : std::next(l);
}

namespace {

void drop(pool_ptr self, const caf::actor_addr& addr, const caf::error& reason) {
  auto& st = self->state;
  auto i = st.conns.find(addr);
  if (i == st.conns.end()) return;
  const bool was_ready = i->second.ready;
  forget(st, addr);
  if (!was_ready) {
    ++st.stats.connect_failures;
    ++st.failed_connects_in_a_row;
    st.last_connect_error = self->system().render(reason);
    log(log_component::pool).warn("pool: cannot connect: {}", st.last_connect_error);
  } else {
    ++st.stats.replaced;
    log(log_component::pool)
        .warn("pool: connection dropped ({}), replacing it", self->system().render(reason));
  }
  top_up(self);
}

caf::result<lease> on_acquire(pool_ptr self, caf::timespan timeout) {
  auto& st = self->state;
  auto rp = self->make_response_promise<lease>();
  if (auto c = st.desk->take()) {  // the most recently used: warm caches
    grant(self, c->handle.address(), rp, 0);
    return rp;
  }
  if (st.waiters.size() >= st.cfg.max_waiters) {
    ++st.stats.exhausted;
    rp.deliver(make_error(errc::pool_exhausted, "lease queue is full",
                          static_cast<uint64_t>(st.waiters.size())));
    return rp;
  }
  if (auto c = st.desk->take_or_wait()) {  // given back just now
    grant(self, c->handle.address(), rp, 0);
    return rp;
  }
  auto id = ++st.next_waiter;
  st.waiters.push_back(waiter{id, rp, steady_now_ns()});
  self->delayed_send(self, timeout, waiter_atom::value, id);
  top_up(self);
  return rp;
}

void on_release(pool_ptr self, uint64_t lease_id, bool healthy) {
  auto& st = self->state;
  auto l = st.leases.find(lease_id);
  if (l == st.leases.end()) return;  // connection already dropped
  auto addr = l->second;
  st.leases.erase(l);
  if (healthy)
    make_available(self, addr);
  else
    validate_then_offer(self, addr);
}

/// A connection the blocking lane took from the desk, given back through the pool.
void on_returned(pool_ptr self, const connection_actor& h, bool healthy) {
  auto addr = h.address();
  if (self->state.conns.count(addr) == 0) return;  // dropped meanwhile
  if (healthy)
    make_available(self, addr);
  else
    validate_then_offer(self, addr);
}

pool_stats stats_of(const pool_state& st) {
  pool_stats s = st.stats;
  // Taken by the blocking lane without asking: an idle connection, so no wait.
  const auto lent = st.desk->lent();
  s.leases += lent;
  s.lease_wait_buckets.front() += lent;
  s.max = static_cast<uint32_t>(st.cfg.max_size);
  s.connecting = static_cast<uint32_t>(st.connecting());
  s.open = static_cast<uint32_t>(st.open_or_connecting() - st.connecting());
  s.idle = static_cast<uint32_t>(st.desk->idle());
  // Lent by the pool or taken from the desk by the blocking lane.
  s.leased = s.open > s.idle ? s.open - s.idle : 0;
  s.waiting = static_cast<uint32_t>(st.waiters.size());
  s.resets = st.desk->resets();
  return s;
}

/// Current statements of these backends, asked on the monitor connection.
caf::result<std::vector<backend_activity>> on_activity(pool_ptr self, std::vector<int32_t>& pids) {
  auto& st = self->state;
  auto i = st.conns.find(st.monitor);
  if (i == st.conns.end() || !i->second.ready)
    return make_error(errc::connection_failed, "no monitoring connection");
  auto rp = self->make_response_promise<std::vector<backend_activity>>();
  self->request(i->second.handle, std::chrono::seconds(2), activity_atom::value, std::move(pids))
      .then([=](std::vector<backend_activity>& v) mutable { rp.deliver(std::move(v)); },
            [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
  return rp;
}

void on_ready(pool_ptr self, int32_t pid) {
  auto& st = self->state;
  auto i = st.conns.find(caf::actor_cast<caf::actor_addr>(self->current_sender()));
  if (i == st.conns.end()) return;
  if (st.failed_connects_in_a_row > 0)
    log(log_component::pool).info("pool: PostgreSQL accepts connections again");
  st.failed_connects_in_a_row = 0;
  i->second.ready = true;
  i->second.pid = pid;
  i->second.retire_at_ns = retire_time(st, steady_now_ns());
  if (!i->second.monitor) make_available(self, i->first);
  top_up(self);  // more may be needed now that connects succeed again
}

void on_waiter_timeout(pool_ptr self, uint64_t id) {
  auto& st = self->state;
  auto w = std::find_if(st.waiters.begin(), st.waiters.end(),
                        [id](const waiter& x) { return x.id == id; });
  if (w == st.waiters.end()) return;  // served in time
  ++st.stats.exhausted;
  st.desk->waiter_gone();
  std::string why = "no connection became free before the acquire timeout";
  if (!st.last_connect_error.empty() && st.failed_connects_in_a_row > 0)
    why += "; last connect error: " + st.last_connect_error;
  w->rp.deliver(make_error(errc::pool_exhausted, why,
                           static_cast<uint64_t>(st.open_or_connecting()),
                           static_cast<uint64_t>(st.cfg.max_size)));
  st.waiters.erase(w);
}

/// The top-up timer: a normal top-up, or while connects fail, one probe connection.
void on_spawn_timer(pool_ptr self) {
  auto& st = self->state;
  st.top_up_scheduled = false;
  if (st.failed_connects_in_a_row == 0 || st.connecting() > 0) {
    top_up(self);
    return;
  }
  // The probe: a connection that is needed, or the monitor connection.
  if (needs_more(st))
    spawn_connection(self, false);
  else if (!st.monitor)
    spawn_connection(self, true);
}

pool_actor::behavior_type pool_fn(pool_ptr self, pool_settings settings) {
  self->state.cfg = std::move(settings);
  self->state.stats.lease_wait_buckets.assign(lease_wait_bucket_count, 0);
  self->state.desk =
      self->state.cfg.desk ? self->state.cfg.desk : std::make_shared<connection_desk>();
  self->attach_functor([desk = self->state.desk] { desk->close(); });
  // Connections are linked: they die with the pool; their deaths reach us as exit messages.
  self->set_exit_handler([self](caf::exit_msg& msg) {
    if (self->state.conns.count(msg.source) > 0) {
      drop(self, msg.source, msg.reason);
      return;
    }
    if (self->state.departed_connection(msg.source)) return;
    log(log_component::pool)
        .debug("pool: stopping on an exit from {} ({})", caf::to_string(msg.source),
               self->system().render(msg.reason));
    // Queued lease requests are answered now rather than at their acquire timeout: a caller
    // still waiting would otherwise hold ~runtime for up to actortx.acquire-timeout.
    for (auto& w : self->state.waiters)
      w.rp.deliver(make_error(errc::shutting_down, "the connection pool is stopping"));
    self->state.waiters.clear();
    self->quit(msg.reason);
  });
  top_up(self);
  const auto every = sweep_interval(self->state.cfg);
  if (every.count() > 0) self->delayed_send(self, every, tick_atom::value);
  return {
      [=](acquire_atom, caf::timespan timeout) { return on_acquire(self, timeout); },
      [=](release_atom, uint64_t id, bool healthy) { on_release(self, id, healthy); },
      [=](returned_atom, const connection_actor& h, bool ok) { on_returned(self, h, ok); },
      [=](stats_atom) { return stats_of(self->state); },
      [=](activity_atom, std::vector<int32_t>& pids) { return on_activity(self, pids); },
      [=](ready_atom, int32_t pid) { on_ready(self, pid); },
      [=](waiter_atom, uint64_t id) { on_waiter_timeout(self, id); },
      [=](spawn_atom) { on_spawn_timer(self); },
      [=](tick_atom) {
        sweep_idle(self);
        self->delayed_send(self, every, tick_atom::value);
      },
  };
}

}  // namespace

pool_actor spawn_pool(caf::actor_system& sys, pool_settings settings) {
  return sys.spawn(pool_fn, std::move(settings));
}

}  // namespace actortx
