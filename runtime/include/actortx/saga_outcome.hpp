// Sagas on the wire: the run request, the outcome, and what a listing shows.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <system_error>
#include <vector>

#include <caf/actor_addr.hpp>
#include <caf/meta/type_name.hpp>

#include <actortx/errc.hpp>
#include <actortx/saga_context.hpp>

namespace actortx {

/// STARTED -> EXECUTING -> COMMITTED, or -> COMPENSATING -> COMPENSATED | FAILED. FAILED means
/// an operator must look: a compensation kept failing, or the saga could not be resumed.
enum class saga_state : uint8_t {
  started,
  executing,
  compensating,
  committed,
  compensated,
  failed
};

/// PENDING (never ran), DONE (its transaction committed), FAILED (it ran and did not commit),
/// COMPENSATED, COMPENSATION_FAILED (its compensation gave up: the saga is FAILED).
enum class step_state : uint8_t { pending, done, failed, compensated, compensation_failed };

/// The longest deadline a saga may have (saga_options::timeout); longer ones are refused.
constexpr std::chrono::hours max_saga_timeout{24 * 365};

/// Per-saga settings, chosen when it starts and kept in the log (a recovering node honours them).
struct saga_options {
  /// Deadline of the whole saga, from the moment it is accepted; 0: none. Past it the running
  /// step is cancelled (its transaction's deadline never reaches past the saga's), no further
  /// step starts, and the saga compensates what ran (errc::timeout, "saga deadline ...").
  /// Compensations are not bounded by it: they run until they succeed or give up.
  std::chrono::milliseconds timeout{0};
  /// The request the saga serves, as a W3C traceparent (like tx_options::correlation_id,
  /// <actortx/trace_context.hpp>); empty: the runtime makes one. Every transaction of the
  /// saga (steps, compensations, its log's) runs under a child of it: the same trace id in its
  /// record, log lines and application_name, also on peer nodes. The saga row keeps the trace
  /// id (actortx.saga.trace_id), so a saga recovered by any node goes on in the same trace.
  /// A malformed one is refused (FAILED, errc::invalid_argument).
  std::string correlation_id;

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, saga_options& x) {
    return f(caf::meta::type_name("actortx::saga_options"), x.timeout, x.correlation_id);
  }
};

/// A saga in one of these states is no one's work any more (the others are still someone's).
constexpr bool is_final(saga_state x) noexcept {
  return x == saga_state::committed || x == saga_state::compensated || x == saga_state::failed;
}

/// Starts a saga of a type registered on the node that runs it.
struct saga_request {
  std::string type;
  saga_context context;
  /// Empty: the runtime makes one (a UUID). A caller-chosen id lets the caller find the saga
  /// in the log even if it never hears the outcome.
  std::string id;
  saga_options options;
  /// The version of the type to run; 0: the newest this node has. The saga runs to its end on
  /// this version, also when recovered by another node.
  uint32_t version = 0;

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, saga_request& x) {
    return f(caf::meta::type_name("actortx::saga_request"), x.type, x.context, x.id, x.options,
             x.version);
  }
};

struct step_report {
  std::string name;
  step_state state = step_state::pending;
  uint32_t attempts = 0;               ///< transaction attempts of the action
  uint32_t compensation_attempts = 0;  ///< runs of the compensation
  std::string message;                 ///< last error, if any

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, step_report& x) {
    return f(caf::meta::type_name("actortx::step_report"), x.name, x.state, x.attempts,
             x.compensation_attempts, x.message);
  }
};

