// What the alert engine raises and what the health score says: part of every metrics
// snapshot (<actortx/metrics.hpp>). Plain structs with inspect() so they can cross nodes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

namespace actortx {

enum class alert_level : uint8_t { info, warning, error, critical };

struct alert {
  std::string rule;     ///< e.g. "failure_rate"; the dedup key together with subject
  std::string subject;  ///< what it is about (a label, a saga id), may be empty
  alert_level level = alert_level::warning;
  std::string message;
  double value = 0;
  double threshold = 0;
  int64_t unix_ms = 0;

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, alert& x) {
    return f(caf::meta::type_name("actortx::alert"), x.rule, x.subject, x.level, x.message, x.value,
             x.threshold, x.unix_ms);
  }
};

/// One part of the health score: its name, its 0..1 value and its weight.
struct health_component {
  std::string name;
  double value = 1.0;
  double weight = 0;

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, health_component& x) {
    return f(caf::meta::type_name("actortx::health_component"), x.name, x.value, x.weight);
  }
};

struct health_report {
  int score = 100;  ///< 0..100
  std::vector<health_component> components;
  std::vector<std::string> recommendations;

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, health_report& x) {
    return f(caf::meta::type_name("actortx::health_report"), x.score, x.components,
             x.recommendations);
  }
};

inline const char* to_string(alert_level x) noexcept {
  switch (x) {
    case alert_level::info:
      return "INFO";
    case alert_level::warning:
      return "WARNING";
    case alert_level::error:
      return "ERROR";
    case alert_level::critical:
      return "CRITICAL";
  }
  return "UNKNOWN";
}

}  // namespace actortx
