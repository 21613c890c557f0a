// One page in headless Chromium, driven over the DevTools protocol on a pipe
// (--remote-debugging-pipe: JSON messages ended by '\0', commands on fd 3, answers on fd 4).
// A test evaluates JavaScript in the live page while it polls a real runtime: it reads a
// Chart.js instance's data, measures bounding rectangles, clicks a button. Nothing waits a
// fixed time: wait_for() awaits a condition inside the page.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

namespace actortx::test {

class devtools_page {
 public:
  using json = nlohmann::json;

  /// Starts `chromium` with a throwaway profile and opens `url` in a `width` x `height` page.
  devtools_page(const std::string& chromium, const std::string& url, int width = 1400,
                int height = 1000) {
    char tmpl[] = "/tmp/actortx-devtools-XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    dir_ = tmpl;
    launch(chromium, width, height);
    auto target = call("Target.createTarget", {{"url", "about:blank"}});
    auto attached =
        call("Target.attachToTarget", {{"targetId", target.at("targetId")}, {"flatten", true}});
    session_ = attached.at("sessionId").get<std::string>();
    navigate(url);
  }

  /// Opens `url` and returns once its load event fired (scripts ran, timers may still run).
  void navigate(const std::string& url) {
    call("Page.enable", json::object(), session_);
    load_fired_ = false;
    call("Page.navigate", {{"url", url}}, session_);
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!load_fired_) note_event(json::parse(receive(until)));
  }
  ~devtools_page() { shut_down(); }
  devtools_page(const devtools_page&) = delete;
  devtools_page& operator=(const devtools_page&) = delete;

  /// The value of a JavaScript expression in the page (a promise is awaited); a thrown
  /// exception fails the test with its text.
  json evaluate(const std::string& expression,
                std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    auto result =
        call("Runtime.evaluate",
             {{"expression", expression}, {"returnByValue", true}, {"awaitPromise", true}},
             session_, timeout);
    INFO("expression: " << expression);
    if (result.contains("exceptionDetails"))
      FAIL("page threw: " << result["exceptionDetails"].dump());
    const auto& value = result.at("result");
    return value.contains("value") ? value["value"] : json{};
  }

  /// Awaits `condition` (a JavaScript expression) becoming truthy in the page, checked every
  /// 50 ms of page time; returns its last value (falsy when `timeout` passed first).
  json wait_for(const std::string& condition,
                std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    const auto ms = std::to_string(timeout.count());
    return evaluate("new Promise((done) => { const until = Date.now() + " + ms +
                        "; const check = () => { let v; try { v = (" + condition +
                        "); } catch (e) { v = undefined; } if (v || Date.now() > until) done(v); "
                        "else setTimeout(check, 50); }; check(); })",
                    timeout + std::chrono::seconds(10));
  }

 private:
  void launch(const std::string& chromium, int width, int height) {
    int to_browser[2], from_browser[2];
    REQUIRE(::pipe2(to_browser, O_CLOEXEC) == 0);
    REQUIRE(::pipe2(from_browser, O_CLOEXEC) == 0);
    const std::vector<std::string> args{
        chromium,
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--no-default-browser-check",
        "--hide-scrollbars",
        "--user-data-dir=" + (dir_ / "profile").string(),
        "--remote-debugging-pipe",
        "--window-size=" + std::to_string(width) + "," + std::to_string(height),
        "about:blank"};
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    const std::string log = (dir_ / "chromium.log").string();
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      // The child: a process group of its own (the browser's helpers go with it), the pipe
      // ends on fd 3 and 4 (dup2 clears close-on-exec), its output in a file.
      ::setpgid(0, 0);
      int in = ::fcntl(to_browser[0], F_DUPFD, 10), out = ::fcntl(from_browser[1], F_DUPFD, 10);
      ::dup2(in, 3);
      ::dup2(out, 4);
      int logfd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      ::dup2(logfd, 1);
      ::dup2(logfd, 2);
      ::execvp(argv[0], argv.data());
      ::_exit(127);
    }
    ::setpgid(pid_, pid_);
    ::close(to_browser[0]);
    ::close(from_browser[1]);
    to_browser_ = to_browser[1];
    from_browser_ = from_browser[0];
  }

  /// Sends one command and returns its result, skipping the events that arrive meanwhile.
  json call(const std::string& method, const json& params, const std::string& session = {},
            std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    const int id = ++last_id_;
    json message{{"id", id}, {"method", method}, {"params", params}};
    if (!session.empty()) message["sessionId"] = session;
    send(message.dump());
    const auto until = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      auto reply = json::parse(receive(until));
      if (!reply.contains("id") || reply["id"] != id) {
        note_event(reply);
        continue;
      }
      INFO("method: " << method << ", chromium log: " << (dir_ / "chromium.log").string());
      if (reply.contains("error")) FAIL("DevTools error: " << reply["error"].dump());
      return reply.at("result");
    }
  }

  void note_event(const json& message) {
    if (message.value("method", "") == "Page.loadEventFired" &&
        message.value("sessionId", "") == session_)
      load_fired_ = true;
  }

  void send(const std::string& text) {
    std::string framed = text + '\0';
    for (size_t done = 0; done < framed.size();) {
      auto n = ::write(to_browser_, framed.data() + done, framed.size() - done);
      REQUIRE(n > 0);
      done += static_cast<size_t>(n);
    }
  }

  /// The next '\0'-ended message, or a failure when `until` passes first.
  std::string receive(std::chrono::steady_clock::time_point until) {
    for (;;) {
      auto end = buffer_.find('\0');
      if (end != std::string::npos) {
        auto message = buffer_.substr(0, end);
        buffer_.erase(0, end + 1);
        return message;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          until - std::chrono::steady_clock::now());
      INFO("chromium log: " << (dir_ / "chromium.log").string());
      REQUIRE(left.count() > 0);
      pollfd p{from_browser_, POLLIN, 0};
      int ready = ::poll(&p, 1, static_cast<int>(left.count()));
      if (ready <= 0) continue;
      char chunk[65536];
      auto n = ::read(from_browser_, chunk, sizeof chunk);
      REQUIRE(n > 0);  // 0: the browser went away
      buffer_.append(chunk, static_cast<size_t>(n));
    }
  }

  void shut_down() {
    if (pid_ > 0) {
      // Browser.close ends it cleanly; a browser that does not go within 5 s is killed.
      std::string bye = json{{"id", ++last_id_}, {"method", "Browser.close"}}.dump() + '\0';
      static_cast<void>(::write(to_browser_, bye.data(), bye.size()));
      int status = 0;
      const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
      while (::waitpid(pid_, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() > until) {
          ::kill(-pid_, SIGKILL);
          ::waitpid(pid_, &status, 0);
          break;
        }
        pollfd p{from_browser_, POLLIN, 0};  // drain, so that the browser never blocks writing
        if (::poll(&p, 1, 50) > 0) {
          char chunk[65536];
          static_cast<void>(::read(from_browser_, chunk, sizeof chunk));
        }
      }
    }
    if (to_browser_ >= 0) ::close(to_browser_);
    if (from_browser_ >= 0) ::close(from_browser_);
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  std::filesystem::path dir_;
  pid_t pid_ = -1;
  int to_browser_ = -1, from_browser_ = -1;
  int last_id_ = 0;
  std::string buffer_;
  std::string session_;
  bool load_fired_ = false;
};

}  // namespace actortx::test
