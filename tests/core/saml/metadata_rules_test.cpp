// Every SP metadata rule (spec/spid-cie.md, "SP metadata" and "CIE differences"): the fixture passes,
// then one mutation per failure a rule must catch. Mutations parse the fixture, change it with libxml2,
// sign it with the SP key and read it back, as a registration would.
#include "core/saml/metadata_rules.hpp"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <functional>

#include "tests/core/saml/saml_fixtures.hpp"

using namespace sportello;
using namespace sportello::saml;

namespace {

// The subject uri (2.5.4.83) of the test PKI's SP signing certificate (tests/support/test_env.cpp): the
// fixture's entityID differs from it, which the Avviso 29 profile check catches in production.
const std::string kPkiSpEntity = "https://localhost/spid/metadata";

using V = std::vector<std::string>;
using Mutation = std::function<void(xmlNodePtr)>;

xmlNodePtr spsso(xmlNodePtr root) {
  return xml::children(root, ns::metadata, "SPSSODescriptor").front();
}
std::vector<xmlNodePtr> all(xmlNodePtr parent, std::string_view local) {
  return xml::children(parent, ns::metadata, local);
}
xmlNodePtr first(xmlNodePtr parent, std::string_view local) {
  return all(parent, local).front();
}
void drop(xmlNodePtr n) {
  xmlUnlinkNode(n);
  xmlFreeNode(n);
}
void set(xmlNodePtr n, const char* name, const std::string& value) {
  xml::setAttribute(n, name, value);
}
void unset(xmlNodePtr n, const char* name) {
  xmlUnsetProp(n, reinterpret_cast<const xmlChar*>(name));
}
void setText(xmlNodePtr n, const char* text) {
  xmlNodeSetContent(n, reinterpret_cast<const xmlChar*>(text));
}
xmlNodePtr copyAfter(xmlNodePtr n) {
  return xmlAddNextSibling(n, xmlCopyNode(n, 1));
}
xmlNodePtr contact(xmlNodePtr root) {
  return first(root, "ContactPerson");
}
xmlNodePtr extensions(xmlNodePtr root) {
  return first(contact(root), "Extensions");
}
// Replaces the contact's extensions with `entries` (local name, text; "" for an empty element) in `ns`.
void replaceExtensions(xmlNodePtr root, std::string_view ns, const char* prefix,
                       const std::vector<std::pair<const char*, const char*>>& entries) {
  xmlNodePtr ext = extensions(root);
  for (xmlNodePtr c : xml::children(ext)) drop(c);
  for (const auto& [name, text] : entries) {
    xml::addChild(ext, ns, prefix, name,
                  *text != '\0' ? std::optional<std::string_view>(text) : std::nullopt);
  }
}

// The fixture as production wants it: entityID equal to the certificate's uri, no ACS on a port.
void productionReady(xmlNodePtr root) {
  set(root, "entityID", kPkiSpEntity);
  drop(all(spsso(root), "AssertionConsumerService")[1]);
}

// The fixture as a CIE SP would write it: CIE extensions on an administrative contact, the eIDAS set.
void cieShaped(xmlNodePtr root) {
  productionReady(root);
  set(contact(root), "contactType", "administrative");
  replaceExtensions(root, ns::cie, "cie",
                    {{"Public", ""},
                     {"IPACode", "c_vgt"},
                     {"IPACategory", "L6"},
                     {"Municipality", "H501"},
                     {"Country", "IT"}});
  drop(all(spsso(root), "AttributeConsumingService")[1]);  // asks for email
}

// A self-signed certificate outside the test PKI (weak keys, SHA-1) for the key rules.
xml::Certificate makeCertificate(int bits, const EVP_MD* md) {
  EVP_PKEY* key = EVP_RSA_gen(static_cast<unsigned>(bits));
  X509* x = X509_new();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
  X509_gmtime_adj(X509_getm_notBefore(x), 0);
  X509_gmtime_adj(X509_getm_notAfter(x), 86400);
  X509_set_pubkey(x, key);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("weak"), -1, -1,
                             0);
  X509_set_issuer_name(x, name);
  X509_sign(x, key, md);
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, x);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  auto cert = xml::Certificate::fromPem(std::string_view(data, static_cast<std::size_t>(len)));
  BIO_free(bio);
  X509_free(x);
  EVP_PKEY_free(key);
  return std::move(*cert);
}

std::string pemCertB64(const std::string& path) {
  return xml::Certificate::fromPemFile(path)->base64Der();
}

class MetadataRules : public ::testing::Test {
 protected:
  void SetUp() override { xml::initialise(); }

  std::string cert = test::spKey().certificate().base64Der();

