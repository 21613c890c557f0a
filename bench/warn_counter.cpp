#include "warn_counter.hpp"

#include <spdlog/sinks/base_sink.h>

#include <mutex>
#include <string_view>

#include <actortx/log.hpp>

namespace bench {

namespace {

class counting_sink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit counting_sink(std::shared_ptr<warn_counts> counts) : counts_(std::move(counts)) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    std::string_view text{msg.payload.data(), msg.payload.size()};
    if (text.find("cut a connection") != std::string_view::npos)
      counts_->cuts.fetch_add(1);
    else if (text.find("cancel of backend") != std::string_view::npos)
      counts_->cancel_failures.fetch_add(1);
    else
      counts_->other.fetch_add(1);
  }
  void flush_() override {}

 private:
  std::shared_ptr<warn_counts> counts_;
};

}  // namespace

std::shared_ptr<warn_counts> count_runtime_warnings() {
  auto counts = std::make_shared<warn_counts>();
  auto logger = actortx::log_destination();
  for (auto& sink : logger->sinks()) sink->set_level(spdlog::level::err);
  auto sink = std::make_shared<counting_sink>(counts);
  sink->set_level(spdlog::level::warn);
  logger->sinks().push_back(std::move(sink));
  actortx::set_log_level("warn");
  return counts;
}

}  // namespace bench
