#include "outcome_book.hpp"

#include <algorithm>

namespace stress {

namespace {

constexpr uint8_t outcome_mask = 0x0f;
constexpr int max_rows = 15;  // the high nibble saturates: 15 means "15 or more"

booked from_state(actortx::tx_state s) noexcept {
  using actortx::tx_state;
  switch (s) {
    case tx_state::committed:
      return booked::committed;
    case tx_state::rolled_back:
      return booked::rolled_back;
    case tx_state::timeout:
      return booked::timeout;
    case tx_state::in_doubt:
      return booked::in_doubt;
    case tx_state::failed:
    case tx_state::running:  // not a final answer: the runtime must not return it
      break;
  }
  return booked::failed;
}

std::string rows_text(int n) {
  return n >= max_rows ? "15 or more ledger rows"
                       : std::to_string(n) + (n == 1 ? " ledger row" : " ledger rows");
}

}  // namespace

const char* to_string(booked b) noexcept {
  switch (b) {
    case booked::none:
      return "no outcome";
    case booked::committed:
      return "COMMITTED";
    case booked::rolled_back:
      return "ROLLED_BACK";
    case booked::failed:
      return "FAILED";
    case booked::timeout:
      return "TIMEOUT";
    case booked::in_doubt:
      return "IN_DOUBT";
  }
  return "?";
}

outcome_book::outcome_book(int clients) : books_(static_cast<size_t>(clients < 1 ? 1 : clients)) {}

int64_t outcome_book::issue(int client) {
  auto& b = books_.at(static_cast<size_t>(client));
  b.push_back(0);
  return static_cast<int64_t>(b.size() - 1) * clients() + client + 1;
}

void outcome_book::record(int64_t id, actortx::tx_state state) {
  if (auto* s = slot(id))
    *s = static_cast<uint8_t>((*s & ~outcome_mask) | static_cast<uint8_t>(from_state(state)));
}

uint8_t* outcome_book::slot(int64_t id) noexcept {
  return const_cast<uint8_t*>(static_cast<const outcome_book*>(this)->slot(id));
}

const uint8_t* outcome_book::slot(int64_t id) const noexcept {
  if (id < 1) return nullptr;
  const auto client = static_cast<size_t>((id - 1) % clients());
  const auto n = static_cast<size_t>((id - 1) / clients());
  const auto& b = books_[client];
  return n < b.size() ? &b[n] : nullptr;
}

bool outcome_book::add_row(int64_t id) {
  auto* s = slot(id);
  if (!s) {
    ++unknown_rows_;
    return false;
  }
  const int rows = *s >> 4;
  if (rows < max_rows) *s = static_cast<uint8_t>((*s & outcome_mask) | ((rows + 1) << 4));
  return true;
}

int64_t outcome_book::misreport_one(booked& was) {
  const int64_t last = max_id();
  for (int64_t id = 1; id <= last; ++id)
    if (outcome(id) == booked::committed) {
      was = booked::committed;
      record(id, actortx::tx_state::timeout);
      return id;
    }
  for (int64_t id = 1; id <= last; ++id)
    if (was_issued(id)) {
      was = outcome(id);
      record(id, actortx::tx_state::committed);
      return id;
    }
  return 0;
}

int64_t outcome_book::issued() const noexcept {
  int64_t n = 0;
  for (const auto& b : books_) n += static_cast<int64_t>(b.size());
  return n;
}

int64_t outcome_book::max_id() const noexcept {
  size_t longest = 0;
  for (const auto& b : books_) longest = std::max(longest, b.size());
  return static_cast<int64_t>(longest) * clients();
}

bool outcome_book::was_issued(int64_t id) const noexcept {
  return slot(id) != nullptr;
}

booked outcome_book::outcome(int64_t id) const noexcept {
  const auto* s = slot(id);
  return s ? static_cast<booked>(*s & outcome_mask) : booked::none;
}

int outcome_book::rows(int64_t id) const noexcept {
  const auto* s = slot(id);
  return s ? *s >> 4 : 0;
}

accounting_result check_accounting(const outcome_book& book, size_t shown) {
  accounting_result a;
  auto mismatch = [&](int64_t id, booked b, int rows) {
    if (a.mismatches++ < static_cast<int64_t>(shown))
      a.examples.push_back("tx " + std::to_string(id) + ": " + to_string(b) + ", but " +
                           rows_text(rows));
  };
  const int64_t last = book.max_id();
  for (int64_t id = 1; id <= last; ++id) {
    if (!book.was_issued(id)) continue;  // a client that did fewer transfers than another
    const auto b = book.outcome(id);
    const int rows = book.rows(id);
    ++a.checked;
    switch (b) {
      case booked::committed:
        ++a.committed;
        if (rows != 1) mismatch(id, b, rows);
        break;
      case booked::in_doubt:
        ++(rows == 0 ? a.in_doubt_not_committed : a.in_doubt_committed);
        if (rows > 1) mismatch(id, b, rows);
        break;
      case booked::none:
        ++a.unanswered;
        if (rows > 1) mismatch(id, b, rows);
        break;
      default:
        ++(b == booked::rolled_back ? a.rolled_back : b == booked::failed ? a.failed : a.timeout);
        if (rows != 0) mismatch(id, b, rows);
        break;
    }
  }
  if (book.unknown_rows() > 0) {
    a.mismatches += book.unknown_rows();
    a.examples.push_back(std::to_string(book.unknown_rows()) +
                         " ledger row(s) with an id no transfer was given");
  }
  return a;
}

std::string describe(const accounting_result& a) {
  std::string out = std::to_string(a.checked) +
                    " transfers matched with the ledger: " + std::to_string(a.committed) +
                    " committed, " + std::to_string(a.rolled_back) + " rolled back, " +
                    std::to_string(a.failed) + " failed, " + std::to_string(a.timeout) +
                    " timed out, " +
                    std::to_string(a.in_doubt_committed + a.in_doubt_not_committed) +
                    " in doubt (" + std::to_string(a.in_doubt_committed) + " committed, " +
                    std::to_string(a.in_doubt_not_committed) + " not); " +
                    std::to_string(a.mismatches) + " mismatch(es)";
  if (a.unanswered > 0) out += "; " + std::to_string(a.unanswered) + " without an outcome";
  return out;
}

}  // namespace stress
