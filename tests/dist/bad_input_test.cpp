// Bad input from the network: every request a node cannot run is answered with an error that
// says why (never half-run, never spliced into SQL), and the node keeps serving.
#include <caf/all.hpp>
#include <catch2/catch.hpp>

#include <actortx/outcome_text.hpp>
#include <actortx/runtime.hpp>

#include "dist/dist_bank.hpp"
#include "dist/dist_env.hpp"
#include "support/pg_test_env.hpp"

using namespace actortx;
using namespace std::chrono_literals;

namespace {

/// One node "b" over TLS and a runtime in the test process that calls it.
struct one_node {
  test::test_database db;
  test::test_pki pki{{"b", "client"}};
  test::dist_node b;
  runtime rt;

  one_node()
      : b((test::create_bank(db.dsn(), 2, 100), test::node_spec{db.dsn(), "b", &pki})),
        rt(test::client_config(db, {{"b", b.port()}}, &pki)) {}

  tx_outcome call(procedure_call c) { return rt.call_on("b", rt.default_options(), c); }

  /// The node answers a valid request afterwards.
  void still_serves() {
    REQUIRE(b.running());
    auto out = call(procedure_call::make("ping", 1));
    INFO(describe(out) << "\nnode log:\n" << b.log());
    CHECK(out.committed());
  }

  /// Sends `msg` as is (untyped, past the typed interface) and returns the error it gets.
  caf::error send_raw(caf::message msg) {
    caf::scoped_actor self{rt.system()};
    caf::error got;
    self->request(caf::actor_cast<caf::actor>(rt.node("b")), 10s, std::move(msg))
        .receive([&](caf::message&) { got = caf::sec::unexpected_response; },
                 [&](caf::error& err) { got = std::move(err); });
    return got;
  }
};

std::string context_text(const caf::error& err) {
  return err.context().match_element<std::string>(0) ? err.context().get_as<std::string>(0)
                                                     : std::string{};
}

}  // namespace

TEST_CASE("an unknown procedure is errc::unknown_procedure naming it, and the node still serves",
          "[dist][pg]") {
  one_node n;
  auto out = n.call(procedure_call::make("drop_everything", 1));
  INFO(describe(out));
  CHECK(out.state == tx_state::failed);
  CHECK(out.code == errc::unknown_procedure);
  CHECK_THAT(out.message, Catch::Contains("no procedure 'drop_everything'") &&
                              Catch::Contains("known: credit, keep_numbers, ping, uncredit"));
  CHECK(out.attempts == 0);
  n.still_serves();
}

TEST_CASE("wrong arguments are invalid_argument naming the argument, and the node still serves",
          "[dist][pg]") {
  one_node n;
  auto wrong_kind = n.call(procedure_call::make("credit", "r", "one", 5));
  INFO(describe(wrong_kind));
  CHECK(wrong_kind.code == errc::invalid_argument);
  CHECK_THAT(wrong_kind.message, Catch::Contains("procedure 'credit' argument 2 'account'") &&
                                     Catch::Contains("expected integer, got text \"one\""));

  // The kind says integer, the text is not one (a peer that builds calls by hand).
  procedure_call forged{"credit",
                        {proc_value::of("r"),
                         {value_kind::integer,
                          "1; DROP TABLE "
                          "account"},
                         proc_value::of(5)}};
  auto bad_text = n.call(forged);
  CHECK(bad_text.code == errc::invalid_argument);
  CHECK_THAT(bad_text.message,
             Catch::Contains("'account'") && Catch::Contains("is not a valid integer"));

  auto too_few = n.call(procedure_call::make("credit", "r", 1));
  CHECK(too_few.code == errc::invalid_argument);
  CHECK_THAT(too_few.message, Catch::Contains("takes 3 argument(s), got 2"));

  auto null_arg = n.call(procedure_call{"ping", {proc_value::null()}});
  CHECK(null_arg.code == errc::invalid_argument);
  CHECK_THAT(null_arg.message, Catch::Contains("'n' must not be NULL"));

  // Text arguments are bound, never spliced: SQL in one is stored as text.
  const std::string sneaky = "x'); DELETE FROM account; --";
  auto bound = n.call(procedure_call::make("credit", sneaky, 1, 5));
  CHECK(bound.committed());
  CHECK(n.db.value<long>("SELECT count(*) FROM account") == 2);
  CHECK(n.db.value<std::string>("SELECT ref FROM ledger") == sneaky);
  n.still_serves();
  CHECK(n.db.value<long>("SELECT balance FROM account WHERE id = 1") == 105);
}

