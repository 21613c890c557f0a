// The report's JSON document: to_json/from_json of each struct in report_json.hpp.
#include <actortx/metrics_report.hpp>

#include "runtime/observability/report_json.hpp"

namespace actortx {

std::string to_json(const metrics_report& r, int indent) {
  const report_json doc = r;
  // Labels and statements are not checked for UTF-8 upstream (pg_stat_activity truncates
  // them); replacing a bad byte with U+FFFD beats failing the whole report.
  return doc.dump(indent, ' ', false, report_json::error_handler_t::replace);
}

metrics_report report_from_json(const std::string& text) {
  report_json doc;
  try {
    doc = report_json::parse(text);
  } catch (const report_json::parse_error& e) {
    throw std::invalid_argument(std::string{"not JSON: "} + e.what());
  }
  if (!doc.is_object()) throw std::invalid_argument("document: expected an object");
  metrics_report r;
  from_json(doc, r);  // throws json_field_error, an invalid_argument naming the member
  return r;
}

}  // namespace actortx
