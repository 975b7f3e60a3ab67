// sign() and verify(): round trips, and each refusal of the verify() contract with its rule name.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <ostream>
#include <thread>

#include "core/xml/signature.hpp"
#include "tests/core/xml/xml_test_support.hpp"
#include "tests/support/test_env.hpp"

namespace sportello::xml {
namespace {

using test::assertionOf;
using test::idpKey;
using test::kDs;
using test::kSaml;
using test::kSamlp;
using test::reparse;
using test::signedResponse;
using ::testing::HasSubstr;

const Certificate& aurora() {
  return idpKey("aurora-id").certificate();
}

Result<Verified, SignError> verifyRoot(Document& d, const Certificate& c = aurora()) {
  return verify(d, d.root(), signatureOf(d.root()), c);
}
Result<Verified, SignError> verifyAssertion(Document& d, const Certificate& c = aurora()) {
  xmlNodePtr a = assertionOf(d);
  return verify(d, a, signatureOf(a), c);
}

// The refusal's rule (or "ok"), with the message printed when the expectation fails.
std::string ruleOf(const Result<Verified, SignError>& r) {
  return r ? "ok" : r.error().rule;
}
std::string messageOf(const Result<Verified, SignError>& r) {
  return r ? "" : r.error().message;
}
#define EXPECT_RULE(result, rule)                                             \
  do {                                                                        \
    const auto& r_ = (result);                                                \
    EXPECT_EQ(ruleOf(r_), rule) << (r_ ? std::string() : r_.error().message); \
  } while (false)

xmlNodePtr ds(xmlNodePtr from, std::string_view local) {
  return test::find(from, kDs, local);
}

void setText(xmlNodePtr n, const std::string& t) {
  xmlNodeSetContent(n, reinterpret_cast<const xmlChar*>(t.c_str()));
}

// ---- round trips ----

struct RoundTrip {
  SignatureAlgorithm alg;
  bool response;
  bool assertion;
};

// gtest would otherwise print the struct's bytes, padding included (valgrind: uninitialised).
void PrintTo(const RoundTrip& p, std::ostream* os) {
  *os << uri(p.alg) << (p.response ? " Response" : "") << (p.assertion ? " Assertion" : "");
}

class SignVerify : public ::testing::TestWithParam<RoundTrip> {};

TEST_P(SignVerify, RoundTripThroughBytes) {
  const auto p = GetParam();
  Document signedDoc = signedResponse({p.response, p.assertion}, p.alg);
  // In memory, as signed.
  if (p.response) EXPECT_RULE(verifyRoot(signedDoc), "ok");
  if (p.assertion) EXPECT_RULE(verifyAssertion(signedDoc), "ok");
  // As a peer receives it.
  Document received = reparse(signedDoc);
  if (p.response) {
    auto v = verifyRoot(received);
    ASSERT_TRUE(v) << v.error().message;
    EXPECT_EQ(v->element, received.root());
    EXPECT_EQ(v->id, "_resp-7f3a9c");
    EXPECT_EQ(v->algorithm, p.alg);
    EXPECT_EQ(v->digest_uri, digestUri(p.alg));
  } else {
    EXPECT_RULE(verifyRoot(received), "sig.missing");
  }
  if (p.assertion) {
    auto v = verifyAssertion(received);
    ASSERT_TRUE(v) << v.error().message;
    EXPECT_EQ(v->element, assertionOf(received));
    EXPECT_EQ(v->id, "_assert-2d81e0");
    EXPECT_EQ(v->algorithm, p.alg);
  } else {
    EXPECT_RULE(verifyAssertion(received), "sig.missing");
  }
  // Twice in a row on the same document (IDs are already registered the second time).
  if (p.response) EXPECT_RULE(verifyRoot(received), "ok");
}

INSTANTIATE_TEST_SUITE_P(AllAlgorithms, SignVerify,
                         ::testing::Values(RoundTrip{SignatureAlgorithm::rsa_sha256, true, false},
                                           RoundTrip{SignatureAlgorithm::rsa_sha256, false, true},
                                           RoundTrip{SignatureAlgorithm::rsa_sha256, true, true},
                                           RoundTrip{SignatureAlgorithm::rsa_sha384, true, false},
                                           RoundTrip{SignatureAlgorithm::rsa_sha384, false, true},
                                           RoundTrip{SignatureAlgorithm::rsa_sha384, true, true},
                                           RoundTrip{SignatureAlgorithm::rsa_sha512, true, false},
                                           RoundTrip{SignatureAlgorithm::rsa_sha512, false, true},
                                           RoundTrip{SignatureAlgorithm::rsa_sha512, true, true}));

TEST(Sign, ProducesTheUsualSamlShape) {
  Document d = signedResponse({true, true});
  xmlNodePtr root = d.root();
  // Right after Issuer, "ds" prefix, URI="#ID", enveloped + exc-c14n, the certificate in KeyInfo.
  xmlNodePtr issuer = test::issuerOf(root);
  xmlNodePtr sig = signatureOf(root);
  ASSERT_NE(sig, nullptr);
  xmlNodePtr next = issuer->next;
  while (next != nullptr && next->type != XML_ELEMENT_NODE) next = next->next;
  EXPECT_EQ(next, sig);
  EXPECT_STREQ(reinterpret_cast<const char*>(sig->ns->prefix), "ds");
  EXPECT_EQ(attribute(ds(sig, "Reference"), "URI"), "#_resp-7f3a9c");
  auto transforms = children(ds(sig, "Transforms"));
  ASSERT_EQ(transforms.size(), 2u);
  EXPECT_EQ(attribute(transforms[0], "Algorithm"), "http://www.w3.org/2000/09/xmldsig#enveloped-signature");
  EXPECT_EQ(attribute(transforms[1], "Algorithm"), "http://www.w3.org/2001/10/xml-exc-c14n#");
  EXPECT_EQ(attribute(ds(sig, "SignatureMethod"), "Algorithm"), uri(SignatureAlgorithm::rsa_sha256));
  EXPECT_EQ(text(ds(sig, "X509Certificate")), aurora().base64Der());
  // The order of ds:Signature's children is the schema's.
  auto parts = children(sig);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_TRUE(is(parts[0], kDs, "SignedInfo"));
  EXPECT_TRUE(is(parts[1], kDs, "SignatureValue"));
  EXPECT_TRUE(is(parts[2], kDs, "KeyInfo"));
}

TEST(Sign, AsFirstChildWhenNoInsertionPoint) {
  Document d = test::parseOrThrow(test::fixture("response.xml"));
  ASSERT_TRUE(sign(d, d.root(), idpKey(), SignatureAlgorithm::rsa_sha256, nullptr));
  EXPECT_EQ(children(d.root()).front(), signatureOf(d.root()));
  Document r = reparse(d);
  EXPECT_RULE(verifyRoot(r), "ok");
}

TEST(Sign, Refusals) {
  Document d = test::parseOrThrow(test::fixture("response.xml"));
  xmlNodePtr status = child(d.root(), kSamlp, "Status");
  auto noId = sign(d, status, idpKey(), SignatureAlgorithm::rsa_sha256, nullptr);
  ASSERT_FALSE(noId);
  EXPECT_EQ(noId.error().rule, "sig.reference_uri");
  auto elsewhere =
      sign(d, d.root(), idpKey(), SignatureAlgorithm::rsa_sha256, test::issuerOf(assertionOf(d)));
  ASSERT_FALSE(elsewhere);
  EXPECT_EQ(elsewhere.error().rule, "sig.placement");
  ASSERT_TRUE(sign(d, d.root(), idpKey(), SignatureAlgorithm::rsa_sha256, nullptr));
  auto twice = sign(d, d.root(), idpKey(), SignatureAlgorithm::rsa_sha256, nullptr);
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().rule, "sig.references");
  // An EC key (the TLS key of the test PKI) cannot make RSA signatures.
  auto ec = SigningKey::fromPemFiles(sportello::test::testPki().tls.key, sportello::test::testPki().tls.cert);
  ASSERT_TRUE(ec) << ec.error();
  auto wrongKey = sign(d, assertionOf(d), *ec, SignatureAlgorithm::rsa_sha256, nullptr);
  ASSERT_FALSE(wrongKey);
  EXPECT_EQ(wrongKey.error().rule, "sig.algorithm");
}

// ---- 1. missing, 2. placement ----

TEST(Verify, NoSignature) {
  Document d = test::parseOrThrow(test::fixture("response.xml"));
  auto r = verifyRoot(d);
  EXPECT_RULE(r, "sig.missing");
  EXPECT_THAT(r.error().message, HasSubstr("<Response ID=\"_resp-7f3a9c\">"));
  EXPECT_RULE(verify(d, nullptr, nullptr, aurora()), "sig.missing");
}

TEST(Verify, SignatureMovedIntoExtensions) {
  Document d = signedResponse({true, false});
  xmlNodePtr sig = signatureOf(d.root());
  xmlNodePtr ext = addChild(d.root(), kSamlp, "samlp", "Extensions");
  xmlUnlinkNode(sig);
  xmlAddChild(ext, sig);
  Document r = reparse(d);
  EXPECT_RULE(verifyRoot(r), "sig.missing");  // a reader looking at immediate children finds none
  // A reader that searched the whole tree would hand us this one: refused all the same.
  auto moved = verify(r, r.root(), ds(r.root(), "Signature"), aurora());
  EXPECT_RULE(moved, "sig.placement");
  EXPECT_THAT(moved.error().message, HasSubstr("Extensions"));
}

TEST(Verify, SignatureOfAnotherElement) {
  // The Assertion's signature offered as the Response's.
  Document d = signedResponse({false, true});
  EXPECT_RULE(verify(d, d.root(), signatureOf(assertionOf(d)), aurora()), "sig.placement");
  // A Signature moved into Status.
  Document e = signedResponse({true, false});
  xmlNodePtr sig = signatureOf(e.root());
  xmlUnlinkNode(sig);
  xmlAddChild(child(e.root(), kSamlp, "Status"), sig);
  Document r = reparse(e);
  EXPECT_RULE(verify(r, r.root(), ds(r.root(), "Signature"), aurora()), "sig.placement");
  // Not a Signature at all.
  EXPECT_RULE(verify(r, r.root(), test::issuerOf(r.root()), aurora()), "sig.placement");
}

// ---- 3. duplicate IDs ----

TEST(Verify, DuplicateIdAnywhere) {
  for (const char* where : {"deep", "xmlid", "Id"}) {
    Document d = signedResponse({true, true});
    xmlNodePtr deep = test::find(d.root(), kSaml, "AuthnContext");
    xmlNodePtr forged = addChild(deep, kSaml, "saml", "Foo");
    if (std::string(where) == "deep") setAttribute(forged, "ID", "_assert-2d81e0");
    if (std::string(where) == "Id") setAttribute(forged, "Id", "_resp-7f3a9c");
    if (std::string(where) == "xmlid") {
      xmlNsPtr xmlns = xmlSearchNs(d.get(), forged, reinterpret_cast<const xmlChar*>("xml"));
      xmlSetNsProp(forged, xmlns, reinterpret_cast<const xmlChar*>("id"),
                   reinterpret_cast<const xmlChar*>("_resp-7f3a9c"));
    }
    Document r = reparse(d);
    auto v = verifyRoot(r);
    EXPECT_RULE(v, "sig.duplicate_id");
    EXPECT_THAT(messageOf(v), HasSubstr("<Foo")) << where;
    EXPECT_RULE(verifyAssertion(r), "sig.duplicate_id");
  }
}

// ---- 4. references ----

TEST(Verify, TwoSignatures) {
  Document d = signedResponse({true, false});
  xmlNodePtr sig = signatureOf(d.root());
  xmlAddNextSibling(sig, xmlDocCopyNode(sig, d.get(), 1));
  Document r = reparse(d);
  std::size_t n = 0;
  signatureOf(r.root(), &n);
  EXPECT_EQ(n, 2u);
  EXPECT_RULE(verifyRoot(r), "sig.references");
}

TEST(Verify, TwoReferences) {
  Document d = signedResponse({true, false});
  xmlNodePtr ref = ds(d.root(), "Reference");
  xmlAddNextSibling(ref, xmlDocCopyNode(ref, d.get(), 1));
  Document r = reparse(d);
  EXPECT_RULE(verifyRoot(r), "sig.references");
}

TEST(Verify, TwoSignedInfo) {
  Document d = signedResponse({true, false});
  xmlNodePtr si = ds(d.root(), "SignedInfo");
  xmlAddNextSibling(si, xmlDocCopyNode(si, d.get(), 1));
  Document r = reparse(d);
  EXPECT_RULE(verifyRoot(r), "sig.references");
}

TEST(Verify, ObjectOrManifest) {
  for (const char* what : {"Object", "Manifest"}) {
    Document d = signedResponse({true, false});
    xmlNodePtr sig = signatureOf(d.root());
    xmlNodePtr object = addChild(sig, kDs, "ds", "Object");
    if (std::string(what) == "Manifest") addChild(object, kDs, "ds", "Manifest");
    Document r = reparse(d);
    auto v = verifyRoot(r);
    EXPECT_RULE(v, "sig.references");
    EXPECT_THAT(messageOf(v), HasSubstr("ds:Object"));
  }
}

TEST(Verify, ForeignElementInsideSignature) {
  Document d = signedResponse({true, false});
  addChild(signatureOf(d.root()), "urn:evil", "e", "Extra");
  Document r = reparse(d);
  EXPECT_RULE(verifyRoot(r), "sig.references");
}

// ---- 5. reference URI ----

TEST(Verify, ReferenceUri) {
  for (const char* u :
       {"", "#", "#other", "#_assert-2d81e0", "#xpointer(/)", "http://127.0.0.1/x", "absent"}) {
    Document d = signedResponse({true, false});
    xmlNodePtr ref = ds(d.root(), "Reference");
    if (std::string(u) == "absent") {
      xmlUnsetProp(ref, reinterpret_cast<const xmlChar*>("URI"));
    } else {
      setAttribute(ref, "URI", u);
    }
    Document r = reparse(d);
    auto v = verifyRoot(r);
    EXPECT_RULE(v, "sig.reference_uri");
    EXPECT_THAT(messageOf(v), HasSubstr("#_resp-7f3a9c")) << u;
  }
}

TEST(Verify, ElementWithoutRegisteredId) {
  Document d = signedResponse({true, false});
  // The Response's ID removed: nothing for "#..." to name.
  xmlUnsetProp(d.root(), reinterpret_cast<const xmlChar*>("ID"));
  Document r = reparse(d);
  EXPECT_RULE(verifyRoot(r), "sig.reference_uri");
}

// ---- 6. transforms ----

TEST(Verify, ForbiddenTransforms) {
  const char* forbidden[] = {"http://www.w3.org/TR/1999/REC-xslt-19991116",
                             "http://www.w3.org/TR/1999/REC-xpath-19991116",
                             "http://www.w3.org/2002/06/xmldsig-filter2",
                             "http://www.w3.org/2000/09/xmldsig#base64",
                             "http://www.w3.org/2001/10/xml-exc-c14n#WithComments",
                             "http://www.w3.org/TR/2001/REC-xml-c14n-20010315",
                             "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments"};
  for (const char* alg : forbidden) {
    // Replacing the exclusive c14n transform, and adding one more transform.
    for (bool replace : {true, false}) {
      Document d = signedResponse({true, false});
      xmlNodePtr transforms = ds(d.root(), "Transforms");
      xmlNodePtr t = replace ? children(transforms)[1] : addChild(transforms, kDs, "ds", "Transform");
      setAttribute(t, "Algorithm", alg);
      if (std::string(alg).find("xpath") != std::string::npos) addChild(t, kDs, "ds", "XPath", "true()");
      Document r = reparse(d);
      auto v = verifyRoot(r);
      EXPECT_RULE(v, "sig.transform");
      EXPECT_THAT(messageOf(v), HasSubstr(alg));
    }
  }
}

TEST(Verify, TransformRepeatedOrWithParameters) {
  Document d = signedResponse({true, false});
  xmlNodePtr transforms = ds(d.root(), "Transforms");
  xmlAddChild(transforms, xmlDocCopyNode(children(transforms)[0], d.get(), 1));
  EXPECT_RULE(verifyRoot(d), "sig.transform");

  Document e = signedResponse({true, false});
  addChild(children(ds(e.root(), "Transforms"))[0], kDs, "ds", "XPath", "true()");
  EXPECT_RULE(verifyRoot(e), "sig.transform");
}

// ---- 7. algorithms ----

TEST(Verify, DowngradedOrConfusedAlgorithms) {
  struct Alg {
    const char* element;
    const char* uri;
    const char* named;
  };
  const Alg cases[] = {
      {"SignatureMethod", "http://www.w3.org/2000/09/xmldsig#rsa-sha1", "SHA-1"},
      {"SignatureMethod", "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256", "HMAC"},
      {"SignatureMethod", "http://www.w3.org/2000/09/xmldsig#hmac-sha1", "HMAC"},
      {"SignatureMethod", "http://www.w3.org/2000/09/xmldsig#dsa-sha1", "SHA-1"},
      {"SignatureMethod", "http://www.w3.org/2001/04/xmldsig-more#rsa-md5", "MD5"},
      {"SignatureMethod", "urn:made-up", "unknown"},
      {"DigestMethod", "http://www.w3.org/2001/04/xmldsig-more#md5", "MD5"},
      {"DigestMethod", "http://www.w3.org/2000/09/xmldsig#sha1", "SHA-1"},
  };
  for (const auto& c : cases) {
    Document d = signedResponse({true, false});
    setAttribute(ds(d.root(), c.element), "Algorithm", c.uri);
    Document r = reparse(d);
    auto v = verifyRoot(r);
    EXPECT_RULE(v, "sig.algorithm");
    if (!v) {
      EXPECT_THAT(v.error().message, HasSubstr(c.uri));
      EXPECT_THAT(v.error().message, HasSubstr(c.named));
      EXPECT_THAT(v.error().message, HasSubstr(c.element));
    }
  }
}

TEST(Verify, HmacOutputLengthParameter) {
  Document d = signedResponse({true, false});
  addChild(ds(d.root(), "SignatureMethod"), kDs, "ds", "HMACOutputLength", "0");
  EXPECT_RULE(verifyRoot(d), "sig.algorithm");
}

// ---- 8. c14n ----

TEST(Verify, CanonicalizationMethod) {
  for (const char* alg :
       {"http://www.w3.org/2001/10/xml-exc-c14n#WithComments",
        "http://www.w3.org/TR/2001/REC-xml-c14n-20010315", "http://www.w3.org/2006/12/xml-c14n11"}) {
    Document d = signedResponse({true, false});
    setAttribute(ds(d.root(), "CanonicalizationMethod"), "Algorithm", alg);
    Document r = reparse(d);
    auto v = verifyRoot(r);
    EXPECT_RULE(v, "sig.c14n");
    EXPECT_THAT(messageOf(v), HasSubstr(alg));
  }
}

// ---- 10. invalid ----

TEST(Verify, TamperedContent) {
  Document d = signedResponse({true, true});
  setText(test::nameIdOf(assertionOf(d)), "_someone-else");
  Document r = reparse(d);
  auto resp = verifyRoot(r);
  EXPECT_RULE(resp, "sig.invalid");
  EXPECT_THAT(messageOf(resp), HasSubstr("digest of <Response ID=\"_resp-7f3a9c\">"));
  EXPECT_RULE(verifyAssertion(r), "sig.invalid");
}

TEST(Verify, TamperedAttributeAndWhitespace) {
  Document d = signedResponse({true, false});
  setAttribute(d.root(), "Destination", "https://evil/acs");
  EXPECT_RULE(verifyRoot(d), "sig.invalid");
  // Whitespace is content too (no NOBLANKS anywhere).
  Document e = signedResponse({true, false});
  std::string xml = e.serialize();
  xml.insert(xml.find("<samlp:Status>") + 14, " ");
  Document r = test::parseOrThrow(xml);
  EXPECT_RULE(verifyRoot(r), "sig.invalid");
}

TEST(Verify, TamperedSignatureValue) {
  Document d = signedResponse({true, false});
  xmlNodePtr value = ds(d.root(), "SignatureValue");
  std::string v = *text(value);
  v[10] = v[10] == 'A' ? 'B' : 'A';
  setText(value, v);
  Document r = reparse(d);
  auto res = verifyRoot(r);
  EXPECT_RULE(res, "sig.invalid");
  EXPECT_THAT(messageOf(res), HasSubstr("SignatureValue"));
}

TEST(Verify, WrongCertificateNamesBoth) {
  for (const SigningKey* pinned : {&idpKey("cie-test"), &test::spKey()}) {
    Document d = signedResponse({true, false});  // signed by aurora-id
    Document r = reparse(d);
    auto v = verifyRoot(r, pinned->certificate());
    EXPECT_RULE(v, "sig.invalid");
    if (v) continue;
    const std::string& m = v.error().message;
    EXPECT_THAT(m, HasSubstr(pinned->certificate().subject()));
    EXPECT_THAT(m, HasSubstr(pinned->certificate().sha256Fingerprint()));
    EXPECT_THAT(m, HasSubstr(aurora().subject()));
    EXPECT_THAT(m, HasSubstr(aurora().sha256Fingerprint()));
    EXPECT_THAT(m, HasSubstr("<Response ID=\"_resp-7f3a9c\">"));
  }
}

TEST(Verify, AttackerCertificateInKeyInfoIsIgnored) {
  // The attacker signs with their own key and ships their certificate in KeyInfo.
  Document d = signedResponse({true, true}, SignatureAlgorithm::rsa_sha256, idpKey("cie-test"));
  Document r = reparse(d);
  EXPECT_RULE(verifyRoot(r), "sig.invalid");
  EXPECT_RULE(verifyAssertion(r), "sig.invalid");
  // ... or ships the victim's certificate in KeyInfo, which changes nothing either.
  setText(ds(r.root(), "X509Certificate"), aurora().base64Der());
  auto v = verifyRoot(r);
  EXPECT_RULE(v, "sig.invalid");
  EXPECT_THAT(messageOf(v), HasSubstr("that same certificate"));
}

TEST(Verify, KeyInfoIsNeverDereferenced) {
  test::Listener listener;
  const std::string url = "http://127.0.0.1:" + std::to_string(listener.port()) + "/key";
  Document d = signedResponse({true, false});
  xmlNodePtr keyInfo = ds(d.root(), "KeyInfo");
  // KeyInfo is not covered by the signature: an attacker may add anything there.
  xmlNodePtr rm = addChild(keyInfo, kDs, "ds", "RetrievalMethod");
  setAttribute(rm, "URI", url);
  setAttribute(rm, "Type", "http://www.w3.org/2000/09/xmldsig#X509Data");
  xmlNodePtr kir = addChild(keyInfo, "http://www.w3.org/2009/xmldsig11#", "dsig11", "KeyInfoReference");
  setAttribute(kir, "URI", url);
  addChild(keyInfo, "http://www.w3.org/2001/04/xmlenc#", "xenc", "EncryptedKey");
  Document r = reparse(d);
  EXPECT_RULE(verifyRoot(r), "ok");
  EXPECT_EQ(listener.connections(), 0);
}

TEST(Verify, CommentInsideDigestOrSignatureValue) {
  for (const char* where : {"DigestValue", "SignatureValue"}) {
    Document d = signedResponse({true, false});
    xmlNodePtr value = ds(d.root(), where);
    std::string v = *text(value);
    setText(value, v.substr(0, 8));
    xmlAddChild(value, xmlNewDocComment(d.get(), reinterpret_cast<const xmlChar*>("")));
    xmlAddChild(value, xmlNewDocText(d.get(), reinterpret_cast<const xmlChar*>(v.substr(8).c_str())));
    Document r = reparse(d);
    auto res = verifyRoot(r);
    EXPECT_RULE(res, "sig.invalid");
    EXPECT_THAT(messageOf(res), HasSubstr(where));
  }
}

TEST(Verify, PinnedCertificateMissing) {
  Document d = signedResponse({true, false});
  EXPECT_RULE(verify(d, d.root(), signatureOf(d.root()), Certificate{}), "sig.invalid");
}

TEST(Verify, FailuresNeverReachStderr) {
  Document d = signedResponse({true, false});
  setAttribute(d.root(), "Destination", "https://evil/acs");
  ::testing::internal::CaptureStderr();
  EXPECT_RULE(verifyRoot(d), "sig.invalid");
  EXPECT_RULE(verifyRoot(d, idpKey("cie-test").certificate()), "sig.invalid");
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
}

TEST(Verify, ConcurrentVerificationsAreIndependent) {
  const std::string good = signedResponse({true, true}).serialize();
  Document bad = signedResponse({true, true});
  setAttribute(bad.root(), "Destination", "https://evil/acs");
  const std::string tampered = bad.serialize();
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        const bool expectOk = (i + t) % 2 == 0;
        auto doc = Document::parse(expectOk ? good : tampered);
        if (!doc) {
          ++wrong;
          continue;
        }
        auto v = verify(*doc, doc->root(), signatureOf(doc->root()), aurora());
        if (static_cast<bool>(v) != expectOk) ++wrong;
        if (!v && v.error().message.find("digest") == std::string::npos) ++wrong;
        if (!verify(*doc, assertionOf(*doc), signatureOf(assertionOf(*doc)), aurora())) ++wrong;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(Algorithms, UrisRoundTrip) {
  for (auto a :
       {SignatureAlgorithm::rsa_sha256, SignatureAlgorithm::rsa_sha384, SignatureAlgorithm::rsa_sha512}) {
    EXPECT_EQ(signatureAlgorithmFromUri(uri(a)), a);
  }
  EXPECT_EQ(signatureAlgorithmFromUri("http://www.w3.org/2000/09/xmldsig#rsa-sha1"), std::nullopt);
  EXPECT_EQ(digestUri(SignatureAlgorithm::rsa_sha256), "http://www.w3.org/2001/04/xmlenc#sha256");
  EXPECT_EQ(digestUri(SignatureAlgorithm::rsa_sha384), "http://www.w3.org/2001/04/xmldsig-more#sha384");
  EXPECT_EQ(digestUri(SignatureAlgorithm::rsa_sha512), "http://www.w3.org/2001/04/xmlenc#sha512");
}

}  // namespace
}  // namespace sportello::xml
