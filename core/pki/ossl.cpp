#include "core/pki/ossl.hpp"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include <chrono>

#include "core/base/clock.hpp"

namespace sportello::pki::detail {

std::string opensslError(std::string_view what) {
  std::string out(what);
  const char* sep = ": ";
  for (unsigned long code = ERR_get_error(); code != 0; code = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    out += sep;
    out += buf;
    sep = "; ";
  }
  return out;
}

namespace {

Result<std::string, std::string> drain(BIO* bio, std::string_view what) {
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  if (len <= 0 || data == nullptr) return fail(opensslError(what));
  return std::string(data, static_cast<std::size_t>(len));
}

Result<BioPtr, std::string> readBio(std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return fail(opensslError("allocating a memory BIO"));
  return bio;
}

// Installed as the PEM password callback: a key file that needs a passphrase is reported, not prompted
// for (ensure() runs unattended, often without a terminal).
int noPassphrase(char*, int, int, void*) {
  return -1;
}

}  // namespace

Result<std::string, std::string> certToPem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) return fail(opensslError("encoding a certificate"));
  return drain(bio.get(), "encoding a certificate");
}

Result<std::string, std::string> keyToPem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return fail(opensslError("encoding a private key"));
  }
  return drain(bio.get(), "encoding a private key");
}

Result<X509Ptr, std::string> certFromPem(std::string_view pem) {
  auto bio = readBio(pem);
  if (!bio) return fail(bio.error());
  X509Ptr cert(PEM_read_bio_X509(bio->get(), nullptr, noPassphrase, nullptr));
  if (!cert) return fail(opensslError("not a PEM certificate"));
  return cert;
}

Result<PkeyPtr, std::string> keyFromPem(std::string_view pem) {
  auto bio = readBio(pem);
  if (!bio) return fail(bio.error());
  PkeyPtr key(PEM_read_bio_PrivateKey(bio->get(), nullptr, noPassphrase, nullptr));
  if (!key) return fail(opensslError("not an unencrypted PEM private key"));
  return key;
}

std::optional<std::time_t> toTimeT(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) {
    ERR_clear_error();
    return std::nullopt;
  }
  return timegm(&tm);
}

std::string formatTime(const ASN1_TIME* t) {
  const auto secs = toTimeT(t);
  if (!secs) return "?";
  return formatUtc(std::chrono::system_clock::from_time_t(*secs));
}

std::optional<std::string> nameEntry(const X509_NAME* name, const char* oid) {
  ObjectPtr obj(OBJ_txt2obj(oid, 0));
  if (!obj || name == nullptr) {
    ERR_clear_error();
    return std::nullopt;
  }
  const int index = X509_NAME_get_index_by_OBJ(name, obj.get(), -1);
  if (index < 0) return std::nullopt;
  unsigned char* utf8 = nullptr;
  const int len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index)));
  if (len < 0) {
    ERR_clear_error();
    return std::nullopt;
  }
  std::string value(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(len));
  OPENSSL_free(utf8);
  return value;
}

}  // namespace sportello::pki::detail
