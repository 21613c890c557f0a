// How a saga actor runs a transaction: a run_atom request like any client's, to the home
// supervisor, to options.on, or to a peer node's supervisor. Templates, so that the
// continuations stay in the request's handlers instead of one more allocation per step.
// Internal to actors/sagas.
#pragma once

#include <caf/all.hpp>

#include <actortx/trace_context.hpp>

#include "actors/nodes/node_directory.hpp"
#include "actors/sagas/saga_actor_state.hpp"
#include "messages/error_text.hpp"
#include "messages/no_answer.hpp"
#include "messages/reply_timeout.hpp"
#include "runtime/policy/failed_outcome.hpp"

namespace actortx::saga_impl {

/// Runs a transaction through `where`; every failure to get an answer becomes an outcome.
template <class Work, class F>
void run_tx(saga_ptr self, supervisor_actor where, tx_options opts, Work work, F on_done) {
  auto& st = self->state;
  const bool peer = where.address() != st.home.address();
  uint64_t seq = 0;
  if (peer) {
    seq = ++st.next_seq;
    st.peer.seq = seq;
    st.peer.where = where.address();
    st.peer.fail = on_done;
  }
  // A reply to a request the down handler failed already is dropped.
  auto current = [self, seq] {
    if (seq == 0) return true;
    if (self->state.peer.seq != seq) return false;
    self->state.peer = {};
    return true;
  };
  // Every transaction of the saga (steps, compensations, log writes, fences) names it in its
  // record and log lines; the metric label (type/step) stays bounded.
  opts.saga_id = st.args.id;
  // ... and runs in the saga's trace: one request followed through every step, on any node.
  opts.correlation_id = child_traceparent(st.args.correlation_id);
  const auto timeout = reply_timeout(opts, reply_grace);
  // The handlers live as long as the transaction waits: they keep the label, not all opts.
  auto label = opts.label;
  self->request(where, timeout, run_atom::value, std::move(opts), std::move(work))
      .then(
          [on_done, current](tx_outcome& out) mutable {
            if (current()) on_done(out);
          },
          [self, on_done, current, label = std::move(label)](caf::error& err) mutable {
            // No answer is no proof that it did not commit: the step is then in doubt, and
            // the saga resolves it by the step's key like a lost COMMIT reply.
            if (current()) on_done(no_answer_outcome(err, self->system().render(err), label));
          });
}

/// Runs a transaction where step `step` runs: this node, options.on, or a peer node (connected
/// through the node directory and watched, so that its loss fails the request at once).
template <class Work, class F>
void run_on(saga_ptr self, size_t step, tx_options opts, Work work, F on_done) {
  const auto& node = peer_node(self, step);
  if (node.empty())
    return run_tx(self, target(self, step), std::move(opts), std::move(work), on_done);
  const auto& nodes = settings(self).nodes;
  if (!nodes)
    return on_done(failed_outcome(
        opts, errc::node_unreachable,
        "step runs on node '" + node + "', but this runtime has no peers (actortx.peers)"));
  self->request(nodes, settings(self).connect_timeout + reply_grace, connect_atom::value, node)
      .then(
          [self, opts, work, on_done](supervisor_actor& where) mutable {
            self->monitor(where);
            run_tx(self, where, opts, std::move(work), on_done);
          },
          [self, on_done, opts](caf::error& err) mutable {
            on_done(failed_outcome(opts, errc::node_unreachable, reason_of(self->system(), err)));
          });
}

}  // namespace actortx::saga_impl
