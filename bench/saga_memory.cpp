#include "saga_memory.hpp"

#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <caf/all.hpp>
#include <pqxx/pqxx>

#include <actortx/log.hpp>
#include <actortx/runtime.hpp>
#include <actortx/tooling/embedded_postgres.hpp>

#include "saga_workload.hpp"

namespace bench::saga {

namespace {

using clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

/// Sagas (or transactions) run to completion before the measurement, so that code paths,
/// thread caches and the allocator's arenas are warm.
constexpr int warmup_items = 200;

double seconds_since(clock::time_point t0) {
  return std::chrono::duration<double>(clock::now() - t0).count();
}

/// Committed items of `kind` so far: saga log rows, or the plain transactions' orders.
int64_t count_done(pqxx::connection& c, inflight_kind kind) {
  pqxx::nontransaction w{c};
  const char* sql = kind == inflight_kind::saga
                        ? "SELECT count(*) FROM actortx.saga WHERE state = 'COMMITTED'"
                        : "SELECT count(*) FROM bench_order WHERE tag = 'tx'";
  return w.exec1(sql)[0].as<int64_t>();
}

/// The plain transaction of the comparison: the saga's first two statements, in one
/// transaction (it blocks on the lock at the first).
void plain_order(actortx::tx& t, int64_t account, int64_t item) {
  debit(t, account);
  record_order(t, account, item, "tx");
}

void wait_for_pool(actortx::runtime& rt, size_t pool) {
  auto give_up = clock::now() + 30s;
  while (rt.pool_snapshot().open < pool) {
    if (clock::now() > give_up) throw std::runtime_error("the pool did not open its connections");
    std::this_thread::sleep_for(10ms);
  }
}

}  // namespace

const char* to_string(inflight_kind k) noexcept {
  return k == inflight_kind::saga ? "saga" : "tx";
}

int64_t rss_bytes() {
  std::ifstream f{"/proc/self/statm"};
  int64_t size = 0, resident = 0;
  if (!(f >> size >> resident)) throw std::runtime_error("cannot read /proc/self/statm");
  return resident * static_cast<int64_t>(::sysconf(_SC_PAGESIZE));
}

int64_t heap_bytes() {
  auto mi = ::mallinfo2();
  return static_cast<int64_t>(mi.uordblks + mi.hblkhd);
}

int run_memory_child(const memory_settings& s) {
  actortx::set_log_level(s.log_level);
  const auto dsn = actortx::dsn_from_environment();
  if (dsn.empty()) throw std::runtime_error("the memory child needs $ACTORTX_DSN");
  const auto kind = s.kind;
  const auto n = static_cast<int64_t>(s.count);

  // Every step, and the plain transaction, may wait for the whole queue ahead of it.
  actortx::tx_options waiting;
  waiting.timeout = std::chrono::hours(1);
  waiting.label = "bench.saga.memory";
  actortx::runtime_config cfg;
  cfg.dsn = dsn;
  cfg.pool.min = s.pool;
  cfg.pool.max = s.pool;
  cfg.pool.max_waiters = s.count + 1000;
  cfg.pool.acquire_timeout = std::chrono::hours(1);
  cfg.transactions.defaults = waiting;
  cfg.transactions.long_running_threshold = s.long_running;
  cfg.log_level = s.log_level;
  cfg.sagas.node_id = std::string{"saga-bench-memory-"} + to_string(kind);
  cfg.scheduler_threads = s.scheduler_threads;
  cfg.sagas.max_running = s.max_running;
  actortx::runtime rt{cfg, make_registry(waiting)};
  wait_for_pool(rt, s.pool);

  order_generator gen{s.seed};
  for (int i = 0; i < warmup_items; ++i) {
    auto account = gen.account(), item = gen.item();
    if (kind == inflight_kind::saga) {
      auto out = rt.run_saga(
          order_saga, {{"account", std::to_string(account)}, {"item", std::to_string(item)}});
      if (!out.committed()) throw std::runtime_error("warm-up saga: " + out.message);
    } else {
      auto out = rt.transact(waiting, [&](actortx::tx& t) { plain_order(t, account, item); });
      if (!out.committed()) throw std::runtime_error("warm-up transaction: " + out.message);
    }
  }

  pqxx::connection probe{dsn};
  const auto done_before = count_done(probe, kind);
  // Blocks the first statement of every item; the pool's connections get stuck there one by
  // one and everything else queues for a lease.
  pqxx::connection lock_conn{dsn};
  pqxx::work lock{lock_conn};
  lock.exec("LOCK TABLE bench_account IN ACCESS EXCLUSIVE MODE");

  memory_result r;
  r.kind = kind;
  r.count = n;
  r.heap_before = heap_bytes();
  r.rss_before = rss_bytes();
  std::cerr << "  [memory " << to_string(kind) << "] RSS before: " << r.rss_before / 1024
            << " KiB; starting " << n << " "
            << (kind == inflight_kind::saga ? "sagas" : "transactions") << " on a pool of "
            << s.pool << "\n";

  auto sup = rt.supervisor();
  const auto t0 = clock::now();
  for (int64_t i = 0; i < n; ++i) {
    auto account = gen.account(), item = gen.item();
    if (kind == inflight_kind::saga) {
      actortx::saga_request req;
      req.type = order_saga;
      req.context = {{"account", std::to_string(account)}, {"item", std::to_string(item)}};
      caf::anon_send(sup, actortx::saga_atom::value, std::move(req));
    } else {
      caf::anon_send(
          sup, actortx::run_atom::value, waiting,
          actortx::make_body([account, item](actortx::tx& t) { plain_order(t, account, item); }));
    }
  }
  // All in flight. A transaction holds a connection (stuck on the lock) or waits for one. A
  // saga is accepted by the saga manager: up to saga-max-running of them run (their first
  // step holds or waits for a connection), the rest wait in the manager's queue.
  for (;;) {
    auto st = rt.pool_snapshot();
    const auto pool_side = static_cast<int64_t>(st.waiting) + st.leased;
    if (kind != inflight_kind::saga && pool_side >= n) break;
    if (kind == inflight_kind::saga && pool_side >= std::min<int64_t>(n, s.max_running) &&
        static_cast<int64_t>(rt.running_sagas().size()) >= n)
      break;
    if (seconds_since(t0) > 600)
      throw std::runtime_error("not all in flight after 10 min: " + std::to_string(st.waiting) +
                               " waiting, " + std::to_string(st.leased) + " leased");
    std::this_thread::sleep_for(kind == inflight_kind::saga ? 200ms : 20ms);
  }
  r.submit_s = seconds_since(t0);
  r.rss_inflight = rss_bytes();
  r.heap_inflight = heap_bytes();
  r.rss_hold_peak = r.rss_inflight;
  std::cerr << "  [memory " << to_string(kind) << "] all " << n << " in flight after " << r.submit_s
            << " s; RSS " << r.rss_inflight / 1024 << " KiB; holding " << s.hold_seconds << " s\n";
  const auto hold_end = clock::now() + std::chrono::seconds(s.hold_seconds);
  while (clock::now() < hold_end) {
    std::this_thread::sleep_for(100ms);
    r.rss_hold_peak = std::max(r.rss_hold_peak, rss_bytes());
  }
  if (kind == inflight_kind::saga) r.running = static_cast<int64_t>(rt.running_sagas().size());

  lock.commit();
  const auto t1 = clock::now();
  auto next_report = t1 + 10s;
  for (;;) {
    r.completed = count_done(probe, kind) - done_before;
    if (r.completed >= n || seconds_since(t1) > s.drain_timeout) break;
    if (clock::now() >= next_report) {
      std::cerr << "  [memory " << to_string(kind) << "] " << r.completed << " of " << n
                << " committed after " << static_cast<int>(seconds_since(t1)) << " s\n";
      next_report += 10s;
    }
    std::this_thread::sleep_for(200ms);
  }
  r.drain_s = seconds_since(t1);
  std::cout << "memory-result kind=" << to_string(kind) << " count=" << r.count
            << " rss_before=" << r.rss_before << " rss_inflight=" << r.rss_inflight
            << " rss_hold_peak=" << r.rss_hold_peak << " heap_before=" << r.heap_before
            << " heap_inflight=" << r.heap_inflight << " running=" << r.running
            << " submit_s=" << r.submit_s << " drain_s=" << r.drain_s
            << " completed=" << r.completed << std::endl;
  if (r.completed < n) {
    // Not ~runtime(): it waits until every queued transaction's lease request times out (the
    // pool drops its waiters unanswered when it stops), here up to an hour.
    std::cerr << "  [memory " << to_string(kind) << "] only " << r.completed << " of " << n
              << " committed within " << s.drain_timeout << " s; exiting without a shutdown\n";
    std::cerr.flush();
    std::_Exit(0);
  }
  return 0;
}

memory_result parse_memory_result(const std::string& output) {
  std::istringstream lines{output};
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("memory-result ", 0) != 0) continue;
    std::map<std::string, std::string> kv;
    std::istringstream words{line.substr(14)};
    std::string w;
    while (words >> w) {
      auto eq = w.find('=');
      if (eq != std::string::npos) kv[w.substr(0, eq)] = w.substr(eq + 1);
    }
    auto get = [&](const char* key) {
      auto i = kv.find(key);
      if (i == kv.end()) throw std::runtime_error(std::string{"memory-result without "} + key);
      return i->second;
    };
    memory_result r;
    r.kind = get("kind") == "saga" ? inflight_kind::saga : inflight_kind::tx;
    r.count = std::stoll(get("count"));
    r.rss_before = std::stoll(get("rss_before"));
    r.rss_inflight = std::stoll(get("rss_inflight"));
    r.rss_hold_peak = std::stoll(get("rss_hold_peak"));
    r.heap_before = std::stoll(get("heap_before"));
    r.heap_inflight = std::stoll(get("heap_inflight"));
    r.running = std::stoll(get("running"));
    r.submit_s = std::stod(get("submit_s"));
    r.drain_s = std::stod(get("drain_s"));
    r.completed = std::stoll(get("completed"));
    return r;
  }
  throw std::runtime_error("the memory child printed no result");
}

