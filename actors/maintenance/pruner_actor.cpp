#include "actors/maintenance/pruner_actor.hpp"

#include <deque>
#include <optional>

#include <caf/all.hpp>

#include <actortx/errc.hpp>
#include <actortx/log.hpp>

#include "messages/reply_timeout.hpp"
#include "runtime/schema/prune_sql.hpp"

namespace actortx {

namespace {

using report_promise = caf::typed_response_promise<prune_report>;

/// A round asked for and not yet run: by prune_now (with a promise) or by the timer.
struct round_request {
  int64_t as_of_us = -1;
  std::optional<report_promise> reply;
};

/// The round running now: its request and the sums so far.
struct round_run {
  round_request request;
  prune_report sums;
};

struct pruner_state {
  supervisor_actor home;
  pruner_settings cfg;
  bool busy = false;
  std::deque<round_request> waiting;
  static inline const char* name = "actortx.pruner";
};

using pruner_ptr = pruner_actor::stateful_pointer<pruner_state>;

void start_next(pruner_ptr self);

tx_options batch_options(const pruner_settings& cfg) {
  tx_options o;
  o.label = "actortx.prune";
  o.timeout = cfg.batch_timeout;
  o.retry.max_retries = 2;  // a deadlock or a lost connection: the next batch may go through
  return o;
}

prune_batch_args batch_args(const pruner_settings& cfg, int64_t as_of_us) {
  prune_batch_args a;
  a.owner = cfg.node_id;
  a.lease = cfg.lease;
  if (as_of_us >= 0)
    a.as_of = std::chrono::system_clock::time_point{std::chrono::microseconds{as_of_us}};
  a.retention = cfg.retention;
  a.batch = cfg.batch;
  return a;
}

void log_round(const pruner_settings& cfg, const prune_report& r) {
  if (r.lease_held_elsewhere() && r.batches == 0) {
    log(log_component::maintenance)
        .debug("prune: node {} skipped the round: node {} holds the pruning lease", cfg.node_id,
               r.held_by);
    return;
  }
  log(log_component::maintenance)
      .info(
          "prune: node {} deleted {} saga(s) ({} step(s), {} event(s)) and {} key(s) older "
          "than {} in {} batch(es)",
          cfg.node_id, r.sagas, r.steps, r.events, r.keys, r.cutoff, r.batches);
}

/// The round ends: its requester (if any) gets the sums, or `failure`; the next round starts.
void finish(pruner_ptr self, round_run& run, const std::string& failure) {
  auto& cfg = self->state.cfg;
  if (failure.empty()) {
    log_round(cfg, run.sums);
    if (run.request.reply) run.request.reply->deliver(run.sums);
  } else {
    log(log_component::maintenance)
        .warn("prune: node {} stopped its round after {} batch(es): {}", cfg.node_id,
              run.sums.batches, failure);
    if (run.request.reply) run.request.reply->deliver(make_error(errc::sql_error, failure));
  }
  self->state.busy = false;
  start_next(self);
}

/// One batch, then the next one while batches come back full.
void run_batch(pruner_ptr self, std::shared_ptr<round_run> run) {
  const auto& cfg = self->state.cfg;
  auto opts = batch_options(cfg);
  self->request(self->state.home, reply_timeout(opts), run_atom::value, opts,
                prune_batch_script(batch_args(cfg, run->request.as_of_us)))
      .then(
          [self, run](tx_outcome& out) {
            prune_report batch;
            try {
              batch = parse_prune_batch(out);
            } catch (const std::exception& e) {
              return finish(self, *run, e.what());
            }
            if (add_batch(run->sums, batch, self->state.cfg.batch)) return run_batch(self, run);
            finish(self, *run, "");
          },
          [self, run](caf::error& err) { finish(self, *run, self->system().render(err)); });
}

void start_next(pruner_ptr self) {
  auto& st = self->state;
  if (st.busy || st.waiting.empty()) return;
  st.busy = true;
  auto run = std::make_shared<round_run>();
  run->request = std::move(st.waiting.front());
  st.waiting.pop_front();
  run_batch(self, std::move(run));
}

pruner_actor::behavior_type pruner_fn(pruner_ptr self, supervisor_actor home, pruner_settings cfg) {
  auto& st = self->state;
  st.home = std::move(home);
  st.cfg = std::move(cfg);
  // Ends with the supervisor (its requests would only fail after that).
  self->link_to(st.home);
  if (st.cfg.interval.count() > 0) self->delayed_send(self, st.cfg.interval, tick_atom::value);
  return {
      [self](tick_atom) {
        auto& st = self->state;
        // A round that runs (or waits) now covers this one.
        if (!st.busy && st.waiting.empty()) st.waiting.push_back(round_request{});
        start_next(self);
        self->delayed_send(self, st.cfg.interval, tick_atom::value);
      },
      [self](prune_atom, int64_t as_of_us) -> caf::result<prune_report> {
        auto rp = self->make_response_promise<prune_report>();
        self->state.waiting.push_back(round_request{as_of_us, rp});
        start_next(self);
        return rp;
      },
  };
}

}  // namespace

pruner_actor spawn_pruner(caf::actor_system& sys, supervisor_actor home, pruner_settings s) {
  return sys.spawn(pruner_fn, std::move(home), std::move(s));
}

}  // namespace actortx
