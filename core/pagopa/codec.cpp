// What both services share: the operation table, enumeration names, the common complex types
// (sac-common-types, and ctQrCode/ctSubject which both XSDs define alike), writeKo().
#include "core/pagopa/codec.hpp"

#include <array>

#include "core/pagopa/notice.hpp"

namespace sportello::pagopa {

namespace {

constexpr std::array<OperationInfo, 10> kOperations{{
    {Operation::pa_verify_payment_notice, "paVerifyPaymentNotice", ns::pa_for_node,
     "paVerifyPaymentNoticeReq", "paVerifyPaymentNoticeRes", FaultPrefix::paa},
    {Operation::pa_get_payment, "paGetPayment", ns::pa_for_node, "paGetPaymentReq", "paGetPaymentRes",
     FaultPrefix::paa},
    {Operation::pa_get_payment_v2, "paGetPaymentV2", ns::pa_for_node, "paGetPaymentV2Request",
     "paGetPaymentV2Response", FaultPrefix::paa},
    {Operation::pa_send_rt, "paSendRT", ns::pa_for_node, "paSendRTReq", "paSendRTRes", FaultPrefix::paa},
    {Operation::pa_send_rt_v2, "paSendRTV2", ns::pa_for_node, "paSendRTV2Request", "paSendRTV2Response",
     FaultPrefix::paa},
    {Operation::verify_payment_notice, "verifyPaymentNotice", ns::node_for_psp, "verifyPaymentNoticeReq",
     "verifyPaymentNoticeRes", FaultPrefix::ppt},
    {Operation::activate_payment_notice, "activatePaymentNotice", ns::node_for_psp,
     "activatePaymentNoticeReq", "activatePaymentNoticeRes", FaultPrefix::ppt},
    {Operation::activate_payment_notice_v2, "activatePaymentNoticeV2", ns::node_for_psp,
     "activatePaymentNoticeV2Request", "activatePaymentNoticeV2Response", FaultPrefix::ppt},
    {Operation::send_payment_outcome, "sendPaymentOutcome", ns::node_for_psp, "sendPaymentOutcomeReq",
     "sendPaymentOutcomeRes", FaultPrefix::ppt},
    {Operation::send_payment_outcome_v2, "sendPaymentOutcomeV2", ns::node_for_psp,
     "sendPaymentOutcomeV2Request", "sendPaymentOutcomeV2Response", FaultPrefix::ppt},
}};

}  // namespace

std::span<const OperationInfo> operations() {
  return kOperations;
}

const OperationInfo& info(Operation op) {
  for (const auto& o : kOperations) {
    if (o.operation == op) return o;
  }
  return kOperations[0];  // unreachable: every enumerator is in the table
}

std::optional<Operation> requestOperation(const SoapMessage& m) {
  for (const auto& o : kOperations) {
    if (m.ns == o.ns && m.name == o.request) return o.operation;
  }
  return std::nullopt;
}

std::optional<Operation> responseOperation(const SoapMessage& m) {
  for (const auto& o : kOperations) {
    if (m.ns == o.ns && m.name == o.response) return o.operation;
  }
  return std::nullopt;
}

std::optional<Operation> operationForSoapAction(std::string_view soap_action) {
  if (soap_action.size() >= 2 && soap_action.front() == '"' && soap_action.back() == '"') {
    soap_action = soap_action.substr(1, soap_action.size() - 2);
  }
  for (const auto& o : kOperations) {
    if (o.soap_action == soap_action) return o.operation;
  }
  return std::nullopt;
}

FaultBean envelopeFault(const EnvelopeError& e, FaultPrefix prefix) {
  const std::string_view code =
      prefix == FaultPrefix::paa ? fault::paa_sintassi_extraxsd : fault::ppt_sintassi_extraxsd;
  return makeFault(code, prefix == FaultPrefix::ppt ? std::string(fault::node_id) : std::string(),
                   e.rule + ": " + e.message);
}

std::string writeKo(Operation op, const FaultBean& fault) {
  const OperationInfo& o = info(op);
  Envelope env(o.ns, detail::prefixFor(o.ns), o.response);
  detail::writeResponseHead(env.payload(), Outcome::ko, fault);
  return env.serialize();
}

std::string_view toString(Outcome o) {
  return detail::nameOf(detail::kOutcomes, o);
}
std::string_view toString(EntityType t) {
  return detail::nameOf(detail::kEntityTypes, t);
}
std::string_view toString(AmountOption o) {
  return detail::nameOf(detail::kAmountOptions, o);
}
std::string_view toString(TransferType t) {
  return detail::nameOf(detail::kTransferTypes, t);
}
std::string_view toString(PaymentMethodFee m) {
  return detail::nameOf(detail::kPaymentMethodFees, m);
}
std::string_view toString(TouchPoint t) {
  return detail::nameOf(detail::kTouchPoints, t);
}
std::string_view toString(PaymentMethod m) {
  return detail::nameOf(detail::kPaymentMethods, m);
}
std::string_view toString(PaymentChannel c) {
  return detail::nameOf(detail::kPaymentChannels, c);
}

namespace detail {

std::string_view prefixFor(std::string_view namespaceUri) {
  return namespaceUri == ns::pa_for_node ? prefix::pa_for_node : prefix::node_for_psp;
}

// ---- Writing ----

xmlNodePtr element(xmlNodePtr parent, std::string_view name) {
  return xml::addChild(parent, "", "", name);
}
void put(xmlNodePtr parent, std::string_view name, std::string_view text) {
  xml::addChild(parent, "", "", name, text);
}
void putOpt(xmlNodePtr parent, std::string_view name, const std::optional<std::string>& text) {
  if (text) put(parent, name, *text);
}
void putAmount(xmlNodePtr parent, std::string_view name, std::int64_t cents) {
  put(parent, name, formatAmount(cents));
}
void putOptAmount(xmlNodePtr parent, std::string_view name, const std::optional<std::int64_t>& cents) {
  if (cents) putAmount(parent, name, *cents);
}
void putInt(xmlNodePtr parent, std::string_view name, std::int64_t v) {
  put(parent, name, std::to_string(v));
}
void putDate(xmlNodePtr parent, std::string_view name, Date d) {
  put(parent, name, formatDate(d));
}
void putOptDate(xmlNodePtr parent, std::string_view name, const std::optional<Date>& d) {
  if (d) putDate(parent, name, *d);
}
void putOptDateTime(xmlNodePtr parent, std::string_view name, const std::optional<DateTime>& t) {
  if (t) put(parent, name, formatDateTime(*t));
}
void putBool(xmlNodePtr parent, std::string_view name, bool b) {
  put(parent, name, b ? "true" : "false");
}
void putOptBool(xmlNodePtr parent, std::string_view name, const std::optional<bool>& b) {
  if (b) putBool(parent, name, *b);
}

// ---- Common complex types ----

QrCode readQrCode(ReadContext& cx, const xmlNode* n, const std::string& path) {
  Sequence s(cx, n, path, {"fiscalCode", "noticeNumber"});
  QrCode q;
  q.fiscal_code = s.string("fiscalCode", kFiscalCodePa);
  q.notice_number = s.string("noticeNumber", kNoticeNumber);
  s.finish();
  return q;
}

void writeQrCode(xmlNodePtr parent, std::string_view name, const QrCode& q) {
  xmlNodePtr e = element(parent, name);
  put(e, "fiscalCode", q.fiscal_code);
  put(e, "noticeNumber", q.notice_number);
}

namespace {

struct UniqueIdentifier {
  EntityType type = EntityType::physical_person;
  std::string value;
};

UniqueIdentifier readUniqueIdentifier(ReadContext& cx, const xmlNode* n, const std::string& path) {
  Sequence s(cx, n, path, {"entityUniqueIdentifierType", "entityUniqueIdentifierValue"});
  UniqueIdentifier u;
  u.type = s.enumeration("entityUniqueIdentifierType", kEntityTypes);
  u.value = s.string("entityUniqueIdentifierValue", kEntityIdValue);
  s.finish();
  return u;
}

}  // namespace

Subject readSubject(ReadContext& cx, const xmlNode* n, const std::string& path) {
  Sequence s(cx, n, path,
             {"uniqueIdentifier", "fullName", "streetName", "civicNumber", "postalCode", "city",
              "stateProvinceRegion", "country", "e-mail"});
  Subject r;
  auto id = s.complex("uniqueIdentifier", readUniqueIdentifier);
  r.entity_type = id.type;
  r.entity_id = std::move(id.value);
  r.full_name = s.string("fullName", kText70);
  r.street_name = s.optString("streetName", kText70);
  r.civic_number = s.optString("civicNumber", kText16);
  r.postal_code = s.optString("postalCode", kText16);
  r.city = s.optString("city", kText35);
  r.state_province_region = s.optString("stateProvinceRegion", kText35);
  r.country = s.optString("country", kNazioneProvincia);
  r.email = s.optString("e-mail", kEmail);
  s.finish();
  return r;
}

void writeSubject(xmlNodePtr parent, std::string_view name, const Subject& r) {
  xmlNodePtr e = element(parent, name);
  xmlNodePtr id = element(e, "uniqueIdentifier");
  putEnum(id, "entityUniqueIdentifierType", kEntityTypes, r.entity_type);
  put(id, "entityUniqueIdentifierValue", r.entity_id);
  put(e, "fullName", r.full_name);
  putOpt(e, "streetName", r.street_name);
  putOpt(e, "civicNumber", r.civic_number);
  putOpt(e, "postalCode", r.postal_code);
  putOpt(e, "city", r.city);
  putOpt(e, "stateProvinceRegion", r.state_province_region);
  putOpt(e, "country", r.country);
  putOpt(e, "e-mail", r.email);
}

namespace {

MapEntry readMapEntry(ReadContext& cx, const xmlNode* n, const std::string& path) {
  Sequence s(cx, n, path, {"key", "value"});
  MapEntry e;
  e.key = s.string("key", kText140);
  e.value = s.string("value", kText140);
  s.finish();
  return e;
}

}  // namespace

Metadata readMetadata(ReadContext& cx, const xmlNode* n, const std::string& path) {
  Sequence s(cx, n, path, {"mapEntry"});
  Metadata m = s.list("mapEntry", 1, 15, readMapEntry);
  s.finish();
  return m;
}

void writeMetadata(xmlNodePtr parent, std::string_view name, const Metadata& m) {
  if (m.empty()) return;
  xmlNodePtr e = element(parent, name);
  for (const auto& entry : m) {
    xmlNodePtr me = element(e, "mapEntry");
    put(me, "key", entry.key);
    put(me, "value", entry.value);
  }
}

FaultBean readFaultBean(ReadContext& cx, const xmlNode* n, const std::string& path) {
  Sequence s(cx, n, path,
             {"faultCode", "faultString", "id", "description", "serial", "originalFaultCode",
              "originalFaultString", "originalDescription"});
  FaultBean f;
  f.fault_code = s.string("faultCode", kString);
  f.fault_string = s.string("faultString", kString);
  f.id = s.string("id", kString);
  f.description = s.optString("description", kString);
  if (const xmlNode* serial = s.optional("serial")) f.serial = readInt(cx, serial, s.path("serial"));
  f.original_fault_code = s.optString("originalFaultCode", kString);
  f.original_fault_string = s.optString("originalFaultString", kString);
  f.original_description = s.optString("originalDescription", kString);
  s.finish();
  return f;
}

void writeFaultBean(xmlNodePtr parent, std::string_view name, const FaultBean& f) {
  xmlNodePtr e = element(parent, name);
  put(e, "faultCode", f.fault_code);
  put(e, "faultString", f.fault_string);
  put(e, "id", f.id);
  putOpt(e, "description", f.description);
  if (f.serial) putInt(e, "serial", *f.serial);
  putOpt(e, "originalFaultCode", f.original_fault_code);
  putOpt(e, "originalFaultString", f.original_fault_string);
  putOpt(e, "originalDescription", f.original_description);
}

RichiestaMarcaDaBollo readRichiestaMarcaDaBollo(ReadContext& cx, const xmlNode* n, const std::string& path) {
  Sequence s(cx, n, path, {"hashDocumento", "tipoBollo", "provinciaResidenza"});
  RichiestaMarcaDaBollo r;
  r.hash_documento = s.string("hashDocumento", kBase64Binary72);
  // stTipoBolloDigitale: an enumeration of one value.
  if (const xmlNode* t = s.required("tipoBollo")) {
    constexpr std::array<std::string_view, 1> kTipi{"01"};
    if (auto i = readEnumeration(cx, t, s.path("tipoBollo"), kTipi.data(), kTipi.size()))
      r.tipo_bollo = kTipi[*i];
  }
  r.provincia_residenza = s.string("provinciaResidenza", kNazioneProvincia);
  s.finish();
  return r;
}

void writeRichiestaMarcaDaBollo(xmlNodePtr parent, std::string_view name, const RichiestaMarcaDaBollo& r) {
  xmlNodePtr e = element(parent, name);
  put(e, "hashDocumento", r.hash_documento);
  put(e, "tipoBollo", r.tipo_bollo);
  put(e, "provinciaResidenza", r.provincia_residenza);
}

void readResponseHead(Sequence& s, Outcome& outcome, std::optional<FaultBean>& fault) {
  outcome = s.enumeration("outcome", kOutcomes);
  fault = s.optComplex("fault", readFaultBean);
}

void writeResponseHead(xmlNodePtr payload, Outcome outcome, const std::optional<FaultBean>& fault) {
  putEnum(payload, "outcome", kOutcomes, outcome);
  if (fault) writeFaultBean(payload, "fault", *fault);
}

void checkNoticeNumber(ReadContext& cx, const std::string& path, const std::string& notice) {
  auto n = parseNoticeNumber(notice);
  if (!n) cx.semantics(path, quoted(notice) + " is not a valid notice number: " + n.error().message);
}

}  // namespace detail

}  // namespace sportello::pagopa
