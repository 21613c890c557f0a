// runtime::listen against a real server: NOTIFYs from another connection reach a callback or
// an actor in order, with payload and sender pid; a killed listener backend and a server
// restart give one notification_gap, then notifications again; the handle and the runtime's
// shutdown end the listener's backend.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <caf/all.hpp>
#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include <actortx/dsn.hpp>
#include <actortx/runtime.hpp>
#include <actortx/tooling/embedded_postgres.hpp>

#include "support/elapsed.hpp"
#include "support/pg_test_env.hpp"

using namespace actortx;
using namespace std::chrono_literals;

namespace {

/// What a callback listener received, with waits on conditions instead of sleeps.
class inbox {
 public:
  std::function<void(const notification&)> on_notify() {
    return [this](const notification& n) { add(notes_, n); };
  }
  std::function<void(const notification_gap&)> on_gap() {
    return [this](const notification_gap& g) { add(gaps_, g); };
  }
  /// True once `count` notifications came (within 5 s).
  bool wait_notes(size_t count) {
    return wait([&] { return notes_.size() >= count; });
  }
  bool wait_gaps(size_t count) {
    return wait([&] { return gaps_.size() >= count; });
  }
  std::vector<notification> notes() { return copy(notes_); }
  std::vector<notification_gap> gaps() { return copy(gaps_); }

 private:
  template <class T>
  void add(std::vector<T>& to, const T& x) {
    std::lock_guard<std::mutex> guard{mutex_};
    to.push_back(x);
    changed_.notify_all();
  }
  template <class Pred>
  bool wait(Pred pred) {
    std::unique_lock<std::mutex> lock{mutex_};
    return changed_.wait_for(lock, 5s, pred);
  }
  template <class T>
  std::vector<T> copy(const std::vector<T>& from) {
    std::lock_guard<std::mutex> guard{mutex_};
    return from;
  }
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<notification> notes_;
  std::vector<notification_gap> gaps_;
};

void notify(pqxx::connection& c, const std::string& channel, const std::string& payload) {
  pqxx::nontransaction w{c};
  w.exec_params("SELECT pg_notify($1, $2)", channel, payload);
}

/// The pids of the listener's backends on `channel` (found by its application_name).
std::vector<int> listener_pids(const std::string& dsn, const std::string& channel) {
  pqxx::connection c{dsn};
  pqxx::nontransaction w{c};
  auto r = w.exec_params("SELECT pid FROM pg_stat_activity WHERE application_name = $1",
                         "actortx/listen/" + channel);
  std::vector<int> pids;
  for (const auto& row : r) pids.push_back(row[0].as<int>());
  return pids;
}

/// Polls pg_stat_activity until the listener's backends satisfy `pred` (within 5 s): a backend
/// leaves the view a moment after its client closed the connection.
template <class Pred>
bool wait_listener_pids(const std::string& dsn, const std::string& channel, Pred pred) {
  return test::eventually([&] { return pred(listener_pids(dsn, channel)); });
}

bool wait_listener_backends(const std::string& dsn, const std::string& channel, size_t count) {
  return wait_listener_pids(dsn, channel,
                            [&](const std::vector<int>& pids) { return pids.size() == count; });
}

void check_gap(const notification_gap& gap, const std::string& channel) {
  INFO("reason: " << gap.reason);
  CHECK(gap.channel == channel);
  CHECK(gap.reconnects >= 1);
  CHECK(gap.lost_at_ms > 0);
  CHECK(gap.resumed_at_ms >= gap.lost_at_ms);
  CHECK(gap.reason.find("terminating connection") != std::string::npos);
}

}  // namespace

TEST_CASE("a callback receives NOTIFYs from another connection in order with sender pid", "[pg]") {
  test::test_schema db;
  runtime rt{test::test_config(db)};
  const std::string channel = "orders_" + db.name();
  inbox got;
  auto handle = rt.listen(channel, got.on_notify(), got.on_gap());
  CHECK(handle.active());
  pqxx::connection sender{db.base_dsn()};
  for (int i = 0; i < 20; ++i) notify(sender, channel, "payload " + std::to_string(i));
  REQUIRE(got.wait_notes(20));
  auto notes = got.notes();
  for (size_t i = 0; i < notes.size(); ++i) {
    CHECK(notes[i].channel == channel);
    CHECK(notes[i].payload == "payload " + std::to_string(i));
    CHECK(notes[i].sender_pid == sender.backendpid());
    CHECK(notes[i].sequence == i + 1);
  }
  CHECK(got.gaps().empty());
}

