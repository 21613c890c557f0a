#include <algorithm>
#include <stdexcept>

#include <actortx/saga_registry.hpp>

#include "runtime/policy/retry_policy.hpp"

namespace actortx {

saga_definition& saga_definition::step(std::string name, saga_action action,
                                       saga_action compensation, step_options options) {
  auto where = "saga '" + name_ + "': step '" + name + "'";
  if (name.empty())
    throw std::invalid_argument("saga '" + name_ + "': step " + std::to_string(steps_.size() + 1) +
                                " has an empty name");
  if (std::any_of(steps_.begin(), steps_.end(),
                  [&](const saga_step_def& s) { return s.name == name; }))
    throw std::invalid_argument(where + " is defined twice");
  if (action.empty()) throw std::invalid_argument(where + " has no action");
  if (!options.node.empty()) {
    if (options.on)
      throw std::invalid_argument(where + ": set either options.node or options.on, not both");
    if (action.body() || compensation.body())
      throw std::invalid_argument(where + " runs on node '" + options.node +
                                  "': its action and compensation must be scripts or procedure "
                                  "calls (C++ code cannot travel to another node)");
  }
  if (options.tx) {
    if (options.tx->read_only)
      throw std::invalid_argument(where + ": a step cannot be read-only (it writes its log row)");
    if (!options.tx->idempotency_key.empty())
      throw std::invalid_argument(where +
                                  ": idempotency_key is set by the runtime (saga id and step)");
    auto bad = validate(options.tx->retry);
    if (!bad.empty()) throw std::invalid_argument(where + ": " + bad);
    if (options.tx->timeout.count() <= 0)
      throw std::invalid_argument(where + ": timeout must be positive");
  }
  steps_.push_back(
      {std::move(name), std::move(action), std::move(compensation), std::move(options)});
  return *this;
}

saga_definition& saga_definition::compensation_retry(retry_policy p) {
  auto bad = validate(p);
  if (!bad.empty()) throw std::invalid_argument("saga '" + name_ + "': compensation_retry: " + bad);
  comp_retry_ = p;
  return *this;
}

retry_policy saga_definition::default_compensation_retry() {
  retry_policy p;
  p.strategy = backoff::exponential;
  p.initial_delay = std::chrono::milliseconds(100);
  p.max_delay = std::chrono::milliseconds(5000);
  p.max_retries = 10;
  return p;
}

saga_definition& saga_registry::define(const std::string& name, uint32_t version) {
  if (name.empty()) throw std::invalid_argument("a saga type needs a name");
  if (version == 0)
    throw std::invalid_argument("saga type '" + name + "': versions start at 1, not 0");
  auto& versions = defs_[name];
  if (versions.count(version) > 0)
    throw std::invalid_argument("saga type '" + name + "' version " + std::to_string(version) +
                                " is defined twice");
  auto def = std::make_shared<saga_definition>(name, version);
  versions.emplace(version, def);
  return *def;
}

std::shared_ptr<const saga_definition> saga_registry::find(const std::string& name) const {
  return find(name, 0);
}

std::shared_ptr<const saga_definition> saga_registry::find(const std::string& name,
                                                           uint32_t version) const {
  auto i = defs_.find(name);
  if (i == defs_.end() || i->second.empty()) return nullptr;
  if (version == 0) return i->second.rbegin()->second;
  auto v = i->second.find(version);
  return v == i->second.end() ? nullptr : v->second;
}

std::vector<std::string> saga_registry::names() const {
  std::vector<std::string> out;
  for (const auto& kv : defs_) out.push_back(kv.first);
  return out;
}

std::vector<saga_type_version> saga_registry::types() const {
  std::vector<saga_type_version> out;
  for (const auto& [name, versions] : defs_)
    for (const auto& kv : versions) out.push_back({name, kv.first});
  return out;
}

std::vector<uint32_t> saga_registry::versions(const std::string& name) const {
  std::vector<uint32_t> out;
  auto i = defs_.find(name);
  if (i != defs_.end())
    for (const auto& kv : i->second) out.push_back(kv.first);
  return out;
}

}  // namespace actortx
