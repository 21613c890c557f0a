// The procedures a worker node offers (--nodes): the bank transfer, and the saga steps'
// actions and compensations, each on the worker's own database. The coordinator sends only
// their names and arguments; every argument is bound as a parameter.
#pragma once

#include <actortx/procedure_registry.hpp>

namespace stress {

/// Names, so that coordinator and workers agree.
namespace proc {
inline constexpr const char* transfer = "transfer";   ///< id, from, to, amount, allow_negative
inline constexpr const char* debit = "saga_debit";    ///< saga_id, account, amount, allow_negative
inline constexpr const char* refund = "saga_refund";  ///< saga_id, account, amount
inline constexpr const char* credit = "saga_credit";  ///< saga_id, account, amount
inline constexpr const char* uncredit = "saga_uncredit";  ///< saga_id, account, amount
}  // namespace proc

/// The message of the rollback a transfer or debit ends with when the money is not there.
inline constexpr const char* insufficient_funds = "insufficient funds";

/// Defines the five procedures in `reg`. Like the local bodies (transfer.hpp,
/// transfer_saga.hpp): a debit only where the money is (unless allow_negative), a credit only
/// to an account that is not frozen, a ledger row per applied step or compensation.
void define_bank_procedures(actortx::procedure_registry& reg);

}  // namespace stress
