// The machinery behind <actortx/rows.hpp>: a script's rows and libpqxx's rows behind one face,
// so that every way of reading them (by index, by name, as tuples, as structs) is written once
// and says the same in its errors. Include <actortx/rows.hpp>, not this.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include <pqxx/result>
#include <pqxx/row>

#include <actortx/row_values.hpp>
#include <actortx/statement.hpp>

namespace actortx {

namespace detail {

/// One column of a row_mapping: its name and the member it fills.
template <class S, class M>
struct column_field {
  using type = M;
  std::string name;
  M S::*member;
};

}  // namespace detail

/// Which column fills which member of S; made by by_name() in <actortx/rows.hpp>.
template <class S, class... Ms>
class row_mapping {
 public:
  using fields_type = std::tuple<detail::column_field<S, Ms>...>;

  explicit row_mapping(fields_type fields) : fields_(std::move(fields)) {}
  const fields_type& fields() const noexcept { return fields_; }

 private:
  fields_type fields_;
};

namespace detail {

constexpr size_t npos = conversion_error::npos;

// Error texts (runtime/policy/rows_errors.cpp). `row` npos: the error concerns a whole result.
[[noreturn]] void throw_no_column(std::string_view name, const std::vector<std::string>& columns,
                                  size_t row);
[[noreturn]] void throw_no_index(size_t index, const std::vector<std::string>& columns, size_t row);
[[noreturn]] void throw_arity(const std::vector<std::string>& types,
                              const std::vector<std::string>& columns, size_t row);
[[noreturn]] void throw_no_row(size_t row, size_t rows);
[[noreturn]] void throw_not_single(const std::string& type, size_t rows,
                                   const std::vector<std::string>& columns);

inline const std::vector<sql_value>& row_of(const result_set& rs, size_t row) {
  if (row >= rs.rows.size()) throw_no_row(row, rs.rows.size());
  return rs.rows[row];
}

// --- one row: width(), name(i), at(i) (unchecked), row_number() ------------------------------

struct script_row {
  const std::vector<sql_value>* values;
  const std::vector<std::string>* columns;
  size_t row;

  size_t width() const noexcept { return values->size(); }
  size_t row_number() const noexcept { return row; }
  std::string_view name(size_t i) const noexcept {
    return i < columns->size() ? std::string_view{(*columns)[i]} : std::string_view{};
  }
  cell at(size_t i) const {
    const sql_value& v = (*values)[i];
    return cell{v.text, v.is_null, name(i), i, row};
  }
};

struct pqxx_row {
  const pqxx::row* row;

  size_t width() const noexcept { return row->size(); }
  size_t row_number() const noexcept { return row->rownumber(); }
  std::string_view name(size_t i) const { return field(i).name(); }
  /// The text stays valid with the row's result (a field is a handle on it).
  cell at(size_t i) const {
    const pqxx::field f = field(i);
    return cell{std::string_view{f.c_str(), f.size()}, f.is_null(), f.name(), i, row_number()};
  }

 private:
  pqxx::field field(size_t i) const { return (*row)[static_cast<pqxx::row::size_type>(i)]; }
};

// --- a whole result: width(), name(i), size(), with_row(i, f), row_number() = npos -------------

struct script_rows {
  const result_set* rs;

  size_t width() const noexcept { return rs->columns.size(); }
  size_t row_number() const noexcept { return npos; }
  std::string_view name(size_t i) const noexcept { return rs->columns[i]; }
  size_t size() const noexcept { return rs->rows.size(); }
  template <class F>
  decltype(auto) with_row(size_t i, F&& f) const {
    return f(script_row{&rs->rows[i], &rs->columns, i});
  }
};

struct pqxx_rows {
  const pqxx::result* res;

