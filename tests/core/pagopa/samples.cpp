#include "tests/core/pagopa/samples.hpp"

#include "core/pagopa/notice.hpp"

namespace sportello::pagopa::samples {

namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

constexpr Date kDue{year{2026}, month{6}, day{30}};

Subject debtor(bool full) {
  Subject s;
  s.entity_type = EntityType::physical_person;
  s.entity_id = "RSSMRA80A01H501U";
  s.full_name = "Mario Rossi";
  if (full) {
    s.street_name = "Via del Corso";
    s.civic_number = "12/B";
    s.postal_code = "00186";
    s.city = "Roma";
    s.state_province_region = "RM";
    s.country = "IT";
    s.email = "mario.rossi@example.it";
  }
  return s;
}

Subject payer() {
  Subject s;
  s.entity_type = EntityType::legal_person;
  s.entity_id = "01234567890";
  s.full_name = "Caffè Ça Va S.r.l.";  // not ASCII: lengths count characters
  return s;
}

Metadata metadata(bool full) {
  if (!full) return {};
  return {{"anno", "2026"}, {"tributo", "TARI"}};
}

QrCode qr() {
  return QrCode{kFiscalCode, noticeNumber()};
}

PspCredentials credentials() {
  return PspCredentials{"BCITITMM", "00799960158", "00799960158_01", "secret-pw1"};
}

FaultBean ecFault() {
  FaultBean f = makeFault(fault::paa_pagamento_sconosciuto, kFiscalCode, "the notice is not in the archive");
  return f;
}

// 123.45 = 100.00 + 23.45: the transfers always sum to the amount.
constexpr std::int64_t kAmount = 12345;
constexpr std::int64_t kFirst = 10000;
constexpr std::int64_t kSecond = 2345;

std::vector<TransferPa> transfersPa(bool full) {
  TransferPa a{1,
               full ? kFirst : kAmount,
               kFiscalCode,
               "IT60X0542811101000000123456",
               "TARI 2026 rata unica",
               "9/0101100IM/",
               metadata(full)};
  if (!full) return {a};
  TransferPa b{
      2, kSecond, "01199250158", "IT20W0300203280294617835581", "Tributo provinciale TEFA", "9/0101108TS/",
      {}};
  return {a, b};
}

std::vector<TransferPaV2> transfersPaV2(bool full) {
  TransferPaV2 a;
  a.id_transfer = 1;
  a.transfer_amount = full ? kFirst : kAmount;
  a.fiscal_code_pa = kFiscalCode;
  a.account = Iban{"IT60X0542811101000000123456"};
  a.remittance_information = "TARI 2026 rata unica";
  a.transfer_category = "9/0101100IM/";
  if (!full) return {a};
  a.company_name = "Comune di Esempio";
  a.metadata = metadata(true);
  TransferPaV2 b;
  b.id_transfer = 2;
  b.transfer_amount = kSecond;
  b.fiscal_code_pa = kFiscalCode;
  b.account = RichiestaMarcaDaBollo{"ZmFrZS1kb2N1bWVudC1oYXNo", "01", "RM"};
  b.remittance_information = "Marca da bollo";
  b.transfer_category = "9/0301116TS/9/24B0060000000017";
  return {a, b};
}

std::vector<TransferPaReceiptV2> transfersReceiptV2(bool full) {
  TransferPaReceiptV2 a;
  a.id_transfer = 1;
  a.transfer_amount = full ? kFirst : kAmount;
  a.fiscal_code_pa = kFiscalCode;
  a.account = Iban{"IT60X0542811101000000123456"};
  a.remittance_information = "TARI 2026 rata unica";
  a.transfer_category = "9/0101100IM/";
  if (!full) return {a};
  a.company_name = "Comune di Esempio";
  a.metadata = metadata(true);
  TransferPaReceiptV2 b;
  b.id_transfer = 2;
  b.transfer_amount = kSecond;
  b.fiscal_code_pa = kFiscalCode;
  b.account = MbdAttachment{"PG1hcmNhRGFCb2xsbz48L21hcmNhRGFCb2xsbz4="};
  b.remittance_information = "Marca da bollo";
  b.transfer_category = "9/0301116TS/9/24B0060000000017";
  return {a, b};
}

template <class R>
void fillReceiptCommon(R& r, bool full) {
  r.receipt_id = "c110729d258c4ab1b765fe902aae41d6";
  r.notice_number = noticeNumber();
  r.fiscal_code = kFiscalCode;
  r.outcome = Outcome::ok;
  r.creditor_reference_id = noticeNumber().substr(1);
  r.payment_amount = kAmount;
  r.description = "TARI 2026";
  r.company_name = "Comune di Esempio";
  r.debtor = debtor(full);
  r.id_psp = "BCITITMM";
  r.psp_company_name = "Banca di Esempio";
  r.id_channel = "00799960158_01";
  r.channel_description = "app";
  if (!full) return;
  r.office_name = "Ufficio Tributi";
  r.psp_fiscal_code = "00799960158";
  r.psp_partita_iva = "00799960158";
  r.payer = payer();
  r.payment_method = "creditCard";
  r.fee = 150;
  r.payment_date_time = DateTime{local_days{kDue} + 10h + 15min + 30s + 123ms, std::nullopt};
  r.application_date = kDue;
  r.transfer_date = Date{year{2026}, month{7}, day{1}};
  r.metadata = metadata(true);
  r.stand_in = false;
}

template <class M>
void fillGetPaymentRequest(M& m, bool full) {
  m = M{};
  m.id_pa = kFiscalCode;
  m.id_broker_pa = kFiscalCode;
  m.id_station = "77777777777_01";
  m.qr_code = qr();
  if (!full) return;
  m.amount = kAmount;
  m.payment_note = "Pagamento TARI";
  m.transfer_type = TransferType::postal;
  m.due_date = kDue;
}

template <class P>
void fillPaymentCommon(P& p, bool full) {
  p.creditor_reference_id = noticeNumber().substr(1);
  p.payment_amount = kAmount;
  p.due_date = kDue;
  p.description = "TARI 2026";
  p.debtor = debtor(full);
  p.metadata = metadata(full);
  if (!full) return;
  p.retention_date =
      DateTime{local_days{Date{year{2026}, month{12}, day{31}}} + 23h + 59min + 59s, minutes{60}};
  p.last_payment = true;
  p.office_name = "Ufficio Tributi";
}

template <class M>
void fillActivateHead(M& m, bool full) {
  m.credentials = credentials();
  m.qr_code = qr();
  m.amount = kAmount;
  if (!full) return;
  m.idempotency_key = "BCITITMM_a1b2c3d4e5";
  m.expiration_time = 1'800'000ms;
  m.due_date = kDue;
  m.payment_note = "Pagamento TARI";
}

OutcomeDetails details(bool full) {
  OutcomeDetails d;
  d.payment_method = PaymentMethod::credit_card;
  d.fee = 150;
  d.application_date = kDue;
  d.transfer_date = kDue;
  if (full) {
    d.payment_channel = PaymentChannel::on_line;
    d.payer = payer();
  }
  return d;
}

template <class M>
void fillHead(M& m, bool full) {
  m = M{};
  m.outcome = Outcome::ok;
  if (full) {
    m.outcome = Outcome::ko;
    m.fault = ecFault();
  }
}

}  // namespace

