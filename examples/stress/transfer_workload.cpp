#include "transfer_workload.hpp"

#include <exception>
#include <mutex>
#include <random>
#include <thread>
#include <tuple>
#include <vector>

#include "account_picker.hpp"
#include "stop_signal.hpp"
#include "transfer.hpp"

namespace stress {

bool transfer_workload::next_ticket(std::chrono::steady_clock::time_point end) {
  if (stop_requested()) return false;
  if (s_.duration) return std::chrono::steady_clock::now() < end;
  return issued_.fetch_add(1) < s_.transfers;
}

void transfer_workload::client(int index, outcome_tally& tally) {
  // One generator per thread, derived from the seed: a run is reproducible in what it asks
  // for (the interleaving, of course, is not).
  std::mt19937_64 rng{s_.seed * 1000003u + static_cast<uint64_t>(index)};
  account_picker accounts{s_.accounts, s_.hot_accounts};
  std::uniform_int_distribution<int64_t> amount{1, 100};
  auto end = std::chrono::steady_clock::now() +
             std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                 s_.duration.value_or(std::chrono::duration<double>{0}));
  size_t turn = 0;
  while (next_ticket(end)) {
    transfer t;
    t.id = book_.issue(index);
    std::tie(t.from, t.to) = accounts.pick(rng);
    t.amount = amount(rng);
    const auto start = std::chrono::steady_clock::now();
    // With nodes, client i starts at worker i and moves on by one each time: round-robin.
    auto r = s_.workers.empty()
                 ? run_transfer(rt_, s_.opts, t, s_.allow_negative)
                 : run_remote_transfer(
                       rt_, s_.workers[(static_cast<size_t>(index) + turn++) % s_.workers.size()],
                       s_.opts, t, s_.allow_negative);
    tally.deadlines.add(std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::steady_clock::now() - start),
                        s_.opts.timeout, s_.opts.label.c_str(), r.outcome.id, &r.outcome);
    book_.record(t.id, r.outcome.state);
    record_outcome(r.outcome, r.skipped, live_, tally);
  }
}

workload_result transfer_workload::run() {
  std::vector<outcome_tally> tallies(static_cast<size_t>(s_.concurrency));
  std::vector<std::thread> threads;
  std::mutex mtx;
  std::exception_ptr error;  // the first exception of any client, rethrown after all joined
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < s_.concurrency; ++i)
    threads.emplace_back([this, i, &tallies, &mtx, &error] {
      try {
        client(i, tallies[static_cast<size_t>(i)]);
      } catch (...) {
        request_stop();  // the others finish their transfer in flight and stop
        std::lock_guard<std::mutex> guard{mtx};
        if (!error) error = std::current_exception();
      }
    });
  for (auto& t : threads) t.join();
  if (error) std::rethrow_exception(error);
  workload_result out;
  out.wall = std::chrono::steady_clock::now() - start;
  for (auto& t : tallies) out.tally.merge(std::move(t));
  return out;
}

}  // namespace stress
