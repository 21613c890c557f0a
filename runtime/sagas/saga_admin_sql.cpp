#include "runtime/sagas/saga_admin_sql.hpp"

#include <stdexcept>

#include <nlohmann/json.hpp>

#include "runtime/policy/saga_id.hpp"
#include "runtime/sagas/result_cells.hpp"
#include "runtime/sagas/saga_log.hpp"

namespace actortx {

using saga_sql::cell;
using saga_sql::results_of;

namespace {

/// A timestamptz column as ISO 8601 UTC with milliseconds (NULL stays NULL: "").
std::string iso(const std::string& column) {
  return "to_char(" + column + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')";
}

uint32_t number(const result_set& rs, size_t row, size_t col) {
  const auto& text = cell(rs, row, col);
  return text.empty() ? 0 : static_cast<uint32_t>(std::stoul(text));
}

saga_state saga_state_of(const std::string& text) {
  saga_state s;
  if (!parse_saga_state(text, s))
    throw std::runtime_error("saga log: unknown saga state '" + text + "'");
  return s;
}

step_state step_state_of(const std::string& text) {
  step_state s;
  if (!parse_step_state(text, s))
    throw std::runtime_error("saga log: unknown step state '" + text + "'");
  return s;
}

std::string states_json(const std::vector<saga_state>& states) {
  auto j = nlohmann::json::array();
  for (auto s : states) j.push_back(to_string(s));
  return j.dump();
}

}  // namespace

std::string check_saga_filter(const saga_filter& f) {
  if (f.limit < 1 || f.limit > max_saga_list_limit)
    return "limit " + std::to_string(f.limit) + ": must be 1.." +
           std::to_string(max_saga_list_limit);
  if (f.since_unix_ms < 0)
    return "since " + std::to_string(f.since_unix_ms) + " ms: before 1970 (0 means any time)";
  if (f.type.size() > 200) return "type: longer than 200 characters";
  return "";
}

namespace {

/// The columns parse_saga_list() reads, of actortx.saga s.
std::string list_columns() {
  return "SELECT s.id, s.type, s.state, s.owner, s.error, " + iso("s.updated_at") +
         ", (SELECT coalesce(max(step_no), 0) FROM actortx.saga_step st "
         "WHERE st.saga_id = s.id), s.version, " +
         iso("s.created_at") + " FROM actortx.saga s ";
}

}  // namespace

tx_script saga_list_script(const saga_filter& f) {
  tx_script s;
  s.add(list_columns() +
            "WHERE (jsonb_array_length($1::jsonb) = 0 "
            "OR s.state IN (SELECT jsonb_array_elements_text($1::jsonb))) "
            "AND ($2::text = '' OR s.type = $2::text) "
            "AND ($3::bigint = 0 OR s.created_at >= to_timestamp($3::bigint / 1000.0)) "
            "ORDER BY s.created_at DESC, s.id LIMIT $4",
        states_json(f.states), f.type, f.since_unix_ms, static_cast<uint64_t>(f.limit));
  return s;
}

tx_script sagas_in_state_script(saga_state state, size_t limit) {
  tx_script s;
  s.add(list_columns() + "WHERE s.state = $1 ORDER BY s.updated_at LIMIT $2", to_string(state),
        static_cast<uint64_t>(limit));
  return s;
}

std::vector<saga_info> parse_saga_list(const tx_outcome& out) {
  const auto& rs = results_of(out, 1, "listing sagas");
  std::vector<saga_info> list;
  for (size_t r = 0; r < rs.rows.size(); ++r) {
    saga_info i;
    i.id = cell(rs, r, 0);
    i.type = cell(rs, r, 1);
    i.state = saga_state_of(cell(rs, r, 2));
    i.owner = cell(rs, r, 3);
    i.message = cell(rs, r, 4);
    i.updated_at = cell(rs, r, 5);
    i.step = number(rs, r, 6);
    i.version = number(rs, r, 7);
    i.created_at = cell(rs, r, 8);
    list.push_back(std::move(i));
  }
  return list;
}

tx_script saga_lookup_script(const std::string& id) {
  tx_script s;
  s.add("SELECT id, type, version, state, owner, " + iso("lease_until") + ", " + iso("deadline") +
            ", cancel_requested, error, " + iso("created_at") + ", " + iso("updated_at") +
            ", context::text FROM actortx.saga WHERE id = $1",
        id);
  s.add("SELECT step_no, name, state, attempts, compensation_attempts, error, node, " +
            iso("created_at") + ", " + iso("updated_at") +
            " FROM actortx.saga_step WHERE saga_id = $1 ORDER BY step_no",
        id);
  s.add("SELECT " + iso("at") +
            ", by, action, reason FROM actortx.saga_event WHERE saga_id = $1 ORDER BY seq",
        id);
  return s;
}

namespace {

saga_step_detail step_of(const result_set& rs, size_t r) {
  saga_step_detail d;
  d.number = number(rs, r, 0);
  d.name = cell(rs, r, 1);
  d.state = step_state_of(cell(rs, r, 2));
  d.attempts = number(rs, r, 3);
  d.compensation_attempts = number(rs, r, 4);
  d.error = cell(rs, r, 5);
  d.node = cell(rs, r, 6);
  d.created_at = cell(rs, r, 7);
  d.updated_at = cell(rs, r, 8);
  return d;
}

}  // namespace

saga_detail parse_saga_lookup(const std::string& id, const tx_outcome& out) {
  const auto& events = results_of(out, 3, "looking up a saga");
  const auto& saga = out.results[0];
  const auto& steps = out.results[1];
  saga_detail d;
  d.id = id;
  if (saga.rows.empty()) return d;
  d.found = true;
  d.type = cell(saga, 0, 1);
  d.version = number(saga, 0, 2);
  d.state = saga_state_of(cell(saga, 0, 3));
  d.owner = cell(saga, 0, 4);
  d.lease_until = cell(saga, 0, 5);
  d.deadline = cell(saga, 0, 6);
  d.cancel_requested = cell(saga, 0, 7);
  d.error = cell(saga, 0, 8);
  d.created_at = cell(saga, 0, 9);
  d.updated_at = cell(saga, 0, 10);
  d.context = context_from_json(cell(saga, 0, 11));
  for (size_t r = 0; r < steps.rows.size(); ++r) d.steps.push_back(step_of(steps, r));
  for (size_t r = 0; r < events.rows.size(); ++r)
    d.events.push_back(
        {cell(events, r, 0), cell(events, r, 1), cell(events, r, 2), cell(events, r, 3)});
  return d;
}

// --- commands -----------------------------------------------------------------------------

std::string check_saga_command(const saga_command& c) {
  if (auto bad = check_saga_id(c.id); !bad.empty()) return "saga id '" + c.id + "': " + bad;
  if (c.by.find_first_not_of(" \t\r\n") == std::string::npos)
    return "who asks (by) is empty: it is recorded in the saga's history";
  if (c.reason.find_first_not_of(" \t\r\n") == std::string::npos)
    return "the reason is empty: it is recorded in the saga's history";
  if (c.by.size() > 200) return "who asks (by): longer than 200 characters";
  if (c.reason.size() > 2000) return "the reason: longer than 2000 characters";
  return "";
}

namespace {

/// Locks the saga row: the commands on one saga, and its step transactions (FOR KEY SHARE in
/// saga_step_done), take turns; the statements after this one see the state it returns.
const char* lock_sql =
    "SELECT state, cancel_requested, type, version, owner FROM actortx.saga WHERE id = $1 "
    "FOR UPDATE";

/// A FAILED saga goes on: as no one's (owner '', lease expired) in `$4` if given, else
/// compensating if a compensation ran (or gave up: a saga never goes forward again once it
/// compensated), else in the state it failed in, else executing. Compensations
/// that gave up run again. Any node that has its type and version claims it.
const char* resume_sql =
    "WITH target AS (SELECT s.id, coalesce(nullif($4::text, ''), "
    "CASE WHEN EXISTS (SELECT 1 FROM actortx.saga_step st WHERE st.saga_id = s.id "
    "AND st.state IN ('COMPENSATED', 'COMPENSATION_FAILED')) THEN 'COMPENSATING' "
    "WHEN s.failed_in IN ('STARTED', 'EXECUTING', 'COMPENSATING') THEN s.failed_in "
    "ELSE 'EXECUTING' END) AS resume FROM actortx.saga s WHERE s.id = $1 AND s.state = 'FAILED'), "
    "saga AS (UPDATE actortx.saga s SET state = t.resume, owner = '', "
    "lease_until = now() - interval '1 millisecond', updated_at = now(), failed_in = '' "
    "FROM target t WHERE s.id = t.id AND s.state = 'FAILED' RETURNING s.state), "
    "steps AS (UPDATE actortx.saga_step SET state = 'DONE', updated_at = now() "
    "WHERE saga_id = $1 AND state = 'COMPENSATION_FAILED' AND EXISTS (SELECT 1 FROM saga) "
    "RETURNING step_no), "
    "event AS (INSERT INTO actortx.saga_event (saga_id, by, action, reason) "
    "SELECT $1::text, $2::text, $5::text, $3::text FROM saga RETURNING seq) "
    "SELECT state, (SELECT count(*) FROM steps), (SELECT count(*) FROM event) FROM saga";

/// A running saga's cancel: pending until the node driving it acts on it (its next step's
/// saga_step_done raises XA004; recovery of a claimed saga compensates).
const char* cancel_running_sql =
    "WITH saga AS (UPDATE actortx.saga SET cancel_requested = $2::text || ': ' || $3::text, "
    "updated_at = now() WHERE id = $1 AND state IN ('STARTED', 'EXECUTING') "
    "AND cancel_requested = '' RETURNING state, owner), "
    "event AS (INSERT INTO actortx.saga_event (saga_id, by, action, reason) "
    "SELECT $1::text, $2::text, 'cancel', $3::text FROM saga RETURNING seq) "
    "SELECT state, owner FROM saga";

}  // namespace

tx_script saga_command_script(const saga_command& c) {
  tx_script s;
  s.add(lock_sql, c.id);
  if (c.kind == saga_command_kind::retry) {
    s.add(resume_sql, c.id, c.by, c.reason, "", "retry");
  } else {
    s.add(cancel_running_sql, c.id, c.by, c.reason);
    s.add(resume_sql, c.id, c.by, c.reason, "COMPENSATING", "cancel");
  }
  return s;
}

namespace {

struct locked_row {
  saga_state state;
  std::string cancel_requested, type, version, owner;
};

std::string who_resumes(const locked_row& row) {
  return "any node with saga type " + row.type + " version " + row.version + " takes it up";
}

saga_command_result refused(saga_state before, std::string why) {
  return {false, before, std::move(why)};
}

saga_command_result retry_result(const saga_command& c, const locked_row& row,
                                 const result_set& applied) {
  if (applied.rows.empty())
    return refused(row.state, "saga " + c.id + " is " + to_string(row.state) +
                                  ": only a FAILED saga can be retried");
  const auto& now = cell(applied, 0, 0);
  const auto again = cell(applied, 0, 1);
  std::string what = now == "COMPENSATING" ? "its compensations run" : "it goes on";
  if (again != "0") what += " (" + again + " compensation(s) that gave up run again)";
  return {true, row.state, now + ": " + what + "; " + who_resumes(row)};
}

saga_command_result cancel_result(const saga_command& c, const locked_row& row,
                                  const result_set& running, const result_set& failed) {
  if (!running.rows.empty()) {
    const auto& owner = cell(running, 0, 1);
    return {true, row.state,
            "cancel requested: the node driving it (" + (owner.empty() ? "none" : owner) +
                ") takes no further step and compensates what ran; its next step cannot commit"};
  }
  if (!failed.rows.empty())
    return {true, row.state, "COMPENSATING: what ran is compensated; " + who_resumes(row)};
  switch (row.state) {
    case saga_state::compensating:
      return refused(row.state, "saga " + c.id + " is already compensating");
    case saga_state::committed:
    case saga_state::compensated:
      return refused(row.state,
                     "saga " + c.id + " is " + to_string(row.state) + ": nothing to cancel");
    default:
      return refused(row.state, "saga " + c.id + ": a cancel is pending already (" +
                                    row.cancel_requested + ")");
  }
}

}  // namespace

saga_command_result parse_saga_command(const saga_command& c, const tx_outcome& out) {
  const size_t n = c.kind == saga_command_kind::retry ? 2 : 3;
  results_of(out, n, "a saga command");
  const auto& lock = out.results[0];
  if (lock.rows.empty()) return refused(saga_state::started, "no saga " + c.id + " in the log");
  locked_row row{saga_state_of(cell(lock, 0, 0)), cell(lock, 0, 1), cell(lock, 0, 2),
                 cell(lock, 0, 3), cell(lock, 0, 4)};
  if (c.kind == saga_command_kind::retry) return retry_result(c, row, out.results[1]);
  return cancel_result(c, row, out.results[1], out.results[2]);
}

}  // namespace actortx