std::string noticeNumber() {
  return makeNoticeNumber(3, 1, "0000000000001")->digits;
}

// ---- paForNode ----

void fill(PaVerifyPaymentNoticeReq& m, bool) {
  m = {};
  m.id_pa = kFiscalCode;
  m.id_broker_pa = kFiscalCode;
  m.id_station = "77777777777_01";
  m.qr_code = qr();
}

void fill(PaVerifyPaymentNoticeRes& m, bool full) {
  m = {};
  m.outcome = Outcome::ok;
  if (!full) return;
  m.payment_list = PaymentOptionDescriptionPa{kAmount, AmountOption::eq, kDue, "TARI 2026 rata unica", true};
  m.payment_description = "TARI 2026";
  m.fiscal_code_pa = kFiscalCode;
  m.company_name = "Comune di Esempio";
  m.office_name = "Ufficio Tributi";
}

void fill(PaGetPaymentReq& m, bool full) {
  fillGetPaymentRequest(m, full);
}
void fill(PaGetPaymentV2Request& m, bool full) {
  fillGetPaymentRequest(m, full);
}

void fill(PaGetPaymentRes& m, bool full) {
  m = {};
  m.outcome = Outcome::ok;
  PaymentPa p;
  fillPaymentCommon(p, full);
  p.transfer_list = transfersPa(full);
  if (full) p.company_name = "Comune di Esempio";
  m.data = p;
}

