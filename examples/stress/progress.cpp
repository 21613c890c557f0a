#include "progress.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "stop_signal.hpp"

namespace stress {

namespace {

constexpr auto tty_period = std::chrono::milliseconds(200);
constexpr auto plain_period = std::chrono::seconds(2);
constexpr int bar_width = 20;

size_t terminal_columns() {
  winsize ws{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20) return ws.ws_col;
  return 80;
}

}  // namespace

progress::progress(const live_counters& live, int64_t total,
                   std::optional<std::chrono::duration<double>> duration)
    : live_(live), total_(total), duration_(duration), tty_(::isatty(STDOUT_FILENO) == 1) {}

void progress::start() {
  start_ = std::chrono::steady_clock::now();
  thread_ = std::thread{[this] { loop(); }};
}

void progress::stop() {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::printf(tty_ ? "\r%s\n" : "%s\n", line(tty_).c_str());
  std::fflush(stdout);
}

void progress::loop() {
  std::unique_lock<std::mutex> guard{mtx_};
  auto period = tty_ ? std::chrono::steady_clock::duration{tty_period} : plain_period;
  while (!wake_.wait_for(guard, period, [this] { return stopping_; })) {
    if (tty_)
      std::printf("\r%s", line(true).c_str());
    else
      std::printf("%s\n", line(false).c_str());
    std::fflush(stdout);
  }
}

std::string progress::line(bool tty) const {
  std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start_;
  auto done = live_.done.load();
  double fraction =
      duration_ ? elapsed / *duration_ : static_cast<double>(done) / static_cast<double>(total_);
  fraction = std::clamp(fraction, 0.0, 1.0);
  auto rate = elapsed.count() > 0 ? static_cast<double>(live_.committed) / elapsed.count() : 0.0;

  std::ostringstream os;
  os.precision(1);
  os << std::fixed;
  if (tty) {
    auto filled = static_cast<int>(fraction * bar_width);
    os << '[' << std::string(static_cast<size_t>(filled), '#')
       << std::string(static_cast<size_t>(bar_width - filled), '.') << "] ";
  } else {
    os << "progress: ";
  }
  os.width(5);
  os << fraction * 100 << "%  " << done;
  if (!duration_) os << '/' << total_;
  if (tty) {  // compact: a wrapped line could not be redrawn with \r
    os << "  ok " << live_.committed;
    if (live_.compensated > 0) os << "  comp " << live_.compensated;  // sagas only
    os << "  skip " << live_.skipped << "  retry " << live_.retries << "  tmo " << live_.timeouts
       << "  fail " << live_.failed << "  " << static_cast<int64_t>(rate) << "/s  "
       << elapsed.count() << "s";
    if (stop_requested()) os << "  stopping";
    auto text = os.str();
    if (text.size() >= terminal_columns()) text.resize(terminal_columns() - 1);
    return text + "\033[K";  // clear what a longer previous line left behind
  }
  os << " done  " << live_.committed << " committed  ";
  if (live_.compensated > 0) os << live_.compensated << " compensated  ";  // sagas only
  os << live_.skipped << " skipped  " << live_.retries << " retries  " << live_.timeouts
     << " timeouts  " << live_.failed << " failed  " << static_cast<int64_t>(rate) << " tx/s  "
     << elapsed.count() << " s";
  if (stop_requested()) os << "  (stopping: finishing in-flight transfers)";
  return os.str();
}

}  // namespace stress
