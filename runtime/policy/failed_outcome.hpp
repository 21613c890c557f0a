// The answer to a request that ended before any attempt could commit (refused, invalid, the
// peer unreachable, ...): FAILED, never committed. One place that builds it, so every such
// answer carries the label, the code and the message the same way.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include <actortx/tx_options.hpp>
#include <actortx/tx_outcome.hpp>

namespace actortx {

inline tx_outcome failed_outcome(const tx_options& opts, errc code, std::string message,
                                 uint64_t id = 0) {
  tx_outcome out;
  out.id = id;
  out.label = opts.label;
  out.state = tx_state::failed;
  out.code = code;
  out.message = std::move(message);
  return out;
}

}  // namespace actortx