  static MetadataContext production(Profile p = Profile::spid) {
    MetadataContext c;
    c.profile = p;
    c.signature_valid = true;
    c.signature_detail = "verified with the SP signing certificate";
    return c;
  }
  static MetadataContext development(Profile p = Profile::spid) {
    auto c = production(p);
    c.development = true;
    return c;
  }

  // The fixture (with `certB64`), changed by `mutate`, signed unless `sign` is false, read back.
  SpMetadata read(const Mutation& mutate, bool sign = true, const std::string& certB64 = {}) {
    auto doc = xml::Document::parse(test::spMetadataXml(certB64.empty() ? cert : certB64));
    EXPECT_TRUE(doc);
    if (mutate) mutate(doc->root());
    if (sign) {
      auto r = xml::sign(*doc, doc->root(), test::spKey(), xml::SignatureAlgorithm::rsa_sha256, nullptr);
      EXPECT_TRUE(r) << r.error().message;
    }
    auto reparsed = xml::Document::parse(doc->serialize());
    EXPECT_TRUE(reparsed) << reparsed.error().message;
    auto view = readSpMetadata(*reparsed);
    EXPECT_TRUE(view);
    return std::move(*view);
  }

  static Report report(const SpMetadata& m, const MetadataContext& c) {
    return spMetadataPolicy().evaluate(m, c);
  }
  static V failedIn(const Report& r) {
    V out;
    for (const auto& v : r.verdicts) {
      if (v.outcome == Outcome::fail) out.push_back(v.rule);
    }
    return out;
  }
  static const Verdict& verdict(const Report& r, std::string_view rule) {
    for (const auto& v : r.verdicts) {
      if (v.rule == rule) return v;
    }
    static const Verdict none{"(missing)", "", Outcome::fail, "no such rule"};
    return none;
  }

  // Rules that fail for the production-ready fixture changed by `mutate`.
  V failed(const Mutation& mutate, const MetadataContext& c = production()) {
    return failedIn(report(read([&](xmlNodePtr r) {
                             productionReady(r);
                             if (mutate) mutate(r);
                           }),
                           c));
  }
  V failedCie(const Mutation& mutate, const MetadataContext& c = production(Profile::cie)) {
    return failedIn(report(read([&](xmlNodePtr r) {
                             cieShaped(r);
                             if (mutate) mutate(r);
                           }),
                           c));
  }
  // The verdict of `rule` for the production-ready fixture changed by `mutate`.
  Verdict judged(std::string_view rule, const Mutation& mutate, const MetadataContext& c = production()) {
    return verdict(report(read([&](xmlNodePtr r) {
                            productionReady(r);
                            if (mutate) mutate(r);
                          }),
                          c),
                   rule);
  }
};

bool mentions(const Verdict& v, std::string_view needle) {
  return v.detail.find(needle) != std::string::npos;
}

}  // namespace

TEST_F(MetadataRules, TheRuleNamesAreStable) {
  V names;
  for (const auto& r : spMetadataPolicy().rules()) names.push_back(r.name);
  EXPECT_EQ(names, (V{"md.entity_id", "md.signature", "md.sp_descriptor", "md.authn_requests_signed",
                      "md.signing_key", "md.certificate_profile", "md.name_id_format", "md.single_logout",
                      "md.acs", "md.attribute_services", "md.organization", "md.contact_person"}));
  EXPECT_EQ(&spMetadataPolicy(), &spMetadataPolicy());  // built once
}

TEST_F(MetadataRules, TheFixturePassesEveryRuleInDevelopmentAndSaysWhatItRelaxed) {
  auto r = report(read({}), development());
  EXPECT_TRUE(r.ok()) << r.toJson();
  EXPECT_EQ(r.verdicts.size(), spMetadataPolicy().rules().size());
  const Verdict& acs = verdict(r, "md.acs");
  EXPECT_EQ(acs.outcome, Outcome::not_applicable);
  EXPECT_TRUE(mentions(acs, "development profile"));
  EXPECT_TRUE(mentions(acs, test::kAcs1));
  const Verdict& profile = verdict(r, "md.certificate_profile");
  EXPECT_EQ(profile.outcome, Outcome::not_applicable);
  EXPECT_TRUE(mentions(profile, "development profile"));
  EXPECT_TRUE(mentions(profile, "would fail in production"));
  EXPECT_TRUE(mentions(profile, "uri (2.5.4.83)"));
  for (const char* rule : {"md.entity_id", "md.signature", "md.sp_descriptor", "md.signing_key",
                           "md.attribute_services", "md.contact_person"}) {
    EXPECT_EQ(verdict(r, rule).outcome, Outcome::pass) << rule;
  }
}

