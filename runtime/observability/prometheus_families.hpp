// The families of the Prometheus exposition, as tables: each family's name, type, help and the
// function that writes one snapshot's samples of it. prometheus_text() writes each family's
// HELP and TYPE once and then the samples of every snapshot, so that several runtimes of one
// process share the families. Internal to runtime/observability.
#pragma once

#include <string>
#include <vector>

#include <actortx/metrics.hpp>

#include "runtime/observability/prometheus_writer.hpp"

namespace actortx {

struct prometheus_family {
  const char* name;
  const char* type;  ///< "counter", "gauge" or "histogram"
  const char* help;
  void (*samples)(prometheus_writer& w, const metrics_snapshot& s);
};

/// actortx_build_info (prometheus_build_info.cpp).
const std::vector<prometheus_family>& build_info_families();
/// db_client_* after the OpenTelemetry database client conventions (prometheus_db_client.cpp).
const std::vector<prometheus_family>& db_client_families();
/// actortx_transaction*, actortx_internal_* (prometheus_transactions.cpp).
const std::vector<prometheus_family>& transaction_families();
/// Pool counters, sagas, health, alerts, uptime (prometheus_runtime.cpp).
const std::vector<prometheus_family>& runtime_families();

/// The labels of actortx_build_info: actortx's version (CMake's project version), CAF's and
/// libpqxx's (the headers it was compiled against).
struct build_versions {
  std::string version;
  std::string caf_version;
  std::string libpqxx_version;
};
const build_versions& actortx_build_versions();

/// The actortx_outcome value of a transaction state: "committed", "rolled_back", "failed",
/// "timeout", "in_doubt" ("running" never reaches an exporter).
const char* outcome_label(tx_state state) noexcept;

/// A label value that is never empty: `value`, or `fallback` when it is empty.
inline const std::string& non_empty(const std::string& value, const std::string& fallback) {
  return value.empty() ? fallback : value;
}

}  // namespace actortx
