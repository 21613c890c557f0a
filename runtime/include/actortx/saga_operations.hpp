// Operating sagas for the long run: find them, read one with its whole history, retry a FAILED
// one, cancel a running one. The same typed messages serve runtime::saga*(), another node
// (send them to its supervisor) and the actortx-saga command-line tool.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

#include <actortx/saga_outcome.hpp>

namespace actortx {

/// Which sagas a listing shows; every criterion given must hold. Newest first.
struct saga_filter {
  std::vector<saga_state> states;  ///< empty: any state
  std::string type;                ///< empty: any type
  int64_t since_unix_ms = 0;       ///< created at or after (ms since the epoch); 0: any time
  uint32_t limit = 100;            ///< 1..10000

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, saga_filter& x) {
    return f(caf::meta::type_name("actortx::saga_filter"), x.states, x.type, x.since_unix_ms,
             x.limit);
  }
};

/// Asks for one saga by id.
struct saga_lookup {
  std::string id;

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, saga_lookup& x) {
    return f(caf::meta::type_name("actortx::saga_lookup"), x.id);
  }
};

/// One logged step (action and, if it ran, its compensation). Times are ISO 8601 UTC.
struct saga_step_detail {
  uint32_t number = 0;  ///< 0-based, in the type's order
  std::string name;
  step_state state = step_state::pending;
  uint32_t attempts = 0;               ///< transaction attempts of the action
  uint32_t compensation_attempts = 0;  ///< runs of the compensation
  std::string error;                   ///< last error, if any
  std::string node;                    ///< the node that logged it
  std::string created_at;              ///< first logged
  std::string updated_at;              ///< last changed

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, saga_step_detail& x) {
    return f(caf::meta::type_name("actortx::saga_step_detail"), x.number, x.name, x.state,
             x.attempts, x.compensation_attempts, x.error, x.node, x.created_at, x.updated_at);
  }
};

/// Something that happened to a saga besides its steps: an operator's retry or cancel, a
/// deadline, a node releasing it (unknown version), recovery giving up. Who and why, always.
struct saga_event {
  std::string at;      ///< ISO 8601 UTC
  std::string by;      ///< operator name, or "node:<node id>" for the runtime itself
  std::string action;  ///< "retry", "cancel", "deadline", "release", "fail", ...
  std::string reason;

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, saga_event& x) {
    return f(caf::meta::type_name("actortx::saga_event"), x.at, x.by, x.action, x.reason);
  }
};

/// Everything the log holds about one saga.
struct saga_detail {
  bool found = false;
  std::string id;
  std::string type;
  uint32_t version = 0;
  saga_state state = saga_state::started;
  std::string owner;             ///< the node that drives it (or drove it last)
  std::string lease_until;       ///< ISO 8601 UTC; past: no node drives it now
  std::string deadline;          ///< ISO 8601 UTC; empty: none
  std::string cancel_requested;  ///< "who: why" of a pending cancel; empty: none
  std::string error;
  std::string created_at;
  std::string updated_at;
  saga_context context;
  std::vector<saga_step_detail> steps;  ///< logged steps, by number
  std::vector<saga_event> events;       ///< oldest first

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, saga_detail& x) {
    return f(caf::meta::type_name("actortx::saga_detail"), x.found, x.id, x.type, x.version,
             x.state, x.owner, x.lease_until, x.deadline, x.cancel_requested, x.error, x.created_at,
             x.updated_at, x.context, x.steps, x.events);
  }
};

enum class saga_command_kind : uint8_t {
  /// A FAILED saga: go on from where it stopped, per its log (re-run the compensation that gave
  /// up, or resume / compensate a saga that could not be resumed). Any node that has its type
  /// and version picks it up (this one at once if it has).
  retry,
  /// A saga not yet final: stop going forward and compensate what ran. The node driving it is
  /// told (and its next step cannot commit); a FAILED saga is compensated from its log.
  cancel,
};

/// An operator's command. `by` and `reason` are recorded in the saga's history (required).
struct saga_command {
  std::string id;
  saga_command_kind kind = saga_command_kind::retry;
  std::string by;
  std::string reason;

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, saga_command& x) {
    return f(caf::meta::type_name("actortx::saga_command"), x.id, x.kind, x.by, x.reason);
  }
};

struct saga_command_result {
  /// The command was recorded and will be acted on; false: refused (see message) and nothing
  /// changed.
  bool accepted = false;
  saga_state before = saga_state::started;  ///< the saga's state when the command arrived
  std::string message;                      ///< what happens now, or why it was refused

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, saga_command_result& x) {
    return f(caf::meta::type_name("actortx::saga_command_result"), x.accepted, x.before, x.message);
  }
};

/// The operator's views as JSON objects, the one shape `actortx-saga --json` prints and the
/// dashboard's /api/sagas serves: a listed saga (id, type, version, state, step, owner, queued,
/// message, created_at, updated_at) and one saga with its steps, events and context. Text that
/// is not valid UTF-8 is replaced, never thrown on.
std::string to_json(const saga_info& x);
std::string to_json(const saga_detail& x);

inline const char* to_string(saga_command_kind k) noexcept {
  return k == saga_command_kind::cancel ? "cancel" : "retry";
}

}  // namespace actortx
