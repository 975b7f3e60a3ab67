// Every AuthnRequest rule with a passing and at least one failing case (spec/spid-cie.md, "AuthnRequest").
#include "core/saml/authn_rules.hpp"

#include <gtest/gtest.h>

#include <functional>

#include "tests/core/saml/saml_fixtures.hpp"

using namespace sportello;
using namespace sportello::saml;
using namespace std::chrono_literals;

namespace {

const TimePoint kNow = std::chrono::sys_days{std::chrono::year{2026} / 11 / 22} + 10h + 40min;

class AuthnRules : public ::testing::Test {
 protected:
  void SetUp() override { xml::initialise(); }

  SpMetadata sp = test::spMetadata();

  AuthnRequestContext context() {
    AuthnRequestContext c;
    c.now = kNow;
    c.idp_entity_id = test::kIdpEntity;
    c.sso_locations = {test::kIdpSso};
    c.sp = &sp;
    c.binding = "HTTP-POST";
    c.signature_present = true;
    c.signature_valid = true;
    c.signature_detail = "verified";
    c.relay_state = "a1b2c3d4";
    return c;
  }

  AuthnRequestSpec spec() {
    AuthnRequestSpec s;
    s.issue_instant = kNow - 3s;
    s.destination = test::kIdpSso;
    s.issuer = test::kSpEntity;
    return s;
  }

  // Rules that failed, for a request built from `s` and changed by `mutate`.
  std::vector<std::string> failed(const AuthnRequestSpec& s,
                                  const std::function<void(xmlNodePtr)>& mutate = {},
                                  const std::optional<AuthnRequestContext>& ctx = std::nullopt) {
    auto doc = buildAuthnRequest(s);
    if (mutate) mutate(doc.root());
    auto reparsed = xml::Document::parse(doc.serialize());
    EXPECT_TRUE(reparsed) << reparsed.error().message;
    auto view = readAuthnRequest(*reparsed);
    EXPECT_TRUE(view);
    auto report = authnRequestPolicy().evaluate(*view, ctx ? *ctx : context());
    std::vector<std::string> out;
    for (const auto& v : report.verdicts) {
      if (v.outcome == Outcome::fail) out.push_back(v.rule);
    }
    return out;
  }
  std::vector<std::string> failed(const std::function<void(xmlNodePtr)>& mutate) {
    return failed(spec(), mutate);
  }
};

using V = std::vector<std::string>;

void set(xmlNodePtr n, const char* name, const char* value) {
  xml::setAttribute(n, name, value);
}
void unset(xmlNodePtr n, const char* name) {
  xmlUnsetProp(n, reinterpret_cast<const xmlChar*>(name));
}
xmlNodePtr first(xmlNodePtr root, std::string_view ns, std::string_view local) {
  return xml::child(root, ns, local);
}

}  // namespace

TEST_F(AuthnRules, AValidSpidRequestPassesEveryRule) {
  EXPECT_EQ(failed(spec()), V{});
  auto doc = buildAuthnRequest(spec());
  auto view = readAuthnRequest(doc);
  auto report = authnRequestPolicy().evaluate(*view, context());
  EXPECT_TRUE(report.ok()) << report.toJson();
  EXPECT_EQ(report.verdicts.size(), authnRequestPolicy().rules().size());  // every rule reported
}

TEST_F(AuthnRules, Version) {
  EXPECT_EQ(failed([](xmlNodePtr r) { set(r, "Version", "1.1"); }), V{"authn.version"});
}

TEST_F(AuthnRules, Id) {
  EXPECT_EQ(failed([](xmlNodePtr r) { set(r, "ID", ""); }), V{"authn.id"});
  EXPECT_EQ(failed([](xmlNodePtr r) { set(r, "ID", "1abc"); }), V{"authn.id"});
  EXPECT_EQ(failed([](xmlNodePtr r) { unset(r, "ID"); }), V{"authn.id"});
}

TEST_F(AuthnRules, IssueInstantWithinSkew) {
  auto s = spec();
  s.issue_instant = kNow - 119s;
  EXPECT_EQ(failed(s), V{});
  s.issue_instant = kNow - 121s;
  EXPECT_EQ(failed(s), V{"authn.issue_instant"});
  s.issue_instant = kNow + 121s;
  EXPECT_EQ(failed(s), V{"authn.issue_instant"});
  EXPECT_EQ(failed([](xmlNodePtr r) { set(r, "IssueInstant", "ieri"); }), V{"authn.issue_instant"});
  EXPECT_EQ(failed([](xmlNodePtr r) { set(r, "IssueInstant", "2026-11-22T10:40:00"); }),
            V{"authn.issue_instant"});
}

TEST_F(AuthnRules, Destination) {
  EXPECT_EQ(failed([](xmlNodePtr r) { set(r, "Destination", "https://evil.example/sso"); }),
            V{"authn.destination"});
  EXPECT_EQ(failed([](xmlNodePtr r) { unset(r, "Destination"); }), V{"authn.destination"});
  EXPECT_EQ(failed([](xmlNodePtr r) { set(r, "Destination", test::kIdpEntity.c_str()); }), V{});  // tolerated
}

