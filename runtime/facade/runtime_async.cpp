// The asynchronous façade: transact_async and run_saga_async. Each call spawns one small
// requester actor that asks the supervisor (bounded like the blocking call), fulfils the
// caller's future or callback exactly once, also when no answer can come, and forwards the
// caller's cancel. Forwarding matters: CAF keeps the order of messages from one actor to
// another, so a cancel sent right after the call can never overtake its run request.
#include <atomic>
#include <future>
#include <memory>
#include <mutex>
#include <random>
#include <tuple>
#include <utility>

#include <caf/all.hpp>

#include <actortx/log.hpp>
#include <actortx/runtime.hpp>
#include <actortx/trace_context.hpp>

#include "messages/reply_timeout.hpp"
#include "runtime/facade/blocking_ask.hpp"
#include "runtime/facade/runtime_impl.hpp"
#include "runtime/facade/saga_wait.hpp"
#include "runtime/policy/failed_outcome.hpp"
#include "runtime/policy/saga_id.hpp"

namespace actortx {

namespace {

/// Between a tx_canceller and its requester: the requester while it waits for the answer,
/// nothing once the answer was handed on. A weak address, never a strong handle, so that a
/// canceller kept after the runtime is gone holds nothing of it.
class requester_link {
 public:
  /// Too late when the requester answered already (it may be quicker than spawn returns).
  void open(const caf::actor_addr& requester) {
    std::lock_guard<std::mutex> lock{mtx_};
    if (!closed_) requester_ = requester;
  }
  void close() {
    std::lock_guard<std::mutex> lock{mtx_};
    closed_ = true;
    requester_ = caf::actor_addr{};
  }
  /// Asks the requester to pass the cancel on. Under the lock: the requester closes the link
  /// before it ends, so the actor (and its system) is alive while we send, and the strong
  /// handle made here is gone before the requester can end.
  void cancel() {
    std::lock_guard<std::mutex> lock{mtx_};
    if (closed_) return;
    if (auto requester = caf::actor_cast<caf::actor>(requester_))
      caf::anon_send(requester, cancel_tx_atom::value);
  }

 private:
  std::mutex mtx_;
  caf::actor_addr requester_;
  bool closed_ = false;
};

/// What a requester hands on, once: the supervisor's answer, or what a missing one means.
template <class Reply>
struct pending_reply {
  std::function<void(Reply)> done;
  /// The answer when the request failed (timeout, supervisor gone): never "not committed"
  /// unless it cannot have run.
  std::function<Reply(caf::actor_system&, const caf::error&)> no_answer;
  std::shared_ptr<requester_link> link = std::make_shared<requester_link>();
  bool handed_on = false;  // only the requester's thread touches it

  void hand_on(Reply r) {
    if (handed_on) return;
    handed_on = true;
    link->close();
    try {
      done(std::move(r));
    } catch (const std::exception& e) {
      log(log_component::runtime).error("an asynchronous caller's callback threw: {}", e.what());
    } catch (...) {
      log(log_component::runtime)
          .error("an asynchronous caller's callback threw a non-std exception");
    }
  }
};

/// The supervisor went down before it answered. It answers every transaction it took before it
/// stops (runtime.hpp, ~runtime), so after a shutdown the request was never taken: like a
/// request that bounced. Any other end (a crash) leaves it open whether it ran.
caf::error as_request_error(const caf::error& down_reason) {
  if (down_reason == caf::exit_reason::user_shutdown || down_reason == caf::exit_reason::normal)
    return caf::make_error(caf::sec::request_receiver_down);
  return down_reason;
}

/// Spawning from a thread without an actor system leaves it holding this system's logger,
/// which the system's destructor waits for (blocking_self.hpp): let go again. A scheduler
/// thread (a callback starting the next transaction) keeps its own.
class spawn_guard {
 public:
  spawn_guard() : had_logger_(caf::logger::current_logger() != nullptr) {}
  ~spawn_guard() {
    if (!had_logger_) caf::logger::set_current_actor_system(nullptr);
  }
  spawn_guard(const spawn_guard&) = delete;
  spawn_guard& operator=(const spawn_guard&) = delete;

