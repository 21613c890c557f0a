// A transaction whose body returns a value: the outcome and, when it committed, the value.
#pragma once

#include <optional>
#include <utility>

#include <actortx/tx_outcome.hpp>

namespace actortx {

/// What runtime::transact answers for a body returning T. `result` holds the value the body
/// returned in the attempt that committed (each retry runs the body again; earlier attempts'
/// values are dropped). It is empty when the transaction did not commit, and also when it
/// committed without running the body: an idempotency key found committed earlier
/// (outcome.deduplicated). For a call joined to an outer body's transaction it holds the
/// value when the savepoint was released.
template <class T>
struct tx_result {
  tx_outcome outcome;
  std::optional<T> result;

  bool committed() const noexcept { return outcome.committed(); }
  bool ok() const noexcept { return outcome.ok(); }
  bool has_value() const noexcept { return result.has_value(); }
  explicit operator bool() const noexcept { return ok() && has_value(); }

  /// The value; throws tx_error (carrying the outcome) when the transaction did not commit,
  /// or committed without a value (deduplicated).
  T& value() & {
    check();
    return *result;
  }
  const T& value() const& {
    check();
    return *result;
  }
  T&& value() && {
    check();
    return std::move(*result);
  }

 private:
  void check() const {
    outcome.throw_if_failed();
    if (!result) throw tx_error(deduplicated_without_value(outcome));
  }
  static tx_outcome deduplicated_without_value(tx_outcome o) {
    o.message =
        "committed earlier under its idempotency key: the body did not run again, "
        "so there is no value";
    return o;
  }
};

}  // namespace actortx