void fill(PaGetPaymentV2Response& m, bool full) {
  m = {};
  m.outcome = Outcome::ok;
  PaymentPaV2 p;
  fillPaymentCommon(p, full);
  p.company_name = "Comune di Esempio";
  p.transfer_list = transfersPaV2(full);
  m.data = p;
}

void fill(PaSendRTReq& m, bool full) {
  m = {};
  m.id_pa = kFiscalCode;
  m.id_broker_pa = kFiscalCode;
  m.id_station = "77777777777_01";
  fillReceiptCommon(m.receipt, full);
  m.receipt.transfer_list = transfersPa(full);
}

void fill(PaSendRTV2Request& m, bool full) {
  m = {};
  m.id_pa = kFiscalCode;
  m.id_broker_pa = kFiscalCode;
  m.id_station = "77777777777_01";
  fillReceiptCommon(m.receipt, full);
  m.receipt.transfer_list = transfersReceiptV2(full);
  if (full) {
    m.receipt.payment_note = "Pagamento TARI";
    m.receipt.primary_ci_incurred_fee = 50;
    m.receipt.id_bundle = "bundle-1";
    m.receipt.id_ci_bundle = "ci-bundle-1";
  }
}

void fill(PaSendRTRes& m, bool full) {
  fillHead(m, full);
}
void fill(PaSendRTV2Response& m, bool full) {
  fillHead(m, full);
}

// ---- nodeForPsp ----

void fill(VerifyPaymentNoticeReq& m, bool) {
  m = {};
  m.credentials = credentials();
  m.qr_code = qr();
}

void fill(VerifyPaymentNoticeRes& m, bool full) {
  m = {};
  m.outcome = Outcome::ok;
  if (!full) return;
  m.payment_list = {PaymentOptionDescription{kAmount, AmountOption::eq, kDue, "Rata unica"},
                    PaymentOptionDescription{1, AmountOption::any, std::nullopt, std::nullopt}};
  m.payment_description = "TARI 2026";
  m.fiscal_code_pa = kFiscalCode;
  m.company_name = "Comune di Esempio";
  m.office_name = "Ufficio Tributi";
  m.standin = false;
}

void fill(ActivatePaymentNoticeReq& m, bool full) {
  m = {};
  fillActivateHead(m, full);
}

void fill(ActivatePaymentNoticeV2Request& m, bool full) {
  m = {};
  fillActivateHead(m, full);
  if (full) {
    m.payment_method = PaymentMethodFee::cp;
    m.touch_point = TouchPoint::checkout;
  }
}

void fill(ActivatePaymentNoticeRes& m, bool full) {
  m = {};
  m.outcome = Outcome::ok;
  if (!full) return;
  m.total_amount = kAmount;
  m.payment_description = "TARI 2026";
  m.fiscal_code_pa = kFiscalCode;
  m.company_name = "Comune di Esempio";
  m.office_name = "Ufficio Tributi";
  m.payment_token = "7d8b6c2a1f3e4d5c9b8a7f6e5d4c3b2a";
  m.transfer_list = {
      TransferPsp{1, kFirst, kFiscalCode, "IT60X0542811101000000123456", "TARI 2026", metadata(true)},
      TransferPsp{2, kSecond, "01199250158", "IT20W0300203280294617835581", "TEFA", {}}};
  m.creditor_reference_id = noticeNumber().substr(1);
  m.standin = true;
}