TEST_F(MetadataRules, TheFixtureFailsOnlyItsDeliberateProductionViolations) {
  auto r = report(read({}), production());
  // ACS index 1 is on port 8443; the test PKI's certificate names another entityID.
  EXPECT_EQ(failedIn(r), (V{"md.certificate_profile", "md.acs"})) << r.toJson();
  EXPECT_TRUE(mentions(verdict(r, "md.acs"), test::kAcs1));
  EXPECT_TRUE(mentions(verdict(r, "md.acs"), "without an explicit port"));
  EXPECT_TRUE(mentions(verdict(r, "md.certificate_profile"), "differs from the entityID"));
}

TEST_F(MetadataRules, TheProductionReadyFixturePassesEveryRuleInProduction) {
  auto r = report(read(productionReady), production());
  EXPECT_TRUE(r.ok()) << r.toJson();
  for (const auto& v : r.verdicts) EXPECT_EQ(v.outcome, Outcome::pass) << v.rule << ": " << v.detail;
}

TEST_F(MetadataRules, AnEmptyEntityDescriptorIsJudgedWithoutCascades) {
  auto doc =
      xml::Document::parse(R"(<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"/>)");
  ASSERT_TRUE(doc);
  auto r = report(*readSpMetadata(*doc), MetadataContext{});
  EXPECT_EQ(failedIn(r),
            (V{"md.entity_id", "md.signature", "md.sp_descriptor", "md.organization", "md.contact_person"}));
  EXPECT_EQ(verdict(r, "md.acs").outcome, Outcome::not_applicable);
  EXPECT_TRUE(mentions(verdict(r, "md.acs"), "SPSSODescriptor"));
}

TEST_F(MetadataRules, EntityId) {
  auto dev = development();  // the certificate's uri would differ from any other entityID in production
  EXPECT_EQ(failed([](xmlNodePtr r) { unset(r, "entityID"); }, dev), V{"md.entity_id"});
  EXPECT_EQ(failed([](xmlNodePtr r) { set(r, "entityID", ""); }, dev), V{"md.entity_id"});
  EXPECT_EQ(failed([](xmlNodePtr r) { set(r, "entityID", "comune.example.it/spid"); }, dev),
            V{"md.entity_id"});
  EXPECT_EQ(failed([](xmlNodePtr r) { set(r, "entityID", "ftp://comune.example.it/md"); }, dev),
            V{"md.entity_id"});
  EXPECT_EQ(failed([](xmlNodePtr r) { set(r, "entityID", "https:///metadata"); }, dev), V{"md.entity_id"});
  EXPECT_EQ(failed([](xmlNodePtr r) { set(r, "entityID", "https://comune.example.it/a b"); }, dev),
            V{"md.entity_id"});
  EXPECT_EQ(
      failed([](xmlNodePtr r) { set(r, "entityID", "https://c.example.it/" + std::string(1100, 'x')); }, dev),
      V{"md.entity_id"});
}

TEST_F(MetadataRules, AnHttpEntityIdIsAProductionCheckTheDevelopmentProfileRelaxes) {
  auto http = [](xmlNodePtr r) { set(r, "entityID", "http://localhost/spid/metadata"); };
  // In production the certificate's uri differs too.
  EXPECT_EQ(failed(http), (V{"md.entity_id", "md.certificate_profile"}));
  auto v = judged("md.entity_id", http, development());
  EXPECT_EQ(v.outcome, Outcome::not_applicable);
  EXPECT_TRUE(mentions(v, "relaxed by the development profile"));
}

TEST_F(MetadataRules, SignatureIsJudgedFromTheFactsTheCallerVerified) {
  auto unsigned_ = read(productionReady, false);
  EXPECT_EQ(failedIn(report(unsigned_, production())), V{"md.signature"});
  auto m = read(productionReady);
  auto c = production();
  c.signature_valid = false;
  c.signature_detail = "sig.invalid: digest mismatch for <EntityDescriptor ID=\"_md1\">";
  auto r = report(m, c);
  EXPECT_EQ(failedIn(r), V{"md.signature"});
  EXPECT_EQ(verdict(r, "md.signature").detail, c.signature_detail);
  c.signature_valid = std::nullopt;
  c.signature_detail = "no certificate to verify with";
  r = report(m, c);
  EXPECT_EQ(failedIn(r), V{"md.signature"});
  EXPECT_TRUE(mentions(verdict(r, "md.signature"), "not verified"));
}

