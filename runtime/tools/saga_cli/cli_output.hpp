// How the actortx-saga tool prints what the saga log holds: aligned text for a person, or JSON
// (--json) for a script.
#pragma once

#include <ostream>
#include <vector>

#include <actortx/saga_operations.hpp>

namespace actortx::saga_cli {

void print_list(std::ostream& out, const std::vector<saga_info>& sagas, bool json);
void print_detail(std::ostream& out, const saga_detail& d, bool json);
void print_command(std::ostream& out, const saga_command_result& r, bool json);

}  // namespace actortx::saga_cli
