// How the supervisor answers a transaction: once, and never claiming "not committed" while an
// attempt's COMMIT is in doubt.
#include <optional>

#include <caf/all.hpp>

#include <actortx/log.hpp>

#include "actors/supervisor/deadline_queue.hpp"
#include "actors/supervisor/supervisor_state.hpp"
#include "runtime/observability/metrics_records.hpp"
#include "runtime/policy/clock.hpp"
#include "runtime/policy/tx_name.hpp"

namespace actortx {

namespace {

bool says_not_committed(tx_state s) {
  return s == tx_state::rolled_back || s == tx_state::failed || s == tx_state::timeout;
}

tx_outcome outcome_of(uint64_t id, tx_entry& e, tx_state state, errc code, std::string message) {
  tx_outcome out;
  out.id = id;
  out.label = e.opts.label;
  out.attempts = e.attempts;
  if (says_not_committed(state) && e.maybe_committed) {
    message =
        "an earlier attempt's COMMIT is in doubt (its reply was lost), so this cannot "
        "be reported as not committed; then: " +
        message;
    state = tx_state::in_doubt;
    code = errc::commit_in_doubt;
  }
  out.state = state;
  out.code = state == tx_state::committed ? errc::none : code;
  if (!e.log.empty()) out.sqlstate = e.log.back().sqlstate;
  out.message = std::move(message);
  out.attempt_log = std::move(e.log);
  out.duration = std::chrono::microseconds{(steady_now_ns() - e.started_ns) / 1000};
  return out;
}

}  // namespace

void note_attempt(tx_entry& e, const attempt_result& r) {
  if (r.key_recorded) e.maybe_committed = false;
  if (!r.committed && r.record.cls == error_class::in_doubt) e.maybe_committed = true;
}

void supervisor_state::finish(uint64_t id, tx_state state, errc code, std::string message,
                              std::vector<result_set> results, bool deduplicated) {
  auto i = txs_.find(id);
  if (i == txs_.end()) return;
  auto& e = i->second;
  if (e.deadline_token != 0 && cfg_.deadlines) cfg_.deadlines->disarm(e.deadline_token);
  auto out = outcome_of(id, e, state, code, std::move(message));
  out.results = std::move(results);
  out.deduplicated = deduplicated;
  if (out.state == tx_state::committed) {
    log(log_component::supervisor)
        .debug("{} committed after {} attempt(s)", name_of(id, e.opts), out.attempts);
  } else {
    log(log_component::supervisor)
        .warn("{} {} after {} attempt(s): {} (SQLSTATE {})", name_of(id, e.opts),
              to_string(out.state), out.attempts, out.message,
              out.sqlstate.empty() ? "-" : out.sqlstate);
  }
  // One message per transaction, sent before the answer: a caller that asks for its record
  // right after must find it (the metrics actor's mailbox has it first).
  if (cfg_.metrics)
    self_->send(cfg_.metrics, make_tx_record(out, e.opts, e.savepoints, e.rows, unix_now_us()));
  e.rp.deliver(std::move(out));
  txs_.erase(i);
}

}  // namespace actortx
