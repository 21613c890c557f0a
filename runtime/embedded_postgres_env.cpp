// Where a program's PostgreSQL is: the environment's DSN, or an embedded cluster.
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "runtime/dsn.hpp"
#include "runtime/embedded_postgres.hpp"

namespace actortx {

std::string dsn_from_environment() {
  if (const char* dsn = std::getenv("ACTORTX_DSN"); dsn != nullptr && *dsn != '\0') return dsn;
  const char* file = std::getenv("ACTORTX_DSN_FILE");
  if (file == nullptr || *file == '\0') return {};
  const std::string where = std::string{"ACTORTX_DSN_FILE="} + file;
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec))
    throw std::runtime_error(where + ": cannot read the DSN file: it is a directory");
  errno = 0;
  std::ifstream in{file};
  if (!in)
    throw std::runtime_error(where + ": cannot read the DSN file: " +
                             (errno != 0 ? std::strerror(errno) : "cannot open it"));
  std::string line;
  std::getline(in, line);
  if (in.bad()) throw std::runtime_error(where + ": cannot read the DSN file");
  while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.pop_back();
  size_t start = 0;
  while (start < line.size() && std::isspace(static_cast<unsigned char>(line[start]))) ++start;
  if (start == line.size())
    throw std::runtime_error(where + ": the DSN file is empty (its first line holds no DSN)");
  return line.substr(start);
}

postgres_target dsn_or_embedded(const std::string& dsn) {
  postgres_target t;
  t.dsn = dsn.empty() ? dsn_from_environment() : dsn;
  if (t.dsn.empty()) {
    t.embedded = std::make_unique<embedded_postgres>();
    t.dsn = t.embedded->dsn();
  }
  // Every program that takes its DSN from here connects with a bound (libpq waits for ever by
  // default on a server that accepts and never answers).
  try {
    if (parse_dsn(t.dsn).count("connect_timeout") == 0)
      t.dsn = dsn_with(t.dsn, "connect_timeout", "10");
  } catch (const dsn_error&) {
    // Left as given: connecting reports what is wrong with it.
  }
  return t;
}

}  // namespace actortx
