// Reading the saga log's scripts' results: a cell as text and the n-th result of a committed
// script. Internal to runtime/sagas.
#pragma once

#include <stdexcept>
#include <string>

#include <actortx/tx_outcome.hpp>

namespace actortx::saga_sql {

/// The cell's text; NULL reads as "".
inline const std::string& cell(const result_set& rs, size_t row, size_t col) {
  static const std::string empty;
  const auto& v = rs.rows.at(row).at(col);
  return v.is_null ? empty : v.text;
}

/// Result `n` (1-based) of a committed script; std::runtime_error naming `what` and the outcome
/// otherwise.
inline const result_set& results_of(const tx_outcome& out, size_t n, const char* what) {
  if (!out.committed() || out.results.size() < n)
    throw std::runtime_error(std::string{what} + ": no result (transaction " +
                             to_string(out.state) + ": " + out.message + ")");
  return out.results[n - 1];
}

}  // namespace actortx::saga_sql
