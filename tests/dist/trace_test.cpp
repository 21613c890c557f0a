// One request followed across nodes: the caller's correlation id (a W3C traceparent) travels
// with call_on / transact_on and with a saga's step on a peer node, and the peer's database
// shows its trace id in application_name.
#include <chrono>
#include <future>
#include <string>
#include <thread>

#include <caf/all.hpp>
#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include <actortx/outcome_text.hpp>
#include <actortx/runtime.hpp>
#include <actortx/trace_context.hpp>

#include "dist/dist_bank.hpp"
#include "dist/dist_env.hpp"
#include "support/pg_test_env.hpp"

using namespace actortx;
using namespace std::chrono_literals;

namespace {

/// Holds advisory lock `key` on `db` (the bank's "credit" takes the account's number) until
/// destroyed, so that a credit waits, visibly in pg_stat_activity.
class held_lock {
 public:
  held_lock(const test::test_database& db, int key) : conn_{db.dsn()}, key_{key} {
    pqxx::nontransaction{conn_}.exec("SELECT pg_advisory_lock(" + std::to_string(key_) + ")");
  }
  ~held_lock() { release(); }
  void release() {
    if (conn_.is_open()) pqxx::nontransaction{conn_}.exec("SELECT pg_advisory_unlock_all()");
  }

 private:
  pqxx::connection conn_;
  int key_;
};

/// Waits (at most 20 s) until a backend on `db` waits for a lock under an application_name
/// in trace `trace`.
bool waits_in_trace(test::test_database& db, const std::string& trace) {
  const auto until = std::chrono::steady_clock::now() + 20s;
  while (std::chrono::steady_clock::now() < until) {
    if (db.value<long>("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                       "AND wait_event_type = 'Lock' AND application_name LIKE 'actortx/%/%/" +
                       trace + "'") > 0)
      return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

}  // namespace

TEST_CASE("a transaction on a peer node runs in the caller's trace", "[dist][pg]") {
  test::test_database db;
  test::create_bank(db.dsn(), 3, 100);
  test::dist_node b{{db.dsn(), "b", nullptr}};
  runtime rt{test::client_config(db, {{"b", b.port()}}, nullptr)};
  auto opts = rt.default_options();
  opts.correlation_id = new_traceparent();
  const auto trace = trace_id_of(opts.correlation_id);

  SECTION("a script (transact_on)") {
    auto out =
        rt.transact_on("b", opts, tx_script{}.add("SELECT current_setting('application_name')"));
    INFO(describe(out) << "\nnode log:\n" << b.log());
    REQUIRE(out.committed());
    CHECK_THAT(out.results.at(0).rows.at(0).at(0).text, Catch::EndsWith("/1/" + trace));
  }
  SECTION("a procedure (call_on)") {
    held_lock lock{db, 2};
    auto running = std::async(std::launch::async, [&] {
      return rt.call_on("b", opts, procedure_call::make("credit", "traced", 2, 5));
    });
    const bool seen = waits_in_trace(db, trace);
    lock.release();
    auto out = running.get();
    INFO(describe(out) << "\nnode log:\n" << b.log());
    CHECK(seen);
    CHECK(out.committed());
  }
}

TEST_CASE("a saga's step on a peer node runs in the saga's trace", "[dist][pg]") {
  test::test_database db_a, db_b;
  test::create_bank(db_a.dsn(), 3, 100);
  test::create_bank(db_b.dsn(), 3, 100);
  test::dist_node b{{db_b.dsn(), "b", nullptr}};
  test::dist_node a{{db_a.dsn(), "a", nullptr, {{"b", b.port()}}}};
  runtime rt{test::client_config(db_a, {{"a", a.port()}, {"b", b.port()}}, nullptr)};

  saga_request req;
  req.type = "transfer";
  req.context = saga_context{{"from", "1"}, {"to", "2"}, {"amount", "30"}};
  req.options.correlation_id = new_traceparent();
  const auto trace = trace_id_of(req.options.correlation_id);
  held_lock lock{db_b, 2};  // the credit on B waits for it
  auto running = std::async(std::launch::async, [&] {
    saga_outcome out;
    caf::scoped_actor self{rt.system()};
    self->request(rt.node("a"), 60s, saga_atom::value, req)
        .receive([&](saga_outcome& o) { out = std::move(o); },
                 [&](caf::error& err) { out.message = rt.system().render(err); });
    return out;
  });
  const bool seen = waits_in_trace(db_b, trace);
  lock.release();
  auto out = running.get();
  INFO(out.message << "\nnode a:\n" << a.log() << "\nnode b:\n" << b.log());
  CHECK(seen);
  REQUIRE(out.committed());
  CHECK(out.correlation_id == req.options.correlation_id);
  CHECK(db_a.value<std::string>("SELECT trace_id FROM actortx.saga WHERE id = '" + out.id + "'") ==
        trace);
}
