#include <atomic>
#include <cstring>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include <actortx/dsn.hpp>
#include <actortx/runtime.hpp>
#include <actortx/tooling/fault_proxy.hpp>

#include "support/pg_test_env.hpp"

using namespace actortx;
using fault = fault_proxy::commit_fault;

namespace {

/// The suite's cluster also listens on TCP 127.0.0.1 at the same port as its socket.
fault_proxy proxy_for(const test::test_schema& db) {
  return fault_proxy{"127.0.0.1",
                     static_cast<uint16_t>(std::stoi(parse_dsn(db.base_dsn()).at("port")))};
}

struct through_proxy {
  test::test_schema db;
  fault_proxy proxy = proxy_for(db);
  runtime rt{[&] {
    db.exec("CREATE TABLE payment(id serial, amount int)");
    auto cfg = test::test_config(db);
    cfg.dsn = proxy.dsn_through(db.dsn());
    return cfg;
  }()};
  std::atomic<int> runs{0};

  tx_outcome pay(const std::string& key) {
    tx_options opts = rt.default_options();
    opts.idempotency_key = key.empty() ? key : db.name() + "/" + key;
    return rt.transact(opts, [this](tx& t) {
      ++runs;
      t.exec("INSERT INTO payment(amount) VALUES (100)");
    });
  }
  long rows() { return db.value<long>("SELECT count(*) FROM payment"); }
  /// The server finishes a COMMIT whose client vanished on its own time: wait for the backend
  /// of `out`'s first attempt to end before looking at the data.
  void wait_until_backend_gone(const tx_outcome& out) {
    auto pid = std::to_string(out.attempt_log.at(0).backend_pid);
    for (int i = 0; i < 200; ++i) {
      if (db.value<long>("SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid) == 0) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    FAIL("backend " << pid << " still there after 2 s");
  }
};

}  // namespace

TEST_CASE("a commit whose reply is lost is reported IN_DOUBT and not retried", "[pg]") {
  through_proxy p;
  p.proxy.arm(fault::cut_after_commit_forwarded);
  auto out = p.pay("");
  INFO(describe(out));
  CHECK(out.state == tx_state::in_doubt);
  CHECK(out.code == errc::commit_in_doubt);
  CHECK(out.attempts == 1);
  CHECK(p.runs == 1);
  CHECK(p.proxy.faults_injected() == 1);
  p.wait_until_backend_gone(out);
  CHECK(p.rows() == 1);  // it did commit: only the reply was lost
  // The pool heals: the next transaction runs on a fresh connection.
  CHECK(p.pay("").committed());
}

TEST_CASE("a commit cut before it reached the server is IN_DOUBT without a key and left alone",
          "[pg]") {
  through_proxy p;
  p.proxy.arm(fault::cut_before_commit_forwarded);
  auto out = p.pay("");
  INFO(describe(out));
  CHECK(out.state == tx_state::in_doubt);
  CHECK(out.attempts == 1);
  p.wait_until_backend_gone(out);
  CHECK(p.rows() == 0);
}

TEST_CASE("with a key, a commit whose reply was lost is reported COMMITTED without re-running",
          "[pg]") {
  through_proxy p;
  p.proxy.arm(fault::cut_after_commit_forwarded);
  auto out = p.pay("order-7");
  INFO(describe(out));
  CHECK(out.committed());
  CHECK(out.deduplicated);
  CHECK(out.attempts == 2);
  CHECK(out.attempt_log.at(0).cls == error_class::in_doubt);
  CHECK(p.runs == 1);
  CHECK(p.rows() == 1);
}

TEST_CASE("with a key, a commit cut before it reached the server is retried and commits once",
          "[pg]") {
  through_proxy p;
  p.proxy.arm(fault::cut_before_commit_forwarded);
  auto out = p.pay("order-8");
  INFO(describe(out));
  CHECK(out.committed());
  CHECK_FALSE(out.deduplicated);
  CHECK(out.attempts == 2);
  CHECK(p.runs == 2);
  CHECK(p.rows() == 1);
}

TEST_CASE("a dropped network mid-transaction is retried on a new connection", "[pg]") {
  through_proxy p;
  auto out = p.rt.transact([&](tx& t) {
    t.exec("INSERT INTO payment(amount) VALUES ($1)", t.attempt());
    if (t.attempt() == 1) {
      p.proxy.cut_all();
      t.exec("SELECT pg_sleep(0.2)");  // the cut lands while this runs
    }
  });
  INFO(describe(out));
  CHECK(out.committed());
  CHECK(out.attempts == 2);
  CHECK(out.attempt_log.at(0).cls == error_class::reconnect);
  CHECK(p.db.value<std::string>("SELECT string_agg(amount::text, ',') FROM payment") == "2");
}

TEST_CASE("the frontend scanner finds a COMMIT split across reads", "[unit]") {
  frontend_scanner s;
  // StartupMessage: length 8 + "user\0x\0\0" -> protocol 3.0, then a Query "COMMIT".
  std::string startup;
  auto be32 = [](uint32_t v) {
    std::string b(4, '\0');
    for (int i = 3; i >= 0; --i, v >>= 8) b[static_cast<size_t>(i)] = static_cast<char>(v & 0xff);
    return b;
  };
  std::string body = std::string("user\0x\0\0", 8);
  startup = be32(static_cast<uint32_t>(8 + body.size())) + be32(196608) + body;
  std::string query = "commit;";
  query.push_back('\0');
  std::string q = "Q" + be32(static_cast<uint32_t>(4 + query.size())) + query;
  std::string stream = be32(8) + be32(80877103) + startup + q;  // SSLRequest first
  size_t found = 0;
  for (char c : stream) found += s.feed(&c, 1).size();  // byte by byte
  CHECK(found == 1);
  CHECK(frontend_scanner::is_commit(" END "));
  CHECK_FALSE(frontend_scanner::is_commit("COMMIT PREPARED 'x'"));
  CHECK_FALSE(frontend_scanner::is_commit("SELECT 'COMMIT'"));
}
