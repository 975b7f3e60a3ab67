// Internal to mocks/comune: the state behind DebtPositions and the SQL helpers its two source files
// (debt_positions.cpp: positions; payments.cpp: notices and receipts) share.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/store/database.hpp"
#include "core/store/migrations.hpp"
#include "mocks/comune/debt_positions.hpp"

namespace sportello::comune {

struct DebtPositions::Impl {
  Options o;
  std::unique_ptr<store::Database> db;
  Counter* receipts_booked = nullptr;
  Counter* receipts_duplicate = nullptr;
  Counter* receipts_copy = nullptr;
  Counter* receipts_refused = nullptr;

  TimePoint now() const { return o.clock->now(); }
  const EcConfig* ec(std::string_view fiscalCode) const {
    for (const auto& e : o.ecs) {
      if (e.fiscal_code == fiscalCode) return &e;
    }
    return nullptr;
  }
};

namespace detail {

// Times are stored as milliseconds since the epoch (UTC).
std::int64_t toMillis(TimePoint t);
TimePoint fromMillis(std::int64_t ms);

GpdError storageError(const store::StoreError& e);

// The schema, in order.
std::span<const store::Migration> migrations();

// The effective status of position `p` as an SQL expression that binds :now (milliseconds): VALID and
// EXPIRED are never stored, so lists filter and page on this.
extern const std::string kEffectiveStatus;
// "SELECT <the columns readPositionRow reads> FROM debt_position p ": append the WHERE clause.
extern const std::string kPositionColumns;

// The position's own columns of the current row of a kPositionColumns query (options not loaded).
DebtPosition readPositionRow(const store::Statement& st);
// Appends the options of position `positionId` (with their transfers) to d.options, in order.
store::StoreResult<void> loadOptions(store::Transaction& tx, std::int64_t positionId, DebtPosition& d);
// GPD's optional debtor fields as the JSON object stored in debt_position.contact.
std::string contactJson(const DebtPosition& d);
// Fills in missing IUV/NAV pairs (IUVs from the EC's counter, which never goes back) and refuses, as
// conflicts, codes another position of the EC already uses.
Result<void, GpdError> assignCodes(store::Transaction& tx, const EcConfig& ec, DebtPosition& d);
// Inserts d.options and their transfers under position `positionId`.
store::StoreResult<void> insertOptions(store::Transaction& tx, std::int64_t positionId,
                                       const DebtPosition& d);

// A position with its options and transfers, its status evaluated at `now`; nullopt when absent.
// `id` receives the row id.
store::StoreResult<std::optional<DebtPosition>> loadPosition(store::Transaction& tx, std::string_view org,
                                                             std::string_view iupd, TimePoint now,
                                                             std::int64_t* id = nullptr);

}  // namespace detail
}  // namespace sportello::comune