TEST_CASE("a malformed script is invalid_argument naming the statement, and the node still serves",
          "[dist][pg]") {
  one_node n;
  tx_script missing_param;
  missing_param.add("SELECT 1");
  missing_param.add("UPDATE account SET balance = $1 WHERE id = $2", 0);
  auto out = n.rt.transact_on("b", n.rt.default_options(), missing_param);
  INFO(describe(out));
  CHECK(out.code == errc::invalid_argument);
  CHECK_THAT(out.message, Catch::Contains("malformed script: statement 2 of 2: 1 parameter(s) "
                                          "given, but its SQL uses $1..$2"));
  CHECK(out.attempts == 0);

  auto empty = n.rt.transact_on("b", n.rt.default_options(), tx_script{});
  CHECK(empty.code == errc::invalid_argument);
  CHECK_THAT(empty.message, Catch::Contains("no statements"));

  tx_script blank;
  blank.add("   ");
  auto blank_out = n.rt.transact_on("b", n.rt.default_options(), blank);
  CHECK(blank_out.code == errc::invalid_argument);
  CHECK_THAT(blank_out.message, Catch::Contains("the SQL is empty"));

  // Nothing of the refused scripts ran.
  CHECK(n.db.value<long>("SELECT sum(balance) FROM account") == 200);
  n.still_serves();
}

TEST_CASE(
    "a message outside the node's interface gets errc::unexpected_message, logged once, and the "
    "node still serves",
    "[dist][pg]") {
  one_node n;
  auto err = n.send_raw(caf::make_message(std::string{"hello, node"}));
  INFO("node log:\n" << n.b.log());
  REQUIRE(err.category() == errc_category);  // not a timeout: its context would be empty
  CHECK(err.code() == static_cast<uint8_t>(errc::unexpected_message));
  CHECK_THAT(context_text(err),
             Catch::Contains("does not understand") && Catch::Contains("hello, node"));

  // A known atom with the wrong arguments (e.g. a peer running another version).
  auto partial = n.send_raw(caf::make_message(run_atom::value, tx_options{}));
  CHECK(partial.code() == static_cast<uint8_t>(errc::unexpected_message));
  n.send_raw(caf::make_message(std::string{"hello again"}));
  n.still_serves();

  // One warning per sender and kind of message, not one per message.
  auto log = n.b.log();
  INFO(log);
  size_t lines = 0;
  for (size_t at = 0; (at = log.find("does not understand", at)) != std::string::npos; ++at)
    ++lines;
  CHECK(lines == 2);
}

namespace {

/// A message type only the sender knows (e.g. a peer running a newer version).
struct probe {
  int32_t value = 0;
  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, probe& x) {
    return f(caf::meta::type_name("actortx_test::probe"), x.value);
  }
};

struct probe_config : caf_config {
  probe_config() { add_message_type<probe>("actortx_test::probe"); }
};

}  // namespace

TEST_CASE(
    "a message of a type the node has never registered gets errc::unexpected_message, and the node "
    "still serves",
    "[dist][pg]") {
  one_node n;
  probe_config cfg;
  auto client = test::client_config(n.db, {{"b", n.b.port()}}, &n.pki);
  prepare_node_system(cfg, client.node);
  caf::actor_system sys{cfg};
  {
    runtime rt{sys, client};
    caf::scoped_actor self{sys};
    caf::error got;
    self->request(caf::actor_cast<caf::actor>(rt.node("b")), 10s, probe{42})
        .receive([&](caf::message&) { got = caf::sec::unexpected_response; },
                 [&](caf::error& err) { got = std::move(err); });
    INFO(sys.render(got) << "\nnode log:\n" << n.b.log());
    // CAF on the node cannot read the element, so what reaches the gateway is an empty message.
    CHECK(got.category() == errc_category);
    CHECK(got.code() == static_cast<uint8_t>(errc::unexpected_message));
    auto again = rt.call_on("b", rt.default_options(), procedure_call::make("ping", 1));
    CHECK(again.committed());
  }
  n.still_serves();
}