TEST_F(MetadataRules, TwoSignaturesAreRefused) {
  auto doc = xml::Document::parse(test::spMetadataXml(cert));
  ASSERT_TRUE(doc);
  productionReady(doc->root());
  ASSERT_TRUE(xml::sign(*doc, doc->root(), test::spKey(), xml::SignatureAlgorithm::rsa_sha256, nullptr));
  copyAfter(xml::signatureOf(doc->root()));
  auto reparsed = xml::Document::parse(doc->serialize());
  ASSERT_TRUE(reparsed);
  auto r = report(*readSpMetadata(*reparsed), production());
  EXPECT_EQ(failedIn(r), V{"md.signature"});
  EXPECT_TRUE(mentions(verdict(r, "md.signature"), "2 ds:Signature"));
}

TEST_F(MetadataRules, SignatureFactsAsARegistrationComputesThem) {
  // What a caller does: verify with the certificate the metadata names, then pass the outcome in.
  auto facts = [](xml::Document& doc, const SpMetadata& m) {
    MetadataContext c;
    auto v = xml::verify(doc, doc.root(), xml::signatureOf(doc.root()), m.signing_certificates.front());
    c.signature_valid = static_cast<bool>(v);
    c.signature_detail = v ? "verified" : v.error().rule + ": " + v.error().message;
    return c;
  };
  auto doc = xml::Document::parse(test::spMetadataXml(cert));
  ASSERT_TRUE(doc);
  productionReady(doc->root());
  ASSERT_TRUE(xml::sign(*doc, doc->root(), test::spKey(), xml::SignatureAlgorithm::rsa_sha256, nullptr));
  std::string signed_ = doc->serialize();
  auto good = xml::Document::parse(signed_);
  ASSERT_TRUE(good);
  auto m = *readSpMetadata(*good);
  EXPECT_TRUE(report(m, facts(*good, m)).ok());

  // Altered after signing: the digest no longer matches.
  std::string altered = signed_;
  altered.replace(altered.find("Servizi online"), 14, "Servizi truffa");
  auto bad = xml::Document::parse(altered);
  ASSERT_TRUE(bad);
  auto mb = *readSpMetadata(*bad);
  auto r = report(mb, facts(*bad, mb));
  EXPECT_EQ(failedIn(r), V{"md.signature"});
  EXPECT_TRUE(mentions(verdict(r, "md.signature"), "sig.invalid"));
}

TEST_F(MetadataRules, SpDescriptor) {
  EXPECT_EQ(failed([](xmlNodePtr r) { drop(spsso(r)); }), V{"md.sp_descriptor"});  // the rest: n/a
  EXPECT_EQ(failed([](xmlNodePtr r) { copyAfter(spsso(r)); }), V{"md.sp_descriptor"});
  EXPECT_EQ(failed([](xmlNodePtr r) {
              set(spsso(r), "protocolSupportEnumeration", "urn:oasis:names:tc:SAML:1.1:protocol");
            }),
            V{"md.sp_descriptor"});
  EXPECT_EQ(failed([](xmlNodePtr r) { unset(spsso(r), "protocolSupportEnumeration"); }),
            V{"md.sp_descriptor"});
  EXPECT_EQ(failed([](xmlNodePtr r) {
              set(spsso(r), "protocolSupportEnumeration",
                  "urn:oasis:names:tc:SAML:1.1:protocol  urn:oasis:names:tc:SAML:2.0:protocol");
            }),
            V{});
}

TEST_F(MetadataRules, AuthnRequestsSigned) {
  EXPECT_EQ(failed([](xmlNodePtr r) { set(spsso(r), "AuthnRequestsSigned", "false"); }),
            V{"md.authn_requests_signed"});
  EXPECT_EQ(failed([](xmlNodePtr r) { unset(spsso(r), "AuthnRequestsSigned"); }),
            V{"md.authn_requests_signed"});
}

TEST_F(MetadataRules, SigningKey) {
  EXPECT_EQ(failed([](xmlNodePtr r) { drop(first(spsso(r), "KeyDescriptor")); }), V{"md.signing_key"});
  // An encryption key is not a signing key.
  EXPECT_EQ(failed([](xmlNodePtr r) { set(first(spsso(r), "KeyDescriptor"), "use", "encryption"); }),
            V{"md.signing_key"});
  // An unreadable certificate is reported, even beside a good one.
  auto unreadable = judged("md.signing_key", [](xmlNodePtr r) {
    xmlNodePtr kd = copyAfter(first(spsso(r), "KeyDescriptor"));
    xmlNodePtr c = xml::child(xml::child(xml::child(kd, ns::dsig, "KeyInfo"), ns::dsig, "X509Data"), ns::dsig,
                              "X509Certificate");
    setText(c, "AAAA");
  });
  EXPECT_EQ(unreadable.outcome, Outcome::fail);
  EXPECT_TRUE(mentions(unreadable, "unreadable signing certificate"));
}

