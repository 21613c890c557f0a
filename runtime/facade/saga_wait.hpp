// What run_saga and run_saga_async answer when no outcome came in time: the caller's state,
// not the saga's (the saga goes on; it is durable).
#pragma once

#include <caf/fwd.hpp>

#include <actortx/saga_outcome.hpp>

namespace actortx {

/// STARTED with caller_gave_up, errc::timeout (or attempt_crashed for another error), and a
/// message naming the saga's id to look it up by. Defined in runtime_sagas.cpp.
saga_outcome caller_gave_up(caf::actor_system& sys, const caf::error& err, const saga_request& req);

}  // namespace actortx
