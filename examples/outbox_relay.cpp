// The transactional outbox, relayed: orders are written with their outbox row in one
// transaction (many at once, with futures), a bulk import arrives by COPY, and a relay woken by
// LISTEN/NOTIFY moves every outbox row downstream exactly once, rereading the outbox after a
// gap in the notifications.
//
//   outbox_relay [DSN]      (see example_usage.hpp for where the database comes from)
#include <atomic>
#include <condition_variable>
#include <future>
#include <iostream>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include <actortx/runtime.hpp>
#include <actortx/tooling/embedded_postgres.hpp>

#include "example_usage.hpp"

using namespace std::chrono_literals;

namespace {

const example::usage usage{
    "outbox_relay [DSN]",
    "The transactional outbox: 50 orders are placed concurrently with rt.transact_async (each\n"
    "writes its order and an outbox row and NOTIFYs in one transaction), 1000 more arrive by\n"
    "tx::copy_from (COPY), the listener's backend is terminated and 10 more orders are placed,\n"
    "and a relay woken by rt.listen (and by the gap it reports) moves every outbox row to the\n"
    "'delivered' table exactly once (SKIP LOCKED batches). Prints what was placed, relayed and\n"
    "delivered; exits 1 if a row was not delivered. Works in schema relay_demo (dropped and "
    "created anew).",
    "  DSN          the PostgreSQL to use (optional, see below)\n"};

void create_tables(actortx::runtime& rt) {
  rt.transact([](actortx::tx& t) {
      t.exec("DROP SCHEMA IF EXISTS relay_demo CASCADE");
      t.exec("CREATE SCHEMA relay_demo");
      t.exec(
          "CREATE TABLE relay_demo.orders(id bigint PRIMARY KEY, customer text NOT NULL, amount "
          "numeric)");
      t.exec(
          "CREATE TABLE relay_demo.outbox(id bigserial PRIMARY KEY, topic text NOT NULL, payload "
          "text NOT "
          "NULL, relayed_at timestamptz)");
      t.exec(
          "CREATE TABLE relay_demo.delivered(outbox_id bigint PRIMARY KEY, payload text NOT NULL)");
      t.exec("CREATE TABLE relay_demo.import_orders(id bigint, customer text, amount numeric)");
    }).throw_if_failed();
}

/// One order and its outbox row in one transaction; NOTIFY is delivered only if it commits.
std::function<void(actortx::tx&)> place_order(int64_t id) {
  return [id](actortx::tx& t) {
    t.exec("INSERT INTO relay_demo.orders VALUES ($1, $2, $3)", id,
           "customer-" + std::to_string(id % 7), "19.99");
    t.exec("INSERT INTO relay_demo.outbox(topic, payload) VALUES ('order.placed', $1)",
           "{\"order\":" + std::to_string(id) + "}");
    t.exec("SELECT pg_notify('outbox', 'order')");
  };
}

/// Moves up to 100 unrelayed rows downstream; returns how many. SKIP LOCKED lets several
/// relays share the work; a row is marked relayed in the same transaction that delivers it.
int64_t relay_batch(actortx::runtime& rt) {
  auto opts = rt.default_options();
  opts.label = "relay";
  auto r = rt.transact(opts, [](actortx::tx& t) {
    return t.query_value<int64_t>(
        "WITH batch AS (SELECT id, payload FROM relay_demo.outbox WHERE relayed_at IS NULL ORDER "
        "BY id "
        "LIMIT 100 FOR UPDATE SKIP LOCKED), "
        "sent AS (INSERT INTO relay_demo.delivered SELECT id, payload FROM batch RETURNING "
        "outbox_id), "
        "moved AS (UPDATE relay_demo.outbox SET relayed_at = now() WHERE id IN (SELECT outbox_id "
        "FROM sent) "
        "RETURNING 1) "
        "SELECT count(*) FROM moved");
  });
  return r.value();  // throws tx_error if the batch did not commit
}

}  // namespace

