// What --saga adds to a run's bank schema: a frozen account and a ledger of applied steps.
#pragma once

#include "bank_schema.hpp"

namespace stress {

/// Adds account `frozen_id` (balance 0, frozen: a credit to it fails) and the table
/// ledger(saga_id, kind): one row per applied debit, refund, credit or uncredit. The ledger
/// has no unique constraint on purpose: a step applied twice must show in the data, where the
/// invariant check counts it, instead of failing the second time.
void add_saga_tables(const bank_schema& schema, int frozen_id);

}  // namespace stress
