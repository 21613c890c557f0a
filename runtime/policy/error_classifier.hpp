// SQLSTATE -> error_class: a table-driven pure function (see DESIGN.md, decision 5).
#pragma once

#include <string>
#include <vector>

#include <actortx/tx_options.hpp>
#include <actortx/tx_outcome.hpp>

namespace actortx {

/// Where in the transaction the error happened; a lost connection during COMMIT is in doubt.
enum class tx_phase { begin, body, commit };

/// Classifies a server error by SQLSTATE.
///  40001, 40P01, 53xxx          -> retry
///  class 08, 57P01..57P03       -> reconnect (in phase commit: in_doubt)
///  55P03, 57014                 -> timeout
///  40003, 08007                 -> in_doubt
///  classes 22, 23, 28, 42, 25   -> fail_fast
///  anything else                -> fail_fast
error_class classify_sqlstate(const std::string& sqlstate, tx_phase phase = tx_phase::body,
                              const classification_overrides& overrides = {});

/// A broken connection without a SQLSTATE: reconnect, or in_doubt when it broke during COMMIT.
error_class classify_connection_loss(tx_phase phase) noexcept;

/// Empty if every entry is a 5-char SQLSTATE or a 2-char class of [0-9A-Z] (case-insensitive),
/// else a message naming the first bad entry.
std::string validate(const classification_overrides& o);

/// True for the classes that a retry can cure (retry, reconnect).
bool is_retryable(error_class c) noexcept;

}  // namespace actortx