int main(int argc, char** argv) try {
  if (auto exit = example::check_arguments(argc, argv, usage, 1)) return *exit;
  auto db = actortx::dsn_or_embedded(argc > 1 ? argv[1] : "");  // outlives the runtime
  actortx::runtime_config cfg;
  cfg.dsn = db.dsn;
  cfg.pool.max = 4;
  actortx::runtime rt{cfg};
  create_tables(rt);

  // The relay wakes on a NOTIFY, or on a gap (the listener lost its connection: reread).
  std::mutex m;
  std::condition_variable wake;
  bool pending = true;  // relay once at start: rows may predate the listener
  std::atomic<uint64_t> notifications{0}, gaps{0};
  auto poke = [&] {
    std::lock_guard<std::mutex> g{m};
    pending = true;
    wake.notify_one();
  };
  auto listening = rt.listen(
      "outbox",
      [&](const actortx::notification&) {
        ++notifications;
        poke();
      },
      [&](const actortx::notification_gap& gap) {
        ++gaps;
        std::cout << "gap in notifications: " << gap.reason << " (rereading the outbox)\n";
        poke();
      });

  // 50 orders at once from this one thread: start them all, then wait for them together.
  std::vector<actortx::tx_ticket<actortx::tx_outcome>> orders;
  for (int64_t id = 1; id <= 50; ++id) {
    auto opts = rt.default_options();
    opts.label = "place_order";
    orders.push_back(rt.transact_async(opts, place_order(id)));
  }
  int placed = 0;
  for (auto& o : orders) placed += o.get().committed() ? 1 : 0;
  std::cout << "orders placed concurrently: " << placed << " of " << orders.size() << '\n';

  // A bulk import by COPY into a staging table, then into orders and the outbox in one go.
  std::vector<std::tuple<int64_t, std::string, std::string>> rows;
  for (int64_t id = 1001; id <= 2000; ++id) rows.emplace_back(id, "importer", "5.00");
  auto imported = rt.transact(rt.default_options(), [&rows](actortx::tx& t) {
    auto n = t.copy_from("relay_demo.import_orders", {"id", "customer", "amount"}, rows);
    t.exec("INSERT INTO relay_demo.orders SELECT * FROM relay_demo.import_orders");
    t.exec(
        "INSERT INTO relay_demo.outbox(topic, payload) SELECT 'order.placed', '{\"order\":' || id "
        "|| '}' "
        "FROM relay_demo.import_orders ORDER BY id");
    t.exec("SELECT pg_notify('outbox', 'import')");
    return n;
  });
  std::cout << "orders imported by COPY: " << imported.value() << '\n';

  // An operator terminates the listener's backend: NOTIFYs sent until it listens again are
  // lost, and the gap it reports makes the relay reread the outbox.
  rt.transact([](actortx::tx& t) {
      t.exec(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
          "WHERE application_name = 'actortx/listen/outbox'");
    }).throw_if_failed();
  for (int64_t id = 51; id <= 60; ++id) placed += rt.transact(place_order(id)).committed() ? 1 : 0;

  // Relay until everything placed is delivered (bounded: an example must end).
  const int64_t expected = placed + static_cast<int64_t>(imported.value());
  int64_t relayed = 0;
  const auto give_up = std::chrono::steady_clock::now() + 30s;
  while (relayed < expected && std::chrono::steady_clock::now() < give_up) {
    {
      std::unique_lock<std::mutex> lock{m};
      wake.wait_for(lock, 1s, [&] { return pending; });  // the 1 s poll is a safety net only
      pending = false;
    }
    for (int64_t n = relay_batch(rt); n > 0; n = relay_batch(rt)) relayed += n;
  }
  listening.stop();
  auto delivered = rt.transact([](actortx::tx& t) {
    return t.query_value<int64_t>("SELECT count(*) FROM relay_demo.delivered");
  });
  std::cout << "relayed: " << relayed << ", delivered: " << delivered.value()
            << ", notifications: " << notifications << ", gaps: " << gaps << '\n';
  return delivered.value() == expected ? 0 : 1;
} catch (const std::exception& e) {
  std::cerr << "outbox_relay: " << e.what() << '\n';
  return 1;
}
