#include "core/pagopa/soap.hpp"

#include <libxml/tree.h>

#include <string>
#include <utility>
#include <vector>

namespace sportello::pagopa {

namespace {

const char* cstr(const xmlChar* s) {
  return reinterpret_cast<const char*>(s);
}
const xmlChar* xstr(const std::string& s) {
  return reinterpret_cast<const xmlChar*>(s.c_str());
}

EnvelopeError error(std::string rule, std::string message) {
  return EnvelopeError{std::move(rule), std::move(message)};
}

// Names found in the message, for messages: control characters replaced, length capped.
std::string shown(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 80)) out += static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? '?' : c;
  if (s.size() > 80) out += "...";
  return out;
}

std::string describe(const xmlNode* n) {
  std::string name = n->name != nullptr ? shown(cstr(n->name)) : "?";
  if (n->ns != nullptr && n->ns->href != nullptr) return "<{" + shown(cstr(n->ns->href)) + "}" + name + ">";
  return "<" + name + ">";
}

bool blank(const xmlNode* text) {
  if (text->content == nullptr) return true;
  for (const xmlChar* p = text->content; *p != 0; ++p) {
    if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n') return false;
  }
  return true;
}

// Element children of `parent`; text that is not blank is an error (element-only content).
std::optional<std::string> elementChildren(const xmlNode* parent, std::vector<xmlNodePtr>& out) {
  for (xmlNodePtr c = parent->children; c != nullptr; c = c->next) {
    if (c->type == XML_ELEMENT_NODE) {
      out.push_back(c);
    } else if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && !blank(c)) {
      return "text content in " + describe(parent) + " (only elements are allowed there)";
    }
  }
  return std::nullopt;
}

bool mustUnderstand(const xmlNode* block) {
  xmlChar* v = xmlGetNsProp(block, reinterpret_cast<const xmlChar*>("mustUnderstand"),
                            reinterpret_cast<const xmlChar*>(ns::soap_envelope.data()));
  if (v == nullptr) return false;
  std::string value = cstr(v);
  xmlFree(v);
  return value == "1" || value == "true";
}

}  // namespace

Result<SoapMessage, EnvelopeError> readEnvelope(std::string_view bytes, const xml::ParseLimits& limits) {
  auto parsed = xml::Document::parse(bytes, limits);
  if (!parsed) return fail(error(parsed.error().rule, parsed.error().message));
  xml::Document doc = std::move(parsed).value();
  xmlNodePtr root = doc.root();
  if (xml::is(root, ns::soap12_envelope, "Envelope")) {
    return fail(error("soap.version", "a SOAP 1.2 envelope: pagoPA speaks SOAP 1.1 (" +
                                          std::string(ns::soap_envelope) + ")"));
  }
  if (!xml::is(root, ns::soap_envelope, "Envelope")) {
    return fail(
        error("soap.envelope", "the root element is " + describe(root) + ", not a SOAP 1.1 Envelope"));
  }
  std::vector<xmlNodePtr> parts;
  if (auto e = elementChildren(root, parts)) return fail(error("soap.envelope", *e));
  std::size_t i = 0;
  if (i < parts.size() && xml::is(parts[i], ns::soap_envelope, "Header")) {
    for (xmlNodePtr block : xml::children(parts[i])) {
      if (mustUnderstand(block)) {
        return fail(error("soap.must_understand", "header block " + describe(block) +
                                                      " has mustUnderstand=\"1\": none is understood here"));
      }
    }
    ++i;
  }
  if (i >= parts.size() || !xml::is(parts[i], ns::soap_envelope, "Body")) {
    return fail(error("soap.envelope", i < parts.size() ? "expected the Body, found " + describe(parts[i])
                                                        : "the Envelope has no Body"));
  }
  xmlNodePtr body = parts[i++];
  if (i < parts.size()) {
    return fail(error("soap.envelope", "element " + describe(parts[i]) + " after the Body"));
  }
  std::vector<xmlNodePtr> payloads;
  if (auto e = elementChildren(body, payloads)) return fail(error("soap.body", *e));
  if (payloads.empty()) return fail(error("soap.empty_body", "the Body holds no payload element"));
  if (payloads.size() > 1) {
    return fail(error("soap.payloads", "the Body holds " + std::to_string(payloads.size()) + " elements (" +
                                           describe(payloads[0]) + ", " + describe(payloads[1]) +
                                           "...): exactly one is allowed"));
  }
  SoapMessage m{std::move(doc), payloads[0], {}, {}};
  if (m.payload->ns != nullptr && m.payload->ns->href != nullptr) m.ns = cstr(m.payload->ns->href);
  m.name = cstr(m.payload->name);
  return m;
}

