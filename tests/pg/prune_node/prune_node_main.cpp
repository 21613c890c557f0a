// A node for the pruning crash test (retention_test.cpp): prunes a backlog batch after batch
// until it is killed -9.
//   actortx-prune-node <dsn> <node-id> <batch>
#include <cstdio>
#include <string>
#include <thread>

#include <actortx/runtime.hpp>

using namespace actortx;

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s dsn node-id batch\n", argv[0]);
    return 2;
  }
  try {
    runtime_config cfg;
    cfg.dsn = argv[1];
    cfg.sagas.node_id = argv[2];
    cfg.retention.prune_batch = std::stoul(argv[3]);
    cfg.retention.prune_interval = std::chrono::milliseconds(0);  // only the rounds asked here
    cfg.pool.min = 1;
    cfg.pool.max = 2;
    cfg.scheduler_threads = 2;
    cfg.log_level = "error";
    runtime rt{cfg};
    for (;;) {
      rt.prune_now();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "prune node: %s\n", e.what());
    return 1;
  }
}
