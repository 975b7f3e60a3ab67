#include "core/saml/metadata.hpp"

#include <gtest/gtest.h>

#include "tests/core/saml/saml_fixtures.hpp"

using namespace sportello;

TEST(SpMetadata, ReadsWhatTheRulesNeed) {
  xml::initialise();
  auto m = test::spMetadata();
  EXPECT_EQ(m.entity_id, test::kSpEntity);
  EXPECT_EQ(m.authn_requests_signed, "true");
  ASSERT_EQ(m.signing_certificates.size(), 1u);
  EXPECT_EQ(m.signing_certificates[0].sha256Fingerprint(), test::spKey().certificate().sha256Fingerprint());
  ASSERT_EQ(m.assertion_consumer_services.size(), 2u);
  EXPECT_EQ(m.defaultAcs()->location, test::kAcs0);
  EXPECT_EQ(m.acsByIndex(1)->location, test::kAcs1);
  EXPECT_EQ(m.acsByIndex(2), nullptr);
  ASSERT_NE(m.attributeService(1), nullptr);
  EXPECT_EQ(m.attributeService(1)->requested, (std::vector<std::string>{"fiscalNumber", "email"}));
  EXPECT_EQ(m.organization_name, "Comune di Vigata");
  ASSERT_EQ(m.contacts.size(), 1u);
  EXPECT_EQ(m.contacts[0].extensions.at("IPACode"), "c_vgt");
  EXPECT_TRUE(m.contacts[0].extensions.count("Public"));
  EXPECT_EQ(m.contacts[0].extensions_ns, saml::ns::spid);
}

TEST(SpMetadata, RootMustBeAnEntityDescriptor) {
  xml::initialise();
  auto doc = xml::Document::parse("<x/>");
  ASSERT_TRUE(doc);
  EXPECT_EQ(saml::readSpMetadata(*doc).error().rule, "saml.root");
}
