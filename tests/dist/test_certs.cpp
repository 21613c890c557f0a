#include "dist/test_certs.hpp"

#include <cstdio>
#include <cstdlib>  // mkdtemp
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace actortx::test {

namespace {

/// EC P-256 keys: generated in milliseconds (RSA-2048 takes up to a second each on a loaded VM).
const std::vector<std::string> new_key{"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                                       "-nodes"};

std::vector<std::string> operator+(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

void make_ca(const std::string& dir, const std::string& name) {
  run_openssl(std::vector<std::string>{"req", "-x509"} + new_key +
              std::vector<std::string>{"-keyout", dir + "/" + name + ".key", "-out",
                                       dir + "/" + name + ".pem", "-days", "2", "-subj",
                                       "/CN=actortx test " + name});
}

/// A node certificate for 127.0.0.1 signed by CA `ca`.
void make_node_cert(const std::string& dir, const std::string& name, const std::string& ca) {
  const auto base = dir + "/" + name;
  run_openssl(std::vector<std::string>{"req"} + new_key +
              std::vector<std::string>{"-keyout", base + ".key", "-out", base + ".csr", "-subj",
                                       "/CN=" + name});
  std::ofstream{base + ".ext"} << "subjectAltName = IP:127.0.0.1, DNS:localhost\n"
                               << "extendedKeyUsage = serverAuth, clientAuth\n";
  run_openssl({"x509", "-req", "-in", base + ".csr", "-CA", dir + "/" + ca + ".pem", "-CAkey",
               dir + "/" + ca + ".key", "-CAcreateserial", "-out", base + ".pem", "-days", "2",
               "-extfile", base + ".ext"});
}

}  // namespace

void run_openssl(const std::vector<std::string>& args) {
  std::string cmd = "openssl";
  for (const auto& a : args) cmd += " '" + a + "'";  // our own arguments: no quotes inside
  cmd += " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) throw std::runtime_error("cannot run openssl (is the openssl package installed?)");
  std::string output;
  char buf[512];
  while (auto n = std::fread(buf, 1, sizeof buf, p)) output.append(buf, n);
  int status = ::pclose(p);
  if (status != 0)
    throw std::runtime_error("`" + cmd + "` failed (status " + std::to_string(status) +
                             "): " + output);
}

test_pki::test_pki(const std::vector<std::string>& nodes) {
  std::string tmpl = (std::filesystem::temp_directory_path() / "actortx-pki-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed for " + tmpl);
  dir_ = tmpl;
  make_ca(dir_, "ca");
  for (const auto& n : nodes) make_node_cert(dir_, n, "ca");
  make_ca(dir_, "rogue-ca");
  make_node_cert(dir_, "rogue", "rogue-ca");
}

test_pki::~test_pki() {
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void test_pki::use(node_config& node, const std::string& name) const {
  node.plain_tcp = false;
  node.tls_cert = dir_ + "/" + name + ".pem";
  node.tls_key = dir_ + "/" + name + ".key";
  node.tls_ca = dir_ + "/ca.pem";
}

void test_pki::use_rogue(node_config& node) const {
  node.plain_tcp = false;
  node.tls_cert = dir_ + "/rogue.pem";
  node.tls_key = dir_ + "/rogue.key";
  node.tls_ca = dir_ + "/rogue-ca.pem";
}

}  // namespace actortx::test
