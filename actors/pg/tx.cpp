#include <cctype>
#include <vector>

#include <pqxx/except>
#include <pqxx/prepared_statement>

#include <actortx/retryable_error.hpp>
#include <actortx/tx.hpp>

#include "actors/pg/statement_cache.hpp"
#include "messages/attempt.hpp"
#include "runtime/policy/clock.hpp"
#include "runtime/policy/error_classifier.hpp"
#include "runtime/policy/savepoint_name.hpp"
#include "runtime/policy/session_statement.hpp"
#include "runtime/policy/text.hpp"

namespace actortx {

uint64_t tx::id() const noexcept {
  return req_.tx_id;
}
uint32_t tx::attempt() const noexcept {
  return req_.attempt;
}
const tx_options& tx::options() const noexcept {
  return req_.opts;
}

namespace {

const std::string& checked(const std::string& name) {
  auto problem = savepoint_name_problem(name);
  if (!problem.empty()) throw std::invalid_argument(problem);
  return name;
}

}  // namespace

stale_statement::stale_statement(const pqxx::sql_error& cause, const std::string& name)
    : pqxx::sql_error(first_line(cause.what()) + " (cached prepared statement " + name +
                          " dropped; the attempt is retried)",
                      cause.query(), cause.sqlstate().c_str()) {}

namespace detail {

cached_statement prepare_cached(pqxx::transaction_base& work, statement_cache* cache,
                                const std::string& sql) {
  if (cache == nullptr || !cache->enabled()) return {};
  auto slot = cache->lookup(sql);
  if (slot.prepared) return {std::move(slot.name), true};
  // libpqxx's registry: it re-prepares by itself a statement whose backend it reconnected to.
  auto& conn = work.conn();
  conn.prepare(slot.name, sql);
  try {
    conn.prepare_now(slot.name);  // a separate round trip, as exec_prepared would do anyway
  } catch (...) {
    // Never prepared (syntax error, unknown table, lost connection): drop the name on both
    // sides; libpqxx sends nothing for a statement it has not registered.
    cache->forget(sql);
    try {
      conn.unprepare(slot.name);
    } catch (...) {
    }
    throw;
  }
  cache->mark_prepared(sql);
  return {std::move(slot.name), false};
}

void check_stale(statement_cache& cache, const cached_statement& st, const std::string& sql,
                 const pqxx::sql_error& e) {
  // A statement prepared just now cannot be stale: its 0A000 is a feature error of its own.
  if (!st.reused) return;
  if (e.sqlstate() == "26000")
    cache.forget_all();  // whatever dropped it (DISCARD ALL, ...) dropped the others too
  else if (e.sqlstate() == "0A000")
    cache.forget(sql);
  else
    return;
  throw stale_statement(e, st.name);
}

const pqxx::result& expect_one_row(const pqxx::result& r) {
  if (r.size() != 1)
    throw pqxx::unexpected_rows("Expected 1 row(s) of data from parameterised query, got " +
                                std::to_string(r.size()) + ".");
  return r;
}

}  // namespace detail

void tx::note(const std::string& sql) noexcept {
  if (!session_changed_ && may_change_session(sql)) session_changed_ = true;
}

pqxx::result tx::exec(const statement& st) {
  note(st.sql);
  std::vector<const char*> params;
  params.reserve(st.params.size());
  for (const auto& p : st.params) params.push_back(p.is_null ? nullptr : p.text.c_str());
  return counted(
      detail::exec_cached(work_, statements_, st.sql, pqxx::prepare::make_dynamic_params(params)));
}

namespace {

/// `st.sql` with each $n outside quoted literals and identifiers replaced by the quoted value.
std::string with_literals(pqxx::transaction_base& work, const statement& st) {
  std::string out;
  out.reserve(st.sql.size() + 64);
  char quote = 0;  // inside '...' or "..."
  for (size_t i = 0; i < st.sql.size(); ++i) {
    const char c = st.sql[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '$' && i + 1 < st.sql.size() &&
               std::isdigit(static_cast<unsigned char>(st.sql[i + 1])) != 0) {
      size_t j = i + 1;
      size_t n = 0;
      while (j < st.sql.size() && std::isdigit(static_cast<unsigned char>(st.sql[j])) != 0)
        n = n * 10 + static_cast<size_t>(st.sql[j++] - '0');
      if (n == 0 || n > st.params.size())
        throw std::invalid_argument("statement refers to $" + std::to_string(n) + " but has " +
                                    std::to_string(st.params.size()) + " parameter(s)");
      const auto& p = st.params[n - 1];
      out += p.is_null ? std::string{"NULL"} : work.quote(p.text);
      i = j - 1;
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

void tx::exec_at_commit(const statement& st) {
  note(st.sql);
  at_commit_ += with_literals(work_, st);
  at_commit_ += ";\n";
}

std::chrono::milliseconds tx::remaining() const noexcept {
  auto left = req_.deadline_ns - steady_now_ns();
  return std::chrono::milliseconds{left > 0 ? left / 1000000 : 0};
}

nested_result tx::nested(const std::function<void(tx&)>& body) {
  const auto name = std::string{nested_savepoint_prefix} + std::to_string(depth_ + 1) + "_" +
                    std::to_string(++nested_counter_);
  work_.exec("SAVEPOINT " + name);
  ++savepoints_used_;
  nested_result failed;
  failed.ok = false;
  ++depth_;
  try {
    body(*this);
    --depth_;
    work_.exec("RELEASE SAVEPOINT " + name);
    return {};
  } catch (const stale_statement&) {
    --depth_;
    throw;  // classified fail-fast by SQLSTATE, but the attempt must be retried
  } catch (const pqxx::sql_error& e) {
    --depth_;
    auto cls = classify_sqlstate(e.sqlstate(), tx_phase::body, req_.opts.classification);
    if (cls != error_class::fail_fast) throw;
    failed.sqlstate = e.sqlstate();
    failed.message = first_line(e.what());
  } catch (const pqxx::failure&) {
    --depth_;
    throw;  // connection lost, commit in doubt, serialization failure, deadlock
  } catch (const retryable_error&) {
    --depth_;
    throw;
  } catch (const std::exception& e) {
    --depth_;  // includes actortx::rollback and libpqxx's client-side usage/conversion errors
    failed.message = first_line(e.what());
  }
  work_.exec("ROLLBACK TO SAVEPOINT " + name);
  work_.exec("RELEASE SAVEPOINT " + name);
  return failed;
}

void tx::savepoint(const std::string& name) {
  work_.exec("SAVEPOINT " + checked(name));
  ++savepoints_used_;
}

void tx::rollback_to(const std::string& name) {
  work_.exec("ROLLBACK TO SAVEPOINT " + checked(name));
}

void tx::release(const std::string& name) {
  work_.exec("RELEASE SAVEPOINT " + checked(name));
}

}  // namespace actortx
