#include "activity_monitor.hpp"

#include <algorithm>

namespace bench {

namespace {

// The monitor's own backend is left out, and the pattern is a parameter, so the poll can never
// match itself.
const char* const poll_sql =
    "SELECT count(*) FROM pg_stat_activity "
    "WHERE state = 'active' AND pid <> pg_backend_pid() "
    "AND (($1 <> '' AND query LIKE $1) OR pid = $2)";

constexpr auto unseen_interval = std::chrono::milliseconds(1);
constexpr auto lead = std::chrono::milliseconds(2);
constexpr auto unseen_after_caller = std::chrono::milliseconds(50);

}  // namespace

activity_monitor::activity_monitor(const std::string& dsn, std::chrono::microseconds interval)
    : conn_(dsn), interval_(interval) {
  conn_.prepare("dlb_poll", poll_sql);
  thread_ = std::thread{[this] { serve(); }};
}

activity_monitor::~activity_monitor() {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

std::future<watch_result> activity_monitor::watch(watch_job job) {
  std::lock_guard<std::mutex> guard{mtx_};
  promise_ = std::promise<watch_result>{};
  job_ = std::move(job);
  cv_.notify_all();
  return promise_.get_future();
}

void activity_monitor::serve() {
  std::unique_lock<std::mutex> guard{mtx_};
  for (;;) {
    cv_.wait(guard, [this] { return stopping_ || job_.has_value(); });
    if (stopping_) return;
    auto job = std::move(*job_);
    job_.reset();
    guard.unlock();
    watch_result r;
    try {
      r = run(job);
    } catch (const std::exception& e) {
      r.error = e.what();
    }
    guard.lock();
    promise_.set_value(std::move(r));
  }
}

bool activity_monitor::active(const std::string& pattern, int32_t pid) {
  pqxx::nontransaction w{conn_};
  return w.exec_prepared1("dlb_poll", pattern, pid)[0].as<int64_t>() > 0;
}

watch_result activity_monitor::run(const watch_job& job) {
  watch_result r;
  const std::string pattern = job.tag.empty() ? std::string{} : "%" + job.tag + "%";
  const auto give_up_at = job.deadline + job.give_up;
  std::optional<steady::time_point> caller_back;
  for (;;) {
    const int32_t pid = job.pid ? job.pid->load() : 0;
    const auto sent = steady::now();
    const bool on = active(pattern, pid);
    const auto back = steady::now();
    ++r.polls;
    if (on) {
      r.seen = true;
      r.last_active = sent;
    } else if (r.seen) {
      r.gone = true;
      r.gone_at = back;
      r.uncertainty = back - std::max(r.last_active, job.deadline - lead);
      return r;
    }
    if (back >= give_up_at) return r;
    if (!r.seen && job.caller_done && job.caller_done->load()) {
      if (!caller_back) caller_back = back;
      if (back - *caller_back > unseen_after_caller) return r;
    }
    auto next = back + interval_;
    if (!r.seen)
      next = back + unseen_interval;
    else if (back < job.deadline - lead)
      next = std::max(next, job.deadline - lead);
    std::this_thread::sleep_until(next);
  }
}

}  // namespace bench
