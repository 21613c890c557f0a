#include "actors/sagas/saga_recovery_actor.hpp"

#include <caf/all.hpp>

#include <actortx/log.hpp>

#include "messages/reply_timeout.hpp"
#include "runtime/sagas/saga_log.hpp"

namespace actortx {

namespace {

struct recovery_state {
  supervisor_actor home;
  saga_manager_actor host;
  std::shared_ptr<const saga_registry> registry;
  std::shared_ptr<const saga_settings> settings;
  saga_recovery_settings cfg;
  bool first_round = true;
  static inline const char* name = "actortx.saga_recovery";
};

using rec_ptr = saga_recovery_actor::stateful_pointer<recovery_state>;

/// One claim round; `done` gets the number of sagas handed to the saga manager (or 0 on error).
void claim(rec_ptr self, const std::function<void(uint32_t)>& done) {
  auto& st = self->state;
  const auto& s = *st.settings;
  claim_request r;
  r.owner = s.node_id;
  r.lease = s.lease;
  r.known = st.registry->types();
  r.include_own = st.first_round;
  r.limit = st.cfg.batch;
  r.unknown_version_grace = st.cfg.unknown_version_grace;
  auto script = claim_script(r);
  auto opts = s.log_options;
  opts.label = "actortx.saga_claim";
  self->request(st.home, reply_timeout(opts), run_atom::value, opts, std::move(script))
      .then(
          [=](tx_outcome& out) {
            auto& st = self->state;
            std::vector<std::string> ids;
            try {
              ids = parse_claim(out);
            } catch (const std::exception& e) {
              log(log_component::saga).warn("saga recovery: claiming failed: {}", e.what());
              return done(0);
            }
            st.first_round = false;
            if (!ids.empty())
              log(log_component::saga)
                  .info("saga recovery: node {} claimed {} saga(s)", st.settings->node_id,
                        ids.size());
            for (auto& id : ids) self->send(st.host, recover_atom::value, std::move(id));
            auto n = static_cast<uint32_t>(ids.size());
            done(n);
            // A full batch: there may be more waiting.
            if (n == st.cfg.batch) return claim(self, [](uint32_t) {});
            if (st.cfg.caught_up) st.cfg.caught_up->store(true);
          },
          [=](caf::error& err) {
            log(log_component::saga)
                .warn("saga recovery: claiming failed: {}", self->system().render(err));
            done(0);
          });
}

void renew(rec_ptr self) {
  auto& st = self->state;
  self->request(st.host, std::chrono::seconds(5), sagas_atom::value)
      .then(
          [=](std::vector<saga_info>& running) {
            if (running.empty()) return;
            auto& st = self->state;
            std::vector<std::string> ids;
            ids.reserve(running.size());
            for (auto& i : running) ids.push_back(std::move(i.id));
            auto opts = st.settings->log_options;
            opts.label = "actortx.saga_lease";
            self->request(st.home, reply_timeout(opts), run_atom::value, opts,
                          renew_script(st.settings->node_id, st.settings->lease, ids))
                .then(
                    [=](tx_outcome& out) {
                      if (!out.committed())
                        return log(log_component::saga)
                            .warn("saga recovery: renewing leases failed: {}", out.message);
                      // An operator's cancel of a saga this node drives, written on another
                      // node (or by the command-line tool): the saga hears it now.
                      for (auto& [id, why] : parse_renew(out))
                        self->send(self->state.host, cancel_atom::value, id, why);
                    },
                    [=](caf::error& err) {
                      log(log_component::saga)
                          .warn("saga recovery: renewing leases failed: {}",
                                self->system().render(err));
                    });
          },
          [=](caf::error&) {});
}

saga_recovery_actor::behavior_type recovery_fn(rec_ptr self, supervisor_actor home,
                                               saga_manager_actor host,
                                               std::shared_ptr<const saga_registry> registry,
                                               std::shared_ptr<const saga_settings> settings,
                                               saga_recovery_settings cfg) {
  auto& st = self->state;
  st.home = std::move(home);
  st.host = std::move(host);
  st.registry = std::move(registry);
  st.settings = std::move(settings);
  st.cfg = cfg;
  // Ends with the supervisor (its requests would only fail after that).
  self->link_to(st.home);
  self->send(self, tick_atom::value);
  self->delayed_send(self, st.settings->lease / 3, lease_atom::value);
  return {
      [=](tick_atom) {
        claim(self, [=](uint32_t) {});
        self->delayed_send(self, self->state.cfg.interval, tick_atom::value);
      },
      [=](lease_atom) {
        renew(self);
        self->delayed_send(self, self->state.settings->lease / 3, lease_atom::value);
      },
      [=](recover_atom) -> caf::result<uint32_t> {
        auto rp = self->make_response_promise<uint32_t>();
        claim(self, [rp](uint32_t n) mutable { rp.deliver(n); });
        return rp;
      },
  };
}

}  // namespace

saga_recovery_actor spawn_saga_recovery(caf::actor_system& sys, supervisor_actor home,
                                        saga_manager_actor host,
                                        std::shared_ptr<const saga_registry> registry,
                                        std::shared_ptr<const saga_settings> settings,
                                        saga_recovery_settings recovery) {
  return sys.spawn(recovery_fn, std::move(home), std::move(host), std::move(registry),
                   std::move(settings), recovery);
}

}  // namespace actortx
