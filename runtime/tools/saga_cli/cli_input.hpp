// What the actortx-saga tool reads from its command line and environment: the DSN (never one
// with a password on the command line), --since, and who is asking.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace actortx::saga_cli {

/// Bad input on the command line: the message names the option and what is wrong (exit 2).
class usage_error : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// The DSN to use: --dsn (refused when it holds a password: usage_error pointing to
/// PGPASSWORD, ~/.pgpass and --dsn-file), else the file of --dsn-file, else "" (the runtime
/// then reads ACTORTX_DSN / ACTORTX_DSN_FILE, else libpq's PG* environment applies).
std::string choose_dsn(const std::string& dsn_option, const std::string& dsn_file);

/// --since: "2026-12-01T00:00:00Z" (or with milliseconds, or just the date, always UTC), or an
/// age back from `now_ms` such as "90s", "30m", "1h", "7d". Milliseconds since the epoch.
int64_t parse_since(const std::string& text, int64_t now_ms);

/// $USER@hostname, for --by.
std::string default_operator_name();

}  // namespace actortx::saga_cli
