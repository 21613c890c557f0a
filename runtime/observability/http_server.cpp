#include "runtime/observability/http_server.hpp"

#include <arpa/inet.h>
#include <civetweb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstring>
#include <exception>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <thread>

#include "runtime/observability/dashboard_page.hpp"
#include "runtime/observability/http_auth.hpp"

namespace actortx {

namespace {

constexpr const char* text_plain = "text/plain; charset=utf-8";

void init_civetweb_once() {
  static std::once_flag once;
  std::call_once(once, [] { mg_init_library(0); });
}

/// Writes a complete response. Connection: close keeps a worker from idling on a kept-alive
/// socket: the page polls every two seconds, and a worker serves one socket at a time.
void respond(mg_connection* conn, int status, const char* reason, const char* content_type,
             std::string_view body, bool head_only, const char* extra_headers = "") {
  mg_printf(conn,
            "HTTP/1.1 %d %s\r\n"
            "Content-Type: %s\r\n"
            "Content-Length: %zu\r\n"
            "X-Content-Type-Options: nosniff\r\n"
            "%s"
            "Connection: close\r\n\r\n",
            status, reason, content_type, body.size(), extra_headers);
  if (!head_only && !body.empty()) mg_write(conn, body.data(), body.size());
}

/// Opens and closes one TCP connection to the server's own port (best effort: a failed
/// connect only means the listener wakes up later).
void poke(const std::string& bind_address, uint16_t port) {
  // A wildcard address is reached over loopback.
  bool v6 = bind_address.find(':') != std::string::npos;
  std::string host = bind_address == "0.0.0.0" ? "127.0.0.1"
                     : bind_address == "::"    ? "::1"
                                               : bind_address;
  int fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return;
  if (v6) {
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(port);
    if (::inet_pton(AF_INET6, host.c_str(), &a.sin6_addr) == 1)
      static_cast<void>(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a));
  } else {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    if (::inet_pton(AF_INET, host.c_str(), &a.sin_addr) == 1)
      static_cast<void>(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a));
  }
  ::close(fd);
}

std::string bind_spec(const std::string& address, uint16_t port) {
  // civetweb takes IPv6 addresses in brackets, as in a URL.
  bool ipv6 = address.find(':') != std::string::npos;
  return (ipv6 ? "[" + address + "]" : address) + ":" + std::to_string(port);
}

}  // namespace

struct http_server::impl {
  http_routes routes;
  std::string token;  // "" = no token asked for
  std::optional<std::string> chart_js;
  std::string address;
  uint16_t port = 0;
  mg_context* ctx = nullptr;

  int handle(mg_connection* conn) {
    const mg_request_info* info = mg_get_request_info(conn);
    std::string_view method = info->request_method ? info->request_method : "";
    std::string_view path = info->local_uri ? info->local_uri : "";
    bool head = method == "HEAD";
    if (!token.empty() && !authorized(conn)) {
      // The same answer whether a token was sent or not: nothing to learn from it.
      respond(conn, 401, "Unauthorized", text_plain,
              "a token is required: Authorization: Bearer <token> or ?token=<token>\n", head,
              "WWW-Authenticate: Bearer realm=\"actortx\"\r\n");
      return 401;
    }
    if (method != "GET" && !head) {
      respond(conn, 405, "Method Not Allowed", text_plain, "method not allowed\n", false,
              "Allow: GET, HEAD\r\n");
      return 405;
    }
    try {
      return serve(conn, path, head);
    } catch (const std::exception& e) {
      // Short: the message may come from deep inside (a timeout, a JSON error), and the page
      // only needs to show that this refresh failed.
      std::string what = e.what();
      if (what.size() > 200) what.resize(200);
      respond(conn, 500, "Internal Server Error", text_plain, "internal error: " + what + "\n",
              head);
    } catch (...) {
      respond(conn, 500, "Internal Server Error", text_plain, "internal error\n", head);
    }
    return 500;
  }

