// The operator's saga views as JSON: one shape for the command-line tool and the dashboard.
#include <nlohmann/json.hpp>

#include <actortx/saga_operations.hpp>

namespace actortx {

namespace {

using json = nlohmann::ordered_json;

std::string dumped(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

json step_json(const saga_step_detail& x) {
  return {{"number", x.number},
          {"name", x.name},
          {"state", to_string(x.state)},
          {"attempts", x.attempts},
          {"compensation_attempts", x.compensation_attempts},
          {"error", x.error},
          {"node", x.node},
          {"created_at", x.created_at},
          {"updated_at", x.updated_at}};
}

json event_json(const saga_event& x) {
  return {{"at", x.at}, {"by", x.by}, {"action", x.action}, {"reason", x.reason}};
}

}  // namespace

std::string to_json(const saga_info& x) {
  return dumped({{"id", x.id},
                 {"type", x.type},
                 {"version", x.version},
                 {"state", to_string(x.state)},
                 {"step", x.step},
                 {"owner", x.owner},
                 {"queued", x.queued},
                 {"message", x.message},
                 {"created_at", x.created_at},
                 {"updated_at", x.updated_at}});
}

std::string to_json(const saga_detail& x) {
  json steps = json::array();
  for (const auto& s : x.steps) steps.push_back(step_json(s));
  json events = json::array();
  for (const auto& e : x.events) events.push_back(event_json(e));
  json context = json::object();
  for (const auto& [k, v] : x.context.values()) context[k] = v;
  return dumped({{"found", x.found},
                 {"id", x.id},
                 {"type", x.type},
                 {"version", x.version},
                 {"state", to_string(x.state)},
                 {"owner", x.owner},
                 {"lease_until", x.lease_until},
                 {"deadline", x.deadline},
                 {"cancel_requested", x.cancel_requested},
                 {"error", x.error},
                 {"created_at", x.created_at},
                 {"updated_at", x.updated_at},
                 {"steps", std::move(steps)},
                 {"events", std::move(events)},
                 {"context", std::move(context)}});
}

}  // namespace actortx