TEST_F(AuthnRules, IsPassive) {
  EXPECT_EQ(failed([](xmlNodePtr r) { set(r, "IsPassive", "true"); }), V{"authn.is_passive"});
}

TEST_F(AuthnRules, ForceAuthnForL2L3AndAlwaysForCie) {
  auto s = spec();
  s.force_authn = false;
  EXPECT_EQ(failed(s), V{"authn.force_authn"});
  s.level = Level::L1;
  EXPECT_EQ(failed(s), V{});  // SpidL1 does not need it
  auto cie = context();
  cie.profile = Profile::cie;
  EXPECT_EQ(failed(s, {}, cie), V{"authn.force_authn"});
}

TEST_F(AuthnRules, AssertionConsumerService) {
  EXPECT_EQ(failed([](xmlNodePtr r) { set(r, "AssertionConsumerServiceIndex", "7"); }),
            V{"authn.assertion_consumer_service"});
  EXPECT_EQ(failed([](xmlNodePtr r) { set(r, "AssertionConsumerServiceURL", test::kAcs0.c_str()); }),
            V{"authn.assertion_consumer_service"});  // index and URL both
  auto byUrl = spec();
  byUrl.acs_index = std::nullopt;
  byUrl.acs_url = test::kAcs0;
  EXPECT_EQ(failed(byUrl), V{});
  byUrl.acs_url = "https://evil.example/acs";
  EXPECT_EQ(failed(byUrl), V{"authn.assertion_consumer_service"});
  byUrl.acs_url = test::kAcs0;
  EXPECT_EQ(failed(byUrl, [](xmlNodePtr r) { unset(r, "ProtocolBinding"); }),
            V{"authn.assertion_consumer_service"});
  EXPECT_EQ(failed([](xmlNodePtr r) { unset(r, "AssertionConsumerServiceIndex"); }),
            V{"authn.assertion_consumer_service"});
  // SAML core 3.4.1: the index excludes ProtocolBinding too (found by the pysaml2 interop test).
  EXPECT_EQ(failed([](xmlNodePtr r) {
              set(r, "ProtocolBinding", "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST");
            }),
            V{"authn.assertion_consumer_service"});
}

TEST_F(AuthnRules, AcsHttpsIsAProductionCheckTheDevelopmentProfileRelaxes) {
  auto s = spec();
  s.acs_index = 1;  // https://comune.example.it:8443/...: an explicit port
  EXPECT_EQ(failed(s), V{"authn.acs_https"});
  auto dev = context();
  dev.development = true;
  EXPECT_EQ(failed(s, {}, dev), V{});
  auto doc = buildAuthnRequest(s);
  auto report = authnRequestPolicy().evaluate(*readAuthnRequest(doc), dev);
  auto it = std::find_if(report.verdicts.begin(), report.verdicts.end(),
                         [](const Verdict& v) { return v.rule == "authn.acs_https"; });
  EXPECT_EQ(it->outcome, Outcome::not_applicable);
  EXPECT_NE(it->detail.find("development profile"), std::string::npos);  // and it says so
}

TEST_F(AuthnRules, AttributeConsumingService) {
  EXPECT_EQ(failed([](xmlNodePtr r) { unset(r, "AttributeConsumingServiceIndex"); }),
            V{"authn.attribute_consuming_service"});
  EXPECT_EQ(failed([](xmlNodePtr r) { set(r, "AttributeConsumingServiceIndex", "9"); }),
            V{"authn.attribute_consuming_service"});
  EXPECT_EQ(failed([](xmlNodePtr r) { set(r, "AttributeConsumingServiceIndex", "-1"); }),
            V{"authn.attribute_consuming_service"});
}

TEST_F(AuthnRules, Issuer) {
  EXPECT_EQ(failed([](xmlNodePtr r) { unset(first(r, saml::ns::assertion, "Issuer"), "Format"); }),
            V{"authn.issuer"});
  EXPECT_EQ(failed([](xmlNodePtr r) { unset(first(r, saml::ns::assertion, "Issuer"), "NameQualifier"); }),
            V{"authn.issuer"});
  EXPECT_EQ(failed([](xmlNodePtr r) {
              xmlNodeSetContent(first(r, saml::ns::assertion, "Issuer"),
                                reinterpret_cast<const xmlChar*>("https://other.example/metadata"));
            }),
            V{"authn.issuer"});
  EXPECT_EQ(
      failed([](xmlNodePtr r) { xmlAddChild(r, xmlCopyNode(first(r, saml::ns::assertion, "Issuer"), 1)); }),
      V{"authn.issuer"});
  // A comment splitting the Issuer is not plain text: refused, not truncated.
  EXPECT_EQ(failed([](xmlNodePtr r) {
              xmlAddChild(first(r, saml::ns::assertion, "Issuer"),
                          xmlNewComment(reinterpret_cast<const xmlChar*>("x")));
            }),
            V{"authn.issuer"});
}

