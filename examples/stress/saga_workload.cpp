#include "saga_workload.hpp"

#include <exception>
#include <mutex>
#include <random>
#include <thread>
#include <tuple>

#include <actortx/runtime.hpp>

#include "account_picker.hpp"
#include "stop_signal.hpp"
#include "transfer.hpp"

namespace stress {

namespace {

/// run_saga's own answer when no outcome came in time: FAILED, without step reports.
bool no_outcome(const actortx::saga_outcome& out) {
  return out.state == actortx::saga_state::failed && out.steps.empty() &&
         (out.code == actortx::errc::timeout || out.code == actortx::errc::attempt_crashed);
}

std::string failed_step(const actortx::saga_outcome& out) {
  for (const auto& s : out.steps)
    if (s.state == actortx::step_state::failed) return s.name;
  return "?";
}

}  // namespace

bool saga_workload::next_ticket(std::chrono::steady_clock::time_point end) {
  if (stop_requested()) return false;
  if (s_.duration) return std::chrono::steady_clock::now() < end;
  return issued_.fetch_add(1) < s_.transfers;
}

void saga_workload::record(const actortx::saga_outcome& out, saga_workload_result& r) {
  using actortx::saga_state;
  r.tally.latencies.add(out.duration.count());
  for (const auto& s : out.steps)
    if (s.attempts > 1) live_.retries += s.attempts - 1;
  std::string why;
  if (no_outcome(out)) {
    ++live_.timeouts;
    why = "no outcome";
  } else {
    r.reported.emplace_back(out.id, out.state);
    if (out.state == saga_state::committed) {
      ++live_.committed;
    } else if (out.state == saga_state::compensated) {
      ++live_.compensated;
      why = "compensated at " + failed_step(out);
    } else {  // FAILED (an operator must look), or a saga this node stopped driving
      ++live_.failed;
      why = std::string{actortx::to_string(out.state)} + ": " + actortx::to_string(out.code);
    }
  }
  if (!why.empty()) {
    auto& info = r.tally.failures[why];
    if (info.count++ == 0) info.sample = out.message;
  }
  ++live_.done;  // last: the progress line never shows more outcomes than were counted
}

void saga_workload::local_transfer(int index, std::mt19937_64& rng, saga_workload_result& r) {
  std::bernoulli_distribution on_a{0.5};
  std::uniform_int_distribution<int64_t> amount{1, 100};
  account_picker accounts{s_.accounts};  // 1..accounts: never the frozen one
  transfer t;
  t.id = transfer_book_.issue(index);
  std::tie(t.from, t.to) = accounts.pick(rng);
  t.amount = amount(rng);
  const auto start = std::chrono::steady_clock::now();
  transfer_result out;
  if (!s_.workers.empty()) {  // --nodes: on a worker, each on its database, in turn
    const auto& w = s_.workers[static_cast<size_t>(next_worker_++) % s_.workers.size()];
    out = run_remote_transfer(rt_, w, s_.transfer_opts, t, s_.allow_negative);
  } else {
    out = run_transfer(on_a(rng) || !rt_b_ ? rt_ : *rt_b_, s_.transfer_opts, t, s_.allow_negative);
  }
  r.transfer_tally.deadlines.add(std::chrono::duration_cast<std::chrono::microseconds>(
                                     std::chrono::steady_clock::now() - start),
                                 s_.transfer_opts.timeout, s_.transfer_opts.label.c_str(),
                                 out.outcome.id, &out.outcome);
  transfer_book_.record(t.id, out.outcome.state);
  record_outcome(out.outcome, out.skipped, transfers_live_, r.transfer_tally);
}

void saga_workload::client(int index, saga_workload_result& r) {
  // One generator per thread, derived from the seed: reproducible in what it asks for.
  std::mt19937_64 rng{s_.seed * 1000003u + static_cast<uint64_t>(index)};
  std::uniform_int_distribution<int> account{1, s_.accounts};
  std::uniform_int_distribution<int64_t> amount{1, 100};
  std::bernoulli_distribution a_to_b{0.5}, to_frozen{s_.fail_rate};
  std::bernoulli_distribution local{s_.transfer_share};
  const int frozen = s_.accounts + 1;
  auto end = std::chrono::steady_clock::now() +
             std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                 s_.duration.value_or(std::chrono::duration<double>{0}));
  for (int64_t n = 0; next_ticket(end); ++n) {
    if (local(rng)) {
      local_transfer(index, rng, r);
      continue;
    }
    actortx::saga_request req;
    // With nodes, one type per pair of workers: take them in turn, so all get work.
    const auto& types = a_to_b(rng) ? s_.types.a_to_b : s_.types.b_to_a;
    req.type = types[static_cast<size_t>(n) % types.size()];
    req.id = s_.run + "-" + std::to_string(index) + "-" + std::to_string(n);
    const bool fail = to_frozen(rng);
    // Accounts are per database: `from` and `to` may have the same number.
    req.context.set("from", account(rng));
    req.context.set("to", fail ? frozen : account(rng));
    req.context.set("amount", amount(rng));
    ++r.started;
    if (fail) ++r.to_frozen;
    record(rt_.run_saga(req, s_.saga_timeout), r);
  }
}

saga_workload_result saga_workload::run() {
  std::vector<saga_workload_result> results(static_cast<size_t>(s_.concurrency));
  std::vector<std::thread> threads;
  std::mutex mtx;
  std::exception_ptr error;  // the first exception of any client, rethrown after all joined
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < s_.concurrency; ++i)
    threads.emplace_back([this, i, &results, &mtx, &error] {
      try {
        client(i, results[static_cast<size_t>(i)]);
      } catch (...) {
        request_stop();  // the others finish their saga in flight and stop
        std::lock_guard<std::mutex> guard{mtx};
        if (!error) error = std::current_exception();
      }
    });
  for (auto& t : threads) t.join();
  if (error) std::rethrow_exception(error);
  saga_workload_result out;
  out.wall = std::chrono::steady_clock::now() - start;
  for (auto& r : results) {
    out.tally.merge(std::move(r.tally));
    out.transfer_tally.merge(std::move(r.transfer_tally));
    out.reported.insert(out.reported.end(), r.reported.begin(), r.reported.end());
    out.started += r.started;
    out.to_frozen += r.to_frozen;
  }
  return out;
}

}  // namespace stress
