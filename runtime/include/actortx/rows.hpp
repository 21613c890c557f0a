// Typed access to rows: a script's result_set and a body's pqxx::result read by column index or
// name into values, tuples and structs, with errors that name the column, the row and the value.
//
//   for (auto row : actortx::rows(out.results[0]))
//     total += row.get<int64_t>("amount");
//   auto pairs = actortx::rows_as<int64_t, std::string>(out.results[0]);   // by position
//   const auto user_columns = actortx::by_name("id", &user::id, "email", &user::email);
//   std::vector<user> users = actortx::rows_to(t.exec("SELECT * FROM users"), user_columns);
#pragma once

#include <array>
#include <cstddef>
#include <iterator>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include <pqxx/result>
#include <pqxx/row>

#include <actortx/row_values.hpp>
#include <actortx/rows_detail.hpp>
#include <actortx/statement.hpp>

namespace actortx {

/// Reads the struct S by column name: `by_name("id", &user::id, "email", &user::email)`, one
/// name and one member pointer per column, each member read as its own type (std::optional
/// members take NULL). Columns it does not name are ignored; a name the result lacks is a
/// column_error. S must be default-constructible. Build it once and reuse it.
template <class S, class M, class... Rest>
auto by_name(std::string name, M S::*member, Rest... rest) {
  return detail::make_mapping(detail::fields_of(std::move(name), member, std::move(rest)...));
}

/// One row of a script's result_set (or any row of sql_values). Cheap to copy; it points into
/// the result, which must outlive it. Columns and rows are numbered from 0.
class row_view {
 public:
  /// Row `row` of `rs`; past the last row is a row_error.
  row_view(const result_set& rs, size_t row) : row_{&detail::row_of(rs, row), &rs.columns, row} {}
  /// A row given as values and column names (e.g. one from tx::copy_to).
  row_view(const std::vector<sql_value>& values, const std::vector<std::string>& columns,
           size_t row_number = 0)
      : row_{&values, &columns, row_number} {}
  // A row_view of a temporary would dangle.
  row_view(const result_set&&, size_t) = delete;
  row_view(const std::vector<sql_value>&&, const std::vector<std::string>&, size_t = 0) = delete;
  row_view(const std::vector<sql_value>&, const std::vector<std::string>&&, size_t = 0) = delete;

  size_t size() const noexcept { return row_.width(); }
  const std::vector<std::string>& columns() const noexcept { return *row_.columns; }
  size_t row_number() const noexcept { return row_.row; }

  /// The value in text form; an index or name the row lacks is a column_error.
  const sql_value& operator[](size_t index) const {
    return (*row_.values)[detail::checked(row_, index)];
  }
  const sql_value& operator[](std::string_view name) const {
    return (*row_.values)[index_of(name)];
  }
  size_t index_of(std::string_view name) const { return detail::index_of(row_, name); }
  bool has_column(std::string_view name) const { return detail::find(row_, name) != detail::npos; }
  bool is_null(size_t index) const { return (*this)[index].is_null; }
  bool is_null(std::string_view name) const { return (*this)[name].is_null; }

  /// The value as T (std::optional<T>: NULL is nullopt; any other T: NULL throws).
  template <class T>
  T get(size_t index) const {
    return detail::get<T>(row_, index);
  }
  template <class T>
  T get(std::string_view name) const {
    return detail::get<T>(row_, index_of(name));
  }
  /// All columns in order as a tuple; the row must have exactly sizeof...(Ts) columns.
  template <class... Ts>
  std::tuple<Ts...> to_tuple() const {
    return detail::to_tuple<Ts...>(row_);
  }
  /// All columns in order as S{Ts...} (an aggregate or a constructor taking them).
  template <class S, class... Ts>
  S to() const {
    return detail::to_struct<S, Ts...>(row_);
  }
  /// The columns that `mapping` (by_name) names, into S.
  template <class S, class... Ms>
  S to(const row_mapping<S, Ms...>& mapping) const {
    return detail::to_mapped(row_, mapping);
  }

