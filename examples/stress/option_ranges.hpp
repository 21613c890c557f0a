// The documented range of every numeric flag of actortx-stress, and the checks that name the
// flag and the value when one is outside it (README: "Flags and their ranges").
#pragma once

#include <cstdint>
#include <string>

namespace stress {

/// A usage error in the documented form "--option: value is invalid: why".
struct usage_error {
  std::string text;
};

namespace range {
inline constexpr int64_t accounts_max = 10'000'000;
inline constexpr int64_t initial_balance_max = 1'000'000'000'000'000;  // 1e15
/// One byte per transfer is kept for the accounting: 100 MB at most.
inline constexpr int64_t transfers_max = 100'000'000;
inline constexpr double duration_max_s = 86400;     // a day
inline constexpr int64_t concurrency_max = 4096;    // one client thread each
inline constexpr int64_t timeout_max_ms = 600'000;  // ten minutes
inline constexpr int64_t pool_max = 1000;  // and at most what the server allows (pool_check)
inline constexpr double fault_interval_min_s = 0.1;
inline constexpr double fault_interval_max_s = 3600;
inline constexpr int64_t nodes_max = 16;  // processes on one machine, each with its own pool
inline constexpr int64_t trend_bucket_max_s = 60;
}  // namespace range

/// `value` as the user would write it ("1e+300", "inf", "nan", "-5").
std::string text_of(double value);
std::string text_of(int64_t value);

/// Throws usage_error "<option>: <value> is invalid: must be from <min> to <max>[ unit]".
void require_range(const char* option, int64_t value, int64_t min, int64_t max,
                   const char* unit = "");
/// The same for a real number; NaN and infinities are always out of range. `min_exclusive`:
/// the value must be above `min` ("must be above 0 and at most 86400 seconds").
void require_real_range(const char* option, double value, double min, double max, const char* unit,
                        bool min_exclusive = false);

}  // namespace stress