void fill(ActivatePaymentNoticeV2Response& m, bool full) {
  m = {};
  m.outcome = Outcome::ok;
  if (!full) return;
  m.total_amount = kAmount;
  m.payment_description = "TARI 2026";
  m.fiscal_code_pa = kFiscalCode;
  m.company_name = "Comune di Esempio";
  m.office_name = "Ufficio Tributi";
  m.payment_token = "7d8b6c2a1f3e4d5c9b8a7f6e5d4c3b2a";
  TransferPspV2 a;
  a.id_transfer = 1;
  a.transfer_amount = kFirst;
  a.fiscal_code_pa = kFiscalCode;
  a.company_name = "Comune di Esempio";
  a.account = Iban{"IT60X0542811101000000123456"};
  a.remittance_information = "TARI 2026";
  a.transfer_category = "9/0101100IM/";
  a.metadata = metadata(true);
  TransferPspV2 b;
  b.id_transfer = 2;
  b.transfer_amount = kSecond - 45;
  b.fiscal_code_pa = kFiscalCode;
  b.account = RichiestaMarcaDaBollo{"ZmFrZS1kb2N1bWVudC1oYXNo", "01", "MI"};
  b.remittance_information = "Marca da bollo";
  TransferPspV2 c;  // neither IBAN nor stamp: the choice is optional here
  c.id_transfer = 3;
  c.transfer_amount = 45;
  c.fiscal_code_pa = "01199250158";
  c.remittance_information = "TEFA";
  m.transfer_list = {a, b, c};
  m.metadata = metadata(true);
  m.creditor_reference_id = noticeNumber().substr(1);
  m.suggested_user_fee = 100;
  m.suggested_pa_fee = 50;
  m.suggested_id_bundle = "bundle-1";
  m.suggested_id_ci_bundle = "ci-bundle-1";
  m.all_ccp = false;
  m.standin = false;
}

void fill(SendPaymentOutcomeReq& m, bool full) {
  m = {};
  m.credentials = credentials();
  m.payment_token = "7d8b6c2a1f3e4d5c9b8a7f6e5d4c3b2a";
  m.outcome = Outcome::ok;
  if (!full) return;
  m.idempotency_key = "BCITITMM_a1b2c3d4e5";
  m.details = details(true);
}

void fill(SendPaymentOutcomeV2Request& m, bool full) {
  m = {};
  m.credentials = credentials();
  m.payment_tokens = {"7d8b6c2a1f3e4d5c9b8a7f6e5d4c3b2a"};
  m.outcome = Outcome::ok;
  if (!full) return;
  m.idempotency_key = "BCITITMM_a1b2c3d4e5";
  m.payment_tokens.push_back("token-2");
  OutcomeDetailsV2 d;
  d.payment_method = PaymentMethod::bancomat;
  d.payment_channel = PaymentChannel::atm;
  d.fee = 0;
  d.primary_ci_incurred_fee = 25;
  d.id_bundle = "bundle-1";
  d.id_ci_bundle = "ci-bundle-1";
  d.payer = debtor(true);
  d.application_date = kDue;
  d.transfer_date = kDue;
  d.marche_da_bollo = {MarcaDaBollo{"token-2", 2, "PG1hcmNhRGFCb2xsbz48L21hcmNhRGFCb2xsbz4="}};
  m.details = d;
}

void fill(SendPaymentOutcomeRes& m, bool full) {
  fillHead(m, full);
}
void fill(SendPaymentOutcomeV2Response& m, bool full) {
  fillHead(m, full);
  if (full) m.fault = faultFromEc(ecFault());
}

}  // namespace sportello::pagopa::samples
