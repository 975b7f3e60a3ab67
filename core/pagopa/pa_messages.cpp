// paForNode (wsdl/xsd/paForNode.xsd): the messages between the node and an EC's station.
#include <type_traits>
#include <utility>

#include "core/pagopa/codec.hpp"

namespace sportello::pagopa::detail {

namespace {

// ---- Requests: idPA, idBrokerPA, idStation first ----

template <class M>
void readStation(Sequence& s, M& m) {
  m.id_pa = s.string("idPA", kText35);
  m.id_broker_pa = s.string("idBrokerPA", kText35);
  m.id_station = s.string("idStation", kText35);
}

template <class M>
void writeStation(xmlNodePtr p, const M& m) {
  put(p, "idPA", m.id_pa);
  put(p, "idBrokerPA", m.id_broker_pa);
  put(p, "idStation", m.id_station);
}

// paGetPaymentReq and paGetPaymentV2Request have the same content.
template <class M>
M readGetPaymentRequest(ReadContext& cx, const xmlNode* n, const std::string& path) {
  Sequence s(
      cx, n, path,
      {"idPA", "idBrokerPA", "idStation", "qrCode", "amount", "paymentNote", "transferType", "dueDate"});
  M m;
  readStation(s, m);
  m.qr_code = s.complex("qrCode", readQrCode);
  m.amount = s.optAmount("amount", AmountType::amount);
  m.payment_note = s.optString("paymentNote", kText210);
  m.transfer_type = s.optEnumeration("transferType", kTransferTypes);
  m.due_date = s.optDate("dueDate");
  s.finish();
  return m;
}

template <class M>
void writeGetPaymentRequest(xmlNodePtr p, const M& m) {
  writeStation(p, m);
  writeQrCode(p, "qrCode", m.qr_code);
  putOptAmount(p, "amount", m.amount);
  putOpt(p, "paymentNote", m.payment_note);
  putOptEnum(p, "transferType", kTransferTypes, m.transfer_type);
  putOptDate(p, "dueDate", m.due_date);
}

// ---- Responses that are only a ctResponse (paSendRTRes, paSendRTV2Response) ----

// ---- Verify ----

PaymentOptionDescriptionPa readOptionPa(ReadContext& cx, const xmlNode* n, const std::string& path) {
  Sequence s(cx, n, path, {"amount", "options", "dueDate", "detailDescription", "allCCP"});
  PaymentOptionDescriptionPa o;
  o.amount = s.amount("amount", AmountType::not_zero);
  o.options = s.enumeration("options", kAmountOptions);
  o.due_date = s.optDate("dueDate");
  o.detail_description = s.optString("detailDescription", kText140);
  o.all_ccp = s.boolean("allCCP");
  s.finish();
  return o;
}

PaymentOptionDescriptionPa readPaymentListPa(ReadContext& cx, const xmlNode* n, const std::string& path) {
  Sequence s(cx, n, path, {"paymentOptionDescription"});
  auto o = s.complex("paymentOptionDescription", readOptionPa);
  s.finish();
  return o;
}

// ---- Transfers ----

TransferPa readTransferPa(ReadContext& cx, const xmlNode* n, const std::string& path) {
  Sequence s(cx, n, path,
             {"idTransfer", "transferAmount", "fiscalCodePA", "IBAN", "remittanceInformation",
              "transferCategory", "metadata"});
  TransferPa t;
  t.id_transfer = s.idTransfer("idTransfer");
  t.transfer_amount = s.amount("transferAmount", AmountType::not_zero);
  t.fiscal_code_pa = s.string("fiscalCodePA", kFiscalCodePa);
  t.iban = s.string("IBAN", kText35);
  t.remittance_information = s.string("remittanceInformation", kText140);
  t.transfer_category = s.string("transferCategory", kText140);
  if (auto md = s.optComplex("metadata", readMetadata)) t.metadata = std::move(*md);
  s.finish();
  return t;
}

void writeTransferPa(xmlNodePtr list, const TransferPa& t) {
  xmlNodePtr e = element(list, "transfer");
  putInt(e, "idTransfer", t.id_transfer);
  putAmount(e, "transferAmount", t.transfer_amount);
  put(e, "fiscalCodePA", t.fiscal_code_pa);
  put(e, "IBAN", t.iban);
  put(e, "remittanceInformation", t.remittance_information);
  put(e, "transferCategory", t.transfer_category);
  writeMetadata(e, "metadata", t.metadata);
}

// IBAN | <alternative>, an xsd:choice of exactly one.
template <class Alternative, class ReadAlternative>
std::variant<Iban, Alternative> readAccount(Sequence& s, std::string_view alternativeName,
                                            ReadAlternative readAlt) {
  auto iban = s.optString("IBAN", kText35);
  auto alt = s.optComplex(alternativeName, readAlt);
  if (iban && alt) {
    s.context().syntax(s.path(alternativeName), "<IBAN> and <" + std::string(alternativeName) +
                                                    "> are alternatives: only one may appear");
  } else if (!iban && !alt && !s.context().failed()) {
    s.context().syntax(s.path("IBAN"), "one of <IBAN> or <" + std::string(alternativeName) + "> is required");
  }
  if (alt) return std::move(*alt);
  return Iban{iban.value_or("")};
}

TransferPaV2 readTransferPaV2(ReadContext& cx, const xmlNode* n, const std::string& path) {
  Sequence s(cx, n, path,
             {"idTransfer", "transferAmount", "fiscalCodePA", "companyName", "IBAN", "richiestaMarcaDaBollo",
              "remittanceInformation", "transferCategory", "metadata"});
  TransferPaV2 t;
  t.id_transfer = s.idTransfer("idTransfer");
  t.transfer_amount = s.amount("transferAmount", AmountType::not_zero);
  t.fiscal_code_pa = s.string("fiscalCodePA", kFiscalCodePa);
  t.company_name = s.optString("companyName", kText140);
  t.account = readAccount<RichiestaMarcaDaBollo>(s, "richiestaMarcaDaBollo", readRichiestaMarcaDaBollo);
  t.remittance_information = s.string("remittanceInformation", kText140);
  t.transfer_category = s.string("transferCategory", kText140);
  if (auto md = s.optComplex("metadata", readMetadata)) t.metadata = std::move(*md);
  s.finish();
  return t;
}

void writeTransferPaV2(xmlNodePtr list, const TransferPaV2& t) {
  xmlNodePtr e = element(list, "transfer");
  putInt(e, "idTransfer", t.id_transfer);
  putAmount(e, "transferAmount", t.transfer_amount);
  put(e, "fiscalCodePA", t.fiscal_code_pa);
  putOpt(e, "companyName", t.company_name);
  if (const auto* iban = std::get_if<Iban>(&t.account)) {
    put(e, "IBAN", iban->code);
  } else {
    writeRichiestaMarcaDaBollo(e, "richiestaMarcaDaBollo", std::get<RichiestaMarcaDaBollo>(t.account));
  }
  put(e, "remittanceInformation", t.remittance_information);
  put(e, "transferCategory", t.transfer_category);
  writeMetadata(e, "metadata", t.metadata);
}

MbdAttachment readMbdAttachment(ReadContext& cx, const xmlNode* n, const std::string& path) {
  return MbdAttachment{readString(cx, n, path, kBase64Binary).value_or("")};
}

TransferPaReceiptV2 readTransferPaReceiptV2(ReadContext& cx, const xmlNode* n, const std::string& path) {
  Sequence s(cx, n, path,
             {"idTransfer", "transferAmount", "fiscalCodePA", "companyName", "IBAN", "MBDAttachment",
              "remittanceInformation", "transferCategory", "metadata"});
  TransferPaReceiptV2 t;
  t.id_transfer = s.idTransfer("idTransfer");
  t.transfer_amount = s.amount("transferAmount", AmountType::not_zero);
  t.fiscal_code_pa = s.string("fiscalCodePA", kFiscalCodePa);
  t.company_name = s.optString("companyName", kText140);
  t.account = readAccount<MbdAttachment>(s, "MBDAttachment", readMbdAttachment);
  t.remittance_information = s.string("remittanceInformation", kText140);
  t.transfer_category = s.string("transferCategory", kText140);
  if (auto md = s.optComplex("metadata", readMetadata)) t.metadata = std::move(*md);
  s.finish();
  return t;
}

void writeTransferPaReceiptV2(xmlNodePtr list, const TransferPaReceiptV2& t) {
  xmlNodePtr e = element(list, "transfer");
  putInt(e, "idTransfer", t.id_transfer);
  putAmount(e, "transferAmount", t.transfer_amount);
  put(e, "fiscalCodePA", t.fiscal_code_pa);
  putOpt(e, "companyName", t.company_name);
  if (const auto* iban = std::get_if<Iban>(&t.account)) {
    put(e, "IBAN", iban->code);
  } else {
    put(e, "MBDAttachment", std::get<MbdAttachment>(t.account).base64);
  }
  put(e, "remittanceInformation", t.remittance_information);
  put(e, "transferCategory", t.transfer_category);
  writeMetadata(e, "metadata", t.metadata);
}

template <class Transfer>
auto transferListReader(Transfer (*readOne)(ReadContext&, const xmlNode*, const std::string&)) {
  return [readOne](ReadContext& cx, const xmlNode* n, const std::string& path) {
    Sequence s(cx, n, path, {"transfer"});
    auto list = s.list("transfer", 1, 5, readOne);
    s.finish();
    return list;
  };
}

template <class Transfer>
void writeTransferList(xmlNodePtr parent, const std::vector<Transfer>& list,
                       void (*writeOne)(xmlNodePtr, const Transfer&)) {
  xmlNodePtr e = element(parent, "transferList");
  for (const auto& t : list) writeOne(e, t);
}

// ---- Payment data (paGetPayment responses) ----

PaymentPa readPaymentPa(ReadContext& cx, const xmlNode* n, const std::string& path) {
  Sequence s(cx, n, path,
             {"creditorReferenceId", "paymentAmount", "dueDate", "retentionDate", "lastPayment",
              "description", "companyName", "officeName", "debtor", "transferList", "metadata"});
  PaymentPa p;
  p.creditor_reference_id = s.string("creditorReferenceId", kText35);
  p.payment_amount = s.amount("paymentAmount", AmountType::not_zero);
  p.due_date = s.date("dueDate");
  p.retention_date = s.optDateTime("retentionDate");
  p.last_payment = s.optBoolean("lastPayment");
  p.description = s.string("description", kText140);
  p.company_name = s.optString("companyName", kText140);
  p.office_name = s.optString("officeName", kText140);
  p.debtor = s.complex("debtor", readSubject);
  p.transfer_list = s.complex("transferList", transferListReader(readTransferPa));
  if (auto md = s.optComplex("metadata", readMetadata)) p.metadata = std::move(*md);
  s.finish();
  return p;
}

PaymentPaV2 readPaymentPaV2(ReadContext& cx, const xmlNode* n, const std::string& path) {
  Sequence s(cx, n, path,
             {"creditorReferenceId", "paymentAmount", "dueDate", "retentionDate", "lastPayment",
              "description", "companyName", "officeName", "debtor", "transferList", "metadata"});
  PaymentPaV2 p;
  p.creditor_reference_id = s.string("creditorReferenceId", kText35);
  p.payment_amount = s.amount("paymentAmount", AmountType::not_zero);
  p.due_date = s.date("dueDate");
  p.retention_date = s.optDateTime("retentionDate");
  p.last_payment = s.optBoolean("lastPayment");
  p.description = s.string("description", kText140);
  p.company_name = s.string("companyName", kText140);
  p.office_name = s.optString("officeName", kText140);
  p.debtor = s.complex("debtor", readSubject);
  p.transfer_list = s.complex("transferList", transferListReader(readTransferPaV2));
  if (auto md = s.optComplex("metadata", readMetadata)) p.metadata = std::move(*md);
  s.finish();
  return p;
}

// The members both versions share, written in the XSD's order; `companyName` is optional in V1 only.
template <class Payment, class Transfer>
void writePayment(xmlNodePtr parent, const Payment& p, void (*writeOne)(xmlNodePtr, const Transfer&)) {
  xmlNodePtr e = element(parent, "data");
  put(e, "creditorReferenceId", p.creditor_reference_id);
  putAmount(e, "paymentAmount", p.payment_amount);
  putDate(e, "dueDate", p.due_date);
  putOptDateTime(e, "retentionDate", p.retention_date);
  putOptBool(e, "lastPayment", p.last_payment);
  put(e, "description", p.description);
  if constexpr (std::is_same_v<std::remove_cvref_t<decltype(p.company_name)>, std::string>) {
    put(e, "companyName", p.company_name);
  } else {
    putOpt(e, "companyName", p.company_name);
  }
  putOpt(e, "officeName", p.office_name);
  writeSubject(e, "debtor", p.debtor);
  writeTransferList(e, p.transfer_list, writeOne);
  writeMetadata(e, "metadata", p.metadata);
}

// ---- Receipts (paSendRT) ----

// The receipt members up to and including paymentMethod are the same in both versions.
template <class R, class Transfer>
void readReceiptHead(Sequence& s, R& r,
                     Transfer (*readOne)(ReadContext&, const xmlNode*, const std::string&)) {
  r.receipt_id = s.string("receiptId", kString);
  r.notice_number = s.string("noticeNumber", kNoticeNumber);
  r.fiscal_code = s.string("fiscalCode", kFiscalCodePa);
  r.outcome = s.enumeration("outcome", kOutcomes);
  r.creditor_reference_id = s.string("creditorReferenceId", kText35);
  r.payment_amount = s.amount("paymentAmount", AmountType::amount);
  r.description = s.string("description", kText140);
  r.company_name = s.string("companyName", kText140);
  r.office_name = s.optString("officeName", kText140);
  r.debtor = s.complex("debtor", readSubject);
  r.transfer_list = s.complex("transferList", transferListReader(readOne));
  r.id_psp = s.string("idPSP", kText35);
  r.psp_fiscal_code = s.optString("pspFiscalCode", kText70);
  r.psp_partita_iva = s.optString("pspPartitaIVA", kText20);
  r.psp_company_name = s.string("PSPCompanyName", kText70);
  r.id_channel = s.string("idChannel", kText35);
  r.channel_description = s.string("channelDescription", kText35);
  r.payer = s.optComplex("payer", readSubject);
  r.payment_method = s.optString("paymentMethod", kText35);
}

template <class R, class Transfer>
void writeReceiptHead(xmlNodePtr e, const R& r, void (*writeOne)(xmlNodePtr, const Transfer&)) {
  put(e, "receiptId", r.receipt_id);
  put(e, "noticeNumber", r.notice_number);
  put(e, "fiscalCode", r.fiscal_code);
  putEnum(e, "outcome", kOutcomes, r.outcome);
  put(e, "creditorReferenceId", r.creditor_reference_id);
  putAmount(e, "paymentAmount", r.payment_amount);
  put(e, "description", r.description);
  put(e, "companyName", r.company_name);
  putOpt(e, "officeName", r.office_name);
  writeSubject(e, "debtor", r.debtor);
  writeTransferList(e, r.transfer_list, writeOne);
  put(e, "idPSP", r.id_psp);
  putOpt(e, "pspFiscalCode", r.psp_fiscal_code);
  putOpt(e, "pspPartitaIVA", r.psp_partita_iva);
  put(e, "PSPCompanyName", r.psp_company_name);
  put(e, "idChannel", r.id_channel);
  put(e, "channelDescription", r.channel_description);
  if (r.payer) writeSubject(e, "payer", *r.payer);
  putOpt(e, "paymentMethod", r.payment_method);
}

Receipt readReceipt(ReadContext& cx, const xmlNode* n, const std::string& path) {
  Sequence s(cx, n, path,
             {"receiptId",
              "noticeNumber",
              "fiscalCode",
              "outcome",
              "creditorReferenceId",
              "paymentAmount",
              "description",
              "companyName",
              "officeName",
              "debtor",
              "transferList",
              "idPSP",
              "pspFiscalCode",
              "pspPartitaIVA",
              "PSPCompanyName",
              "idChannel",
              "channelDescription",
              "payer",
              "paymentMethod",
              "fee",
              "paymentDateTime",
              "applicationDate",
              "transferDate",
              "metadata",
              "standIn"});
  Receipt r;
  readReceiptHead(s, r, readTransferPa);
  r.fee = s.optAmount("fee", AmountType::amount);
  r.payment_date_time = s.optDateTime("paymentDateTime");
  r.application_date = s.optDate("applicationDate");
  r.transfer_date = s.optDate("transferDate");
  if (auto md = s.optComplex("metadata", readMetadata)) r.metadata = std::move(*md);
  r.stand_in = s.optBoolean("standIn");
  s.finish();
  return r;
}

ReceiptV2 readReceiptV2(ReadContext& cx, const xmlNode* n, const std::string& path) {
  Sequence s(cx, n, path,
             {"receiptId",
              "noticeNumber",
              "fiscalCode",
              "outcome",
              "creditorReferenceId",
              "paymentAmount",
              "description",
              "companyName",
              "officeName",
              "debtor",
              "transferList",
              "idPSP",
              "pspFiscalCode",
              "pspPartitaIVA",
              "PSPCompanyName",
              "idChannel",
              "channelDescription",
              "payer",
              "paymentMethod",
              "paymentNote",
              "fee",
              "primaryCiIncurredFee",
              "idBundle",
              "idCiBundle",
              "paymentDateTime",
              "applicationDate",
              "transferDate",
              "metadata",
              "standIn"});
  ReceiptV2 r;
  readReceiptHead(s, r, readTransferPaReceiptV2);
  r.payment_note = s.optString("paymentNote", kText210);
  r.fee = s.optAmount("fee", AmountType::amount);
  r.primary_ci_incurred_fee = s.optAmount("primaryCiIncurredFee", AmountType::amount);
  r.id_bundle = s.optString("idBundle", kText70);
  r.id_ci_bundle = s.optString("idCiBundle", kText70);
  r.payment_date_time = s.optDateTime("paymentDateTime");
  r.application_date = s.optDate("applicationDate");
  r.transfer_date = s.optDate("transferDate");
  if (auto md = s.optComplex("metadata", readMetadata)) r.metadata = std::move(*md);
  r.stand_in = s.optBoolean("standIn");
  s.finish();
  return r;
}

void writeReceipt(xmlNodePtr parent, const Receipt& r) {
  xmlNodePtr e = element(parent, "receipt");
  writeReceiptHead(e, r, writeTransferPa);
  putOptAmount(e, "fee", r.fee);
  putOptDateTime(e, "paymentDateTime", r.payment_date_time);
  putOptDate(e, "applicationDate", r.application_date);
  putOptDate(e, "transferDate", r.transfer_date);
  writeMetadata(e, "metadata", r.metadata);
  putOptBool(e, "standIn", r.stand_in);
}

void writeReceiptV2(xmlNodePtr parent, const ReceiptV2& r) {
  xmlNodePtr e = element(parent, "receipt");
  writeReceiptHead(e, r, writeTransferPaReceiptV2);
  putOpt(e, "paymentNote", r.payment_note);
  putOptAmount(e, "fee", r.fee);
  putOptAmount(e, "primaryCiIncurredFee", r.primary_ci_incurred_fee);
  putOpt(e, "idBundle", r.id_bundle);
  putOpt(e, "idCiBundle", r.id_ci_bundle);
  putOptDateTime(e, "paymentDateTime", r.payment_date_time);
  putOptDate(e, "applicationDate", r.application_date);
  putOptDate(e, "transferDate", r.transfer_date);
  writeMetadata(e, "metadata", r.metadata);
  putOptBool(e, "standIn", r.stand_in);
}

template <class R>
void checkReceipt(ReadContext& cx, const R& r, const std::string& path) {
  checkNoticeNumber(cx, path + "/noticeNumber", r.notice_number);
  checkTransfers(cx, path + "/transferList", r.transfer_list, r.payment_amount, "paymentAmount");
}

}  // namespace

// ---- The codecs ----

template <>
struct Codec<PaVerifyPaymentNoticeReq> {
  static PaVerifyPaymentNoticeReq read(ReadContext& cx, const xmlNode* n, const std::string& path) {
    Sequence s(cx, n, path, {"idPA", "idBrokerPA", "idStation", "qrCode"});
    PaVerifyPaymentNoticeReq m;
    readStation(s, m);
    m.qr_code = s.complex("qrCode", readQrCode);
    s.finish();
    return m;
  }
  static void check(ReadContext& cx, const PaVerifyPaymentNoticeReq& m, const std::string& path) {
    checkNoticeNumber(cx, path + "/qrCode/noticeNumber", m.qr_code.notice_number);
  }
  static void write(xmlNodePtr p, const PaVerifyPaymentNoticeReq& m) {
    writeStation(p, m);
    writeQrCode(p, "qrCode", m.qr_code);
  }
};

template <>
struct Codec<PaVerifyPaymentNoticeRes> {
  static PaVerifyPaymentNoticeRes read(ReadContext& cx, const xmlNode* n, const std::string& path) {
    Sequence s(cx, n, path,
               {"outcome", "fault", "paymentList", "paymentDescription", "fiscalCodePA", "companyName",
                "officeName"});
    PaVerifyPaymentNoticeRes m;
    readResponseHead(s, m.outcome, m.fault);
    m.payment_list = s.optComplex("paymentList", readPaymentListPa);
    m.payment_description = s.optString("paymentDescription", kText140);
    m.fiscal_code_pa = s.optString("fiscalCodePA", kFiscalCodePa);
    m.company_name = s.optString("companyName", kText140);
    m.office_name = s.optString("officeName", kText140);
    s.finish();
    return m;
  }
  static void check(ReadContext&, const PaVerifyPaymentNoticeRes&, const std::string&) {}
  static void write(xmlNodePtr p, const PaVerifyPaymentNoticeRes& m) {
    writeResponseHead(p, m.outcome, m.fault);
    if (m.payment_list) {
      xmlNodePtr list = element(p, "paymentList");
      xmlNodePtr o = element(list, "paymentOptionDescription");
      putAmount(o, "amount", m.payment_list->amount);
      putEnum(o, "options", kAmountOptions, m.payment_list->options);
      putOptDate(o, "dueDate", m.payment_list->due_date);
      putOpt(o, "detailDescription", m.payment_list->detail_description);
      putBool(o, "allCCP", m.payment_list->all_ccp);
    }
    putOpt(p, "paymentDescription", m.payment_description);
    putOpt(p, "fiscalCodePA", m.fiscal_code_pa);
    putOpt(p, "companyName", m.company_name);
    putOpt(p, "officeName", m.office_name);
  }
};

template <class M>
struct GetPaymentRequestCodec {
  static M read(ReadContext& cx, const xmlNode* n, const std::string& path) {
    return readGetPaymentRequest<M>(cx, n, path);
  }
  static void check(ReadContext& cx, const M& m, const std::string& path) {
    checkNoticeNumber(cx, path + "/qrCode/noticeNumber", m.qr_code.notice_number);
  }
  static void write(xmlNodePtr p, const M& m) { writeGetPaymentRequest(p, m); }
};
template <>
struct Codec<PaGetPaymentReq> : GetPaymentRequestCodec<PaGetPaymentReq> {};
template <>
struct Codec<PaGetPaymentV2Request> : GetPaymentRequestCodec<PaGetPaymentV2Request> {};

template <>
struct Codec<PaGetPaymentRes> {
  static PaGetPaymentRes read(ReadContext& cx, const xmlNode* n, const std::string& path) {
    Sequence s(cx, n, path, {"outcome", "fault", "data"});
    PaGetPaymentRes m;
    readResponseHead(s, m.outcome, m.fault);
    m.data = s.optComplex("data", readPaymentPa);
    s.finish();
    return m;
  }
  static void check(ReadContext& cx, const PaGetPaymentRes& m, const std::string& path) {
    if (m.data) {
      checkTransfers(cx, path + "/data/transferList", m.data->transfer_list, m.data->payment_amount,
                     "paymentAmount");
    }
  }
  static void write(xmlNodePtr p, const PaGetPaymentRes& m) {
    writeResponseHead(p, m.outcome, m.fault);
    if (m.data) writePayment(p, *m.data, writeTransferPa);
  }
};

template <>
struct Codec<PaGetPaymentV2Response> {
  static PaGetPaymentV2Response read(ReadContext& cx, const xmlNode* n, const std::string& path) {
    Sequence s(cx, n, path, {"outcome", "fault", "data"});
    PaGetPaymentV2Response m;
    readResponseHead(s, m.outcome, m.fault);
    m.data = s.optComplex("data", readPaymentPaV2);
    s.finish();
    return m;
  }
  static void check(ReadContext& cx, const PaGetPaymentV2Response& m, const std::string& path) {
    if (m.data) {
      checkTransfers(cx, path + "/data/transferList", m.data->transfer_list, m.data->payment_amount,
                     "paymentAmount");
    }
  }
  static void write(xmlNodePtr p, const PaGetPaymentV2Response& m) {
    writeResponseHead(p, m.outcome, m.fault);
    if (m.data) writePayment(p, *m.data, writeTransferPaV2);
  }
};

template <>
struct Codec<PaSendRTReq> {
  static PaSendRTReq read(ReadContext& cx, const xmlNode* n, const std::string& path) {
    Sequence s(cx, n, path, {"idPA", "idBrokerPA", "idStation", "receipt"});
    PaSendRTReq m;
    readStation(s, m);
    m.receipt = s.complex("receipt", readReceipt);
    s.finish();
    return m;
  }
  static void check(ReadContext& cx, const PaSendRTReq& m, const std::string& path) {
    checkReceipt(cx, m.receipt, path + "/receipt");
  }
  static void write(xmlNodePtr p, const PaSendRTReq& m) {
    writeStation(p, m);
    writeReceipt(p, m.receipt);
  }
};

template <>
struct Codec<PaSendRTV2Request> {
  static PaSendRTV2Request read(ReadContext& cx, const xmlNode* n, const std::string& path) {
    Sequence s(cx, n, path, {"idPA", "idBrokerPA", "idStation", "receipt"});
    PaSendRTV2Request m;
    readStation(s, m);
    m.receipt = s.complex("receipt", readReceiptV2);
    s.finish();
    return m;
  }
  static void check(ReadContext& cx, const PaSendRTV2Request& m, const std::string& path) {
    checkReceipt(cx, m.receipt, path + "/receipt");
  }
  static void write(xmlNodePtr p, const PaSendRTV2Request& m) {
    writeStation(p, m);
    writeReceiptV2(p, m.receipt);
  }
};

template <>
struct Codec<PaSendRTRes> : HeadOnlyCodec<PaSendRTRes> {};
template <>
struct Codec<PaSendRTV2Response> : HeadOnlyCodec<PaSendRTV2Response> {};

}  // namespace sportello::pagopa::detail

