// A caller's cancel (tx_canceller): like a deadline that came early, but the truth it tells is
// ROLLED_BACK, since the caller asked for it; once COMMIT may be on the wire its reply decides.
#include <vector>

#include <caf/all.hpp>

#include <actortx/log.hpp>

#include "actors/supervisor/supervisor_state.hpp"
#include "runtime/policy/tx_name.hpp"

namespace actortx {

namespace {

constexpr const char* cancelled_text = "cancelled by the caller before COMMIT: rolled back";

/// Whether a cancel from `sender` may end the transaction `e`: a correlation id may be shared
/// (one trace for several requests), so a requester cancels only its own requests. A cancel
/// without a sender (anon_send) goes by the id alone.
bool cancel_reaches(const caf::strong_actor_ptr& sender, tx_entry& e) {
  if (!sender) return true;
  const auto& requester = static_cast<caf::response_promise&>(e.rp).source();
  return !requester || requester == sender;
}

}  // namespace

void supervisor_state::on_cancel(const std::string& correlation_id) {
  if (correlation_id.empty()) return;
  const auto sender = self_->current_sender();
  std::vector<uint64_t> ids;
  for (auto& kv : txs_)
    if (kv.second.opts.correlation_id == correlation_id && cancel_reaches(sender, kv.second))
      ids.push_back(kv.first);
  // None: answered already (a cancel after the outcome changes nothing). Requests are taken
  // at once, and the façade sends the cancel through the actor that sent the request, so it
  // cannot arrive before its transaction.
  for (auto id : ids) {
    auto& e = txs_.at(id);
    const auto logged = e.log.size();
    if (stop_attempt(e, cancelled_text) != attempt_gate::phase::expired) {
      // COMMIT may have reached the server, or the attempt's result is on its way: its reply
      // (or the deadline's grace) tells the truth.
      log(log_component::supervisor)
          .info("{}: cancel came too late, COMMIT may be on the wire", name_of(id, e.opts));
      continue;
    }
    if (e.log.size() > logged) {
      // The stopped attempt: rolled back on request, like a body's rollback, not a failure.
      e.log.back().code = errc::cancelled;
      e.log.back().cls = error_class::fail_fast;
    }
    log(log_component::supervisor).debug("{} cancelled by its caller", name_of(id, e.opts));
    finish(id, tx_state::rolled_back, errc::cancelled, cancelled_text);
  }
}

}  // namespace actortx
