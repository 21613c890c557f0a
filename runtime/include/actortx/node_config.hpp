// How a runtime takes part in a cluster of CAF nodes: where it publishes its supervisor, the
// TLS material that authenticates it to its peers, and where its peers are.
// Config keys: actortx.listen, actortx.tls-cert, tls-key, tls-ca, actortx.plain-tcp,
// actortx.peers, actortx.node-connect-timeout.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

#include <caf/fwd.hpp>

#include <actortx/config_error.hpp>

namespace actortx {

struct node_endpoint {
  std::string host;
  uint16_t port = 0;
};

struct node_config {
  /// actortx.listen = "" (not published; the node can still call its peers), "host:port" or
  /// "[ipv6]:port": where to publish this node's supervisor (port 0: any free, see
  /// runtime::node_port()).
  std::string listen;
  /// actortx.tls-cert, actortx.tls-key, actortx.tls-ca = "": PEM files of this node's
  /// certificate and key, and of the CA its peers' certificates must be signed by. All three
  /// or none; TLS is mutual (both sides present certificates). A networked node needs them
  /// or plain_tcp.
  std::string tls_cert;
  std::string tls_key;
  std::string tls_ca;
  /// actortx.plain-tcp = false: unencrypted, unauthenticated TCP between nodes; only for
  /// development, and only on loopback addresses (127.0.0.0/8, ::1, localhost).
  bool plain_tcp = false;
  /// actortx.peers = [] as ["name=host:port", ...]: the other nodes by name.
  std::map<std::string, std::string> peers;
  /// actortx.node-connect-timeout = 5s, positive: longest wait for a peer to answer a
  /// connection attempt.
  std::chrono::milliseconds connect_timeout{5000};

  bool tls() const noexcept { return !tls_cert.empty() || !tls_key.empty() || !tls_ca.empty(); }
  /// The runtime needs CAF's middleman (it publishes or has peers).
  bool networked() const noexcept { return !listen.empty() || !peers.empty(); }
  /// Throws config_error on the first problem: TLS files incomplete or unreadable, neither
  /// TLS nor plain TCP, plain TCP on a non-loopback address, a malformed endpoint or peer.
  void validate() const;
};

/// Parses "host:port", "[::1]:port"; throws config_error naming `key` and `text`.
node_endpoint parse_endpoint(const char* key, const std::string& text);
/// 127.0.0.0/8, ::1 and "localhost".
bool is_loopback(const std::string& host);

/// node.validate(), for callers that check a node_config on its own.
void validate_node(const node_config& node);

/// Loads what a networked node needs into a CAF config before its actor_system is created:
/// the middleman and, with TLS, caf::openssl with the node's certificate, key and CA. Call it
/// for an actor system you pass to runtime(sys, cfg, ...); the runtime does it for its own.
void prepare_node_system(caf::actor_system_config& sys_cfg, const node_config& node);

}  // namespace actortx
