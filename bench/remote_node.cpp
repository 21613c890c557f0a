#include "remote_node.hpp"

#include <unistd.h>

#include <cstdio>
#include <exception>

#include <actortx/runtime.hpp>

namespace bench::remote {

void define_ping(actortx::procedure_registry& procs) {
  procs.define("ping", {{"n", actortx::value_kind::integer}},
               [](actortx::tx& t, const actortx::proc_args& a) {
                 t.query_value<int64_t>("SELECT $1::bigint", a.get_int("n"));
               });
}

int serve(const std::string& dsn, const std::string& id, const std::string& tls_dir,
          size_t pool_max, const std::string& log_level) {
  try {
    actortx::runtime_config cfg;
    cfg.dsn = dsn;
    cfg.sagas.node_id = id;
    cfg.pool.min = pool_max;  // all connections open before the clock starts
    cfg.pool.max = pool_max;
    cfg.log_level = log_level;
    cfg.node.listen = "127.0.0.1:0";
    if (tls_dir.empty()) {
      cfg.node.plain_tcp = true;
    } else {
      cfg.node.tls_cert = tls_dir + "/" + id + ".pem";
      cfg.node.tls_key = tls_dir + "/" + id + ".key";
      cfg.node.tls_ca = tls_dir + "/ca.pem";
    }
    define_ping(cfg.procedures);
    actortx::runtime rt{std::move(cfg)};
    std::printf("listening on %u\n", static_cast<unsigned>(rt.node_port()));
    std::fflush(stdout);
    char buf[256];
    while (::read(0, buf, sizeof buf) > 0) {
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "node %s: %s\n", id.c_str(), e.what());
    return 1;
  }
  return 0;
}

}  // namespace bench::remote
