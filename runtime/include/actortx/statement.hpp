// Transactions as data: parameterised statements that can cross nodes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <caf/meta/type_name.hpp>

#include <actortx/exact_number.hpp>

namespace actortx {

/// One SQL value in text form, or NULL. Parameters are always bound, never spliced into SQL.
/// Numbers are written exactly (exact_text): every double, NaN and the infinities included,
/// reaches a float8 parameter as the same double ("NaN", "Infinity", "-Infinity" are
/// PostgreSQL's own spellings); an integer type that cannot hold them answers with the
/// server's error, as for any text that is not an integer.
struct sql_value {
  bool is_null = true;
  std::string text;

  static sql_value null() { return {}; }
  static sql_value of(sql_value v) { return v; }
  static sql_value of(std::string s) { return {false, std::move(s)}; }
  static sql_value of(const char* s) { return s ? of(std::string{s}) : null(); }
  static sql_value of(bool b) { return of(std::string{b ? "true" : "false"}); }
  template <class T, class = std::enable_if_t<std::is_arithmetic<T>::value>>
  static sql_value of(T x) {
    return of(exact_text(x));
  }
  /// NULL when empty.
  template <class T>
  static sql_value of(const std::optional<T>& x) {
    return x ? of(*x) : null();
  }

  friend bool operator==(const sql_value& a, const sql_value& b) {
    return a.is_null == b.is_null && a.text == b.text;
  }

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, sql_value& x) {
    return f(caf::meta::type_name("actortx::sql_value"), x.is_null, x.text);
  }
};

/// A statement with positional parameters $1, $2, ...
struct statement {
  std::string sql;
  std::vector<sql_value> params;

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, statement& x) {
    return f(caf::meta::type_name("actortx::statement"), x.sql, x.params);
  }
};

/// A whole transaction as data: statements run in order in one round of the pipeline.
struct tx_script {
  std::vector<statement> statements;

  /// Appends a statement: `script.add("UPDATE t SET v = $1 WHERE id = $2", 10, 7)`.
  template <class... Ts>
  tx_script& add(std::string sql, Ts&&... params) {
    statements.push_back(statement{std::move(sql), {sql_value::of(std::forward<Ts>(params))...}});
    return *this;
  }

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, tx_script& x) {
    return f(caf::meta::type_name("actortx::tx_script"), x.statements);
  }
};

/// Rows returned by one statement of a script, all values in text form.
struct result_set {
  std::vector<std::string> columns;
  std::vector<std::vector<sql_value>> rows;
  uint64_t affected_rows = 0;

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, result_set& x) {
    return f(caf::meta::type_name("actortx::result_set"), x.columns, x.rows, x.affected_rows);
  }
};

}  // namespace actortx
