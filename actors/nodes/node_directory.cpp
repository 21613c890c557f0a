// The node directory: an event-based actor that never blocks. CAF 0.17's middleman connects
// with a blocking connect() inside its one actor, so a peer whose address black-holes SYNs
// would hold it (and every other connect) for the kernel's ~2 minutes of retries. So each
// attempt first probes the peer with a bounded TCP connect on a detached actor of its own;
// only a peer that answered goes to CAF, asked with a timeout. Callers of one peer share its
// attempt; attempts for different peers run side by side.
#include "actors/nodes/node_directory.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <vector>

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <caf/openssl/all.hpp>

#include <actortx/log.hpp>

#include "actors/nodes/tcp_probe.hpp"

namespace actortx {

namespace {

using probe_atom = caf::atom_constant<caf::atom("tcpprobe")>;
using waiting_caller = caf::typed_response_promise<supervisor_actor>;
using clock_type = std::chrono::steady_clock;

struct directory_state {
  node_config node;
  std::map<std::string, supervisor_actor> connected;
  /// Callers waiting for a peer whose attempt is under way (one attempt per peer at a time).
  std::map<std::string, std::vector<waiting_caller>> waiting;
  static inline const char* name = "actortx.node_directory";
};

using dir_ptr = node_directory_actor::stateful_pointer<directory_state>;

std::string known_peers(const node_config& node) {
  std::string out;
  for (const auto& [name, addr] : node.peers) out += (out.empty() ? "" : ", ") + name;
  return out.empty() ? "none" : out;
}

/// How long a whole attempt (probe, then CAF's connect and handshake) may take: a little less
/// than callers wait for the directory (connect_timeout), so that they get the reason.
std::chrono::milliseconds attempt_budget(const node_config& node) {
  using std::chrono::milliseconds;
  return node.connect_timeout - std::min(node.connect_timeout / 10, milliseconds{200});
}

std::chrono::milliseconds left_until(clock_type::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now());
  return std::max(left, std::chrono::milliseconds{1});
}

/// A one-shot detached actor: probe_tcp blocks (up to its limit) on a thread of its own. (Its
/// target comes as spawn arguments: CAF 0.17 dereferences a null argument tuple when a
/// function-based actor takes none.)
caf::behavior prober(caf::event_based_actor* self, const std::string& host, uint16_t port,
                     std::chrono::milliseconds timeout) {
  return {[=](probe_atom) {
    self->quit();
    return probe_tcp(host, port, timeout);
  }};
}

/// Answers everyone waiting for `name` with the peer's handle (kept and watched) or `err`.
void finish(dir_ptr self, const std::string& name, const supervisor_actor& peer,
            const caf::error& err) {
  auto& st = self->state;
  auto waiting = std::move(st.waiting[name]);
  st.waiting.erase(name);
  if (peer) {
    log(log_component::nodes)
        .info("connected to node '{}' at {}{}", name, st.node.peers[name],
              st.node.tls() ? " (TLS)" : "");
    self->monitor(peer);
    st.connected[name] = peer;
  }
  for (auto& rp : waiting) {
    if (peer)
      rp.deliver(peer);
    else
      rp.deliver(err);
  }
}

void fail(dir_ptr self, const std::string& name, const std::string& cause) {
  auto why = "cannot reach node '" + name + "' at " + self->state.node.peers[name] + ": " + cause;
  log(log_component::nodes).warn("{}", why);
  finish(self, name, {}, make_error(errc::node_unreachable, why));
}

/// Hands a peer that answered the probe to CAF's middleman (with TLS, caf::openssl's), which
/// connects and runs the handshakes; asked with a timeout, so a peer that accepts and then
/// says nothing fails the attempt instead of holding a thread.
void connect_with_caf(dir_ptr self, const std::string& name, const node_endpoint& ep,
                      clock_type::time_point deadline) {
  auto& sys = self->system();
  auto mm = self->state.node.tls() ? sys.openssl_manager().actor_handle()
                                   : sys.middleman().actor_handle();
  self->request(mm, left_until(deadline), connect_atom::value, ep.host, ep.port)
      .then(
          [self, name](caf::node_id&, caf::strong_actor_ptr& ptr, std::set<std::string>& ifs) {
            if (!ptr) return fail(self, name, "no actor is published at that port");
            if (!self->system().assignable<supervisor_actor>(ifs))
              return fail(self, name, "it offers another interface than an actortx supervisor");
            finish(self, name, caf::actor_cast<supervisor_actor>(std::move(ptr)), {});
          },
          [self, name](caf::error& err) {
            if (err != caf::sec::request_timeout)
              return fail(self, name, self->system().render(err));
            fail(self, name,
                 "the TCP connection opened, but no handshake within " +
                     std::to_string(attempt_budget(self->state.node).count()) +
                     " ms (not an actortx node, or it does not answer)");
          });
}

/// Starts the attempt for `name`: the probe, then CAF, within attempt_budget in total.
void start_attempt(dir_ptr self, const std::string& name) {
  const auto& st = self->state;
  const auto deadline = clock_type::now() + attempt_budget(st.node);
  node_endpoint ep;
  try {
    ep = parse_endpoint("actortx.peers", st.node.peers.at(name));
  } catch (const std::exception& e) {
    return fail(self, name, e.what());  // validated at start; kept for a hand-made config
  }
  const auto budget = left_until(deadline);
  auto probe = self->system().spawn<caf::detached>(prober, ep.host, ep.port, budget);
  // The reply comes within the budget; the grace only covers a loaded machine's scheduling.
  self->request(probe, budget + std::chrono::seconds(1), probe_atom::value)
      .then(
          [self, name, ep, deadline](const std::string& why) {
            if (!why.empty()) return fail(self, name, why);
            connect_with_caf(self, name, ep, deadline);
          },
          [self, name](caf::error& err) { fail(self, name, self->system().render(err)); });
}

caf::result<supervisor_actor> on_connect(dir_ptr self, const std::string& name) {
  auto& st = self->state;
  auto i = st.connected.find(name);
  if (i != st.connected.end()) return i->second;
  if (st.node.peers.count(name) == 0)
    return make_error(errc::node_unreachable, "no peer named '" + name + "' (actortx.peers has: " +
                                                  known_peers(st.node) + ")");
  auto rp = self->make_response_promise<supervisor_actor>();
  auto& waiting = st.waiting[name];
  waiting.push_back(rp);
  if (waiting.size() == 1) start_attempt(self, name);
  return rp;
}

void on_down(dir_ptr self, const caf::down_msg& dm) {
  auto& c = self->state.connected;
  for (auto i = c.begin(); i != c.end(); ++i) {
    if (i->second.address() == dm.source) {
      log(log_component::nodes)
          .warn("lost node '{}': {}", i->first, self->system().render(dm.reason));
      c.erase(i);
      return;
    }
  }
}

node_directory_actor::behavior_type directory_fn(dir_ptr self, node_config node) {
  self->state.node = std::move(node);
  self->set_down_handler([self](caf::down_msg& dm) { on_down(self, dm); });
  return {
      [self](connect_atom, const std::string& name) { return on_connect(self, name); },
  };
}

}  // namespace

node_directory_actor spawn_node_directory(caf::actor_system& sys, node_config node) {
  return sys.spawn(directory_fn, std::move(node));
}

}  // namespace actortx
