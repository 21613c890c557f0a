#include "cli_input.hpp"

#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>

#include <actortx/dsn.hpp>

namespace actortx::saga_cli {

namespace {

std::string trimmed(std::string s) {
  const auto* blanks = " \t\r\n";
  s.erase(s.find_last_not_of(blanks) + 1);
  s.erase(0, s.find_first_not_of(blanks));
  return s;
}

std::string read_dsn_file(const std::string& path) {
  std::ifstream in{path};
  if (!in) throw usage_error("--dsn-file " + path + ": cannot read it");
  std::stringstream text;
  text << in.rdbuf();
  auto dsn = trimmed(text.str());
  if (dsn.empty()) throw usage_error("--dsn-file " + path + ": it is empty");
  return dsn;
}

/// "7d", "1h", "30m", "90s" as milliseconds; -1 when `text` is not such an age.
int64_t age_ms(const std::string& text) {
  if (text.size() < 2) return -1;
  const auto digits = text.substr(0, text.size() - 1);
  for (char c : digits)
    if (!std::isdigit(static_cast<unsigned char>(c))) return -1;
  if (digits.size() > 9) return -1;
  const int64_t n = std::stoll(digits);
  switch (text.back()) {
    case 's':
      return n * 1000;
    case 'm':
      return n * 60 * 1000;
    case 'h':
      return n * 3600 * 1000;
    case 'd':
      return n * 86400 * 1000;
    default:
      return -1;
  }
}

/// "YYYY-MM-DD", "YYYY-MM-DDTHH:MM:SSZ" or "YYYY-MM-DDTHH:MM:SS.mmmZ" (UTC); -1 otherwise.
int64_t iso_ms(const std::string& text) {
  std::tm tm{};
  int ms = 0;
  char tail[8] = {0};
  int n = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &n) != 3)
    return -1;
  if (static_cast<size_t>(n) != text.size()) {
    int used = 0;
    const auto rest = text.substr(static_cast<size_t>(n));
    if (std::sscanf(rest.c_str(), "T%2d:%2d:%2d%n", &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &used) !=
        3)
      return -1;
    auto after = rest.substr(static_cast<size_t>(used));
    if (std::sscanf(after.c_str(), ".%3d%7s", &ms, tail) == 2) after = tail;
    if (after != "Z") return -1;
  }
  if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
      tm.tm_min > 59 || tm.tm_sec > 60)
    return -1;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<int64_t>(timegm(&tm)) * 1000 + ms;
}

}  // namespace

std::string choose_dsn(const std::string& dsn_option, const std::string& dsn_file) {
  if (!dsn_option.empty() && !dsn_file.empty())
    throw usage_error("--dsn and --dsn-file: give one of them");
  if (!dsn_file.empty()) return read_dsn_file(dsn_file);
  if (dsn_option.empty()) return "";
  try {
    if (parse_dsn(dsn_option).count("password") != 0)
      throw usage_error(
          "--dsn holds a password, which the command line shows to every user of this machine "
          "(ps, shell history): put it in PGPASSWORD or ~/.pgpass, or the whole DSN in a file "
          "given with --dsn-file PATH");
  } catch (const dsn_error& e) {
    throw usage_error(std::string{"--dsn: "} + e.what());  // e.what() shows it redacted
  }
  return dsn_option;
}

int64_t parse_since(const std::string& text, int64_t now_ms) {
  if (auto age = age_ms(text); age >= 0) return std::max<int64_t>(1, now_ms - age);
  if (auto at = iso_ms(text); at >= 0) return std::max<int64_t>(1, at);
  throw usage_error("--since '" + text +
                    "': expected a UTC time such as 2026-12-01T00:00:00Z (or 2026-12-01) or an "
                    "age such as 90s, 30m, 1h, 7d");
}

std::string default_operator_name() {
  const char* user = std::getenv("USER");
  char host[256] = {0};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return std::string{user && *user ? user : "unknown"} + "@" + (host[0] ? host : "localhost");
}

}  // namespace actortx::saga_cli
