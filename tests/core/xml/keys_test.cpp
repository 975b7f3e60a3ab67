// Certificate and SigningKey loading, and raw signatures for the HTTP-Redirect binding.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <fstream>
#include <regex>

#include "core/xml/signature.hpp"
#include "tests/core/xml/xml_test_support.hpp"
#include "tests/support/test_env.hpp"

namespace sportello::xml {
namespace {

using test::idpKey;
using ::testing::HasSubstr;

const pki::Materials& pkiFiles() {
  return sportello::test::testPki();
}

std::string readAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void writeAll(const std::string& path, const std::string& data) {
  std::ofstream(path, std::ios::binary) << data;
}

TEST(Certificate, FromPemFileDescribesItself) {
  auto c = Certificate::fromPemFile(pkiFiles().idp_signing.at("aurora-id").cert);
  ASSERT_TRUE(c) << c.error();
  EXPECT_NE(c->x509(), nullptr);
  EXPECT_NE(c->publicKey(), nullptr);
  EXPECT_THAT(c->subject(), HasSubstr("CN="));
  EXPECT_TRUE(std::regex_match(c->sha256Fingerprint(), std::regex("([0-9A-F]{2}:){31}[0-9A-F]{2}")))
      << c->sha256Fingerprint();
  // The fingerprint is the SHA-256 of the DER.
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  ASSERT_EQ(X509_digest(c->x509(), EVP_sha256(), md, &len), 1);
  char first[3];
  std::snprintf(first, sizeof first, "%02X", md[0]);
  EXPECT_EQ(c->sha256Fingerprint().substr(0, 2), first);
  EXPECT_NE(c->subject(), idpKey("cie-test").certificate().subject());
}

TEST(Certificate, Base64DerRoundTripIgnoringWhitespace) {
  const Certificate& c = idpKey().certificate();
  std::string b64 = c.base64Der();
  std::string wrapped;
  for (std::size_t i = 0; i < b64.size(); i += 64) wrapped += "\n    " + b64.substr(i, 64) + "\r\n";
  auto back = Certificate::fromBase64Der(wrapped);
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(back->sha256Fingerprint(), c.sha256Fingerprint());
  EXPECT_EQ(back->base64Der(), b64);
}

TEST(Certificate, Refusals) {
  EXPECT_FALSE(Certificate::fromBase64Der("not base64!"));
  EXPECT_FALSE(Certificate::fromBase64Der(""));
  EXPECT_FALSE(Certificate::fromBase64Der("QUJD"));  // "ABC": base64, not DER
  std::string b64 = idpKey().certificate().base64Der();
  EXPECT_FALSE(Certificate::fromBase64Der(b64.substr(0, b64.size() - 8)));
  // Trailing bytes after the DER structure.
  std::string der;
  {
    auto decoded = Certificate::fromBase64Der(b64);
    ASSERT_TRUE(decoded);
    unsigned char* p = nullptr;
    const int len = i2d_X509(decoded->x509(), &p);
    der.assign(reinterpret_cast<char*>(p), static_cast<std::size_t>(len));
    OPENSSL_free(p);
  }
  der += "xyz";
  std::string reencoded;
  {
    std::vector<unsigned char> out(4 * ((der.size() + 2) / 3) + 1);
    const int n = EVP_EncodeBlock(out.data(), reinterpret_cast<const unsigned char*>(der.data()),
                                  static_cast<int>(der.size()));
    reencoded.assign(reinterpret_cast<char*>(out.data()), static_cast<std::size_t>(n));
  }
  auto trailing = Certificate::fromBase64Der(reencoded);
  ASSERT_FALSE(trailing);
  EXPECT_THAT(trailing.error(), HasSubstr("trailing"));
  EXPECT_FALSE(Certificate::fromPem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"));
  EXPECT_FALSE(Certificate::fromPem("garbage"));
  auto missing = Certificate::fromPemFile("/nonexistent/cert.pem");
  ASSERT_FALSE(missing);
  EXPECT_THAT(missing.error(), HasSubstr("/nonexistent/cert.pem"));
}

TEST(SigningKey, LoadsPkcs8AndTraditionalPem) {
  const auto& pair = pkiFiles().idp_signing.at("aurora-id");
  EXPECT_THAT(readAll(pair.key), HasSubstr("BEGIN PRIVATE KEY"));
  auto k = SigningKey::fromPemFiles(pair.key, pair.cert);
  ASSERT_TRUE(k) << k.error();
  EXPECT_EQ(k->certificate().sha256Fingerprint(), idpKey().certificate().sha256Fingerprint());

  sportello::test::TempDir dir;
  const std::string traditional = dir.path() + "/rsa.key";
  {
    BIO* bio = BIO_new(BIO_s_mem());
    ASSERT_EQ(PEM_write_bio_PrivateKey_traditional(bio, k->key(), nullptr, nullptr, 0, nullptr, nullptr), 1);
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio, &data);
    writeAll(traditional, std::string(data, static_cast<std::size_t>(len)));
    BIO_free(bio);
  }
  EXPECT_THAT(readAll(traditional), HasSubstr("BEGIN RSA PRIVATE KEY"));
  EXPECT_TRUE(SigningKey::fromPemFiles(traditional, pair.cert));
}

TEST(SigningKey, Refusals) {
  const auto& aurora = pkiFiles().idp_signing.at("aurora-id");
  const auto& cie = pkiFiles().idp_signing.at("cie-test");
  auto mismatch = SigningKey::fromPemFiles(aurora.key, cie.cert);
  ASSERT_FALSE(mismatch);
  EXPECT_THAT(mismatch.error(), HasSubstr("is not the private key of"));

  sportello::test::TempDir dir;
  const std::string encrypted = dir.path() + "/enc.key";
  {
    BIO* bio = BIO_new(BIO_s_mem());
    char pass[] = "secret";
    ASSERT_EQ(
        PEM_write_bio_PKCS8PrivateKey(bio, idpKey().key(), EVP_aes_256_cbc(), pass, 6, nullptr, nullptr), 1);
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio, &data);
    writeAll(encrypted, std::string(data, static_cast<std::size_t>(len)));
    BIO_free(bio);
  }
  auto enc = SigningKey::fromPemFiles(encrypted, aurora.cert);
  ASSERT_FALSE(enc);
  EXPECT_THAT(enc.error(), HasSubstr("encrypted"));

