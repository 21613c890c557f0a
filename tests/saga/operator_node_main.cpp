// A node for the saga operator's crash tests, killed -9 by them:
//   actortx-saga-operator-node serve <dsn> <node-id>         takes up sagas (a retried one)
//   actortx-saga-operator-node drive-slow <dsn> <node-id> <id> runs "slow" saga <id>, then idles
// Both run until killed.
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include <actortx/runtime.hpp>

#include "saga/operator_domain.hpp"

using namespace actortx;
using namespace std::chrono_literals;

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (!((mode == "serve" && argc == 4) || (mode == "drive-slow" && argc == 5))) {
    std::fprintf(stderr, "usage: %s serve dsn node-id | drive-slow dsn node-id saga-id\n", argv[0]);
    return 2;
  }
  try {
    runtime_config cfg;
    cfg.dsn = argv[2];
    cfg.pool.max = 4;
    cfg.sagas.node_id = argv[3];
    cfg.sagas.lease = 1s;  // the survivor takes over soon after the kill
    cfg.sagas.recovery_interval = 200ms;
    cfg.scheduler_threads = 2;
    cfg.log_level = "error";
    runtime rt{cfg, test::ops::domain_sagas()};
    if (mode == "drive-slow") {
      saga_request req;
      req.type = "slow";
      req.id = argv[4];
      rt.run_saga(req, 120s);
    }
    for (;;) std::this_thread::sleep_for(1s);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "operator node: %s\n", e.what());
    return 1;
  }
}
