// The protocol types survive CAF's binary serialization field by field (what the middleman
// does between nodes), scripts bind parameters verbatim, and errors render by name.
#include <string>
#include <vector>

#include <caf/all.hpp>
#include <catch2/catch.hpp>

#include <actortx/errc.hpp>
#include <actortx/register_messages.hpp>
#include <actortx/statement.hpp>
#include <actortx/tx_options.hpp>
#include <actortx/tx_outcome.hpp>

#include "messages/attempt.hpp"

using namespace actortx;
using namespace std::chrono_literals;

namespace {

/// An actor_system whose config went through register_messages(), without worker threads.
struct registered_config : caf::actor_system_config {
  registered_config() {
    register_messages(*this);
    set("scheduler.policy", caf::atom("testing"));
  }
};

struct fixture {
  registered_config cfg;
  caf::actor_system sys{cfg};

  /// Serializes x alone and reads it back.
  template <class T>
  T round_trip(T x) {
    std::vector<char> buf;
    caf::binary_serializer sink{sys, buf};
    auto e1 = sink(x);
    INFO(sys.render(e1));
    REQUIRE_FALSE(e1);
    T y;
    caf::binary_deserializer source{sys, buf};
    auto e2 = source(y);
    INFO(sys.render(e2));
    REQUIRE_FALSE(e2);
    return y;
  }

  /// Serializes x inside a caf::message, as it crosses nodes: this needs the type registered
  /// under its name, so it also checks register_messages().
  template <class T>
  T message_round_trip(const T& x) {
    auto msg = caf::make_message(x);
    std::vector<char> buf;
    caf::binary_serializer sink{sys, buf};
    auto e1 = sink(msg);
    INFO(sys.render(e1));
    REQUIRE_FALSE(e1);
    caf::message copy;
    caf::binary_deserializer source{sys, buf};
    auto e2 = source(copy);
    INFO(sys.render(e2));
    REQUIRE_FALSE(e2);
    REQUIRE(copy.match_elements<T>());
    return copy.get_as<T>(0);
  }
};

retry_policy sample_policy() {
  retry_policy p;
  p.strategy = backoff::linear;
  p.initial_delay = 15ms;
  p.max_delay = 900ms;
  p.multiplier = 1.75;
  p.jitter = 0.3;
  p.full_jitter = true;
  p.max_retries = 9;
  return p;
}

tx_options sample_options() {
  tx_options o;
  o.level = isolation::serializable;
  o.read_only = true;
  o.deferrable = true;
  o.timeout = 1234ms;
  o.retry = sample_policy();
  o.label = "transfer";
  o.saga_id = "3f2a7c1e-9b4d-4e8f-a1c2-5d6e7f8091a2";  // travels to another node's supervisor
  return o;
}

result_set sample_result() {
  result_set r;
  r.columns = {"id", "name", "note"};
  r.rows = {{sql_value::of(1), sql_value::of("ann"), sql_value::null()},
            {sql_value::of(2), sql_value::of(""), sql_value::of("it's")}};
  r.affected_rows = 2;
  return r;
}

attempt_record sample_record() {
  attempt_record a;
  a.number = 2;
  a.cls = error_class::retry;
  a.sqlstate = "40001";
  a.message = "could not serialize access";
  a.duration = 4321us;
  a.backend_pid = 777;
  return a;
}

void check_equal(const retry_policy& a, const retry_policy& b) {
  CHECK(a.strategy == b.strategy);
  CHECK(a.initial_delay == b.initial_delay);
  CHECK(a.max_delay == b.max_delay);
  CHECK(a.multiplier == b.multiplier);
  CHECK(a.jitter == b.jitter);
  CHECK(a.full_jitter == b.full_jitter);
  CHECK(a.max_retries == b.max_retries);
}

void check_equal(const tx_options& a, const tx_options& b) {
  CHECK(a.level == b.level);
  CHECK(a.read_only == b.read_only);
  CHECK(a.deferrable == b.deferrable);
  CHECK(a.timeout == b.timeout);
  check_equal(a.retry, b.retry);
  CHECK(a.label == b.label);
  CHECK(a.saga_id == b.saga_id);
}

void check_equal(const result_set& a, const result_set& b) {
  CHECK(a.columns == b.columns);
  CHECK(a.rows == b.rows);
  CHECK(a.affected_rows == b.affected_rows);
}

void check_equal(const attempt_record& a, const attempt_record& b) {
  CHECK(a.number == b.number);
  CHECK(a.cls == b.cls);
  CHECK(a.sqlstate == b.sqlstate);
  CHECK(a.message == b.message);
  CHECK(a.duration == b.duration);
  CHECK(a.backend_pid == b.backend_pid);
}

void check_equal(const statement& a, const statement& b) {
  CHECK(a.sql == b.sql);
  CHECK(a.params == b.params);
}

void check_equal(const tx_script& a, const tx_script& b) {
  REQUIRE(a.statements.size() == b.statements.size());
  for (size_t i = 0; i < a.statements.size(); ++i) check_equal(a.statements[i], b.statements[i]);
}

}  // namespace

