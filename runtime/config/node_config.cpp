// node_config: endpoints parsed, the TLS or plain-TCP choice validated, the CAF modules a
// networked node needs loaded.
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <caf/actor_system_config.hpp>
#include <caf/io/middleman.hpp>
#include <caf/openssl/manager.hpp>

#include <actortx/config_error.hpp>
#include <actortx/node_config.hpp>

namespace actortx {

node_endpoint parse_endpoint(const char* key, const std::string& text) {
  node_endpoint out;
  std::string port;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':')
      throw config_error(key, text, "expected [ipv6]:port");
    out.host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string::npos) throw config_error(key, text, "expected host:port");
    out.host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  if (out.host.empty()) throw config_error(key, text, "the host is missing (expected host:port)");
  char* end = nullptr;
  errno = 0;
  auto p = std::strtol(port.c_str(), &end, 10);
  if (port.empty() || errno != 0 || *end != '\0' || p < 0 || p > 65535)
    throw config_error(key, text, "the port must be a number from 0 to 65535");
  out.port = static_cast<uint16_t>(p);
  return out;
}

bool is_loopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

namespace {

void check_pem(const char* key, const std::string& path) {
  if (path.empty())
    throw config_error(key, "",
                       "TLS needs all of actortx.tls-cert, actortx.tls-key and actortx.tls-ca");
  std::ifstream in{path};
  if (!in) throw config_error(key, path, std::string{"cannot read the file: "} + strerror(errno));
  std::stringstream text;
  text << in.rdbuf();
  if (text.str().find("-----BEGIN ") == std::string::npos)
    throw config_error(key, path, "not a PEM file (no -----BEGIN line)");
}

}  // namespace

void validate_node(const node_config& node) {
  node.validate();
}

void node_config::validate() const {
  const auto& node = *this;
  if (node.connect_timeout.count() <= 0)
    throw config_error("actortx.node-connect-timeout",
                       std::to_string(node.connect_timeout.count()) + "ms", "must be positive");
  if (!node.listen.empty()) parse_endpoint("actortx.listen", node.listen);
  for (const auto& [name, addr] : node.peers) {
    if (name.empty()) throw config_error("actortx.peers", "=" + addr, "a peer needs a name");
    parse_endpoint("actortx.peers", addr);
  }
  if (!node.networked()) return;
  if (node.tls()) {
    if (node.plain_tcp)
      throw config_error("actortx.plain-tcp", "true",
                         "conflicts with actortx.tls-cert/-key/-ca: a node speaks either TLS or "
                         "plain TCP");
    check_pem("actortx.tls-cert", node.tls_cert);
    check_pem("actortx.tls-key", node.tls_key);
    check_pem("actortx.tls-ca", node.tls_ca);
    return;
  }
  if (!node.plain_tcp)
    throw config_error("actortx.tls-cert", "",
                       "a node talks to other nodes over TLS: set actortx.tls-cert, "
                       "actortx.tls-key and actortx.tls-ca (or, for development on loopback "
                       "only, actortx.plain-tcp)");
  if (!node.listen.empty()) {
    auto ep = parse_endpoint("actortx.listen", node.listen);
    if (!is_loopback(ep.host))
      throw config_error("actortx.listen", node.listen,
                         "plain TCP is only allowed on loopback (127.0.0.1, ::1, localhost); "
                         "configure TLS for other addresses");
  }
  for (const auto& [name, addr] : node.peers)
    if (!is_loopback(parse_endpoint("actortx.peers", addr).host))
      throw config_error("actortx.peers", std::string{name}.append("=").append(addr),
                         "plain TCP is only allowed to loopback peers; configure TLS");
}

void prepare_node_system(caf::actor_system_config& sys_cfg, const node_config& node) {
  sys_cfg.load<caf::io::middleman>();
  if (!node.tls()) return;
  sys_cfg.load<caf::openssl::manager>();
  sys_cfg.set("openssl.certificate", node.tls_cert);
  sys_cfg.set("openssl.key", node.tls_key);
  sys_cfg.set("openssl.cafile", node.tls_ca);
}

}  // namespace actortx
