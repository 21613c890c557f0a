// Validation of actortx-stress's options: every value in its documented range
// (option_ranges.hpp), and the combinations that make sense, each error naming the option.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "option_ranges.hpp"
#include "options.hpp"

namespace stress {

/// What the command line said, before validation, where the options struct cannot hold it.
struct raw_choices {
  std::string workload;  ///< empty: not given
  std::string faults;    ///< empty: not given
  bool fault_interval_given = false;
  bool hot_accounts_given = false;
  std::string isolation = "read_committed";
  int64_t timeout_ms = 5000;
  std::optional<double> duration;
  std::optional<int64_t> dashboard_port;
  std::optional<std::string> seed;
};

/// --seed: a decimal uint64 (no sign); usage_error otherwise.
uint64_t parse_seed(const std::string& text);

/// Checks and completes `o` from `raw`; throws usage_error.
void validate(options& o, const raw_choices& raw);

/// After the DSN is known ($ACTORTX_DSN...): fault kinds that need the harness's own server.
void validate_against_dsn(const options& o, const raw_choices& raw);

}  // namespace stress
