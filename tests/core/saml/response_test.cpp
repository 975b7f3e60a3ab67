#include "core/saml/response.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "tests/core/saml/saml_fixtures.hpp"

using namespace sportello;
using namespace sportello::saml;
using namespace std::chrono_literals;

namespace {

ResponseSpec spec() {
  ResponseSpec s;
  s.idp_entity_id = test::kIdpEntity;
  s.sp_entity_id = test::kSpEntity;
  s.acs_url = test::kAcs0;
  s.in_response_to = "_req123";
  s.now = std::chrono::sys_days{std::chrono::year{2026} / 11 / 22} + 10h;
  s.attributes = {
      {"fiscalNumber", "TINIT-RSSMRA85T10A562S"}, {"name", "Mario"}, {"dateOfBirth", "1985-12-10"}};
  return s;
}

}  // namespace

TEST(Response, BothSignaturesVerifyWithThePinnedIdpCertificate) {
  xml::initialise();
  auto key = test::idpKey();
  auto doc = buildResponse(spec(), key);
  ASSERT_TRUE(doc) << doc.error().message;
  auto parsed = xml::Document::parse(doc->serialize());
  ASSERT_TRUE(parsed) << parsed.error().message;
  xmlNodePtr root = parsed->root();
  auto rv = xml::verify(*parsed, root, xml::signatureOf(root), key.certificate());
  EXPECT_TRUE(rv) << rv.error().message;
  xmlNodePtr assertion = xml::child(root, ns::assertion, "Assertion");
  ASSERT_NE(assertion, nullptr);
  auto av = xml::verify(*parsed, assertion, xml::signatureOf(assertion), key.certificate());
  EXPECT_TRUE(av) << av.error().message;
  // And not with another IdP's certificate.
  EXPECT_FALSE(
      xml::verify(*parsed, assertion, xml::signatureOf(assertion), test::idpKey("cie-test").certificate()));
}

TEST(Response, ShapeFollowsTheSpidRules) {
  xml::initialise();
  auto doc = buildResponse(spec(), test::idpKey());
  ASSERT_TRUE(doc);
  std::string x = doc->serialize();
  for (const char* needle :
       {"Destination=\"https://comune.example.it/spid/acs\"", "InResponseTo=\"_req123\"",
        "urn:oasis:names:tc:SAML:2.0:status:Success",
        "Format=\"urn:oasis:names:tc:SAML:2.0:nameid-format:transient\"",
        "Method=\"urn:oasis:names:tc:SAML:2.0:cm:bearer\"", "NotOnOrAfter=\"2026-11-22T10:05:00.000Z\"",
        "Recipient=\"https://comune.example.it/spid/acs\"",
        "<saml:Audience>https://comune.example.it/spid/metadata<", "https://www.spid.gov.it/SpidL2",
        "xsi:type=\"xs:date\">1985-12-10<", "SessionIndex=", "rsa-sha256"}) {
    EXPECT_NE(x.find(needle), std::string::npos) << needle;
  }
}

TEST(Response, CieOmitsTheResponseIssuerFormatButKeepsTheAssertionOne) {
  xml::initialise();
  auto s = spec();
  s.profile = Profile::cie;
  auto doc = buildResponse(s, test::idpKey("cie-test"));
  ASSERT_TRUE(doc);
  xmlNodePtr root = doc->root();
  EXPECT_FALSE(xml::attribute(xml::child(root, ns::assertion, "Issuer"), "Format"));
  xmlNodePtr assertion = xml::child(root, ns::assertion, "Assertion");
  EXPECT_EQ(xml::attribute(xml::child(assertion, ns::assertion, "Issuer"), "Format"), nameid::entity);
}

TEST(Response, ErrorAnswersCarryTheSpidCode) {
  xml::initialise();
  ErrorSpec e;
  e.idp_entity_id = test::kIdpEntity;
  e.acs_url = test::kAcs0;
  e.in_response_to = "_req9";
  e.now = std::chrono::system_clock::now();
  e.error_code = 19;
  auto doc = buildErrorResponse(e, test::idpKey());
  ASSERT_TRUE(doc);
  std::string x = doc->serialize();
  EXPECT_NE(x.find("urn:oasis:names:tc:SAML:2.0:status:Responder"), std::string::npos);
  EXPECT_NE(x.find("urn:oasis:names:tc:SAML:2.0:status:AuthnFailed"), std::string::npos);
  EXPECT_NE(x.find("<samlp:StatusMessage>ErrorCode nr19</samlp:StatusMessage>"), std::string::npos);
  EXPECT_EQ(x.find("Assertion"), std::string::npos);
  EXPECT_EQ(spidErrorDescription(22), std::string_view("L'utente ha negato il consenso all'invio dei dati."));
}

// The independent check: the xmlsec1 command-line tool, pinned to the IdP certificate.
TEST(Response, VerifiesWithTheXmlsec1CommandLineTool) {
  if (!std::filesystem::exists("/usr/bin/xmlsec1"))
    GTEST_SKIP() << "xmlsec1 is not installed (scripts/setup.sh installs it)";
  xml::initialise();
  auto doc = buildResponse(spec(), test::idpKey());
  ASSERT_TRUE(doc);
  test::TempDir dir;
  std::string file = dir.path() + "/response.xml";
  std::ofstream(file) << doc->serialize();
  const std::string cert = test::testPki().idp_signing.at("aurora-id").cert;
  // --enabled-key-data rsa: use only the pinned key, never the certificate carried in KeyInfo.
  for (const char* node :
       {"urn:oasis:names:tc:SAML:2.0:protocol:Response", "urn:oasis:names:tc:SAML:2.0:assertion:Assertion"}) {
    std::string cmd =
        "/usr/bin/xmlsec1 --verify --pubkey-cert-pem " + cert +
        " --enabled-key-data rsa --id-attr:ID urn:oasis:names:tc:SAML:2.0:protocol:Response"
        " --id-attr:ID urn:oasis:names:tc:SAML:2.0:assertion:Assertion --node-xpath \"//*[local-name()='" +
        std::string(std::string_view(node).substr(std::string_view(node).rfind(':') + 1)) +
        "']/*[local-name()='Signature']\" " + file + " > " + dir.path() + "/out.txt 2>&1";
    EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  }
  // Pinned to another certificate, it must fail.
  std::string wrong = "/usr/bin/xmlsec1 --verify --pubkey-cert-pem " +
                      test::testPki().idp_signing.at("cie-test").cert +
                      " --enabled-key-data rsa --id-attr:ID urn:oasis:names:tc:SAML:2.0:protocol:Response " +
                      file + " > /dev/null 2>&1";
  EXPECT_NE(std::system(wrong.c_str()), 0);
}