TEST_F(AuthnRules, NameIdPolicy) {
  EXPECT_EQ(failed([](xmlNodePtr r) {
              set(first(r, saml::ns::protocol, "NameIDPolicy"), "Format",
                  "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent");
            }),
            V{"authn.name_id_policy"});
  EXPECT_EQ(
      failed([](xmlNodePtr r) { set(first(r, saml::ns::protocol, "NameIDPolicy"), "AllowCreate", "true"); }),
      V{"authn.name_id_policy"});
  EXPECT_EQ(failed([](xmlNodePtr r) {
              auto n = first(r, saml::ns::protocol, "NameIDPolicy");
              xmlUnlinkNode(n);
              xmlFreeNode(n);
            }),
            V{"authn.name_id_policy"});
}

TEST_F(AuthnRules, RequestedAuthnContext) {
  auto rac = [](xmlNodePtr r) { return first(r, saml::ns::protocol, "RequestedAuthnContext"); };
  EXPECT_EQ(failed([&](xmlNodePtr r) { set(rac(r), "Comparison", "sometimes"); }),
            V{"authn.requested_authn_context"});
  EXPECT_EQ(failed([&](xmlNodePtr r) {
              xmlNodeSetContent(
                  xml::child(rac(r), saml::ns::assertion, "AuthnContextClassRef"),
                  reinterpret_cast<const xmlChar*>("urn:oasis:names:tc:SAML:2.0:ac:classes:SpidL1"));
            }),
            V{"authn.requested_authn_context"});  // the legacy URN
  EXPECT_EQ(failed([&](xmlNodePtr r) {
              xml::addChild(rac(r), saml::ns::assertion, "saml", "AuthnContextClassRef",
                            "https://www.spid.gov.it/SpidL3");
            }),
            V{"authn.requested_authn_context"});
  auto cie = context();
  cie.profile = Profile::cie;
  auto s = spec();
  s.comparison = Comparison::better;
  EXPECT_EQ(failed(s, {}, cie), V{"authn.requested_authn_context"});
  s.comparison = Comparison::exact;
  EXPECT_EQ(failed(s, {}, cie), V{});
}

TEST_F(AuthnRules, Scoping) {
  EXPECT_EQ(failed([](xmlNodePtr r) {
              auto sc = xml::addChild(r, saml::ns::protocol, "samlp", "Scoping");
              set(sc, "ProxyCount", "1");
            }),
            V{"authn.scoping"});
  EXPECT_EQ(failed([](xmlNodePtr r) {
              set(xml::addChild(r, saml::ns::protocol, "samlp", "Scoping"), "ProxyCount", "0");
            }),
            V{});
}

TEST_F(AuthnRules, RelayStateOpaque) {
  auto c = context();
  c.relay_state = std::nullopt;
  EXPECT_EQ(failed(spec(), {}, c), V{"authn.relay_state"});
  c.relay_state = "https://comune.example.it/servizi";
  EXPECT_EQ(failed(spec(), {}, c), V{"authn.relay_state"});
}

TEST_F(AuthnRules, SignatureAndUnknownSp) {
  auto c = context();
  c.signature_present = false;
  EXPECT_EQ(failed(spec(), {}, c), V{"authn.signature"});
  c.signature_present = true;
  c.signature_valid = false;
  c.signature_detail = "sig.invalid: digest mismatch";
  EXPECT_EQ(failed(spec(), {}, c), V{"authn.signature"});
  c.sp = nullptr;
  EXPECT_EQ(failed(spec(), {}, c), V{"authn.sp_known"});  // the SP-dependent rules are not applicable
}

TEST_F(AuthnRules, SpidErrorCodes) {
  EXPECT_EQ(spidErrorFor("authn.version").code, 9);
  EXPECT_EQ(spidErrorFor("authn.version").status, saml::status::version_mismatch);
  EXPECT_EQ(spidErrorFor("authn.issue_instant").code, 13);
  EXPECT_EQ(spidErrorFor("authn.destination").code, 14);
  EXPECT_EQ(spidErrorFor("authn.is_passive").code, 15);
  EXPECT_EQ(spidErrorFor("authn.name_id_policy").code, 17);
  EXPECT_EQ(spidErrorFor("authn.attribute_consuming_service").code, 18);
  EXPECT_TRUE(spidErrorFor("authn.signature").page_only);
  EXPECT_TRUE(spidErrorFor("authn.sp_known").page_only);
  EXPECT_TRUE(spidErrorFor("authn.assertion_consumer_service").page_only);
}

TEST_F(AuthnRules, AnEmbeddedSignatureMadeByTheBuilderVerifiesWithTheSpCertificate) {
  auto key = test::spKey();
  auto doc = buildAuthnRequest(spec());
  auto issuer = first(doc.root(), saml::ns::assertion, "Issuer");
  ASSERT_TRUE(xml::sign(doc, doc.root(), key, xml::SignatureAlgorithm::rsa_sha256, issuer));
  auto parsed = xml::Document::parse(doc.serialize());
  ASSERT_TRUE(parsed);
  auto sig = xml::signatureOf(parsed->root());
  auto v = xml::verify(*parsed, parsed->root(), sig, sp.signing_certificates.front());
  EXPECT_TRUE(v) << v.error().message;
  EXPECT_EQ(readAuthnRequest(*parsed)->signature_count, 1u);
}
