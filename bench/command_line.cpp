#include "command_line.hpp"

#include <cctype>

#include <actortx/dsn.hpp>

namespace bench {

std::string shell_quote(const std::string& arg) {
  bool plain = !arg.empty();
  for (char c : arg)
    if (!std::isalnum(static_cast<unsigned char>(c)) &&
        std::string{"_./=,:@%+-"}.find(c) == std::string::npos)
      plain = false;
  if (plain) return arg;
  std::string out = "'";
  for (char c : arg) out += c == '\'' ? std::string{"'\\''"} : std::string(1, c);
  return out + "'";
}

std::string command_line(int argc, char** argv) {
  std::string command;
  for (int i = 0; i < argc; ++i) {
    std::string arg{argv[i]};
    if (i > 0 && std::string{argv[i - 1]} == "--dsn") arg = actortx::redact_dsn(arg);
    if (arg.rfind("--dsn=", 0) == 0) arg = "--dsn=" + actortx::redact_dsn(arg.substr(6));
    command += (i > 0 ? " " : "") + shell_quote(arg);
  }
  return command;
}

}  // namespace bench
