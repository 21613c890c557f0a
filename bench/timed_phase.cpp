#include "timed_phase.hpp"

#include <sys/resource.h>

#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

namespace bench {

namespace {

using clock = std::chrono::steady_clock;

/// Start gate: clients report ready, the main thread opens the gate with the time windows.
struct gate {
  std::mutex mtx;
  std::condition_variable cv;
  int ready = 0;
  bool open = false;
  clock::time_point measure_start, measure_end;
};

struct usage {
  double cpu_us = 0;
  int64_t switches = 0;
};

usage self_usage() {
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  auto us = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) * 1e6 + tv.tv_usec; };
  return {us(ru.ru_utime) + us(ru.ru_stime), ru.ru_nvcsw + ru.ru_nivcsw};
}

/// Samples the process's usage at the window's two ends (the caller sleeps in between, so its
/// own share is nil).
usage window_usage(clock::time_point start, clock::time_point end) {
  std::this_thread::sleep_until(start);
  auto before = self_usage();
  std::this_thread::sleep_until(end);
  auto after = self_usage();
  return {after.cpu_us - before.cpu_us, after.switches - before.switches};
}

}  // namespace

phase_result run_phase(const phase_settings& s, const client_factory& make_client) {
  gate g;
  std::vector<phase_result> partial(static_cast<size_t>(s.clients));
  std::exception_ptr setup_error;
  std::vector<std::thread> threads;
  for (int i = 0; i < s.clients; ++i) {
    threads.emplace_back([&, i] {
      client_fn fn;
      std::unique_lock<std::mutex> lock{g.mtx};
      try {
        lock.unlock();
        fn = make_client(i);
        lock.lock();
      } catch (...) {
        lock.lock();
        if (!setup_error) setup_error = std::current_exception();
      }
      ++g.ready;
      g.cv.notify_all();
      g.cv.wait(lock, [&] { return g.open; });
      if (!fn) return;
      auto start_at = g.measure_start;
      auto end_at = g.measure_end;
      lock.unlock();
      auto& mine = partial[static_cast<size_t>(i)];
      for (;;) {
        auto t0 = clock::now();
        if (t0 >= end_at) break;
        bool ok = false;
        std::string error;
        try {
          ok = fn();
          if (!ok) error = "not committed";
        } catch (const std::exception& e) {
          error = e.what();
        }
        auto t1 = clock::now();
        if (t0 < start_at || t1 > end_at) continue;  // warm-up, or straddles the end
        if (ok) {
          ++mine.transactions;
          mine.latencies_ns.push_back(std::chrono::nanoseconds{t1 - t0}.count());
        } else {
          if (mine.errors++ == 0) mine.first_error = error;
        }
      }
    });
  }
  {
    std::unique_lock<std::mutex> lock{g.mtx};
    g.cv.wait(lock, [&] { return g.ready == s.clients; });
    auto now = clock::now();
    g.measure_start = now + std::chrono::duration_cast<clock::duration>(s.warmup);
    g.measure_end = g.measure_start + std::chrono::duration_cast<clock::duration>(s.measure);
    if (setup_error) g.measure_end = now;  // a client could not start: end at once
    g.open = true;
  }
  g.cv.notify_all();
  usage used;
  if (!setup_error) used = window_usage(g.measure_start, g.measure_end);
  for (auto& t : threads) t.join();
  if (setup_error) std::rethrow_exception(setup_error);

  phase_result out;
  out.seconds = s.measure.count();
  out.cpu_us = used.cpu_us;
  out.context_switches = used.switches;
  for (auto& p : partial) {
    out.transactions += p.transactions;
    if (out.errors == 0 && p.errors > 0) out.first_error = p.first_error;
    out.errors += p.errors;
    out.latencies_ns.insert(out.latencies_ns.end(), p.latencies_ns.begin(), p.latencies_ns.end());
  }
  return out;
}

}  // namespace bench
