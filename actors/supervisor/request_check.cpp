#include "actors/supervisor/request_check.hpp"

#include <actortx/trace_context.hpp>

#include "runtime/policy/error_classifier.hpp"
#include "runtime/policy/retry_policy.hpp"
#include "runtime/policy/saga_id.hpp"

namespace actortx {

namespace {

/// At most this much of a caller's malformed value is quoted back: it goes into log lines.
constexpr size_t max_echo = 64;

/// The start of `text` as an error may quote it: printable ASCII only, at most max_echo.
std::string echo(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size() && i < max_echo; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    out += c >= 0x20 && c < 0x7f && c != '"' ? text[i] : '?';
  }
  return '"' + out + (text.size() > max_echo ? "\"..." : "\"");
}

std::string check_correlation_id(const std::string& id) {
  if (id.empty()) return {};  // the runtime makes one
  auto problem = traceparent_problem(id);
  if (problem.empty()) return {};
  return "tx_options::correlation_id must be empty or a W3C traceparent "
         "\"00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>\": " +
         problem + ", got " + echo(id);
}

}  // namespace

std::string check_options(const tx_options& opts) {
  if (opts.timeout.count() <= 0 || opts.timeout > max_tx_timeout)
    return "tx_options.timeout must be positive and at most 24 h, got " +
           std::to_string(opts.timeout.count()) + " ms";
  auto invalid = validate(opts.retry);
  if (invalid.empty()) invalid = validate(opts.classification);
  if (invalid.empty() && opts.read_only && !opts.idempotency_key.empty())
    invalid =
        "tx_options.idempotency_key needs a read-write transaction: the key is written "
        "in the transaction (and a read-only one has nothing to deduplicate)";
  // It goes into log lines and exports: the saga ids' own rules keep them one clean token.
  if (invalid.empty() && !opts.saga_id.empty()) {
    auto bad = check_saga_id(opts.saga_id);
    if (!bad.empty()) invalid = "tx_options.saga_id: " + bad;
  }
  // It goes into log lines and the server's application_name, inside a SQL literal.
  if (invalid.empty()) invalid = check_correlation_id(opts.correlation_id);
  return invalid;
}

void ensure_correlation_id(tx_options& opts) {
  if (opts.correlation_id.empty()) opts.correlation_id = new_traceparent();
}

}  // namespace actortx
