#include "dist/dist_env.hpp"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/pg_test_env.hpp"

namespace actortx::test {

std::string loopback(uint16_t port) {
  return "127.0.0.1:" + std::to_string(port);
}

dist_node::dist_node(node_spec spec) : spec_(std::move(spec)) {
  static std::atomic<int> counter{0};
  log_path_ = (std::filesystem::temp_directory_path() /
               ("actortx-dist-" + spec_.id + "-" + std::to_string(::getpid()) + "-" +
                std::to_string(++counter) + ".log"))
                  .string();
  start();
}

dist_node::~dist_node() {
  proc_.reset();  // kills it if it still runs
  std::error_code ec;
  std::filesystem::remove(log_path_, ec);
}

void dist_node::start() {
  std::vector<std::string> args{ACTORTX_DIST_NODE,
                                "--actortx.dsn=" + spec_.dsn,
                                "--actortx.node-id=" + spec_.id,
                                "--actortx.listen=" + loopback(spec_.port),
                                "--actortx.pool-max=4",
                                "--actortx.scheduler-threads=2",
                                "--actortx.tx-timeout=10s",
                                "--actortx.retry-initial-delay=5ms",
                                "--actortx.retry-max-delay=100ms",
                                "--actortx.log-level=warn"};
  if (spec_.pki) {
    const auto& d = spec_.pki->dir();
    args.push_back("--actortx.tls-cert=" + d + "/" + spec_.id + ".pem");
    args.push_back("--actortx.tls-key=" + d + "/" + spec_.id + ".key");
    args.push_back("--actortx.tls-ca=" + d + "/ca.pem");
  } else {
    args.push_back("--actortx.plain-tcp");  // a CAF flag: "=true" is a parse error
  }
  if (!spec_.peers.empty()) {
    std::string list;
    for (const auto& [name, port] : spec_.peers)
      list += (list.empty() ? "" : ",") + ("\"" + name + "=" + loopback(port) + "\"");
    args.push_back("--actortx.peers=[" + list + "]");
  }
  proc_.reset();
  proc_ = std::make_unique<child_process>(std::move(args), log_path_);
  try {
    port_ = static_cast<uint16_t>(
        std::stoi(proc_->wait_for_line("listening on ", std::chrono::seconds(30))));
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string{e.what()} + "; its log:\n" + log());
  }
}

void dist_node::restart() {
  if (proc_) proc_->kill9();
  spec_.port = port_;
  start();
}

std::string dist_node::log() const {
  std::ifstream in{log_path_};
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

runtime_config client_config(const test_database& db, const std::map<std::string, uint16_t>& peers,
                             const test_pki* pki, const std::string& cert) {
  auto cfg = test_config(db);
  cfg.sagas.node_id = "client";
  for (const auto& [name, port] : peers) cfg.node.peers[name] = loopback(port);
  if (pki)
    pki->use(cfg.node, cert);
  else
    cfg.node.plain_tcp = true;
  return cfg;
}

}  // namespace actortx::test
