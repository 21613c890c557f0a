// errc as std::error_code, and the exceptions that carry an outcome.
#include <string>

#include <actortx/errc.hpp>
#include <actortx/saga_outcome.hpp>
#include <actortx/tx_outcome.hpp>

namespace actortx {

namespace {

const char* sentence(errc x) noexcept {
  switch (x) {
    case errc::none:
      return "no error";
    case errc::sql_error:
      return "the server rejected a statement";
    case errc::timeout:
      return "the deadline passed";
    case errc::pool_exhausted:
      return "no connection could be leased in time";
    case errc::commit_in_doubt:
      return "COMMIT was sent and its answer lost: the outcome is unknown";
    case errc::connection_failed:
      return "could not connect to PostgreSQL";
    case errc::connection_lost:
      return "the connection broke while the transaction ran";
    case errc::body_failed:
      return "the transaction's body threw";
    case errc::attempt_crashed:
      return "an actor running the attempt died";
    case errc::invalid_argument:
      return "the request was malformed";
    case errc::rolled_back:
      return "rolled back on purpose";
    case errc::shutting_down:
      return "the runtime is shutting down";
    case errc::fenced:
      return "the saga gave up on this step (its idempotency key is fenced)";
    case errc::not_owner:
      return "another node owns the saga now";
    case errc::compensation_failed:
      return "a saga's compensation kept failing";
    case errc::unknown_procedure:
      return "no procedure of that name is registered";
    case errc::node_unreachable:
      return "a remote node could not be reached";
    case errc::unexpected_message:
      return "a node received a message its interface does not have";
    case errc::cancelled:
      return "cancelled by the caller";
  }
  return "unknown actortx error";
}

class category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "actortx"; }
  std::string message(int code) const override {
    if (code < 0 || code > static_cast<int>(errc::cancelled))
      return "unknown actortx error " + std::to_string(code);
    return sentence(static_cast<errc>(code));
  }
};

std::string tx_error_text(const tx_outcome& o) {
  std::string s = o.label.empty() ? "transaction " + std::to_string(o.id) : o.label;
  s += ": ";
  s += o.joined ? "savepoint rolled back" : to_string(o.state);
  s += " (";
  s += to_string(o.code);
  if (!o.sqlstate.empty()) s += ", SQLSTATE " + o.sqlstate;
  s += ")";
  if (!o.message.empty()) s += ": " + o.message;
  return s;
}

std::string saga_error_text(const saga_outcome& o) {
  std::string s =
      "saga " + o.type + " " + o.id + ": " + to_string(o.state) + " (" + to_string(o.code) + ")";
  if (o.caller_gave_up) s += ", the caller stopped waiting";
  if (!o.message.empty()) s += ": " + o.message;
  return s;
}

}  // namespace

const std::error_category& error_category() noexcept {
  static const category instance;
  return instance;
}

tx_error::tx_error(tx_outcome outcome)
    : std::system_error(make_error_code(outcome.code), tx_error_text(outcome)),
      outcome_(std::move(outcome)) {}

void tx_outcome::throw_if_failed() const {
  if (!ok()) throw tx_error(*this);
}

saga_error::saga_error(saga_outcome outcome)
    : std::system_error(make_error_code(outcome.code), saga_error_text(outcome)),
      outcome_(std::move(outcome)) {}

void saga_outcome::throw_if_failed() const {
  if (!committed()) throw saga_error(*this);
}

}  // namespace actortx
