// Procedures: transaction bodies registered by name on the node that runs them, with typed
// parameters, so that other nodes (and sagas) can invoke them with plain data.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <actortx/procedure_call.hpp>
#include <actortx/statement.hpp>

namespace actortx {

class tx;

/// A declared parameter. A NULL argument is accepted only where `nullable` is set. A real
/// arrives exactly as the caller's double (exact_text / parse_exact_real); NaN and the
/// infinities only where `non_finite` is set, since a body's `amount <= 0` check lets NaN
/// through; elsewhere they are refused naming the argument.
struct proc_param {
  std::string name;
  value_kind kind = value_kind::text;
  bool nullable = false;
  bool non_finite = false;
};

/// The arguments of a validated call, by parameter name. Getters throw std::invalid_argument
/// naming the parameter when it does not exist or is NULL.
class proc_args {
 public:
  proc_args(const std::vector<proc_param>& params, const std::vector<proc_value>& values)
      : params_(params), values_(values) {}

  bool is_null(const std::string& name) const;
  int64_t get_int(const std::string& name) const;
  /// Exactly the double the caller passed (check_call has parsed it).
  double get_real(const std::string& name) const;
  bool get_bool(const std::string& name) const;
  const std::string& get_text(const std::string& name) const;
  /// The argument as a bindable parameter (NULL stays NULL): `t.exec(st)` with st.params.
  sql_value sql(const std::string& name) const;

 private:
  const proc_value& value(const std::string& name) const;
  const std::vector<proc_param>& params_;
  const std::vector<proc_value>& values_;
};

using procedure_body = std::function<void(tx&, const proc_args&)>;

struct procedure_def {
  std::string name;
  std::vector<proc_param> params;
  procedure_body body;
};

/// Checks `call` against `def`: argument count, each argument's kind and that its text parses
/// as that kind. Returns the first problem as a message naming the procedure, the argument
/// (position and name), what was expected and what came, or nothing when the call is valid.
std::optional<std::string> check_call(const procedure_def& def, const procedure_call& call);

/// The procedures a node offers. Fill it before the runtime starts (runtime_config::procedures);
/// the runtime shares an immutable copy with its supervisor.
class procedure_registry {
 public:
  /// Registers a procedure. std::invalid_argument for an empty or taken name, an empty body,
  /// or an empty or repeated parameter name.
  procedure_registry& define(const std::string& name, std::vector<proc_param> params,
                             procedure_body body);
  /// The procedure, or null.
  const procedure_def* find(const std::string& name) const;
  std::vector<std::string> names() const;
  bool empty() const noexcept { return defs_.empty(); }

 private:
  std::map<std::string, std::shared_ptr<const procedure_def>> defs_;
};

}  // namespace actortx
