#include "actors/supervisor/request_check.hpp"

#include "runtime/policy/error_classifier.hpp"
#include "runtime/policy/retry_policy.hpp"
#include "runtime/policy/saga_id.hpp"

namespace actortx {

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
  return invalid;
}

}  // namespace actortx
