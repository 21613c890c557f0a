// An attempt that ended without a result from its connection (it died, or did not answer in
// time): what may be said about it. Internal to actors/.
#pragma once

#include <string>

#include "actors/supervisor/attempt_gate.hpp"
#include "messages/attempt.hpp"
#include "messages/reply_timeout.hpp"

namespace actortx {

inline attempt_result failed_attempt(const exec_request& req, errc code, error_class cls,
                                     std::string message, int32_t pid = 0) {
  attempt_result r;
  r.record.number = req.attempt;
  r.record.cls = cls;
  r.record.message = std::move(message);
  r.record.backend_pid = pid;
  r.code = code;
  return r;
}

/// COMMIT may have been sent: the gate let the attempt through to it (or there is no gate).
inline bool may_have_committed(const exec_request& req) {
  if (req.opts.read_only) return false;
  if (!req.gate) return true;
  auto p = req.gate->current();
  return p == attempt_gate::phase::committing || p == attempt_gate::phase::finished;
}

/// The connection actor died or did not answer within `timed_out`'s budget: never reuse it
/// unchecked. Whether COMMIT reached the server is unknown once the gate let it through,
/// unless nothing could be written.
inline attempt_result lost_attempt(const exec_request& req, bool timed_out, const std::string& why,
                                   int32_t pid) {
  auto cls = may_have_committed(req) ? error_class::in_doubt
             : timed_out             ? error_class::timeout
                                     : error_class::reconnect;
  auto code = timed_out ? errc::timeout : errc::attempt_crashed;
  return failed_attempt(req, code, cls, "connection actor: " + why, pid);
}

}  // namespace actortx
