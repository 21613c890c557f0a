// Retries on serialization failures and deadlocks, real ones produced by PostgreSQL.
#include <condition_variable>
#include <mutex>
#include <thread>

#include <catch2/catch.hpp>

#include <actortx/runtime.hpp>

#include "support/pg_test_env.hpp"

using namespace actortx;
using namespace std::chrono_literals;

namespace {

/// Lets two bodies meet once: each waits (up to 5 s) until both arrived.
class meeting_point {
 public:
  void arrive_and_wait() {
    std::unique_lock<std::mutex> lock{mtx_};
    if (++arrived_ >= 2) {
      cv_.notify_all();
      return;
    }
    cv_.wait_for(lock, 5s, [this] { return arrived_ >= 2; });
  }

 private:
  std::mutex mtx_;
  std::condition_variable cv_;
  int arrived_ = 0;
};

}  // namespace

TEST_CASE("two conflicting serializable transactions both commit, one after a retry", "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE doctors(name text primary key, on_call bool not null)");
  db.exec("INSERT INTO doctors VALUES ('alice', true), ('bob', true)");
  runtime rt{test::test_config(db)};
  tx_options opts = rt.default_options();
  opts.level = isolation::serializable;
  meeting_point both_read;
  // Classic write skew: each reads both rows, then updates a different one.
  auto body = [&](const char* other) {
    return [&, other](tx& t) {
      t.exec("SELECT count(*) FROM doctors WHERE on_call");
      if (t.attempt() == 1) both_read.arrive_and_wait();
      t.exec("UPDATE doctors SET on_call = NOT on_call WHERE name = $1", std::string{other});
    };
  };
  tx_outcome a, b;
  std::thread ta{[&] { a = rt.transact(opts, body("alice")); }};
  std::thread tb{[&] { b = rt.transact(opts, body("bob")); }};
  ta.join();
  tb.join();
  CHECK(a.committed());
  CHECK(b.committed());
  CHECK(a.attempts + b.attempts > 2);
  bool saw_40001 = false;
  for (auto* o : {&a, &b})
    for (auto& rec : o->attempt_log) saw_40001 = saw_40001 || rec.sqlstate == "40001";
  CHECK(saw_40001);
  // A serial order of two toggles leaves both rows toggled exactly once.
  CHECK(db.value<long>("SELECT count(*) FROM doctors WHERE NOT on_call") == 2);
}

TEST_CASE("a deadlock victim is retried and both transactions commit", "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE account(id int primary key, balance bigint not null)");
  db.exec("INSERT INTO account VALUES (1, 100), (2, 100)");
  db.exec("ALTER DATABASE postgres SET deadlock_timeout = '100ms'");
  runtime rt{test::test_config(db)};
  meeting_point both_locked;
  auto transfer = [&](int from, int to) {
    return [&, from, to](tx& t) {
      t.exec("UPDATE account SET balance = balance - 10 WHERE id = $1", from);
      if (t.attempt() == 1) both_locked.arrive_and_wait();
      t.exec("UPDATE account SET balance = balance + 10 WHERE id = $1", to);
    };
  };
  tx_outcome a, b;
  std::thread ta{[&] { a = rt.transact(transfer(1, 2)); }};
  std::thread tb{[&] { b = rt.transact(transfer(2, 1)); }};
  ta.join();
  tb.join();
  CHECK(a.committed());
  CHECK(b.committed());
  int deadlocks = 0;
  for (auto* o : {&a, &b})
    for (auto& rec : o->attempt_log)
      if (rec.sqlstate == "40P01") {
        ++deadlocks;
        CHECK(rec.cls == error_class::retry);
      }
  CHECK(deadlocks == 1);
  CHECK(db.value<long>("SELECT sum(balance) FROM account") == 200);
  CHECK(db.value<long>("SELECT balance FROM account WHERE id = 1") == 100);
}

TEST_CASE("a retryable error is retried max_retries times and then fails", "[pg]") {
  test::test_schema db;
  runtime rt{test::test_config(db)};
  tx_options opts = rt.default_options();
  opts.retry.strategy = backoff::immediate;
  opts.retry.max_retries = 3;
  int runs = 0;
  auto out = rt.transact(opts, [&](tx& t) {
    ++runs;
    t.exec("DO $$BEGIN RAISE EXCEPTION 'forced' USING ERRCODE = '40001'; END$$");
  });
  CHECK(out.state == tx_state::failed);
  CHECK(out.attempts == 4);
  CHECK(runs == 4);
  CHECK(out.sqlstate == "40001");
  CHECK(out.attempt_log.size() == 4);
  CHECK(out.message.find("gave up after 4 attempts") != std::string::npos);
}

TEST_CASE("a backend killed between transactions does not break the next one", "[pg]") {
  test::test_schema db;
  runtime rt{test::test_config(db, 1)};
  int32_t pid = 0;
  REQUIRE(rt.transact([&](tx& t) { pid = t.backend_pid(); }).committed());
  REQUIRE(db.value<bool>("SELECT pg_terminate_backend(" + std::to_string(pid) + ")"));
  std::this_thread::sleep_for(50ms);
  int32_t next_pid = 0;
  auto out = rt.transact([&](tx& t) {
    next_pid = t.backend_pid();
    t.exec("SELECT 1");
  });
  INFO(describe(out));
  CHECK(out.committed());
  CHECK(next_pid != pid);
  CHECK(out.attempts >= 1);
}

