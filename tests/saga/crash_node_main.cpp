// A node for the crash tests: runs transfer sagas until it is killed (run), takes back the
// sagas a killed incarnation left and exits once none is unfinished (recover), or runs one
// shipment saga, recovering forward or not, and waits to be killed (ship-forward, ship).
//   actortx-saga-crash-node run|recover|ship|ship-forward <dsn-a> <dsn-b> <node-id> <clients>
//                           <seed>
#include <atomic>
#include <cstdio>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <caf/all.hpp>
#include <pqxx/pqxx>

#include <actortx/runtime.hpp>

#include "saga/shipment_saga.hpp"
#include "saga/transfer_saga.hpp"

using namespace actortx;
using namespace std::chrono_literals;

int main(int argc, char** argv) {
  if (argc != 7) {
    std::fprintf(stderr,
                 "usage: %s run|recover|ship|ship-forward dsn-a dsn-b node-id clients seed\n",
                 argv[0]);
    return 2;
  }
  std::string mode = argv[1], dsn_a = argv[2], dsn_b = argv[3], node = argv[4];
  int clients = std::stoi(argv[5]);
  unsigned seed = static_cast<unsigned>(std::stoul(argv[6]));
  try {
    // One actor system for both databases' runtimes: a saga runtime sends steps to the other.
    caf_config caf_cfg;
    caf::actor_system sys{caf_cfg};
    runtime rt_b{sys, test::node_config(dsn_b, node + "/b")};
    const bool shipment = mode == "ship" || mode == "ship-forward";
    saga_registry reg;
    if (shipment)
      test::define_shipment(reg, rt_b.supervisor(), mode == "ship-forward");
    else
      test::define_transfer(reg, rt_b.supervisor(), node);
    runtime rt_a{sys, test::node_config(dsn_a, node),
                 std::move(reg)};  // takes back this node's sagas
    if (shipment) {
      rt_a.run_saga("shipment", {}, 60s);  // held in its last step until kill -9
      for (;;) std::this_thread::sleep_for(1s);
    }
    if (mode == "recover") {
      for (int i = 0; i < 600 && test::unfinished_sagas(dsn_a) > 0; ++i)
        std::this_thread::sleep_for(100ms);
      auto left = test::unfinished_sagas(dsn_a);
      std::printf("recover: %ld unfinished\n", left);
      return left == 0 ? 0 : 1;
    }
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c) {
      threads.emplace_back([&, c] {
        std::mt19937 rng{seed * 31 + static_cast<unsigned>(c)};
        std::uniform_int_distribution<int> account{1, 20}, amount{1, 50};
        for (;;) {  // until kill -9
          saga_context ctx{{"from", std::to_string(account(rng))},
                           {"to", std::to_string(account(rng))},
                           {"amount", std::to_string(amount(rng))}};
          rt_a.run_saga("transfer", ctx, 60s);
        }
      });
    }
    for (auto& t : threads) t.join();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "crash node %s: %s\n", node.c_str(), e.what());
    return 1;
  }
  return 0;
}
