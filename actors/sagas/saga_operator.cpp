#include "actors/sagas/saga_operator.hpp"

#include <caf/all.hpp>

#include <actortx/log.hpp>

#include "messages/reply_timeout.hpp"
#include "runtime/policy/saga_id.hpp"
#include "runtime/sagas/saga_admin_sql.hpp"

namespace actortx {

namespace {

using op_ptr = saga_operator_actor::pointer;

tx_options options_of(const saga_operator_settings& s, const char* label, bool read_only) {
  auto opts = s.saga->log_options;
  opts.label = label;
  opts.read_only = read_only;
  return opts;
}

/// The log transaction's own code when it did not commit; invalid_argument for what the log
/// holds but cannot be parsed.
caf::error log_error(const tx_outcome& out, const std::string& what) {
  if (!out.committed())
    return make_error(out.code == errc::none ? errc::rolled_back : out.code,
                      "cannot read the saga log (" + what + "): " + out.message);
  return make_error(errc::sql_error,
                    "the saga log holds what this node cannot read (" + what + ")");
}

/// Runs `script` on `home` and answers `rp` with parse(outcome), or with an error.
template <class Answer, class Parse>
caf::result<Answer> run(op_ptr self, const supervisor_impl_actor& home, const tx_options& opts,
                        tx_script script, std::string what, Parse parse) {
  auto rp = self->make_response_promise<Answer>();
  self->request(home, reply_timeout(opts), run_atom::value, opts, std::move(script))
      .then(
          [=](tx_outcome& out) mutable {
            if (!out.committed()) {
              rp.deliver(log_error(out, what));
              return;
            }
            try {
              rp.deliver(parse(out));
            } catch (const std::exception& e) {
              log(log_component::saga).warn("saga operator: {}: {}", what, e.what());
              rp.deliver(make_error(errc::sql_error, what + ": " + e.what()));
            }
          },
          [=](caf::error& err) mutable {
            rp.deliver(make_error(errc::attempt_crashed, "cannot read the saga log (" + what +
                                                             "): " + self->system().render(err)));
          });
  return rp;
}

/// What an accepted command sets going on this node: the driving node hears a cancel at once,
/// recovery claims a saga that is no one's now.
void act_on(op_ptr self, const saga_operator_settings& s, const saga_command& c,
            const saga_command_result& r) {
  if (!r.accepted) return;
  log(log_component::saga)
      .info("saga {}: {} by {} ({}): {}", c.id, to_string(c.kind), c.by, c.reason, r.message);
  const bool running = r.before == saga_state::started || r.before == saga_state::executing;
  if (c.kind == saga_command_kind::cancel && running) {
    self->send(s.host, cancel_atom::value, c.id, c.by + ": " + c.reason);
    return;
  }
  if (!s.recovery) return;
  self->request(s.recovery, std::chrono::seconds(30), recover_atom::value)
      .then([](uint32_t) {},
            [=](caf::error& err) {
              log(log_component::saga)
                  .warn("saga {}: recovery did not claim it now ({}); its next round will", c.id,
                        self->system().render(err));
            });
}

saga_operator_actor::behavior_type operator_fn(op_ptr self, const supervisor_impl_actor& home,
                                               const saga_operator_settings& s) {
  self->link_to(home);  // ends with the supervisor, as the other saga actors do
  return {
      [=](saga_atom, saga_filter& f) -> caf::result<std::vector<saga_info>> {
        if (auto bad = check_saga_filter(f); !bad.empty())
          return make_error(errc::invalid_argument, "saga list: " + bad);
        return run<std::vector<saga_info>>(
            self, home, options_of(s, "actortx.saga_admin", true), saga_list_script(f),
            "listing sagas", [](const tx_outcome& out) { return parse_saga_list(out); });
      },
      [=](saga_atom, saga_lookup& q) -> caf::result<saga_detail> {
        if (auto bad = check_saga_id(q.id); !bad.empty())
          return make_error(errc::invalid_argument, "saga id '" + q.id + "': " + bad);
        auto id = q.id;
        return run<saga_detail>(self, home, options_of(s, "actortx.saga_admin", true),
                                saga_lookup_script(id), "looking up saga " + id,
                                [id](const tx_outcome& out) { return parse_saga_lookup(id, out); });
      },
      [=](saga_atom, saga_command& c) -> caf::result<saga_command_result> {
        if (auto bad = check_saga_command(c); !bad.empty())
          return saga_command_result{false, saga_state::started, bad};
        return run<saga_command_result>(
            self, home, options_of(s, "actortx.saga_admin", false), saga_command_script(c),
            std::string{to_string(c.kind)} + " of saga " + c.id, [=](const tx_outcome& out) {
              auto r = parse_saga_command(c, out);
              act_on(self, s, c, r);
              return r;
            });
      },
  };
}

}  // namespace

saga_operator_actor spawn_saga_operator(caf::actor_system& sys, supervisor_impl_actor home,
                                        saga_operator_settings settings) {
  auto ops = sys.spawn(operator_fn, home, std::move(settings));
  caf::anon_send(home, saga_ops_atom::value, ops);
  return ops;
}

}  // namespace actortx
