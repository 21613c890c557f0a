// The members of a report's JSON: numbers as JSON can hold them, and reading member by member
// with errors that name where the bad value sits ("transactions[3].state: unknown state
// \"COMMITED\""). nlohmann-json stays inside the library (never in a public header).
#pragma once

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

namespace actortx {

/// ordered_json keeps members in the order written: a report reads top-down (counters before
/// percentiles) instead of alphabetically.
using report_json = nlohmann::ordered_json;

/// A value that does not fit where it was read. Thrown with the problem where it was found;
/// each enclosing member or element adds itself to the path on the way up.
class json_field_error : public std::invalid_argument {
 public:
  json_field_error(std::string path, std::string problem);

  /// The same problem seen from the object that holds it as member `key`.
  json_field_error under(const std::string& key) const;
  /// The same problem seen from the array that holds it at `index`.
  json_field_error at(size_t index) const;

  const std::string& path() const noexcept { return path_; }
  const std::string& problem() const noexcept { return problem_; }

 private:
  json_field_error with_prefix(std::string prefix) const;

  std::string path_;  ///< "" for the value itself, else "a.b[2].c"
  std::string problem_;
};

/// `v` as a JSON number; NaN and the infinities, which JSON has no spelling for, as the
/// strings "NaN", "+Inf" and "-Inf" (read_value reads them back).
report_json json_number(double v);

/// Member `key` of the object `j`; throws when `j` is no object or has no such member.
const report_json& member(const report_json& j, const char* key);

// One value of each scalar type; a mistyped, negative or out-of-range value throws.
void read_value(const report_json& j, uint64_t& out);
void read_value(const report_json& j, uint32_t& out);
void read_value(const report_json& j, int64_t& out);
void read_value(const report_json& j, int32_t& out);
/// A number, or one of json_number's strings.
void read_value(const report_json& j, double& out);
void read_value(const report_json& j, bool& out);
void read_value(const report_json& j, std::string& out);

/// A duration written as its count (the key names the unit: "duration_us", "age_ms").
template <class Rep, class Period>
void read_value(const report_json& j, std::chrono::duration<Rep, Period>& out) {
  Rep count{};
  read_value(j, count);
  out = std::chrono::duration<Rep, Period>{count};
}

/// An array, every element read with read_value; errors name the index.
template <class T>
void read_value(const report_json& j, std::vector<T>& out) {
  if (!j.is_array()) throw json_field_error{"", "expected an array"};
  out.clear();
  for (size_t i = 0; i < j.size(); ++i) {
    try {
      read_value(j[i], out.emplace_back());
    } catch (const json_field_error& e) {
      throw e.at(i);
    }
  }
}

/// A struct of the report: its from_json (found by argument-dependent lookup).
template <class T, class = std::enable_if_t<std::is_class_v<T>>>
void read_value(const report_json& j, T& out) {
  from_json(j, out);
}

/// Member `key` of `j` read with `reader(value, out)`, for values with a format of their own.
template <class T, class Reader>
void read(const report_json& j, const char* key, T& out, Reader reader) {
  const auto& value = member(j, key);
  try {
    reader(value, out);
  } catch (const json_field_error& e) {
    throw e.under(key);
  }
}

/// Member `key` of `j` read with read_value.
template <class T>
void read(const report_json& j, const char* key, T& out) {
  read(j, key, out, [](const report_json& value, T& x) { read_value(value, x); });
}

/// Member `key` of the object `j` read with read_value when there is one; otherwise `out`
/// keeps its default and the answer is false. For members added after reports were first
/// written: an older report still reads.
template <class T>
bool read_if_present(const report_json& j, const char* key, T& out) {
  if (!j.is_object() || !j.contains(key)) return false;
  read(j, key, out);
  return true;
}

/// `v` as json_number, or null when there is no such figure (a percentile of nothing): a
/// chart then draws a gap instead of a zero latency.
report_json json_number_or_null(double v, bool known);
/// A number, one of json_number's strings, or null (read as 0).
void read_number_or_null(const report_json& j, double& out);

}  // namespace actortx
