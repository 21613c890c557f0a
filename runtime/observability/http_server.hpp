// The runtime's HTTP servers (civetweb inside; its header stays out of this one): the dashboard
// and the metrics endpoint are two instances with different routes.
//
//   GET /                       the dashboard page (text/html)
//   GET /metrics                Prometheus text exposition 0.0.4
//   GET /healthz                liveness: 200 "ok", or 503 with the reason (text/plain)
//   GET /readyz                 readiness: 200 "ready", or 503 with the reason (text/plain)
//   GET /api/dashboard.json     the metrics report as JSON (polled by the page)
//   GET /api/transactions.csv   recent transaction records as CSV
//   GET /static/chart.js        Chart.js from libjs-chart.js (404 when not installed)
//   GET /api/sagas?...          sagas from the saga log, as JSON (saga_api.hpp)
//   GET /api/sagas/<id>         one saga with its steps, events and context, as JSON
// A route that is not configured and any other path is 404, any other method 405; a route that
// throws answers 500. With a token, every request must carry it (http_auth.hpp), else 401.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "runtime/observability/chart_js.hpp"

namespace actortx {

/// A route's answer: its status and body (a JSON route's errors are JSON too).
struct http_reply {
  int status = 200;
  std::string body;
};

/// What the routes serve, called on the server's worker threads (several at once): each must
/// be thread-safe and should answer within seconds.
struct http_routes {
  /// The dashboard page (/, /index.html) and /static/chart.js; off for the metrics endpoint.
  bool page = true;
  std::function<std::string()> metrics_text;
  /// /healthz and /readyz: status 200 or 503 and a one-line text/plain body.
  std::function<http_reply()> healthz;
  std::function<http_reply()> readyz;
  std::function<std::string()> dashboard_json;
  std::function<std::string()> transactions_csv;
  /// /api/sagas, given the raw query string (may be empty).
  std::function<http_reply(std::string_view query)> saga_list;
  /// /api/sagas/<id>, given the URL-decoded id (may be empty or anything a client sent).
  std::function<http_reply(std::string_view id)> saga_detail;
  /// Served as /static/chart.js; read once at start. Empty or unreadable: 404, and the page
  /// shows that charts are unavailable.
  std::string chart_js_file = default_chart_js_path();
};

class http_server {
 public:
  /// civetweb gives each connection a worker thread of its own from accept to close, whether
  /// the client sends anything or not: idle sockets (a browser's speculative preconnects,
  /// a port scanner) and slow clients hold workers. So there are enough workers for many
  /// such clients, and each must send its whole request within `request_timeout`, so that a
  /// held worker is free again within that time even when every worker is held.
  static constexpr int worker_threads = 16;
  static constexpr std::chrono::milliseconds request_timeout{1000};

  /// Listens on `bind_address`:`port` (0: any free port) with `worker_threads` workers. Throws
  /// std::runtime_error naming the address and port when it cannot listen. A non-empty `token`
  /// is required of every request (401 with WWW-Authenticate: Bearer without it).
  http_server(const std::string& bind_address, uint16_t port, http_routes routes,
              std::string token = {});
  /// Stops listening and waits for requests in progress.
  ~http_server();

  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  /// The port it listens on, also when 0 was asked for.
  uint16_t port() const noexcept;
  /// "http://<address>:<port>/".
  std::string url() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace actortx