 private:
  detail::script_row row_;
};

/// The rows of a result_set for range-for: `for (auto row : rows(rs))`.
class row_range {
 public:
  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = row_view;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = row_view;

    iterator(const result_set* rs, size_t row) : rs_(rs), row_(row) {}
    row_view operator*() const { return row_view{*rs_, row_}; }
    iterator& operator++() {
      ++row_;
      return *this;
    }
    iterator operator++(int) {
      auto before = *this;
      ++row_;
      return before;
    }
    friend bool operator==(const iterator& a, const iterator& b) { return a.row_ == b.row_; }
    friend bool operator!=(const iterator& a, const iterator& b) { return a.row_ != b.row_; }

   private:
    const result_set* rs_;
    size_t row_;
  };

  explicit row_range(const result_set& rs) : rs_(&rs) {}
  iterator begin() const { return {rs_, 0}; }
  iterator end() const { return {rs_, rs_->rows.size()}; }
  size_t size() const noexcept { return rs_->rows.size(); }
  bool empty() const noexcept { return rs_->rows.empty(); }
  /// A row_view of row `row` (row_error past the last).
  row_view operator[](size_t row) const { return row_view{*rs_, row}; }
  const std::vector<std::string>& columns() const noexcept { return rs_->columns; }

 private:
  const result_set* rs_;
};

inline row_range rows(const result_set& rs) {
  return row_range{rs};
}
/// The rows would outlive a temporary result: keep the result_set in a variable.
void rows(const result_set&& rs) = delete;

// --- a script's result_set ------------------------------------------------------------------

/// Every row as a tuple of Ts, by position (each row must have exactly sizeof...(Ts) columns).
template <class... Ts>
std::vector<std::tuple<Ts...>> rows_as(const result_set& rs) {
  return detail::all_rows(detail::script_rows{&rs},
                          [](const auto& r) { return detail::to_tuple<Ts...>(r); });
}
/// Every row as S{Ts...}, by position.
template <class S, class... Ts>
std::vector<S> rows_to(const result_set& rs) {
  return detail::all_rows(detail::script_rows{&rs},
                          [](const auto& r) { return detail::to_struct<S, Ts...>(r); });
}
/// Every row as S, by the column names of `mapping` (by_name), looked up once.
template <class S, class... Ms>
std::vector<S> rows_to(const result_set& rs, const row_mapping<S, Ms...>& mapping) {
  return detail::all_mapped(detail::script_rows{&rs}, mapping);
}
/// One column of every row as T.
template <class T>
std::vector<T> column_as(const result_set& rs, size_t index) {
  return detail::column_as<T>(detail::script_rows{&rs}, index);
}
template <class T>
std::vector<T> column_as(const result_set& rs, std::string_view name) {
  return detail::column_as<T>(detail::script_rows{&rs}, name);
}
/// The only value of a one-row, one-column result (`SELECT count(*) ...`); any other shape is
/// a row_error saying what there was.
template <class T>
T single(const result_set& rs) {
  return detail::single<T>(detail::script_rows{&rs});
}

// --- a body's pqxx::row and pqxx::result (tx::exec) -----------------------------------------

