#include "runtime/facade/blocking_ask.hpp"

#include "messages/no_answer.hpp"

namespace actortx {

tx_outcome outcome_from_error(caf::actor_system& sys, const caf::error& err,
                              const tx_options& opts) {
  return no_answer_outcome(err, sys.render(err), opts.label);
}

}  // namespace actortx