TEST_F(MetadataRules, SigningKeyStrengthDependsOnTheProfile) {
  auto weak = makeCertificate(1024, EVP_sha256()).base64Der();
  auto spid = report(read(productionReady, true, weak), development());
  EXPECT_EQ(failedIn(spid), V{"md.signing_key"});
  EXPECT_TRUE(mentions(verdict(spid, "md.signing_key"), "RSA 1024 bits, SPID requires at least 2048"));
  auto cie = report(read(cieShaped, true, weak), production(Profile::cie));  // CIE: >= 1024
  EXPECT_EQ(failedIn(cie), V{}) << cie.toJson();

  auto sha1 =
      report(read(cieShaped, true, makeCertificate(2048, EVP_sha1()).base64Der()), production(Profile::cie));
  EXPECT_EQ(failedIn(sha1), V{"md.signing_key"});
  EXPECT_TRUE(mentions(verdict(sha1, "md.signing_key"), "SHA1"));

  // ECDSA (the test PKI's TLS certificate): SPID and CIE sign with RSA.
  auto ec = report(read(cieShaped, true, pemCertB64(test::testPki().tls.cert)), production(Profile::cie));
  EXPECT_EQ(failedIn(ec), V{"md.signing_key"});
  EXPECT_TRUE(mentions(verdict(ec, "md.signing_key"), "requires RSA"));
}

TEST_F(MetadataRules, CertificateProfileFollowsAvviso29InProduction) {
  // The mock IdPs' certificates are RSA 2048 but carry none of the SP profile.
  auto idpCert = pemCertB64(test::testPki().idp_signing.at("aurora-id").cert);
  auto r = report(read(productionReady, true, idpCert), production());
  EXPECT_EQ(failedIn(r), V{"md.certificate_profile"});
  const Verdict& v = verdict(r, "md.certificate_profile");
  for (const char* needle :
       {"1.3.76.16.6", "1.3.76.16.4.2.1", "organizationIdentifier", "uri (2.5.4.83)", "subject lacks C, L"}) {
    EXPECT_TRUE(mentions(v, needle)) << needle << " in " << v.detail;
  }
  EXPECT_FALSE(mentions(v, "keyUsage"));  // that part is right

  // Development: reported, not failed, and the detail still says what is wrong.
  auto dev = verdict(report(read(productionReady, true, idpCert), development()), "md.certificate_profile");
  EXPECT_EQ(dev.outcome, Outcome::not_applicable);
  EXPECT_TRUE(mentions(dev, "would fail in production"));
  EXPECT_TRUE(mentions(dev, "1.3.76.16.6"));

  // A bare self-signed certificate lacks the keyUsage too.
  auto bare =
      report(read(productionReady, true, makeCertificate(2048, EVP_sha256()).base64Der()), production());
  EXPECT_TRUE(mentions(verdict(bare, "md.certificate_profile"), "no keyUsage"));

  // CIE accepts self-signed certificates as they are.
  auto cie =
      verdict(report(read(cieShaped, true, idpCert), production(Profile::cie)), "md.certificate_profile");
  EXPECT_EQ(cie.outcome, Outcome::not_applicable);
}

TEST_F(MetadataRules, CertificateProfileMatchesTheContactExtensions) {
  auto ipa = judged("md.certificate_profile",
                    [](xmlNodePtr r) { setText(xml::child(extensions(r), ns::spid, "IPACode"), "c_xyz"); });
  EXPECT_EQ(ipa.outcome, Outcome::fail);
  EXPECT_TRUE(mentions(ipa, "is not \"PA:IT-c_xyz\""));
  // A private SP needs the private-sector policy and a VATIT-/CF:IT- identifier.
  auto priv = judged("md.certificate_profile", [](xmlNodePtr r) {
    replaceExtensions(r, ns::spid, "spid", {{"Private", ""}, {"VATNumber", "IT12345678901"}});
  });
  EXPECT_EQ(priv.outcome, Outcome::fail);
  EXPECT_TRUE(mentions(priv, "1.3.76.16.4.3.1"));
  EXPECT_TRUE(mentions(priv, "VATIT-"));
}

TEST_F(MetadataRules, NameIdFormat) {
  EXPECT_EQ(failed([](xmlNodePtr r) {
              setText(first(spsso(r), "NameIDFormat"),
                      "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent");
            }),
            V{"md.name_id_format"});
  EXPECT_EQ(failed([](xmlNodePtr r) { drop(first(spsso(r), "NameIDFormat")); }), V{"md.name_id_format"});
}

