// The node's memory of payment attempts: one row per payment token, the idempotency keys, and (in
// outbox.hpp) the receipts still to deliver, all in ONE SQLite database (core/store: WAL,
// synchronous=FULL), so that an outcome and its receipts are committed together or not at all.
//
// State of an attempt (spec/pagopa.md "State"):
//   PAYING      token issued by activate, valid until expires_at (simulated clock)
//   PAID        outcome OK within the token's life: receipt generated, outbox rows committed
//   PAID_NORPT  outcome OK after the token expired, the notice still free: accepted late (the PSP hears
//               PPT_TOKEN_SCADUTO), receipt generated all the same (the citizen has paid)
//   NOTIFIED    PAID or PAID_NORPT whose receipt every EC of the transfer list acknowledged
//   FAILED      outcome KO: the notice is payable again
//   CANCELLED   the token expired without an outcome (materialised lazily: a PAYING row past expires_at
//               IS cancelled for every decision, and is rewritten as such by the next write that meets
//               it). An outcome that arrives later is recorded (outcome, outcome_at, late) and answered:
//                 KO                                    PPT_TOKEN_SCADUTO_KO, nothing else changes
//                 OK, notice paid by another token      PPT_PAGAMENTO_DUPLICATO, refused (refund it)
//                 OK, another token active on it        PPT_PAGAMENTO_IN_CORSO, refused (refund it)
//                 OK, notice free                       PPT_TOKEN_SCADUTO, ACCEPTED as PAID_NORPT: the
//                                                       receipt goes to the ECs (as the real node does:
//                                                       the citizen has paid; the code only says "late")
// Per notice: paid when an attempt is PAID, PAID_NORPT or NOTIFIED; in progress when one is PAYING and
// unexpired; payable otherwise.
//
// Idempotency keys (activatePaymentNotice(V2), sendPaymentOutcome(V2)) are kept per (idPSP, key,
// operation) with the canonical request (the request re-written by core/pagopa write()) and the exact
// answer given. Only OK answers are kept: a failed call may be retried with the same key and is then
// processed again. Keys of activate expire with their token; keys of an outcome one token validity
// after it. An expired key is forgotten: its next use is a new request.
//
// All functions block on SQLite (short transactions) and never throw. Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.hpp"
#include "core/pagopa/faults.hpp"
#include "core/store/database.hpp"
#include "mocks/pagopa/outbox.hpp"

namespace sportello::node {

// Opens (creating when missing) and migrates the node's database. Errors name the file.
Result<std::shared_ptr<store::Database>, std::string> openNodeDatabase(const std::string& path);

enum class AttemptState { paying, paid, paid_norpt, notified, failed, cancelled };
std::string_view toString(AttemptState s);  // "PAYING", "PAID", ...
std::optional<AttemptState> parseAttemptState(std::string_view s);

struct Attempt {
  std::string token;  // the paymentToken, also the receiptId of its receipt
  std::string ec_fiscal_code;
  std::string notice_number;
  std::string id_psp;
  std::string id_broker_psp;
  std::string id_channel;
  std::string operation;  // "activatePaymentNotice" or "activatePaymentNoticeV2"
  std::string id_station;
  int station_version = 2;
  std::int64_t amount = 0;  // cents: the EC's paymentAmount
  std::string creditor_reference_id;
  std::string payment_xml;  // the EC's paGetPayment(V2) answer, as received
  std::optional<std::string> payment_note;
  std::int64_t activated_at = 0;  // ms since the epoch, simulated clock
  std::int64_t expires_at = 0;
  AttemptState state = AttemptState::paying;  // as stored
  std::optional<std::string> outcome;         // "OK" | "KO", once received
  std::optional<std::int64_t> outcome_at;
  bool late = false;                      // the outcome came after expires_at
  std::optional<std::string> receipt_id;  // set with PAID / PAID_NORPT
  std::optional<std::int64_t> notified_at;

