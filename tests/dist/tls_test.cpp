// Mutual TLS between nodes: a certificate signed by the cluster's CA gets in; one signed by
// another CA is refused with an error naming the node, and the node keeps serving.
#include <catch2/catch.hpp>

#include <actortx/outcome_text.hpp>
#include <actortx/runtime.hpp>

#include "dist/dist_bank.hpp"
#include "dist/dist_env.hpp"
#include "support/pg_test_env.hpp"

using namespace actortx;

TEST_CASE("a peer with a certificate from an unknown CA is refused, and the node still serves",
          "[dist][pg]") {
  test::test_database db;
  test::create_bank(db.dsn(), 2, 100);
  test::test_pki pki{{"b", "client"}};
  test::dist_node b{{db.dsn(), "b", &pki}};
  const auto ping = procedure_call::make("ping", 7);

  {
    auto cfg = test::client_config(db, {{"b", b.port()}}, &pki);
    pki.use_rogue(cfg.node);
    runtime rogue{std::move(cfg)};
    auto out = rogue.call_on("b", rogue.default_options(), ping);
    INFO(describe(out));
    CHECK(out.state == tx_state::failed);
    CHECK(out.code == errc::node_unreachable);
    CHECK_THAT(out.message,
               Catch::Contains("cannot reach node 'b' at " + test::loopback(b.port())));
  }
  REQUIRE(b.running());

  runtime rt{test::client_config(db, {{"b", b.port()}}, &pki)};
  auto out = rt.call_on("b", rt.default_options(), ping);
  INFO(describe(out) << "\nnode log:\n" << b.log());
  CHECK(out.committed());
}

TEST_CASE("a client that trusts another CA refuses the node's certificate", "[dist][pg]") {
  test::test_database db;
  test::test_pki pki{{"b", "client"}};
  test::dist_node b{{db.dsn(), "b", &pki}};
  // Its own certificate is fine, but it does not trust the CA that signed the node's.
  auto cfg = test::client_config(db, {{"b", b.port()}}, &pki);
  cfg.node.tls_ca = pki.dir() + "/rogue-ca.pem";
  runtime rt{std::move(cfg)};
  auto out = rt.call_on("b", rt.default_options(), procedure_call::make("ping", 1));
  INFO(describe(out));
  CHECK(out.code == errc::node_unreachable);
  CHECK_THAT(out.message, Catch::Contains("cannot reach node 'b'"));
}
