#include "core/saml/binding.hpp"

#include <gtest/gtest.h>

#include "core/http/message.hpp"
#include "tests/core/saml/saml_fixtures.hpp"

using namespace sportello;
using namespace sportello::saml;

TEST(Base64, StrictButToleratesLineWrapping) {
  EXPECT_EQ(base64Decode("Y2lhbw=="), "ciao");
  EXPECT_EQ(base64Decode("Y2lh\r\nbw=="), "ciao");
  EXPECT_FALSE(base64Decode("Y2lhbw="));      // bad padding
  EXPECT_FALSE(base64Decode("Y2lh*w=="));     // not in the alphabet
  EXPECT_FALSE(base64Decode("Y2lhbw==Y2k"));  // data after padding
  for (std::string s : std::vector<std::string>{"", "a", "ab", "abc", "abcd", std::string("\0\xff\x10", 3)}) {
    EXPECT_EQ(base64Decode(base64Encode(s)), s);
  }
}

TEST(Deflate, RoundTripAndBombCap) {
  std::string xml = "<samlp:AuthnRequest>" + std::string(5000, 'x') + "</samlp:AuthnRequest>";
  EXPECT_EQ(inflateRaw(deflateRaw(xml), 1 << 20), xml);
  // 50 MB of zeros compress to ~50 KB: the cap stops inflation early and says why.
  std::string bomb = deflateRaw(std::string(50 * 1024 * 1024, '\0'));
  bool tooLarge = false;
  EXPECT_FALSE(inflateRaw(bomb, 256 * 1024, &tooLarge));
  EXPECT_TRUE(tooLarge);
  EXPECT_FALSE(inflateRaw("not deflate at all", 1 << 20));
  EXPECT_FALSE(inflateRaw(deflateRaw(xml).substr(0, 20), 1 << 20));  // truncated
}

TEST(Redirect, DeflateBombIsRefusedWithItsRule) {
  std::string bomb = deflateRaw(std::string(50 * 1024 * 1024, 'A'));
  auto r =
      decodeRedirect("SAMLRequest=" + http::percentEncode(base64Encode(bomb)), Limits{1 << 20, 256 * 1024});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().rule, "binding.too_large");
}

TEST(Redirect, SignedRoundTripOverTheQueryAsReceived) {
  auto key = test::spKey();
  std::string q = encodeRedirect("<x/>", true, std::string("rs 1/+"), &key);
  auto m = decodeRedirect(q);
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->xml, "<x/>");
  EXPECT_EQ(m->relay_state, "rs 1/+");
  auto alg = verifyRedirect(*m, key.certificate());
  ASSERT_TRUE(alg) << alg.error().message;
  EXPECT_EQ(*alg, xml::SignatureAlgorithm::rsa_sha256);
  // Extra parameters do not disturb the signed octets; their order is fixed by the binding.
  auto m2 = decodeRedirect("foo=bar&" + q);
  ASSERT_TRUE(m2);
  EXPECT_TRUE(verifyRedirect(*m2, key.certificate()));
}

TEST(Redirect, SignatureFailures) {
  auto key = test::spKey();
  auto other = test::idpKey();
  std::string q = encodeRedirect("<x/>", true, std::string("rs"), &key);
  auto m = decodeRedirect(q);
  ASSERT_TRUE(m);
  auto wrong = verifyRedirect(*m, other.certificate());
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().rule, "binding.signature");
  EXPECT_NE(wrong.error().message.find(other.certificate().sha256Fingerprint()), std::string::npos);

  // Tampering with RelayState after signing breaks the signature.
  std::string tampered = q;
  tampered.replace(tampered.find("RelayState=rs"), 13, "RelayState=zz");
  EXPECT_EQ(verifyRedirect(*decodeRedirect(tampered), key.certificate()).error().rule, "binding.signature");

  auto unsignedQ = decodeRedirect(encodeRedirect("<x/>", true, std::string("rs"), nullptr));
  EXPECT_EQ(verifyRedirect(*unsignedQ, key.certificate()).error().rule, "binding.signature_missing");

  // SHA-1 is refused before any cryptography.
  std::string sha1 = q;
  auto pos = sha1.find("SigAlg=") + 7;
  sha1.replace(pos, sha1.find('&', pos) - pos,
               http::percentEncode("http://www.w3.org/2000/09/xmldsig#rsa-sha1"));
  EXPECT_EQ(verifyRedirect(*decodeRedirect(sha1), key.certificate()).error().rule, "binding.sig_alg");
}

TEST(Redirect, MalformedInputs) {
  EXPECT_EQ(decodeRedirect("RelayState=x").error().rule, "binding.missing");
  EXPECT_EQ(decodeRedirect("SAMLRequest=%%%").error().rule, "binding.base64");
  EXPECT_EQ(decodeRedirect("SAMLRequest=bm90IGRlZmxhdGU%3D").error().rule, "binding.inflate");
  EXPECT_EQ(decodeRedirect("SAMLRequest=a&SAMLRequest=b").error().rule, "binding.duplicate");
  EXPECT_EQ(decodeRedirect("SAMLRequest=x&RelayState=1&RelayState=2").error().rule, "binding.duplicate");
}

TEST(Post, FormRoundTripAndEscaping) {
  std::string page =
      postForm("https://sp.example/acs?a=1&b=\"2\"", false, "<Response/>", std::string("<rs>"));
  EXPECT_NE(page.find("action=\"https://sp.example/acs?a=1&amp;b=&quot;2&quot;\""), std::string::npos);
  EXPECT_NE(page.find("value=\"&lt;rs&gt;\""), std::string::npos);
  EXPECT_NE(page.find("lang=\"it\""), std::string::npos);
  std::string body = "SAMLResponse=" + http::percentEncode(base64Encode("<Response/>")) + "&RelayState=r";
  auto m = decodePost(body);
  ASSERT_TRUE(m);
  EXPECT_FALSE(m->is_request);
  EXPECT_EQ(m->xml, "<Response/>");
  EXPECT_EQ(m->relay_state, "r");
  EXPECT_EQ(decodePost("SAMLResponse=a&SAMLRequest=b").error().rule, "binding.duplicate");
  EXPECT_EQ(decodePost("RelayState=r").error().rule, "binding.missing");
}
