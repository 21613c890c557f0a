#include "runtime/observability/saga_api.hpp"

#include <exception>

#include "runtime/observability/json_field.hpp"
#include "runtime/observability/saga_query.hpp"

namespace actortx {

namespace {

/// Invalid UTF-8 (an id typed into the URL, bytes in an error text) replaced, never thrown on.
std::string dumped(const report_json& j) {
  return j.dump(-1, ' ', false, report_json::error_handler_t::replace);
}

std::string error_json(const std::string& message, const std::string& parameter = {}) {
  report_json j = {{"error", message}};
  if (!parameter.empty()) j["parameter"] = parameter;
  return dumped(j);
}

report_json states_json(const std::vector<saga_state>& states) {
  report_json out = report_json::array();
  for (auto st : states) out.push_back(to_string(st));
  return out;
}

/// The answer of `source` as a reply, or 503 with why there is none.
template <class Ask>
http_reply answered(Ask ask) {
  try {
    return ask();
  } catch (const std::exception& e) {
    std::string why = e.what();
    if (why.size() > 300) why.resize(300);
    return {503, error_json("the saga log did not answer: " + why)};
  }
}

}  // namespace

std::string saga_list_json(const saga_filter& filter, const std::vector<saga_info>& sagas) {
  report_json list = report_json::array();
  for (const auto& s : sagas) list.push_back(report_json::parse(to_json(s)));
  report_json j = {{"filter",
                    {{"states", states_json(filter.states)},
                     {"type", filter.type},
                     {"since_unix_ms", filter.since_unix_ms},
                     {"limit", filter.limit}}},
                   // As many as asked for: there may be more (ask with a higher limit).
                   {"more", sagas.size() >= filter.limit},
                   {"sagas", std::move(list)}};
  return dumped(j);
}

std::string saga_detail_json(const saga_detail& x) {
  return to_json(x);  // the shape actortx-saga --json prints too
}

http_reply saga_list_reply(std::string_view query, const saga_source& source) {
  saga_filter filter;
  try {
    filter = saga_filter_from_query(query);
  } catch (const bad_parameter& e) {
    return {400, error_json(e.what(), e.parameter())};
  }
  return answered([&]() -> http_reply {
    if (!source.list) throw std::runtime_error("no saga log on this runtime");
    return {200, saga_list_json(filter, source.list(filter))};
  });
}

http_reply saga_detail_reply(std::string_view id, const saga_source& source) {
  std::string checked;
  try {
    checked = checked_saga_id(id);
  } catch (const bad_parameter& e) {
    return {400, error_json(e.what(), e.parameter())};
  }
  return answered([&]() -> http_reply {
    if (!source.lookup) throw std::runtime_error("no saga log on this runtime");
    auto saga = source.lookup(checked);
    if (!saga.found) return {404, error_json("no saga with id \"" + checked + "\"", "id")};
    return {200, saga_detail_json(saga)};
  });
}

}  // namespace actortx
