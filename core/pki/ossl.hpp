// Internal to core/pki (and its tests): ownership of OpenSSL objects and the conversions every part of
// the test PKI needs. Every function reports failure through its return value and leaves the OpenSSL
// error queue empty.
#pragma once

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/conf.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/base/result.hpp"

namespace sportello::pki::detail {

template <auto Free>
struct Deleter {
  template <class T>
  void operator()(T* p) const noexcept {
    Free(p);
  }
};

using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using NamePtr = std::unique_ptr<X509_NAME, Deleter<X509_NAME_free>>;
using ExtensionPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;
using ObjectPtr = std::unique_ptr<ASN1_OBJECT, Deleter<ASN1_OBJECT_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using ConfPtr = std::unique_ptr<CONF, Deleter<NCONF_free>>;
using GeneralNamePtr = std::unique_ptr<GENERAL_NAME, Deleter<GENERAL_NAME_free>>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, Deleter<GENERAL_NAMES_free>>;
using StorePtr = std::unique_ptr<X509_STORE, Deleter<X509_STORE_free>>;
using StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, Deleter<X509_STORE_CTX_free>>;

// "<what>: <reasons from the OpenSSL error queue>", draining the queue.
std::string opensslError(std::string_view what);

Result<std::string, std::string> certToPem(X509* cert);
Result<std::string, std::string> keyToPem(EVP_PKEY* key);  // unencrypted PKCS#8
// Never prompts for a passphrase: an encrypted key is an error.
Result<X509Ptr, std::string> certFromPem(std::string_view pem);
Result<PkeyPtr, std::string> keyFromPem(std::string_view pem);

std::optional<std::time_t> toTimeT(const ASN1_TIME* t);
std::string formatTime(const ASN1_TIME* t);  // "2026-01-01T00:00:00Z", "?" when unparsable

// The UTF-8 value of the first `oid` (dotted or short name) entry of `name`, if any.
std::optional<std::string> nameEntry(const X509_NAME* name, const char* oid);

}  // namespace sportello::pki::detail