  bool authorized(mg_connection* conn) const {
    const char* authorization = mg_get_header(conn, "Authorization");
    const char* query = mg_get_request_info(conn)->query_string;
    return request_carries_token(token, authorization ? authorization : "", query ? query : "");
  }

  /// Answers a GET or HEAD of `path`; returns the status. A route may throw.
  int serve(mg_connection* conn, std::string_view path, bool head) {
    constexpr const char* no_store = "Cache-Control: no-store\r\n";
    constexpr std::string_view sagas = "/api/sagas";
    if (path.substr(0, sagas.size()) == sagas &&
        (path.size() == sagas.size() || path[sagas.size()] == '/') &&
        (routes.saga_list || routes.saga_detail)) {
      return serve_sagas(conn, path.substr(sagas.size()), head);
    } else if ((path == "/" || path == "/index.html") && routes.page) {
      respond(conn, 200, "OK", "text/html; charset=utf-8", dashboard_page_html(), head, no_store);
    } else if (path == "/metrics" && routes.metrics_text) {
      respond(conn, 200, "OK", "text/plain; version=0.0.4; charset=utf-8", routes.metrics_text(),
              head, no_store);
    } else if (path == "/healthz" && routes.healthz) {
      return serve_probe(conn, routes.healthz(), head);
    } else if (path == "/readyz" && routes.readyz) {
      return serve_probe(conn, routes.readyz(), head);
    } else if (path == "/api/dashboard.json" && routes.dashboard_json) {
      respond(conn, 200, "OK", "application/json", routes.dashboard_json(), head, no_store);
    } else if (path == "/api/transactions.csv" && routes.transactions_csv) {
      respond(conn, 200, "OK", "text/csv; charset=utf-8", routes.transactions_csv(), head,
              "Cache-Control: no-store\r\n"
              "Content-Disposition: inline; filename=\"transactions.csv\"\r\n");
    } else if (path == "/static/chart.js" && routes.page && chart_js) {
      respond(conn, 200, "OK", "application/javascript; charset=utf-8", *chart_js, head,
              "Cache-Control: max-age=3600\r\n");
    } else if (path == "/static/chart.js" && routes.page) {
      respond(conn, 404, "Not Found", text_plain,
              "chart.js is not installed (apt-get install libjs-chart.js)\n", head);
      return 404;
    } else {
      respond(conn, 404, "Not Found", text_plain, "not found\n", head);
      return 404;
    }
    return 200;
  }

  /// /healthz or /readyz: one line of text/plain, never cached (a probe wants it now).
  int serve_probe(mg_connection* conn, const http_reply& reply, bool head) {
    std::string body = reply.body;
    if (body.empty() || body.back() != '\n') body += '\n';
    respond(conn, reply.status, status_reason(reply.status), text_plain, body, head,
            "Cache-Control: no-store\r\n");
    return reply.status;
  }

  /// /api/sagas (`rest` empty) or /api/sagas/<id> (`rest` "/<id>").
  int serve_sagas(mg_connection* conn, std::string_view rest, bool head) {
    http_reply reply;
    if (rest.empty()) {
      const char* query = mg_get_request_info(conn)->query_string;
      reply = call(routes.saga_list, query_without_token(query ? query : ""));
    } else {
      reply = call(routes.saga_detail, rest.substr(1));
    }
    respond(conn, reply.status, status_reason(reply.status), "application/json", reply.body, head,
            "Cache-Control: no-store\r\n");
    return reply.status;
  }

  static const char* status_reason(int status) {
    switch (status) {
      case 200:
        return "OK";
      case 400:
        return "Bad Request";
      case 401:
        return "Unauthorized";
      case 404:
        return "Not Found";
      case 503:
        return "Service Unavailable";
      default:
        return "Internal Server Error";
    }
  }

  static int begin_request(mg_connection* conn) {
    return static_cast<impl*>(mg_get_request_info(conn)->user_data)->handle(conn);
  }

