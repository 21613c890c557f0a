#include "node_files.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <vector>

namespace stress {

namespace {

/// Runs openssl with `args` (our own words and temp paths: no quotes inside).
void openssl(const std::vector<std::string>& args) {
  std::string cmd = "openssl";
  for (const auto& a : args) cmd += " '" + a + "'";
  cmd += " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) throw std::runtime_error("cannot run openssl (apt-get install openssl)");
  std::string output;
  char buf[512];
  while (auto n = std::fread(buf, 1, sizeof buf, p)) output.append(buf, n);
  if (::pclose(p) != 0)
    throw std::runtime_error("`" + cmd + "` failed: " + output.substr(0, output.find('\n')));
}

/// EC P-256 keys: made in milliseconds, where RSA keys take up to a second on a loaded machine.
std::vector<std::string> with_new_key(std::vector<std::string> a) {
  a.insert(a.begin() + 1, {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"});
  return a;
}

void make_certificates(const std::string& dir) {
  openssl(with_new_key({"req", "-x509", "-keyout", dir + "/ca.key", "-out", dir + "/ca.pem",
                        "-days", "2", "-subj", "/CN=actortx-stress CA"}));
  openssl(with_new_key({"req", "-keyout", dir + "/node.key", "-out", dir + "/node.csr", "-subj",
                        "/CN=actortx-stress node"}));
  std::ofstream{dir + "/node.ext"} << "subjectAltName = IP:127.0.0.1, DNS:localhost\n"
                                   << "extendedKeyUsage = serverAuth, clientAuth\n";
  openssl({"x509", "-req", "-in", dir + "/node.csr", "-CA", dir + "/ca.pem", "-CAkey",
           dir + "/ca.key", "-CAcreateserial", "-out", dir + "/node.pem", "-days", "2", "-extfile",
           dir + "/node.ext"});
  // Nothing is signed after this: the CA's key would only be one more secret on disk.
  std::filesystem::remove(dir + "/ca.key");
}

constexpr const char* kept_marker = "KEPT";

}  // namespace

node_files::node_files(bool tls) : tls_(tls) {
  sweep_stale_dirs(node_dir_prefix, kept_marker, ".key");  // what killed runs left behind
  std::string tmpl = owned_dir_template(node_dir_prefix);
  if (!::mkdtemp(tmpl.data()))
    throw std::runtime_error("cannot create a directory for the nodes' files");
  dir_ = tmpl;
  try {
    watcher_ = std::make_unique<dir_watcher>(dir_);  // before any key exists
    if (tls_) make_certificates(dir_);
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
    throw;
  }
}

node_files::~node_files() {
  if (keep_) return;
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void node_files::keep() noexcept {
  keep_ = true;
  std::error_code ec;
  std::filesystem::remove(dir_ + "/node.key", ec);
  std::ofstream{dir_ + "/" + kept_marker} << "kept for its logs; keys removed\n";
  if (watcher_) watcher_->keep();
}

actortx::node_config node_files::client_node(std::map<std::string, std::string> peers) const {
  actortx::node_config n;
  n.peers = std::move(peers);
  if (tls_) {
    n.tls_cert = dir_ + "/node.pem";
    n.tls_key = dir_ + "/node.key";
    n.tls_ca = dir_ + "/ca.pem";
  } else {
    n.plain_tcp = true;
  }
  return n;
}

}  // namespace stress
