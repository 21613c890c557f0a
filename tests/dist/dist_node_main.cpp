// A node of the [dist] tests, configured as a user would configure one (CAF options):
//   actortx-dist-node --actortx.dsn=DSN --actortx.node-id=b --actortx.listen=127.0.0.1:0
//       (--actortx.tls-cert=F --actortx.tls-key=F --actortx.tls-ca=F | --actortx.plain-tcp)
//       [--actortx.peers=["b=127.0.0.1:PORT"]]
// It offers the bank's procedures and the "transfer" saga (dist_bank.hpp), prints
// "listening on PORT" once it serves, and runs until its stdin closes (or it is killed).
#include <unistd.h>

#include <cstdio>
#include <exception>

#include <actortx/runtime.hpp>

#include "dist/dist_bank.hpp"

int main(int argc, char** argv) {
  using namespace actortx;
  try {
    caf_config caf_cfg;
    if (auto err = caf_cfg.parse(argc, argv)) {
      std::fprintf(stderr, "dist node: %s\n", to_string(err).c_str());
      return 2;
    }
    auto cfg = read_config(caf_cfg);
    test::define_bank_procedures(cfg.procedures);
    saga_registry sagas;
    test::define_transfer_saga(sagas);
    runtime rt{std::move(cfg), std::move(sagas)};
    std::printf("listening on %u\n", static_cast<unsigned>(rt.node_port()));
    std::fflush(stdout);
    // The test holds our stdin: its end (test done, or test process gone) is our signal to stop.
    char buf[256];
    while (::read(0, buf, sizeof buf) > 0) {
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "dist node: %s\n", e.what());
    return 1;
  }
  return 0;
}