  auto notAKey = SigningKey::fromPemFiles(aurora.cert, aurora.cert);
  ASSERT_FALSE(notAKey);
  EXPECT_THAT(notAKey.error(), HasSubstr("no PEM private key"));
  EXPECT_FALSE(SigningKey::fromPemFiles(dir.path() + "/missing.key", aurora.cert));
}

// ---- raw signatures ----

class Raw : public ::testing::TestWithParam<SignatureAlgorithm> {};

TEST_P(Raw, RoundTripAndRefusals) {
  const SignatureAlgorithm alg = GetParam();
  const std::string query =
      "SAMLRequest=fZJNT8MwDIbv%2FIqq9zZJk7Zr1FYa2mGSQGiAOOwWpe4WaU1KnCJ%2B%2FrqxIXHhaPl9bD%2FyG1Q&"
      "RelayState=abc"
      "&SigAlg=" +
      std::string(uri(alg));
  auto sig = signRaw(query, idpKey(), alg);
  ASSERT_TRUE(sig) << sig.error().message;
  EXPECT_EQ(sig->size(), 256u) << "RSA-2048: raw bytes, not base64";
  EXPECT_TRUE(verifyRaw(query, *sig, idpKey().certificate(), alg));

  std::string tamperedQuery = query;
  tamperedQuery[5] = 'X';
  auto t = verifyRaw(tamperedQuery, *sig, idpKey().certificate(), alg);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().rule, "sig.invalid");

  std::string tamperedSig = *sig;
  tamperedSig[0] = static_cast<char>(tamperedSig[0] ^ 1);
  EXPECT_FALSE(verifyRaw(query, tamperedSig, idpKey().certificate(), alg));

  auto wrongKey = verifyRaw(query, *sig, idpKey("cie-test").certificate(), alg);
  ASSERT_FALSE(wrongKey);
  EXPECT_EQ(wrongKey.error().rule, "sig.invalid");
  EXPECT_THAT(wrongKey.error().message, HasSubstr(idpKey("cie-test").certificate().subject()));
  EXPECT_THAT(wrongKey.error().message, HasSubstr(idpKey("cie-test").certificate().sha256Fingerprint()));
  EXPECT_THAT(wrongKey.error().message, HasSubstr(uri(alg)));

  for (auto other :
       {SignatureAlgorithm::rsa_sha256, SignatureAlgorithm::rsa_sha384, SignatureAlgorithm::rsa_sha512}) {
    if (other != alg) {
      EXPECT_FALSE(verifyRaw(query, *sig, idpKey().certificate(), other));
    }
  }
  EXPECT_FALSE(verifyRaw(query, "", idpKey().certificate(), alg));
  EXPECT_FALSE(verifyRaw(query, *sig, Certificate{}, alg));
}

INSTANTIATE_TEST_SUITE_P(AllAlgorithms, Raw,
                         ::testing::Values(SignatureAlgorithm::rsa_sha256, SignatureAlgorithm::rsa_sha384,
                                           SignatureAlgorithm::rsa_sha512));

TEST(RawSignature, SpKeySignsIdpVerifies) {
  auto sig = signRaw("a=b", test::spKey(), SignatureAlgorithm::rsa_sha256);
  ASSERT_TRUE(sig);
  EXPECT_TRUE(verifyRaw("a=b", *sig, test::spKey().certificate(), SignatureAlgorithm::rsa_sha256));
  EXPECT_FALSE(verifyRaw("a=b", *sig, idpKey().certificate(), SignatureAlgorithm::rsa_sha256));
}

TEST(RawSignature, EcKeysAreRefused) {
  auto ec = SigningKey::fromPemFiles(pkiFiles().tls.key, pkiFiles().tls.cert);
  ASSERT_TRUE(ec) << ec.error();
  auto s = signRaw("a=b", *ec, SignatureAlgorithm::rsa_sha256);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().rule, "sig.algorithm");
  auto v = verifyRaw("a=b", std::string(64, 'x'), ec->certificate(), SignatureAlgorithm::rsa_sha256);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().rule, "sig.algorithm");
}

}  // namespace
}  // namespace sportello::xml
