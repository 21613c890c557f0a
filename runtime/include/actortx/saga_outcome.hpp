// Sagas on the wire: the run request, the outcome, and what a listing shows.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
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

/// Starts a saga of a type registered on the node that runs it.
struct saga_request {
  std::string type;
  saga_context context;
  /// Empty: the runtime makes one (a UUID). A caller-chosen id lets the caller find the saga
  /// in the log even if it never hears the outcome.
  std::string id;

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, saga_request& x) {
    return f(caf::meta::type_name("actortx::saga_request"), x.type, x.context, x.id);
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

  bool committed() const noexcept { return state == saga_state::committed; }

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, saga_outcome& x) {
    return f(caf::meta::type_name("actortx::saga_outcome"), x.id, x.type, x.state, x.steps,
             x.context, x.code, x.message, x.duration, x.recovered);
  }
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

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, saga_info& x) {
    return f(caf::meta::type_name("actortx::saga_info"), x.id, x.type, x.state, x.step, x.owner,
             x.message, x.updated_at, x.actor);
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

/// A saga in one of these states is still someone's work.
inline bool is_final(saga_state x) noexcept {
  return x == saga_state::committed || x == saga_state::compensated || x == saga_state::failed;
}

}  // namespace actortx