TEST_F(MetadataRules, SingleLogout) {
  EXPECT_EQ(failed([](xmlNodePtr r) { drop(first(spsso(r), "SingleLogoutService")); }),
            V{"md.single_logout"});
  EXPECT_EQ(failed([](xmlNodePtr r) {
              set(first(spsso(r), "SingleLogoutService"), "Binding",
                  "urn:oasis:names:tc:SAML:2.0:bindings:PAOS");
            }),
            V{"md.single_logout"});
  EXPECT_EQ(failed([](xmlNodePtr r) { unset(first(spsso(r), "SingleLogoutService"), "Location"); }),
            V{"md.single_logout"});
  auto http = [](xmlNodePtr r) {
    set(first(spsso(r), "SingleLogoutService"), "Location", "http://localhost/slo");
  };
  EXPECT_EQ(failed(http), V{"md.single_logout"});
  auto dev = judged("md.single_logout", http, development());
  EXPECT_EQ(dev.outcome, Outcome::not_applicable);
  EXPECT_TRUE(mentions(dev, "development profile"));
}

TEST_F(MetadataRules, AssertionConsumerServices) {
  auto acs = [](xmlNodePtr r) { return first(spsso(r), "AssertionConsumerService"); };
  EXPECT_EQ(failed([&](xmlNodePtr r) { drop(acs(r)); }), V{"md.acs"});
  EXPECT_EQ(failed([&](xmlNodePtr r) { unset(acs(r), "index"); }), V{"md.acs"});
  EXPECT_EQ(failed([&](xmlNodePtr r) { set(acs(r), "index", "zero"); }), V{"md.acs"});
  EXPECT_EQ(failed([&](xmlNodePtr r) { set(acs(r), "isDefault", "false"); }), V{"md.acs"});
  EXPECT_EQ(failed([&](xmlNodePtr r) { unset(acs(r), "isDefault"); }), V{"md.acs"});
  EXPECT_EQ(failed([&](xmlNodePtr r) { set(acs(r), "Binding", std::string(binding::redirect)); }),
            V{"md.acs"});
  EXPECT_EQ(failed([&](xmlNodePtr r) { set(acs(r), "Location", "/spid/acs"); }), V{"md.acs"});
  // A second entry: a duplicate index, a second default, neither allowed.
  EXPECT_EQ(failed([&](xmlNodePtr r) { copyAfter(acs(r)); }), V{"md.acs"});
  EXPECT_EQ(failed([&](xmlNodePtr r) { set(copyAfter(acs(r)), "index", "1"); }), V{"md.acs"});
  EXPECT_EQ(failed([&](xmlNodePtr r) {
              xmlNodePtr second = copyAfter(acs(r));
              set(second, "index", "1");
              unset(second, "isDefault");
            }),
            V{});
  // Index 0 need not come first.
  EXPECT_EQ(failed([&](xmlNodePtr r) {
              xmlNodePtr zero = acs(r);
              xmlNodePtr one = xmlAddPrevSibling(zero, xmlCopyNode(zero, 1));
              set(one, "index", "1");
              unset(one, "isDefault");
            }),
            V{});
}

TEST_F(MetadataRules, AcsHttpsAndPortsAreProductionChecksTheDevelopmentProfileRelaxes) {
  auto http = [](xmlNodePtr r) {
    set(first(spsso(r), "AssertionConsumerService"), "Location", "http://comune.example.it/spid/acs");
  };
  EXPECT_EQ(failed(http), V{"md.acs"});
  auto port = [](xmlNodePtr r) {
    set(first(spsso(r), "AssertionConsumerService"), "Location", "https://[::1]:8443/spid/acs");
  };
  EXPECT_EQ(failed(port), V{"md.acs"});
  EXPECT_EQ(failed([](xmlNodePtr r) {
              set(first(spsso(r), "AssertionConsumerService"), "Location", "https://[::1]/spid/acs");
            }),
            V{});
  auto dev = judged("md.acs", port, development());
  EXPECT_EQ(dev.outcome, Outcome::not_applicable);
  EXPECT_TRUE(mentions(dev, "relaxed by the development profile"));
  // Structural faults are not relaxed.
  EXPECT_EQ(failed(
                [&](xmlNodePtr r) {
                  port(r);
                  unset(first(spsso(r), "AssertionConsumerService"), "index");
                },
                development()),
            V{"md.acs"});
}

