#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include <caf/all.hpp>
#include <catch2/catch.hpp>

#include <actortx/runtime_config.hpp>

using namespace actortx;

namespace {

std::string config_error_of(const node_config& n) {
  try {
    validate_node(n);
  } catch (const config_error& e) {
    return e.what();
  }
  return {};
}

}  // namespace

TEST_CASE("endpoints parse as host:port and [ipv6]:port", "[unit]") {
  auto a = parse_endpoint("k", "127.0.0.1:4242");
  CHECK(a.host == "127.0.0.1");
  CHECK(a.port == 4242);
  auto b = parse_endpoint("k", "[::1]:0");
  CHECK(b.host == "::1");
  CHECK(b.port == 0);
  CHECK_THROWS_AS(parse_endpoint("k", "localhost"), config_error);
  CHECK_THROWS_AS(parse_endpoint("k", "host:99999"), config_error);
  CHECK_THROWS_AS(parse_endpoint("k", ":80"), config_error);
}

TEST_CASE("a node without TLS material or plain-tcp is refused, naming the keys", "[unit]") {
  node_config n;
  n.listen = "127.0.0.1:0";
  auto why = config_error_of(n);
  CHECK(why.find("actortx.tls-cert") != std::string::npos);
  CHECK(why.find("actortx.plain-tcp") != std::string::npos);
}

TEST_CASE("plain TCP is only allowed on loopback", "[unit]") {
  node_config n;
  n.plain_tcp = true;
  n.listen = "127.0.0.1:0";
  n.peers["b"] = "localhost:4243";
  CHECK(config_error_of(n).empty());
  n.listen = "0.0.0.0:4242";
  CHECK(config_error_of(n).find("actortx.listen") != std::string::npos);
  n.listen = "127.0.0.1:0";
  n.peers["c"] = "10.0.0.7:4243";
  CHECK(config_error_of(n).find("actortx.peers") != std::string::npos);
}

TEST_CASE("TLS needs all three readable PEM files", "[unit]") {
  node_config n;
  n.listen = "127.0.0.1:0";
  n.tls_cert = "/nonexistent/cert.pem";
  auto why = config_error_of(n);
  CHECK(why.find("actortx.tls-cert") != std::string::npos);
  CHECK(why.find("cannot read the file") != std::string::npos);
  char path[] = "/tmp/actortx-pemXXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  close(fd);
  std::ofstream{path} << "not a certificate\n";
  n.tls_cert = n.tls_key = n.tls_ca = path;
  CHECK(config_error_of(n).find("not a PEM file") != std::string::npos);
  std::ofstream{path} << "-----BEGIN CERTIFICATE-----\n";
  CHECK(config_error_of(n).empty());
  n.plain_tcp = true;
  CHECK(config_error_of(n).find("actortx.plain-tcp") != std::string::npos);
  std::remove(path);
}

TEST_CASE("peers are read from the config as name=host:port", "[unit]") {
  caf_config cfg;
  REQUIRE_FALSE(cfg.parse(caf::actor_system_config::string_list{
      "--actortx.plain-tcp", "--actortx.listen=127.0.0.1:0",
      R"(--actortx.peers=["b=127.0.0.1:4243","c=[::1]:4244"])"}));
  auto rc = read_config(cfg);
  CHECK(rc.node.plain_tcp);
  CHECK(rc.node.peers.at("b") == "127.0.0.1:4243");
  CHECK(rc.node.peers.at("c") == "[::1]:4244");
  caf_config bad;
  REQUIRE_FALSE(bad.parse(
      caf::actor_system_config::string_list{"--actortx.plain-tcp", R"(--actortx.peers=["b"])"}));
  CHECK_THROWS_WITH(read_config(bad), Catch::Contains("actortx.peers"));
}
