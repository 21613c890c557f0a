// The per-transaction accounting: every transfer has a run-unique id and writes a ledger row
// with it in its own transaction; the book keeps each id's answered outcome in one byte (low
// nibble: the outcome, high nibble: the ledger rows found for it, saturating at 15), and the
// check matches the two: COMMITTED <=> exactly one row; ROLLED_BACK, FAILED, TIMEOUT => none;
// IN_DOUBT => either (counted).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <actortx/tx_outcome.hpp>

namespace stress {

/// What the book holds for one id.
enum class booked : uint8_t {
  none = 0,  ///< issued, no outcome recorded (its client stopped by an exception)
  committed,
  rolled_back,
  failed,
  timeout,
  in_doubt,
};

const char* to_string(booked b) noexcept;

/// One byte per transfer, in one vector per client thread (no sharing, no lock while the
/// run goes on). Client c's n-th transfer has id n * clients + c + 1 (ids start at 1).
class outcome_book {
 public:
  explicit outcome_book(int clients = 1);

  /// Issues client `c`'s next id (only client c's thread calls this for c).
  int64_t issue(int client);
  /// Records the outcome answered for `id` (issued by the calling client's thread).
  void record(int64_t id, actortx::tx_state state);

  /// After the run, single-threaded: one ledger row with `id` was found. False when the id
  /// was never issued (the row is then counted in unknown_rows()).
  bool add_row(int64_t id);
  int64_t unknown_rows() const noexcept { return unknown_rows_; }

  /// --misreport-outcome-for-test: turns the first COMMITTED outcome into TIMEOUT (or, with
  /// none committed, the first other one into COMMITTED), so the check must fail. Returns the
  /// id changed (0 if the book is empty) and what it was.
  int64_t misreport_one(booked& was);

  int clients() const noexcept { return static_cast<int>(books_.size()); }
  /// Ids issued, over all clients.
  int64_t issued() const noexcept;
  /// The largest id that may have been issued (ids above it were not).
  int64_t max_id() const noexcept;
  bool was_issued(int64_t id) const noexcept;
  /// Outcome and ledger rows of `id` (none and 0 for an id never issued).
  booked outcome(int64_t id) const noexcept;
  int rows(int64_t id) const noexcept;

 private:
  uint8_t* slot(int64_t id) noexcept;
  const uint8_t* slot(int64_t id) const noexcept;

  std::vector<std::vector<uint8_t>> books_;
  int64_t unknown_rows_ = 0;
};

/// The verdict of matching every id against the ledger.
struct accounting_result {
  int64_t checked = 0;
  int64_t committed = 0, rolled_back = 0, failed = 0, timeout = 0, unanswered = 0;
  int64_t in_doubt_committed = 0;      ///< IN_DOUBT with one row: it did commit
  int64_t in_doubt_not_committed = 0;  ///< IN_DOUBT without a row
  int64_t mismatches = 0;              ///< includes rows of ids never issued
  /// The first mismatches, e.g. "tx 433: TIMEOUT, but 1 ledger row" (at most `shown`).
  std::vector<std::string> examples;
  bool ok() const noexcept { return mismatches == 0; }
};

/// Matches every issued id's outcome with its ledger rows; keeps the first `shown` examples.
accounting_result check_accounting(const outcome_book& book, size_t shown = 10);

/// One line: "12345 transactions: 12000 committed (one ledger row each), ...; 0 mismatches".
std::string describe(const accounting_result& a);

}  // namespace stress
