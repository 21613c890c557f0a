// The HTTP parts of runtime_config: the dashboard (with its token) and the metrics endpoint,
// read from the settings and validated (keys actortx.dashboard*, actortx.metrics-endpoint,
// actortx.metrics-bind, actortx.metrics-port).
#include <string>

#include <actortx/runtime_config.hpp>

#include "runtime/config/bind_address.hpp"
#include "runtime/config/config_value.hpp"
#include "runtime/config/readers.hpp"

namespace actortx {

using config_detail::read;

namespace {

/// Shorter tokens can be guessed online: 16 printable characters are ~100 bits at best.
constexpr size_t min_token_length = 16;

void check_token(const std::string& token) {
  // config_error never shows the value of a secret key (validate.cpp), so passing it is safe.
  if (token.size() < min_token_length)
    throw config_error("actortx.dashboard-token", token,
                       "must be at least " + std::to_string(min_token_length) + " characters");
  for (char c : token) {
    // It travels in a header and a query string: no blanks, no control characters.
    if (c <= ' ' || c == '\x7f')
      throw config_error("actortx.dashboard-token", token,
                         "only printable characters without blanks are allowed");
  }
}

uint16_t read_port(const caf::settings& c, const char* key, uint16_t fallback) {
  auto x = read<size_t>(c, key, "a port number");
  if (!x) return fallback;
  if (*x > 65535) throw config_error(key, std::to_string(*x), "a TCP port is at most 65535");
  return static_cast<uint16_t>(*x);
}

}  // namespace

void dashboard_config::validate() const {
  if (enabled && bind.empty())
    throw config_error("actortx.dashboard-bind", "", "give an address such as 127.0.0.1");
  if (!token.empty()) check_token(token);
  if (enabled && token.empty() && !config_detail::is_loopback_address(bind))
    throw config_error("actortx.dashboard-token", token,
                       "required when the dashboard listens beyond loopback "
                       "(actortx.dashboard-bind = " +
                           bind + "): give at least " + std::to_string(min_token_length) +
                           " characters; requests then carry it as \"Authorization: Bearer "
                           "<token>\" or ?token=<token>");
}

void metrics_endpoint_config::validate() const {
  if (enabled && bind.empty())
    throw config_error("actortx.metrics-bind", "", "give an address such as 127.0.0.1");
}

namespace config_detail {

void read_dashboard(const caf::settings& c, dashboard_config& out) {
  if (auto x = read<bool>(c, "actortx.dashboard", "true or false")) out.enabled = *x;
  if (auto x = read<std::string>(c, "actortx.dashboard-bind", "a string")) out.bind = *x;
  out.port = read_port(c, "actortx.dashboard-port", out.port);
  if (auto x = read<std::string>(c, "actortx.dashboard-token", "a string")) out.token = *x;
}

void read_metrics_endpoint(const caf::settings& c, metrics_endpoint_config& out) {
  if (auto x = read<bool>(c, "actortx.metrics-endpoint", "true or false")) out.enabled = *x;
  if (auto x = read<std::string>(c, "actortx.metrics-bind", "a string")) out.bind = *x;
  out.port = read_port(c, "actortx.metrics-port", out.port);
}

}  // namespace config_detail

}  // namespace actortx
