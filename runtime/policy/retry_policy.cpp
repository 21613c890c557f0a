#include "runtime/policy/retry_policy.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>

namespace actortx {

namespace {

/// Sanity bound for max_retries: the deadline limits retries anyway, so a larger number is
/// almost always a mistake (typically -1 converted to an unsigned value).
constexpr uint32_t max_sane_retries = 1000;

/// Clamps a delay computed in double (may be huge, inf or NaN) to [0, cap] milliseconds.
std::chrono::milliseconds clamp_ms(double ms, std::chrono::milliseconds cap) noexcept {
  auto hi = static_cast<double>(std::max<int64_t>(0, cap.count()));
  // Written so that NaN falls to a bound instead of propagating into the integer cast.
  if (!(ms < hi)) return std::chrono::milliseconds{static_cast<int64_t>(hi)};
  if (!(ms > 0.0)) return std::chrono::milliseconds{0};
  return std::chrono::milliseconds{std::llround(ms)};
}

std::string ms_text(std::chrono::milliseconds d) {
  return std::to_string(d.count()) + "ms";
}

std::string num_text(double x) {
  std::ostringstream out;
  out << x;
  return out.str();
}

}  // namespace

std::chrono::milliseconds base_delay(const retry_policy& p, uint32_t retry) noexcept {
  // Retry numbers start at 1; 0 is treated like 1 rather than shrinking the delay.
  auto n = static_cast<double>(std::max<uint32_t>(retry, 1));
  auto initial = static_cast<double>(p.initial_delay.count());
  switch (p.strategy) {
    case backoff::exponential:
      // In double: multiplier^(n-1) overflows int64 after a few dozen retries; pow gives inf,
      // which clamp_ms turns into max_delay.
      return clamp_ms(initial * std::pow(p.multiplier, n - 1.0), p.max_delay);
    case backoff::linear:
      return clamp_ms(initial * n, p.max_delay);
    case backoff::immediate:
      return std::chrono::milliseconds{0};
  }
  return std::chrono::milliseconds{0};
}

std::chrono::milliseconds jittered_delay(const retry_policy& p, uint32_t retry,
                                         double uniform01) noexcept {
  auto base = static_cast<double>(base_delay(p, retry).count());
  // Defensive clamps: a bad random source or an unvalidated policy must not yield
  // negative or unbounded delays.
  double u = uniform01 >= 0.0 ? std::min(uniform01, 1.0) : 0.0;
  if (p.full_jitter) return clamp_ms(base * u, p.max_delay);
  double j = p.jitter >= 0.0 ? std::min(p.jitter, 1.0) : 0.0;
  return clamp_ms(base * (1.0 - j + 2.0 * j * u), p.max_delay);
}

bool may_retry(const retry_policy& p, uint32_t attempts_done) noexcept {
  // 64-bit so that max_retries = UINT32_MAX cannot wrap.
  return static_cast<uint64_t>(attempts_done) < static_cast<uint64_t>(p.max_retries) + 1;
}

retry_policy_issue first_issue(const retry_policy& p) {
  if (p.initial_delay.count() < 0)
    return {"initial_delay", ms_text(p.initial_delay), "must not be negative"};
  if (p.max_delay < p.initial_delay)
    return {"max_delay", ms_text(p.max_delay),
            "must not be below the initial delay (" + ms_text(p.initial_delay) + ")"};
  if (p.strategy == backoff::exponential && !(p.multiplier >= 1.0 && std::isfinite(p.multiplier)))
    return {"multiplier", num_text(p.multiplier),
            "must be a finite number of at least 1 for exponential backoff (below 1 the delay "
            "would shrink)"};
  if (!(p.jitter >= 0.0 && p.jitter <= 1.0))
    return {"jitter", num_text(p.jitter), "must be a fraction within [0, 1]"};
  if (p.max_retries > max_sane_retries)
    return {"max_retries", std::to_string(p.max_retries),
            "must be at most " + std::to_string(max_sane_retries) +
                ": the deadline bounds retries anyway, so a larger number is almost surely a "
                "mistake (e.g. -1 converted to unsigned)"};
  return {};
}

std::string validate(const retry_policy& p) {
  auto issue = first_issue(p);
  if (issue.field.empty()) return {};
  return "retry." + issue.field + " (" + issue.value + ") " + issue.why;
}

bool parse_backoff(const std::string& text, backoff& out) noexcept {
  // Case-insensitive and tolerant of surrounding blanks, as config values often carry them.
  auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  auto first = std::find_if_not(text.begin(), text.end(), is_space);
  auto last = std::find_if_not(text.rbegin(), text.rend(), is_space).base();
  std::string s;
  try {
    for (auto i = first; i < last; ++i)
      s += static_cast<char>(std::tolower(static_cast<unsigned char>(*i)));
  } catch (...) {
    return false;
  }
  for (auto b : {backoff::exponential, backoff::linear, backoff::immediate}) {
    if (s == to_string(b)) {
      out = b;
      return true;
    }
  }
  return false;
}

}  // namespace actortx