TEST_CASE("an actor receives NOTIFYs as notification messages", "[pg]") {
  test::test_schema db;
  runtime rt{test::test_config(db)};
  const std::string channel = "cache_" + db.name();
  caf::scoped_actor self{rt.system()};
  auto handle = rt.listen(channel, caf::actor{self});
  pqxx::connection sender{db.base_dsn()};
  notify(sender, channel, "first");
  notify(sender, channel, "second");
  std::vector<notification> received;
  int i = 0;
  self->receive_for(i, 2)([&](const notification& n) { received.push_back(n); },
                          caf::after(5s) >> [] { FAIL("no notification within 5 s"); });
  REQUIRE(received.size() == 2);
  CHECK(received[0].payload == "first");
  CHECK(received[1].payload == "second");
  CHECK(received[1].sequence == 2);
  CHECK(received[0].sender_pid == sender.backendpid());
}

TEST_CASE("a channel name that needs quoting is listened to as given", "[pg]") {
  test::test_schema db;
  runtime rt{test::test_config(db)};
  const std::string channel = "Mixed Case \"quoted\" " + db.name();
  inbox got;
  auto handle = rt.listen(channel, got.on_notify());
  pqxx::connection sender{db.base_dsn()};
  {
    pqxx::nontransaction w{sender};
    w.exec("NOTIFY " + w.quote_name(channel) + ", 'by NOTIFY'");
  }
  notify(sender, channel, "by pg_notify");
  REQUIRE(got.wait_notes(2));
  auto notes = got.notes();
  CHECK(notes[0].channel == channel);
  CHECK(notes[0].payload == "by NOTIFY");
  CHECK(notes[1].payload == "by pg_notify");
}

TEST_CASE("a terminated listener backend is replaced and one gap is reported", "[pg]") {
  test::test_schema db;
  runtime rt{test::test_config(db)};
  const std::string channel = "outbox_" + db.name();
  inbox got;
  auto handle = rt.listen(channel, got.on_notify(), got.on_gap());
  pqxx::connection sender{db.base_dsn()};
  notify(sender, channel, "before");
  REQUIRE(got.wait_notes(1));
  auto pids = listener_pids(db.base_dsn(), channel);
  REQUIRE(pids.size() == 1);
  db.exec("SELECT pg_terminate_backend(" + std::to_string(pids[0]) + ")");
  REQUIRE(got.wait_gaps(1));
  check_gap(got.gaps().at(0), channel);
  // The gap comes once LISTEN is in effect again: this NOTIFY is not lost.
  notify(sender, channel, "after");
  REQUIRE(got.wait_notes(2));
  auto notes = got.notes();
  CHECK(notes[1].payload == "after");
  CHECK(notes[1].sequence == 2);  // numbering goes on across the reconnect
  CHECK(wait_listener_pids(db.base_dsn(), channel, [&](const std::vector<int>& now) {
    return now.size() == 1 && now[0] != pids[0];  // the old backend is gone, a new one listens
  }));
  CHECK(got.gaps().size() == 1);
}

TEST_CASE("an actor gets the notification_gap of a terminated listener backend", "[pg]") {
  test::test_schema db;
  runtime rt{test::test_config(db)};
  const std::string channel = "actor_gap_" + db.name();
  caf::scoped_actor self{rt.system()};
  auto handle = rt.listen(channel, caf::actor{self});
  auto pids = listener_pids(db.base_dsn(), channel);
  REQUIRE(pids.size() == 1);
  db.exec("SELECT pg_terminate_backend(" + std::to_string(pids[0]) + ")");
  notification_gap gap;
  self->receive([&](const notification_gap& g) { gap = g; },
                caf::after(5s) >> [] { FAIL("no notification_gap within 5 s"); });
  check_gap(gap, channel);
  pqxx::connection sender{db.base_dsn()};
  notify(sender, channel, "again");
  self->receive([&](const notification& n) { CHECK(n.payload == "again"); },
                caf::after(5s) >> [] { FAIL("no notification after the gap within 5 s"); });
}

