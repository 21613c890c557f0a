#include "node_cluster.hpp"

#include <fstream>
#include <ostream>
#include <sstream>

namespace stress {

namespace {

worker_settings settings_of(const options& o, const std::string& run, const node_files& files) {
  worker_settings s;
  s.tls_dir = files.tls() ? files.dir() : std::string{};
  s.log_dir = files.dir();
  s.pool = o.pool;
  s.timeout_ms = o.timeout.count();
  s.isolation = actortx::to_string(o.level);
  s.log_level = o.log_level;
  s.run = run;
  return s;
}

std::vector<worker_spec> specs_of(const options& o, const std::string& run,
                                  const std::vector<std::string>& dsns) {
  std::vector<worker_spec> out;
  for (int k = 0; k < o.nodes; ++k) {
    auto name = "w" + std::to_string(k);
    out.push_back({name, run + "-" + name, dsns.at(static_cast<size_t>(k))});
  }
  return out;
}

}  // namespace

node_cluster::node_cluster(const options& o, const std::string& run,
                           const std::vector<std::string>& dsns, std::ostream& out)
    : files_(!o.plain_tcp), workers_(settings_of(o, run, files_), specs_of(o, run, dsns)) {
  out << "nodes: " << workers_.size() << " worker(s) on 127.0.0.1 ("
      << (files_.tls() ? "TLS, certificates made for the run" : "plain TCP on loopback") << "):";
  for (const auto& [name, where] : workers_.peers()) out << ' ' << name << '=' << where;
  out << "; logs in " << files_.dir() << '\n';
}

std::vector<std::string> node_cluster::names() const {
  std::vector<std::string> out;
  for (size_t i = 0; i < workers_.size(); ++i) out.push_back(workers_.spec(i).name);
  return out;
}

actortx::node_config node_cluster::coordinator_node() const {
  auto n = files_.client_node(workers_.peers());
  // A killed worker is refused at once (nothing listens), whatever this says; it bounds a TLS
  // handshake with a live worker, which under a sanitizer on a loaded machine takes over 1 s.
  n.connect_timeout = std::chrono::seconds(5);
  return n;
}

std::string node_cluster::kill_and_restart(int worker, std::chrono::milliseconds downtime) {
  return workers_.kill_and_restart(static_cast<size_t>(worker), downtime);
}

deadline_tally node_cluster::stop_and_check_records(int& missing) {
  workers_.stop();
  deadline_tally all;
  missing = 0;
  for (size_t i = 0; i < workers_.size(); ++i) {
    std::ifstream in{workers_.deadlines_path(i)};
    std::stringstream text;
    text << in.rdbuf();
    auto t = tally_from_text(text.str());
    if (t)
      all.merge(*t);
    else
      ++missing;
  }
  return all;
}

void node_cluster::keep_logs(std::ostream& out) {
  files_.keep();
  out << "the workers' logs are kept in " << files_.dir() << '\n';
}

}  // namespace stress

namespace stress {

void collect_worker_records(node_cluster& nodes, deadline_checks& d) {
  int missing = 0;
  d.records.merge(nodes.stop_and_check_records(missing));
  d.workers = static_cast<int>(nodes.names().size());
  d.workers_reported = d.workers - missing;
}

std::function<std::string(int, std::chrono::milliseconds)> kill_node_of(
    std::optional<node_cluster>& nodes) {
  if (!nodes) return {};
  return [&nodes](int worker, std::chrono::milliseconds downtime) {
    return nodes->kill_and_restart(worker, downtime);
  };
}

}  // namespace stress
