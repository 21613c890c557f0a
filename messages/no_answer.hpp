// What a run request means when a caf::error came back instead of its tx_outcome: decided here
// once, for the façade's blocking calls and for the saga actors' steps.
#pragma once

#include <string>
#include <utility>

#include <caf/error.hpp>
#include <caf/sec.hpp>

#include <actortx/errc.hpp>
#include <actortx/tx_outcome.hpp>

namespace actortx {

/// `rendered` is the actor system's rendering of `err`, `label` the transaction's. A request
/// that bounced (request_receiver_down) never reached a living supervisor: FAILED, not run. An
/// actortx error other than attempt_crashed (e.g. a peer that does not know the request) was
/// refused: FAILED with its code. Anything else, a timeout above all, is no answer at all: the
/// supervisor answers every request it took by the deadline, so it (or the way to it) broke,
/// maybe after COMMIT. Then the answer is IN_DOUBT, never one that says "not committed".
inline tx_outcome no_answer_outcome(const caf::error& err, std::string rendered,
                                    std::string label) {
  tx_outcome out;
  out.label = std::move(label);
  out.state = tx_state::failed;
  out.code =
      err.category() == errc_category ? static_cast<errc>(err.code()) : errc::attempt_crashed;
  if (err == caf::sec::request_receiver_down) {
    out.code = errc::shutting_down;
    out.message = "the runtime's supervisor is gone (" + rendered + "); not run";
  } else if (err == caf::sec::request_timeout || out.code == errc::attempt_crashed) {
    out.state = tx_state::in_doubt;
    out.code = errc::timeout;
    out.message = "no answer from the supervisor (" + rendered +
                  "): the transaction may have committed; retry only with an idempotency key";
  } else {
    out.message = std::move(rendered);
  }
  return out;
}

}  // namespace actortx
