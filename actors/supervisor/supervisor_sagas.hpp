// The supervisor's saga part: spawns and monitors one saga actor per saga, restarts a dead one
// in compensation mode, and answers the requester. Internal to actors/.
#pragma once

#include <caf/fwd.hpp>

#include "actors/supervisor/supervisor_state.hpp"

namespace actortx {

caf::result<saga_outcome> accept_saga(sup_ptr self, saga_request req);
/// A claimed saga (from the recovery actor): drive it unless this node already does.
void adopt_saga(sup_ptr self, const std::string& id);
void on_saga_done(sup_ptr self, saga_outcome& out);
void on_saga_progress(sup_ptr self, const saga_info& info);
/// True if `dm` was about a saga actor (handled).
bool on_saga_down(sup_ptr self, const caf::down_msg& dm);
std::vector<saga_info> list_sagas(sup_ptr self);
/// Shutting down: answer every requester, stop the saga actors (the log keeps the sagas).
void stop_sagas(sup_ptr self, const caf::error& reason);

}  // namespace actortx
