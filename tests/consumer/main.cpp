// Compiles and links against the installed actortx, using only its public headers; needs no
// database (the tooling component is linked, not started).
#include <iostream>

#include <actortx/actortx.hpp>
#include <actortx/tooling/embedded_postgres.hpp>
#include <actortx/tooling/fault_proxy.hpp>

int main() {
  actortx::runtime_config cfg;
  cfg.dsn = "host=/nonexistent dbname=postgres";
  actortx::validate(cfg);  // throws config_error if the defaults were invalid
  // Taking the addresses makes the linker resolve them from the installed libraries.
  auto* reg = &actortx::register_messages;
  auto* first_program = &actortx::dsn_or_embedded;
  if (reg == nullptr || first_program == nullptr) return 1;
  std::cout << "actortx consumer OK: " << actortx::redact_dsn("host=x password=secret") << "\n";
  return 0;
}
