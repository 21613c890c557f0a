// What one pipelined script attempt sends, in order.
#include "actors/pg/pipeline_plan.hpp"

#include <string_view>
#include <unordered_map>

#include "actors/pg/connection_actor.hpp"
#include "actors/pg/pipeline_io.hpp"
#include "actors/pg/statement_cache.hpp"
#include "runtime/policy/application_name.hpp"

namespace actortx {

namespace {

// One statement for the settings: prepared once per connection, the values are parameters.
// actortx.deadline is the deadline on the server's clock (milliseconds since the epoch), so
// that refresh_sql needs no parameter and no client clock.
const std::string settings_sql =
    "SELECT set_config('statement_timeout', $1, true), set_config('application_name', $2, true),"
    " set_config('actortx.deadline', (extract(epoch FROM clock_timestamp()) * 1000 +"
    " $1::bigint)::bigint::text, true)";
const std::string refresh_sql =
    "SELECT set_config('statement_timeout', greatest(1, current_setting('actortx.deadline')::"
    "bigint - (extract(epoch FROM clock_timestamp()) * 1000)::bigint)::text, true)";
// No ON CONFLICT: a key committed before makes this 23505, which aborts the pipeline before any
// statement ran; the runner then reports the earlier commit. It waits, like ON CONFLICT, for
// an attempt whose COMMIT is still in flight on the server.
const std::string key_sql =
    "INSERT INTO actortx.idempotency_keys(key, tx_id, label) VALUES ($1, $2, $3)";
const std::string commit_sql = "COMMIT";

/// The names one pipeline uses. At most capacity() distinct texts take names from the cache:
/// with LRU, the names looked up by this pipeline then cannot evict one another, so nothing it
/// evicts is used by it (DEALLOCATE can go first). Texts beyond that run unnamed.
class name_book {
 public:
  explicit name_book(statement_cache& cache) : cache_(cache) {}

  struct entry {
    std::string name;     // empty: unnamed
    bool prepared;        // the server has it
    bool queued = false;  // its PREPARE is already in this pipeline
  };

  entry& resolve(const std::string& sql) {
    auto found = book_.find(sql);
    if (found != book_.end()) return found->second;
    entry e{{}, false};
    if (cache_.enabled() && named_ < cache_.capacity()) {
      auto slot = cache_.lookup(sql);
      e = entry{std::move(slot.name), slot.prepared};
      ++named_;
    }
    return book_.emplace(std::string_view{sql}, std::move(e)).first->second;
  }

 private:
  statement_cache& cache_;
  size_t named_ = 0;
  std::unordered_map<std::string_view, entry> book_;  // views of texts that outlive the book
};

/// Queues one command as a pipe_item (preceded by its PREPARE when the server lacks it).
bool queue_command(pg_pipeline& pipe, name_book& names, pipe_plan& plan, pipe_item item,
                   const std::vector<const char*>& params) {
  auto& e = names.resolve(*item.sql);
  if (e.name.empty()) {
    plan.items.push_back(item);
    return pipe.exec(*item.sql, params);
  }
  item.named = true;
  if (!e.prepared && !e.queued) {
    pipe_item parse = item;
    parse.parse = true;
    plan.items.push_back(parse);
    if (!pipe.prepare(e.name, *item.sql)) return false;
    e.queued = true;
  }
  plan.items.push_back(item);
  return pipe.exec_prepared(e.name, params);
}

std::vector<const char*> params_of(const statement& st) {
  std::vector<const char*> out;
  out.reserve(st.params.size());
  for (const auto& p : st.params) out.push_back(p.is_null ? nullptr : p.text.c_str());
  return out;
}

/// Resolves every name first, so that what the lookups evicted is known before BEGIN.
void resolve_all(name_book& names, const pipe_plan& plan, const exec_request& req,
                 const tx_script& script) {
  names.resolve(plan.begin_sql);
  names.resolve(settings_sql);
  if (!req.opts.idempotency_key.empty()) names.resolve(key_sql);
  if (!script.statements.empty()) names.resolve(refresh_sql);
  for (const auto& st : script.statements) names.resolve(st.sql);
  names.resolve(commit_sql);
}

bool queue_deallocations(pg_pipeline& pipe, statement_cache& cache, pipe_plan& plan) {
  for (const auto& name : cache.take_evicted()) {
    // Cache names are a prefix and digits; quoted anyway, as an identifier.
    plan.items.push_back(pipe_item{pipe_role::deallocate});
    plan.items.push_back(pipe_item{pipe_role::sync});
    if (!pipe.exec("DEALLOCATE \"" + name + "\"", {}) || !pipe.sync()) return false;
  }
  return true;
}

}  // namespace

std::string pipeline_begin_sql(const tx_options& opts) {
  std::string sql = "BEGIN ISOLATION LEVEL ";
  sql += to_string(opts.level);
  sql += opts.read_only ? " READ ONLY" : " READ WRITE";
  if (opts.deferrable) sql += " DEFERRABLE";
  return sql;
}

bool queue_attempt(pg_pipeline& pipe, const exec_request& req, const tx_script& script,
                   statement_cache& cache, int64_t statement_timeout_ms, pipe_plan& plan) {
  plan.items.clear();
  plan.items.reserve(2 * script.statements.size() + 10);
  plan.begin_sql = pipeline_begin_sql(req.opts);
  name_book names{cache};
  resolve_all(names, plan, req, script);
  if (!queue_deallocations(pipe, cache, plan)) return false;

  if (!queue_command(pipe, names, plan, {pipe_role::begin, false, false, 0, &plan.begin_sql}, {}))
    return false;
  const std::string timeout = std::to_string(statement_timeout_ms);
  const std::string app_name =
      attempt_application_name(req.tx_id, req.attempt, req.opts.correlation_id);
  if (!queue_command(pipe, names, plan, {pipe_role::settings, false, false, 0, &settings_sql},
                     {timeout.c_str(), app_name.c_str()}))
    return false;
  if (!req.opts.idempotency_key.empty()) {
    const std::string tx_id = std::to_string(req.tx_id);
    if (!queue_command(pipe, names, plan, {pipe_role::key, false, false, 0, &key_sql},
                       {req.opts.idempotency_key.c_str(), tx_id.c_str(), req.opts.label.c_str()}))
      return false;
  }
  const pipe_item refresh{pipe_role::refresh, false, false, 0, &refresh_sql};
  for (size_t i = 0; i < script.statements.size(); ++i) {
    const auto& st = script.statements[i];
    if (i > 0 && !queue_command(pipe, names, plan, refresh, {})) return false;
    if (!queue_command(pipe, names, plan, {pipe_role::statement, false, false, i, &st.sql},
                       params_of(st)))
      return false;
  }
  if (!script.statements.empty() && !queue_command(pipe, names, plan, refresh, {})) return false;
  if (!queue_command(pipe, names, plan, {pipe_role::commit, false, false, 0, &commit_sql}, {}))
    return false;
  plan.commit_queued = true;
  plan.items.push_back(pipe_item{pipe_role::sync});
  return pipe.sync();
}

}  // namespace actortx