  // The state for decisions at `now`: a PAYING row past its expiry is CANCELLED.
  AttemptState effectiveState(std::int64_t now) const;
};

struct IdempotencyHit {
  std::string request;   // canonical form of the request that used the key
  std::string response;  // the answer given
};

enum class NoticeState { payable, in_progress, paid };
struct NoticeStatus {
  NoticeState state = NoticeState::payable;
  std::string token;  // the attempt that makes it in progress or paid
  std::int64_t expires_at = 0;
};

// What one outcome does to one of its tokens.
struct TokenOutcome {
  std::string token;
  AttemptState state = AttemptState::paid;  // after the outcome
  std::optional<std::string> fault;         // the fault code the PSP hears for this token, if any
  std::string description;
  std::size_t receipts = 0;  // outbox rows enqueued
};

struct OutcomeRequest {
  std::string id_psp;
  std::optional<std::string> idempotency_key;
  std::string operation;  // "sendPaymentOutcome" | "sendPaymentOutcomeV2"
  std::string canonical;  // for the idempotency key
  std::vector<std::string> tokens;
  bool ok = true;  // outcome OK
};

// The receipts (one outbox entry per EC) of an attempt being paid; a fault aborts the whole outcome.
using ReceiptFactory = std::function<Result<std::vector<OutboxEntry>, pagopa::FaultBean>(const Attempt&)>;
// The answer to write for the PSP, given what happened to each token (called inside the transaction, so
// that the exact answer is what the idempotency key keeps).
using OutcomeAnswer = std::function<std::string(const std::vector<TokenOutcome>&)>;

struct OutcomeResult {
  std::vector<TokenOutcome> tokens;  // empty when `replayed`
  std::string response;
  bool replayed = false;  // the idempotency key's stored answer
  std::size_t receipts = 0;
};

class TokenStore {
 public:
  explicit TokenStore(std::shared_ptr<store::Database> db) : db_(std::move(db)) {}

  // A live key of `id_psp` for `operation`; nullopt when unknown or expired at `now`.
  Result<std::optional<IdempotencyHit>, std::string> findKey(std::string_view id_psp, std::string_view key,
                                                             std::string_view operation, std::int64_t now);

  Result<NoticeStatus, std::string> noticeStatus(std::string_view ec, std::string_view notice,
                                                 std::int64_t now);
  Result<std::optional<Attempt>, std::string> find(std::string_view token);

  struct NewKey {
    std::string id_psp, key, operation, request, response;
  };
  // Records a new PAYING attempt (and its key), after checking again inside the write transaction that
  // the notice is neither paid (PPT_PAGAMENTO_DUPLICATO) nor in progress (PPT_PAGAMENTO_IN_CORSO), and
  // that the key is not held by another live request (PPT_ERRORE_IDEMPOTENZA). Expired PAYING attempts
  // of the notice become CANCELLED here.
  Result<void, pagopa::FaultBean> activate(const Attempt& a, const std::optional<NewKey>& key,
                                           std::int64_t now);

  // The outcome transaction (BEGIN IMMEDIATE, so concurrent outcomes for one token serialise: the first
  // wins, the others meet its state). In order: the idempotency key (same request: the stored answer;
  // other request: PPT_ERRORE_IDEMPOTENZA); every token known (else PPT_TOKEN_SCONOSCIUTO) and without an
  // outcome yet (else PPT_ESITO_GIA_ACQUISITO), nothing written for either; then each token moves as the
  // file comment says, `receipts` enqueueing the outbox rows of every attempt that becomes paid; the
  // answer and (when it is OK) the key are stored; commit. Only then does the caller answer the PSP.
  Result<OutcomeResult, pagopa::FaultBean> recordOutcome(const OutcomeRequest& r, std::int64_t now,
                                                         std::int64_t key_validity_ms,
                                                         const ReceiptFactory& receipts,
                                                         const OutcomeAnswer& answer);

  struct Query {
    std::string notice;  // "" for all
    std::size_t limit = 100;
  };
  // Most recent first.
  Result<std::vector<Attempt>, std::string> list(const Query& q);

 private:
  std::shared_ptr<store::Database> db_;
};

}  // namespace sportello::node
