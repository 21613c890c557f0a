// What a [dist] test sets up: node processes (actortx-dist-node) on 127.0.0.1 and a runtime in
// the test process that reaches them as its peers.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include <actortx/runtime_config.hpp>

#include "dist/child_process.hpp"
#include "dist/test_certs.hpp"

namespace actortx::test {

class test_database;

struct node_spec {
  std::string dsn;
  /// The node's id, also its name among its peers ("a", "b").
  std::string id;
  /// TLS with the certificate named `id`; null: plain TCP (loopback).
  const test_pki* pki = nullptr;
  /// Peers by name -> port on 127.0.0.1.
  std::map<std::string, uint16_t> peers{};
  /// 0: any free port.
  uint16_t port{0};
};

/// A node process, started by the constructor and serving once it returns. Its log (stderr)
/// goes to a temporary file, removed by the destructor.
class dist_node {
 public:
  explicit dist_node(node_spec spec);
  ~dist_node();

  uint16_t port() const noexcept { return port_; }
  const node_spec& spec() const noexcept { return spec_; }
  /// SIGKILL: no shutdown, its connections just drop.
  void kill9() { proc_->kill9(); }
  /// Starts it again with the same id on the same port (after kill9 or stop).
  void restart();
  /// Asks it to stop (closes its stdin); its exit code, -1 if it had to be killed.
  int stop() { return proc_->stop(); }
  bool running() const noexcept { return proc_ && proc_->running(); }
  /// What it logged so far.
  std::string log() const;

 private:
  void start();
  node_spec spec_;
  std::string log_path_;
  std::unique_ptr<child_process> proc_;
  uint16_t port_ = 0;
};

/// A runtime config for the test process on `db`: node id "client", peers by name on
/// 127.0.0.1, TLS with certificate `cert` of `pki` (null: plain TCP). It does not listen.
runtime_config client_config(const test_database& db, const std::map<std::string, uint16_t>& peers,
                             const test_pki* pki, const std::string& cert = "client");

/// "127.0.0.1:<port>".
std::string loopback(uint16_t port);

}  // namespace actortx::test
