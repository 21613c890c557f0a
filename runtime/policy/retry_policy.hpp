// Backoff math of retry_policy: pure functions, unit-tested.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include <actortx/tx_options.hpp>

namespace actortx {

/// Delay before retry number `retry` (1 = the wait after the first attempt), without jitter,
/// capped at max_delay. exponential: initial * multiplier^(retry-1); linear: initial * retry;
/// immediate: 0.
std::chrono::milliseconds base_delay(const retry_policy& p, uint32_t retry) noexcept;

/// base_delay with jitter applied. `uniform01` is a random number in [0, 1).
/// +/- jitter: base * (1 - jitter + 2 * jitter * u); full jitter: base * u.
/// The result is never negative and never above max_delay.
std::chrono::milliseconds jittered_delay(const retry_policy& p, uint32_t retry,
                                         double uniform01) noexcept;

/// True if, after `attempts_done` attempts (>= 1), the policy allows another one.
bool may_retry(const retry_policy& p, uint32_t attempts_done) noexcept;

/// Empty if the policy is valid, else a message naming the bad field and its value,
/// e.g. "retry.max_delay (500ms) must not be below the initial delay (1000ms)".
std::string validate(const retry_policy& p);

/// The first problem validate() finds, split up so that callers can name the field their own
/// way (runtime_config reports "actortx.retry-max-delay"). `field` is empty for a valid policy.
struct retry_policy_issue {
  std::string field;  ///< member name, e.g. "max_delay"
  std::string value;  ///< the offending value, e.g. "500ms"
  std::string why;    ///< e.g. "must not be below the initial delay (1000ms)"
};
retry_policy_issue first_issue(const retry_policy& p);

/// Parses "exponential" | "linear" | "immediate"; false if unknown.
bool parse_backoff(const std::string& text, backoff& out) noexcept;

}  // namespace actortx
