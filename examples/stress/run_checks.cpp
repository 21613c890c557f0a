#include "run_checks.hpp"

#include <ostream>

#include <actortx/runtime.hpp>

#include "settings.hpp"

namespace stress {

namespace {

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

deadline_tally check_runtime_deadlines(actortx::runtime& rt, const options& o,
                                       const std::string& saga_type_prefix,
                                       deadline_checks* explain) {
  auto records = rt.report(record_ring).transactions;
  // Mixed runs have two runtimes: the one that has the record explains it.
  if (explain && (explain->where_worst_went.empty() ||
                  explain->where_worst_went.find(no_record) != std::string::npos))
    explain->where_worst_went = where_the_time_went(explain->callers, records, o.timeout);
  return check_records(records, o.timeout, [&](const actortx::tx_record& r) {
    if (r.label == "transfer") return true;
    // Fences run with the saga log's options, not --timeout.
    return !saga_type_prefix.empty() && starts_with(r.label, saga_type_prefix) &&
           !ends_with(r.label, "/fence");
  });
}

fault_summary summarize_faults(const options& o, const fault_session& faults,
                               int64_t final_progress, bool invariants_ok) {
  fault_summary f;
  f.seed = o.seed;
  f.digest = faults.digest();
  f.notes = faults.notes();
  f.records = faults.records();
  f.counts = count_faults(f.records, final_progress, invariants_ok);
  for (auto k : faults.kinds()) f.counts[k];  // kinds that came to nothing show as zeros
  return f;
}

void print_deadlines(std::ostream& os, const deadline_checks& d) {
  os << "deadlines (a transaction may end at most " << deadline_slack.count()
     << " ms after its deadline)\n";
  os << "  callers             " << describe(d.callers) << '\n';
  os << "  runtime records     " << describe(d.records) << '\n';
  if (d.workers > 0)
    os << "                      (the coordinator's and " << d.workers_reported << " of "
       << d.workers << " workers' last incarnations)\n";
  if (!d.where_worst_went.empty()) os << "  latest caller       " << d.where_worst_went << '\n';
}

}  // namespace stress