/// The reply to a saga request: always sent, also when the saga failed.
struct saga_outcome {
  std::string id;
  std::string type;
  saga_state state = saga_state::started;
  std::vector<step_report> steps;
  saga_context context;    ///< as the last step (or compensation) left it
  errc code = errc::none;  ///< errc::none exactly when state == committed
  std::string message;     ///< why it did not commit (the failing step's error)
  std::chrono::microseconds duration{0};
  /// Driven (partly) by recovery: after a crash, or after the saga's actor died.
  bool recovered = false;
  /// The caller stopped waiting (its own timeout, or the runtime could not deliver the answer)
  /// before the saga ended: `state` is then not the saga's (it is STARTED, code errc::timeout
  /// or errc::attempt_crashed) and the saga goes on; ask runtime::saga(id) for the truth.
  /// Never set on an outcome the saga itself reported.
  bool caller_gave_up = false;
  uint32_t version = 0;  ///< the version of the type it ran on (0 when not known)
  /// The traceparent the saga ran under (saga_options::correlation_id, or the one the runtime
  /// made); "" when it was refused before it had one.
  std::string correlation_id;

  bool committed() const noexcept { return state == saga_state::committed; }
  /// The saga reached a final state and this outcome reports it.
  bool ended() const noexcept { return !caller_gave_up && is_final(state); }
  /// The outcome's code as a std::error_code (category "actortx"); false when it committed.
  std::error_code error() const noexcept { return make_error_code(code); }
  /// Throws saga_error carrying this outcome unless it committed (COMPENSATED throws too:
  /// the saga's work was undone).
  void throw_if_failed() const;

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, saga_outcome& x) {
    return f(caf::meta::type_name("actortx::saga_outcome"), x.id, x.type, x.state, x.steps,
             x.context, x.code, x.message, x.duration, x.recovered, x.caller_gave_up, x.version,
             x.correlation_id);
  }
};

/// What saga_outcome::throw_if_failed() throws: code() is the outcome's errc, what() names
/// the saga's type, id and state and the message.
class saga_error : public std::system_error {
 public:
  explicit saga_error(saga_outcome outcome);
  const saga_outcome& outcome() const noexcept { return outcome_; }

 private:
  saga_outcome outcome_;
};

/// One saga in a listing (running ones from the supervisor, failed ones from the log).
struct saga_info {
  std::string id;
  std::string type;
  saga_state state = saga_state::started;
  uint32_t step = 0;       ///< index of the step (or compensation) running now / last logged
  std::string owner;       ///< node id
  std::string message;     ///< last error, if any
  std::string updated_at;  ///< from the log, ISO 8601; empty for in-memory listings
  caf::actor_addr actor;   ///< the saga's actor (running sagas only)
  uint32_t version = 0;    ///< of its type (0: not known yet)
  std::string created_at;  ///< from the log, ISO 8601; empty for in-memory listings
  /// Accepted by this node but waiting for a free slot (sagas.max-running); not started yet.
  bool queued = false;

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, saga_info& x) {
    return f(caf::meta::type_name("actortx::saga_info"), x.id, x.type, x.state, x.step, x.owner,
             x.message, x.updated_at, x.actor, x.version, x.created_at, x.queued);
  }
};

inline const char* to_string(saga_state x) noexcept {
  switch (x) {
    case saga_state::started:
      return "STARTED";
    case saga_state::executing:
      return "EXECUTING";
    case saga_state::compensating:
      return "COMPENSATING";
    case saga_state::committed:
      return "COMMITTED";
    case saga_state::compensated:
      return "COMPENSATED";
    case saga_state::failed:
      return "FAILED";
  }
  return "FAILED";
}

inline const char* to_string(step_state x) noexcept {
  switch (x) {
    case step_state::pending:
      return "PENDING";
    case step_state::done:
      return "DONE";
    case step_state::failed:
      return "FAILED";
    case step_state::compensated:
      return "COMPENSATED";
    case step_state::compensation_failed:
      return "COMPENSATION_FAILED";
  }
  return "FAILED";
}

/// Inverse of to_string; false for an unknown name.
bool parse_saga_state(const std::string& text, saga_state& out) noexcept;
bool parse_step_state(const std::string& text, step_state& out) noexcept;

}  // namespace actortx
