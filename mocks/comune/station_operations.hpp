// Internal to the station (station.cpp): the five paForNode operations as plain functions over the debt
// positions, a typed request in and the complete answer envelope (OK or KO) out. No HTTP here, and no
// judgement of the envelope: the request has passed read<T>() already (so its XSD and semantic rules hold).
//
// Every operation first checks who is asking (spec/pagopa.md "Faults"): idPA one of [[ec.creditors]]
// (PAA_ID_DOMINIO_ERRATO), idBrokerPA the [ec] id_broker_pa (PAA_ID_INTERMEDIARIO_ERRATO), idStation the
// [ec] id_station (PAA_STAZIONE_INT_ERRATA), in that order; for verify and getPayment the qrCode's EC must
// be idPA (PAA_SEMANTICA: a node asks the EC that owns the notice). Faults carry the EC's fiscal code as
// `id` (the broker's when idPA is not one of ours).
#pragma once

#include <string>
#include <string_view>

#include "core/config/config.hpp"
#include "core/pagopa/messages.hpp"
#include "mocks/comune/debt_positions.hpp"

namespace sportello::comune::station {

struct Context {
  const config::Ec& ec;
  DebtPositions& positions;
};

// What an operation decided: the envelope to send and the facts of the log line.
struct Answer {
  std::string envelope;
  bool ok = true;
  std::string fault_code;   // KO only
  std::string description;  // KO only
  std::string booking;      // paSendRT(V2) answered OK: "booked", "duplicate" or "copy"
};

std::string faultId(const config::Ec& ec, std::string_view id_pa);
// The KO <op>Res with `code` (its default faultString) and `description`.
Answer ko(const config::Ec& ec, pagopa::Operation op, std::string_view id_pa, std::string_view code,
          std::string description);

// paVerifyPaymentNotice: the notice's option (amount, EQ, due date, allCCP: every transfer has a postal
// IBAN), the EC's names. Nothing changes: a position stays open until paSendRT.
Answer verifyPaymentNotice(const Context& c, const pagopa::PaVerifyPaymentNoticeReq& r);
// paGetPayment(V2): the payment data; `amount`, when given, must be the option's
// (PAA_ATTIVA_RPT_IMPORTO_NON_VALIDO). transferType POSTAL puts postal IBANs where a transfer has one.
// V1 cannot carry a marca da bollo (PAA_SEMANTICA). Nothing changes either.
Answer getPayment(const Context& c, const pagopa::PaGetPaymentReq& r);
Answer getPaymentV2(const Context& c, const pagopa::PaGetPaymentV2Request& r);
// paSendRT(V2): bookReceipt() for recipient idPA; `raw_xml` (the request as received) is stored with it.
// A receipt with outcome KO is refused (PAA_SEMANTICA) and not stored: it pays nothing.
Answer sendRT(const Context& c, const pagopa::PaSendRTReq& r, std::string_view raw_xml);
Answer sendRTV2(const Context& c, const pagopa::PaSendRTV2Request& r, std::string_view raw_xml);

// pagoPA's date-times as instants: with a zone as written; without one as Italian wall-clock time
// (CET, or CEST from the last Sunday of March to the last Sunday of October, 01:00 UTC both).
TimePoint toTimePoint(const pagopa::DateTime& t);

}  // namespace sportello::comune::station
