#include <cmath>
#include <set>
#include <stdexcept>

#include <actortx/exact_number.hpp>
#include <actortx/procedure_registry.hpp>

namespace actortx {

namespace {

/// Why `text` is not a valid argument of `p`'s kind, or nothing. Reals are read exactly
/// (parse_exact_real), so what passes here is what get_real returns.
std::optional<std::string> kind_problem(const proc_param& p, const std::string& text) {
  switch (p.kind) {
    case value_kind::integer:
      if (!parse_exact_int(text)) return std::string{"is not a valid integer"};
      break;
    case value_kind::real: {
      auto x = parse_exact_real(text);
      if (!x) return std::string{"is not a valid real"};
      if (!std::isfinite(*x) && !p.non_finite)
        return std::string{"is not a finite real (the parameter does not take NaN or infinities)"};
      break;
    }
    case value_kind::boolean:
      if (text != "true" && text != "false") return std::string{"is not a valid boolean"};
      break;
    default:
      break;
  }
  return std::nullopt;
}

std::string quoted(const std::string& s) {
  constexpr size_t max_shown = 40;
  return "\"" + (s.size() > max_shown ? s.substr(0, max_shown) + "..." : s) + "\"";
}

}  // namespace

std::optional<std::string> check_call(const procedure_def& def, const procedure_call& call) {
  const auto head = "procedure '" + def.name + "'";
  if (call.args.size() != def.params.size())
    return head + " takes " + std::to_string(def.params.size()) + " argument(s), got " +
           std::to_string(call.args.size());
  for (size_t i = 0; i < def.params.size(); ++i) {
    const auto& p = def.params[i];
    const auto& v = call.args[i];
    const auto where = head + " argument " + std::to_string(i + 1) + " '" + p.name + "'";
    if (v.kind == value_kind::null) {
      if (!p.nullable) return where + " must not be NULL";
      continue;
    }
    if (v.kind != p.kind)
      return where + ": expected " + to_string(p.kind) + ", got " + to_string(v.kind) + " " +
             quoted(v.text);
    if (auto problem = kind_problem(p, v.text))
      return where + ": " + quoted(v.text) + " " + *problem;
  }
  return std::nullopt;
}

const proc_value& proc_args::value(const std::string& name) const {
  for (size_t i = 0; i < params_.size() && i < values_.size(); ++i)
    if (params_[i].name == name) return values_[i];
  throw std::invalid_argument("procedure has no parameter '" + name + "'");
}

bool proc_args::is_null(const std::string& name) const {
  return value(name).kind == value_kind::null;
}

const std::string& proc_args::get_text(const std::string& name) const {
  const auto& v = value(name);
  if (v.kind == value_kind::null) throw std::invalid_argument("argument '" + name + "' is NULL");
  return v.text;
}

int64_t proc_args::get_int(const std::string& name) const {
  // check_call has validated it; a body called without it gets a clear error, not a 0.
  if (auto n = parse_exact_int(get_text(name))) return *n;
  throw std::invalid_argument("argument '" + name + "' is not an integer");
}

double proc_args::get_real(const std::string& name) const {
  if (auto x = parse_exact_real(get_text(name))) return *x;
  throw std::invalid_argument("argument '" + name + "' is not a number");
}

bool proc_args::get_bool(const std::string& name) const {
  return get_text(name) == "true";
}

sql_value proc_args::sql(const std::string& name) const {
  const auto& v = value(name);
  if (v.kind == value_kind::null) return sql_value::null();
  // A real in its canonical exact form: the sender may have spelled it "inf" or "1E-9".
  if (v.kind == value_kind::real)
    if (auto x = parse_exact_real(v.text)) return sql_value::of(*x);
  return sql_value::of(v.text);
}

procedure_registry& procedure_registry::define(const std::string& name,
                                               std::vector<proc_param> params,
                                               procedure_body body) {
  if (name.empty()) throw std::invalid_argument("a procedure needs a name");
  if (defs_.count(name)) throw std::invalid_argument("procedure '" + name + "' is defined twice");
  if (!body) throw std::invalid_argument("procedure '" + name + "' has no body");
  std::set<std::string> seen;
  for (const auto& p : params) {
    if (p.name.empty())
      throw std::invalid_argument("procedure '" + name + "' has a parameter without a name");
    if (p.kind == value_kind::null)
      throw std::invalid_argument("procedure '" + name + "' parameter '" + p.name +
                                  "' needs a kind (boolean, integer, real or text)");
    if (!seen.insert(p.name).second)
      throw std::invalid_argument("procedure '" + name + "' has two parameters named '" + p.name +
                                  "'");
  }
  defs_[name] = std::make_shared<const procedure_def>(
      procedure_def{name, std::move(params), std::move(body)});
  return *this;
}

const procedure_def* procedure_registry::find(const std::string& name) const {
  auto i = defs_.find(name);
  return i == defs_.end() ? nullptr : i->second.get();
}

std::vector<std::string> procedure_registry::names() const {
  std::vector<std::string> out;
  for (const auto& [name, def] : defs_) out.push_back(name);
  return out;
}

}  // namespace actortx
