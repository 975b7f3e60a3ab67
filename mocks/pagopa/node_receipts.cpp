#include "mocks/pagopa/node_receipts.hpp"

#include <algorithm>

#include "mocks/pagopa/node_faults.hpp"

namespace sportello::node {

using pagopa::FaultBean;

namespace {

// The PSP that the node plays in receipts (the PSP of [pagopa] has no company name of its own).
constexpr std::string_view kPspCompany = "Sportello PSP di prova";

pagopa::TransferPa toV1(const pagopa::TransferPaReceiptV2& t) {
  pagopa::TransferPa out;
  out.id_transfer = t.id_transfer;
  out.transfer_amount = t.transfer_amount;
  out.fiscal_code_pa = t.fiscal_code_pa;
  // V1 stations never asked for a marca da bollo (paGetPayment V1 cannot); an account is all V1 knows.
  if (const auto* iban = std::get_if<pagopa::Iban>(&t.account)) out.iban = iban->code;
  out.remittance_information = t.remittance_information;
  out.transfer_category = t.transfer_category;
  out.metadata = t.metadata;
  return out;
}

pagopa::Receipt toV1(const pagopa::ReceiptV2& r) {
  pagopa::Receipt out;
  out.receipt_id = r.receipt_id;
  out.notice_number = r.notice_number;
  out.fiscal_code = r.fiscal_code;
  out.outcome = r.outcome;
  out.creditor_reference_id = r.creditor_reference_id;
  out.payment_amount = r.payment_amount;
  out.description = r.description;
  out.company_name = r.company_name;
  out.office_name = r.office_name;
  out.debtor = r.debtor;
  for (const auto& t : r.transfer_list) out.transfer_list.push_back(toV1(t));
  out.id_psp = r.id_psp;
  out.psp_fiscal_code = r.psp_fiscal_code;
  out.psp_partita_iva = r.psp_partita_iva;
  out.psp_company_name = r.psp_company_name;
  out.id_channel = r.id_channel;
  out.channel_description = r.channel_description;
  out.payer = r.payer;
  out.payment_method = r.payment_method;
  out.fee = r.fee;
  out.payment_date_time = r.payment_date_time;
  out.application_date = r.application_date;
  out.transfer_date = r.transfer_date;
  out.metadata = r.metadata;
  return out;
}

}  // namespace

std::string companyOf(const config::Config& config, std::string_view ec) {
  for (const auto& c : config.ec.creditors) {
    if (c.fiscal_code == ec && !c.company_name.empty()) return c.company_name;
  }
  return std::string(ec);
}

pagopa::PaymentPaV2 toV2(const pagopa::PaymentPa& p, std::string_view company_fallback) {
  pagopa::PaymentPaV2 out;
  out.creditor_reference_id = p.creditor_reference_id;
  out.payment_amount = p.payment_amount;
  out.due_date = p.due_date;
  out.retention_date = p.retention_date;
  out.last_payment = p.last_payment;
  out.description = p.description;
  out.company_name = p.company_name.value_or(std::string(company_fallback));
  out.office_name = p.office_name;
  out.debtor = p.debtor;
  for (const auto& t : p.transfer_list) {
    pagopa::TransferPaV2 v2;
    v2.id_transfer = t.id_transfer;
    v2.transfer_amount = t.transfer_amount;
    v2.fiscal_code_pa = t.fiscal_code_pa;
    v2.account = pagopa::Iban{t.iban};
    v2.remittance_information = t.remittance_information;
    v2.transfer_category = t.transfer_category;
    v2.metadata = t.metadata;
    out.transfer_list.push_back(std::move(v2));
  }
  out.metadata = p.metadata;
  return out;
}

pagopa::OutcomeDetailsV2 toV2(const pagopa::OutcomeDetails& d) {
  pagopa::OutcomeDetailsV2 out;
  out.payment_method = d.payment_method;
  out.payment_channel = d.payment_channel;
  out.fee = d.fee;
  out.payer = d.payer;
  out.application_date = d.application_date;
  out.transfer_date = d.transfer_date;
  return out;
}

Result<pagopa::PaymentPaV2, std::string> paymentFromXml(const std::string& xml, int station_version,
                                                        std::string_view company_fallback) {
  auto env = pagopa::readEnvelope(xml);
  if (!env) return fail("stored EC answer: " + env.error().message);
  if (station_version >= 2) {
    auto m = pagopa::read<pagopa::PaGetPaymentV2Response>(*env);
    if (!m || !m->data) return fail(std::string("stored EC answer: unreadable paGetPaymentV2Response"));
    return std::move(*m->data);
  }
  auto m = pagopa::read<pagopa::PaGetPaymentRes>(*env);
  if (!m || !m->data) return fail(std::string("stored EC answer: unreadable paGetPaymentRes"));
  return toV2(*m->data, company_fallback);
}

pagopa::VerifyPaymentNoticeRes verifyAnswer(const pagopa::QrCode& qr,
                                            const pagopa::PaVerifyPaymentNoticeRes& ec) {
  pagopa::VerifyPaymentNoticeRes res;
  res.outcome = pagopa::Outcome::ok;
  if (ec.payment_list) {
    pagopa::PaymentOptionDescription o;
    o.amount = ec.payment_list->amount;
    o.options = ec.payment_list->options;
    o.due_date = ec.payment_list->due_date;
    o.payment_note = ec.payment_list->detail_description;
    res.payment_list.push_back(std::move(o));
  }
  res.payment_description = ec.payment_description;
  res.fiscal_code_pa = ec.fiscal_code_pa.value_or(qr.fiscal_code);
  res.company_name = ec.company_name;
  res.office_name = ec.office_name;
  return res;
}

Result<pagopa::ActivatePaymentNoticeRes, FaultBean> activateAnswerV1(const pagopa::QrCode& qr,
                                                                     const pagopa::PaymentPaV2& p,
                                                                     const std::string& token) {
  pagopa::ActivatePaymentNoticeRes res;
  res.outcome = pagopa::Outcome::ok;
  res.total_amount = p.payment_amount;
  res.payment_description = p.description;
  res.fiscal_code_pa = qr.fiscal_code;
  res.company_name = p.company_name;
  res.office_name = p.office_name;
  res.payment_token = token;
  for (const auto& t : p.transfer_list) {
    const auto* iban = std::get_if<pagopa::Iban>(&t.account);
    if (iban == nullptr) {
      return fail(nodeFault(pagopa::fault::ppt_semantica,
                            "transfer " + std::to_string(t.id_transfer) +
                                " asks for a marca da bollo, which only activatePaymentNoticeV2 can carry"));
    }
    res.transfer_list.push_back(pagopa::TransferPsp{t.id_transfer, t.transfer_amount, t.fiscal_code_pa,
                                                    iban->code, t.remittance_information, t.metadata});
  }
  res.creditor_reference_id = p.creditor_reference_id;
  return res;
}

pagopa::ActivatePaymentNoticeV2Response activateAnswerV2(const pagopa::QrCode& qr,
                                                         const pagopa::PaymentPaV2& p,
                                                         const std::string& token) {
  pagopa::ActivatePaymentNoticeV2Response res;
  res.outcome = pagopa::Outcome::ok;
  res.total_amount = p.payment_amount;
  res.payment_description = p.description;
  res.fiscal_code_pa = qr.fiscal_code;
  res.company_name = p.company_name;
  res.office_name = p.office_name;
  res.payment_token = token;
  for (const auto& t : p.transfer_list) {
    pagopa::TransferPspV2 v;
    v.id_transfer = t.id_transfer;
    v.transfer_amount = t.transfer_amount;
    v.fiscal_code_pa = t.fiscal_code_pa;
    v.company_name = t.company_name;
    v.account = t.account;
    v.remittance_information = t.remittance_information;
    v.transfer_category = t.transfer_category;
    v.metadata = t.metadata;
    res.transfer_list.push_back(std::move(v));
  }
  res.metadata = p.metadata;
  res.creditor_reference_id = p.creditor_reference_id;
  return res;
}

Result<std::vector<OutboxEntry>, FaultBean> buildReceipts(const Attempt& a, const pagopa::OutcomeDetailsV2& d,
                                                          const ReceiptContext& cx) {
  auto payment = paymentFromXml(a.payment_xml, a.station_version, companyOf(cx.config, a.ec_fiscal_code));
  if (!payment) return fail(nodeFault(pagopa::fault::ppt_system_error, payment.error()));
  const pagopa::PaymentPaV2& p = *payment;

  pagopa::ReceiptV2 r;
  r.receipt_id = a.token;
  r.notice_number = a.notice_number;
  r.fiscal_code = a.ec_fiscal_code;
  r.outcome = pagopa::Outcome::ok;
  r.creditor_reference_id = p.creditor_reference_id;
  r.payment_amount = p.payment_amount;
  r.description = p.description;
  r.company_name = p.company_name;
  r.office_name = p.office_name;
  r.debtor = p.debtor;
  for (const auto& t : p.transfer_list) {
    pagopa::TransferPaReceiptV2 rt;
    rt.id_transfer = t.id_transfer;
    rt.transfer_amount = t.transfer_amount;
    rt.fiscal_code_pa = t.fiscal_code_pa;
    rt.company_name = t.company_name;
    if (const auto* iban = std::get_if<pagopa::Iban>(&t.account)) {
      rt.account = *iban;
    } else {
      auto stamp = std::find_if(d.marche_da_bollo.begin(), d.marche_da_bollo.end(), [&](const auto& m) {
        return m.payment_token == a.token && m.id_transfer == t.id_transfer;
      });
      if (stamp == d.marche_da_bollo.end()) {
        return fail(nodeFault(pagopa::fault::ppt_semantica,
                              "paymentToken " + a.token + ", transfer " + std::to_string(t.id_transfer) +
                                  ": the EC asked for a marca da bollo and details/marcheDaBollo has none"));
      }
      rt.account = pagopa::MbdAttachment{stamp->mbd_attachment};
    }
    rt.remittance_information = t.remittance_information;
    rt.transfer_category = t.transfer_category;
    rt.metadata = t.metadata;
    r.transfer_list.push_back(std::move(rt));
  }
  r.id_psp = a.id_psp;
  r.psp_company_name = std::string(kPspCompany);
  r.id_channel = a.id_channel;
  r.channel_description =
      std::string(pagopa::toString(d.payment_channel.value_or(pagopa::PaymentChannel::on_line)));
  r.payer = d.payer;
  r.payment_method = std::string(pagopa::toString(d.payment_method));
  r.payment_note = a.payment_note;
  r.fee = d.fee;
  r.primary_ci_incurred_fee = d.primary_ci_incurred_fee;
  r.id_bundle = d.id_bundle;
  r.id_ci_bundle = d.id_ci_bundle;
  r.payment_date_time = pagopa::DateTime::utc(cx.now);
  r.application_date = d.application_date;
  r.transfer_date = d.transfer_date;
  r.metadata = p.metadata;

  // The owner first, then every other EC of the transfer list once.
  std::vector<std::string> recipients{a.ec_fiscal_code};
  for (const auto& t : p.transfer_list) {
    if (std::find(recipients.begin(), recipients.end(), t.fiscal_code_pa) == recipients.end()) {
      recipients.push_back(t.fiscal_code_pa);
    }
  }
  std::vector<OutboxEntry> out;
  for (const auto& ec : recipients) {
    const config::Station* s = ec == a.ec_fiscal_code ? cx.ec.station(ec, a.id_station) : nullptr;
    if (s == nullptr) s = cx.ec.anyStation(ec);
    if (s == nullptr) {
      return fail(nodeFault(pagopa::fault::ppt_system_error,
                            "the EC " + ec + " of the transfer list has no station on this node any more"));
    }
    OutboxEntry e;
    e.receipt_id = r.receipt_id;
    e.token = a.token;
    e.notice_number = a.notice_number;
    e.recipient = ec;
    e.id_station = s->id_station;
    e.version = s->version >= 2 ? 2 : 1;
    if (e.version == 2) {
      pagopa::PaSendRTV2Request req{ec, s->id_broker_pa, s->id_station, r};
      e.body = pagopa::write(req);
    } else {
      pagopa::PaSendRTReq req{ec, s->id_broker_pa, s->id_station, toV1(r)};
      e.body = pagopa::write(req);
    }
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace sportello::node
