#include "actors/node_directory.hpp"

#include <map>

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <caf/openssl/all.hpp>

#include "runtime/log.hpp"

namespace actortx {

namespace {

struct directory_state {
  node_config node;
  std::map<std::string, supervisor_actor> connected;
  static inline const char* name = "actortx.node_directory";
};

using dir_ptr = node_directory_actor::stateful_pointer<directory_state>;

std::string known_peers(const node_config& node) {
  std::string out;
  for (const auto& [name, addr] : node.peers) out += (out.empty() ? "" : ", ") + name;
  return out.empty() ? "none" : out;
}

caf::result<supervisor_actor> connect_peer(dir_ptr self, const std::string& name) {
  auto& st = self->state;
  auto i = st.connected.find(name);
  if (i != st.connected.end()) return i->second;
  auto p = st.node.peers.find(name);
  if (p == st.node.peers.end())
    return make_error(errc::node_unreachable, "no peer named '" + name + "' (actortx.peers has: " +
                                                  known_peers(st.node) + ")");
  auto ep = parse_endpoint("actortx.peers", p->second);
  auto h = connect_node(self->system(), st.node, ep.host, ep.port);
  if (!h) {
    auto why = "cannot reach node '" + name + "' at " + p->second + ": " +
               self->system().render(h.error());
    log().warn("{}", why);
    return make_error(errc::node_unreachable, why);
  }
  log().info("connected to node '{}' at {}{}", name, p->second, st.node.tls() ? " (TLS)" : "");
  self->monitor(*h);
  st.connected[name] = *h;
  return *h;
}

node_directory_actor::behavior_type directory_fn(dir_ptr self, node_config node) {
  self->state.node = std::move(node);
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& c = self->state.connected;
    for (auto i = c.begin(); i != c.end(); ++i) {
      if (i->second.address() == dm.source) {
        log().warn("lost node '{}': {}", i->first, self->system().render(dm.reason));
        c.erase(i);
        return;
      }
    }
  });
  return {
      [=](connect_atom, const std::string& name) { return connect_peer(self, name); },
  };
}

}  // namespace

std::string reason_of(caf::actor_system& sys, const caf::error& err) {
  if (err.category() == errc_category && err.context().match_element<std::string>(0))
    return err.context().get_as<std::string>(0);
  return sys.render(err);
}

caf::expected<supervisor_actor> connect_node(caf::actor_system& sys, const node_config& node,
                                             const std::string& host, uint16_t port) {
  if (node.tls()) return caf::openssl::remote_actor<supervisor_actor>(sys, host, port);
  return sys.middleman().remote_actor<supervisor_actor>(host, port);
}

node_directory_actor spawn_node_directory(caf::actor_system& sys, node_config node) {
  return sys.spawn<caf::detached>(directory_fn, std::move(node));
}

}  // namespace actortx
