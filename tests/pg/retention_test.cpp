// Retention: finished sagas (with steps and history) and idempotency keys older than the
// retention are pruned in batches under a lease; everything else stays, also across kill -9.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include <actortx/runtime.hpp>

#include "support/pg_test_env.hpp"

using namespace actortx;
using namespace std::chrono_literals;

namespace {

/// The tests' clock: rows are written at fixed dates, and pruning runs "as of" one of them.
std::chrono::system_clock::time_point utc(int day_of_jan_2020) {
  // 2020-01-01T00:00:00Z is 1577836800 s after the epoch.
  return std::chrono::system_clock::time_point{std::chrono::seconds{1577836800}} +
         std::chrono::hours(24 * (day_of_jan_2020 - 1));
}
std::string sql_day(int day_of_jan_2020) {
  return "timestamptz '2020-01-" + std::string(day_of_jan_2020 < 10 ? "0" : "") +
         std::to_string(day_of_jan_2020) + " 00:00:00+00'";
}

/// A saga row with `steps` step rows, one event per step, and a key per step, at `day`.
struct seeded_saga {
  std::string id;
  std::string state;
  int day;
  int steps;
};

void seed(test::test_database& db, const seeded_saga& s) {
  const auto at = sql_day(s.day);
  db.exec(
      "INSERT INTO actortx.saga (id, type, state, owner, lease_until, created_at, "
      "updated_at) VALUES ('" +
      s.id + "', 't', '" + s.state + "', 'n', " + at + ", " + at + ", " + at + ")");
  db.exec(
      "INSERT INTO actortx.saga_step (saga_id, step_no, name, state, updated_at) "
      "SELECT '" +
      s.id + "', g, 's' || g, 'DONE', " + at + " FROM generate_series(0, " +
      std::to_string(s.steps - 1) + ") g");
  db.exec("INSERT INTO actortx.saga_event (saga_id, at, by, action) SELECT '" + s.id + "', " + at +
          ", 'test', 'step' FROM generate_series(1, " + std::to_string(s.steps) + ")");
  db.exec("INSERT INTO actortx.idempotency_keys (key, tx_id, committed_at) SELECT 'saga/" + s.id +
          "/' || g || '/do', 1, " + at + " FROM generate_series(0, " + std::to_string(s.steps - 1) +
          ") g");
}

/// `n` finished sagas of `steps` steps each, and `n` plain keys, all at `day` (fast: one
/// statement per table).
void seed_backlog(test::test_database& db, int n, int steps, int day) {
  const auto at = sql_day(day);
  const auto count = std::to_string(n);
  db.exec(
      "INSERT INTO actortx.saga (id, type, state, owner, lease_until, created_at, "
      "updated_at) SELECT 'b' || g, 't', 'COMMITTED', 'n', " +
      at + ", " + at + ", " + at + " FROM generate_series(1, " + count + ") g");
  db.exec(
      "INSERT INTO actortx.saga_step (saga_id, step_no, name, state) SELECT 'b' || g, s, "
      "'s', 'DONE' FROM generate_series(1, " +
      count + ") g, generate_series(0, " + std::to_string(steps - 1) + ") s");
  db.exec("INSERT INTO actortx.saga_event (saga_id, at, by, action) SELECT 'b' || g, " + at +
          ", 'test', 'commit' FROM generate_series(1, " + count + ") g");
  db.exec("INSERT INTO actortx.idempotency_keys (key, tx_id, committed_at) SELECT 'k' || g, g, " +
          at + " FROM generate_series(1, " + count + ") g");
}

long rows(test::test_database& db, const std::string& table) {
  return db.value<long>("SELECT count(*) FROM actortx." + table);
}

runtime_config prune_config(const test::test_database& db, const std::string& node,
                            size_t batch = 1000) {
  auto cfg = test::test_config(db, 2);
  cfg.sagas.node_id = node;
  cfg.retention.prune_interval = std::chrono::milliseconds(0);  // rounds only when asked
  cfg.retention.prune_batch = batch;
  return cfg;
}

}  // namespace

