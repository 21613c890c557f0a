// Compiles and links against the installed actortx; needs no database.
#include <iostream>

#include "messages/register_messages.hpp"
#include "runtime/runtime.hpp"

int main() {
  actortx::runtime_config cfg;
  cfg.dsn = "host=/nonexistent dbname=postgres";
  actortx::validate(cfg);  // throws config_error if the defaults were invalid
  // Taking the address makes the linker resolve it from the installed library.
  auto* reg = &actortx::register_messages;
  if (reg == nullptr) return 1;
  std::cout << "actortx consumer OK\n";
  return 0;
}
