// The versions of a saga type a node has, for error texts (refused requests, released sagas).
// Internal to the saga rooms.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <actortx/saga_registry.hpp>

#include "runtime/policy/text.hpp"

namespace actortx {

/// "1, 2", or `none` when `reg` is null or has no version of `type`.
inline std::string versions_text(const saga_registry* reg, const std::string& type,
                                 std::string_view none = "none") {
  std::vector<std::string> have;
  if (reg)
    for (auto v : reg->versions(type)) have.push_back(std::to_string(v));
  return join_names(have, none);
}

}  // namespace actortx