TEST_CASE(
    "finished sagas with their steps, events and keys older than the retention are "
    "pruned; failed, running and newer ones stay",
    "[pg]") {
  test::test_database db;
  runtime rt{prune_config(db, "pruner")};  // migrates the schema
  // Retention 7 days, pruning as of Jan 12: the cutoff is Jan 5.
  const std::vector<seeded_saga> old_gone{{"old-committed", "COMMITTED", 1, 2},
                                          {"old-compensated", "COMPENSATED", 2, 3}};
  const std::vector<seeded_saga> kept{{"old-failed", "FAILED", 1, 2},
                                      {"old-running", "EXECUTING", 1, 1},
                                      {"old-compensating", "COMPENSATING", 1, 2},
                                      {"new-committed", "COMMITTED", 10, 2}};
  long gone_steps = 0, kept_steps = 0;
  for (auto& s : old_gone) seed(db, s), gone_steps += s.steps;
  for (auto& s : kept) seed(db, s), kept_steps += s.steps;
  db.exec(
      "INSERT INTO actortx.idempotency_keys (key, tx_id, committed_at) VALUES ('plain-old', "
      "1, " +
      sql_day(1) + "), ('plain-new', 2, " + sql_day(10) + ")");

  auto r = rt.prune_now(utc(12));
  INFO("held_by " << r.held_by << ", cutoff " << r.cutoff);
  CHECK_FALSE(r.lease_held_elsewhere());
  CHECK(r.cutoff == "2020-01-05T00:00:00Z");
  CHECK(r.sagas == old_gone.size());
  CHECK(r.steps == static_cast<uint64_t>(gone_steps));
  CHECK(r.events == static_cast<uint64_t>(gone_steps));    // one event per step
  CHECK(r.keys == static_cast<uint64_t>(gone_steps) + 1);  // their step keys and plain-old
  CHECK(rows(db, "saga") == static_cast<long>(kept.size()));
  CHECK(rows(db, "saga_step") == kept_steps);
  CHECK(rows(db, "saga_event") == kept_steps);
  // The step keys of the unfinished sagas stay however old: resuming them reads the keys.
  CHECK(rows(db, "idempotency_keys") == kept_steps + 1);
  CHECK(db.value<long>("SELECT count(*) FROM actortx.idempotency_keys WHERE key = 'plain-new'") ==
        1);
  CHECK(db.value<long>("SELECT count(*) FROM actortx.saga WHERE id LIKE 'old-%' AND state IN "
                       "('COMMITTED', 'COMPENSATED')") == 0);
}

TEST_CASE("a pruning round goes batch by batch until a batch is not full", "[pg]") {
  test::test_database db;
  const int batch = 10, backlog = 35;
  runtime rt{prune_config(db, "pruner", batch)};
  seed_backlog(db, backlog, 2, 1);
  auto r = rt.prune_now(utc(30));
  CHECK(r.sagas == backlog);
  CHECK(r.steps == 2 * backlog);
  CHECK(r.keys == backlog);
  CHECK(r.batches == (backlog + batch - 1) / batch);  // 10, 10, 10, 5
  CHECK(rows(db, "saga") == 0);
  CHECK(rows(db, "saga_step") == 0);
  CHECK(rows(db, "idempotency_keys") == 0);
}

TEST_CASE("the retention counts back from the server's clock when no time is given", "[pg]") {
  test::test_database db;
  runtime rt{prune_config(db, "pruner")};
  db.exec(
      "INSERT INTO actortx.idempotency_keys (key, tx_id, committed_at) VALUES "
      "('ten-days', 1, now() - interval '10 days'), ('six-days', 2, now() - interval "
      "'6 days')");
  auto r = rt.prune_now();  // default retention: 168 h
  CHECK(r.keys == 1);
  CHECK(db.value<std::string>("SELECT string_agg(key, ',') FROM actortx.idempotency_keys") ==
        "six-days");
}

