// TLS material made at test time with the openssl CLI (no key is ever committed): a CA, node
// certificates signed by it, and a second, unrelated CA with a certificate of its own, for
// peers that must be refused.
#pragma once

#include <string>
#include <vector>

#include <actortx/node_config.hpp>

namespace actortx::test {

class test_pki {
 public:
  /// Creates a temporary directory with ca.pem, <name>.pem/.key for each of `nodes` (signed by
  /// ca.pem), rogue-ca.pem and rogue.pem/.key (signed by rogue-ca.pem). Throws
  /// std::runtime_error with openssl's output when a command fails.
  explicit test_pki(const std::vector<std::string>& nodes);
  /// Removes the directory.
  ~test_pki();

  test_pki(const test_pki&) = delete;
  test_pki& operator=(const test_pki&) = delete;

  const std::string& dir() const noexcept { return dir_; }
  /// Sets `node`'s certificate and key to <name>'s and its CA to ca.pem.
  void use(node_config& node, const std::string& name) const;
  /// A peer from another organisation: its certificate and CA are the rogue ones.
  void use_rogue(node_config& node) const;

 private:
  std::string dir_;
};

/// Runs the openssl CLI with `args`; throws std::runtime_error with its output on failure.
void run_openssl(const std::vector<std::string>& args);

}  // namespace actortx::test