  size_t width() const noexcept { return res->columns(); }
  size_t row_number() const noexcept { return npos; }
  std::string_view name(size_t i) const {
    return res->column_name(static_cast<pqxx::row_size_type>(i));
  }
  size_t size() const noexcept { return res->size(); }
  template <class F>
  decltype(auto) with_row(size_t i, F&& f) const {
    const pqxx::row r = (*res)[static_cast<pqxx::result::size_type>(i)];
    return f(pqxx_row{&r});
  }
};

// --- columns by index and name ---------------------------------------------------------------

template <class Cols>
std::vector<std::string> names(const Cols& c) {
  std::vector<std::string> out;
  out.reserve(c.width());
  for (size_t i = 0; i < c.width(); ++i) out.emplace_back(c.name(i));
  return out;
}

/// The first column called `name` (exactly, as the server spells it), or npos.
template <class Cols>
size_t find(const Cols& c, std::string_view name) {
  for (size_t i = 0; i < c.width(); ++i)
    if (c.name(i) == name) return i;
  return npos;
}

template <class Cols>
size_t index_of(const Cols& c, std::string_view name) {
  const size_t i = find(c, name);
  if (i == npos) throw_no_column(name, names(c), c.row_number());
  return i;
}

template <class Cols>
size_t checked(const Cols& c, size_t index) {
  if (index >= c.width()) throw_no_index(index, names(c), c.row_number());
  return index;
}

// --- values, tuples, structs -----------------------------------------------------------------

template <class T, class Row>
T get(const Row& r, size_t index) {
  return read_cell<T>(r.at(checked(r, index)));
}

template <class... Ts, class Row>
void check_arity(const Row& r) {
  if (r.width() != sizeof...(Ts)) throw_arity({type_name<Ts>()...}, names(r), r.row_number());
}

// A braced list reads the columns left to right, so the first bad one is the one reported.
template <class... Ts, class Row, size_t... I>
std::tuple<Ts...> tuple_at(const Row& r, std::index_sequence<I...>) {
  return std::tuple<Ts...>{read_cell<Ts>(r.at(I))...};
}

template <class S, class... Ts, class Row, size_t... I>
S struct_at(const Row& r, std::index_sequence<I...>) {
  return S{read_cell<Ts>(r.at(I))...};
}

template <class... Ts, class Row>
std::tuple<Ts...> to_tuple(const Row& r) {
  check_arity<Ts...>(r);
  return tuple_at<Ts...>(r, std::index_sequence_for<Ts...>{});
}

template <class S, class... Ts, class Row>
S to_struct(const Row& r) {
  check_arity<Ts...>(r);
  return struct_at<S, Ts...>(r, std::index_sequence_for<Ts...>{});
}

// --- structs by column name ------------------------------------------------------------------

inline std::tuple<> fields_of() {
  return {};
}

template <class S, class M, class... Rest>
auto fields_of(std::string name, M S::*member, Rest... rest) {
  static_assert(sizeof...(Rest) % 2 == 0, "by_name takes a column name and a member pointer each");
  return std::tuple_cat(std::make_tuple(column_field<S, M>{std::move(name), member}),
                        fields_of(std::move(rest)...));
}

template <class S, class... Ms>
row_mapping<S, Ms...> make_mapping(std::tuple<column_field<S, Ms>...> fields) {
  return row_mapping<S, Ms...>{std::move(fields)};
}

/// Each field's column index in `c` (a row or a whole result).
template <class Cols, class S, class... Ms>
std::array<size_t, sizeof...(Ms)> resolve(const Cols& c, const row_mapping<S, Ms...>& m) {
  return std::apply(
      [&c](const auto&... f) { return std::array<size_t, sizeof...(Ms)>{index_of(c, f.name)...}; },
      m.fields());
}

template <class Row, class S, class Fields, size_t N, size_t... I>
void fill(const Row& r, const std::array<size_t, N>& at, S& s, const Fields& fields,
          std::index_sequence<I...>) {
  ((s.*(std::get<I>(fields).member) =
        read_cell<typename std::tuple_element_t<I, Fields>::type>(r.at(checked(r, at[I])))),
   ...);
}

template <class Row, class S, class... Ms>
S mapped_at(const Row& r, const std::array<size_t, sizeof...(Ms)>& at,
            const row_mapping<S, Ms...>& m) {
  S s{};
  fill(r, at, s, m.fields(), std::index_sequence_for<Ms...>{});
  return s;
}

template <class Row, class S, class... Ms>
S to_mapped(const Row& r, const row_mapping<S, Ms...>& m) {
  return mapped_at(r, resolve(r, m), m);
}

// --- whole results ---------------------------------------------------------------------------

template <class Rows, class F>
auto all_rows(const Rows& rows, F read) {
  std::vector<decltype(rows.with_row(0, read))> out;
  out.reserve(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) out.push_back(rows.with_row(i, read));
  return out;
}

template <class Rows, class S, class... Ms>
std::vector<S> all_mapped(const Rows& rows, const row_mapping<S, Ms...>& m) {
  const auto at = resolve(rows, m);  // once, and also when there are no rows
  return all_rows(rows, [&](const auto& r) { return mapped_at(r, at, m); });
}

template <class T, class Rows>
std::vector<T> column_as(const Rows& rows, size_t index) {
  checked(rows, index);  // also when there are no rows
  return all_rows(rows, [index](const auto& r) { return get<T>(r, index); });
}

template <class T, class Rows>
std::vector<T> column_as(const Rows& rows, std::string_view name) {
  return column_as<T>(rows, index_of(rows, name));
}

template <class T, class Rows>
T single(const Rows& rows) {
  if (rows.size() != 1 || rows.width() != 1)
    throw_not_single(type_name<T>(), rows.size(), names(rows));
  return rows.with_row(0, [](const auto& r) { return get<T>(r, 0); });
}

}  // namespace detail
}  // namespace actortx
