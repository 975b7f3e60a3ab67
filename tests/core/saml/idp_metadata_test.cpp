// The mock IdPs' metadata: built, serialised, parsed, verified with the IdP certificate and read back.
#include "core/saml/idp_metadata.hpp"

#include <gtest/gtest.h>

#include "tests/core/saml/saml_fixtures.hpp"

using namespace sportello;
using namespace sportello::saml;
using namespace std::chrono_literals;

namespace {

IdpMetadataSpec spec() {
  IdpMetadataSpec s;
  s.entity_id = test::kIdpEntity;
  s.sso = {{std::string(binding::redirect), test::kIdpSso},
           {std::string(binding::post), test::kIdpSso + "-post"}};
  s.slo = {{std::string(binding::redirect), test::kIdpEntity + "/slo"},
           {std::string(binding::post), test::kIdpEntity + "/slo-post"}};
  s.organization_name = "Aurora ID S.p.A. (test)";
  s.display_name = "Aurora ID";
  s.url = "https://localhost:8443/idp/aurora-id";
  s.valid_until = std::chrono::sys_days{std::chrono::year{2027} / 1 / 1} + 12h;
  return s;
}

xml::Document roundTrip(const IdpMetadataSpec& s, const xml::SigningKey& key) {
  auto built = buildIdpMetadata(s, key);
  EXPECT_TRUE(built) << built.error().rule << ": " << built.error().message;
  auto parsed = xml::Document::parse(built->serialize());
  EXPECT_TRUE(parsed) << parsed.error().message;
  return std::move(*parsed);
}

}  // namespace

TEST(IdpMetadata, BuiltSignedParsedVerifiedAndReadBackEqualsTheSpec) {
  xml::initialise();
  auto key = test::idpKey();
  auto s = spec();
  auto doc = roundTrip(s, key);
  xmlNodePtr root = doc.root();

  // The signature is the EntityDescriptor's first child and verifies with the IdP certificate only.
  ASSERT_FALSE(xml::children(root).empty());
  EXPECT_TRUE(xml::is(xml::children(root).front(), ns::dsig, "Signature"));
  auto v = xml::verify(doc, root, xml::signatureOf(root), key.certificate());
  ASSERT_TRUE(v) << v.error().rule << ": " << v.error().message;
  EXPECT_EQ(v->element, root);
  EXPECT_FALSE(xml::verify(doc, root, xml::signatureOf(root), test::idpKey("cie-test").certificate()));

  auto m = readIdpMetadata(doc);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->entity_id, s.entity_id);
  EXPECT_EQ(m->id, v->id);
  EXPECT_EQ(m->signature_count, 1u);
  EXPECT_EQ(m->idp_descriptor_count, 1u);
  EXPECT_EQ(m->protocol_support, std::string(ns::protocol));
  EXPECT_EQ(m->want_authn_requests_signed, "true");
  EXPECT_EQ(m->sso, s.sso);
  EXPECT_EQ(m->slo, s.slo);
  EXPECT_EQ(m->ssoLocation(binding::post), test::kIdpSso + "-post");
  EXPECT_EQ(m->ssoLocation(binding::soap), std::nullopt);
  EXPECT_EQ(m->name_id_formats, std::vector<std::string>{std::string(nameid::transient)});
  ASSERT_EQ(m->signing_certificates.size(), 1u);
  EXPECT_TRUE(m->certificate_errors.empty());
  EXPECT_EQ(m->signing_certificates[0].sha256Fingerprint(), key.certificate().sha256Fingerprint());
  EXPECT_EQ(m->organization_name, s.organization_name);
  EXPECT_EQ(m->organization_display_name, s.display_name);
  EXPECT_EQ(m->organization_url, s.url);
  ASSERT_TRUE(m->valid_until);
  EXPECT_EQ(*parseDateTime(*m->valid_until), *s.valid_until);
  EXPECT_EQ(m->attributes, std::vector<std::string>(kSpidAttributes.begin(), kSpidAttributes.end()));
}

