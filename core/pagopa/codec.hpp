// Internal to core/pagopa: what the paForNode and nodeForPsp codecs share (enumeration names, writers of
// simple values, the common complex types, the generic read<T>() and write()). Not part of the
// component's contract.
#pragma once

#include <libxml/tree.h>

#include <array>
#include <numeric>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/pagopa/messages.hpp"
#include "core/pagopa/notice.hpp"
#include "core/pagopa/schema_reader.hpp"

namespace sportello::pagopa::detail {

// ---- Enumerations: value <-> the XSD's lexical form ----

inline constexpr std::array<EnumName<Outcome>, 2> kOutcomes{{{Outcome::ok, "OK"}, {Outcome::ko, "KO"}}};
inline constexpr std::array<EnumName<EntityType>, 2> kEntityTypes{
    {{EntityType::physical_person, "F"}, {EntityType::legal_person, "G"}}};
inline constexpr std::array<EnumName<AmountOption>, 4> kAmountOptions{{{AmountOption::eq, "EQ"},
                                                                       {AmountOption::ls, "LS"},
                                                                       {AmountOption::gt, "GT"},
                                                                       {AmountOption::any, "ANY"}}};
inline constexpr std::array<EnumName<TransferType>, 2> kTransferTypes{
    {{TransferType::postal, "POSTAL"}, {TransferType::pagopa, "PAGOPA"}}};
inline constexpr std::array<EnumName<PaymentMethodFee>, 9> kPaymentMethodFees{
    {{PaymentMethodFee::bbt, "BBT"},
     {PaymentMethodFee::bp, "BP"},
     {PaymentMethodFee::ad, "AD"},
     {PaymentMethodFee::cp, "CP"},
     {PaymentMethodFee::po, "PO"},
     {PaymentMethodFee::obep, "OBEP"},
     {PaymentMethodFee::jif, "JIF"},
     {PaymentMethodFee::mybk, "MYBK"},
     {PaymentMethodFee::ppal, "PPAL"}}};
inline constexpr std::array<EnumName<TouchPoint>, 9> kTouchPoints{{{TouchPoint::io, "IO"},
                                                                   {TouchPoint::wisp, "WISP"},
                                                                   {TouchPoint::checkout, "CHECKOUT"},
                                                                   {TouchPoint::psp, "PSP"},
                                                                   {TouchPoint::atm, "ATM"},
                                                                   {TouchPoint::betting, "BETTING"},
                                                                   {TouchPoint::ts, "TS"},
                                                                   {TouchPoint::hb, "HB"},
                                                                   {TouchPoint::pos, "POS"}}};
inline constexpr std::array<EnumName<PaymentMethod>, 4> kPaymentMethods{
    {{PaymentMethod::cash, "cash"},
     {PaymentMethod::credit_card, "creditCard"},
     {PaymentMethod::bancomat, "bancomat"},
     {PaymentMethod::other, "other"}}};
inline constexpr std::array<EnumName<PaymentChannel>, 5> kPaymentChannels{
    {{PaymentChannel::front_office, "frontOffice"},
     {PaymentChannel::atm, "atm"},
     {PaymentChannel::on_line, "onLine"},
     {PaymentChannel::app, "app"},
     {PaymentChannel::other, "other"}}};

// ---- Writing simple values (children are unqualified) ----

xmlNodePtr element(xmlNodePtr parent, std::string_view name);
void put(xmlNodePtr parent, std::string_view name, std::string_view text);
void putOpt(xmlNodePtr parent, std::string_view name, const std::optional<std::string>& text);
void putAmount(xmlNodePtr parent, std::string_view name, std::int64_t cents);
void putOptAmount(xmlNodePtr parent, std::string_view name, const std::optional<std::int64_t>& cents);
void putInt(xmlNodePtr parent, std::string_view name, std::int64_t v);
void putDate(xmlNodePtr parent, std::string_view name, Date d);
void putOptDate(xmlNodePtr parent, std::string_view name, const std::optional<Date>& d);
void putOptDateTime(xmlNodePtr parent, std::string_view name, const std::optional<DateTime>& t);
void putBool(xmlNodePtr parent, std::string_view name, bool b);
void putOptBool(xmlNodePtr parent, std::string_view name, const std::optional<bool>& b);
template <class E, std::size_t N>
void putEnum(xmlNodePtr parent, std::string_view name, const std::array<EnumName<E>, N>& names, E value) {
  put(parent, name, nameOf(names, value));
}
template <class E, std::size_t N>
void putOptEnum(xmlNodePtr parent, std::string_view name, const std::array<EnumName<E>, N>& names,
                const std::optional<E>& value) {
  if (value) put(parent, name, nameOf(names, *value));
}

// ---- Common complex types ----

QrCode readQrCode(ReadContext& cx, const xmlNode* n, const std::string& path);
void writeQrCode(xmlNodePtr parent, std::string_view name, const QrCode& q);
Subject readSubject(ReadContext& cx, const xmlNode* n, const std::string& path);
void writeSubject(xmlNodePtr parent, std::string_view name, const Subject& s);
Metadata readMetadata(ReadContext& cx, const xmlNode* n, const std::string& path);
void writeMetadata(xmlNodePtr parent, std::string_view name, const Metadata& m);  // nothing when empty
FaultBean readFaultBean(ReadContext& cx, const xmlNode* n, const std::string& path);
void writeFaultBean(xmlNodePtr parent, std::string_view name, const FaultBean& f);
RichiestaMarcaDaBollo readRichiestaMarcaDaBollo(ReadContext& cx, const xmlNode* n, const std::string& path);
void writeRichiestaMarcaDaBollo(xmlNodePtr parent, std::string_view name, const RichiestaMarcaDaBollo& r);

// ctResponse: outcome, fault?
void readResponseHead(Sequence& s, Outcome& outcome, std::optional<FaultBean>& fault);
void writeResponseHead(xmlNodePtr payload, Outcome outcome, const std::optional<FaultBean>& fault);

// ---- Semantic rules the XSD cannot express ----

// Check digits (and the aux digit) of an 18-digit notice number.
void checkNoticeNumber(ReadContext& cx, const std::string& path, const std::string& notice);

// idTransfer unique within the list; the amounts summing to `total` (when given).
template <class Transfer>
void checkTransfers(ReadContext& cx, const std::string& listPath, const std::vector<Transfer>& transfers,
                    std::optional<std::int64_t> total, std::string_view totalPath) {
  std::set<int> ids;
  for (std::size_t i = 0; i < transfers.size(); ++i) {
    if (!ids.insert(transfers[i].id_transfer).second) {
      cx.semantics(
          listPath + "/transfer[" + std::to_string(i + 1) + "]/idTransfer",
          "idTransfer " + std::to_string(transfers[i].id_transfer) + " is used by more than one transfer");
      return;
    }
  }
  if (!total || transfers.empty()) return;
  std::int64_t sum = 0;
  for (const auto& t : transfers) sum += t.transfer_amount;
  if (sum != *total) {
    cx.semantics(listPath, "the transfers sum to " + formatAmount(sum) + ", not to " +
                               std::string(totalPath) + " " + formatAmount(*total));
  }
}

// ---- One codec per message: Codec<T>::read(cx, payload, path), check(cx, value, path), write(payload,
// value)

template <class T>
struct Codec;

std::string_view prefixFor(std::string_view ns);

// Responses that are a bare ctResponse (paSendRT(V2)Res, sendPaymentOutcome(V2)Res).
template <class M>
struct HeadOnlyCodec {
  static M read(ReadContext& cx, const xmlNode* n, const std::string& path) {
    Sequence s(cx, n, path, {"outcome", "fault"});
    M m;
    readResponseHead(s, m.outcome, m.fault);
    s.finish();
    return m;
  }
  static void check(ReadContext&, const M&, const std::string&) {}
  static void write(xmlNodePtr p, const M& m) { writeResponseHead(p, m.outcome, m.fault); }
};

template <class T>
std::string_view elementOf() {
  return T::request ? info(T::operation).request : info(T::operation).response;
}

template <class T>
std::string writeMessage(const T& m) {
  const OperationInfo& op = info(T::operation);
  Envelope env(op.ns, prefixFor(op.ns), elementOf<T>());
  Codec<T>::write(env.payload(), m);
  return env.serialize();
}

}  // namespace sportello::pagopa::detail

namespace sportello::pagopa {

template <class T>
Result<T, FaultBean> read(const SoapMessage& message, std::optional<FaultPrefix> prefix) {
  const OperationInfo& op = info(T::operation);
  const std::string_view element = detail::elementOf<T>();
  detail::ReadContext cx(prefix.value_or(T::request ? op.request_reader : FaultPrefix::ppt));
  if (message.payload == nullptr || message.ns != op.ns || message.name != element) {
    cx.syntax(message.name.empty() ? "Body" : message.name,
              "expected the payload <" + std::string(element) + "> in namespace " + detail::quoted(op.ns) +
                  ", found <" + message.name + "> in namespace " + detail::quoted(message.ns));
    return fail(cx.take());
  }
  const std::string path(element);
  T value = detail::Codec<T>::read(cx, message.payload, path);
  if (!cx.failed()) detail::Codec<T>::check(cx, value, path);
  if (cx.anyFault()) return fail(cx.take());
  return value;
}

}  // namespace sportello::pagopa
