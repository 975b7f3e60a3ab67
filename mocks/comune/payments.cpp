// DebtPositions: what the node-facing SOAP service asks of the back end (verify/get a notice, book a
// receipt). Fault mapping: spec/pagopa.md "Faults" (as pagoPA's own reference EC does) and "State".
#include <boost/json.hpp>

#include "mocks/comune/debt_positions.hpp"
#include "mocks/comune/storage.hpp"

namespace sportello::comune {

namespace json = boost::json;
using detail::fromMillis;
using detail::toMillis;

namespace {

constexpr std::pair<PaFault, std::string_view> kFaultCodes[] = {
    {PaFault::unknown_notice, "PAA_PAGAMENTO_SCONOSCIUTO"},
    {PaFault::expired, "PAA_PAGAMENTO_SCADUTO"},
    {PaFault::cancelled, "PAA_PAGAMENTO_ANNULLATO"},
    {PaFault::duplicate, "PAA_PAGAMENTO_DUPLICATO"},
    {PaFault::semantic, "PAA_SEMANTICA"},
    {PaFault::wrong_domain, "PAA_ID_DOMINIO_ERRATO"},
    {PaFault::system_error, "PAA_SYSTEM_ERROR"}};

NoticeError noticeError(PaFault f, std::string description) {
  return NoticeError{f, std::move(description)};
}

NoticeError systemError(const store::StoreError& e) {
  return noticeError(PaFault::system_error, "storage: " + std::string(e.name()) + ": " + e.message);
}

// Whether `op` of `d` can be paid now; the fault when it cannot.
std::optional<NoticeError> payability(const DebtPosition& d, const PaymentOption& op) {
  switch (d.status) {
    case PositionStatus::draft:
      return noticeError(PaFault::unknown_notice, "the debt position is a draft, not published");
    case PositionStatus::published:
      return noticeError(PaFault::unknown_notice, "the debt position is published but not valid yet");
    case PositionStatus::invalid:
      return noticeError(PaFault::cancelled, "the debt position was invalidated");
    case PositionStatus::expired:
      return noticeError(PaFault::expired, "the notice expired on " + formatDateTime(d.maxDueDate()));
    case PositionStatus::paid:
    case PositionStatus::reported:
      return noticeError(PaFault::duplicate, "the debt position is already paid");
    case PositionStatus::valid:
    case PositionStatus::partially_paid:
      if (op.status != OptionStatus::unpaid) {
        return noticeError(PaFault::duplicate, "the notice is already paid (receipt " + op.receipt_id + ")");
      }
      if (d.status == PositionStatus::partially_paid && !op.is_partial_payment) {
        return noticeError(PaFault::duplicate,
                           "an instalment of this debt was paid: the single payment is no longer possible");
      }
      return std::nullopt;
  }
  return noticeError(PaFault::system_error, "the debt position is in an unknown state");
}

// The fields that make two deliveries "the same receipt" (raw XML aside: envelopes may differ).
std::string canonicalContent(const Receipt& r) {
  json::object o{
      {"receiptId", r.receipt_id},
      {"noticeNumber", r.notice_number},
      {"fiscalCode", r.fiscal_code},
      {"creditorReferenceId", r.creditor_reference_id},
      {"amount", r.amount},
      {"paymentDateTime", r.payment_date_time ? json::value(toMillis(*r.payment_date_time)) : nullptr},
      {"idPSP", r.id_psp},
      {"pspCompanyName", r.psp_company_name},
      {"idChannel", r.id_channel},
      {"debtorFiscalCode", r.debtor_fiscal_code},
      {"paymentMethod", r.payment_method},
      {"fee", r.fee ? json::value(*r.fee) : nullptr}};
  return json::serialize(o);
}

Receipt fromContent(std::string_view content) {
  Receipt r;
  boost::system::error_code ec;
  json::value v = json::parse(content, ec);
  if (ec || !v.is_object()) return r;
  const json::object& o = v.as_object();
  auto str = [&](std::string_view k) {
    const json::value* x = o.if_contains(k);
    return x != nullptr && x->is_string() ? std::string(x->as_string()) : std::string();
  };
  auto num = [&](std::string_view k) -> std::optional<std::int64_t> {
    const json::value* x = o.if_contains(k);
    return x != nullptr && x->is_int64() ? std::optional<std::int64_t>(x->as_int64()) : std::nullopt;
  };
  r.receipt_id = str("receiptId");
  r.notice_number = str("noticeNumber");
  r.fiscal_code = str("fiscalCode");
  r.creditor_reference_id = str("creditorReferenceId");
  r.amount = num("amount").value_or(0);
  if (auto t = num("paymentDateTime")) r.payment_date_time = fromMillis(*t);
  r.id_psp = str("idPSP");
  r.psp_company_name = str("pspCompanyName");
  r.id_channel = str("idChannel");
  r.debtor_fiscal_code = str("debtorFiscalCode");
  r.payment_method = str("paymentMethod");
  r.fee = num("fee");
  return r;
}

void bump(Counter* c) {
  if (c != nullptr) c->inc();
}

}  // namespace

std::string_view faultCode(PaFault f) {
  for (const auto& [v, code] : kFaultCodes) {
    if (v == f) return code;
  }
  return "PAA_SYSTEM_ERROR";
}

std::optional<PaFault> parseFaultCode(std::string_view code) {
  for (const auto& [v, c] : kFaultCodes) {
    if (c == code) return v;
  }
  return std::nullopt;
}

std::string_view toString(Booking b) {
  switch (b) {
    case Booking::booked:
      return "booked";
    case Booking::duplicate:
      return "duplicate";
    case Booking::copy:
      return "copy";
  }
  return "?";
}

Result<PayableNotice, NoticeError> DebtPositions::lookupByNotice(std::string_view ecFiscalCode,
                                                                 std::string_view noticeNumber) {
  const EcConfig* ec = impl_->ec(ecFiscalCode);
  if (ec == nullptr) {
    return fail(
        noticeError(PaFault::wrong_domain, "EC " + std::string(ecFiscalCode) + " is not served here"));
  }
  TimePoint now = impl_->now();
  auto tx = impl_->db->read();
  if (!tx) return fail(systemError(tx.error()));
  auto st = tx->prepare(
      "SELECT p.iupd FROM payment_option o JOIN debt_position p ON p.id = o.position_id"
      " WHERE o.organization = ? AND o.nav = ?");
  if (!st) return fail(systemError(st.error()));
  auto row = st->bind(1, ecFiscalCode).bind(2, noticeNumber).step();
  if (!row) return fail(systemError(row.error()));
  if (!*row) {
    return fail(noticeError(PaFault::unknown_notice, "no notice " + std::string(noticeNumber) + " for EC " +
                                                         std::string(ecFiscalCode)));
  }
  std::string iupd = st->text(0);
  if (auto end = st->step(); !end) return fail(systemError(end.error()));
  auto loaded = detail::loadPosition(*tx, ecFiscalCode, iupd, now);
  if (!loaded) return fail(systemError(loaded.error()));
  if (!*loaded) return fail(noticeError(PaFault::system_error, "the notice's position vanished"));
  PayableNotice n{*ec, std::move(**loaded), 0};
  for (std::size_t i = 0; i < n.position.options.size(); ++i) {
    if (n.position.options[i].nav == noticeNumber) n.option_index = i;
  }
  if (auto fault = payability(n.position, n.option())) return fail(std::move(*fault));
  return n;
}

Result<BookingResult, NoticeError> DebtPositions::bookReceipt(std::string_view recipient,
                                                              const Receipt& receipt) {
  const std::string content = canonicalContent(receipt);
  TimePoint now = impl_->now();
  auto tx = impl_->db->write();  // BEGIN IMMEDIATE: bookings of one notice run one after the other
  if (!tx) return fail(systemError(tx.error()));

  // The natural key first: a receipt delivered again is answered as the first time.
  {
    auto st = tx->prepare(
        "SELECT r.content, r.verdict, p.iupd FROM receipt r LEFT JOIN payment_option o ON o.id = r.option_id"
        " LEFT JOIN debt_position p ON p.id = o.position_id WHERE r.recipient = ? AND r.receipt_id = ?");
    if (!st) return fail(systemError(st.error()));
    auto row = st->bind(1, recipient).bind(2, receipt.receipt_id).step();
    if (!row) return fail(systemError(row.error()));
    if (*row) {
      std::string stored = st->text(0), verdict = st->text(1), iupd = st->optText(2).value_or("");
      if (auto end = st->step(); !end) return fail(systemError(end.error()));
      if (stored != content) {
        bump(impl_->receipts_refused);
        return fail(noticeError(PaFault::semantic, "receiptId " + receipt.receipt_id +
                                                       " was already received with different content"));
      }
      bump(impl_->receipts_duplicate);
      if (auto fault = parseFaultCode(verdict)) {
        return fail(noticeError(*fault, "this receipt was received before and refused with " + verdict));
      }
      return BookingResult{Booking::duplicate, iupd, std::nullopt};
    }
  }
  if (impl_->ec(recipient) == nullptr) {
    return fail(noticeError(PaFault::wrong_domain, "EC " + std::string(recipient) + " is not served here"));
  }

  auto keep = [&](std::optional<std::int64_t> optionId,
                  std::string_view verdict) -> store::StoreResult<void> {
    auto ins = tx->prepare(
        "INSERT INTO receipt (recipient, receipt_id, notice_number, fiscal_code, amount, content, raw_xml, "
        "option_id,"
        " verdict, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!ins) return fail(std::move(ins).error());
    return ins->bind(1, recipient)
        .bind(2, receipt.receipt_id)
        .bind(3, receipt.notice_number)
        .bind(4, receipt.fiscal_code)
        .bind(5, receipt.amount)
        .bind(6, content)
        .bind(7, receipt.raw_xml)
        .bind(8, optionId)
        .bind(9, verdict)
        .bind(10, toMillis(now))
        .run();
  };
  // Kept even when refused (nothing paid is lost), then the fault.
  auto refuse = [&](std::optional<std::int64_t> optionId,
                    NoticeError e) -> Result<BookingResult, NoticeError> {
    if (auto r = keep(optionId, faultCode(e.fault)); !r) return fail(systemError(r.error()));
    if (auto c = tx->commit(); !c) return fail(systemError(c.error()));
    bump(impl_->receipts_refused);
    return fail(std::move(e));
  };

  if (receipt.fiscal_code != recipient) {
    // paSendRT goes to every EC of the transfer list; the notice is the other EC's to book.
    if (auto r = keep(std::nullopt, "copy"); !r) return fail(systemError(r.error()));
    if (auto c = tx->commit(); !c) return fail(systemError(c.error()));
    bump(impl_->receipts_copy);
    return BookingResult{Booking::copy, "", std::nullopt};
  }

  std::int64_t optionId = 0, positionId = 0;
  std::string iupd;
  {
    auto st = tx->prepare(
        "SELECT o.id, o.position_id, p.iupd FROM payment_option o JOIN debt_position p ON p.id = "
        "o.position_id"
        " WHERE o.organization = ? AND o.nav = ?");
    if (!st) return fail(systemError(st.error()));
    auto row = st->bind(1, recipient).bind(2, receipt.notice_number).step();
    if (!row) return fail(systemError(row.error()));
    if (!*row) {
      return refuse(std::nullopt,
                    noticeError(PaFault::unknown_notice,
                                "no notice " + receipt.notice_number + " for EC " + std::string(recipient)));
    }
    optionId = st->int64(0);
    positionId = st->int64(1);
    iupd = st->text(2);
    if (auto end = st->step(); !end) return fail(systemError(end.error()));
  }
  auto loaded = detail::loadPosition(*tx, recipient, iupd, now);
  if (!loaded) return fail(systemError(loaded.error()));
  if (!*loaded) return fail(noticeError(PaFault::system_error, "the notice's position vanished"));
  const DebtPosition& d = **loaded;
  const PaymentOption* op = d.option(receipt.notice_number);
  if (op == nullptr) return fail(noticeError(PaFault::system_error, "the notice's option vanished"));
  if (auto fault = payability(d, *op)) return refuse(optionId, std::move(*fault));
  if (receipt.amount != op->amount) {
    return refuse(optionId,
                  noticeError(PaFault::semantic, "paymentAmount " + std::to_string(receipt.amount) +
                                                     " cents, the notice is " + std::to_string(op->amount)));
  }
  if (!receipt.creditor_reference_id.empty() && receipt.creditor_reference_id != op->iuv) {
    return refuse(optionId,
                  noticeError(PaFault::semantic, "creditorReferenceId " + receipt.creditor_reference_id +
                                                     ", the notice's IUV is " + op->iuv));
  }

  // Book: the option is paid; the position is PAID when this was the whole debt or its last instalment.
  TimePoint paidAt = receipt.payment_date_time.value_or(now);
  auto upd = tx->prepare(
      "UPDATE payment_option SET status = 'PO_PAID', payment_date = ?, receipt_id = ?, psp_company = ? WHERE "
      "id = ?");
  if (!upd) return fail(systemError(upd.error()));
  auto r = upd->bind(1, toMillis(paidAt))
               .bind(2, receipt.receipt_id)
               .bind(3, receipt.psp_company_name)
               .bind(4, optionId)
               .run();
  if (!r) return fail(systemError(r.error()));
  bool whole = !op->is_partial_payment;
  if (!whole) {
    auto left = tx->prepare(
        "SELECT COUNT(*) FROM payment_option WHERE position_id = ? AND is_partial_payment = 1 AND status = "
        "'PO_UNPAID'");
    if (!left) return fail(systemError(left.error()));
    auto row = left->bind(1, positionId).step();
    if (!row) return fail(systemError(row.error()));
    whole = left->int64(0) == 0;
    if (auto end = left->step(); !end) return fail(systemError(end.error()));
  }
  PositionStatus status = whole ? PositionStatus::paid : PositionStatus::partially_paid;
  auto pupd =
      tx->prepare("UPDATE debt_position SET status = ?, payment_date = ?, updated_at = ? WHERE id = ?");
  if (!pupd) return fail(systemError(pupd.error()));
  std::optional<std::int64_t> positionPaidAt;
  if (whole) positionPaidAt = toMillis(paidAt);
  auto pr = pupd->bind(1, toString(status))
                .bind(2, positionPaidAt)
                .bind(3, toMillis(now))
                .bind(4, positionId)
                .run();
  if (!pr) return fail(systemError(pr.error()));
  if (auto s = keep(optionId, "booked"); !s) return fail(systemError(s.error()));
  if (auto c = tx->commit(); !c) return fail(systemError(c.error()));
  bump(impl_->receipts_booked);
  return BookingResult{Booking::booked, iupd, status};
}

Result<std::vector<StoredReceipt>, GpdError> DebtPositions::receipts(std::string_view recipient,
                                                                     std::size_t limit) {
  auto tx = impl_->db->read();
  if (!tx) return fail(detail::storageError(tx.error()));
  auto st = tx->prepare(
      "SELECT recipient, content, raw_xml, verdict, received_at FROM receipt"
      " WHERE (?1 = '' OR recipient = ?1) ORDER BY id DESC LIMIT ?2");
  if (!st) return fail(detail::storageError(st.error()));
  st->bind(1, recipient).bind(2, static_cast<std::int64_t>(limit));
  std::vector<StoredReceipt> out;
  for (;;) {
    auto row = st->step();
    if (!row) return fail(detail::storageError(row.error()));
    if (!*row) break;
    StoredReceipt s;
    s.recipient = st->text(0);
    s.receipt = fromContent(st->text(1));
    s.receipt.raw_xml = st->text(2);
    s.verdict = st->text(3);
    s.received_at = fromMillis(st->int64(4));
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace sportello::comune