TEST(IdpMetadata, ShapeFollowsTheMetadataSchema) {
  xml::initialise();
  auto doc = roundTrip(spec(), test::idpKey());
  xmlNodePtr idp = xml::child(doc.root(), ns::metadata, "IDPSSODescriptor");
  ASSERT_NE(idp, nullptr);
  std::vector<std::string> order;
  for (xmlNodePtr n : xml::children(idp)) {
    std::string name = reinterpret_cast<const char*>(n->name);
    if (order.empty() || order.back() != name) order.push_back(name);
  }
  EXPECT_EQ(order, (std::vector<std::string>{"KeyDescriptor", "SingleLogoutService", "NameIDFormat",
                                             "SingleSignOnService", "Attribute"}));
  for (xmlNodePtr a : xml::children(idp, ns::assertion, "Attribute")) {
    EXPECT_EQ(xml::attribute(a, "NameFormat"), std::string(kAttrNameFormatBasic));
  }
  EXPECT_EQ(xml::attribute(xml::child(idp, ns::metadata, "KeyDescriptor"), "use"), "signing");
  std::string x = doc.serialize();
  EXPECT_NE(x.find("<md:OrganizationName xml:lang=\"it\">"), std::string::npos);
  EXPECT_NE(x.find("validUntil=\"2027-01-01T12:00:00.000Z\""), std::string::npos);
  EXPECT_NE(x.find("rsa-sha256"), std::string::npos);
}

TEST(IdpMetadata, CieAdvertisesTheEidasMinimumSet) {
  xml::initialise();
  auto s = spec();
  s.profile = Profile::cie;
  s.valid_until.reset();
  auto doc = roundTrip(s, test::idpKey("cie-test"));
  auto m = readIdpMetadata(doc);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->attributes, std::vector<std::string>(kCieAttributes.begin(), kCieAttributes.end()));
  EXPECT_EQ(m->valid_until, std::nullopt);
  EXPECT_TRUE(
      xml::verify(doc, doc.root(), xml::signatureOf(doc.root()), test::idpKey("cie-test").certificate()));
}

TEST(IdpMetadata, AlteredAfterSigningDoesNotVerify) {
  xml::initialise();
  auto key = test::idpKey();
  auto built = buildIdpMetadata(spec(), key);
  ASSERT_TRUE(built);
  std::string x = built->serialize();
  auto at = x.find(test::kIdpSso + "-post");
  ASSERT_NE(at, std::string::npos);
  x.replace(at, test::kIdpSso.size(), "https://evil.example/sso");
  auto doc = xml::Document::parse(x);
  ASSERT_TRUE(doc);
  auto v = xml::verify(*doc, doc->root(), xml::signatureOf(doc->root()), key.certificate());
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().rule, "sig.invalid");
}

TEST(IdpMetadata, TheSpecNeedsAnEntityIdAndASingleSignOnService) {
  xml::initialise();
  auto s = spec();
  s.entity_id.clear();
  EXPECT_EQ(buildIdpMetadata(s, test::idpKey()).error().rule, "md.idp_spec");
  s = spec();
  s.sso.clear();
  EXPECT_EQ(buildIdpMetadata(s, test::idpKey()).error().rule, "md.idp_spec");
}

TEST(IdpMetadata, TheReaderRecordsAndNeverJudges) {
  xml::initialise();
  // SP metadata is an EntityDescriptor without an IDPSSODescriptor: read, with nothing in it.
  auto sp = xml::Document::parse(test::spMetadataXml(test::spKey().certificate().base64Der()));
  ASSERT_TRUE(sp);
  auto m = readIdpMetadata(*sp);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->entity_id, test::kSpEntity);
  EXPECT_EQ(m->idp_descriptor_count, 0u);
  EXPECT_EQ(m->signature_count, 0u);
  EXPECT_TRUE(m->sso.empty());
  EXPECT_TRUE(m->signing_certificates.empty());
  EXPECT_EQ(m->organization_name, "Comune di Vigata");

  // An unreadable certificate is recorded, not fatal.
  auto doc = roundTrip(spec(), test::idpKey());
  xmlNodePtr idp = xml::child(doc.root(), ns::metadata, "IDPSSODescriptor");
  xmlNodePtr kd = xml::child(idp, ns::metadata, "KeyDescriptor");
  xmlNodePtr second = xmlAddNextSibling(kd, xmlCopyNode(kd, 1));
  xmlNodePtr cert = xml::child(xml::child(xml::child(second, ns::dsig, "KeyInfo"), ns::dsig, "X509Data"),
                               ns::dsig, "X509Certificate");
  xmlNodeSetContent(cert, reinterpret_cast<const xmlChar*>("not base64!"));
  auto withBad = readIdpMetadata(doc);
  ASSERT_TRUE(withBad);
  EXPECT_EQ(withBad->signing_certificates.size(), 1u);
  EXPECT_EQ(withBad->certificate_errors.size(), 1u);

  auto other = xml::Document::parse("<x/>");
  ASSERT_TRUE(other);
  EXPECT_EQ(readIdpMetadata(*other).error().rule, "saml.root");
}
