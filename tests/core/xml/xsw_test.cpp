// XML signature wrapping, XSW1-XSW8 as spec/security.md describes them, built from validly signed
// Responses. Each is serialised and re-parsed (what the gateway receives), then read the way a reader
// does: the Response root with its own signature, the first Assertion with its own. Every variant must
// fail there; and whatever does verify must never be the forged element.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <iostream>
#include <vector>

#include "core/xml/signature.hpp"
#include "tests/core/xml/xml_test_support.hpp"

namespace sportello::xml {
namespace {

using test::assertionOf;
using test::idpKey;
using test::kDs;
using test::kSaml;
using test::kSamlp;

const Certificate& aurora() {
  return idpKey("aurora-id").certificate();
}

xmlNodePtr copyOf(xmlNodePtr n) {
  return xmlDocCopyNode(n, n->doc, 1);
}

void removeSignature(xmlNodePtr element) {
  if (xmlNodePtr s = signatureOf(element)) {
    xmlUnlinkNode(s);
    xmlFreeNode(s);
  }
}

// The NameID a reader takes from an Assertion (Subject/NameID by path, not the first in document order:
// wrapped copies may come earlier), or from the Response's own Assertion child.
xmlNodePtr nameIdOf(xmlNodePtr element) {
  xmlNodePtr assertion = is(element, kSamlp, "Response") ? child(element, kSaml, "Assertion") : element;
  return child(child(assertion, kSaml, "Subject"), kSaml, "NameID");
}

// The attacker's change: their NameID, and for the Response a Destination of their own.
void forge(xmlNodePtr element) {
  if (is(element, kSamlp, "Response")) setAttribute(element, "Destination", "https://evil.example/acs");
  if (xmlNodePtr nameId = nameIdOf(element))
    xmlNodeSetContent(nameId, reinterpret_cast<const xmlChar*>("_attacker"));
}

bool forged(xmlNodePtr element) {
  xmlNodePtr nameId = nameIdOf(element);
  return (nameId != nullptr && text(nameId) == "_attacker") ||
         attribute(element, "Destination") == "https://evil.example/acs";
}

// ---- the eight variants ----

// XSW1: a copy of the Response without its signature placed inside ds:Signature; the outer Response forged.
void xsw1(Document& d) {
  xmlNodePtr root = d.root();
  xmlNodePtr clean = copyOf(root);
  removeSignature(clean);
  xmlAddChild(signatureOf(root), clean);
  setAttribute(root, "ID", "_evil");
  forge(root);
}

// XSW2: the same copy placed before the signature.
void xsw2(Document& d) {
  xmlNodePtr root = d.root();
  xmlNodePtr clean = copyOf(root);
  removeSignature(clean);
  xmlAddPrevSibling(signatureOf(root), clean);
  setAttribute(root, "ID", "_evil");
  forge(root);
}

// XSW3: a forged unsigned Assertion before the signed one.
void xsw3(Document& d) {
  xmlNodePtr original = assertionOf(d);
  xmlNodePtr evil = copyOf(original);
  removeSignature(evil);
  setAttribute(evil, "ID", "_evil");
  forge(evil);
  xmlAddPrevSibling(original, evil);
}

// XSW4: a forged Assertion wrapping the original.
void xsw4(Document& d) {
  xmlNodePtr original = assertionOf(d);
  xmlNodePtr evil = copyOf(original);
  removeSignature(evil);
  setAttribute(evil, "ID", "_evil");
  forge(evil);
  xmlAddPrevSibling(original, evil);
  xmlUnlinkNode(original);
  xmlAddChild(evil, original);
}

// XSW5: the signed Assertion modified in place with a new ID; a clean copy with the old ID appended.
void xsw5(Document& d) {
  xmlNodePtr original = assertionOf(d);
  xmlNodePtr clean = copyOf(original);
  removeSignature(clean);
  setAttribute(original, "ID", "_evil");
  forge(original);
  xmlAddChild(d.root(), clean);
}

// XSW6: as XSW5, with the clean copy inside the modified Assertion's ds:Signature.
void xsw6(Document& d) {
  xmlNodePtr original = assertionOf(d);
  xmlNodePtr clean = copyOf(original);
  removeSignature(clean);
  setAttribute(original, "ID", "_evil");
  forge(original);
  xmlAddChild(signatureOf(original), clean);
}

// XSW7: a forged copy with the same ID inside Extensions; the signed original stays in place. A reader
// that takes the first Assertion in document order (//saml:Assertion) would take the forged one.
void xsw7(Document& d) {
  xmlNodePtr original = assertionOf(d);
  xmlNodePtr evil = copyOf(original);
  removeSignature(evil);
  forge(evil);
  xmlNodePtr ext = xmlNewDocNode(d.get(), nullptr, reinterpret_cast<const xmlChar*>("Extensions"), nullptr);
  xmlSetNs(ext, d.root()->ns);
  xmlAddNextSibling(test::issuerOf(d.root()), ext);
  xmlAddChild(ext, evil);
}

// XSW8: the Assertion modified in place keeping its ID; the original (unsigned copy) inside
// ds:Signature/ds:Object.
void xsw8(Document& d) {
  xmlNodePtr original = assertionOf(d);
  xmlNodePtr clean = copyOf(original);
  removeSignature(clean);
  forge(original);
  xmlNodePtr object = addChild(signatureOf(original), kDs, "ds", "Object");
  xmlAddChild(object, clean);
}

struct Variant {
  const char* name;
  std::function<void(Document&)> build;
  bool responseSigned;  // XSW1-2 wrap a signed Response, XSW3-8 a signed Assertion
};

void PrintTo(const Variant& v, std::ostream* os) {
  *os << v.name;
}

class Wrapping : public ::testing::TestWithParam<Variant> {};

TEST_P(Wrapping, ReaderNeverAcceptsTheForgedElement) {
  const Variant& v = GetParam();
  Document signedDoc = test::signedResponse({v.responseSigned, !v.responseSigned});
  v.build(signedDoc);
  Document received = test::reparse(signedDoc);

  // Three readings: the root; its first Assertion child (what Sportello reads); the first Assertion in
  // document order anywhere (what a careless XPath reader takes).
  xmlNodePtr root = received.root();
  const std::vector<std::pair<const char*, xmlNodePtr>> readings = {
      {"Response", root},
      {"Assertion child", assertionOf(received)},
      {"first Assertion anywhere", test::find(root, kSaml, "Assertion")}};
  bool anyForged = false;
  for (const auto& [name, element] : readings) {
    ASSERT_NE(element, nullptr) << name;
    anyForged = anyForged || forged(element);
  }
  ASSERT_TRUE(anyForged) << "the variant must forge something a reader takes";

  for (const auto& [name, element] : readings) {
    auto r = verify(received, element, signatureOf(element), aurora());
    if (r) {
      EXPECT_FALSE(forged(element)) << v.name << ": the forged " << name << " verified";
    } else {
      std::cout << "[          ] " << v.name << " " << name << ": " << r.error().rule << "\n";
    }
  }
  // The element that was signed is refused outright: its document was tampered with.
  xmlNodePtr signedElement = v.responseSigned ? root : assertionOf(received);
  EXPECT_FALSE(verify(received, signedElement, signatureOf(signedElement), aurora())) << v.name;
}

INSTANTIATE_TEST_SUITE_P(Xsw, Wrapping,
                         ::testing::Values(Variant{"XSW1", xsw1, true}, Variant{"XSW2", xsw2, true},
                                           Variant{"XSW3", xsw3, false}, Variant{"XSW4", xsw4, false},
                                           Variant{"XSW5", xsw5, false}, Variant{"XSW6", xsw6, false},
                                           Variant{"XSW7", xsw7, false}, Variant{"XSW8", xsw8, false}),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

// The precise rule for each variant, so that a change in the order of checks is noticed.
TEST(Wrapping, RulesPerVariant) {
  struct Expect {
    void (*build)(Document&);
    bool responseSigned;
    const char* rule;
  };
  const Expect expectations[] = {
      // XSW1/2: the copy of the Response carries a second Assertion with the same ID.
      {xsw1, true, "sig.duplicate_id"},  {xsw2, true, "sig.duplicate_id"},   {xsw3, false, "sig.missing"},
      {xsw4, false, "sig.missing"},      {xsw5, false, "sig.reference_uri"}, {xsw6, false, "sig.references"},
      {xsw7, false, "sig.duplicate_id"}, {xsw8, false, "sig.duplicate_id"},
  };
  int n = 1;
  for (const auto& e : expectations) {
    Document d = test::signedResponse({e.responseSigned, !e.responseSigned});
    e.build(d);
    Document r = test::reparse(d);
    xmlNodePtr target = e.responseSigned ? r.root() : assertionOf(r);
    auto res = verify(r, target, signatureOf(target), aurora());
    ASSERT_FALSE(res) << "XSW" << n;
    EXPECT_EQ(res.error().rule, e.rule) << "XSW" << n << ": " << res.error().message;
    ++n;
  }
}

}  // namespace
}  // namespace sportello::xml
