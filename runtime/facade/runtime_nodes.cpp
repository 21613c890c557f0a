// The façade's calls to peer nodes: procedures and scripts run there, watched while they run.
#include <caf/all.hpp>

#include "actors/nodes/node_directory.hpp"
#include "messages/error_text.hpp"
#include "runtime/facade/blocking_ask.hpp"
#include "runtime/facade/blocking_self.hpp"
#include "runtime/facade/runtime_impl.hpp"
#include "runtime/policy/failed_outcome.hpp"

namespace actortx {

namespace {

/// A request to a peer node, watched: if the peer goes away before it answers, the caller
/// learns it at once (IN_DOUBT: it may have committed there) instead of at the timeout.
/// Sent as a plain message (its answer comes back as one), so that one receive can wait for
/// the answer, the peer's down message and the timeout together.
template <class Work>
tx_outcome ask_peer(caf::actor_system& sys, const supervisor_actor& where, const std::string& node,
                    const tx_options& opts, const Work& work) {
  tx_outcome out;
  blocking_self self{sys};
  self->monitor(where);
  self->send(where, run_atom::value, opts, work);
  self->receive([&](tx_outcome& o) { out = std::move(o); },
                [&](caf::error& err) { out = outcome_from_error(sys, err, opts); },
                [&](caf::down_msg& dm) {
                  out.label = opts.label;
                  out.state = tx_state::in_doubt;
                  out.code = errc::node_unreachable;
                  out.message = "node '" + node + "' went away before answering (" +
                                sys.render(dm.reason) +
                                "): the transaction may have committed there; retry only with an "
                                "idempotency key";
                },
                caf::after(reply_timeout(opts)) >>
                    [&] {
                      out.label = opts.label;
                      out.state = tx_state::in_doubt;
                      out.code = errc::timeout;
                      out.message = "node '" + node + "' did not answer within the deadline + " +
                                    std::to_string(reply_grace.count()) +
                                    " s: the transaction may have committed there; retry only "
                                    "with an idempotency key";
                    });
  self->demonitor(where.address());
  return out;
}

tx_outcome unreachable(const tx_options& opts, const std::string& why) {
  return failed_outcome(opts, errc::node_unreachable, why);
}

}  // namespace

tx_outcome runtime::call(const tx_options& opts, const procedure_call& call) {
  return ask(*impl_->sys, caf::actor_cast<supervisor_actor>(impl_->sup), opts, call);
}

tx_outcome runtime::call_on(const std::string& node_name, const tx_options& opts,
                            const procedure_call& call) {
  try {
    return ask_peer(*impl_->sys, node(node_name), node_name, opts, call);
  } catch (const node_error& e) {
    return unreachable(opts, e.what());
  }
}

tx_outcome runtime::transact_on(const std::string& node_name, const tx_options& opts,
                                const tx_script& script) {
  try {
    return ask_peer(*impl_->sys, node(node_name), node_name, opts, script);
  } catch (const node_error& e) {
    return unreachable(opts, e.what());
  }
}

supervisor_actor runtime::node(const std::string& name) {
  if (!impl_->nodes)
    throw node_error("cannot reach node '" + name +
                     "': this runtime has no peers (set actortx.peers)");
  supervisor_actor out;
  std::string why;
  blocking_self self{*impl_->sys};
  self->request(impl_->nodes, impl_->cfg.node.connect_timeout, connect_atom::value, name)
      .receive([&](supervisor_actor& h) { out = std::move(h); },
               [&](caf::error& err) {
                 why = reason_of(*impl_->sys, err);
                 if (err.category() != errc_category)
                   why = "cannot reach node '" + name + "': " + why;
               });
  if (!out) throw node_error(why);
  return out;
}

uint16_t runtime::node_port() const noexcept {
  return impl_->node_port;
}

}  // namespace actortx
