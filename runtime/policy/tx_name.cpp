#include "runtime/policy/tx_name.hpp"

namespace actortx {

std::string to_string(const tx_name& name) {
  return fmt::format("{}", name);
}

}  // namespace actortx
