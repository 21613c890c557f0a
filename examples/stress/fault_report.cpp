#include "fault_report.hpp"

#include <iomanip>
#include <ostream>
#include <sstream>

namespace stress {

namespace {

std::string seconds(std::chrono::milliseconds d) {
  std::ostringstream os;
  os << std::fixed << std::setprecision(3) << static_cast<double>(d.count()) / 1000.0 << " s";
  return os.str();
}

std::string resume_text(const fault_record& r) {
  if (!r.injected) return "";
  if (r.resumed_after) return std::to_string(r.resumed_after->count()) + " ms";
  return "not before the next fault";
}

}  // namespace

void print_fault_report(std::ostream& os, const fault_summary& f) {
  os << "faults (seed " << f.seed << ", schedule digest " << f.digest << ")\n";
  os << "  " << std::left << std::setw(12) << "kind" << std::right << std::setw(10) << "scheduled"
     << std::setw(10) << "injected" << std::setw(10) << "survived" << std::setw(16)
     << "slowest resume" << '\n';
  auto line = [&os](const std::string& name, const fault_counts& c) {
    os << "  " << std::left << std::setw(12) << name << std::right << std::setw(10) << c.scheduled
       << std::setw(10) << c.injected << std::setw(10) << c.survived << std::setw(13)
       << c.slowest_resume.count() << " ms\n";
  };
  for (const auto& [kind, c] : f.counts) line(to_string(kind), c);
  line("total", total(f.counts));
  for (const auto& n : f.notes) os << "  " << n << '\n';
}

void add_fault_figures(actortx::run_summary& run, const fault_summary& f) {
  auto t = total(f.counts);
  run.figures.emplace_back("faults injected / survived",
                           std::to_string(t.injected) + " / " + std::to_string(t.survived) +
                               " of " + std::to_string(t.scheduled) + " scheduled");
  for (const auto& [kind, c] : f.counts)
    run.figures.emplace_back(std::string{"  "} + to_string(kind),
                             std::to_string(c.injected) + " / " + std::to_string(c.survived));
  run.configuration.emplace_back("fault schedule digest", f.digest);
}

std::string with_fault_section(const std::string& html, const fault_summary& f) {
  using actortx::html_escape;
  std::ostringstream s;
  s << "<section><h2>Faults</h2>\n<p>seed " << f.seed << ", schedule digest <code>"
    << html_escape(f.digest) << "</code>. Survived: injected, the workload went on afterwards, "
    << "and the invariants hold at the end.</p>\n";
  s << "<table><thead><tr><th>kind</th><th class=\"n\">scheduled</th><th class=\"n\">injected"
       "</th><th class=\"n\">survived</th><th class=\"n\">slowest resume</th></tr></thead>"
       "<tbody>\n";
  auto row = [&s](const std::string& name, const fault_counts& c) {
    s << "<tr><td>" << html_escape(name) << "</td><td class=\"n\">" << c.scheduled
      << "</td><td class=\"n\">" << c.injected << "</td><td class=\"n\">" << c.survived
      << "</td><td class=\"n\">" << c.slowest_resume.count() << " ms</td></tr>\n";
  };
  for (const auto& [kind, c] : f.counts) row(to_string(kind), c);
  row("total", total(f.counts));
  s << "</tbody></table>\n";
  if (!f.notes.empty()) {
    s << "<ul>";
    for (const auto& n : f.notes) s << "<li>" << html_escape(n) << "</li>";
    s << "</ul>\n";
  }
  s << "<details><summary>every fault (" << f.records.size()
    << ")</summary><table><thead><tr><th class=\"n\">at</th><th>fault</th><th>what it did</th>"
       "<th class=\"n\">took</th><th class=\"n\">workload went on after</th></tr></thead>"
       "<tbody>\n";
  for (const auto& r : f.records)
    s << "<tr><td class=\"n\">" << seconds(r.started) << "</td><td>"
      << html_escape(describe(r.planned)) << "</td><td>"
      << html_escape((r.injected ? "" : "NOT INJECTED: ") + r.effect) << "</td><td class=\"n\">"
      << r.took.count() << " ms</td><td class=\"n\">" << html_escape(resume_text(r))
      << "</td></tr>\n";
  if (f.records.empty()) s << "<tr><td class=\"empty\" colspan=\"5\">none</td></tr>\n";
  s << "</tbody></table></details></section>\n";

  // Before the runtime's first figures section, else before </main>: the report's layout is
  // the runtime's (html_report.cpp), the faults are the harness's.
  std::string out = html;
  for (const char* anchor : {"<section><h2>Transactions</h2>", "</main>"}) {
    auto at = out.find(anchor);
    if (at != std::string::npos) return out.insert(at, s.str());
  }
  return out + s.str();
}

}  // namespace stress
