// SOAP 1.1 envelopes as pagoPA exchanges them: document/literal, one payload element in the Body
// (spec/pagopa.md, "Services and namespaces"), and SOAP Faults for what goes wrong below the pagoPA
// layer (not XML, not an envelope). pagoPA's own errors travel in a KO <op>Res instead (messages.hpp).
//
// Contract of readEnvelope():
//  - the bytes are parsed once, with xml::Document::parse() (hardened: no DOCTYPE, entity, PI, parse
//    error; size and depth capped); its refusals keep their "xml.*" rule names;
//  - the root is soapenv:Envelope in the SOAP 1.1 namespace ("soap.version" for the SOAP 1.2 one,
//    "soap.envelope" otherwise); it holds an optional Header, then one Body, then nothing else;
//  - Header blocks are ignored, except one with soapenv:mustUnderstand="1" ("soap.must_understand": we
//    understand none);
//  - the Body holds exactly one element, the payload ("soap.empty_body" for none, "soap.payloads" for
//    more); text outside elements is refused ("soap.body"); comments are ignored;
//  - a soapenv:Fault is a payload like any other: isSoapFault() and readSoapFault() are for clients.
// Nothing here looks inside the payload: messages.hpp reads it.
#pragma once

#include <libxml/tree.h>

#include <optional>
#include <string>
#include <string_view>

#include "core/base/result.hpp"
#include "core/xml/document.hpp"

namespace sportello::pagopa {

namespace ns {
inline constexpr std::string_view soap_envelope = "http://schemas.xmlsoap.org/soap/envelope/";
inline constexpr std::string_view soap12_envelope = "http://www.w3.org/2003/05/soap-envelope";
// The payload elements' namespaces (the XSDs' target namespaces; the WSDLs' own differ).
inline constexpr std::string_view pa_for_node = "http://pagopa-api.pagopa.gov.it/pa/paForNode.xsd";
inline constexpr std::string_view node_for_psp = "http://pagopa-api.pagopa.gov.it/node/nodeForPsp.xsd";
inline constexpr std::string_view common_types = "http://pagopa-api.pagopa.gov.it/xsd/common-types/v1.0.0/";
// Where SOAP Faults written here put the stable rule name (<detail><sp:rule>).
inline constexpr std::string_view sportello = "urn:sportello:soap";
}  // namespace ns

// The prefixes the WSDLs bind (prefixes carry no meaning; these are for readable output).
namespace prefix {
inline constexpr std::string_view soap_envelope = "soapenv";
inline constexpr std::string_view pa_for_node = "pafn";
inline constexpr std::string_view node_for_psp = "nfp";
}  // namespace prefix

// A read envelope: the document and its one payload element.
struct SoapMessage {
  xml::Document document;
  xmlNodePtr payload = nullptr;  // owned by `document`
  std::string ns;                // the payload's namespace URI, "" when it has none
  std::string name;              // the payload's local name
};

struct EnvelopeError {
  // "xml.*" (parser) or "soap.envelope", "soap.version", "soap.must_understand", "soap.body",
  // "soap.empty_body", "soap.payloads"
  std::string rule;
  std::string message;
};

Result<SoapMessage, EnvelopeError> readEnvelope(std::string_view bytes, const xml::ParseLimits& limits = {});

// SOAP 1.1 fault codes (local names in the envelope namespace).
namespace soap_code {
inline constexpr std::string_view version_mismatch = "VersionMismatch";
inline constexpr std::string_view must_understand = "MustUnderstand";
inline constexpr std::string_view client = "Client";
inline constexpr std::string_view server = "Server";
}  // namespace soap_code

struct SoapFault {
  // A local name of soap_code when the faultcode QName is in the envelope namespace ("Client"),
  // otherwise the faultcode text as found.
  std::string code{soap_code::client};
  std::string string;  // faultstring
  std::optional<std::string> actor;
  std::optional<std::string> rule;  // <detail><sp:rule>: the rule that refused the request, when ours

  bool operator==(const SoapFault&) const = default;
};

// The fault to answer a refused envelope with: VersionMismatch, MustUnderstand or Client, the message
// as faultstring, the rule in the detail.
SoapFault toSoapFault(const EnvelopeError& e);
// A complete envelope: <soapenv:Fault><faultcode>soapenv:Client</faultcode><faultstring>...
std::string writeSoapFault(const SoapFault& f);

bool isSoapFault(const SoapMessage& m);
// Reads the payload of a message for which isSoapFault() holds ("soap.fault" when malformed).
Result<SoapFault, EnvelopeError> readSoapFault(const SoapMessage& m);

// Builds <soapenv:Envelope xmlns:soapenv=".." xmlns:<prefix>="<ns>"><soapenv:Body><prefix:name/>:
// the caller fills payload() and serialises. Children added without a namespace are unqualified, as
// pagoPA's schemas (no elementFormDefault) want.
class Envelope {
 public:
  Envelope(std::string_view payload_ns, std::string_view payload_prefix, std::string_view payload_name);
  xmlNodePtr payload() const { return payload_; }
  std::string serialize() const { return document_.serialize(); }

 private:
  xml::Document document_;
  xmlNodePtr payload_ = nullptr;
};

// A new envelope around a deep copy of `payload` (an element of some other document): how a relay
// forwards a payload it has read.
std::string writeEnvelope(const xmlNode* payload);

}  // namespace sportello::pagopa
