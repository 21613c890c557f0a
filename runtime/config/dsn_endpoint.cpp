// Where a DSN leads with libpq's own defaults filled in, and which PG* variables decided it:
// what messages show instead of the DSN, so that an empty DSN still names its target.
#include "runtime/config/dsn_endpoint.hpp"

#include <libpq-fe.h>
#include <pg_config_manual.h>  // DEFAULT_PGSOCKET_DIR: where libpq looks when no host is given

#include <cstdlib>
#include <map>
#include <memory>

#include <actortx/dsn.hpp>

namespace actortx {

namespace {

struct options_deleter {
  void operator()(PQconninfoOption* p) const noexcept { PQconninfoFree(p); }
};
using options_ptr = std::unique_ptr<PQconninfoOption, options_deleter>;

/// The keywords a DSN sets (empty for an unparsable one: messages then show the defaults).
std::map<std::string, std::string> keywords_set(const std::string& dsn) {
  std::map<std::string, std::string> out;
  char* err = nullptr;
  options_ptr opts{PQconninfoParse(dsn.c_str(), &err)};
  if (err != nullptr) PQfreemem(err);
  for (auto* o = opts.get(); o != nullptr && o->keyword != nullptr; ++o)
    if (o->val != nullptr) out.emplace(o->keyword, o->val);
  return out;
}

/// libpq's defaults as a connection would get them: PG* variables, the entries of $PGSERVICE's
/// service, compiled-in values, the login name as user. Read afresh: the environment may change.
std::map<std::string, std::string> libpq_defaults() {
  std::map<std::string, std::string> out;
  options_ptr defaults{PQconndefaults()};
  for (auto* o = defaults.get(); o != nullptr && o->keyword != nullptr; ++o)
    if (o->val != nullptr) out.emplace(o->keyword, o->val);
  return out;
}

bool env_set(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0';
}

}  // namespace

dsn_endpoint dsn_endpoint_of(const std::string& dsn) noexcept {
  try {
    auto set = keywords_set(dsn);
    auto defaults = libpq_defaults();
    auto pick = [&](const char* key, const std::string& fallback) {
      for (const auto* source : {&set, &defaults}) {
        auto i = source->find(key);
        if (i != source->end() && !i->second.empty()) return i->second;
      }
      return fallback;
    };
    dsn_endpoint out;
    // libpq: no host and no hostaddr means the Unix socket in its compiled-in directory.
    out.host = pick("host", pick("hostaddr", DEFAULT_PGSOCKET_DIR));
    out.port = pick("port", "5432");
    // libpq connects to the database named like the user when none is given.
    out.dbname = pick("dbname", pick("user", "postgres"));
    return out;
  } catch (...) {
    return {DEFAULT_PGSOCKET_DIR, "5432", "postgres"};
  }
}

std::string dsn_target(const std::string& dsn) noexcept {
  try {
    auto e = dsn_endpoint_of(dsn);
    return e.host + ":" + e.port + "/" + e.dbname;
  } catch (...) {
    return "postgres";
  }
}

std::vector<std::string> libpq_environment_used(const std::string& dsn) {
  auto set = keywords_set(dsn);
  std::vector<std::string> out;
  options_ptr defaults{PQconndefaults()};
  for (auto* o = defaults.get(); o != nullptr && o->keyword != nullptr; ++o)
    if (o->envvar != nullptr && env_set(o->envvar) && set.count(o->keyword) == 0)
      out.emplace_back(o->envvar);
  return out;
}

std::string libpq_environment_value(const std::string& keyword) {
  options_ptr defaults{PQconndefaults()};
  for (auto* o = defaults.get(); o != nullptr && o->keyword != nullptr; ++o) {
    if (o->keyword != keyword || o->val == nullptr) continue;
    const bool compiled = o->compiled != nullptr && std::string{o->compiled} == o->val;
    const bool from_env = o->envvar != nullptr && env_set(o->envvar);
    // A value equal to the compiled-in one counts only when a variable says it; the login
    // name libpq takes as user is no environment either.
    if (from_env || (!compiled && keyword != "user")) return o->val;
  }
  return {};
}

std::string describe_target(const std::string& dsn) noexcept {
  try {
    auto text = dsn_target(dsn);
    auto used = libpq_environment_used(dsn);
    if (used.empty()) return text;
    text += " (";
    for (size_t i = 0; i < used.size(); ++i) text += (i == 0 ? "" : ", ") + used[i];
    return text + " from the environment)";
  } catch (...) {
    return dsn_target(dsn);
  }
}

}  // namespace actortx
