#include "deadline_check.hpp"

#include "messages/tx_outcome.hpp"

#include <iomanip>
#include <sstream>

namespace stress {

namespace {

std::string ms_text(std::chrono::microseconds d) {
  std::ostringstream os;
  os << std::showpos << std::fixed << std::setprecision(1)
     << static_cast<double>(d.count()) / 1000.0 << " ms";
  return os.str();
}

}  // namespace

void deadline_tally::add(std::chrono::microseconds wall, std::chrono::milliseconds timeout,
                         const char* label, uint64_t id) {
  ++checked;
  const auto past = wall - timeout;
  if (past > deadline_slack) ++over;
  if (past > worst) {
    worst = past;
    worst_what = "tx " + std::to_string(id) + " [" + label + "]";
  }
}

void deadline_tally::merge(const deadline_tally& other) {
  checked += other.checked;
  over += other.over;
  if (other.worst > worst) {
    worst = other.worst;
    worst_what = other.worst_what;
  }
}

deadline_tally check_records(const std::vector<actortx::tx_record>& records,
                             std::chrono::milliseconds timeout,
                             const std::function<bool(const actortx::tx_record&)>& applies) {
  deadline_tally t;
  for (const auto& r : records)
    if (applies(r)) t.add(r.duration, timeout, r.label.c_str(), r.id);
  return t;
}

std::string describe(const deadline_tally& t) {
  if (t.checked == 0) return "none checked";
  std::string out = std::to_string(t.checked) + " checked, " + std::to_string(t.over) +
                    " over; worst " + ms_text(t.worst) + " relative to the deadline";
  if (!t.worst_what.empty()) out += " (" + t.worst_what + ")";
  return out;
}

void add_deadline_invariant(invariant_result& inv, const deadline_tally& callers,
                            const deadline_tally& records) {
  auto add = [&](const std::string& what) {
    inv.ok = false;
    if (!inv.details.empty()) inv.details += "; ";
    inv.details += what;
  };
  const auto bound = std::to_string(deadline_slack.count()) + " ms";
  if (callers.over > 0)
    add(std::to_string(callers.over) + " transaction(s) ended more than " + bound +
        " past their deadline as their callers saw it, " + describe(callers));
  if (records.over > 0)
    add(std::to_string(records.over) + " transaction record(s) of the runtime more than " + bound +
        " past the deadline, " + describe(records));
}

}  // namespace stress