namespace sportello::pagopa {

std::string write(const PaVerifyPaymentNoticeReq& m) {
  return detail::writeMessage(m);
}
std::string write(const PaVerifyPaymentNoticeRes& m) {
  return detail::writeMessage(m);
}
std::string write(const PaGetPaymentReq& m) {
  return detail::writeMessage(m);
}
std::string write(const PaGetPaymentRes& m) {
  return detail::writeMessage(m);
}
std::string write(const PaGetPaymentV2Request& m) {
  return detail::writeMessage(m);
}
std::string write(const PaGetPaymentV2Response& m) {
  return detail::writeMessage(m);
}
std::string write(const PaSendRTReq& m) {
  return detail::writeMessage(m);
}
std::string write(const PaSendRTRes& m) {
  return detail::writeMessage(m);
}
std::string write(const PaSendRTV2Request& m) {
  return detail::writeMessage(m);
}
std::string write(const PaSendRTV2Response& m) {
  return detail::writeMessage(m);
}

template Result<PaVerifyPaymentNoticeReq, FaultBean> read<PaVerifyPaymentNoticeReq>(
    const SoapMessage&, std::optional<FaultPrefix>);
template Result<PaVerifyPaymentNoticeRes, FaultBean> read<PaVerifyPaymentNoticeRes>(
    const SoapMessage&, std::optional<FaultPrefix>);
template Result<PaGetPaymentReq, FaultBean> read<PaGetPaymentReq>(const SoapMessage&,
                                                                  std::optional<FaultPrefix>);
template Result<PaGetPaymentRes, FaultBean> read<PaGetPaymentRes>(const SoapMessage&,
                                                                  std::optional<FaultPrefix>);
template Result<PaGetPaymentV2Request, FaultBean> read<PaGetPaymentV2Request>(const SoapMessage&,
                                                                              std::optional<FaultPrefix>);
template Result<PaGetPaymentV2Response, FaultBean> read<PaGetPaymentV2Response>(const SoapMessage&,
                                                                                std::optional<FaultPrefix>);
template Result<PaSendRTReq, FaultBean> read<PaSendRTReq>(const SoapMessage&, std::optional<FaultPrefix>);
template Result<PaSendRTRes, FaultBean> read<PaSendRTRes>(const SoapMessage&, std::optional<FaultPrefix>);
template Result<PaSendRTV2Request, FaultBean> read<PaSendRTV2Request>(const SoapMessage&,
                                                                      std::optional<FaultPrefix>);
template Result<PaSendRTV2Response, FaultBean> read<PaSendRTV2Response>(const SoapMessage&,
                                                                        std::optional<FaultPrefix>);

}  // namespace sportello::pagopa
