// The cross-database transfer saga of the recovery and crash tests: debit on database A (where
// the saga log is), credit on database B. Every applied step and compensation leaves a ledger
// row (no unique constraint), so "applied twice" shows in the data, not only in the log.
#pragma once

#include <string>

#include <actortx/runtime_config.hpp>
#include <actortx/saga_registry.hpp>

namespace actortx::test {

/// Accounts 1..n with `balance` each on both databases; B's accounts divisible by 5 are frozen
/// (a credit to them fails, so the saga compensates the debit).
void create_transfer_tables(const std::string& dsn_a, const std::string& dsn_b, int accounts,
                            int balance);

/// Defines "transfer" (context: from, to, amount) with its credit step on `b`. `tag` is
/// written into compensation ledger rows to tell which node ran them.
void define_transfer(saga_registry& reg, const supervisor_actor& b, const std::string& tag = {});

/// A node of the recovery tests: small pool, stable node id, 1 s lease, claims every 200 ms.
runtime_config node_config(const std::string& dsn, const std::string& node);

/// Sagas in the log of `dsn` that are STARTED, EXECUTING or COMPENSATING.
long unfinished_sagas(const std::string& dsn);

/// Sum of balances on A plus on B.
long long total_balance(const std::string& dsn_a, const std::string& dsn_b);

/// Checks the invariants from the data and the log; returns "" or what is violated.
std::string check_transfers(const std::string& dsn_a, const std::string& dsn_b,
                            long long expected_total);

}  // namespace actortx::test
