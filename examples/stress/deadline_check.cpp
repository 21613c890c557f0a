#include "deadline_check.hpp"

#include <algorithm>
#include <iomanip>
#include <sstream>

#include <actortx/tx_outcome.hpp>

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
                         const char* label, uint64_t id, const actortx::tx_outcome* outcome) {
  ++checked;
  const auto past = wall - timeout;
  if (past > deadline_slack) ++over;
  const bool by_deadline = outcome && (outcome->state == actortx::tx_state::timeout ||
                                       outcome->state == actortx::tx_state::in_doubt);
  if (by_deadline && past.count() >= 0 && late_us.size() < max_late_samples)
    late_us.push_back(past.count());
  if (past > worst) {
    worst = past;
    worst_id = id;
    worst_wall = wall;
    worst_what = "tx " + std::to_string(id) + " [" + label + "]";
    if (outcome) {
      worst_what += std::string{" "} + actortx::to_string(outcome->state);
      const auto& m = outcome->message;
      if (!m.empty()) worst_what += ": " + m.substr(0, std::min(m.find('\n'), size_t{100}));
    }
  }
}

void deadline_tally::merge(const deadline_tally& other) {
  checked += other.checked;
  over += other.over;
  for (auto x : other.late_us)
    if (late_us.size() < max_late_samples) late_us.push_back(x);
  if (other.worst > worst) {
    worst = other.worst;
    worst_what = other.worst_what;
    worst_id = other.worst_id;
    worst_wall = other.worst_wall;
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

std::string where_the_time_went(const deadline_tally& callers,
                                const std::vector<actortx::tx_record>& records,
                                std::chrono::milliseconds timeout) {
  if (callers.over == 0) return {};
  const std::string tx = "tx " + std::to_string(callers.worst_id);
  for (const auto& r : records) {
    if (r.id != callers.worst_id) continue;
    return tx + ": the runtime's record ends " + ms_text(r.duration - timeout) +
           " relative to the deadline (" + actortx::to_string(r.state) + ", " +
           std::to_string(r.attempts) + " attempt(s)); the caller's answer came " +
           ms_text(callers.worst_wall - r.duration) +
           " after that (the blocking call waiting for its body to unwind, or the caller's "
           "thread waiting for a core)";
  }
  return tx + ": " + no_record +
         " (a call to a worker node: see the workers' records, or the record ring overflowed)";
}

std::string describe(const deadline_tally& t) {
  if (t.checked == 0) return "none checked";
  std::string out = std::to_string(t.checked) + " checked, " + std::to_string(t.over) +
                    " over; worst " + ms_text(t.worst) + " relative to the deadline";
  if (!t.worst_what.empty()) out += " (" + t.worst_what + ")";
  if (!t.late_us.empty()) {
    auto v = t.late_us;
    std::sort(v.begin(), v.end());
    auto at = [&v](double q) {
      return std::chrono::microseconds{
          v[static_cast<size_t>(q * static_cast<double>(v.size() - 1))]};
    };
    out += "; " + std::to_string(v.size()) + " answered by their deadline, lateness p50 " +
           ms_text(at(0.5)) + ", p99 " + ms_text(at(0.99)) + ", max " + ms_text(at(1.0));
  }
  return out;
}

std::string to_text(const deadline_tally& t) {
  std::string what = t.worst_what;
  for (char& c : what)
    if (c == '\n') c = ' ';
  return std::to_string(t.checked) + " " + std::to_string(t.over) + " " +
         std::to_string(t.worst.count()) + "\n" + what + "\n";
}

std::optional<deadline_tally> tally_from_text(const std::string& text) {
  std::istringstream in{text};
  deadline_tally t;
  int64_t worst = 0;
  if (!(in >> t.checked >> t.over >> worst) || t.checked < 0 || t.over < 0 || t.over > t.checked)
    return std::nullopt;
  t.worst = std::chrono::microseconds{worst};
  in.ignore(1);  // the end of the first line
  std::getline(in, t.worst_what);
  return t;
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
