// A transaction started by runtime::transact_async: its future outcome and a cancel handle.
#pragma once

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <utility>

namespace actortx {

/// Cancels one transaction started by transact_async, by its correlation id. Copyable; safe
/// to call from any thread, more than once, and after the runtime is gone (then it does
/// nothing).
class tx_canceller {
 public:
  tx_canceller() = default;
  tx_canceller(std::function<void()> send, std::string correlation_id)
      : send_(std::make_shared<std::function<void()>>(std::move(send))),
        correlation_id_(std::move(correlation_id)) {}

  /// Ends the transaction as ROLLED_BACK (errc::cancelled) if it has not committed yet: a
  /// waiting one is answered at once, a running one is stopped (its query cancelled on the
  /// server, like at a deadline). Once its COMMIT may be on the wire the cancel is too late and
  /// the outcome says what happened (COMMITTED, or IN_DOUBT within the usual grace). A
  /// finished transaction is not touched.
  void cancel() const {
    if (send_ && *send_) (*send_)();
  }
  /// The transaction's correlation id (tx_options::correlation_id, generated if it was empty):
  /// also the id its record and log lines carry.
  const std::string& correlation_id() const noexcept { return correlation_id_; }

 private:
  std::shared_ptr<std::function<void()>> send_;
  std::string correlation_id_;
};

/// The answer of transact_async: a std::future of the outcome (T: tx_outcome, or tx_result<R>
/// for a body returning R) and the cancel handle. The future is always fulfilled, bounded by
/// the transaction's deadline like the blocking call (plus its grace).
template <class T>
struct tx_ticket {
  std::future<T> future;
  tx_canceller canceller;

  /// Waits for the outcome (once, like std::future::get).
  T get() { return future.get(); }
  /// True once the outcome is there.
  bool ready() const {
    return future.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
  }
  void cancel() const { canceller.cancel(); }
};

}  // namespace actortx
