// An exception a body throws to ask for a retry.
#pragma once

#include <stdexcept>

namespace actortx {

/// Throw from a body when the failure is transient and running the transaction again may
/// succeed (e.g. a service the body called was briefly unavailable). The attempt rolls back and
/// is retried under the transaction's retry policy; any other exception fails fast.
class retryable_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace actortx
