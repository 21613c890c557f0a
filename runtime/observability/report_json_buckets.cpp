#include "runtime/observability/report_json_buckets.hpp"

#include <string>

namespace actortx {

namespace {

void read_bucket(const report_json& j, size_t i, uint64_t& count, bucket_bounds b) {
  const auto& le = member(j, "le");
  const bool ok = i < b.count ? le.is_number() && le.get<double>() == b.bounds[i] : le == "+Inf";
  if (!ok) throw json_field_error{"le", "unexpected bucket bound " + le.dump()};
  read(j, "count", count);
}

}  // namespace

report_json buckets_json(const std::vector<uint64_t>& buckets, bucket_bounds bounds) {
  report_json out = report_json::array();
  for (size_t i = 0; i < buckets.size(); ++i) {
    report_json le = "+Inf";
    if (i < bounds.count) le = bounds.bounds[i];
    out.push_back({{"le", std::move(le)}, {"count", buckets[i]}});
  }
  return out;
}

void read_buckets(const report_json& j, std::vector<uint64_t>& out, bucket_bounds bounds) {
  const size_t expected = bounds.count + 1;
  if (!j.is_array()) throw json_field_error{"", "expected an array"};
  if (j.size() != expected)
    throw json_field_error{
        "", "expected " + std::to_string(expected) + " buckets, found " + std::to_string(j.size())};
  out.assign(expected, 0);
  for (size_t i = 0; i < j.size(); ++i) {
    try {
      read_bucket(j[i], i, out[i], bounds);
    } catch (const json_field_error& e) {
      throw e.at(i);
    }
  }
}

}  // namespace actortx
