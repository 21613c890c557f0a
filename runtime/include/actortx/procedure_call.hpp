// A call of a procedure registered on the executing node: a name and typed arguments. This is
// what a remote node sends instead of code (a local body cannot travel); the arguments are
// bound as parameters by the procedure, never spliced into SQL.
#pragma once

#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <caf/meta/type_name.hpp>

#include <actortx/exact_number.hpp>

namespace actortx {

/// The type of a procedure argument (declared by the procedure, carried by the call).
enum class value_kind : uint8_t { null = 0, boolean, integer, real, text };

inline const char* to_string(value_kind k) noexcept {
  switch (k) {
    case value_kind::null:
      return "null";
    case value_kind::boolean:
      return "boolean";
    case value_kind::integer:
      return "integer";
    case value_kind::real:
      return "real";
    case value_kind::text:
      return "text";
  }
  return "unknown";
}

/// One argument: its kind and its value in text form ("42", "true", "3.5", "alice"). Numbers
/// are written exactly (exact_text): a real arrives as the same double, "NaN", "Infinity" and
/// "-Infinity" included (whether a procedure accepts those is its parameter's choice).
struct proc_value {
  value_kind kind = value_kind::null;
  std::string text;

  static proc_value null() { return {}; }
  static proc_value of(bool b) { return {value_kind::boolean, b ? "true" : "false"}; }
  static proc_value of(std::string s) { return {value_kind::text, std::move(s)}; }
  static proc_value of(const char* s) { return s ? of(std::string{s}) : null(); }
  static proc_value of(proc_value v) { return v; }
  template <class T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0>
  static proc_value of(T x) {
    return {value_kind::integer, exact_text(x)};
  }
  template <class T, std::enable_if_t<std::is_floating_point_v<T>, int> = 0>
  static proc_value of(T x) {
    return {value_kind::real, exact_text(x)};
  }

  friend bool operator==(const proc_value& a, const proc_value& b) {
    return a.kind == b.kind && a.text == b.text;
  }

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, proc_value& x) {
    return f(caf::meta::type_name("actortx::proc_value"), x.kind, x.text);
  }
};

/// `procedure_call::make("transfer", 1, 2, 50)`: the procedure's name and its arguments in the
/// order it declared its parameters.
struct procedure_call {
  std::string name;
  std::vector<proc_value> args;

  template <class... Ts>
  static procedure_call make(std::string name, Ts&&... args) {
    return {std::move(name), {proc_value::of(std::forward<Ts>(args))...}};
  }

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, procedure_call& x) {
    return f(caf::meta::type_name("actortx::procedure_call"), x.name, x.args);
  }
};

}  // namespace actortx
