// The comune's creditor back end ("tributi"): debt positions and the receipts that pay them, kept in
// SQLite (core/store) so that nothing paid is ever lost.
//
// - Life cycle (spec/pagopa.md "Debt positions"): create as DRAFT (or PUBLISHED with publish=true);
//   update and delete only while DRAFT or PUBLISHED; publish only a DRAFT; invalidate only a VALID
//   one. Time-driven statuses are derived from the injected Clock at every read: PUBLISHED becomes
//   VALID once validityDate (or the publication, without one) is reached, and EXPIRED once the last
//   dueDate has passed when switchToExpired is set. Moving the simulated clock back undoes them; every
//   other transition is stored. Codes of INVALID and EXPIRED positions are never reused (their rows
//   stay), and generated IUVs come from a per-EC counter that never goes back.
// - What the paForNode SOAP service needs: lookupByNotice() maps a notice's state to the EC fault of
//   the spec's table; bookReceipt() books a paSendRT in ONE write transaction (BEGIN IMMEDIATE), so
//   concurrent bookings of one notice serialise: the first pays it, the others meet its state.
//   Every receipt addressed to a configured EC is stored, even one answered with a fault, so that no
//   payment is lost; receiptId is unique per recipient EC.
// - Thread-safe: one store::Database (a connection behind a mutex); several DebtPositions objects or
//   processes may share the file.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/clock.hpp"
#include "core/base/metrics.hpp"
#include "core/base/result.hpp"
#include "mocks/comune/position.hpp"

namespace sportello::store {
class Database;
}

namespace sportello::comune {

enum class GpdErrc {
  validation,  // 400: `problems` lists every rule broken
  not_found,   // 404: no such organization or position
  conflict,    // 409: duplicate IUPD/IUV/NAV, or not allowed in the position's status
  storage,     // 500: the database failed
};

struct GpdError {
  GpdErrc code = GpdErrc::storage;
  std::string rule;  // "gpd.duplicate_iupd", "gpd.state", ...
  std::string message;
  std::vector<Problem> problems;  // validation only
  int httpStatus() const;
};

// The faults an EC answers the node with when a notice cannot be paid (spec/pagopa.md "Faults").
enum class PaFault {
  unknown_notice,  // PAA_PAGAMENTO_SCONOSCIUTO: unknown, draft or not yet valid
  expired,         // PAA_PAGAMENTO_SCADUTO
  cancelled,       // PAA_PAGAMENTO_ANNULLATO: invalidated
  duplicate,       // PAA_PAGAMENTO_DUPLICATO: paid or reported
  semantic,        // PAA_SEMANTICA: receiptId reused with other content, amount or IUV not the notice's
  wrong_domain,    // PAA_ID_DOMINIO_ERRATO: not an EC of this back end
  system_error,    // PAA_SYSTEM_ERROR
};
std::string_view faultCode(PaFault f);
std::optional<PaFault> parseFaultCode(std::string_view code);

struct NoticeError {
  PaFault fault = PaFault::system_error;
  std::string description;
};

// A notice that can be paid now: its EC, the whole position, and the option the notice names.
struct PayableNotice {
  EcConfig ec;
  DebtPosition position;
  std::size_t option_index = 0;
  const PaymentOption& option() const { return position.options[option_index]; }
};

// What paSendRT(V2) carries that the EC books.
struct Receipt {
  std::string receipt_id;
  std::string notice_number;
  std::string fiscal_code;            // the EC that owns the notice
  std::string creditor_reference_id;  // the IUV; checked when not empty
  std::int64_t amount = 0;            // euro cents (paymentAmount)
  std::optional<TimePoint> payment_date_time;
  std::string id_psp;
  std::string psp_company_name;
  std::string id_channel;
  std::string debtor_fiscal_code;
  std::string payment_method;
  std::optional<std::int64_t> fee;
  std::string raw_xml;  // the request as received: stored, not compared
};

enum class Booking {
  booked,     // the option (and maybe the position) is now paid
  duplicate,  // the same receipt was booked before: nothing more done
  copy,       // a receipt for a notice of another EC (this EC is a beneficiary of a transfer): kept
};
std::string_view toString(Booking b);

struct BookingResult {
  Booking booking = Booking::booked;
  std::string iupd;  // empty for a copy
  std::optional<PositionStatus> position_status;
};

struct StoredReceipt {
  std::string recipient;  // the EC it was delivered to
  Receipt receipt;
  std::string verdict;  // "booked", "copy" or the fault code answered
  TimePoint received_at{};
};

struct PositionQuery {
  std::optional<PositionStatus> status;
  int page = 0;    // from 0
  int limit = 10;  // 1..50
};

struct PositionPage {
  std::vector<DebtPosition> positions;
  int page = 0;
  int limit = 0;
  std::int64_t items_found = 0;
  std::int64_t total_pages = 0;
};

class DebtPositions {
 public:
  struct Options {
    std::string database;       // the SQLite file (":memory:" for a throw-away store)
    std::vector<EcConfig> ecs;  // the creditors served (at least one)
    std::shared_ptr<Clock> clock;
    std::shared_ptr<Metrics> metrics;  // optional
  };
  // Opens (creating if needed) and migrates the database. Errors name the file.
  static Result<std::unique_ptr<DebtPositions>, std::string> open(Options options);
  ~DebtPositions();

  const EcConfig* ec(std::string_view fiscalCode) const;
  const std::vector<EcConfig>& ecs() const;
  const Clock& clock() const;

  // GPD operations for organization `org` (an EC's fiscal code). `p` must have passed
  // validatePosition(); missing IUV/NAV pairs are generated here.
  Result<DebtPosition, GpdError> create(std::string_view org, DebtPosition p, bool publish);
  Result<DebtPosition, GpdError> get(std::string_view org, std::string_view iupd);
  Result<PositionPage, GpdError> list(std::string_view org, const PositionQuery& q);
  Result<DebtPosition, GpdError> update(std::string_view org, std::string_view iupd, DebtPosition p,
                                        bool publish);
  Result<void, GpdError> remove(std::string_view org, std::string_view iupd);
  Result<DebtPosition, GpdError> publish(std::string_view org, std::string_view iupd);
  Result<DebtPosition, GpdError> invalidate(std::string_view org, std::string_view iupd);

  // For paVerifyPaymentNotice / paGetPayment: the notice if it can be paid now, else the fault.
  Result<PayableNotice, NoticeError> lookupByNotice(std::string_view ecFiscalCode,
                                                    std::string_view noticeNumber);
  // For paSendRT(V2) delivered to EC `recipient`. An identical duplicate answers as the first delivery
  // did (OK: Booking::duplicate); the same receiptId with other content is a semantic fault and books
  // nothing. See the file comment for what is stored.
  Result<BookingResult, NoticeError> bookReceipt(std::string_view recipient, const Receipt& receipt);

  // Most recent first; `recipient` empty for all ECs.
  Result<std::vector<StoredReceipt>, GpdError> receipts(std::string_view recipient, std::size_t limit);
  // Forgets every position, receipt and counter (CI's reset between tests).
  Result<void, GpdError> reset();

  struct Impl;

 private:
  explicit DebtPositions(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sportello::comune