SoapFault toSoapFault(const EnvelopeError& e) {
  SoapFault f;
  f.code = e.rule == "soap.version"           ? soap_code::version_mismatch
           : e.rule == "soap.must_understand" ? soap_code::must_understand
                                              : soap_code::client;
  f.string = e.message;
  f.rule = e.rule;
  return f;
}

std::string writeSoapFault(const SoapFault& f) {
  Envelope env(ns::soap_envelope, prefix::soap_envelope, "Fault");
  xmlNodePtr fault = env.payload();
  const bool ours = f.code == soap_code::client || f.code == soap_code::server ||
                    f.code == soap_code::version_mismatch || f.code == soap_code::must_understand;
  xml::addChild(fault, "", "", "faultcode",
                ours ? std::string(prefix::soap_envelope) + ":" + f.code : f.code);
  xml::addChild(fault, "", "", "faultstring", f.string);
  if (f.actor) xml::addChild(fault, "", "", "faultactor", *f.actor);
  if (f.rule) {
    xmlNodePtr detail = xml::addChild(fault, "", "", "detail");
    xml::addChild(detail, ns::sportello, "sp", "rule", *f.rule);
  }
  return env.serialize();
}

bool isSoapFault(const SoapMessage& m) {
  return m.ns == ns::soap_envelope && m.name == "Fault";
}

Result<SoapFault, EnvelopeError> readSoapFault(const SoapMessage& m) {
  if (!isSoapFault(m)) return fail(error("soap.fault", "the payload is not a soapenv:Fault"));
  SoapFault f;
  std::vector<xmlNodePtr> parts;
  if (auto e = elementChildren(m.payload, parts)) return fail(error("soap.fault", *e));
  std::size_t i = 0;
  auto next = [&](std::string_view name) -> xmlNodePtr {
    return i < parts.size() && xml::is(parts[i], "", name) ? parts[i++] : nullptr;
  };
  xmlNodePtr code = next("faultcode");
  xmlNodePtr string = next("faultstring");
  if (code == nullptr || string == nullptr) {
    return fail(error("soap.fault", "a Fault needs faultcode then faultstring"));
  }
  auto codeText = xml::text(code);
  auto stringText = xml::text(string);
  if (!codeText || !stringText) return fail(error("soap.fault", "faultcode and faultstring hold text only"));
  f.code = *codeText;
  f.string = *stringText;
  // faultcode is a QName: only a prefix bound to the envelope namespace makes it one of SOAP's codes.
  if (auto colon = codeText->find(':'); colon != std::string::npos) {
    xmlNsPtr bound = xmlSearchNs(m.document.get(), code, xstr(codeText->substr(0, colon)));
    if (bound != nullptr && bound->href != nullptr && ns::soap_envelope == cstr(bound->href)) {
      f.code = codeText->substr(colon + 1);
    }
  }
  if (xmlNodePtr actor = next("faultactor")) {
    auto t = xml::text(actor);
    if (!t) return fail(error("soap.fault", "faultactor holds text only"));
    f.actor = *t;
  }
  if (xmlNodePtr detail = next("detail")) {
    if (xmlNodePtr rule = xml::child(detail, ns::sportello, "rule")) f.rule = xml::text(rule);
  }
  if (i < parts.size())
    return fail(error("soap.fault", "unexpected " + describe(parts[i]) + " in the Fault"));
  return f;
}

Envelope::Envelope(std::string_view payload_ns, std::string_view payload_prefix,
                   std::string_view payload_name)
    : document_(xml::Document::create(ns::soap_envelope, prefix::soap_envelope, "Envelope")) {
  xmlNodePtr root = document_.root();
  // Declared once on the Envelope, as pagoPA's examples do, rather than on the payload.
  if (payload_ns != ns::soap_envelope) {
    xmlNewNs(root, xstr(std::string(payload_ns)), xstr(std::string(payload_prefix)));
  }
  xmlNodePtr body = xml::addChild(root, ns::soap_envelope, prefix::soap_envelope, "Body");
  payload_ = xml::addChild(body, payload_ns, payload_prefix, payload_name);
}

std::string writeEnvelope(const xmlNode* payload) {
  xml::Document doc = xml::Document::create(ns::soap_envelope, prefix::soap_envelope, "Envelope");
  xmlNodePtr body = xml::addChild(doc.root(), ns::soap_envelope, prefix::soap_envelope, "Body");
  if (payload != nullptr && body != nullptr) {
    // The copy declares on itself whatever namespaces it uses that were declared above it.
    xmlNodePtr copy = xmlDocCopyNode(const_cast<xmlNode*>(payload), doc.get(), 1);
    if (copy != nullptr && xmlAddChild(body, copy) == nullptr) xmlFreeNode(copy);
  }
  return doc.serialize();
}

}  // namespace sportello::pagopa
