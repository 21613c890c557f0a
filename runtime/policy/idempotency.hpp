// Idempotency keys: a transaction's key is written in the same transaction as its effects, so
// "the key is committed" <=> "the transaction committed". This is what makes a lost COMMIT
// reply resolvable, and a client's repeated request harmless.
#pragma once

#include <cstdint>
#include <string>

#include <pqxx/transaction_base>

namespace actortx {

class statement_cache;

/// tx_id of a fence: a key written by a saga that decided the step it names never ran, so
/// that a late attempt of that step finds the key and does not run (reported as errc::fenced).
inline constexpr uint64_t fenced_tx_id = 0;

/// Inside an open transaction: the id of the transaction that committed `key`, or 0.
/// With a `statements` cache (the connection's), the key statements run prepared.
uint64_t committed_by(pqxx::transaction_base& work, const std::string& key,
                      statement_cache* statements = nullptr);

/// Inside the transaction, as its first statement: records the key. False when another
/// transaction committed it; waits first for one that holds it and is still running (e.g. a
/// COMMIT whose reply was lost). Under REPEATABLE READ / SERIALIZABLE a key committed after
/// our snapshot is a serialization failure (40001), retried like any other.
bool record_key(pqxx::transaction_base& work, const std::string& key, uint64_t tx_id,
                const std::string& label, statement_cache* statements = nullptr);

}  // namespace actortx
