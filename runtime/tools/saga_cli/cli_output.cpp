#include "cli_output.hpp"

#include <algorithm>
#include <iomanip>

#include <nlohmann/json.hpp>

namespace actortx::saga_cli {

namespace {

using json = nlohmann::ordered_json;  // keys in the order written

/// One line of a long text, cut to `width` characters with "..." when longer.
std::string cut(const std::string& text, size_t width) {
  auto line = text.substr(0, text.find('\n'));
  if (line.size() <= width) return line;
  return line.substr(0, width - 3) + "...";
}

std::string or_dash(const std::string& s) {
  return s.empty() ? "-" : s;
}

}  // namespace

void print_list(std::ostream& out, const std::vector<saga_info>& sagas, bool json_out) {
  if (json_out) {
    json list = json::array();
    for (const auto& i : sagas) list.push_back(json::parse(to_json(i)));
    out << list.dump(2) << '\n';
    return;
  }
  size_t id_w = 2, type_w = 4;
  for (const auto& i : sagas) {
    id_w = std::max(id_w, i.id.size());
    type_w = std::max(type_w, i.type.size() + 2 + std::to_string(i.version).size());
  }
  out << std::left << std::setw(static_cast<int>(id_w)) << "ID"
      << "  " << std::setw(static_cast<int>(type_w)) << "TYPE"
      << "  " << std::setw(12) << "STATE"
      << "  STEP  " << std::setw(24) << "CREATED"
      << "  MESSAGE\n";
  for (const auto& i : sagas)
    out << std::setw(static_cast<int>(id_w)) << i.id << "  " << std::setw(static_cast<int>(type_w))
        << (i.type + " v" + std::to_string(i.version)) << "  " << std::setw(12)
        << to_string(i.state) << "  " << std::setw(4) << i.step << "  " << std::setw(24)
        << i.created_at << (i.message.empty() ? "" : "  " + cut(i.message, 60)) << '\n';
  out << sagas.size() << " saga(s)\n";
}

void print_detail(std::ostream& out, const saga_detail& d, bool json_out) {
  if (json_out) {
    out << json::parse(to_json(d)).dump(2) << '\n';
    return;
  }
  out << "saga " << d.id << "\n  type      " << d.type << " v" << d.version << "\n  state     "
      << to_string(d.state) << "\n  owner     " << or_dash(d.owner) << " (lease until "
      << d.lease_until << ")\n  created   " << d.created_at << "\n  updated   " << d.updated_at
      << "\n  deadline  " << or_dash(d.deadline) << "\n  cancel    "
      << (d.cancel_requested.empty() ? "-" : "requested by " + d.cancel_requested)
      << "\n  error     " << or_dash(d.error) << "\n  context   " << json(d.context.values()).dump()
      << "\nsteps:\n";
  for (const auto& s : d.steps) {
    out << "  " << s.number << " " << s.name << "  " << to_string(s.state) << "  attempts "
        << s.attempts << ", compensation attempts " << s.compensation_attempts << "  node "
        << or_dash(s.node) << "\n     first " << s.created_at << ", last " << s.updated_at << '\n';
    if (!s.error.empty()) out << "     error " << cut(s.error, 200) << '\n';
  }
  if (d.steps.empty()) out << "  (none logged)\n";
  out << "events:\n";
  for (const auto& e : d.events)
    out << "  " << e.at << "  " << e.action << " by " << e.by << ": " << e.reason << '\n';
  if (d.events.empty()) out << "  (none)\n";
}

void print_command(std::ostream& out, const saga_command_result& r, bool json_out) {
  if (json_out) {
    out << json{{"accepted", r.accepted}, {"before", to_string(r.before)}, {"message", r.message}}
               .dump(2)
        << '\n';
    return;
  }
  if (r.message.rfind("no saga ", 0) == 0) {  // not found: it had no state
    out << "refused: " << r.message << '\n';
    return;
  }
  out << (r.accepted ? "accepted" : "refused") << " (was " << to_string(r.before)
      << "): " << r.message << '\n';
}

}  // namespace actortx::saga_cli
