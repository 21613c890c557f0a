// A node that is configured wrong does not start: config_error names the key, the value and
// what to do, before anything listens or connects.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include <catch2/catch.hpp>

#include <actortx/runtime.hpp>

#include "dist/child_process.hpp"
#include "dist/test_certs.hpp"

using namespace actortx;

namespace {

runtime_config listening(const std::string& listen) {
  runtime_config cfg;
  cfg.dsn = "host=/nonexistent dbname=never_reached";  // validation comes first
  cfg.node.listen = listen;
  return cfg;
}

/// The config_error that starting a runtime with `cfg` throws (its key and message).
std::pair<std::string, std::string> refusal(runtime_config cfg) {
  try {
    runtime rt{std::move(cfg)};
  } catch (const config_error& e) {
    return {e.field(), e.what()};
  }
  FAIL("the runtime started");
  return {};
}

}  // namespace

TEST_CASE("a node whose TLS files are missing does not start, and the error names the key",
          "[dist]") {
  test::test_pki pki{{"b"}};
  auto cfg = listening("127.0.0.1:0");
  pki.use(cfg.node, "b");
  cfg.node.tls_key = pki.dir() + "/missing.key";
  auto [key, what] = refusal(cfg);
  CHECK(key == "actortx.tls-key");
  CHECK_THAT(what, Catch::Contains("missing.key") && Catch::Contains("cannot read the file"));

  cfg = listening("127.0.0.1:0");
  pki.use(cfg.node, "b");
  cfg.node.tls_ca.clear();
  std::tie(key, what) = refusal(cfg);
  CHECK(key == "actortx.tls-ca");
  CHECK_THAT(what, Catch::Contains("TLS needs all of"));

  cfg = listening("127.0.0.1:0");
  pki.use(cfg.node, "b");
  cfg.node.tls_cert = pki.dir() + "/b.ext";  // exists, but is no certificate
  std::tie(key, what) = refusal(cfg);
  CHECK(key == "actortx.tls-cert");
  CHECK_THAT(what, Catch::Contains("not a PEM file"));
}

TEST_CASE("plain TCP is refused on a non-loopback address and without being asked for", "[dist]") {
  auto cfg = listening("0.0.0.0:0");
  cfg.node.plain_tcp = true;
  auto [key, what] = refusal(cfg);
  CHECK(key == "actortx.listen");
  CHECK_THAT(what, Catch::Contains("0.0.0.0:0") && Catch::Contains("only allowed on loopback"));

  cfg = listening("127.0.0.1:0");
  cfg.node.plain_tcp = true;
  cfg.node.peers["far"] = "10.1.2.3:4000";
  std::tie(key, what) = refusal(cfg);
  CHECK(key == "actortx.peers");
  CHECK_THAT(what, Catch::Contains("far=10.1.2.3:4000"));

  // Neither TLS nor plain TCP: a node never talks unencrypted by accident.
  std::tie(key, what) = refusal(listening("127.0.0.1:0"));
  CHECK(key == "actortx.tls-cert");
  CHECK_THAT(what, Catch::Contains("actortx.plain-tcp"));
}

TEST_CASE("the node program reports a bad node option and exits non-zero", "[dist]") {
  const auto log = (std::filesystem::temp_directory_path() /
                    ("actortx-bad-node-" + std::to_string(::getpid()) + ".log"))
                       .string();
  {
    test::child_process node{{ACTORTX_DIST_NODE, "--actortx.dsn=host=/nonexistent",
                              "--actortx.listen=192.0.2.1:7000", "--actortx.plain-tcp"},
                             log};
    CHECK_THROWS_WITH(node.wait_for_line("listening on ", std::chrono::seconds(30)),
                      Catch::Contains("exit code 1"));
  }
  std::ifstream in{log};
  std::string text{std::istreambuf_iterator<char>{in}, {}};
  std::filesystem::remove(log);
  CHECK_THAT(text, Catch::Contains("actortx.listen: 192.0.2.1:7000 is invalid"));
}
