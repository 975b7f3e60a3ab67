// nodeForPsp (wsdl/xsd/nodeForPsp.xsd): the messages between a PSP (or Checkout) and the node.
#include <set>
#include <utility>

#include "core/pagopa/codec.hpp"

namespace sportello::pagopa::detail {

namespace {

constexpr std::int64_t kMaxExpirationMs = 1'800'000;

PspCredentials readCredentials(Sequence& s) {
  PspCredentials c;
  c.id_psp = s.string("idPSP", kText35);
  c.id_broker_psp = s.string("idBrokerPSP", kText35);
  c.id_channel = s.string("idChannel", kText35);
  c.password = s.string("password", kPassword);
  return c;
}

void writeCredentials(xmlNodePtr p, const PspCredentials& c) {
  put(p, "idPSP", c.id_psp);
  put(p, "idBrokerPSP", c.id_broker_psp);
  put(p, "idChannel", c.id_channel);
  put(p, "password", c.password);
}

// ---- Verify ----

PaymentOptionDescription readOption(ReadContext& cx, const xmlNode* n, const std::string& path) {
  Sequence s(cx, n, path, {"amount", "options", "dueDate", "paymentNote"});
  PaymentOptionDescription o;
  o.amount = s.amount("amount", AmountType::not_zero);
  o.options = s.enumeration("options", kAmountOptions);
  o.due_date = s.optDate("dueDate");
  o.payment_note = s.optString("paymentNote", kText210);
  s.finish();
  return o;
}

std::vector<PaymentOptionDescription> readPaymentList(ReadContext& cx, const xmlNode* n,
                                                      const std::string& path) {
  Sequence s(cx, n, path, {"paymentOptionDescription"});
  auto list = s.list("paymentOptionDescription", 1, 5, readOption);
  s.finish();
  return list;
}

// ---- Activate ----

// activatePaymentNoticeReq and the V2 request up to paymentNote.
template <class M>
void readActivateHead(Sequence& s, M& m) {
  m.credentials = readCredentials(s);
  m.idempotency_key = s.optString("idempotencyKey", kIdempotencyKey);
  m.qr_code = s.complex("qrCode", readQrCode);
  if (const xmlNode* e = s.optional("expirationTime")) {
    if (auto ms = readInteger(s.context(), e, s.path("expirationTime"), kMaxExpirationMs)) {
      m.expiration_time = std::chrono::milliseconds{*ms};
    }
  }
  m.amount = s.amount("amount", AmountType::amount);
  m.due_date = s.optDate("dueDate");
  m.payment_note = s.optString("paymentNote", kText210);
}

template <class M>
void writeActivateHead(xmlNodePtr p, const M& m) {
  writeCredentials(p, m.credentials);
  putOpt(p, "idempotencyKey", m.idempotency_key);
  writeQrCode(p, "qrCode", m.qr_code);
  if (m.expiration_time) putInt(p, "expirationTime", m.expiration_time->count());
  putAmount(p, "amount", m.amount);
  putOptDate(p, "dueDate", m.due_date);
  putOpt(p, "paymentNote", m.payment_note);
}

template <class M>
void checkActivate(ReadContext& cx, const M& m, const std::string& path) {
  checkNoticeNumber(cx, path + "/qrCode/noticeNumber", m.qr_code.notice_number);
  if (m.expiration_time && m.expiration_time->count() < 0) {
    cx.semantics(path + "/expirationTime",
                 "a negative token lifetime (" + std::to_string(m.expiration_time->count()) + " ms)");
  }
}

TransferPsp readTransferPsp(ReadContext& cx, const xmlNode* n, const std::string& path) {
  Sequence s(cx, n, path,
             {"idTransfer", "transferAmount", "fiscalCodePA", "IBAN", "remittanceInformation", "metadata"});
  TransferPsp t;
  t.id_transfer = s.idTransfer("idTransfer");
  t.transfer_amount = s.amount("transferAmount", AmountType::amount);
  t.fiscal_code_pa = s.string("fiscalCodePA", kFiscalCodePa);
  t.iban = s.string("IBAN", kPspIban);
  t.remittance_information = s.string("remittanceInformation", kText140);
  if (auto md = s.optComplex("metadata", readMetadata)) t.metadata = std::move(*md);
  s.finish();
  return t;
}

TransferPspV2 readTransferPspV2(ReadContext& cx, const xmlNode* n, const std::string& path) {
  Sequence s(cx, n, path,
             {"idTransfer", "transferAmount", "fiscalCodePA", "companyName", "IBAN", "richiestaMarcaDaBollo",
              "remittanceInformation", "transferCategory", "metadata"});
  TransferPspV2 t;
  t.id_transfer = s.idTransfer("idTransfer");
  t.transfer_amount = s.amount("transferAmount", AmountType::amount);
  t.fiscal_code_pa = s.string("fiscalCodePA", kFiscalCodePa);
  t.company_name = s.optString("companyName", kText140);
  // An optional xsd:choice: IBAN, richiestaMarcaDaBollo, or neither.
  auto iban = s.optString("IBAN", kPspIban);
  auto stamp = s.optComplex("richiestaMarcaDaBollo", readRichiestaMarcaDaBollo);
  if (iban && stamp) {
    cx.syntax(s.path("richiestaMarcaDaBollo"),
              "<IBAN> and <richiestaMarcaDaBollo> are alternatives: only one may appear");
  } else if (iban) {
    t.account = Iban{std::move(*iban)};
  } else if (stamp) {
    t.account = std::move(*stamp);
  }
  t.remittance_information = s.string("remittanceInformation", kText140);
  t.transfer_category = s.optString("transferCategory", kText140);
  if (auto md = s.optComplex("metadata", readMetadata)) t.metadata = std::move(*md);
  s.finish();
  return t;
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

void writeTransferPsp(xmlNodePtr list, const TransferPsp& t) {
  xmlNodePtr e = element(list, "transfer");
  putInt(e, "idTransfer", t.id_transfer);
  putAmount(e, "transferAmount", t.transfer_amount);
  put(e, "fiscalCodePA", t.fiscal_code_pa);
  put(e, "IBAN", t.iban);
  put(e, "remittanceInformation", t.remittance_information);
  writeMetadata(e, "metadata", t.metadata);
}

void writeTransferPspV2(xmlNodePtr list, const TransferPspV2& t) {
  xmlNodePtr e = element(list, "transfer");
  putInt(e, "idTransfer", t.id_transfer);
  putAmount(e, "transferAmount", t.transfer_amount);
  put(e, "fiscalCodePA", t.fiscal_code_pa);
  putOpt(e, "companyName", t.company_name);
  if (t.account) {
    if (const auto* iban = std::get_if<Iban>(&*t.account)) {
      put(e, "IBAN", iban->code);
    } else {
      writeRichiestaMarcaDaBollo(e, "richiestaMarcaDaBollo", std::get<RichiestaMarcaDaBollo>(*t.account));
    }
  }
  put(e, "remittanceInformation", t.remittance_information);
  putOpt(e, "transferCategory", t.transfer_category);
  writeMetadata(e, "metadata", t.metadata);
}

template <class Transfer>
void writeTransferList(xmlNodePtr parent, const std::vector<Transfer>& list,
                       void (*writeOne)(xmlNodePtr, const Transfer&)) {
  if (list.empty()) return;
  xmlNodePtr e = element(parent, "transferList");
  for (const auto& t : list) writeOne(e, t);
}

// ---- sendPaymentOutcome ----

OutcomeDetails readDetails(ReadContext& cx, const xmlNode* n, const std::string& path) {
  Sequence s(cx, n, path,
             {"paymentMethod", "paymentChannel", "fee", "payer", "applicationDate", "transferDate"});
  OutcomeDetails d;
  d.payment_method = s.enumeration("paymentMethod", kPaymentMethods);
  d.payment_channel = s.optEnumeration("paymentChannel", kPaymentChannels);
  d.fee = s.amount("fee", AmountType::amount);
  d.payer = s.optComplex("payer", readSubject);
  d.application_date = s.date("applicationDate");
  d.transfer_date = s.date("transferDate");
  s.finish();
  return d;
}

MarcaDaBollo readMarcaDaBollo(ReadContext& cx, const xmlNode* n, const std::string& path) {
  Sequence s(cx, n, path, {"paymentToken", "idTransfer", "MBDAttachment"});
  MarcaDaBollo m;
  m.payment_token = s.string("paymentToken", kText35);
  m.id_transfer = s.idTransfer("idTransfer");
  m.mbd_attachment = s.string("MBDAttachment", kBase64Binary);
  s.finish();
  return m;
}

std::vector<MarcaDaBollo> readMarcheDaBollo(ReadContext& cx, const xmlNode* n, const std::string& path) {
  Sequence s(cx, n, path, {"marcaDaBollo"});
  auto list = s.list("marcaDaBollo", 1, 25, readMarcaDaBollo);
  s.finish();
  return list;
}

OutcomeDetailsV2 readDetailsV2(ReadContext& cx, const xmlNode* n, const std::string& path) {
  Sequence s(cx, n, path,
             {"paymentMethod", "paymentChannel", "fee", "primaryCiIncurredFee", "idBundle", "idCiBundle",
              "payer", "applicationDate", "transferDate", "marcheDaBollo"});
  OutcomeDetailsV2 d;
  d.payment_method = s.enumeration("paymentMethod", kPaymentMethods);
  d.payment_channel = s.optEnumeration("paymentChannel", kPaymentChannels);
  d.fee = s.amount("fee", AmountType::amount);
  d.primary_ci_incurred_fee = s.optAmount("primaryCiIncurredFee", AmountType::amount);
  d.id_bundle = s.optString("idBundle", kText70);
  d.id_ci_bundle = s.optString("idCiBundle", kText70);
  d.payer = s.optComplex("payer", readSubject);
  d.application_date = s.date("applicationDate");
  d.transfer_date = s.date("transferDate");
  if (auto m = s.optComplex("marcheDaBollo", readMarcheDaBollo)) d.marche_da_bollo = std::move(*m);
  s.finish();
  return d;
}

std::vector<std::string> readPaymentTokens(ReadContext& cx, const xmlNode* n, const std::string& path) {
  Sequence s(cx, n, path, {"paymentToken"});
  auto tokens = s.list("paymentToken", 1, 5, [](ReadContext& c, const xmlNode* e, const std::string& p) {
    return readString(c, e, p, kText35).value_or("");
  });
  s.finish();
  return tokens;
}

}  // namespace

// ---- The codecs ----

template <>
struct Codec<VerifyPaymentNoticeReq> {
  static VerifyPaymentNoticeReq read(ReadContext& cx, const xmlNode* n, const std::string& path) {
    Sequence s(cx, n, path, {"idPSP", "idBrokerPSP", "idChannel", "password", "qrCode"});
    VerifyPaymentNoticeReq m;
    m.credentials = readCredentials(s);
    m.qr_code = s.complex("qrCode", readQrCode);
    s.finish();
    return m;
  }
  static void check(ReadContext& cx, const VerifyPaymentNoticeReq& m, const std::string& path) {
    checkNoticeNumber(cx, path + "/qrCode/noticeNumber", m.qr_code.notice_number);
  }
  static void write(xmlNodePtr p, const VerifyPaymentNoticeReq& m) {
    writeCredentials(p, m.credentials);
    writeQrCode(p, "qrCode", m.qr_code);
  }
};

template <>
struct Codec<VerifyPaymentNoticeRes> {
  static VerifyPaymentNoticeRes read(ReadContext& cx, const xmlNode* n, const std::string& path) {
    Sequence s(cx, n, path,
               {"outcome", "fault", "paymentList", "paymentDescription", "fiscalCodePA", "companyName",
                "officeName", "standin"});
    VerifyPaymentNoticeRes m;
    readResponseHead(s, m.outcome, m.fault);
    if (auto list = s.optComplex("paymentList", readPaymentList)) m.payment_list = std::move(*list);
    m.payment_description = s.optString("paymentDescription", kText210);
    m.fiscal_code_pa = s.optString("fiscalCodePA", kFiscalCodePa);
    m.company_name = s.optString("companyName", kText140);
    m.office_name = s.optString("officeName", kText140);
    m.standin = s.optBoolean("standin");
    s.finish();
    return m;
  }
  static void check(ReadContext&, const VerifyPaymentNoticeRes&, const std::string&) {}
  static void write(xmlNodePtr p, const VerifyPaymentNoticeRes& m) {
    writeResponseHead(p, m.outcome, m.fault);
    if (!m.payment_list.empty()) {
      xmlNodePtr list = element(p, "paymentList");
      for (const auto& o : m.payment_list) {
        xmlNodePtr e = element(list, "paymentOptionDescription");
        putAmount(e, "amount", o.amount);
        putEnum(e, "options", kAmountOptions, o.options);
        putOptDate(e, "dueDate", o.due_date);
        putOpt(e, "paymentNote", o.payment_note);
      }
    }
    putOpt(p, "paymentDescription", m.payment_description);
    putOpt(p, "fiscalCodePA", m.fiscal_code_pa);
    putOpt(p, "companyName", m.company_name);
    putOpt(p, "officeName", m.office_name);
    putOptBool(p, "standin", m.standin);
  }
};

template <>
struct Codec<ActivatePaymentNoticeReq> {
  static ActivatePaymentNoticeReq read(ReadContext& cx, const xmlNode* n, const std::string& path) {
    Sequence s(cx, n, path,
               {"idPSP", "idBrokerPSP", "idChannel", "password", "idempotencyKey", "qrCode", "expirationTime",
                "amount", "dueDate", "paymentNote"});
    ActivatePaymentNoticeReq m;
    readActivateHead(s, m);
    s.finish();
    return m;
  }
  static void check(ReadContext& cx, const ActivatePaymentNoticeReq& m, const std::string& path) {
    checkActivate(cx, m, path);
  }
  static void write(xmlNodePtr p, const ActivatePaymentNoticeReq& m) { writeActivateHead(p, m); }
};

template <>
struct Codec<ActivatePaymentNoticeV2Request> {
  static ActivatePaymentNoticeV2Request read(ReadContext& cx, const xmlNode* n, const std::string& path) {
    Sequence s(cx, n, path,
               {"idPSP", "idBrokerPSP", "idChannel", "password", "idempotencyKey", "qrCode", "expirationTime",
                "amount", "dueDate", "paymentNote", "paymentMethod", "touchPoint"});
    ActivatePaymentNoticeV2Request m;
    readActivateHead(s, m);
    m.payment_method = s.optEnumeration("paymentMethod", kPaymentMethodFees);
    m.touch_point = s.optEnumeration("touchPoint", kTouchPoints);
    s.finish();
    return m;
  }
  static void check(ReadContext& cx, const ActivatePaymentNoticeV2Request& m, const std::string& path) {
    checkActivate(cx, m, path);
  }
  static void write(xmlNodePtr p, const ActivatePaymentNoticeV2Request& m) {
    writeActivateHead(p, m);
    putOptEnum(p, "paymentMethod", kPaymentMethodFees, m.payment_method);
    putOptEnum(p, "touchPoint", kTouchPoints, m.touch_point);
  }
};

template <>
struct Codec<ActivatePaymentNoticeRes> {
  static ActivatePaymentNoticeRes read(ReadContext& cx, const xmlNode* n, const std::string& path) {
    Sequence s(cx, n, path,
               {"outcome", "fault", "totalAmount", "paymentDescription", "fiscalCodePA", "companyName",
                "officeName", "paymentToken", "transferList", "creditorReferenceId", "standin"});
    ActivatePaymentNoticeRes m;
    readResponseHead(s, m.outcome, m.fault);
    m.total_amount = s.optAmount("totalAmount", AmountType::amount);
    m.payment_description = s.optString("paymentDescription", kText140);
    m.fiscal_code_pa = s.optString("fiscalCodePA", kFiscalCodePa);
    m.company_name = s.optString("companyName", kText140);
    m.office_name = s.optString("officeName", kText140);
    m.payment_token = s.optString("paymentToken", kText35);
    if (auto list = s.optComplex("transferList", transferListReader(readTransferPsp))) {
      m.transfer_list = std::move(*list);
    }
    m.creditor_reference_id = s.optString("creditorReferenceId", kText35);
    m.standin = s.optBoolean("standin");
    s.finish();
    return m;
  }
  static void check(ReadContext& cx, const ActivatePaymentNoticeRes& m, const std::string& path) {
    checkTransfers(cx, path + "/transferList", m.transfer_list, m.total_amount, "totalAmount");
  }
  static void write(xmlNodePtr p, const ActivatePaymentNoticeRes& m) {
    writeResponseHead(p, m.outcome, m.fault);
    putOptAmount(p, "totalAmount", m.total_amount);
    putOpt(p, "paymentDescription", m.payment_description);
    putOpt(p, "fiscalCodePA", m.fiscal_code_pa);
    putOpt(p, "companyName", m.company_name);
    putOpt(p, "officeName", m.office_name);
    putOpt(p, "paymentToken", m.payment_token);
    writeTransferList(p, m.transfer_list, writeTransferPsp);
    putOpt(p, "creditorReferenceId", m.creditor_reference_id);
    putOptBool(p, "standin", m.standin);
  }
};

template <>
struct Codec<ActivatePaymentNoticeV2Response> {
  static ActivatePaymentNoticeV2Response read(ReadContext& cx, const xmlNode* n, const std::string& path) {
    Sequence s(
        cx, n, path,
        {"outcome", "fault", "totalAmount", "paymentDescription", "fiscalCodePA", "companyName", "officeName",
         "paymentToken", "transferList", "metadata", "creditorReferenceId", "suggestedUserFee",
         "suggestedPaFee", "suggestedIdBundle", "suggestedIdCiBundle", "allCCP", "standin"});
    ActivatePaymentNoticeV2Response m;
    readResponseHead(s, m.outcome, m.fault);
    m.total_amount = s.optAmount("totalAmount", AmountType::amount);
    m.payment_description = s.optString("paymentDescription", kText140);
    m.fiscal_code_pa = s.optString("fiscalCodePA", kFiscalCodePa);
    m.company_name = s.optString("companyName", kText140);
    m.office_name = s.optString("officeName", kText140);
    m.payment_token = s.optString("paymentToken", kText35);
    if (auto list = s.optComplex("transferList", transferListReader(readTransferPspV2))) {
      m.transfer_list = std::move(*list);
    }
    if (auto md = s.optComplex("metadata", readMetadata)) m.metadata = std::move(*md);
    m.creditor_reference_id = s.optString("creditorReferenceId", kText35);
    m.suggested_user_fee = s.optAmount("suggestedUserFee", AmountType::amount);
    m.suggested_pa_fee = s.optAmount("suggestedPaFee", AmountType::amount);
    m.suggested_id_bundle = s.optString("suggestedIdBundle", kText70);
    m.suggested_id_ci_bundle = s.optString("suggestedIdCiBundle", kText70);
    m.all_ccp = s.optBoolean("allCCP");
    m.standin = s.optBoolean("standin");
    s.finish();
    return m;
  }
  static void check(ReadContext& cx, const ActivatePaymentNoticeV2Response& m, const std::string& path) {
    checkTransfers(cx, path + "/transferList", m.transfer_list, m.total_amount, "totalAmount");
  }
  static void write(xmlNodePtr p, const ActivatePaymentNoticeV2Response& m) {
    writeResponseHead(p, m.outcome, m.fault);
    putOptAmount(p, "totalAmount", m.total_amount);
    putOpt(p, "paymentDescription", m.payment_description);
    putOpt(p, "fiscalCodePA", m.fiscal_code_pa);
    putOpt(p, "companyName", m.company_name);
    putOpt(p, "officeName", m.office_name);
    putOpt(p, "paymentToken", m.payment_token);
    writeTransferList(p, m.transfer_list, writeTransferPspV2);
    writeMetadata(p, "metadata", m.metadata);
    putOpt(p, "creditorReferenceId", m.creditor_reference_id);
    putOptAmount(p, "suggestedUserFee", m.suggested_user_fee);
    putOptAmount(p, "suggestedPaFee", m.suggested_pa_fee);
    putOpt(p, "suggestedIdBundle", m.suggested_id_bundle);
    putOpt(p, "suggestedIdCiBundle", m.suggested_id_ci_bundle);
    putOptBool(p, "allCCP", m.all_ccp);
    putOptBool(p, "standin", m.standin);
  }
};

template <>
struct Codec<SendPaymentOutcomeReq> {
  static SendPaymentOutcomeReq read(ReadContext& cx, const xmlNode* n, const std::string& path) {
    Sequence s(cx, n, path,
               {"idPSP", "idBrokerPSP", "idChannel", "password", "idempotencyKey", "paymentToken", "outcome",
                "details"});
    SendPaymentOutcomeReq m;
    m.credentials = readCredentials(s);
    m.idempotency_key = s.optString("idempotencyKey", kIdempotencyKey);
    m.payment_token = s.string("paymentToken", kText35);
    m.outcome = s.enumeration("outcome", kOutcomes);
    m.details = s.optComplex("details", readDetails);
    s.finish();
    return m;
  }
  static void check(ReadContext&, const SendPaymentOutcomeReq&, const std::string&) {}
  static void write(xmlNodePtr p, const SendPaymentOutcomeReq& m) {
    writeCredentials(p, m.credentials);
    putOpt(p, "idempotencyKey", m.idempotency_key);
    put(p, "paymentToken", m.payment_token);
    putEnum(p, "outcome", kOutcomes, m.outcome);
    if (m.details) {
      xmlNodePtr d = element(p, "details");
      putEnum(d, "paymentMethod", kPaymentMethods, m.details->payment_method);
      putOptEnum(d, "paymentChannel", kPaymentChannels, m.details->payment_channel);
      putAmount(d, "fee", m.details->fee);
      if (m.details->payer) writeSubject(d, "payer", *m.details->payer);
      putDate(d, "applicationDate", m.details->application_date);
      putDate(d, "transferDate", m.details->transfer_date);
    }
  }
};

template <>
struct Codec<SendPaymentOutcomeV2Request> {
  static SendPaymentOutcomeV2Request read(ReadContext& cx, const xmlNode* n, const std::string& path) {
    Sequence s(cx, n, path,
               {"idPSP", "idBrokerPSP", "idChannel", "password", "idempotencyKey", "paymentTokens", "outcome",
                "details"});
    SendPaymentOutcomeV2Request m;
    m.credentials = readCredentials(s);
    m.idempotency_key = s.optString("idempotencyKey", kIdempotencyKey);
    m.payment_tokens = s.complex("paymentTokens", readPaymentTokens);
    m.outcome = s.enumeration("outcome", kOutcomes);
    m.details = s.optComplex("details", readDetailsV2);
    s.finish();
    return m;
  }
  static void check(ReadContext& cx, const SendPaymentOutcomeV2Request& m, const std::string& path) {
    std::set<std::string> seen;
    for (std::size_t i = 0; i < m.payment_tokens.size(); ++i) {
      if (!seen.insert(m.payment_tokens[i]).second) {
        cx.semantics(path + "/paymentTokens/paymentToken[" + std::to_string(i + 1) + "]",
                     "payment token " + quoted(m.payment_tokens[i]) + " appears more than once");
        return;
      }
    }
  }
  static void write(xmlNodePtr p, const SendPaymentOutcomeV2Request& m) {
    writeCredentials(p, m.credentials);
    putOpt(p, "idempotencyKey", m.idempotency_key);
    xmlNodePtr tokens = element(p, "paymentTokens");
    for (const auto& t : m.payment_tokens) put(tokens, "paymentToken", t);
    putEnum(p, "outcome", kOutcomes, m.outcome);
    if (m.details) {
      const OutcomeDetailsV2& d = *m.details;
      xmlNodePtr e = element(p, "details");
      putEnum(e, "paymentMethod", kPaymentMethods, d.payment_method);
      putOptEnum(e, "paymentChannel", kPaymentChannels, d.payment_channel);
      putAmount(e, "fee", d.fee);
      putOptAmount(e, "primaryCiIncurredFee", d.primary_ci_incurred_fee);
      putOpt(e, "idBundle", d.id_bundle);
      putOpt(e, "idCiBundle", d.id_ci_bundle);
      if (d.payer) writeSubject(e, "payer", *d.payer);
      putDate(e, "applicationDate", d.application_date);
      putDate(e, "transferDate", d.transfer_date);
      if (!d.marche_da_bollo.empty()) {
        xmlNodePtr list = element(e, "marcheDaBollo");
        for (const auto& mb : d.marche_da_bollo) {
          xmlNodePtr one = element(list, "marcaDaBollo");
          put(one, "paymentToken", mb.payment_token);
          putInt(one, "idTransfer", mb.id_transfer);
          put(one, "MBDAttachment", mb.mbd_attachment);
        }
      }
    }
  }
};

template <>
struct Codec<SendPaymentOutcomeRes> : HeadOnlyCodec<SendPaymentOutcomeRes> {};
template <>
struct Codec<SendPaymentOutcomeV2Response> : HeadOnlyCodec<SendPaymentOutcomeV2Response> {};

}  // namespace sportello::pagopa::detail

namespace sportello::pagopa {

std::string write(const VerifyPaymentNoticeReq& m) {
  return detail::writeMessage(m);
}
std::string write(const VerifyPaymentNoticeRes& m) {
  return detail::writeMessage(m);
}
std::string write(const ActivatePaymentNoticeReq& m) {
  return detail::writeMessage(m);
}
std::string write(const ActivatePaymentNoticeRes& m) {
  return detail::writeMessage(m);
}
std::string write(const ActivatePaymentNoticeV2Request& m) {
  return detail::writeMessage(m);
}
std::string write(const ActivatePaymentNoticeV2Response& m) {
  return detail::writeMessage(m);
}
std::string write(const SendPaymentOutcomeReq& m) {
  return detail::writeMessage(m);
}
std::string write(const SendPaymentOutcomeRes& m) {
  return detail::writeMessage(m);
}
std::string write(const SendPaymentOutcomeV2Request& m) {
  return detail::writeMessage(m);
}
std::string write(const SendPaymentOutcomeV2Response& m) {
  return detail::writeMessage(m);
}

template Result<VerifyPaymentNoticeReq, FaultBean> read<VerifyPaymentNoticeReq>(const SoapMessage&,
                                                                                std::optional<FaultPrefix>);
template Result<VerifyPaymentNoticeRes, FaultBean> read<VerifyPaymentNoticeRes>(const SoapMessage&,
                                                                                std::optional<FaultPrefix>);
template Result<ActivatePaymentNoticeReq, FaultBean> read<ActivatePaymentNoticeReq>(
    const SoapMessage&, std::optional<FaultPrefix>);
template Result<ActivatePaymentNoticeRes, FaultBean> read<ActivatePaymentNoticeRes>(
    const SoapMessage&, std::optional<FaultPrefix>);
template Result<ActivatePaymentNoticeV2Request, FaultBean> read<ActivatePaymentNoticeV2Request>(
    const SoapMessage&, std::optional<FaultPrefix>);
template Result<ActivatePaymentNoticeV2Response, FaultBean> read<ActivatePaymentNoticeV2Response>(
    const SoapMessage&, std::optional<FaultPrefix>);
template Result<SendPaymentOutcomeReq, FaultBean> read<SendPaymentOutcomeReq>(const SoapMessage&,
                                                                              std::optional<FaultPrefix>);
template Result<SendPaymentOutcomeRes, FaultBean> read<SendPaymentOutcomeRes>(const SoapMessage&,
                                                                              std::optional<FaultPrefix>);
template Result<SendPaymentOutcomeV2Request, FaultBean> read<SendPaymentOutcomeV2Request>(
    const SoapMessage&, std::optional<FaultPrefix>);
template Result<SendPaymentOutcomeV2Response, FaultBean> read<SendPaymentOutcomeV2Response>(
    const SoapMessage&, std::optional<FaultPrefix>);

}  // namespace sportello::pagopa