TEST_CASE("dropping the handle ends the listener and its backend", "[pg]") {
  test::test_schema db;
  runtime rt{test::test_config(db)};
  const std::string channel = "drop_" + db.name();
  inbox got;
  auto handle = rt.listen(channel, got.on_notify());
  REQUIRE(listener_pids(db.base_dsn(), channel).size() == 1);
  const auto t0 = test::clock_type::now();
  { auto gone = std::move(handle); }
  const auto stop_ms = test::ms_since(t0);
  CHECK(stop_ms < 500);  // it waits on a wake-up beside the socket: about at once
  CHECK_FALSE(handle.active());
  CHECK(wait_listener_backends(db.base_dsn(), channel, 0));
}

TEST_CASE("a callback may stop its own listener", "[pg]") {
  test::test_schema db;
  runtime rt{test::test_config(db)};
  const std::string channel = "self_stop_" + db.name();
  inbox got;
  std::mutex handle_mutex;  // the callback runs on the listener's thread
  listen_handle handle;
  auto on_notify = got.on_notify();
  {
    std::lock_guard<std::mutex> guard{handle_mutex};
    handle = rt.listen(channel, [&](const notification& n) {
      std::lock_guard<std::mutex> guard{handle_mutex};
      handle.stop();  // on the listener's own thread: must not wait for itself
      on_notify(n);
    });
  }
  pqxx::connection sender{db.base_dsn()};
  notify(sender, channel, "last");
  REQUIRE(got.wait_notes(1));
  CHECK(wait_listener_backends(db.base_dsn(), channel, 0));
}

TEST_CASE("the runtime's shutdown stops listeners whose handles live on", "[pg]") {
  test::test_schema db;
  auto rt = std::make_unique<runtime>(test::test_config(db));
  const std::string channel = "shutdown_" + db.name();
  // Only the listener holds this actor: if shutdown left it that handle, the runtime's actor
  // system would wait for the actor forever.
  // (Spawned with an argument: CAF 0.17 binds a reference to a null tuple for none, UBSan says.)
  auto to_actor = rt->listen(
      channel, rt->system().spawn([](caf::event_based_actor*,
                                     int) -> caf::behavior { return {[](const notification&) {}}; },
                                  0));
  inbox got;
  auto to_callback = rt->listen(channel, got.on_notify());
  REQUIRE(listener_pids(db.base_dsn(), channel).size() == 2);
  rt.reset();
  CHECK(wait_listener_backends(db.base_dsn(), channel, 0));
  to_callback.stop();  // after the runtime: nothing left to do, and nothing to crash
  to_actor.stop();
  CHECK_FALSE(to_actor.active());
}

TEST_CASE("a channel the server refuses makes listen throw startup_error without password",
          "[pg]") {
  test::test_schema db;
  auto cfg = test::test_config(db);
  cfg.dsn = dsn_with(cfg.dsn, "password", "s3cret-listen");  // the test server trusts anyone
  runtime rt{cfg};
  inbox got;
  try {
    rt.listen("", got.on_notify());  // LISTEN "": a zero-length identifier
    FAIL("listen on an empty channel name did not throw");
  } catch (const startup_error& e) {
    const std::string what = e.what();
    INFO(what);
    CHECK(what.find("cannot LISTEN") != std::string::npos);
    CHECK(what.find("zero-length") != std::string::npos);
    CHECK(what.find("s3cret") == std::string::npos);
  }
}

TEST_CASE("after a server restart the listener reports a gap and receives again", "[pg]") {
  // A cluster of its own: restarting the suite's shared one would disturb the other tests.
  embedded_postgres pg;
  runtime_config cfg;
  cfg.dsn = pg.dsn();
  cfg.pool.min = 1;
  cfg.pool.max = 2;
  cfg.scheduler_threads = 2;
  cfg.log_level = "off";
  runtime rt{cfg};
  const std::string channel = "restart";
  inbox got;
  auto handle = rt.listen(channel, got.on_notify(), got.on_gap());
  {
    pqxx::connection sender{pg.dsn()};
    notify(sender, channel, "before");
  }
  REQUIRE(got.wait_notes(1));
  pg.restart();  // -m fast: the server terminates every backend, then comes back
  REQUIRE(got.wait_gaps(1));
  auto gap = got.gaps().at(0);
  INFO("reason: " << gap.reason);
  CHECK(gap.reconnects >= 1);
  CHECK(gap.resumed_at_ms >= gap.lost_at_ms);
  CHECK_FALSE(gap.reason.empty());
  pqxx::connection sender{pg.dsn()};
  notify(sender, channel, "after");
  REQUIRE(got.wait_notes(2));
  CHECK(got.notes()[1].payload == "after");
  CHECK(got.notes()[1].sender_pid == sender.backendpid());
}
