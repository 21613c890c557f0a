// The durable saga log: SQL of actortx.saga / actortx.saga_step, as scripts the saga actors
// send through a supervisor (so deadlines and retries apply, and a script can go to another
// node later). Pure builders and parsers; nothing here talks to the database itself. The
// tables and the functions called here are created by runtime/schema/migrations/.
//
// Guarantees it gives the saga actor:
//  * saga_write() upserts the saga row only while this node owns it (else SQLSTATE XA001), so
//    a node whose lease expired can never apply a step a new owner also applies: the check is
//    in the same transaction as the step's effects.
//  * "Did step n run?" is answered once and for all on the step's own database. A step on the
//    log's database: by its step row, which its transaction inserts (saga_step_done) and a
//    fence inserts as FAILED if it is not there (step_fence_script). A step on another
//    database: by the idempotency key step_key(id, n) its transaction carries (fence_script).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <actortx/saga_outcome.hpp>
#include <actortx/saga_registry.hpp>
#include <actortx/statement.hpp>
#include <actortx/tx_outcome.hpp>

namespace actortx {

/// SQLSTATE raised by saga_write() and saga_step_done() when another node owns the saga.
inline constexpr const char* saga_not_owner_sqlstate = "XA001";
/// SQLSTATE raised by saga_step_done() when the step committed before (its row is there).
inline constexpr const char* saga_step_ran_sqlstate = "XA002";
/// SQLSTATE raised by saga_step_done() when an operator asked to cancel the saga: the step's
/// transaction rolls back and the saga compensates.
inline constexpr const char* saga_cancelled_sqlstate = "XA004";
/// SQLSTATE raised by saga_step_done() when the step was fenced (the saga decided it did not
/// run): the step's transaction rolls back.
inline constexpr const char* saga_step_fenced_sqlstate = "XA003";

/// One write to the log: the saga row, and optionally one step row.
struct saga_write {
  std::string id;
  std::string type;
  saga_state state = saga_state::executing;
  const saga_context* context = nullptr;  ///< required
  std::string owner;
  std::chrono::milliseconds lease{30000};
  std::string error;
  /// Step row to upsert; none when step < 0.
  int32_t step = -1;
  std::string step_name;
  step_state step_status = step_state::done;
  /// -1: the attempt number of the transaction that writes the row (from its application_name).
  int32_t attempts = 0;
  uint32_t compensation_attempts = 0;
  std::string step_error;
  /// The version of the saga's type; written when the saga row is inserted.
  uint32_t version = 1;
  /// The saga's deadline in ms from now, written when the saga row is inserted; -1: none.
  int64_t deadline_ms = -1;
};

/// SELECT actortx.saga_write(...): for a script, or tx::exec() inside a body.
statement saga_write_statement(const saga_write& w);

/// SELECT actortx.saga_step_done(...): the log write of a step on the log's database, in the
/// step's own transaction; `w`'s step row is inserted as DONE (attempts from the transaction),
/// its saga row written only if `write_saga` (else only its owner checked) or if it is not
/// there yet. Raises saga_step_ran_sqlstate / saga_step_fenced_sqlstate if the step's row is.
statement step_done_statement(const saga_write& w, bool write_saga);

/// The idempotency key of step `step`'s action (or compensation) in saga `id`.
std::string step_key(const std::string& id, size_t step, bool compensation);

/// Decides whether the action with `key` ran: fences the key if it did not (so it never will).
tx_script fence_script(const std::string& key);
/// true: the action committed; false: it did not and now cannot. nullopt: the outcome is not
/// a committed fence script.
std::optional<bool> fence_result(const tx_outcome& out);
/// The same for a step on the log's database (whose step row is its key); fences its key too.
tx_script step_fence_script(const std::string& id, size_t step, const std::string& name);
std::optional<bool> step_fence_result(const tx_outcome& out);

/// What the log holds about one saga.
struct saga_snapshot {
  bool found = false;
  std::string type;
  saga_state state = saga_state::started;
  saga_context context;
  std::string owner;
  std::string error;
  std::vector<step_report> steps;  ///< the logged ones, by step number (gaps are PENDING)
  uint32_t version = 1;
  /// The saga's deadline in ms from now (by the database's clock; negative: passed); none if
  /// it has none.
  std::optional<int64_t> deadline_ms;
  std::string cancel_requested;  ///< "who: why" of an operator's pending cancel; empty: none
};
tx_script load_script(const std::string& id);
/// Throws std::runtime_error on a malformed result (e.g. an unknown state name).
saga_snapshot parse_load(const tx_outcome& out);

/// What a recovery round knows and may do.
struct claim_request {
  std::string owner;
  std::chrono::milliseconds lease{30000};
  /// The types and versions this node has: it claims only sagas of these.
  std::vector<saga_type_version> known;
  /// At start-up: this node's own sagas, left by an earlier incarnation, are claimed at once
  /// (their lease may not have expired), and those of a version it lacks are released (lease
  /// expired, history row) so that a node that has it takes them without waiting.
  bool include_own = false;
  size_t limit = 100;
  /// A saga of a type and version no node claimed for this long after its lease expired is
  /// FAILED (error and history row naming type and version).
  std::chrono::milliseconds unknown_version_grace{3600000};
};

/// Claims up to `limit` unfinished sagas of known types and versions: other nodes' whose lease
/// expired; this node's own whose lease expired (the supervisor ignores the ones it still
/// drives); and at start-up all of this node's own. FOR UPDATE SKIP LOCKED: two nodes never
/// claim the same. Also releases and fails sagas of unknown versions (see claim_request). The
/// claimed ids are the last result.
tx_script claim_script(const claim_request& r);
/// Ids of the claimed sagas.
std::vector<std::string> parse_claim(const tx_outcome& out);

/// Extends the lease of the sagas this node drives; answers those with a pending cancel.
tx_script renew_script(const std::string& owner, std::chrono::milliseconds lease,
                       const std::vector<std::string>& ids);
/// Saga id -> "who: why" of each renewed saga an operator asked to cancel.
std::vector<std::pair<std::string, std::string>> parse_renew(const tx_outcome& out);

/// The context as a JSON object of strings, and back (std::runtime_error if not an object).
std::string context_to_json(const saga_context& ctx);
saga_context context_from_json(const std::string& json);

}  // namespace actortx