namespace {

std::string num(double x, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, x);
  return buf;
}

std::string mib(int64_t bytes) {
  return num(static_cast<double>(bytes) / (1024.0 * 1024.0), 1);
}

}  // namespace

void print_memory(std::ostream& out, const std::vector<memory_result>& rows,
                  const memory_settings& o) {
  out << "\nMemory per in-flight item: N items queued for a pool of " << o.pool
      << " connections blocked on a table lock (RSS of a fresh process, /proc/self/statm; "
      << o.hold_seconds << " s hold; "
      << (o.scheduler_threads == 0 ? std::string{"one CAF worker per core"}
                                   : std::to_string(o.scheduler_threads) + " CAF worker(s)")
      << "; saga-max-running " << o.max_running
      << ": sagas beyond it wait in the saga manager as compact entries)\n\n"
      << "| in flight | N | RSS before (MiB) | RSS all queued (MiB) | RSS per item (B) | "
         "heap per item (B) | peak RSS during hold, per item (B) | time to queue all (s) | "
         "drain after release (items/s) |\n"
      << "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const auto& r : rows) {
    double rate = r.drain_s > 0 ? static_cast<double>(r.completed) / r.drain_s : 0;
    out << "| " << (r.kind == inflight_kind::saga ? "3-step sagas" : "plain transactions") << " | "
        << r.count << " | " << mib(r.rss_before) << " | " << mib(r.rss_inflight) << " | "
        << num(r.per_item(r.rss_inflight), 0) << " | " << num(r.heap_per_item(), 0) << " | "
        << num(r.per_item(r.rss_hold_peak), 0) << " | " << num(r.submit_s, 2) << " | "
        << num(rate, 1) << (r.completed < r.count ? " (timed out)" : "") << " |\n";
  }
  out << "\nRSS per item = (RSS all queued - RSS before) / N (goal for sagas <= 4096); heap "
         "per item: the same for malloc'ed bytes in use (mallinfo2), without allocator "
         "slack. Plain transactions: the saga's first two statements as one transaction, "
         "for comparison.\n";
  for (const auto& r : rows)
    if (r.kind == inflight_kind::saga && r.running >= 0 && r.running != r.count)
      out << "note: running_sagas() listed " << r.running << " sagas, not " << r.count << "\n";
}

}  // namespace bench::saga
