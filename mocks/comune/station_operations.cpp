// The paForNode operations over the debt positions. Field mapping (GPD position -> paForNode message)
// follows what pagoPA's own GPD payments service answers: the option's description as paymentDescription
// and detailDescription, the position's company and office names, dates as the UTC days the positions
// were written in (the comune writes them in UTC, "2026-12-31T23:59:59Z" is due on the 31st).
#include "mocks/comune/station_operations.hpp"

#include <algorithm>
#include <chrono>

#include "core/pagopa/notice.hpp"

namespace sportello::comune::station {

namespace {

namespace f = pagopa::fault;
using pagopa::Operation;

pagopa::Date dayOf(TimePoint t) {
  return pagopa::Date{std::chrono::floor<std::chrono::days>(t)};
}

bool isCreditor(const config::Ec& ec, std::string_view id_pa) {
  return std::any_of(ec.creditors.begin(), ec.creditors.end(),
                     [&](const config::Creditor& c) { return c.fiscal_code == id_pa; });
}

Answer okAnswer(std::string envelope) {
  Answer a;
  a.envelope = std::move(envelope);
  return a;
}

// Who is asking: nullopt when idPA, idBrokerPA and idStation are this station's.
std::optional<Answer> checkIdentity(const Context& c, Operation op, std::string_view id_pa,
                                    std::string_view id_broker_pa, std::string_view id_station) {
  if (!isCreditor(c.ec, id_pa)) {
    return ko(c.ec, op, id_pa, f::paa_id_dominio_errato,
              "idPA " + std::string(id_pa) + " is not a creditor of this station");
  }
  if (id_broker_pa != c.ec.id_broker_pa) {
    return ko(
        c.ec, op, id_pa, f::paa_id_intermediario_errato,
        "idBrokerPA " + std::string(id_broker_pa) + " is not this station's broker " + c.ec.id_broker_pa);
  }
  if (id_station != c.ec.id_station) {
    return ko(c.ec, op, id_pa, f::paa_stazione_int_errata,
              "idStation " + std::string(id_station) + " is not this station, " + c.ec.id_station);
  }
  return std::nullopt;
}

// verify and getPayment: identity, then the notice if it can be paid now.
template <class Req>
Result<PayableNotice, Answer> payableNotice(const Context& c, const Req& r) {
  constexpr Operation op = Req::operation;
  if (auto refused = checkIdentity(c, op, r.id_pa, r.id_broker_pa, r.id_station)) return fail(*refused);
  if (r.qr_code.fiscal_code != r.id_pa) {
    return fail(ko(c.ec, op, r.id_pa, f::paa_semantica,
                   "qrCode/fiscalCode " + r.qr_code.fiscal_code + " is not idPA " + r.id_pa));
  }
  auto n = c.positions.lookupByNotice(r.qr_code.fiscal_code, r.qr_code.notice_number);
  if (!n) return fail(ko(c.ec, op, r.id_pa, faultCode(n.error().fault), n.error().description));
  return std::move(*n);
}

std::string companyName(const PayableNotice& n) {
  return n.position.company_name.empty() ? n.ec.company_name : n.position.company_name;
}

std::optional<std::string> officeName(const PayableNotice& n) {
  const std::string& name = n.position.office_name.empty() ? n.ec.office_name : n.position.office_name;
  if (name.empty()) return std::nullopt;
  return name;
}

std::optional<std::string> contact(const DebtPosition& d, std::string_view key) {
  for (const auto& [k, v] : d.contact) {
    if (k == key && !v.empty()) return v;
  }
  return std::nullopt;
}

pagopa::Subject debtorOf(const DebtPosition& d) {
  pagopa::Subject s;
  s.entity_type = d.type == 'G' ? pagopa::EntityType::legal_person : pagopa::EntityType::physical_person;
  s.entity_id = d.fiscal_code;
  s.full_name = d.full_name;
  s.street_name = contact(d, "streetName");
  s.civic_number = contact(d, "civicNumber");
  s.postal_code = contact(d, "postalCode");
  s.city = contact(d, "city");
  s.state_province_region = contact(d, "province");
  if (!s.state_province_region) s.state_province_region = contact(d, "region");
  s.country = contact(d, "country");
  s.email = contact(d, "email");
  return s;
}

int idTransferOf(const Transfer& t, std::size_t index) {
  if (t.id_transfer.size() == 1 && t.id_transfer[0] >= '1' && t.id_transfer[0] <= '5') {
    return t.id_transfer[0] - '0';
  }
  return static_cast<int>(index) + 1;
}

std::string beneficiaryOf(const PayableNotice& n, const Transfer& t) {
  return t.organization_fiscal_code.empty() ? n.position.organization : t.organization_fiscal_code;
}

// With transferType POSTAL the postal IBAN where the transfer has one (spec/pagopa.md "Operations").
std::string accountOf(const Transfer& t, bool postal) {
  if (postal && t.postal_iban) return *t.postal_iban;
  if (t.iban) return *t.iban;
  return t.postal_iban.value_or("");
}

// For instalments: whether every other instalment of the plan is paid already.
std::optional<bool> lastPayment(const PayableNotice& n) {
  const PaymentOption& mine = n.option();
  if (!mine.is_partial_payment) return std::nullopt;
  for (const auto& o : n.position.options) {
    if (&o != &mine && o.is_partial_payment && o.status == OptionStatus::unpaid) return false;
  }
  return true;
}

template <class P>
void fillPayment(P& p, const PayableNotice& n) {
  const PaymentOption& o = n.option();
  p.creditor_reference_id = o.iuv;
  p.payment_amount = o.amount;
  p.due_date = dayOf(o.due_date);
  if (o.retention_date) p.retention_date = pagopa::DateTime::utc(*o.retention_date);
  p.last_payment = lastPayment(n);
  p.description = o.description;
  p.company_name = companyName(n);
  p.office_name = officeName(n);
  p.debtor = debtorOf(n.position);
}

template <class Req>
std::optional<Answer> checkAmount(const Context& c, const Req& r, const PayableNotice& n) {
  if (!r.amount || *r.amount == n.option().amount) return std::nullopt;
  return ko(c.ec, Req::operation, r.id_pa, f::paa_attiva_rpt_importo_non_valido,
            "amount " + pagopa::formatAmount(*r.amount) + " is not the notice's " +
                pagopa::formatAmount(n.option().amount));
}

// The booking of a receipt (ctReceipt and ctReceiptV2 share these fields).
template <class R>
Receipt bookingOf(const R& r, std::string_view raw_xml) {
  Receipt b;
  b.receipt_id = r.receipt_id;
  b.notice_number = r.notice_number;
  b.fiscal_code = r.fiscal_code;
  b.creditor_reference_id = r.creditor_reference_id;
  b.amount = r.payment_amount;
  if (r.payment_date_time) b.payment_date_time = toTimePoint(*r.payment_date_time);
  b.id_psp = r.id_psp;
  b.psp_company_name = r.psp_company_name;
  b.id_channel = r.id_channel;
  b.debtor_fiscal_code = r.debtor.entity_id;
  b.payment_method = r.payment_method.value_or("");
  b.fee = r.fee;
  b.raw_xml = std::string(raw_xml);
  return b;
}

template <class Res, class Req>
Answer sendReceipt(const Context& c, const Req& r, std::string_view raw_xml) {
  constexpr Operation op = Req::operation;
  if (auto refused = checkIdentity(c, op, r.id_pa, r.id_broker_pa, r.id_station)) return *refused;
  if (r.receipt.outcome != pagopa::Outcome::ok) {
    return ko(c.ec, op, r.id_pa, f::paa_semantica, "a receipt with outcome KO pays nothing: not booked");
  }
  auto booked = c.positions.bookReceipt(r.id_pa, bookingOf(r.receipt, raw_xml));
  if (!booked) return ko(c.ec, op, r.id_pa, faultCode(booked.error().fault), booked.error().description);
  Res res;
  res.outcome = pagopa::Outcome::ok;
  Answer a = okAnswer(pagopa::write(res));
  a.booking = std::string(toString(booked->booking));
  return a;
}

// The last Sunday of `m` in `y`, 01:00 UTC: when Europe's summer time starts (March) and ends (October).
std::chrono::sys_seconds summerTimeSwitch(std::chrono::year y, std::chrono::month m) {
  using namespace std::chrono;
  sys_days last{y / m / std::chrono::last};
  sys_days sunday = last - (weekday{last} - Sunday);
  return sunday + hours(1);
}

}  // namespace

std::string faultId(const config::Ec& ec, std::string_view id_pa) {
  return isCreditor(ec, id_pa) ? std::string(id_pa) : ec.id_broker_pa;
}

Answer ko(const config::Ec& ec, Operation op, std::string_view id_pa, std::string_view code,
          std::string description) {
  Answer a;
  a.ok = false;
  a.fault_code = std::string(code);
  a.description = description;
  a.envelope = pagopa::writeKo(op, pagopa::makeFault(code, faultId(ec, id_pa), std::move(description)));
  return a;
}

Answer verifyPaymentNotice(const Context& c, const pagopa::PaVerifyPaymentNoticeReq& r) {
  auto n = payableNotice(c, r);
  if (!n) return std::move(n).error();
  const PaymentOption& o = n->option();
  pagopa::PaymentOptionDescriptionPa d;
  d.amount = o.amount;
  d.options = pagopa::AmountOption::eq;
  d.due_date = dayOf(o.due_date);
  if (!o.description.empty()) d.detail_description = o.description;
  d.all_ccp =
      !o.transfers.empty() && std::all_of(o.transfers.begin(), o.transfers.end(),
                                          [](const Transfer& t) { return t.postal_iban.has_value(); });
  pagopa::PaVerifyPaymentNoticeRes res;
  res.outcome = pagopa::Outcome::ok;
  res.payment_list = d;
  res.payment_description = o.description;
  res.fiscal_code_pa = n->position.organization;
  res.company_name = companyName(*n);
  res.office_name = officeName(*n);
  return okAnswer(pagopa::write(res));
}

Answer getPayment(const Context& c, const pagopa::PaGetPaymentReq& r) {
  auto n = payableNotice(c, r);
  if (!n) return std::move(n).error();
  if (auto wrong = checkAmount(c, r, *n)) return *wrong;
  const bool postal = r.transfer_type == pagopa::TransferType::postal;
  pagopa::PaymentPa p;
  fillPayment(p, *n);
  const auto& transfers = n->option().transfers;
  for (std::size_t i = 0; i < transfers.size(); ++i) {
    const Transfer& t = transfers[i];
    if (t.stamp) {
      return ko(c.ec, Operation::pa_get_payment, r.id_pa, f::paa_semantica,
                "transfer " + t.id_transfer +
                    " is a marca da bollo, which paGetPayment cannot carry: "
                    "the node must use paGetPaymentV2");
    }
    p.transfer_list.push_back(pagopa::TransferPa{idTransferOf(t, i),
                                                 t.amount,
                                                 beneficiaryOf(*n, t),
                                                 accountOf(t, postal),
                                                 t.remittance_information,
                                                 t.category,
                                                 {}});
  }
  pagopa::PaGetPaymentRes res;
  res.outcome = pagopa::Outcome::ok;
  res.data = std::move(p);
  return okAnswer(pagopa::write(res));
}

Answer getPaymentV2(const Context& c, const pagopa::PaGetPaymentV2Request& r) {
  auto n = payableNotice(c, r);
  if (!n) return std::move(n).error();
  if (auto wrong = checkAmount(c, r, *n)) return *wrong;
  const bool postal = r.transfer_type == pagopa::TransferType::postal;
  pagopa::PaymentPaV2 p;
  fillPayment(p, *n);
  const auto& transfers = n->option().transfers;
  for (std::size_t i = 0; i < transfers.size(); ++i) {
    const Transfer& t = transfers[i];
    pagopa::TransferPaV2 x;
    x.id_transfer = idTransferOf(t, i);
    x.transfer_amount = t.amount;
    x.fiscal_code_pa = beneficiaryOf(*n, t);
    if (!t.company_name.empty()) {
      x.company_name = t.company_name;
    } else if (const EcConfig* ec = c.positions.ec(x.fiscal_code_pa)) {
      x.company_name = ec->company_name;
    }
    if (t.stamp) {
      x.account = pagopa::RichiestaMarcaDaBollo{t.stamp->hash_document, t.stamp->stamp_type,
                                                t.stamp->provincial_residence};
    } else {
      x.account = pagopa::Iban{accountOf(t, postal)};
    }
    x.remittance_information = t.remittance_information;
    x.transfer_category = t.category;
    p.transfer_list.push_back(std::move(x));
  }
  pagopa::PaGetPaymentV2Response res;
  res.outcome = pagopa::Outcome::ok;
  res.data = std::move(p);
  return okAnswer(pagopa::write(res));
}

Answer sendRT(const Context& c, const pagopa::PaSendRTReq& r, std::string_view raw_xml) {
  return sendReceipt<pagopa::PaSendRTRes>(c, r, raw_xml);
}

Answer sendRTV2(const Context& c, const pagopa::PaSendRTV2Request& r, std::string_view raw_xml) {
  return sendReceipt<pagopa::PaSendRTV2Response>(c, r, raw_xml);
}

TimePoint toTimePoint(const pagopa::DateTime& t) {
  using namespace std::chrono;
  const sys_time<microseconds> wall{t.local.time_since_epoch()};
  if (t.offset) return time_point_cast<TimePoint::duration>(wall - *t.offset);
  // Italian time: CEST (+2) when that reading falls between the two switches of its year, else CET (+1).
  // The hour the spring switch skips reads as winter time; the autumn hour that comes twice, as its first.
  const sys_time<microseconds> summer = wall - hours(2);
  const year y = year_month_day{floor<days>(summer)}.year();
  const bool isSummer = summer >= summerTimeSwitch(y, March) && summer < summerTimeSwitch(y, October);
  return time_point_cast<TimePoint::duration>(isSummer ? summer : wall - hours(1));
}

}  // namespace sportello::comune::station
