#include "hotspot_actortx.hpp"

#include <condition_variable>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include <actortx/runtime.hpp>

namespace bench::hotspot {

namespace {

using clock = std::chrono::steady_clock;

/// Start gate: the clients wait until the main thread opens it with the time windows.
struct gate {
  std::mutex mtx;
  std::condition_variable cv;
  bool open = false;
  clock::time_point measure_start, measure_end;
};

/// Waits (at most 10 s) until the pool has opened all of its connections, so that connecting
/// is not part of the warm-up, let alone the measurement.
void wait_for_pool(actortx::runtime& rt, size_t pool) {
  auto give_up = clock::now() + std::chrono::seconds(10);
  while (clock::now() < give_up) {
    if (rt.pool_snapshot().open >= pool) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void count_attempt_errors(const actortx::tx_outcome& out, result& into) {
  for (const auto& a : out.attempt_log)
    if (a.cls != actortx::error_class::none)
      ++into.retry_causes[a.sqlstate.empty() ? std::string{"(no SQLSTATE)"} : a.sqlstate];
}

}  // namespace

result run_actortx(const actortx_settings& s, std::string mode) {
  actortx::runtime_config cfg;
  cfg.dsn = s.dsn;
  cfg.pool.min = s.pool;
  cfg.pool.max = s.pool;
  cfg.log_level = s.log_level;
  cfg.transactions.defaults = s.options;
  // Under this contention transactions of several seconds are expected, not news: warn only
  // at the deadline (which ends them anyway) instead of at the default 5 s.
  cfg.transactions.long_running_threshold = s.options.timeout;
  actortx::runtime rt{cfg};
  wait_for_pool(rt, s.pool);
  const actortx::tx_options& opts = s.options;

  gate g;
  std::vector<result> partial(static_cast<size_t>(s.clients));
  std::vector<std::thread> threads;
  for (int i = 0; i < s.clients; ++i) {
    threads.emplace_back([&, i] {
      transfer_generator gen{s.accounts, s.seed + static_cast<uint64_t>(i)};
      clock::time_point start_at, end_at;
      {
        std::unique_lock<std::mutex> lock{g.mtx};
        g.cv.wait(lock, [&] { return g.open; });
        start_at = g.measure_start;
        end_at = g.measure_end;
      }
      auto& mine = partial[static_cast<size_t>(i)];
      mine.committed_delta.assign(static_cast<size_t>(s.accounts) + 1, 0);
      for (;;) {
        auto t0 = clock::now();
        if (t0 >= end_at) break;
        auto p = gen.next();  // drawn outside the body: a retry repeats the same transfer
        auto out = rt.transact(opts, [&](actortx::tx& t) {
          t.exec(debit_sql, p.amount, p.from);
          t.exec(credit_sql, p.amount, p.to);
        });
        auto t1 = clock::now();
        if (out.committed()) {
          mine.committed_delta[static_cast<size_t>(p.from)] -= p.amount;
          mine.committed_delta[static_cast<size_t>(p.to)] += p.amount;
        } else if (out.state == actortx::tx_state::in_doubt) {
          mine.in_doubt.push_back(p);
        }
        if (t1 < start_at || t1 >= end_at) continue;  // ended in the warm-up, or after the end
        mine.attempts += out.attempts;
        count_attempt_errors(out, mine);
        if (out.committed()) {
          ++mine.commits;
          mine.latencies_ns.push_back(std::chrono::nanoseconds{t1 - t0}.count());
        } else {
          ++mine.failed_states[actortx::to_string(out.state)];
          if (mine.failed++ == 0) mine.first_failure = actortx::describe(out);
        }
      }
    });
  }
  {
    std::lock_guard<std::mutex> lock{g.mtx};
    g.measure_start = clock::now() + std::chrono::duration_cast<clock::duration>(s.warmup);
    g.measure_end = g.measure_start + std::chrono::duration_cast<clock::duration>(s.measure);
    g.open = true;
  }
  g.cv.notify_all();
  for (auto& t : threads) t.join();

  result out;
  out.mode = std::move(mode);
  out.seconds = s.measure.count();
  out.has_ledger = true;
  out.committed_delta.assign(static_cast<size_t>(s.accounts) + 1, 0);
  for (auto& p : partial) {
    for (size_t a = 0; a < out.committed_delta.size(); ++a)
      out.committed_delta[a] += p.committed_delta[a];
    out.in_doubt.insert(out.in_doubt.end(), p.in_doubt.begin(), p.in_doubt.end());
    for (const auto& [state, n] : p.failed_states) out.failed_states[state] += n;
    out.commits += p.commits;
    out.attempts += p.attempts;
    if (out.failed == 0 && p.failed > 0) out.first_failure = p.first_failure;
    out.failed += p.failed;
    out.latencies_ns.insert(out.latencies_ns.end(), p.latencies_ns.begin(), p.latencies_ns.end());
    for (const auto& [state, n] : p.retry_causes) out.retry_causes[state] += n;
  }
  return out;
}

}  // namespace bench::hotspot
