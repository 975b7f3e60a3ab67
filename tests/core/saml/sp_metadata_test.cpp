// The gateway's own metadata: what buildSpMetadata() writes passes every SP metadata rule the mock IdPs
// and the validators apply, for SPID (Avviso 29, production profile) and CIE.
#include "core/saml/sp_metadata.hpp"

#include <gtest/gtest.h>

#include "core/saml/metadata_rules.hpp"
#include "tests/core/saml/saml_fixtures.hpp"

using namespace sportello;
using namespace sportello::saml;

namespace {

// The test PKI's SP certificate carries this entityID as its subject uri (tests/support/test_env.cpp).
const std::string kEntity = "https://localhost/spid/metadata";

SpMetadataSpec spec(Profile p) {
  SpMetadataSpec s;
  s.profile = p;
  s.entity_id = p == Profile::spid ? kEntity : "https://localhost/cie/metadata";
  s.acs = {"https://localhost/spid/acs"};
  s.slo = "https://localhost/spid/slo";
  s.attribute_services = {{0, "Servizi online", {"name", "familyName", "fiscalNumber"}},
                          {1, "Tributi", {"fiscalNumber", "email"}}};
  if (p == Profile::cie)
    s.attribute_services = {{0, "Servizi online", {"name", "familyName", "fiscalNumber", "dateOfBirth"}}};
  s.organization_name = s.organization_display_name = "Comune di Vigata";
  s.organization_url = "https://www.comune.vigata.example.it";
  s.ipa_code = "c_vgt";
  s.municipality_code = "L219";
  s.contact_email = "urp@comune.vigata.example.it";
  s.contact_phone = "+390922000000";
  return s;
}

Report judge(const xml::Document& built, Profile p) {
  auto doc = xml::Document::parse(built.serialize());
  EXPECT_TRUE(doc);
  auto md = readSpMetadata(*doc);
  EXPECT_TRUE(md);
  MetadataContext c;
  c.profile = p;
  auto key = test::spKey();
  auto v = xml::verify(*doc, doc->root(), xml::signatureOf(doc->root()), key.certificate());
  c.signature_valid = v.has_value();
  c.signature_detail = v ? "verified" : v.error().message;
  return spMetadataPolicy().evaluate(*md, c);
}

TEST(SpMetadataBuilder, SpidMetadataPassesEveryRuleInProduction) {
  auto doc = buildSpMetadata(spec(Profile::spid), test::spKey());
  ASSERT_TRUE(doc) << doc.error().message;
  auto r = judge(*doc, Profile::spid);
  for (const auto& v : r.verdicts) EXPECT_NE(v.outcome, Outcome::fail) << v.rule << ": " << v.detail;
  auto text = doc->serialize();
  EXPECT_NE(text.find("<spid:Public/>"), std::string::npos);
  EXPECT_NE(text.find("contactType=\"other\""), std::string::npos);
  EXPECT_NE(text.find("index=\"0\" isDefault=\"true\""), std::string::npos);
}

TEST(SpMetadataBuilder, CieMetadataPassesEveryRuleWithCieExtensions) {
  auto doc = buildSpMetadata(spec(Profile::cie), test::spKey());
  ASSERT_TRUE(doc) << doc.error().message;
  auto r = judge(*doc, Profile::cie);
  for (const auto& v : r.verdicts) EXPECT_NE(v.outcome, Outcome::fail) << v.rule << ": " << v.detail;
  auto text = doc->serialize();
  EXPECT_NE(text.find("<cie:Municipality>L219</cie:Municipality>"), std::string::npos);
  EXPECT_EQ(text.find("spid:"), std::string::npos);
}

TEST(SpMetadataBuilder, TheSignatureCoversTheWholeDocument) {
  auto doc = buildSpMetadata(spec(Profile::spid), test::spKey());
  ASSERT_TRUE(doc);
  auto text = doc->serialize();
  auto pos = text.find("c_vgt");
  ASSERT_NE(pos, std::string::npos);
  text.replace(pos, 5, "c_xyz");
  auto tampered = xml::Document::parse(text);
  ASSERT_TRUE(tampered);
  auto v = xml::verify(*tampered, tampered->root(), xml::signatureOf(tampered->root()),
                       test::spKey().certificate());
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().rule, "sig.invalid");
}

TEST(SpMetadataBuilder, RefusesAnIncompleteSpec) {
  auto s = spec(Profile::spid);
  s.acs.clear();
  auto doc = buildSpMetadata(s, test::spKey());
  ASSERT_FALSE(doc);
  EXPECT_EQ(doc.error().rule, "md.sp_spec");
}

}  // namespace
