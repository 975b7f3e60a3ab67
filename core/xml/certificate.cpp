// Certificate and SigningKey: loading and describing the keys that signatures are made and checked with.
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/xml/internal.hpp"
#include "core/xml/signature.hpp"

namespace sportello::xml {

namespace {

constexpr std::size_t kMaxPemFile = 1024 * 1024;

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;

BioPtr memoryBio(std::string_view data) {
  return BioPtr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

Result<std::string, std::string> readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail("cannot open " + path + ": " + std::strerror(errno));
  std::string data;
  char buf[4096];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    data.append(buf, static_cast<std::size_t>(in.gcount()));
    if (data.size() > kMaxPemFile) return fail(path + " is larger than 1 MiB: not a PEM file");
  }
  return data;
}

// Never prompt: an encrypted key is a configuration error, reported as such.
int noPassphrase(char* /*buf*/, int /*size*/, int /*rwflag*/, void* /*u*/) {
  return -1;
}

std::shared_ptr<X509> own(X509* x) {
  return std::shared_ptr<X509>(x, X509_free);
}

}  // namespace

Result<Certificate, std::string> Certificate::fromPem(std::string_view pem) {
  if (pem.size() > kMaxPemFile) return fail(std::string("PEM text larger than 1 MiB"));
  BioPtr bio = memoryBio(pem);
  X509* x = bio ? PEM_read_bio_X509(bio.get(), nullptr, noPassphrase, nullptr) : nullptr;
  if (x == nullptr) {
    std::string why = detail::takeOpensslErrors();
    return fail("no PEM certificate (-----BEGIN CERTIFICATE-----) could be read" +
                (why.empty() ? "" : ": " + why));
  }
  Certificate c;
  c.cert_ = own(x);
  return c;
}

Result<Certificate, std::string> Certificate::fromPemFile(const std::string& path) {
  auto data = readFile(path);
  if (!data) return fail(data.error());
  auto c = fromPem(*data);
  if (!c) return fail(path + ": " + c.error());
  return c;
}

Result<Certificate, std::string> Certificate::fromBase64Der(std::string_view b64) {
  auto der = detail::base64Decode(b64);
  if (!der) return fail(std::string("certificate is not valid base64"));
  if (der->empty()) return fail(std::string("certificate is empty"));
  const auto* p = reinterpret_cast<const unsigned char*>(der->data());
  X509* x = d2i_X509(nullptr, &p, static_cast<long>(der->size()));
  if (x == nullptr) return fail("certificate is not DER X.509: " + detail::takeOpensslErrors());
  if (p != reinterpret_cast<const unsigned char*>(der->data()) + der->size()) {
    X509_free(x);
    return fail(std::string("certificate has trailing bytes after the DER structure"));
  }
  Certificate c;
  c.cert_ = own(x);
  return c;
}

EVP_PKEY* Certificate::publicKey() const {
  return cert_ ? X509_get0_pubkey(cert_.get()) : nullptr;
}

std::string Certificate::base64Der() const {
  if (!cert_) return {};
  unsigned char* der = nullptr;
  const int len = i2d_X509(cert_.get(), &der);
  if (len <= 0 || der == nullptr) return {};
  std::string out = detail::base64Encode(
      std::string_view(reinterpret_cast<const char*>(der), static_cast<std::size_t>(len)));
  OPENSSL_free(der);
  return out;
}

std::string Certificate::subject() const {
  if (!cert_) return "(no certificate)";
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio) return "(unknown subject)";
  X509_NAME_print_ex(bio.get(), X509_get_subject_name(cert_.get()), 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return len > 0 ? detail::printable(std::string_view(data, static_cast<std::size_t>(len)), 300)
                 : "(empty subject)";
}

std::string Certificate::sha256Fingerprint() const {
  if (!cert_) return {};
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_digest(cert_.get(), EVP_sha256(), md, &len) != 1) return {};
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    if (i > 0) out += ':';
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 0xf];
  }
  return out;
}

Result<SigningKey, std::string> SigningKey::fromPemFiles(const std::string& keyPath,
                                                         const std::string& certPath) {
  auto pem = readFile(keyPath);
  if (!pem) return fail(pem.error());
  if (pem->find("ENCRYPTED") != std::string::npos) {
    return fail(keyPath +
                ": the private key is encrypted; Sportello needs it unencrypted (protect the file with "
                "mode 0600 instead)");
  }
  BioPtr bio = memoryBio(*pem);
  EVP_PKEY* k = bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, noPassphrase, nullptr) : nullptr;
  if (k == nullptr) {
    return fail(keyPath +
                ": no PEM private key (PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY) could be read: " +
                detail::takeOpensslErrors());
  }
  SigningKey out;
  out.key_ = std::shared_ptr<EVP_PKEY>(k, EVP_PKEY_free);
  auto cert = Certificate::fromPemFile(certPath);
  if (!cert) return fail(cert.error());
  if (cert->publicKey() == nullptr || EVP_PKEY_eq(cert->publicKey(), k) != 1) {
    detail::takeOpensslErrors();
    return fail(keyPath + " is not the private key of " + certPath + " (subject " + cert->subject() + ")");
  }
  out.cert_ = std::move(*cert);
  return out;
}

}  // namespace sportello::xml
