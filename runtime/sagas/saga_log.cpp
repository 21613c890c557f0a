#include "runtime/sagas/saga_log.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include <nlohmann/json.hpp>

#include "runtime/policy/idempotency.hpp"
#include "runtime/policy/text.hpp"
#include "runtime/sagas/result_cells.hpp"

namespace actortx {

using saga_sql::cell;
using saga_sql::results_of;

namespace {

const char* running_states = "('STARTED', 'EXECUTING', 'COMPENSATING')";

std::string json_array(const std::vector<std::string>& items) {
  return nlohmann::json(items).dump();
}

}  // namespace

namespace {

/// The saga row's columns: the first seven parameters of saga_write and saga_step_done.
std::vector<sql_value> saga_row_params(const saga_write& w) {
  return {sql_value::of(w.id),
          sql_value::of(w.type),
          sql_value::of(to_string(w.state)),
          sql_value::of(context_to_json(w.context ? *w.context : saga_context{})),
          sql_value::of(w.owner),
          sql_value::of(static_cast<int64_t>(w.lease.count())),
          sql_value::of(w.error)};
}

}  // namespace

statement saga_write_statement(const saga_write& w) {
  statement st;
  st.sql =
      "SELECT actortx.saga_write($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
      "$14, $15)";
  st.params = saga_row_params(w);
  st.params.insert(
      st.params.end(),
      {sql_value::of(w.step), sql_value::of(w.step_name), sql_value::of(to_string(w.step_status)),
       sql_value::of(w.attempts), sql_value::of(w.compensation_attempts),
       sql_value::of(w.step_error), sql_value::of(w.version), sql_value::of(w.deadline_ms)});
  return st;
}

statement step_done_statement(const saga_write& w, bool write_saga) {
  statement st;
  st.sql =
      "SELECT actortx.saga_step_done($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9, $10, $11, $12, "
      "$13, $14)";
  st.params = saga_row_params(w);
  st.params.insert(st.params.end(),
                   {sql_value::of(write_saga), sql_value::of(w.step), sql_value::of(w.step_name),
                    sql_value::of(w.compensation_attempts), sql_value::of(w.step_error),
                    sql_value::of(w.version), sql_value::of(w.deadline_ms)});
  return st;
}

std::string step_key(const std::string& id, size_t step, bool compensation) {
  return "saga/" + id + "/" + std::to_string(step) + (compensation ? "/undo" : "/do");
}

tx_script fence_script(const std::string& key) {
  tx_script s;
  // Waits for a transaction of the step that holds the key and is still running; then
  // either finds its committed key or puts the fence in its place.
  s.add(
      "INSERT INTO actortx.idempotency_keys(key, tx_id, label) VALUES ($1, $2, "
      "'actortx:fence') ON CONFLICT (key) DO NOTHING RETURNING key",
      key, fenced_tx_id);
  s.add("SELECT tx_id FROM actortx.idempotency_keys WHERE key = $1", key);
  return s;
}

std::optional<bool> fence_result(const tx_outcome& out) {
  if (!out.committed() || out.results.size() != 2) return std::nullopt;
  if (!out.results[0].rows.empty()) return false;  // we fenced it: it never ran
  if (out.results[1].rows.empty()) return std::nullopt;
  return cell(out.results[1], 0, 0) != std::to_string(fenced_tx_id);
}

tx_script step_fence_script(const std::string& id, size_t step, const std::string& name) {
  tx_script s;
  // Waits for a transaction of the step that inserted its row and is still running; then
  // either finds the committed row or puts a FAILED row in its place, which the step's own
  // insert (saga_step_done) then runs into.
  s.add(
      "INSERT INTO actortx.saga_step (saga_id, step_no, name, state) VALUES ($1, $2, $3, "
      "'FAILED') ON CONFLICT (saga_id, step_no) DO NOTHING RETURNING step_no",
      id, static_cast<uint64_t>(step), name);
  // The step's key is fenced as well, so that the answer a key gives is the same for every
  // step, and a step run with a key (by an older version) is stopped too.
  s.add(
      "INSERT INTO actortx.idempotency_keys(key, tx_id, label) VALUES ($1, $2, "
      "'actortx:fence') ON CONFLICT (key) DO NOTHING",
      step_key(id, step, false), fenced_tx_id);
  s.add("SELECT state FROM actortx.saga_step WHERE saga_id = $1 AND step_no = $2", id,
        static_cast<uint64_t>(step));
  return s;
}

std::optional<bool> step_fence_result(const tx_outcome& out) {
  if (!out.committed() || out.results.size() != 3) return std::nullopt;
  if (!out.results[0].rows.empty()) return false;  // we fenced it: it never ran
  if (out.results[2].rows.empty()) return std::nullopt;
  return cell(out.results[2], 0, 0) != "FAILED";  // FAILED: fenced before
}

tx_script load_script(const std::string& id) {
  tx_script s;
  s.add(
      "SELECT type, state, context::text, owner, error, version, "
      "(extract(epoch FROM deadline - now()) * 1000)::bigint, cancel_requested "
      "FROM actortx.saga WHERE id = $1",
      id);
  s.add(
      "SELECT step_no, name, state, attempts, compensation_attempts, error "
      "FROM actortx.saga_step WHERE saga_id = $1 ORDER BY step_no",
      id);
  return s;
}

saga_snapshot parse_load(const tx_outcome& out) {
  const auto& steps = results_of(out, 2, "loading a saga");
  const auto& saga = out.results[0];
  saga_snapshot snap;
  if (saga.rows.empty()) return snap;
  snap.found = true;
  snap.type = cell(saga, 0, 0);
  if (!parse_saga_state(cell(saga, 0, 1), snap.state))
    throw std::runtime_error("saga log: unknown saga state '" + cell(saga, 0, 1) + "'");
  snap.context = context_from_json(cell(saga, 0, 2));
  snap.owner = cell(saga, 0, 3);
  snap.error = cell(saga, 0, 4);
  snap.version = static_cast<uint32_t>(std::stoul(cell(saga, 0, 5)));
  if (!saga.rows[0].at(6).is_null) snap.deadline_ms = std::stoll(cell(saga, 0, 6));
  snap.cancel_requested = cell(saga, 0, 7);
  for (size_t r = 0; r < steps.rows.size(); ++r) {
    auto no = std::stoul(cell(steps, r, 0));
    if (no > 10000) throw std::runtime_error("saga log: step number " + cell(steps, r, 0));
    if (snap.steps.size() <= no) snap.steps.resize(no + 1);
    auto& rep = snap.steps[no];
    rep.name = cell(steps, r, 1);
    if (!parse_step_state(cell(steps, r, 2), rep.state))
      throw std::runtime_error("saga log: unknown step state '" + cell(steps, r, 2) + "'");
    rep.attempts = static_cast<uint32_t>(std::stoul(cell(steps, r, 3)));
    rep.compensation_attempts = static_cast<uint32_t>(std::stoul(cell(steps, r, 4)));
    rep.message = cell(steps, r, 5);
  }
  return snap;
}

namespace {

/// "type@version" of each, as claims match them.
std::vector<std::string> known_keys(const std::vector<saga_type_version>& known) {
  std::vector<std::string> keys;
  keys.reserve(known.size());
  for (const auto& k : known) keys.push_back(k.type + "@" + std::to_string(k.version));
  return keys;
}

/// A duration in its largest whole unit (1h, 90s, 250ms).
std::string ms_text(std::chrono::milliseconds d) {
  const auto ms = d.count();
  if (ms != 0 && ms % 3600000 == 0) return std::to_string(ms / 3600000) + "h";
  if (ms != 0 && ms % 60000 == 0) return std::to_string(ms / 60000) + "min";
  if (ms != 0 && ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

/// The saga's type and version in the form known_keys() makes them.
constexpr const char* type_at_version = "(type || '@' || version::text)";

}  // namespace

tx_script claim_script(const claim_request& r) {
  tx_script s;
  const auto keys = known_keys(r.known);
  const auto known = json_array(keys);
  const auto lease = static_cast<int64_t>(r.lease.count());
  const auto mine_unknown = std::string{"owner = $1 AND state IN "} + running_states + " AND " +
                            type_at_version +
                            " NOT IN (SELECT jsonb_array_elements_text($2::jsonb))";
  if (r.include_own)
    s.add(
        "WITH r AS (UPDATE actortx.saga SET lease_until = now() - interval '1 millisecond' "
        "WHERE " +
            mine_unknown +
            " RETURNING id, type, version) "
            "INSERT INTO actortx.saga_event (saga_id, by, action, reason) "
            "SELECT id, 'node:' || $1, 'release', 'node ' || $1 || ' does not have saga type ' || "
            "type || ' version ' || version || ': left for a node that has it' FROM r",
        r.owner, known);
  s.add(std::string{"WITH f AS (UPDATE actortx.saga s SET state = 'FAILED', failed_in = s.state, "
                    "updated_at = now(), error = 'saga type ' || s.type || ' version ' || "
                    "s.version || ' is not registered on any node that looked for orphaned "
                    "sagas during ' || $3 || ' after its lease expired (node ' || $1 || "
                    "' has: ' || $4 || '); retry it once a node has that version' "
                    "FROM (SELECT id FROM actortx.saga WHERE state IN "} +
            running_states +
            " AND lease_until < now() - make_interval(secs => $5::bigint / "
            "1000.0) AND " +
            type_at_version +
            " NOT IN (SELECT jsonb_array_elements_text($2::jsonb)) FOR UPDATE SKIP LOCKED) c "
            "WHERE s.id = c.id RETURNING s.id, s.error) "
            "INSERT INTO actortx.saga_event (saga_id, by, action, reason) "
            "SELECT id, 'node:' || $1, 'fail', error FROM f",
        r.owner, known, ms_text(r.unknown_version_grace), join_names(keys, "no saga types"),
        static_cast<int64_t>(r.unknown_version_grace.count()));
  s.add(std::string{"UPDATE actortx.saga s SET owner = $1, "
                    "lease_until = now() + make_interval(secs => $2::bigint / 1000.0), "
                    "updated_at = now() "
                    "FROM (SELECT id FROM actortx.saga WHERE state IN "} +
            running_states + " AND " + type_at_version +
            " IN (SELECT jsonb_array_elements_text($3::jsonb)) AND ((owner = $1 AND "
            "($4::boolean OR lease_until < now())) OR (owner <> $1 AND lease_until < now())) "
            "ORDER BY updated_at LIMIT $5 FOR UPDATE SKIP LOCKED) c "
            "WHERE s.id = c.id RETURNING s.id",
        r.owner, lease, known, r.include_own, static_cast<uint64_t>(r.limit));
  return s;
}

std::vector<std::string> parse_claim(const tx_outcome& out) {
  const auto& rs = results_of(out, std::max<size_t>(1, out.results.size()), "claiming sagas");
  std::vector<std::string> ids;
  for (size_t r = 0; r < rs.rows.size(); ++r) ids.push_back(cell(rs, r, 0));
  return ids;
}

tx_script renew_script(const std::string& owner, std::chrono::milliseconds lease,
                       const std::vector<std::string>& ids) {
  tx_script s;
  s.add(std::string{"UPDATE actortx.saga SET lease_until = now() + "
                    "make_interval(secs => $2::bigint / 1000.0) "
                    "WHERE owner = $1 AND state IN "} +
            running_states +
            " AND id IN (SELECT jsonb_array_elements_text($3::jsonb)) RETURNING id, "
            "cancel_requested",
        owner, static_cast<int64_t>(lease.count()), json_array(ids));
  return s;
}

std::vector<std::pair<std::string, std::string>> parse_renew(const tx_outcome& out) {
  const auto& rs = results_of(out, 1, "renewing leases");
  std::vector<std::pair<std::string, std::string>> cancels;
  for (size_t r = 0; r < rs.rows.size(); ++r)
    if (!cell(rs, r, 1).empty()) cancels.emplace_back(cell(rs, r, 0), cell(rs, r, 1));
  return cancels;
}

std::string context_to_json(const saga_context& ctx) {
  return nlohmann::json(ctx.values()).dump();
}

saga_context context_from_json(const std::string& json) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(json);
  } catch (const std::exception& e) {
    throw std::runtime_error("saga context is not valid JSON: " + std::string{e.what()});
  }
  if (!j.is_object()) throw std::runtime_error("saga context is not a JSON object: " + json);
  saga_context ctx;
  for (auto it = j.begin(); it != j.end(); ++it)
    ctx.set(it.key(), it->is_string() ? it->get<std::string>() : it->dump());
  return ctx;
}

}  // namespace actortx
