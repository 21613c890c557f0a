// actortx_build_info: which actortx, CAF and libpqxx a runtime runs, as labels of a constant 1
// (join it to any series with `* on (actortx_runtime) group_left(version) actortx_build_info`).
#include <string>
#include <vector>

#include <caf/config.hpp>
#include <pqxx/version>

#include "runtime/observability/prometheus_families.hpp"

// The project's version from CMake (project(actortx VERSION ...)); set for this file by
// runtime/observability/observability.cmake.
#ifndef ACTORTX_VERSION
#define ACTORTX_VERSION "unknown"
#endif

namespace actortx {

namespace {

/// CAF_VERSION is 1706 for 0.17.6.
std::string caf_version() {
  return std::to_string(CAF_VERSION / 10000) + '.' + std::to_string(CAF_VERSION / 100 % 100) + '.' +
         std::to_string(CAF_VERSION % 100);
}

void build_info(prometheus_writer& w, const metrics_snapshot&) {
  const auto& v = actortx_build_versions();
  w.sample("actortx_build_info",
           {{"version", v.version},
            {"caf_version", v.caf_version},
            {"libpqxx_version", v.libpqxx_version}},
           uint64_t{1});
}

}  // namespace

const build_versions& actortx_build_versions() {
  static const build_versions versions{ACTORTX_VERSION, caf_version(), PQXX_VERSION};
  return versions;
}

const std::vector<prometheus_family>& build_info_families() {
  static const std::vector<prometheus_family> families{
      {"actortx_build_info", "gauge",
       "Versions of actortx, CAF and libpqxx this runtime was built with; always 1.", build_info},
  };
  return families;
}

}  // namespace actortx
