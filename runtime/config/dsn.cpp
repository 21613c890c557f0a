// libpq connection strings: parsed by libpq itself, redacted for messages, edited key by key,
// and taken from $ACTORTX_DSN / $ACTORTX_DSN_FILE.
#include <libpq-fe.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

#include <actortx/dsn.hpp>

namespace actortx {

namespace {

constexpr const char* redacted = "***";

using kv_list = std::vector<std::pair<std::string, std::string>>;

struct options_deleter {
  void operator()(PQconninfoOption* p) const noexcept { PQconninfoFree(p); }
};
using options_ptr = std::unique_ptr<PQconninfoOption, options_deleter>;

/// libpq's keywords, each with whether libpq marks it as secret (dispchar "*": password,
/// sslpassword). Taken from libpq itself so that new keywords need no code change here.
const std::map<std::string, bool>& keywords() {
  static const std::map<std::string, bool> table = [] {
    std::map<std::string, bool> out;
    char* err = nullptr;
    // Parsing "" yields every keyword without applying environment defaults.
    options_ptr opts{PQconninfoParse("", &err)};
    if (err != nullptr) PQfreemem(err);
    for (auto* o = opts.get(); o != nullptr && o->keyword != nullptr; ++o)
      out.emplace(o->keyword, o->dispchar != nullptr && std::string{o->dispchar} == "*");
    out.emplace("password", true);  // secret whatever libpq says
    out.emplace("ssl", false);      // URI alias of sslmode=require
    return out;
  }();
  return table;
}

bool is_public_keyword(const std::string& key) {
  auto i = keywords().find(key);
  return i != keywords().end() && !i->second;
}

/// Quotes a value the way libpq's conninfo parser reads it back.
std::string quote(const std::string& value) {
  bool plain = !value.empty() && std::none_of(value.begin(), value.end(), [](char c) {
    return std::isspace(static_cast<unsigned char>(c)) || c == '\'' || c == '\\';
  });
  if (plain) return value;
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  out += '\'';
  return out;
}

std::string join(const kv_list& kvs) {
  std::string out;
  for (const auto& [key, value] : kvs) {
    if (!out.empty()) out += ' ';
    out += key;
    out += '=';
    out += value;
  }
  return out;
}

bool is_uri(const std::string& dsn) {
  return dsn.rfind("postgresql://", 0) == 0 || dsn.rfind("postgres://", 0) == 0;
}

/// Outcome of libpq's parser: the options, or its error message (trailing newline trimmed).
struct parsed {
  options_ptr opts;
  std::string error;
};

parsed parse_raw(const std::string& dsn) {
  parsed out;
  char* err = nullptr;
  out.opts.reset(PQconninfoParse(dsn.c_str(), &err));
  if (err != nullptr) {
    out.error = err;
    PQfreemem(err);
  }
  while (!out.error.empty() && (out.error.back() == '\n' || out.error.back() == '\r'))
    out.error.pop_back();
  if (!out.opts && out.error.empty()) out.error = "out of memory";
  return out;
}

/// The set keywords in libpq's order, values unquoted.
kv_list set_options(const PQconninfoOption* opts) {
  kv_list out;
  for (auto* o = opts; o != nullptr && o->keyword != nullptr; ++o)
    if (o->val != nullptr) out.emplace_back(o->keyword, o->val);
  return out;
}

std::string percent_decode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

/// Best-effort redacted rendering of a DSN libpq rejected, following libpq's tokenizer.
/// Everything that might be secret is shown as *** and collected in `secrets`: values of
/// password keywords and of unknown keywords (a misspelt "passwd" is still a password),
/// words without "=", and the rest of an unterminated quoted value.
std::string redact_unparsable_kv(const std::string& dsn, std::vector<std::string>& secrets) {
  std::vector<std::string> parts;
  size_t i = 0;
  auto n = dsn.size();
  auto space = [&](size_t k) { return std::isspace(static_cast<unsigned char>(dsn[k])) != 0; };
  while (true) {
    while (i < n && space(i)) ++i;
    if (i >= n) break;
    size_t start = i;
    while (i < n && !space(i) && dsn[i] != '=') ++i;
    std::string key = dsn.substr(start, i - start);
    while (i < n && space(i)) ++i;
    if (i >= n || dsn[i] != '=') {
      // libpq: missing "=" after KEY. Show it only if it is a harmless keyword name.
      if (is_public_keyword(key)) {
        parts.push_back(key);
      } else {
        parts.emplace_back(redacted);
        secrets.push_back(key);
      }
      continue;
    }
    ++i;  // '='
    while (i < n && space(i)) ++i;
    std::string value;
    bool terminated = true;
    if (i < n && dsn[i] == '\'') {
      ++i;
      terminated = false;
      while (i < n) {
        if (dsn[i] == '\\' && i + 1 < n) {
          value += dsn[i + 1];
          i += 2;
        } else if (dsn[i] == '\'') {
          ++i;
          terminated = true;
          break;
        } else {
          value += dsn[i++];
        }
      }
    } else {
      while (i < n && !space(i)) {
        if (dsn[i] == '\\' && i + 1 < n) ++i;
        value += dsn[i++];
      }
    }
    if (terminated && is_public_keyword(key)) {
      parts.push_back(key + "=" + quote(value));
    } else {
      parts.push_back(key + "=" + redacted);
      secrets.push_back(value);
      if (!terminated) secrets.push_back(dsn.substr(start));
    }
  }
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += ' ';
    out += p;
  }
  return out;
}

/// URI variant: hides the password of user:password@ and the values of secret or unknown
/// query parameters; keeps the URI form, since it cannot be converted.
std::string redact_unparsable_uri(const std::string& dsn, std::vector<std::string>& secrets) {
  auto scheme_end = dsn.find("://") + 3;
  std::string out = dsn.substr(0, scheme_end);
  auto add_secret = [&](const std::string& s) {
    secrets.push_back(s);
    secrets.push_back(percent_decode(s));
  };
  // libpq: user info ends at the first '@' before any '/'.
  auto stop = dsn.find_first_of("@/", scheme_end);
  size_t rest = scheme_end;
  if (stop != std::string::npos && dsn[stop] == '@') {
    auto userinfo = dsn.substr(scheme_end, stop - scheme_end);
    auto colon = userinfo.find(':');
    if (colon != std::string::npos) {
      add_secret(userinfo.substr(colon + 1));
      userinfo = userinfo.substr(0, colon + 1) + redacted;
    }
    out += userinfo + "@";
    rest = stop + 1;
  }
  auto q = dsn.find('?', rest);
  out += dsn.substr(rest, q == std::string::npos ? std::string::npos : q - rest);
  if (q == std::string::npos) return out;
  out += '?';
  auto query = dsn.substr(q + 1);
  size_t pos = 0;
  bool first = true;
  while (pos <= query.size()) {
    auto amp = query.find('&', pos);
    auto item = query.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
    auto eq = item.find('=');
    auto key = item.substr(0, eq);
    if (!first) out += '&';
    first = false;
    if (is_public_keyword(percent_decode(key))) {
      out += item;
    } else if (eq == std::string::npos) {
      out += redacted;
      add_secret(item);
    } else {
      out += key + "=" + redacted;
      add_secret(item.substr(eq + 1));
    }
    if (amp == std::string::npos) break;
    pos = amp + 1;
  }
  return out;
}

void replace_all(std::string& s, const std::string& what, const std::string& with) {
  if (what.empty()) return;
  for (auto pos = s.find(what); pos != std::string::npos; pos = s.find(what, pos + with.size()))
    s.replace(pos, what.size(), with);
}

/// Removes anything secret from libpq's error text. libpq echoes user input in double
/// quotes (a bad keyword, a word without "=", a URI or a piece of it): there every secret
/// goes; elsewhere only secrets of 4+ characters, so that a 1-char password does not
/// mangle libpq's own words (they may be translated, with other quote marks).
std::string scrub(std::string msg, const std::string& dsn, const std::string& shown,
                  std::vector<std::string> secrets) {
  replace_all(msg, dsn, shown);
  std::sort(secrets.begin(), secrets.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  for (const auto& s : secrets)
    if (s.size() >= 4) replace_all(msg, s, redacted);
  std::string out;
  size_t pos = 0;
  while (true) {
    auto open = msg.find('"', pos);
    auto close = open == std::string::npos ? open : msg.find('"', open + 1);
    if (close == std::string::npos) {
      out += msg.substr(pos);
      break;
    }
    auto inner = msg.substr(open + 1, close - open - 1);
    for (const auto& s : secrets) replace_all(inner, s, redacted);
    out += msg.substr(pos, open + 1 - pos) + inner + '"';
    pos = close + 1;
  }
  return out;
}

[[noreturn]] void throw_bad_dsn(const std::string& dsn, const std::string& libpq_error) {
  std::vector<std::string> secrets;
  auto shown =
      is_uri(dsn) ? redact_unparsable_uri(dsn, secrets) : redact_unparsable_kv(dsn, secrets);
  throw dsn_error("bad DSN \"" + shown + "\": " + scrub(libpq_error, dsn, shown, secrets));
}

/// Parses or throws; the options are libpq's (keywords in libpq's order).
options_ptr parse_or_throw(const std::string& dsn) {
  auto p = parse_raw(dsn);
  if (!p.opts) throw_bad_dsn(dsn, p.error);
  return std::move(p.opts);
}

}  // namespace

std::map<std::string, std::string> parse_dsn(const std::string& dsn) {
  auto opts = parse_or_throw(dsn);
  auto kvs = set_options(opts.get());
  return {kvs.begin(), kvs.end()};
}

std::string redact_dsn(const std::string& dsn) noexcept {
  try {
    auto p = parse_raw(dsn);
    if (!p.opts) return "<unparsable DSN>";
    kv_list out;
    for (auto* o = p.opts.get(); o->keyword != nullptr; ++o) {
      if (o->val == nullptr) continue;
      bool secret = !is_public_keyword(o->keyword);
      out.emplace_back(o->keyword, secret ? std::string{redacted} : quote(o->val));
    }
    return join(out);
  } catch (...) {
    return "<unparsable DSN>";
  }
}

std::string dsn_with(const std::string& dsn, const std::string& key, const std::string& value) {
  if (keywords().count(key) == 0 || key == "ssl")
    throw dsn_error("cannot set \"" + key + "\" in a DSN: invalid connection option \"" + key +
                    "\"");
  auto kvs = set_options(parse_or_throw(dsn).get());
  auto i = std::find_if(kvs.begin(), kvs.end(), [&](const auto& kv) { return kv.first == key; });
  if (i != kvs.end())
    i->second = value;
  else
    kvs.emplace_back(key, value);
  for (auto& kv : kvs) kv.second = quote(kv.second);
  return join(kvs);
}

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

}  // namespace actortx