TEST_F(MetadataRules, AttributeServices) {
  auto service = [](xmlNodePtr r) { return first(spsso(r), "AttributeConsumingService"); };
  EXPECT_EQ(failed([&](xmlNodePtr r) {
              for (xmlNodePtr s : all(spsso(r), "AttributeConsumingService")) drop(s);
            }),
            V{"md.attribute_services"});
  EXPECT_EQ(failed([&](xmlNodePtr r) { unset(service(r), "index"); }), V{"md.attribute_services"});
  EXPECT_EQ(failed([&](xmlNodePtr r) { set(service(r), "index", "1"); }),
            V{"md.attribute_services"});  // twice
  EXPECT_EQ(failed([&](xmlNodePtr r) { drop(first(service(r), "ServiceName")); }),
            V{"md.attribute_services"});
  EXPECT_EQ(failed([&](xmlNodePtr r) { setText(first(service(r), "ServiceName"), ""); }),
            V{"md.attribute_services"});
  EXPECT_EQ(failed([&](xmlNodePtr r) {
              for (xmlNodePtr a : all(service(r), "RequestedAttribute")) drop(a);
            }),
            V{"md.attribute_services"});
  auto unknown = judged("md.attribute_services", [&](xmlNodePtr r) {
    set(first(service(r), "RequestedAttribute"), "Name", "shoeSize");
  });
  EXPECT_EQ(unknown.outcome, Outcome::fail);
  EXPECT_TRUE(mentions(unknown, "\"shoeSize\""));
  EXPECT_EQ(failed([&](xmlNodePtr r) { copyAfter(first(service(r), "RequestedAttribute")); }),
            V{"md.attribute_services"});
  EXPECT_EQ(failed([&](xmlNodePtr r) { set(first(service(r), "RequestedAttribute"), "Name", "spidCode"); }),
            V{});
}

TEST_F(MetadataRules, Organization) {
  auto org = [](xmlNodePtr r) { return first(r, "Organization"); };
  EXPECT_EQ(failed([&](xmlNodePtr r) { drop(org(r)); }), V{"md.organization"});
  EXPECT_EQ(failed([&](xmlNodePtr r) { drop(first(org(r), "OrganizationURL")); }), V{"md.organization"});
  EXPECT_EQ(failed([&](xmlNodePtr r) { setText(first(org(r), "OrganizationDisplayName"), ""); }),
            V{"md.organization"});
  EXPECT_EQ(failed([&](xmlNodePtr r) { setText(first(org(r), "OrganizationURL"), "comune di vigata"); }),
            V{"md.organization"});
}

TEST_F(MetadataRules, SpidContactPerson) {
  EXPECT_EQ(failed([](xmlNodePtr r) { set(contact(r), "contactType", "administrative"); }),
            V{"md.contact_person"});
  EXPECT_EQ(failed([](xmlNodePtr r) { drop(contact(r)); }), V{"md.contact_person"});
  EXPECT_EQ(failed([](xmlNodePtr r) { drop(extensions(r)); }), V{"md.contact_person"});
  EXPECT_EQ(failed([](xmlNodePtr r) { drop(xml::child(extensions(r), ns::spid, "IPACode")); }),
            V{"md.contact_person"});
}

TEST_F(MetadataRules, SpidContactExtensions) {
  auto dev = development();  // the certificate is a public SP's; these are about the contact alone
  EXPECT_EQ(failed(
                [](xmlNodePtr r) {
                  replaceExtensions(r, ns::spid, "spid", {{"IPACode", "c_vgt"}});
                },
                dev),
            V{"md.contact_person"});  // neither Public nor Private
  EXPECT_EQ(
      failed(
          [](xmlNodePtr r) {
            replaceExtensions(r, ns::spid, "spid", {{"Public", ""}, {"Private", ""}, {"IPACode", "c_vgt"}});
          },
          dev),
      V{"md.contact_person"});
  EXPECT_EQ(failed(
                [](xmlNodePtr r) {
                  replaceExtensions(r, ns::spid, "spid", {{"Private", ""}});
                },
                dev),
            V{"md.contact_person"});  // no VATNumber or FiscalCode
  EXPECT_EQ(failed(
                [](xmlNodePtr r) {
                  replaceExtensions(r, ns::spid, "spid", {{"Private", ""}, {"VATNumber", "IT12345678901"}});
                },
                dev),
            V{});
  EXPECT_EQ(failed(
                [](xmlNodePtr r) {
                  replaceExtensions(r, ns::spid, "spid", {{"Private", ""}, {"FiscalCode", "12345678901"}});
                  drop(first(contact(r), "TelephoneNumber"));
                },
                dev),
            V{"md.contact_person"});  // private SPs give a telephone number
  EXPECT_EQ(failed(
                [](xmlNodePtr r) {
                  replaceExtensions(r, ns::cie, "cie", {{"Public", ""}, {"IPACode", "c_vgt"}});
                },
                dev),
            V{"md.contact_person"});  // the CIE namespace under SPID
}