TEST_CASE("a body that throws retryable_error is retried and then commits", "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE t(id int)");
  runtime rt{test::test_config(db)};
  auto out = rt.transact([&](tx& t) {
    t.exec("INSERT INTO t VALUES ($1)", t.attempt());
    if (t.attempt() == 1) throw retryable_error{"inventory service briefly unavailable"};
  });
  INFO(describe(out));
  CHECK(out.committed());
  CHECK(out.attempts == 2);
  REQUIRE(out.attempt_log.size() == 2);
  CHECK(out.attempt_log[0].cls == error_class::retry);
  CHECK(out.attempt_log[0].message == "inventory service briefly unavailable");
  CHECK(db.value<long>("SELECT count(*) FROM t") == 1);
  CHECK(db.value<int>("SELECT id FROM t") == 2);
}

TEST_CASE("a SQLSTATE made retryable for one transaction is retried", "[pg]") {
  test::test_schema db;
  runtime rt{test::test_config(db)};
  tx_options opts = rt.default_options();
  opts.classification.retryable = {"23505"};
  auto out = rt.transact(opts, [&](tx& t) {
    if (t.attempt() == 1) t.exec("DO $$BEGIN RAISE EXCEPTION 'dup' USING ERRCODE = '23505'; END$$");
  });
  INFO(describe(out));
  CHECK(out.committed());
  CHECK(out.attempts == 2);
  CHECK(out.attempt_log.at(0).sqlstate == "23505");
  // Without the override the same error fails fast.
  auto plain = rt.transact(
      [&](tx& t) { t.exec("DO $$BEGIN RAISE EXCEPTION 'dup' USING ERRCODE = '23505'; END$$"); });
  CHECK(plain.state == tx_state::failed);
  CHECK(plain.attempts == 1);
}

TEST_CASE("a SQLSTATE made not retryable for one transaction fails after one attempt", "[pg]") {
  test::test_schema db;
  runtime rt{test::test_config(db)};
  tx_options opts = rt.default_options();
  opts.classification.not_retryable = {"40"};  // the whole class, 40001 included
  int runs = 0;
  auto out = rt.transact(opts, [&](tx& t) {
    ++runs;
    t.exec("DO $$BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = '40001'; END$$");
  });
  CHECK(out.state == tx_state::failed);
  CHECK(out.attempts == 1);
  CHECK(runs == 1);
  CHECK(out.sqlstate == "40001");
}

TEST_CASE("a malformed SQLSTATE override is rejected before anything runs", "[pg]") {
  test::test_schema db;
  runtime rt{test::test_config(db)};
  tx_options opts = rt.default_options();
  opts.classification.retryable = {"4000"};
  bool ran = false;
  auto out = rt.transact(opts, [&](tx&) { ran = true; });
  CHECK_FALSE(ran);
  CHECK(out.code == errc::invalid_argument);
  CHECK(out.message.find("\"4000\"") != std::string::npos);
}

TEST_CASE("concurrent serializable read-modify-write increments end as if run one by one", "[pg]") {
  test::test_schema db;
  db.exec("CREATE TABLE counter(id int primary key, n int not null)");
  db.exec("INSERT INTO counter VALUES (1, 0)");
  runtime rt{test::test_config(db, 4)};
  tx_options opts = rt.default_options();
  opts.level = isolation::serializable;
  opts.retry.max_retries = 50;
  constexpr int clients = 4, per_client = 5;
  std::vector<tx_outcome> outs(clients * per_client);
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c)
    threads.emplace_back([&, c] {
      for (int i = 0; i < per_client; ++i)
        outs[c * per_client + i] = rt.transact(opts, [](tx& t) {
          // Read, think, write: lost updates under READ COMMITTED, conflicts here.
          auto n = t.query_value<int>("SELECT n FROM counter WHERE id = 1");
          std::this_thread::sleep_for(std::chrono::milliseconds(2));
          t.exec("UPDATE counter SET n = $1 WHERE id = 1", n + 1);
        });
    });
  for (auto& t : threads) t.join();
  long conflicts = 0;
  for (const auto& o : outs) {
    INFO(describe(o));
    CHECK(o.committed());
    for (const auto& a : o.attempt_log) conflicts += a.sqlstate == "40001";
  }
  CHECK(conflicts > 0);
  CHECK(db.value<int>("SELECT n FROM counter WHERE id = 1") == clients * per_client);
}

TEST_CASE("immediate retries of a 40001 commit on the fourth attempt, never IN_DOUBT", "[pg]") {
  // The previous attempt's actor reports and then exits; if that exit arrives after the next
  // attempt started, it must not be taken for the new attempt's crash (IN_DOUBT). Found by the
  // hot-spot bench under heavy preemption; here it is a smoke test of many quick retries.
  test::test_schema db;
  runtime rt{test::test_config(db, 2)};
  tx_options opts = rt.default_options();
  opts.retry.strategy = backoff::immediate;
  opts.retry.max_retries = 5;
  for (int i = 0; i < 100; ++i) {
    auto out = rt.transact(opts, [](tx& t) {
      if (t.attempt() < 4)
        t.exec("DO $$BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = '40001'; END$$");
    });
    INFO(describe(out));
    REQUIRE(out.committed());
    REQUIRE(out.attempts == 4);
  }
}
