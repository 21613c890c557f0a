// The dashboard's saga endpoints, as JSON:
//   GET /api/sagas?state=FAILED&type=T&since=MS&limit=N   {"filter": ..., "sagas": [...]}
//   GET /api/sagas/<id>                                    the saga with steps, events, context
// 400 with {"error", "parameter"} for a bad parameter, 404 for an unknown id, 503 when the saga
// log does not answer. Every error body is JSON too, so that the page shows its "error".
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <actortx/saga_operations.hpp>

#include "runtime/observability/http_server.hpp"

namespace actortx {

/// Where the answers come from (the supervisor's saga operator). Each may block for a bounded
/// time and throws (any std::exception) when there is no answer.
struct saga_source {
  std::function<std::vector<saga_info>(const saga_filter&)> list;
  std::function<saga_detail(const std::string& id)> lookup;
};

/// GET /api/sagas with the raw (still URL-encoded) `query` string.
http_reply saga_list_reply(std::string_view query, const saga_source& source);
/// GET /api/sagas/<id>, `id` as civetweb decoded it from the path.
http_reply saga_detail_reply(std::string_view id, const saga_source& source);

/// The JSON texts, for the replies and for tests.
std::string saga_list_json(const saga_filter& filter, const std::vector<saga_info>& sagas);
std::string saga_detail_json(const saga_detail& saga);

}  // namespace actortx
