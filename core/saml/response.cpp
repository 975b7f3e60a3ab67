#include "core/saml/response.hpp"

#include "core/saml/authn_request.hpp"

namespace sportello::saml {

namespace {

xmlNodePtr responseRoot(xml::Document& doc, const std::string& id, TimePoint now,
                        const std::string& destination, const std::string& inResponseTo) {
  xmlNodePtr root = doc.root();
  xmlNewNs(root, reinterpret_cast<const xmlChar*>(ns::assertion.data()),
           reinterpret_cast<const xmlChar*>("saml"));
  xml::setAttribute(root, "ID", id.empty() ? newId() : id);
  xml::setAttribute(root, "Version", "2.0");
  xml::setAttribute(root, "IssueInstant", formatDateTime(now));
  xml::setAttribute(root, "Destination", destination);
  xml::setAttribute(root, "InResponseTo", inResponseTo);
  return root;
}

// SPID wants Format entity on the Response Issuer; CIE's IdP omits it (and SPs must accept both).
xmlNodePtr issuer(xmlNodePtr parent, const std::string& entity, bool withFormat) {
  xmlNodePtr i = xml::addChild(parent, ns::assertion, "saml", "Issuer", entity);
  if (withFormat) xml::setAttribute(i, "Format", nameid::entity);
  return i;
}

void statusElement(xmlNodePtr parent, std::string_view top, std::string_view sub, int code) {
  xmlNodePtr st = xml::addChild(parent, ns::protocol, "samlp", "Status");
  xmlNodePtr sc = xml::addChild(st, ns::protocol, "samlp", "StatusCode");
  xml::setAttribute(sc, "Value", top);
  if (!sub.empty()) xml::setAttribute(xml::addChild(sc, ns::protocol, "samlp", "StatusCode"), "Value", sub);
  if (code > 0) xml::addChild(st, ns::protocol, "samlp", "StatusMessage", spidErrorMessage(code));
}

bool isDateAttribute(std::string_view name) {
  return name == "dateOfBirth" || name == "expirationDate";
}

}  // namespace

xml::Document buildResponseUnsigned(const ResponseSpec& s) {
  auto doc = xml::Document::create(ns::protocol, "samlp", "Response");
  xmlNodePtr root = responseRoot(doc, s.response_id, s.now, s.acs_url, s.in_response_to);
  issuer(root, s.idp_entity_id, s.profile == Profile::spid);
  statusElement(root, status::success, "", 0);

  const std::string notOnOrAfter = formatDateTime(s.now + s.validity);
  xmlNodePtr a = xml::addChild(root, ns::assertion, "saml", "Assertion");
  xml::setAttribute(a, "ID", s.assertion_id.empty() ? newId() : s.assertion_id);
  xml::setAttribute(a, "Version", "2.0");
  xml::setAttribute(a, "IssueInstant", formatDateTime(s.now));
  issuer(a, s.idp_entity_id, true);  // the Assertion Issuer always carries Format entity

  xmlNodePtr subject = xml::addChild(a, ns::assertion, "saml", "Subject");
  xmlNodePtr nameId =
      xml::addChild(subject, ns::assertion, "saml", "NameID", s.name_id.empty() ? newId() : s.name_id);
  xml::setAttribute(nameId, "Format", nameid::transient);
  xml::setAttribute(nameId, "NameQualifier", s.idp_entity_id);
  xmlNodePtr sc = xml::addChild(subject, ns::assertion, "saml", "SubjectConfirmation");
  xml::setAttribute(sc, "Method", kBearer);
  xmlNodePtr scd = xml::addChild(sc, ns::assertion, "saml", "SubjectConfirmationData");
  xml::setAttribute(scd, "InResponseTo", s.in_response_to);
  xml::setAttribute(scd, "NotOnOrAfter", notOnOrAfter);
  xml::setAttribute(scd, "Recipient", s.acs_url);

  xmlNodePtr cond = xml::addChild(a, ns::assertion, "saml", "Conditions");
  xml::setAttribute(cond, "NotBefore", formatDateTime(s.now));
  xml::setAttribute(cond, "NotOnOrAfter", notOnOrAfter);
  xmlNodePtr ar = xml::addChild(cond, ns::assertion, "saml", "AudienceRestriction");
  xml::addChild(ar, ns::assertion, "saml", "Audience", s.sp_entity_id);

  xmlNodePtr as = xml::addChild(a, ns::assertion, "saml", "AuthnStatement");
  TimePoint authnInstant = s.authn_instant == TimePoint{} ? s.now : s.authn_instant;
  xml::setAttribute(as, "AuthnInstant", formatDateTime(authnInstant));
  xml::setAttribute(as, "SessionIndex", s.session_index.empty() ? newId() : s.session_index);
  xmlNodePtr ac = xml::addChild(as, ns::assertion, "saml", "AuthnContext");
  xml::addChild(ac, ns::assertion, "saml", "AuthnContextClassRef", levelUri(s.level));

  if (!s.attributes.empty()) {
    xmlNodePtr st = xml::addChild(a, ns::assertion, "saml", "AttributeStatement");
    xmlNsPtr xsi = xmlNewNs(st, reinterpret_cast<const xmlChar*>(ns::xsi.data()),
                            reinterpret_cast<const xmlChar*>("xsi"));
    xmlNewNs(st, reinterpret_cast<const xmlChar*>(ns::xs.data()), reinterpret_cast<const xmlChar*>("xs"));
    for (const auto& [name, value] : s.attributes) {
      xmlNodePtr attr = xml::addChild(st, ns::assertion, "saml", "Attribute");
      xml::setAttribute(attr, "Name", name);
      xml::setAttribute(attr, "NameFormat", kAttrNameFormatBasic);
      xmlNodePtr v = xml::addChild(attr, ns::assertion, "saml", "AttributeValue", value);
      xmlSetNsProp(v, xsi, reinterpret_cast<const xmlChar*>("type"),
                   reinterpret_cast<const xmlChar*>(isDateAttribute(name) ? "xs:date" : "xs:string"));
    }
  }

  return doc;
}

Result<void, xml::SignError> signResponse(xml::Document& doc, const xml::SigningKey& key,
                                          xml::SignatureAlgorithm alg, SignWhat what) {
  xmlNodePtr root = doc.root();
  if (what != SignWhat::response) {
    xmlNodePtr a = xml::child(root, ns::assertion, "Assertion");
    if (a == nullptr)
      return fail(xml::SignError{"sig.sign", "the Response has no single saml:Assertion to sign"});
    if (auto r = xml::sign(doc, a, key, alg, xml::child(a, ns::assertion, "Issuer")); !r)
      return fail(r.error());
  }
  if (what != SignWhat::assertion) {
    if (auto r = xml::sign(doc, root, key, alg, xml::child(root, ns::assertion, "Issuer")); !r)
      return fail(r.error());
  }
  return {};
}

Result<xml::Document, xml::SignError> buildResponse(const ResponseSpec& s, const xml::SigningKey& key) {
  auto doc = buildResponseUnsigned(s);
  if (auto r = signResponse(doc, key, s.algorithm, SignWhat::both); !r) return fail(r.error());
  return doc;
}

Result<xml::Document, xml::SignError> buildErrorResponse(const ErrorSpec& s, const xml::SigningKey& key) {
  auto doc = xml::Document::create(ns::protocol, "samlp", "Response");
  xmlNodePtr root = responseRoot(doc, "", s.now, s.acs_url, s.in_response_to);
  xmlNodePtr respIssuer = issuer(root, s.idp_entity_id, s.profile == Profile::spid);
  statusElement(root, s.top_status, s.sub_status, s.error_code);
  if (auto r = xml::sign(doc, root, key, s.algorithm, respIssuer); !r) return fail(r.error());
  return doc;
}

std::string spidErrorMessage(int code) {
  return "ErrorCode nr" + std::to_string(code);
}

std::string_view spidErrorDescription(int code) {
  switch (code) {
    case 8:
      return "La richiesta di autenticazione non è conforme alle specifiche SAML.";
    case 9:
      return "La versione del protocollo nella richiesta non è 2.0.";
    case 10:
      return "L'emittente (Issuer) della richiesta non è valido.";
    case 11:
      return "L'identificativo (ID) della richiesta non è valido.";
    case 12:
      return "Il livello di autenticazione richiesto non è valido.";
    case 13:
      return "L'orario della richiesta (IssueInstant) non è valido.";
    case 14:
      return "La destinazione della richiesta non corrisponde a questo gestore di identità.";
    case 15:
      return "La richiesta contiene IsPassive, non ammesso.";
    case 16:
      return "Il servizio di ricezione (AssertionConsumerService) non è valido.";
    case 17:
      return "Il formato dell'identificativo richiesto (NameIDPolicy) non è valido.";
    case 18:
      return "L'insieme di attributi richiesto (AttributeConsumingServiceIndex) non è valido.";
    case 19:
      return "Autenticazione non riuscita per ripetuta sottomissione di credenziali errate.";
    case 20:
      return "L'utente non ha credenziali compatibili con il livello di autenticazione richiesto.";
    case 21:
      return "Tempo scaduto durante l'autenticazione.";
    case 22:
      return "L'utente ha negato il consenso all'invio dei dati.";
    case 23:
      return "Identità sospesa o revocata, oppure credenziali bloccate.";
    case 25:
      return "Autenticazione annullata dall'utente.";
    case 30:
      return "Tipo di identità non ammesso per questo servizio.";
    default:
      return "Errore di autenticazione.";
  }
}

}  // namespace sportello::saml
