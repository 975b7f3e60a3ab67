#include "core/saml/sp_response.hpp"

#include "core/xml/signature.hpp"

namespace sportello::saml {

namespace {

bool hasElementChildren(const xmlNode* n) {
  return !xml::children(n).empty();
}

std::size_t countDescendants(const xmlNode* n, std::string_view ns, std::string_view local) {
  std::size_t total = 0;
  for (const xmlNode* c : xml::children(n)) {
    if (xml::is(c, ns, local)) ++total;
    total += countDescendants(c, ns, local);
  }
  return total;
}

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

StatusView readStatus(const xmlNode* root) {
  StatusView v;
  const xmlNode* st = xml::child(root, ns::protocol, "Status", &v.count);
  if (st == nullptr) return v;
  v.empty = !hasElementChildren(st);
  const xmlNode* code = xml::child(st, ns::protocol, "StatusCode", &v.code_count);
  if (code != nullptr) {
    v.code = xml::attribute(code, "Value");
    if (const xmlNode* sub = xml::child(code, ns::protocol, "StatusCode"))
      v.sub_code = xml::attribute(sub, "Value");
  }
  if (const xmlNode* msg = xml::child(st, ns::protocol, "StatusMessage", &v.message_count)) {
    v.message = xml::text(msg);
  }
  return v;
}

void readSubject(const xmlNode* a, AssertionView& v) {
  const xmlNode* subject = xml::child(a, ns::assertion, "Subject", &v.subject_count);
  if (subject == nullptr) return;
  v.subject_empty = !hasElementChildren(subject);
  if (const xmlNode* nameId = xml::child(subject, ns::assertion, "NameID", &v.name_id_count)) {
    v.name_id = xml::text(nameId);
    v.name_id_format = xml::attribute(nameId, "Format");
    v.name_id_qualifier = xml::attribute(nameId, "NameQualifier");
  }
  auto confirmations = xml::children(subject, ns::assertion, "SubjectConfirmation");
  v.subject_confirmation_count = confirmations.size();
  if (confirmations.empty()) return;
  const xmlNode* sc = confirmations.front();
  v.method = xml::attribute(sc, "Method");
  if (const xmlNode* scd =
          xml::child(sc, ns::assertion, "SubjectConfirmationData", &v.subject_confirmation_data_count)) {
    v.recipient = xml::attribute(scd, "Recipient");
    v.confirmation_in_response_to = xml::attribute(scd, "InResponseTo");
    v.confirmation_not_on_or_after = xml::attribute(scd, "NotOnOrAfter");
    v.confirmation_not_before = xml::attribute(scd, "NotBefore");
  }
}

void readConditions(const xmlNode* a, AssertionView& v) {
  const xmlNode* cond = xml::child(a, ns::assertion, "Conditions", &v.conditions_count);
  if (cond == nullptr) return;
  v.conditions_empty = !hasElementChildren(cond);
  v.not_before = xml::attribute(cond, "NotBefore");
  v.not_on_or_after = xml::attribute(cond, "NotOnOrAfter");
  for (const xmlNode* ar : xml::children(cond, ns::assertion, "AudienceRestriction")) {
    auto& audiences = v.audience_restrictions.emplace_back();
    for (const xmlNode* aud : xml::children(ar, ns::assertion, "Audience"))
      audiences.push_back(xml::text(aud));
  }
}

void readAuthnStatement(const xmlNode* a, AssertionView& v) {
  const xmlNode* as = xml::child(a, ns::assertion, "AuthnStatement", &v.authn_statement_count);
  if (as == nullptr) return;
  v.authn_statement_empty = !hasElementChildren(as);
  v.session_index = xml::attribute(as, "SessionIndex");
  v.authn_instant = xml::attribute(as, "AuthnInstant");
  const xmlNode* ac = xml::child(as, ns::assertion, "AuthnContext", &v.authn_context_count);
  if (ac == nullptr) return;
  v.authn_context_empty = !hasElementChildren(ac);
  if (const xmlNode* ref = xml::child(ac, ns::assertion, "AuthnContextClassRef", &v.class_ref_count)) {
    v.class_ref = xml::text(ref);
  }
}

void readAttributes(const xmlNode* a, AssertionView& v) {
  for (const xmlNode* st : xml::children(a, ns::assertion, "AttributeStatement")) {
    ++v.attribute_statement_count;
    auto attrs = xml::children(st, ns::assertion, "Attribute");
    if (attrs.empty()) ++v.empty_attribute_statements;
    for (const xmlNode* attr : attrs) {
      AttributeView av;
      av.name = xml::attribute(attr, "Name");
      av.name_format = xml::attribute(attr, "NameFormat");
      for (const xmlNode* value : xml::children(attr, ns::assertion, "AttributeValue")) {
        av.values.push_back(xml::text(value));
      }
      v.attributes.push_back(std::move(av));
    }
  }
}

}  // namespace

AssertionView readAssertion(const xmlNode* a) {
  AssertionView v;
  if (a == nullptr) return v;
  v.id = xml::attribute(a, "ID");
  v.version = xml::attribute(a, "Version");
  v.issue_instant = xml::attribute(a, "IssueInstant");
  v.issuer = readIssuer(a);
  xml::signatureOf(a, &v.signature_count);
  readSubject(a, v);
  readConditions(a, v);
  readAuthnStatement(a, v);
  readAttributes(a, v);
  return v;
}

Result<SamlResponse, xml::Error> readResponse(const xml::Document& doc) {
  const xmlNode* root = doc.root();
  if (root == nullptr || !xml::is(root, ns::protocol, "Response")) {
    return fail(xml::Error{"saml.root", "the message is not a samlp:Response"});
  }
  SamlResponse r;
  r.id = xml::attribute(root, "ID");
  r.version = xml::attribute(root, "Version");
  r.issue_instant = xml::attribute(root, "IssueInstant");
  r.in_response_to = xml::attribute(root, "InResponseTo");
  r.destination = xml::attribute(root, "Destination");
  r.issuer = readIssuer(root);
  xml::signatureOf(root, &r.signature_count);
  r.status = readStatus(root);
  const xmlNode* assertion = xml::child(root, ns::assertion, "Assertion", &r.assertion_count);
  xml::child(root, ns::assertion, "EncryptedAssertion", &r.encrypted_assertion_count);
  r.assertion_total = countDescendants(root, ns::assertion, "Assertion");
  if (assertion != nullptr) r.assertion = readAssertion(assertion);
  return r;
}

std::optional<int> spidErrorCode(const Opt& message) {
  if (!message) return std::nullopt;
  std::string_view m = *message;
  while (!m.empty() && (m.front() == ' ' || m.front() == '\n' || m.front() == '\t' || m.front() == '\r'))
    m.remove_prefix(1);
  while (!m.empty() && (m.back() == ' ' || m.back() == '\n' || m.back() == '\t' || m.back() == '\r'))
    m.remove_suffix(1);
  constexpr std::string_view prefix = "ErrorCode nr";
  if (!m.starts_with(prefix)) return std::nullopt;
  m.remove_prefix(prefix.size());
  if (m.empty() || m.size() > 3) return std::nullopt;
  int code = 0;
  for (char ch : m) {
    if (ch < '0' || ch > '9') return std::nullopt;
    code = code * 10 + (ch - '0');
  }
  return code;
}

}  // namespace sportello::saml
