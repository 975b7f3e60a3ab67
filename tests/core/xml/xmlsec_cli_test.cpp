// Interoperability: the xmlsec1 command-line tool, pinned to the IdP certificate, accepts what sign()
// produces, and refuses it with another certificate or after tampering.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "core/xml/signature.hpp"
#include "tests/core/xml/xml_test_support.hpp"
#include "tests/support/test_env.hpp"

namespace sportello::xml {
namespace {

constexpr const char* kXmlsec = "/usr/bin/xmlsec1";

// Exit status of `xmlsec1 --verify` on `xml`, pinned to `certPem`; output goes to `log`.
int xmlsecVerify(const std::string& xml, const std::string& certPem, const std::string& idAttr,
                 const sportello::test::TempDir& dir) {
  const std::string file = dir.path() + "/signed.xml";
  std::ofstream(file, std::ios::binary) << xml;
  // --enabled-key-data rsa: without it the tool also trusts the KeyInfo certificate (with a warning
  // about it being self-signed) and exits 0 even when pinned to another certificate.
  const std::string cmd = std::string(kXmlsec) + " --verify --pubkey-cert-pem '" + certPem +
                          "' --enabled-key-data rsa --id-attr:ID '" + idAttr + "' '" + file + "' > '" +
                          dir.path() + "/xmlsec.log' 2>&1";
  const int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

class XmlsecCli : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::access(kXmlsec, X_OK) != 0)
      GTEST_SKIP() << kXmlsec << " is not installed (apt-get install xmlsec1)";
  }
  sportello::test::TempDir dir_;
  const std::string aurora_ = sportello::test::testPki().idp_signing.at("aurora-id").cert;
  const std::string cie_ = sportello::test::testPki().idp_signing.at("cie-test").cert;
};

TEST_F(XmlsecCli, VerifiesSignedAssertion) {
  for (auto alg :
       {SignatureAlgorithm::rsa_sha256, SignatureAlgorithm::rsa_sha384, SignatureAlgorithm::rsa_sha512}) {
    const std::string xml = test::signedResponse({false, true}, alg).serialize();
    EXPECT_EQ(xmlsecVerify(xml, aurora_, "urn:oasis:names:tc:SAML:2.0:assertion:Assertion", dir_), 0)
        << uri(alg) << "\n"
        << xml;
    EXPECT_NE(xmlsecVerify(xml, cie_, "urn:oasis:names:tc:SAML:2.0:assertion:Assertion", dir_), 0)
        << uri(alg);
  }
}

TEST_F(XmlsecCli, VerifiesSignedResponse) {
  const std::string xml = test::signedResponse({true, false}).serialize();
  EXPECT_EQ(xmlsecVerify(xml, aurora_, "urn:oasis:names:tc:SAML:2.0:protocol:Response", dir_), 0);
  EXPECT_NE(xmlsecVerify(xml, cie_, "urn:oasis:names:tc:SAML:2.0:protocol:Response", dir_), 0);
  std::string tampered = xml;
  tampered.replace(tampered.find("_nid-9a0c1f"), 11, "_nid-000000");
  EXPECT_NE(xmlsecVerify(tampered, aurora_, "urn:oasis:names:tc:SAML:2.0:protocol:Response", dir_), 0);
}

}  // namespace
}  // namespace sportello::xml
