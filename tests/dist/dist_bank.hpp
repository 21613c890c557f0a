// The bank of the [dist] tests: what every test node offers (procedures "credit", "uncredit",
// "ping"; saga "transfer" whose second step runs on node "b"), and the tables it works on.
// Every applied effect leaves a ledger row (no unique constraint), so "applied twice" shows in
// the data, not only in the saga log.
#pragma once

#include <string>

#include <actortx/procedure_registry.hpp>
#include <actortx/saga_registry.hpp>

namespace actortx::test {

/// account(id, balance, frozen) with accounts 1..n holding `balance`; ids listed in `frozen`
/// refuse credits. ledger(seq, ref, kind): one row per debit, credit, refund, uncredit, approve.
void create_bank(const std::string& dsn, int accounts, long balance,
                 const std::string& frozen = "");

/// credit(ref text, account integer, amount integer): adds to a non-frozen account; first
/// takes pg_advisory_xact_lock(account), so that a test holding that lock can stop a credit
/// at a known point (to kill its node mid-step). uncredit(ref, account, amount): takes it
/// back. ping(n integer): a trivial read. keep_numbers(ref text, n integer, x real, NaN and
/// infinities allowed): a row in numbers(ref, n, x, x_sent), x as read, x_sent as bound text.
void define_bank_procedures(procedure_registry& procs);

/// transfer (context: from, to, amount[, limit]): "debit" on this node's database, "credit"
/// (procedure) on node "b", "approve" here, which fails above `limit` (default 1000) so that
/// the credit on "b" must be compensated (procedure "uncredit" there).
void define_transfer_saga(saga_registry& sagas);

}  // namespace actortx::test
