// libpq connection strings: validation with clear errors, and redaction for logs.
#pragma once

#include <map>
#include <stdexcept>
#include <string>

namespace actortx {

/// A DSN libpq cannot parse.
class dsn_error : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// Parses a key=value connection string or a postgresql:// URI with libpq's own parser
/// (PQconninfoParse). Returns the keywords that were set. Throws dsn_error whose message
/// names what is wrong and shows the DSN with its password redacted.
std::map<std::string, std::string> parse_dsn(const std::string& dsn);

/// The DSN with any password replaced by "***", as key=value text. Never throws: an
/// unparsable DSN yields "<unparsable DSN>" so that nothing secret leaks into a log.
std::string redact_dsn(const std::string& dsn) noexcept;

/// Appends or replaces `key` in a key=value DSN (URIs are converted), quoting as libpq wants.
std::string dsn_with(const std::string& dsn, const std::string& key, const std::string& value);

/// "host:port/dbname" for messages, from a parsed DSN (libpq defaults where unset).
std::string dsn_target(const std::string& dsn) noexcept;

}  // namespace actortx
