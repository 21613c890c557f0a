// One attempt of one transaction, for when no idle connection was at hand: lease one from the
// pool, run, give it back, report to the supervisor.
#include "actors/supervisor/transaction_actor.hpp"

#include <algorithm>

#include <caf/all.hpp>

#include "actors/supervisor/attempt_failure.hpp"
#include "runtime/policy/clock.hpp"

namespace actortx {

namespace {

/// Why no connection was leased, as the attempt's result: never run, so never committed.
attempt_result lease_failure(caf::actor_system& sys, const exec_request& req,
                             const caf::error& err) {
  if (err == errc::pool_exhausted)
    return failed_attempt(req, errc::pool_exhausted, error_class::fail_fast, sys.render(err));
  if (err == caf::sec::request_timeout)
    return failed_attempt(req, errc::pool_exhausted, error_class::fail_fast,
                          "no connection within the acquire timeout");
  return failed_attempt(req, errc::attempt_crashed, error_class::fail_fast,
                        "pool: " + sys.render(err));
}

/// Runs the attempt on the leased connection and gives it back (flagged unhealthy when the
/// connection did not answer); `report` gets the result.
template <class Work, class Report>
void run_leased(caf::event_based_actor* self, const supervisor_impl_actor& sup,
                const pool_actor& pool, const exec_request& req, const Work& work, const lease& l,
                Report report) {
  self->send(sup, leased_atom::value, req.tx_id, req.attempt, l.backend_pid);
  auto budget = caf::timespan{req.deadline_ns - steady_now_ns()} + reply_grace;
  auto lease_id = l.id;
  auto pid = l.backend_pid;
  self->request(l.conn, budget, exec_atom::value, req, work)
      .then(
          [=](attempt_result& r) {
            self->send(pool, release_atom::value, lease_id, r.connection_ok);
            report(std::move(r));
          },
          [=](caf::error& err) {
            self->send(pool, release_atom::value, lease_id, false);
            report(lost_attempt(req, err == caf::sec::request_timeout, self->system().render(err),
                                pid));
          });
}

template <class Work>
caf::behavior transaction_fn(caf::event_based_actor* self, supervisor_impl_actor sup,
                             pool_actor pool, exec_request req, Work work,
                             caf::timespan acquire_timeout) {
  const auto started = steady_now_ns();
  auto report = [=](attempt_result r) {
    if (r.record.duration.count() == 0)
      r.record.duration = std::chrono::microseconds{(steady_now_ns() - started) / 1000};
    self->send(sup, attempt_atom::value, req.tx_id, std::move(r));
    self->quit();
  };
  auto remaining = caf::timespan{req.deadline_ns - started};
  if (remaining.count() <= 0) {
    report(failed_attempt(req, errc::timeout, error_class::timeout, "deadline passed"));
    return {};
  }
  auto wait = std::min(remaining, acquire_timeout);
  self->request(pool, wait, acquire_atom::value, wait)
      .then([=](lease& l) { run_leased(self, sup, pool, req, work, l, report); },
            [=](caf::error& err) { report(lease_failure(self->system(), req, err)); });
  // Nothing to receive but the responses above.
  return {[](ping_atom) {}};
}

template <class Work>
caf::actor spawn_impl(caf::local_actor* sup, supervisor_impl_actor sup_handle, pool_actor pool,
                      exec_request req, Work work, caf::timespan acquire_timeout) {
  return sup->spawn<caf::monitored>(transaction_fn<Work>, std::move(sup_handle), std::move(pool),
                                    std::move(req), std::move(work), acquire_timeout);
}

}  // namespace

caf::actor spawn_transaction_attempt(caf::local_actor* sup, supervisor_impl_actor sup_handle,
                                     pool_actor pool, exec_request req, tx_script script,
                                     caf::timespan acquire_timeout) {
  return spawn_impl(sup, std::move(sup_handle), std::move(pool), std::move(req), std::move(script),
                    acquire_timeout);
}

caf::actor spawn_transaction_attempt(caf::local_actor* sup, supervisor_impl_actor sup_handle,
                                     pool_actor pool, exec_request req, local_body body,
                                     caf::timespan acquire_timeout) {
  return spawn_impl(sup, std::move(sup_handle), std::move(pool), std::move(req), std::move(body),
                    acquire_timeout);
}

}  // namespace actortx
