// What the dashboard's saga endpoints accept: the query string of GET /api/sagas and the id of
// GET /api/sagas/<id>, checked before anything reaches the saga log, so that a typo answers
// 400 naming the parameter instead of an empty list.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include <actortx/saga_operations.hpp>

namespace actortx {

/// A query parameter (or the id) that cannot be used; what() says what is wrong with it.
class bad_parameter : public std::invalid_argument {
 public:
  bad_parameter(std::string parameter, const std::string& problem)
      : std::invalid_argument(parameter + ": " + problem), parameter_(std::move(parameter)) {}

  const std::string& parameter() const noexcept { return parameter_; }

 private:
  std::string parameter_;
};

/// The listing's default and bounds (saga_filter::limit is 1..10000).
inline constexpr uint32_t default_saga_list_limit = 50;
inline constexpr uint32_t dashboard_saga_list_max = 10000;
/// Longer ids or type names are no saga's (the runtime makes 36-character UUIDs).
inline constexpr size_t max_saga_id_length = 200;

/// The filter that a query string asks for:
///   state=FAILED&state=EXECUTING (or state=FAILED,EXECUTING; any case; empty: any state)
///   type=T (empty: any type), since=<ms since the epoch>, limit=1..10000 (default 50).
/// Values are URL-decoded. Throws bad_parameter for an unknown parameter or a bad value.
saga_filter saga_filter_from_query(std::string_view query);

/// `id` (already URL-decoded) when it can be a saga's id: 1..200 bytes, no control characters.
/// Throws bad_parameter("id", ...) otherwise.
std::string checked_saga_id(std::string_view id);

/// `text` with %XX and '+' decoded as in a query string; bad_parameter(`parameter`) for a
/// malformed escape.
std::string url_decoded(std::string_view text, const std::string& parameter);

}  // namespace actortx