template <class T>
T get(const pqxx::row& row, size_t index) {
  return detail::get<T>(detail::pqxx_row{&row}, index);
}
template <class T>
T get(const pqxx::row& row, std::string_view name) {
  const detail::pqxx_row r{&row};
  return detail::get<T>(r, detail::index_of(r, name));
}
inline bool is_null(const pqxx::row& row, size_t index) {
  return !get<std::optional<std::string_view>>(row, index);
}
inline bool is_null(const pqxx::row& row, std::string_view name) {
  return !get<std::optional<std::string_view>>(row, name);
}
template <class... Ts>
std::tuple<Ts...> to_tuple(const pqxx::row& row) {
  return detail::to_tuple<Ts...>(detail::pqxx_row{&row});
}
template <class S, class... Ts>
S to(const pqxx::row& row) {
  return detail::to_struct<S, Ts...>(detail::pqxx_row{&row});
}
template <class S, class... Ms>
S to(const pqxx::row& row, const row_mapping<S, Ms...>& mapping) {
  return detail::to_mapped(detail::pqxx_row{&row}, mapping);
}
template <class... Ts>
std::vector<std::tuple<Ts...>> rows_as(const pqxx::result& res) {
  return detail::all_rows(detail::pqxx_rows{&res},
                          [](const auto& r) { return detail::to_tuple<Ts...>(r); });
}
template <class S, class... Ts>
std::vector<S> rows_to(const pqxx::result& res) {
  return detail::all_rows(detail::pqxx_rows{&res},
                          [](const auto& r) { return detail::to_struct<S, Ts...>(r); });
}
template <class S, class... Ms>
std::vector<S> rows_to(const pqxx::result& res, const row_mapping<S, Ms...>& mapping) {
  return detail::all_mapped(detail::pqxx_rows{&res}, mapping);
}
template <class T>
std::vector<T> column_as(const pqxx::result& res, size_t index) {
  return detail::column_as<T>(detail::pqxx_rows{&res}, index);
}
template <class T>
std::vector<T> column_as(const pqxx::result& res, std::string_view name) {
  return detail::column_as<T>(detail::pqxx_rows{&res}, name);
}
template <class T>
T single(const pqxx::result& res) {
  return detail::single<T>(detail::pqxx_rows{&res});
}

// --- string_view from a temporary result would dangle: refused at compile time --------------

template <class... Ts>
std::vector<std::tuple<Ts...>> rows_as(const result_set&& rs) {
  static_assert(!detail::any_view_v<Ts...>, "std::string_view would outlive this temporary result");
  return rows_as<Ts...>(rs);
}
template <class... Ts>
std::vector<std::tuple<Ts...>> rows_as(const pqxx::result&& res) {
  static_assert(!detail::any_view_v<Ts...>, "std::string_view would outlive this temporary result");
  return rows_as<Ts...>(res);
}
template <class S, class... Ts>
std::vector<S> rows_to(const result_set&& rs) {
  static_assert(!detail::any_view_v<Ts...>, "std::string_view would outlive this temporary result");
  return rows_to<S, Ts...>(rs);
}
template <class S, class... Ts>
std::vector<S> rows_to(const pqxx::result&& res) {
  static_assert(!detail::any_view_v<Ts...>, "std::string_view would outlive this temporary result");
  return rows_to<S, Ts...>(res);
}
template <class S, class... Ms>
std::vector<S> rows_to(const result_set&& rs, const row_mapping<S, Ms...>& mapping) {
  static_assert(!detail::any_view_v<Ms...>, "std::string_view would outlive this temporary result");
  return rows_to(rs, mapping);
}
template <class S, class... Ms>
std::vector<S> rows_to(const pqxx::result&& res, const row_mapping<S, Ms...>& mapping) {
  static_assert(!detail::any_view_v<Ms...>, "std::string_view would outlive this temporary result");
  return rows_to(res, mapping);
}
template <class T>
T single(const result_set&& rs) {
  static_assert(!detail::any_view_v<T>, "std::string_view would outlive this temporary result");
  return single<T>(rs);
}
template <class T>
T single(const pqxx::result&& res) {
  static_assert(!detail::any_view_v<T>, "std::string_view would outlive this temporary result");
  return single<T>(res);
}
template <class T, class Column>
std::vector<T> column_as(const result_set&& rs, Column column) {
  static_assert(!detail::any_view_v<T>, "std::string_view would outlive this temporary result");
  return column_as<T>(rs, column);
}
template <class T, class Column>
std::vector<T> column_as(const pqxx::result&& res, Column column) {
  static_assert(!detail::any_view_v<T>, "std::string_view would outlive this temporary result");
  return column_as<T>(res, column);
}

}  // namespace actortx
