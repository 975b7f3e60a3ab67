// Document::parse against the parsing attacks of spec/security.md: one fixture per malformed input, each
// refused with its own rule name, none reaching the file system or the network.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <libxml/parser.h>

#include <ostream>
#include <string>

#include "core/xml/document.hpp"
#include "tests/core/xml/xml_test_support.hpp"

namespace sportello::xml {
namespace {

using test::fixture;
using test::kSaml;
using test::kSamlp;
using ::testing::HasSubstr;

Error refusal(std::string_view bytes, const ParseLimits& limits = {}) {
  auto d = Document::parse(bytes, limits);
  EXPECT_FALSE(d) << "parsed although it should not have:\n" << bytes.substr(0, 400);
  return d ? Error{} : d.error();
}

TEST(Parse, ANormalResponseParses) {
  auto d = Document::parse(fixture("response.xml"));
  ASSERT_TRUE(d) << d.error().rule << ": " << d.error().message;
  EXPECT_TRUE(is(d->root(), kSamlp, "Response"));
  xmlNodePtr a = test::assertionOf(*d);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(text(test::nameIdOf(a)), "_nid-9a0c1f");
  EXPECT_EQ(attribute(a, "ID"), "_assert-2d81e0");
}

TEST(Parse, KeepsWhitespaceAndTextExactly) {
  auto d = Document::parse(fixture("response.xml"));
  ASSERT_TRUE(d);
  // No NOBLANKS: indentation text nodes survive, so what was signed is what we re-serialise.
  ASSERT_NE(d->root()->children, nullptr);
  EXPECT_EQ(d->root()->children->type, XML_TEXT_NODE);
  xmlNodePtr value = test::find(d->root(), kSaml, "AttributeStatement");
  auto values = children(children(value)[1]);
  EXPECT_EQ(text(values[0]), "Mario & Maria \xC3\x80");
}

struct Case {
  const char* fixture;
  const char* rule;
};

void PrintTo(const Case& c, std::ostream* os) {
  *os << c.fixture << " -> " << c.rule;
}

class Refused : public ::testing::TestWithParam<Case> {};

TEST_P(Refused, WithItsRule) {
  test::Listener listener;
  const std::string bytes =
      test::replaceAll(fixture(GetParam().fixture), "@PORT@", std::to_string(listener.port()));
  const std::size_t loadsBefore = refusedExternalLoads();
  Error e = refusal(bytes);
  EXPECT_EQ(e.rule, GetParam().rule) << e.message;
  EXPECT_FALSE(e.message.empty());
  EXPECT_EQ(listener.connections(), 0) << "the parser connected to the listener";
  EXPECT_EQ(refusedExternalLoads(), loadsBefore) << "refused before libxml2 even asked to load anything";
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, Refused,
    ::testing::Values(Case{"doctype_internal.xml", "xml.doctype"}, Case{"doctype_system.xml", "xml.doctype"},
                      Case{"doctype_public.xml", "xml.doctype"}, Case{"billion_laughs.xml", "xml.doctype"},
                      Case{"xxe_file.xml", "xml.doctype"}, Case{"xxe_http.xml", "xml.doctype"},
                      Case{"parameter_entity.xml", "xml.doctype"},
                      Case{"processing_instruction.xml", "xml.pi"},
                      Case{"processing_instruction_in_nameid.xml", "xml.pi"},
                      Case{"unclosed_tag.xml", "xml.malformed"}, Case{"bad_char.xml", "xml.malformed"},
                      Case{"bad_utf8.xml", "xml.malformed"}, Case{"undeclared_entity.xml", "xml.entity"},
                      Case{"undeclared_prefix.xml", "xml.malformed"}, Case{"two_roots.xml", "xml.malformed"},
                      Case{"duplicate_attribute.xml", "xml.malformed"},
                      Case{"utf7_doctype.xml", "xml.malformed"}),
    [](const auto& param_info) {
      std::string n = param_info.param.fixture;
      return n.substr(0, n.find('.'));
    });

TEST(Parse, DoctypeMessageSaysWhereAndWhat) {
  Error e = refusal(fixture("doctype_system.xml"));
  EXPECT_THAT(e.message, HasSubstr("line 2"));
  EXPECT_THAT(e.message, HasSubstr("DOCTYPE"));
}

TEST(Parse, MalformedMessageCarriesLibxmlLine) {
  Error e = refusal(fixture("unclosed_tag.xml"));
  EXPECT_THAT(e.message, HasSubstr("line "));
}

TEST(Parse, EntityDeclarationOutsideADoctypeIsRefused) {
  Error e = refusal("<r><!ENTITY x \"y\"></r>");
  EXPECT_EQ(e.rule, "xml.entity");
}

TEST(Parse, EmptyInput) {
  EXPECT_EQ(refusal("").rule, "xml.empty");
  EXPECT_EQ(refusal(" \r\n\t ").rule, "xml.empty");
  EXPECT_EQ(refusal("\xEF\xBB\xBF").rule, "xml.empty");
}

TEST(Parse, OversizedIsRefusedBeforeParsing) {
  std::string big = "<r>" + std::string(600 * 1024, 'a') + "</r>";
  Error e = refusal(big);
  EXPECT_EQ(e.rule, "xml.too_large");
  EXPECT_THAT(e.message, HasSubstr(std::to_string(big.size())));
  ParseLimits small;
  small.max_bytes = 10;
  EXPECT_EQ(refusal("<r>12345678</r>", small).rule, "xml.too_large");
  EXPECT_TRUE(Document::parse("<r>123</r>", small));
}

std::string nested(int depth) {
  std::string s;
  for (int i = 0; i < depth; ++i) s += "<e>";
  for (int i = 0; i < depth; ++i) s += "</e>";
  return s;
}

TEST(Parse, NestingLimit) {
  EXPECT_TRUE(Document::parse(nested(48)));
  Error e = refusal(nested(49));
  EXPECT_EQ(e.rule, "xml.too_deep");
  EXPECT_THAT(e.message, HasSubstr("limit 48"));
  // Far beyond libxml2's own limit (256): refused by libxml2 itself, same rule.
  EXPECT_EQ(refusal(nested(5000)).rule, "xml.too_deep");
  ParseLimits limits;
  limits.max_depth = 3;
  EXPECT_TRUE(Document::parse(nested(3), limits));
  EXPECT_EQ(refusal(nested(4), limits).rule, "xml.too_deep");
}

TEST(Parse, OnlyUtf8) {
  // UTF-16 (with or without BOM) would hide "<!DOCTYPE" from the byte scan.
  std::string utf16le;
  for (char c : std::string("<r/>")) {
    utf16le += c;
    utf16le += '\0';
  }
  EXPECT_EQ(refusal(utf16le).rule, "xml.malformed");
  EXPECT_EQ(refusal("\xFF\xFE" + utf16le).rule, "xml.malformed");
  EXPECT_EQ(refusal("Lo\xA7\x94").rule, "xml.malformed");  // EBCDIC "<?xm"
  // A UTF-8 BOM and a harmless declared encoding are fine; the declaration is not obeyed.
  EXPECT_TRUE(Document::parse("\xEF\xBB\xBF<r/>"));
  EXPECT_TRUE(Document::parse("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><r>plain</r>"));
}

TEST(Parse, CommentsAndCdataAreAccepted) {
  auto d = Document::parse("<!-- c --><r><![CDATA[a<b]]><!-- inside --></r>");
  ASSERT_TRUE(d) << d.error().message;
}

TEST(Parse, NameIdSplitByACommentIsNotText) {
  auto d = Document::parse(fixture("nameid_comment.xml"));
  ASSERT_TRUE(d) << d.error().message;  // parsing is fine: comments are legal XML
  xmlNodePtr nameId = test::nameIdOf(test::assertionOf(*d));
  ASSERT_NE(nameId, nullptr);
  EXPECT_EQ(text(nameId), std::nullopt) << "a NameID split by a comment must be rejected, not truncated";
}

TEST(Parse, ParserErrorsNeverReachStderr) {
  ::testing::internal::CaptureStderr();
  for (const char* f : {"unclosed_tag.xml", "bad_char.xml", "bad_utf8.xml", "undeclared_prefix.xml",
                        "undeclared_entity.xml", "duplicate_attribute.xml"}) {
    EXPECT_FALSE(Document::parse(fixture(f)));
  }
  EXPECT_FALSE(Document::parse(nested(5000)));
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
}

// The loader installed by initialise() refuses everything even for a caller that (wrongly) asks
// libxml2 directly to load DTDs and substitute entities without NONET.
TEST(ExternalEntityLoader, RefusesFilesAndNetworkWhateverTheOptions) {
  initialise();
  test::Listener listener;
  const std::string port = std::to_string(listener.port());
  for (const char* f : {"xxe_http.xml", "parameter_entity.xml", "doctype_public.xml", "xxe_file.xml"}) {
    const std::string bytes = test::replaceAll(fixture(f), "@PORT@", port);
    const std::size_t before = refusedExternalLoads();
    xmlDocPtr doc =
        xmlReadMemory(bytes.data(), static_cast<int>(bytes.size()), nullptr, nullptr,
                      XML_PARSE_NOENT | XML_PARSE_DTDLOAD | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    EXPECT_GT(refusedExternalLoads(), before) << f;
    if (doc != nullptr) {
      xmlChar* mem = nullptr;
      int size = 0;
      xmlDocDumpMemory(doc, &mem, &size);
      EXPECT_EQ(std::string(reinterpret_cast<char*>(mem), static_cast<std::size_t>(size)).find("root:"),
                std::string::npos)
          << "/etc/passwd was read";
      xmlFree(mem);
      xmlFreeDoc(doc);
    }
  }
  EXPECT_EQ(listener.connections(), 0);
}

}  // namespace
}  // namespace sportello::xml
