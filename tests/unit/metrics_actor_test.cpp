// The metrics actor: what it adds to the store's snapshot (identity, pool gauges with the
// lease-wait histogram, open alerts) and that the library's own records raise no alert.
#include "actors/observability/metrics_actor.hpp"

#include <chrono>

#include <caf/all.hpp>
#include <catch2/catch.hpp>

#include <actortx/register_messages.hpp>

using namespace actortx;
using namespace std::chrono_literals;

namespace {

struct threaded_config : caf::actor_system_config {
  threaded_config() {
    register_messages(*this);
    set("scheduler.max-threads", 2);
  }
};

/// A pool that only answers stats, with a lease-wait histogram and failure counters. It takes
/// its size as an argument: CAF 0.17 spawns a function without arguments through a null
/// shared_ptr<tuple<>> that it dereferences (UBSan: reference binding to null pointer).
pool_actor::behavior_type stats_only_pool(uint32_t max) {
  return {
      [](acquire_atom, caf::timespan) -> caf::result<lease> { return caf::sec::invalid_argument; },
      [](release_atom, uint64_t, bool) {},
      [max](stats_atom) {
        pool_stats p;
        p.max = max;
        p.leased = 3;
        p.idle = 5;
        p.lease_wait_us = 1500;
        p.lease_wait_buckets.assign(lease_wait_bucket_count, 0);
        p.lease_wait_buckets[0] = 40;
        p.lease_wait_buckets[4] = 2;
        p.replaced = 3;
        p.connect_failures = 7;
        return p;
      },
      [](activity_atom, const std::vector<int32_t>&) { return std::vector<backend_activity>{}; },
      [](ready_atom, int32_t) {},
      [](waiter_atom, uint64_t) {},
      [](spawn_atom) {},
      [](tick_atom) {},
      [](returned_atom, const connection_actor&, bool) {},
  };
}

tx_record in_doubt(uint64_t id, const std::string& label) {
  tx_record r;
  r.id = id;
  r.label = label;
  r.state = tx_state::in_doubt;
  r.attempts = 1;
  r.failure_causes = {"commit_in_doubt"};
  r.error_type = "commit_in_doubt";
  r.internal = is_internal_label(label);
  return r;
}

}  // namespace

TEST_CASE(
    "the metrics actor stamps snapshots with its identity and the pool's lease-wait "
    "histogram, and alerts only on the application's records",
    "[unit]") {
  threaded_config cfg;
  caf::actor_system sys{cfg};
  metrics_settings settings;
  settings.identity = {"bank-a", "bank", "bank-a", "db.example:5432"};
  settings.log_interval = 0ms;
  auto metrics = spawn_metrics(sys, sys.spawn(stats_only_pool, uint32_t{8}), settings);
  caf::scoped_actor self{sys};

  self->send(metrics, in_doubt(1, "actortx.saga_log"));
  std::vector<alert> alerts;
  // One mailbox: the alerts are asked for after the record was handled.
  self->request(metrics, 5s, alerts_atom::value)
      .receive([&](std::vector<alert>& a) { alerts = std::move(a); },
               [&](caf::error& e) { FAIL(sys.render(e)); });
  CHECK(alerts.empty());

  self->send(metrics, in_doubt(2, "transfer"));
  self->request(metrics, 5s, alerts_atom::value)
      .receive([&](std::vector<alert>& a) { alerts = std::move(a); },
               [&](caf::error& e) { FAIL(sys.render(e)); });
  size_t in_doubt_alerts = 0;
  for (const auto& a : alerts) {
    CHECK(a.subject != "actortx.saga_log");
    if (a.rule != "commit_in_doubt") continue;
    ++in_doubt_alerts;
    CHECK(a.subject == "transfer");
  }
  CHECK(in_doubt_alerts == 1);

  metrics_snapshot s;
  self->request(metrics, 5s, metrics_atom::value)
      .receive([&](metrics_snapshot& x) { s = std::move(x); },
               [&](caf::error& e) { FAIL(sys.render(e)); });
  CHECK(s.identity.runtime == "bank-a");
  CHECK(s.identity.server == "db.example:5432");
  CHECK(s.pool.lease_wait_buckets[0] == 40);
  CHECK(s.pool.lease_wait_buckets[4] == 2);
  CHECK(s.pool.replaced == 3);
  CHECK(s.pool.connect_failures == 7);
  CHECK(s.open_alerts == alerts.size());
  CHECK(s.overall.in_doubt == 1);
  CHECK(s.internal.in_doubt == 1);
  self->send_exit(metrics, caf::exit_reason::user_shutdown);
}