TEST_CASE("a node prunes on its own every prune interval", "[pg]") {
  test::test_database db;
  auto cfg = prune_config(db, "pruner");
  cfg.retention.prune_interval = std::chrono::milliseconds(200);
  runtime rt{cfg};
  seed_backlog(db, 5, 1, 1);
  const auto until = std::chrono::steady_clock::now() + 20s;
  while ((rows(db, "saga") > 0 || rows(db, "idempotency_keys") > 0) &&
         std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(50ms);
  CHECK(rows(db, "saga") == 0);
  CHECK(rows(db, "saga_step") == 0);
  CHECK(rows(db, "idempotency_keys") == 0);
}

TEST_CASE("of two runtimes pruning at once only the one holding the lease deletes", "[pg]") {
  test::test_database db;
  const int backlog = 35;
  runtime a{prune_config(db, "node-a", 10)};
  runtime b{prune_config(db, "node-b", 10)};
  seed_backlog(db, backlog, 1, 1);
  prune_report ra, rb;
  std::thread ta{[&] { ra = a.prune_now(utc(30)); }};
  std::thread tb{[&] { rb = b.prune_now(utc(30)); }};
  ta.join();
  tb.join();
  INFO("a: held_by '" << ra.held_by << "', " << ra.sagas << " sagas; b: held_by '" << rb.held_by
                      << "', " << rb.sagas << " sagas");
  REQUIRE(ra.lease_held_elsewhere() != rb.lease_held_elsewhere());
  const auto& winner = ra.lease_held_elsewhere() ? rb : ra;
  const auto& loser = ra.lease_held_elsewhere() ? ra : rb;
  CHECK(loser.held_by == (ra.lease_held_elsewhere() ? "node-b" : "node-a"));
  CHECK(loser.rows() == 0);
  CHECK(winner.sagas == backlog);
  CHECK(winner.keys == backlog);
  CHECK(rows(db, "saga") == 0);
  // The lease outlives the round: the other node still finds it held.
  auto& first_loser = ra.lease_held_elsewhere() ? a : b;
  CHECK(first_loser.prune_now(utc(30)).lease_held_elsewhere());
}

namespace {

/// The crash test's pruning node (prune_node_main.cpp), killed -9 mid-round.
class prune_node {
 public:
  prune_node(const std::string& dsn, const std::string& node, int batch) {
    std::vector<std::string> args{ACTORTX_PRUNE_NODE, dsn, node, std::to_string(batch)};
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      std::vector<char*> argv;
      for (auto& x : args) argv.push_back(x.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
  }
  ~prune_node() { kill9(); }
  prune_node(const prune_node&) = delete;
  prune_node& operator=(const prune_node&) = delete;

  void kill9() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
};

/// Once a killed node's backends are gone, what it committed is final.
void wait_backends_gone(test::test_database& db) {
  const auto sql = "SELECT count(*) FROM pg_stat_activity WHERE datname = '" + db.name() +
                   "' AND pid <> pg_backend_pid()";
  const auto until = std::chrono::steady_clock::now() + 30s;
  while (db.value<long>(sql) > 0 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(20ms);
  REQUIRE(db.value<long>(sql) == 0);
}

}  // namespace

TEST_CASE(
    "a node killed -9 while pruning leaves no half-pruned saga, and its lease passes to "
    "another node that finishes the job",
    "[pg][slow]") {
  test::test_database db;
  const int backlog = 20000, steps = 3, batch = 20;
  { runtime migrate{prune_config(db, "migrate")}; }
  seed_backlog(db, backlog, steps, 1);
  prune_node victim{db.dsn(), "victim", batch};
  // Killed once it is busy, not after a fixed time (start-up alone varies).
  const auto until = std::chrono::steady_clock::now() + 60s;
  while (rows(db, "saga") == backlog && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(10ms);
  victim.kill9();
  wait_backends_gone(db);

  const long left = rows(db, "saga");
  INFO(left << " of " << backlog << " sagas left after kill -9");
  REQUIRE(left < backlog);
  REQUIRE(left > 0);  // killed mid-round, not after it
  CHECK(db.value<long>("SELECT count(*) FROM actortx.saga_step st WHERE NOT EXISTS (SELECT 1 "
                       "FROM actortx.saga s WHERE s.id = st.saga_id)") == 0);
  CHECK(db.value<long>("SELECT count(*) FROM actortx.saga_event e WHERE NOT EXISTS (SELECT 1 "
                       "FROM actortx.saga s WHERE s.id = e.saga_id)") == 0);
  CHECK(db.value<long>("SELECT count(*) FROM actortx.saga s WHERE (SELECT count(*) FROM "
                       "actortx.saga_step st WHERE st.saga_id = s.id) <> " +
                       std::to_string(steps)) == 0);

  runtime heir{prune_config(db, "heir", 1000)};
  prune_report r = heir.prune_now();
  if (db.value<bool>("SELECT lease_until > now() FROM actortx.maintenance_lease"))
    CHECK(r.held_by == "victim");
  const auto lease_until = std::chrono::steady_clock::now() + 60s;
  while (r.lease_held_elsewhere() && std::chrono::steady_clock::now() < lease_until) {
    std::this_thread::sleep_for(500ms);
    r = heir.prune_now();
  }
  REQUIRE_FALSE(r.lease_held_elsewhere());
  CHECK(r.sagas == static_cast<uint64_t>(left));
  CHECK(r.steps == static_cast<uint64_t>(left) * steps);
  CHECK(rows(db, "saga") == 0);
  CHECK(rows(db, "saga_step") == 0);
  CHECK(rows(db, "saga_event") == 0);
  CHECK(rows(db, "idempotency_keys") == 0);
}