TEST_F(MetadataRules, SpidContactAddresses) {
  EXPECT_EQ(failed([](xmlNodePtr r) { drop(first(contact(r), "EmailAddress")); }), V{"md.contact_person"});
  EXPECT_EQ(failed([](xmlNodePtr r) { setText(first(contact(r), "EmailAddress"), "urp at comune"); }),
            V{"md.contact_person"});
  EXPECT_EQ(failed([](xmlNodePtr r) { setText(first(contact(r), "TelephoneNumber"), "0922000000"); }),
            V{"md.contact_person"});
  auto spaced = judged("md.contact_person", [](xmlNodePtr r) {
    setText(first(contact(r), "TelephoneNumber"), "+39 0922 000000");
  });
  EXPECT_EQ(spaced.outcome, Outcome::fail);
  EXPECT_TRUE(mentions(spaced, "+39 followed by digits"));
  // A public SP may leave the telephone out.
  EXPECT_EQ(failed([](xmlNodePtr r) { drop(first(contact(r), "TelephoneNumber")); }), V{});
}

TEST_F(MetadataRules, CieShapedMetadataPasses) {
  auto r = report(read(cieShaped), production(Profile::cie));
  EXPECT_TRUE(r.ok()) << r.toJson();
  EXPECT_EQ(verdict(r, "md.certificate_profile").outcome, Outcome::not_applicable);
  EXPECT_EQ(verdict(r, "md.contact_person").outcome, Outcome::pass);
  // The same document under SPID: SPID extensions and an "other" contact are missing.
  EXPECT_EQ(failedIn(report(read(cieShaped), production())), V{"md.contact_person"});
}

TEST_F(MetadataRules, CieRequestsOnlyTheEidasMinimumSet) {
  auto service = [](xmlNodePtr r) { return first(spsso(r), "AttributeConsumingService"); };
  auto v = verdict(report(read([&](xmlNodePtr r) {
                            cieShaped(r);
                            set(first(service(r), "RequestedAttribute"), "Name", "spidCode");
                          }),
                          production(Profile::cie)),
                   "md.attribute_services");
  EXPECT_EQ(v.outcome, Outcome::fail);
  EXPECT_TRUE(mentions(v, "outside the CIE set"));
  // The SPID fixture asks for email in its second service.
  EXPECT_EQ(failedIn(report(read(productionReady), production(Profile::cie))),
            (V{"md.attribute_services", "md.contact_person"}));
}

TEST_F(MetadataRules, CieContactPerson) {
  auto ext = [](xmlNodePtr r) { return extensions(r); };
  EXPECT_EQ(failedCie([&](xmlNodePtr r) { drop(xml::child(ext(r), ns::cie, "Public")); }),
            V{"md.contact_person"});
  EXPECT_EQ(failedCie([&](xmlNodePtr r) { drop(xml::child(ext(r), ns::cie, "IPACode")); }),
            V{"md.contact_person"});
  EXPECT_EQ(failedCie([&](xmlNodePtr r) { setText(xml::child(ext(r), ns::cie, "Municipality"), "Roma"); }),
            V{"md.contact_person"});
  EXPECT_EQ(failedCie([&](xmlNodePtr r) { setText(xml::child(ext(r), ns::cie, "Country"), "Italia"); }),
            V{"md.contact_person"});
  EXPECT_EQ(failedCie([&](xmlNodePtr r) { drop(first(contact(r), "EmailAddress")); }),
            V{"md.contact_person"});
  // Vague in the CIE documents: optional, checked when present.
  EXPECT_EQ(failedCie([&](xmlNodePtr r) {
              drop(xml::child(ext(r), ns::cie, "Municipality"));
              drop(xml::child(ext(r), ns::cie, "IPACategory"));
            }),
            V{});
  EXPECT_EQ(failedCie([](xmlNodePtr r) {
              replaceExtensions(r, ns::cie, "cie",
                                {{"Private", ""},
                                 {"VATNumber", "IT12345678901"},
                                 {"NACE2Code", "62.01"},
                                 {"Municipality", "H501"}});
            }),
            V{});
  EXPECT_EQ(failedCie([](xmlNodePtr r) {
              replaceExtensions(r, ns::cie, "cie", {{"Private", ""}, {"NACE2Code", "informatica"}});
            }),
            V{"md.contact_person"});
  // SPID extensions do not identify a CIE SP.
  EXPECT_EQ(failedCie([](xmlNodePtr r) {
              replaceExtensions(r, ns::spid, "spid", {{"Public", ""}, {"IPACode", "c_vgt"}});
            }),
            V{"md.contact_person"});
}
