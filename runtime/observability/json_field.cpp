#include "runtime/observability/json_field.hpp"

#include <cmath>
#include <limits>

namespace actortx {

namespace {

std::string message(const std::string& path, const std::string& problem) {
  return path.empty() ? problem : path + ": " + problem;
}

[[noreturn]] void fail(std::string problem) {
  throw json_field_error{"", std::move(problem)};
}

template <class Unsigned>
Unsigned unsigned_value(const report_json& j) {
  if (j.is_number_unsigned()) {
    const auto v = j.get<uint64_t>();
    if (v <= std::numeric_limits<Unsigned>::max()) return static_cast<Unsigned>(v);
    fail("out of range");
  }
  if (j.is_number_integer()) fail("must not be negative");
  fail("expected an unsigned integer");
}

template <class Signed>
Signed signed_value(const report_json& j) {
  if (j.is_number_unsigned()) {
    const auto v = j.get<uint64_t>();
    if (v <= static_cast<uint64_t>(std::numeric_limits<Signed>::max()))
      return static_cast<Signed>(v);
    fail("out of range");
  }
  if (j.is_number_integer()) {
    const auto v = j.get<int64_t>();
    if (v >= std::numeric_limits<Signed>::min() && v <= std::numeric_limits<Signed>::max())
      return static_cast<Signed>(v);
    fail("out of range");
  }
  fail("expected an integer");
}

/// Inverse of json_number for what JSON cannot spell.
bool special_number(const std::string& text, double& out) {
  constexpr auto inf = std::numeric_limits<double>::infinity();
  if (text == "NaN")
    out = std::numeric_limits<double>::quiet_NaN();
  else if (text == "+Inf")
    out = inf;
  else if (text == "-Inf")
    out = -inf;
  else
    return false;
  return true;
}

}  // namespace

report_json json_number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return v;
}

report_json json_number_or_null(double v, bool known) {
  return known ? json_number(v) : report_json(nullptr);
}

void read_number_or_null(const report_json& j, double& out) {
  if (j.is_null()) {
    out = 0;
    return;
  }
  read_value(j, out);
}

json_field_error::json_field_error(std::string path, std::string problem)
    : std::invalid_argument(message(path, problem)),
      path_(std::move(path)),
      problem_(std::move(problem)) {}

json_field_error json_field_error::under(const std::string& key) const {
  return with_prefix(key);
}

json_field_error json_field_error::at(size_t index) const {
  return with_prefix("[" + std::to_string(index) + "]");
}

json_field_error json_field_error::with_prefix(std::string prefix) const {
  // A member follows with a dot, an index directly: "a.b", "a[2]".
  const bool index_next = !path_.empty() && path_.front() == '[';
  if (!path_.empty() && !index_next) prefix += '.';
  return {prefix + path_, problem_};
}

const report_json& member(const report_json& j, const char* key) {
  if (!j.is_object()) fail("expected an object");
  const auto i = j.find(key);
  if (i == j.end()) throw json_field_error{key, "missing"};
  return *i;
}

void read_value(const report_json& j, uint64_t& out) {
  out = unsigned_value<uint64_t>(j);
}

void read_value(const report_json& j, uint32_t& out) {
  out = unsigned_value<uint32_t>(j);
}

void read_value(const report_json& j, int64_t& out) {
  out = signed_value<int64_t>(j);
}

void read_value(const report_json& j, int32_t& out) {
  out = signed_value<int32_t>(j);
}

void read_value(const report_json& j, double& out) {
  if (j.is_number()) {
    out = j.get<double>();
    return;
  }
  if (j.is_string() && special_number(j.get_ref<const std::string&>(), out)) return;
  fail("expected a number");
}

void read_value(const report_json& j, bool& out) {
  if (!j.is_boolean()) fail("expected true or false");
  out = j.get<bool>();
}

void read_value(const report_json& j, std::string& out) {
  if (!j.is_string()) fail("expected a string");
  out = j.get<std::string>();
}

}  // namespace actortx
