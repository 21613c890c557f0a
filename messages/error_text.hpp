// The text of an error for a person: what an actortx error says, else CAF's rendering.
#pragma once

#include <string>

#include <caf/actor_system.hpp>
#include <caf/error.hpp>

#include <actortx/errc.hpp>

namespace actortx {

/// The message an actortx error carries (e.g. "cannot reach node 'b' at ..."), else CAF's
/// rendering of `err`.
inline std::string reason_of(caf::actor_system& sys, const caf::error& err) {
  if (err.category() == errc_category && err.context().match_element<std::string>(0))
    return err.context().get_as<std::string>(0);
  return sys.render(err);
}

}  // namespace actortx