  static int log_message(const mg_connection*, const char*) {
    // Failures to start are reported by the constructor's exception; the rest (a client that
    // hung up) is noise on the application's stderr.
    return 1;
  }

  static http_reply call(const std::function<http_reply(std::string_view)>& route,
                         std::string_view arg) {
    if (!route) return {404, "{\"error\":\"sagas are not served by this runtime\"}"};
    return route(arg);
  }
};

namespace {

/// Starts civetweb on `ports` with every request going to impl::begin_request; throws naming
/// the address when it cannot listen.
mg_context* start_civetweb(const std::string& ports, void* user_data, mg_callbacks& callbacks) {
  const auto threads = std::to_string(http_server::worker_threads);
  const auto timeout_ms = std::to_string(http_server::request_timeout.count());
  // No document_root: nothing on disk is served; every request goes through begin_request.
  // civetweb times a request from its first byte, so a client trickling a byte at a time is
  // cut as well. No keep-alive: a kept-alive browser socket would hold a worker between polls.
  std::array<const char*, 9> options{
      "listening_ports",  ports.c_str(),       "num_threads", threads.c_str(), "request_timeout_ms",
      timeout_ms.c_str(), "enable_keep_alive", "no",          nullptr};
  mg_init_data init{};
  init.callbacks = &callbacks;
  init.user_data = user_data;
  init.configuration_options = options.data();
  std::array<char, 256> error_text{};
  unsigned error_code = 0;
  mg_error_data error{};
  error.code = &error_code;
  error.text = error_text.data();
  error.text_buffer_size = error_text.size();
  mg_context* ctx = mg_start2(&init, &error);
  if (ctx == nullptr) {
    std::string why = error_text[0] != '\0' ? error_text.data() : "civetweb did not start";
    throw std::runtime_error("cannot listen on " + ports + ": " + why);
  }
  return ctx;
}

/// The port civetweb listens on (the one it chose for port 0); stops it when unknown.
uint16_t listening_port(mg_context* ctx, const std::string& ports) {
  std::array<mg_server_port, 4> listening{};
  int n = mg_get_server_ports(ctx, static_cast<int>(listening.size()), listening.data());
  if (n <= 0) {
    mg_stop(ctx);
    throw std::runtime_error("listening on " + ports + " but the port is unknown");
  }
  return static_cast<uint16_t>(listening[0].port);
}

}  // namespace

http_server::http_server(const std::string& bind_address, uint16_t port, http_routes routes,
                         std::string token)
    : impl_(std::make_unique<impl>()) {
  init_civetweb_once();
  impl_->routes = std::move(routes);
  impl_->token = std::move(token);
  if (impl_->routes.page) impl_->chart_js = read_chart_js(impl_->routes.chart_js_file);
  impl_->address = bind_address;
  const std::string ports = bind_spec(bind_address, port);
  mg_callbacks callbacks{};
  callbacks.begin_request = impl::begin_request;
  callbacks.log_message = impl::log_message;
  impl_->ctx = start_civetweb(ports, impl_.get(), callbacks);
  impl_->port = listening_port(impl_->ctx, ports);
}

http_server::~http_server() {
  if (!impl_ || !impl_->ctx) return;
  // civetweb's listener checks its stop flag only when poll() returns, which it does every
  // 2 s when nothing connects: mg_stop alone takes up to 2 s. Connections to our own port
  // wake it up at once (they are not accepted any more once the flag is set).
  std::atomic<bool> stopped{false};
  std::thread waker{[this, &stopped] {
    while (!stopped.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      if (!stopped.load()) poke(impl_->address, impl_->port);
    }
  }};
  mg_stop(impl_->ctx);
  stopped = true;
  waker.join();
}

uint16_t http_server::port() const noexcept {
  return impl_->port;
}

std::string http_server::url() const {
  return "http://" + bind_spec(impl_->address, impl_->port) + "/";
}

}  // namespace actortx
