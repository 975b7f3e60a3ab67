#include "core/saml/authn_request.hpp"

#include <openssl/rand.h>

namespace sportello::saml {

namespace {
std::string textOrEmpty(const xmlNode* n) {
  return xml::text(n).value_or("");
}
}  // namespace

std::string newId() {
  unsigned char bytes[16];
  RAND_bytes(bytes, sizeof bytes);
  static constexpr char hex[] = "0123456789abcdef";
  std::string id = "_";
  for (unsigned char b : bytes) {
    id.push_back(hex[b >> 4]);
    id.push_back(hex[b & 0xF]);
  }
  return id;
}

std::optional<int> parseIndex(const Opt& s) {
  if (!s || s->empty() || s->size() > 5) return std::nullopt;
  int v = 0;
  for (char ch : *s) {
    if (ch < '0' || ch > '9') return std::nullopt;
    v = v * 10 + (ch - '0');
  }
  return v;
}

Result<AuthnRequest, xml::Error> readAuthnRequest(const xml::Document& doc) {
  const xmlNode* root = doc.root();
  if (root == nullptr || !xml::is(root, ns::protocol, "AuthnRequest")) {
    return fail(xml::Error{"saml.root", "the message is not a samlp:AuthnRequest"});
  }
  AuthnRequest r;
  r.id = xml::attribute(root, "ID");
  r.version = xml::attribute(root, "Version");
  r.issue_instant = xml::attribute(root, "IssueInstant");
  r.destination = xml::attribute(root, "Destination");
  r.force_authn = xml::attribute(root, "ForceAuthn");
  r.is_passive = xml::attribute(root, "IsPassive");
  r.acs_index = xml::attribute(root, "AssertionConsumerServiceIndex");
  r.acs_url = xml::attribute(root, "AssertionConsumerServiceURL");
  r.protocol_binding = xml::attribute(root, "ProtocolBinding");
  r.attribute_consuming_service_index = xml::attribute(root, "AttributeConsumingServiceIndex");

  const xmlNode* issuer = xml::child(root, ns::assertion, "Issuer", &r.issuer.count);
  if (issuer != nullptr) {
    r.issuer.value = xml::text(issuer);
    r.issuer.format = xml::attribute(issuer, "Format");
    r.issuer.name_qualifier = xml::attribute(issuer, "NameQualifier");
  }
  const xmlNode* nip = xml::child(root, ns::protocol, "NameIDPolicy", &r.name_id_policy_count);
  if (nip != nullptr) {
    r.name_id_policy_format = xml::attribute(nip, "Format");
    r.name_id_policy_allow_create = xml::attribute(nip, "AllowCreate");
  }
  const xmlNode* rac =
      xml::child(root, ns::protocol, "RequestedAuthnContext", &r.requested_authn_context_count);
  if (rac != nullptr) {
    r.comparison = xml::attribute(rac, "Comparison");
    for (const xmlNode* ref : xml::children(rac, ns::assertion, "AuthnContextClassRef")) {
      r.class_refs.push_back(textOrEmpty(ref));
    }
  }
  const xmlNode* scoping = xml::child(root, ns::protocol, "Scoping", &r.scoping_count);
  if (scoping != nullptr) r.proxy_count = xml::attribute(scoping, "ProxyCount");
  xml::signatureOf(root, &r.signature_count);
  return r;
}

xml::Document buildAuthnRequest(const AuthnRequestSpec& spec) {
  auto doc = xml::Document::create(ns::protocol, "samlp", "AuthnRequest");
  xmlNodePtr root = doc.root();
  xmlNewNs(root, reinterpret_cast<const xmlChar*>(ns::assertion.data()),
           reinterpret_cast<const xmlChar*>("saml"));
  xml::setAttribute(root, "ID", spec.id.empty() ? newId() : spec.id);
  xml::setAttribute(root, "Version", "2.0");
  xml::setAttribute(root, "IssueInstant", formatDateTime(spec.issue_instant));
  xml::setAttribute(root, "Destination", spec.destination);
  if (spec.force_authn) xml::setAttribute(root, "ForceAuthn", "true");
  if (spec.acs_index) {
    xml::setAttribute(root, "AssertionConsumerServiceIndex", std::to_string(*spec.acs_index));
  } else {
    xml::setAttribute(root, "AssertionConsumerServiceURL", spec.acs_url);
    xml::setAttribute(root, "ProtocolBinding", binding::post);
  }
  if (spec.attribute_consuming_service_index) {
    xml::setAttribute(root, "AttributeConsumingServiceIndex",
                      std::to_string(*spec.attribute_consuming_service_index));
  }
  xmlNodePtr issuer = xml::addChild(root, ns::assertion, "saml", "Issuer", spec.issuer);
  xml::setAttribute(issuer, "Format", nameid::entity);
  xml::setAttribute(issuer, "NameQualifier", spec.issuer);
  xmlNodePtr nip = xml::addChild(root, ns::protocol, "samlp", "NameIDPolicy");
  xml::setAttribute(nip, "Format", nameid::transient);
  xmlNodePtr rac = xml::addChild(root, ns::protocol, "samlp", "RequestedAuthnContext");
  xml::setAttribute(rac, "Comparison", toString(spec.comparison));
  xml::addChild(rac, ns::assertion, "saml", "AuthnContextClassRef", levelUri(spec.level));
  return doc;
}

}  // namespace sportello::saml