TEST_CASE_METHOD(fixture, "retry_policy and tx_options round-trip field by field", "[unit]") {
  check_equal(round_trip(sample_policy()), sample_policy());
  check_equal(round_trip(sample_options()), sample_options());
  check_equal(message_round_trip(sample_policy()), sample_policy());
  check_equal(message_round_trip(sample_options()), sample_options());
}

TEST_CASE_METHOD(fixture, "sql_value keeps NULL apart from the empty string", "[unit]") {
  for (auto v : {sql_value::null(), sql_value::of(""), sql_value::of("x y"), sql_value::of(-7)}) {
    auto copy = round_trip(v);
    CHECK(copy.is_null == v.is_null);
    CHECK(copy.text == v.text);
    CHECK(message_round_trip(v) == v);
  }
  CHECK_FALSE(sql_value::null() == sql_value::of(""));
}

TEST_CASE_METHOD(fixture, "statement and tx_script round-trip field by field", "[unit]") {
  tx_script s;
  s.add("UPDATE account SET balance = balance - $1 WHERE id = $2", 100, int64_t{1});
  s.add("INSERT INTO note(text, extra) VALUES ($1, $2)", std::string{"héllo"},
        static_cast<const char*>(nullptr));
  s.add("SELECT 1");
  check_equal(round_trip(s.statements[0]), s.statements[0]);
  check_equal(message_round_trip(s.statements[1]), s.statements[1]);
  check_equal(round_trip(s), s);
  check_equal(message_round_trip(s), s);
}

TEST_CASE("tx_script::add binds values as parameters, never into the SQL", "[unit]") {
  const std::string evil = "'; DROP TABLE x; --";
  tx_script s;
  s.add("INSERT INTO t(a, b, c, d, e) VALUES ($1, $2, $3, $4, $5)", 42, std::string{"text"},
        static_cast<const char*>(nullptr), evil.c_str(), true)
      .add("SELECT $1::bigint", int64_t{-9000000000});
  REQUIRE(s.statements.size() == 2);
  const auto& st = s.statements[0];
  CHECK(st.sql == "INSERT INTO t(a, b, c, d, e) VALUES ($1, $2, $3, $4, $5)");
  REQUIRE(st.params.size() == 5);
  CHECK(st.params[0] == sql_value::of(std::string{"42"}));
  CHECK_FALSE(st.params[0].is_null);
  CHECK(st.params[1].text == "text");
  CHECK(st.params[2].is_null);
  CHECK(st.params[3].text == evil);
  CHECK_FALSE(st.params[3].is_null);
  CHECK(st.params[4].text == "true");
  CHECK(s.statements[1].params.at(0).text == "-9000000000");
  CHECK(s.statements[1].sql == "SELECT $1::bigint");
}

TEST_CASE_METHOD(fixture, "result_set round-trips with NULLs intact", "[unit]") {
  check_equal(round_trip(sample_result()), sample_result());
  check_equal(message_round_trip(sample_result()), sample_result());
}

