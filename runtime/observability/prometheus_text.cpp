#include "runtime/observability/prometheus_text.hpp"

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "runtime/observability/prometheus_families.hpp"

namespace actortx {

namespace {

struct identity_labels {
  std::string runtime;
  std::string db_namespace;
};

/// The identity labels of each snapshot, never empty and never the same twice.
std::vector<identity_labels> identities(const std::vector<const metrics_snapshot*>& snapshots) {
  static const std::string unknown{"unknown"};
  std::vector<identity_labels> out;
  out.reserve(snapshots.size());
  std::map<std::pair<std::string, std::string>, size_t> seen;
  for (const auto* s : snapshots) {
    identity_labels id{non_empty(s->identity.runtime, unknown),
                       non_empty(s->identity.db_namespace, unknown)};
    // Two runtimes of one process on one database and without actortx.runtime-name would
    // otherwise export the same series twice, which Prometheus rejects.
    auto n = ++seen[{id.runtime, id.db_namespace}];
    if (n > 1) id.runtime += '#' + std::to_string(n);
    out.push_back(std::move(id));
  }
  return out;
}

void write_families(prometheus_writer& w, const std::vector<const metrics_snapshot*>& snapshots) {
  const auto ids = identities(snapshots);
  for (const auto* table : {&build_info_families(), &db_client_families(), &transaction_families(),
                            &runtime_families()}) {
    for (const auto& f : *table) {
      w.family(f.name, f.type, f.help);
      for (size_t i = 0; i < snapshots.size(); ++i) {
        w.identity({{"actortx_runtime", ids[i].runtime}, {"db_namespace", ids[i].db_namespace}});
        f.samples(w, *snapshots[i]);
      }
    }
  }
  w.identity({});
}

std::vector<const metrics_snapshot*> pointers(const std::vector<metrics_snapshot>& snapshots) {
  std::vector<const metrics_snapshot*> out;
  out.reserve(snapshots.size());
  for (const auto& s : snapshots) out.push_back(&s);
  return out;
}

}  // namespace

void write_prometheus_families(prometheus_writer& w,
                               const std::vector<metrics_snapshot>& snapshots) {
  write_families(w, pointers(snapshots));
}

std::string prometheus_text(const std::vector<metrics_snapshot>& snapshots) {
  prometheus_writer w;
  write_families(w, pointers(snapshots));
  return w.take();
}

std::string prometheus_text(const metrics_snapshot& s) {
  prometheus_writer w;
  write_families(w, {&s});
  return w.take();
}

}  // namespace actortx
