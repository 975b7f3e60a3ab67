#include "core/saml/logout.hpp"

namespace sportello::saml {

namespace {

IssuerView readIssuer(const xmlNode* parent) {
  IssuerView v;
  const xmlNode* issuer = xml::child(parent, ns::assertion, "Issuer", &v.count);
  if (issuer != nullptr) {
    v.value = xml::text(issuer);
    v.format = xml::attribute(issuer, "Format");
    v.name_qualifier = xml::attribute(issuer, "NameQualifier");
  }
  return v;
}

xmlNodePtr start(xml::Document& doc, const std::string& id, TimePoint now, const std::string& destination,
                 const std::string& issuer, xmlNodePtr& issuerNode) {
  xmlNodePtr root = doc.root();
  xmlNewNs(root, reinterpret_cast<const xmlChar*>(ns::assertion.data()),
           reinterpret_cast<const xmlChar*>("saml"));
  xml::setAttribute(root, "ID", id.empty() ? newId() : id);
  xml::setAttribute(root, "Version", "2.0");
  xml::setAttribute(root, "IssueInstant", formatDateTime(now));
  xml::setAttribute(root, "Destination", destination);
  issuerNode = xml::addChild(root, ns::assertion, "saml", "Issuer", issuer);
  xml::setAttribute(issuerNode, "Format", nameid::entity);
  xml::setAttribute(issuerNode, "NameQualifier", issuer);
  return root;
}

}  // namespace

Result<LogoutRequest, xml::Error> readLogoutRequest(const xml::Document& doc) {
  const xmlNode* root = doc.root();
  if (root == nullptr || !xml::is(root, ns::protocol, "LogoutRequest")) {
    return fail(xml::Error{"saml.root", "the message is not a samlp:LogoutRequest"});
  }
  LogoutRequest r;
  r.id = xml::attribute(root, "ID");
  r.version = xml::attribute(root, "Version");
  r.issue_instant = xml::attribute(root, "IssueInstant");
  r.destination = xml::attribute(root, "Destination");
  r.issuer = readIssuer(root);
  if (const xmlNode* n = xml::child(root, ns::assertion, "NameID", &r.name_id_count)) {
    r.name_id = xml::text(n);
    r.name_id_format = xml::attribute(n, "Format");
    r.name_id_qualifier = xml::attribute(n, "NameQualifier");
  }
  for (const xmlNode* s : xml::children(root, ns::protocol, "SessionIndex")) {
    r.session_indexes.push_back(xml::text(s).value_or(""));
  }
  xml::signatureOf(root, &r.signature_count);
  return r;
}

Result<LogoutResponse, xml::Error> readLogoutResponse(const xml::Document& doc) {
  const xmlNode* root = doc.root();
  if (root == nullptr || !xml::is(root, ns::protocol, "LogoutResponse")) {
    return fail(xml::Error{"saml.root", "the message is not a samlp:LogoutResponse"});
  }
  LogoutResponse r;
  r.id = xml::attribute(root, "ID");
  r.version = xml::attribute(root, "Version");
  r.issue_instant = xml::attribute(root, "IssueInstant");
  r.destination = xml::attribute(root, "Destination");
  r.in_response_to = xml::attribute(root, "InResponseTo");
  r.issuer = readIssuer(root);
  if (const xmlNode* st = xml::child(root, ns::protocol, "Status")) {
    if (const xmlNode* sc = xml::child(st, ns::protocol, "StatusCode")) {
      r.status = xml::attribute(sc, "Value");
      if (const xmlNode* sub = xml::child(sc, ns::protocol, "StatusCode"))
        r.sub_status = xml::attribute(sub, "Value");
    }
  }
  xml::signatureOf(root, &r.signature_count);
  return r;
}

Result<xml::Document, xml::SignError> buildLogoutRequest(const LogoutRequestSpec& s,
                                                         const xml::SigningKey* key) {
  auto doc = xml::Document::create(ns::protocol, "samlp", "LogoutRequest");
  xmlNodePtr issuer = nullptr;
  xmlNodePtr root = start(doc, s.id, s.now, s.destination, s.issuer, issuer);
  xmlNodePtr nameId = xml::addChild(root, ns::assertion, "saml", "NameID", s.name_id);
  xml::setAttribute(nameId, "Format", nameid::transient);
  xml::setAttribute(nameId, "NameQualifier", s.name_qualifier);
  xml::addChild(root, ns::protocol, "samlp", "SessionIndex", s.session_index);
  if (key != nullptr) {
    if (auto r = xml::sign(doc, root, *key, xml::SignatureAlgorithm::rsa_sha256, issuer); !r)
      return fail(r.error());
  }
  return doc;
}

Result<xml::Document, xml::SignError> buildLogoutResponse(const LogoutResponseSpec& s,
                                                          const xml::SigningKey* key) {
  auto doc = xml::Document::create(ns::protocol, "samlp", "LogoutResponse");
  xmlNodePtr issuer = nullptr;
  xmlNodePtr root = start(doc, "", s.now, s.destination, s.issuer, issuer);
  xml::setAttribute(root, "InResponseTo", s.in_response_to);
  xmlNodePtr st = xml::addChild(root, ns::protocol, "samlp", "Status");
  xmlNodePtr sc = xml::addChild(st, ns::protocol, "samlp", "StatusCode");
  xml::setAttribute(sc, "Value", s.status);
  if (!s.sub_status.empty())
    xml::setAttribute(xml::addChild(sc, ns::protocol, "samlp", "StatusCode"), "Value", s.sub_status);
  if (key != nullptr) {
    if (auto r = xml::sign(doc, root, *key, xml::SignatureAlgorithm::rsa_sha256, issuer); !r)
      return fail(r.error());
  }
  return doc;
}

}  // namespace sportello::saml
