// The key/value document a saga's steps read and write (e.g. the new user's id). It is
// persisted with the saga (as jsonb) after every step, so a recovering node sees what ran.
#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <type_traits>

#include <caf/meta/type_name.hpp>

#include <actortx/exact_number.hpp>

namespace actortx {

/// Context key the runtime sets when a saga starts: the saga's id.
inline constexpr const char* saga_id_key = "saga_id";

class saga_context {
 public:
  saga_context() = default;
  saga_context(std::initializer_list<std::pair<const std::string, std::string>> init)
      : values_(init) {}

  bool has(const std::string& key) const { return values_.count(key) > 0; }

  /// The value of `key`; std::out_of_range naming the key when it is missing.
  const std::string& get(const std::string& key) const {
    auto i = values_.find(key);
    if (i == values_.end()) throw std::out_of_range("saga context has no key '" + key + "'");
    return i->second;
  }
  /// The value as a whole number; std::invalid_argument naming key and value otherwise.
  int64_t get_int(const std::string& key) const {
    const auto& v = get(key);
    if (auto n = parse_exact_int(v)) return *n;
    throw std::invalid_argument("saga context key '" + key + "' is not an integer: \"" + v + "\"");
  }
  /// The value as a double, exactly as set() wrote it (NaN and the infinities included);
  /// std::invalid_argument naming key and value when it is not a number.
  double get_real(const std::string& key) const {
    const auto& v = get(key);
    if (auto x = parse_exact_real(v)) return *x;
    throw std::invalid_argument("saga context key '" + key + "' is not a number: \"" + v + "\"");
  }

  void set(const std::string& key, std::string value) { values_[key] = std::move(value); }
  void set(const std::string& key, const char* value) { values_[key] = value; }
  void set(const std::string& key, bool value) { values_[key] = value ? "true" : "false"; }
  /// A number in its exact form (exact_text): get_real / get_int read back the same value.
  template <class T, class = std::enable_if_t<std::is_arithmetic<T>::value>>
  void set(const std::string& key, T value) {
    values_[key] = exact_text(value);
  }
  void erase(const std::string& key) { values_.erase(key); }

  const std::map<std::string, std::string>& values() const noexcept { return values_; }
  bool empty() const noexcept { return values_.empty(); }

  friend bool operator==(const saga_context& a, const saga_context& b) {
    return a.values_ == b.values_;
  }

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, saga_context& x) {
    return f(caf::meta::type_name("actortx::saga_context"), x.values_);
  }

 private:
  std::map<std::string, std::string> values_;
};

}  // namespace actortx