TEST_CASE_METHOD(fixture, "attempt_record and tx_outcome round-trip field by field", "[unit]") {
  check_equal(round_trip(sample_record()), sample_record());
  check_equal(message_round_trip(sample_record()), sample_record());
  tx_outcome o;
  o.id = 99;
  o.label = "transfer";
  o.state = tx_state::in_doubt;
  o.attempts = 3;
  o.results = {sample_result(), result_set{}};
  o.code = errc::commit_in_doubt;
  o.sqlstate = "08006";
  o.message = "connection lost during COMMIT";
  o.attempt_log = {sample_record(), attempt_record{}};
  o.duration = 987654us;
  for (const auto& copy : {round_trip(o), message_round_trip(o)}) {
    CHECK(copy.id == o.id);
    CHECK(copy.label == o.label);
    CHECK(copy.state == o.state);
    CHECK(copy.attempts == o.attempts);
    REQUIRE(copy.results.size() == 2);
    check_equal(copy.results[0], o.results[0]);
    check_equal(copy.results[1], o.results[1]);
    CHECK(copy.code == o.code);
    CHECK(copy.sqlstate == o.sqlstate);
    CHECK(copy.message == o.message);
    REQUIRE(copy.attempt_log.size() == 2);
    check_equal(copy.attempt_log[0], o.attempt_log[0]);
    check_equal(copy.attempt_log[1], o.attempt_log[1]);
    CHECK(copy.duration == o.duration);
    CHECK_FALSE(copy.committed());
  }
}

TEST_CASE_METHOD(fixture, "exec_request, attempt_result and pool_stats round-trip", "[unit]") {
  exec_request r;
  r.tx_id = 5;
  r.attempt = 2;
  r.opts = sample_options();
  r.deadline_ns = 123456789012345;
  for (const auto& copy : {round_trip(r), message_round_trip(r)}) {
    CHECK(copy.tx_id == r.tx_id);
    CHECK(copy.attempt == r.attempt);
    check_equal(copy.opts, r.opts);
    CHECK(copy.deadline_ns == r.deadline_ns);
  }

  attempt_result a;
  a.record = sample_record();
  a.committed = false;
  a.connection_ok = false;
  a.code = errc::connection_lost;
  a.results = {sample_result()};
  a.session_changed = true;
  for (const auto& copy : {round_trip(a), message_round_trip(a)}) {
    check_equal(copy.record, a.record);
    CHECK(copy.committed == a.committed);
    CHECK(copy.session_changed);
    CHECK(copy.connection_ok == a.connection_ok);
    CHECK(copy.code == a.code);
    REQUIRE(copy.results.size() == 1);
    check_equal(copy.results[0], a.results[0]);
  }

  pool_stats p{1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 10, 11, 12, {13, 14}};
  for (const auto& copy : {round_trip(p), message_round_trip(p)}) {
    CHECK(copy.open == 1);
    CHECK(copy.idle == 2);
    CHECK(copy.leased == 3);
    CHECK(copy.connecting == 4);
    CHECK(copy.waiting == 5);
    CHECK(copy.leases == 6);
    CHECK(copy.exhausted == 7);
    CHECK(copy.replaced == 8);
    CHECK(copy.connect_failures == 9);
    CHECK(copy.retired == 15);
    CHECK(copy.resets == 16);
    CHECK(copy.max == 10);
    CHECK(copy.lease_wait_us == 12);
    CHECK(copy.lease_wait_buckets == std::vector<uint64_t>{13, 14});
  }
}

TEST_CASE_METHOD(fixture, "actortx errors render by name through the registered category",
                 "[unit]") {
  CHECK(sys.render(make_error(errc::pool_exhausted)) == "actortx::pool_exhausted");
  caf::error e = make_error(errc::timeout, "tx", 5);
  CHECK_THAT(sys.render(e), Catch::StartsWith("actortx::timeout ") && Catch::Contains("\"tx\""));
  CHECK(e == make_error(errc::timeout));  // compares code and category, not context
  CHECK(e.category() == errc_category);
}
