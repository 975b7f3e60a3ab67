// Navigation by namespace URI and local name (never by prefix), text extraction and the builders.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/xml/document.hpp"
#include "tests/core/xml/xml_test_support.hpp"

namespace sportello::xml {
namespace {

using test::kSaml;
using test::kSamlp;
using ::testing::HasSubstr;

TEST(Navigation, ByNamespaceNotPrefix) {
  // The same names with other prefixes, and a look-alike element in another namespace.
  auto d = Document::parse(
      "<p:Response xmlns:p='urn:oasis:names:tc:SAML:2.0:protocol' "
      "xmlns:a='urn:oasis:names:tc:SAML:2.0:assertion'"
      " xmlns:evil='urn:evil'><evil:Assertion ID='x'/><a:Assertion ID='y'/></p:Response>");
  ASSERT_TRUE(d);
  EXPECT_TRUE(is(d->root(), kSamlp, "Response"));
  EXPECT_FALSE(is(d->root(), kSaml, "Response"));
  std::size_t count = 0;
  xmlNodePtr a = child(d->root(), kSaml, "Assertion", &count);
  EXPECT_EQ(count, 1u);
  EXPECT_EQ(attribute(a, "ID"), "y");
  EXPECT_EQ(children(d->root()).size(), 2u);
  EXPECT_EQ(children(d->root(), "urn:evil", "Assertion").size(), 1u);
}

TEST(Navigation, ChildIsNullWhenAbsentOrRepeated) {
  auto d = Document::parse("<r xmlns='urn:x'><a/><a/><b/></r>");
  ASSERT_TRUE(d);
  std::size_t count = 0;
  EXPECT_EQ(child(d->root(), "urn:x", "a", &count), nullptr);
  EXPECT_EQ(count, 2u);
  EXPECT_EQ(child(d->root(), "urn:x", "c", &count), nullptr);
  EXPECT_EQ(count, 0u);
  EXPECT_NE(child(d->root(), "urn:x", "b"), nullptr);
  EXPECT_FALSE(is(d->root(), "", "r"));
}

TEST(Navigation, Attributes) {
  auto d = Document::parse("<r xmlns:n='urn:n' a='' b='x &amp; y' n:c='namespaced'/>");
  ASSERT_TRUE(d);
  EXPECT_EQ(attribute(d->root(), "a"), "");
  EXPECT_EQ(attribute(d->root(), "b"), "x & y");
  EXPECT_EQ(attribute(d->root(), "c"), std::nullopt) << "only attributes without a namespace";
  EXPECT_EQ(attribute(d->root(), "missing"), std::nullopt);
  EXPECT_EQ(attribute(nullptr, "a"), std::nullopt);
}

TEST(Navigation, TextRefusesAnythingButText) {
  auto d = Document::parse(
      "<r><plain>abc</plain><empty/><refs>a&amp;b&#x41;</refs><cdata><![CDATA[<x>]]>y</cdata>"
      "<comment>abc<!---->def</comment><element>a<b/>c</element></r>");
  ASSERT_TRUE(d);
  auto kids = children(d->root());
  EXPECT_EQ(text(kids[0]), "abc");
  EXPECT_EQ(text(kids[1]), "");
  EXPECT_EQ(text(kids[2]), "a&bA");
  EXPECT_EQ(text(kids[3]), "<x>y");
  EXPECT_EQ(text(kids[4]), std::nullopt);
  EXPECT_EQ(text(kids[5]), std::nullopt);
  EXPECT_EQ(text(nullptr), std::nullopt);
}

TEST(Building, CreateAddChildSetAttributeSerialize) {
  Document doc = Document::create(kSamlp, "samlp", "AuthnRequest");
  setAttribute(doc.root(), "ID", "_req-1");
  setAttribute(doc.root(), "Destination", "https://idp/?a=1&b=\"2\"<");
  xmlNodePtr issuer = addChild(doc.root(), kSaml, "saml", "Issuer", "https://sp & co <x>");
  xmlNodePtr policy = addChild(doc.root(), kSamlp, "samlp", "NameIDPolicy");
  addChild(issuer, kSaml, "saml", "Inner");
  const std::string xml = doc.serialize();
  EXPECT_THAT(xml, HasSubstr("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
  EXPECT_THAT(xml, HasSubstr("<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\""));
  EXPECT_THAT(xml, HasSubstr("<saml:Issuer xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\">"));
  EXPECT_THAT(xml, HasSubstr("<samlp:NameIDPolicy/>")) << "the prefix in scope is reused";
  EXPECT_THAT(xml, HasSubstr("<saml:Inner/>"));
  EXPECT_EQ(xml.find('\n', xml.find("<samlp:AuthnRequest")), xml.size() - 1) << "no formatting";

  auto back = Document::parse(xml);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(attribute(back->root(), "Destination"), "https://idp/?a=1&b=\"2\"<");
  xmlNodePtr i = child(back->root(), kSaml, "Issuer");
  ASSERT_NE(i, nullptr);
  EXPECT_EQ(text(i->children), std::nullopt);  // a text node is not an element
  EXPECT_TRUE(is(child(back->root(), kSamlp, "NameIDPolicy"), kSamlp, "NameIDPolicy"));
  (void)policy;
}

TEST(Building, PrefixBoundElsewhereIsRedeclared) {
  Document doc = Document::create("urn:a", "x", "root");
  xmlNodePtr c = addChild(doc.root(), "urn:b", "x", "child", "t");
  EXPECT_TRUE(is(c, "urn:b", "child"));
  auto back = Document::parse(doc.serialize());
  ASSERT_TRUE(back);
  EXPECT_TRUE(is(child(back->root(), "urn:b", "child"), "urn:b", "child"));
  EXPECT_EQ(text(child(back->root(), "urn:b", "child")), "t");
}

TEST(Building, MovedDocumentsOwnTheirTree) {
  Document a = Document::create("urn:a", "a", "root");
  Document b = std::move(a);
  EXPECT_EQ(a.get(), nullptr);  // NOLINT(bugprone-use-after-move): checking the moved-from state
  EXPECT_NE(b.root(), nullptr);
  a = std::move(b);
  EXPECT_NE(a.root(), nullptr);
  EXPECT_EQ(b.serialize(), "");  // NOLINT(bugprone-use-after-move)
}

}  // namespace
}  // namespace sportello::xml
