// The dashboard's HTTP server (civetweb inside; its header stays out of this one).
//
//   GET /                       the dashboard page (text/html)
//   GET /metrics                Prometheus text exposition 0.0.4
//   GET /api/dashboard.json     the metrics report as JSON (polled by the page)
//   GET /api/transactions.csv   recent transaction records as CSV
//   GET /static/chart.js        Chart.js from libjs-chart.js (404 when not installed)
//   GET /api/sagas?...          sagas from the saga log, as JSON (saga_api.hpp)
//   GET /api/sagas/<id>         one saga with its steps, events and context, as JSON
// Any other path is 404, any other method 405; a route that throws answers 500.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "runtime/observability/chart_js.hpp"

namespace actortx {

/// A JSON route's answer: its status and body (errors are JSON too).
struct http_reply {
  int status = 200;
  std::string body;
};

/// What the routes serve, called on the server's worker threads (several at once): each must
/// be thread-safe and should answer within seconds.
struct http_routes {
  std::function<std::string()> metrics_text;
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
  /// std::runtime_error naming the address and port when it cannot listen.
  http_server(const std::string& bind_address, uint16_t port, http_routes routes);
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
