#include "fault_session.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstdlib>
#include <iomanip>
#include <iostream>

#include <actortx/dsn.hpp>
#include <actortx/tooling/embedded_postgres.hpp>
#include <actortx/tooling/fault_proxy.hpp>

#include "bank_schema.hpp"

namespace stress {

namespace {

/// Where a fault proxy can reach the server: the embedded cluster's TCP port, or the DSN's
/// host when it is an IPv4 address or a local one (a unix socket directory, "localhost":
/// the server is assumed to listen on 127.0.0.1 at the same port, as ours and the tests' do).
bool tcp_endpoint(const actortx::postgres_target& db, std::string& host, uint16_t& port,
                  std::string& why) {
  if (db.embedded) {
    host = "127.0.0.1";
    port = db.embedded->port();
    return true;
  }
  auto keys = actortx::parse_dsn(db.dsn);
  // What the DSN leaves out, libpq takes from its environment (an empty DSN: all of it).
  auto get = [&](const char* key, const char* env) {
    if (keys.count(key) != 0) return keys.at(key);
    const char* v = std::getenv(env);
    return std::string{v != nullptr ? v : ""};
  };
  host = get("hostaddr", "PGHOSTADDR");
  if (host.empty()) host = get("host", "PGHOST");
  if (host.empty() || host.front() == '/' || host == "localhost") host = "127.0.0.1";
  in_addr addr{};
  if (::inet_pton(AF_INET, host.c_str(), &addr) != 1) {
    why = "the fault proxy needs an IPv4 address, not " + host;
    return false;
  }
  const auto p = get("port", "PGPORT").empty() ? std::string{"5432"} : get("port", "PGPORT");
  try {
    port = static_cast<uint16_t>(std::stoi(p));
  } catch (const std::exception&) {
    why = "port " + p + " is not a number";
    return false;
  }
  return true;
}

bool wanted(const options& o, fault_kind k) {
  return o.faults.all ||
         std::find(o.faults.kinds.begin(), o.faults.kinds.end(), k) != o.faults.kinds.end();
}

}  // namespace

fault_plan plan_for(const options& o, std::vector<fault_kind> kinds, int databases) {
  fault_plan p;
  p.seed = o.seed;
  p.kinds = std::move(kinds);
  p.run_length = std::chrono::milliseconds{static_cast<int64_t>(o.duration_s.value_or(0) * 1000)};
  p.mean_interval = std::chrono::milliseconds{static_cast<int64_t>(o.fault_interval_s * 1000)};
  p.databases = databases;
  p.accounts = o.accounts;
  p.hot_accounts = o.workload == workload_kind::hotspot ? o.hot_accounts : 0;
  p.nodes = o.nodes;
  return p;
}

fault_session::fault_session(const options& o, actortx::postgres_target& db, int databases,
                             std::ostream& out)
    : out_(out) {
  if (!o.faults.any()) return;
  for (auto k : all_fault_kinds()) {
    if (!wanted(o, k)) continue;
    std::string off;
    if ((k == fault_kind::restart || k == fault_kind::crash) && !db.embedded) {
      off =
          "PostgreSQL was not started by the harness (run without --dsn, $ACTORTX_DSN, "
          "$ACTORTX_DSN_FILE and PGHOST and the like to let it start one)";
    } else if (k == fault_kind::kill_node && o.nodes == 0) {
      off = "no worker nodes in this run (--nodes N)";
    } else if (k == fault_kind::proxy) {
      std::string host, why;
      uint16_t port = 0;
      if (tcp_endpoint(db, host, port, why)) {
        for (int i = 0; i < (o.nodes > 0 ? o.nodes : databases); ++i)
          proxies_.push_back(std::make_unique<actortx::fault_proxy>(host, port));
        try {
          check_reachable(proxies_.front()->dsn_through(db.dsn));
        } catch (const std::exception& e) {
          why = "PostgreSQL does not answer through a proxy to " + host + ":" +
                std::to_string(port) + ": " + e.what();
          proxies_.clear();
        }
      }
      if (proxies_.empty()) off = why;
    }
    if (off.empty())
      kinds_.push_back(k);
    else
      notes_.push_back(std::string{to_string(k)} + ": off: " + off);
  }
  if (db.embedded) cluster_ = db.embedded.get();
  for (const auto& n : notes_) out_ << "faults: " << n << '\n';
  plan_ = plan_for(o, kinds_, databases);
  summary_ = summarize_schedule(plan_);
  out_ << "fault schedule: seed " << o.seed << ", " << summary_.count << " fault(s) over "
       << std::fixed << std::setprecision(1) << *o.duration_s << " s (mean interval "
       << o.fault_interval_s << " s), kinds ";
  for (size_t i = 0; i < kinds_.size(); ++i) out_ << (i ? "," : "") << to_string(kinds_[i]);
  out_ << ", digest " << digest() << '\n';
  for (const auto& e : summary_.first)
    out_ << "  +" << std::setprecision(3) << static_cast<double>(e.at.count()) / 1000.0 << " s  "
         << describe(e) << '\n';
  const auto shown = static_cast<int64_t>(summary_.first.size());
  if (summary_.count > shown) out_ << "  ... " << summary_.count - shown << " more\n";
  out_ << std::defaultfloat;
}

fault_session::~fault_session() {
  stop();
}

std::string fault_session::runtime_dsn(int index, const std::string& dsn) const {
  auto i = static_cast<size_t>(index);
  return i < proxies_.size() ? proxies_[i]->dsn_through(dsn) : dsn;
}

void fault_session::start(std::vector<std::string> admin_dsns, std::vector<std::string> databases,
                          std::vector<std::string> schemas, std::function<int64_t()> progress,
                          bool tty,
                          std::function<std::string(int, std::chrono::milliseconds)> kill_node) {
  if (!active()) return;
  fault_targets t;
  t.admin_dsns = std::move(admin_dsns);
  t.databases = std::move(databases);
  t.schemas = std::move(schemas);
  for (auto& p : proxies_) t.proxies.push_back(p.get());
  t.cluster = cluster_;
  t.progress = std::move(progress);
  t.kill_node = std::move(kill_node);
  injector_ = std::make_unique<fault_injector>(plan_, std::move(t), out_, tty);
  injector_->start();
}

void fault_session::stop() {
  if (injector_) injector_->stop();
}

std::vector<fault_record> fault_session::records() const {
  return injector_ ? injector_->records() : std::vector<fault_record>{};
}

}  // namespace stress
