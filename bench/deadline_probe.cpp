#include "deadline_probe.hpp"

#include <unistd.h>

#include <atomic>

#include <actortx/runtime.hpp>

namespace bench {

namespace {

int64_t ns(steady::duration d) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
}

}  // namespace

const char* to_string(probe_path p) noexcept {
  switch (p) {
    case probe_path::body:
      return "body";
    case probe_path::script:
      return "script";
    case probe_path::commit:
      return "commit in flight";
  }
  return "?";
}

probe_runner::probe_runner(actortx::runtime& rt, const std::string& dsn, probe_settings s,
                           std::shared_ptr<warn_counts> warnings)
    : rt_(rt),
      s_(s),
      warnings_(std::move(warnings)),
      monitor_(dsn, s.poll),
      check_(dsn),
      cancels_(dsn),
      run_id_(std::to_string(::getpid())) {}

void probe_runner::prepare_schema(const std::string& dsn) {
  pqxx::connection c{dsn};
  pqxx::nontransaction w{c};
  w.exec("CREATE TABLE IF NOT EXISTS dlb_commit_probe (tag text NOT NULL, sleep_s float8)");
  w.exec(
      "CREATE OR REPLACE FUNCTION dlb_commit_sleep() RETURNS trigger LANGUAGE plpgsql AS "
      "$$ BEGIN PERFORM pg_sleep(NEW.sleep_s); RETURN NULL; END $$");
  w.exec("DROP TRIGGER IF EXISTS dlb_commit_sleep ON dlb_commit_probe");
  // Deferred: it runs inside COMMIT, so COMMIT is what is in flight at the deadline.
  w.exec(
      "CREATE CONSTRAINT TRIGGER dlb_commit_sleep AFTER INSERT ON dlb_commit_probe "
      "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION dlb_commit_sleep()");
  w.exec("TRUNCATE dlb_commit_probe");
}

actortx::tx_outcome probe_runner::call(probe_path path, const std::string& tag,
                                       const std::shared_ptr<std::atomic<int32_t>>& pid, marks& m) {
  auto opts = rt_.default_options();
  opts.timeout = s_.timeout;
  opts.label = std::string{"deadline-bench "} + to_string(path);
  const bool off = s_.statement_timeout_off;
  const std::string sleep_sql = "/* " + tag + " */ SELECT pg_sleep($1)";
  if (path == probe_path::script) {
    actortx::tx_script script;
    if (off) script.add("SET LOCAL statement_timeout = 0");
    script.add(sleep_sql, s_.sleep_s);
    return rt_.transact(opts, script);
  }
  if (path == probe_path::body) {
    actortx::tx_hooks hooks;
    hooks.pre_rollback([&](const actortx::hook_event&) { m.rollback_sent = steady::now(); });
    hooks.post_rollback([&](const actortx::hook_event&) { m.rollback_done = steady::now(); });
    auto body = [&](actortx::tx& t) {
      if (off) t.exec("SET LOCAL statement_timeout = 0");
      try {
        t.exec(sleep_sql, s_.sleep_s);
      } catch (...) {
        m.body_exit = steady::now();
        throw;
      }
      m.body_exit = steady::now();
    };
    return rt_.transact(opts, body, std::move(hooks));
  }
  const double commit_sleep_s = std::chrono::duration<double>(s_.commit_sleep).count();
  return rt_.transact(opts, [&](actortx::tx& t) {
    pid->store(t.backend_pid());
    if (off) t.exec("SET LOCAL statement_timeout = 0");
    t.exec("INSERT INTO dlb_commit_probe (tag, sleep_s) VALUES ($1, $2)", tag, commit_sleep_s);
  });
}

probe_sample probe_runner::run(probe_path path, uint64_t n) {
  probe_sample out;
  out.path = path;
  const std::string tag = "dlb-" + run_id_ + "-" + std::to_string(n) + "-";
  watch_job job;
  // The commit path is found by its backend (pg_stat_activity shows "COMMIT"), the others by
  // the tag in their statement's text.
  if (path == probe_path::commit)
    job.pid = std::make_shared<std::atomic<int32_t>>(0);
  else
    job.tag = tag;
  job.caller_done = std::make_shared<std::atomic<bool>>(false);
  const int64_t cuts0 = warnings_->cuts.load();
  const int64_t cancel_failures0 = warnings_->cancel_failures.load();
  marks m;
  // The monitor's thread is woken before the clock starts; watch() takes a few microseconds.
  job.deadline = steady::now() + s_.timeout;
  auto watched = monitor_.watch(job);
  auto outcome = call(path, tag, job.pid, m);
  const auto returned = steady::now();
  job.caller_done->store(true);
  const auto deadline = job.deadline;
  auto w = watched.get();

  out.state = outcome.state;
  out.caller_late_ns = ns(returned - deadline);
  out.runtime_late_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(outcome.duration - s_.timeout).count();
  auto late = [&](steady::time_point t) {
    return t == steady::time_point{} ? 0 : ns(t - deadline);
  };
  out.body_exit_late_ns = late(m.body_exit);
  out.rollback_sent_late_ns = late(m.rollback_sent);
  out.rollback_done_late_ns = late(m.rollback_done);
  out.backend_seen = w.seen;
  out.backend_gone = w.gone;
  if (w.gone) {
    out.backend_late_ns = ns(w.gone_at - deadline);
    out.resolution_ns = ns(w.uncertainty);
  }
  out.monitor_error = w.error;
  if (path == probe_path::commit) {
    pqxx::nontransaction r{check_};
    out.row_committed =
        r.exec_params1("SELECT count(*) FROM dlb_commit_probe WHERE tag = $1", tag)[0].as<int>() >
        0;
  }
  out.pqcancel_ns = cancels_.time_one();
  out.cuts = warnings_->cuts.load() - cuts0;
  out.cancel_failures = warnings_->cancel_failures.load() - cancel_failures0;
  return out;
}

}  // namespace bench