 private:
  bool had_logger_;
};

/// Spawns the requester of `request` to `sup`. `cancel_id` is what a cancel names to the
/// supervisor ("" for requests that cannot be cancelled).
template <class Reply, class... Request>
void spawn_requester(caf::actor_system& sys, const supervisor_impl_actor& sup,
                     std::shared_ptr<pending_reply<Reply>> reply, caf::timespan timeout,
                     const std::string& cancel_id, std::tuple<Request...> request) {
  spawn_guard guard;
  // The reply goes in as a spawn argument, not only as a capture: CAF 0.17 binds a reference to
  // a null std::tuple<> for a function actor spawned without arguments (UBSan reports it).
  auto requester = sys.spawn(
      [sup, timeout, cancel_id, request](
          caf::event_based_actor* self,
          std::shared_ptr<pending_reply<Reply>> reply) -> caf::behavior {
        self->monitor(sup);
        self->set_down_handler([=](caf::down_msg& dm) {
          if (dm.source != sup.address()) return;
          reply->hand_on(reply->no_answer(self->system(), as_request_error(dm.reason)));
          self->quit();
        });
        auto ask = [&](const auto&... xs) { return self->request(sup, timeout, xs...); };
        std::apply(ask, request)
            .then(
                [=](Reply& r) {
                  reply->hand_on(std::move(r));
                  self->quit();
                },
                [=](caf::error& err) {
                  reply->hand_on(reply->no_answer(self->system(), err));
                  self->quit();
                });
        return {
            [=](cancel_tx_atom) {
              if (!cancel_id.empty()) self->send(sup, cancel_tx_atom::value, cancel_id);
            },
        };
      },
      reply);
  reply->link->open(requester.address());
}

/// Starts transaction `work` and returns its cancel handle; `done` gets the outcome once.
template <class Work>
tx_canceller start_transaction(caf::actor_system& sys, const supervisor_impl_actor& sup,
                               tx_options opts, Work work, std::function<void(tx_outcome)> done) {
  // The id is chosen here, so that the canceller can name the transaction; the supervisor
  // keeps the one it is handed.
  if (opts.correlation_id.empty()) opts.correlation_id = new_traceparent();
  auto reply = std::make_shared<pending_reply<tx_outcome>>();
  reply->done = std::move(done);
  reply->no_answer = [opts](caf::actor_system& s, const caf::error& err) {
    return outcome_from_error(s, err, opts);
  };
  const auto id = opts.correlation_id;
  tx_canceller canceller{[link = reply->link] { link->cancel(); }, id};
  if (!sup) {
    reply->hand_on(failed_outcome(opts, errc::shutting_down, "the runtime is stopped; not run"));
    return canceller;
  }
  const auto timeout = reply_timeout(opts);
  spawn_requester(sys, sup, std::move(reply), timeout, id,
                  std::make_tuple(run_atom::value, std::move(opts), std::move(work)));
  return canceller;
}

/// The future form of a callback: the promise is fulfilled by the one call of `done`.
template <class T>
std::pair<std::future<T>, std::function<void(T)>> promised() {
  auto promise = std::make_shared<std::promise<T>>();
  auto future = promise->get_future();
  return {std::move(future), [promise](T x) { promise->set_value(std::move(x)); }};
}

}  // namespace

tx_canceller runtime::transact_async(const tx_options& opts, std::function<void(tx&)> body,
                                     std::function<void(tx_outcome)> done) {
  return start_transaction(*impl_->sys, impl_->sup, opts, make_body(std::move(body)),
                           std::move(done));
}

tx_ticket<tx_outcome> runtime::transact_async(const tx_options& opts,
                                              std::function<void(tx&)> body) {
  auto [future, done] = promised<tx_outcome>();
  tx_ticket<tx_outcome> ticket;
  ticket.future = std::move(future);
  ticket.canceller = transact_async(opts, std::move(body), std::move(done));
  return ticket;
}

tx_ticket<tx_outcome> runtime::transact_async(const tx_options& opts, const tx_script& script) {
  auto [future, done] = promised<tx_outcome>();
  tx_ticket<tx_outcome> ticket;
  ticket.future = std::move(future);
  ticket.canceller = start_transaction(*impl_->sys, impl_->sup, opts, script, std::move(done));
  return ticket;
}

void runtime::run_saga_async(saga_request req, std::function<void(saga_outcome)> done,
                             std::chrono::milliseconds timeout) {
  // The id is chosen here, so that even a caller that gave up can name the saga.
  if (req.id.empty()) {
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    req.id = make_saga_id(rng);
  }
  auto reply = std::make_shared<pending_reply<saga_outcome>>();
  reply->done = std::move(done);
  reply->no_answer = [req](caf::actor_system& s, const caf::error& err) {
    return caller_gave_up(s, err, req);
  };
  if (!impl_->sup) {
    reply->hand_on(
        caller_gave_up(*impl_->sys, caf::make_error(caf::sec::request_receiver_down), req));
    return;
  }
  spawn_requester(*impl_->sys, impl_->sup, std::move(reply), caf::timespan{timeout}, {},
                  std::make_tuple(saga_atom::value, std::move(req)));
}

std::future<saga_outcome> runtime::run_saga_async(saga_request req,
                                                  std::chrono::milliseconds timeout) {
  auto [future, done] = promised<saga_outcome>();
  run_saga_async(std::move(req), std::move(done), timeout);
  return std::move(future);
}

}  // namespace actortx
