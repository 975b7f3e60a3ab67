// Raw RSA PKCS#1 v1.5 signatures over bytes, for the HTTP-Redirect binding (SAML bindings, 3.4.4.1):
// the signed octets are the query string as received, the signature travels base64-encoded beside it.
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <memory>

#include "core/xml/internal.hpp"
#include "core/xml/signature.hpp"

namespace sportello::xml {

namespace {

struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

const EVP_MD* digestOf(SignatureAlgorithm alg) {
  switch (alg) {
    case SignatureAlgorithm::rsa_sha256:
      return EVP_sha256();
    case SignatureAlgorithm::rsa_sha384:
      return EVP_sha384();
    case SignatureAlgorithm::rsa_sha512:
      return EVP_sha512();
  }
  return nullptr;
}

SignError error(std::string rule, std::string message) {
  return SignError{std::move(rule), std::move(message)};
}

std::string whose(const Certificate& c) {
  return "certificate " + c.subject() + " (SHA-256 " + c.sha256Fingerprint() + ")";
}

}  // namespace

Result<std::string, SignError> signRaw(std::string_view data, const SigningKey& key, SignatureAlgorithm alg) {
  if (key.key() == nullptr) return fail(error("sig.sign", "no signing key"));
  if (EVP_PKEY_base_id(key.key()) != EVP_PKEY_RSA) {
    return fail(error("sig.algorithm", std::string(uri(alg)) + " needs an RSA key; the key of " +
                                           whose(key.certificate()) + " is not RSA"));
  }
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
  std::size_t len = 0;
  std::string sig;
  bool ok = ctx && EVP_DigestSignInit(ctx.get(), &pctx, digestOf(alg), nullptr, key.key()) == 1 &&
            EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1 &&
            EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(data.data()),
                           data.size()) == 1;
  if (ok) {
    sig.resize(len);
    ok = EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                        reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
    sig.resize(len);
  }
  if (!ok) {
    return fail(error("sig.sign",
                      "signing with " + std::string(uri(alg)) + " failed: " + detail::takeOpensslErrors()));
  }
  return sig;
}

Result<void, SignError> verifyRaw(std::string_view data, std::string_view signature,
                                  const Certificate& pinned, SignatureAlgorithm alg) {
  EVP_PKEY* pub = pinned.publicKey();
  if (pub == nullptr) return fail(error("sig.invalid", "no pinned certificate to verify with"));
  if (EVP_PKEY_base_id(pub) != EVP_PKEY_RSA) {
    return fail(error("sig.algorithm", std::string(uri(alg)) + " needs an RSA key; the pinned " +
                                           whose(pinned) + " is not RSA"));
  }
  if (signature.empty()) return fail(error("sig.missing", "empty signature"));
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  const bool ready = ctx && EVP_DigestVerifyInit(ctx.get(), &pctx, digestOf(alg), nullptr, pub) == 1 &&
                     EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1;
  if (!ready) {
    return fail(
        error("sig.invalid", "cannot set up " + std::string(uri(alg)) + ": " + detail::takeOpensslErrors()));
  }
  const int rc =
      EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                       reinterpret_cast<const unsigned char*>(data.data()), data.size());
  detail::takeOpensslErrors();
  if (rc != 1) {
    return fail(error("sig.invalid", std::string(uri(alg)) + " signature (" +
                                         std::to_string(signature.size()) +
                                         " bytes) does not verify with the pinned " + whose(pinned)));
  }
  return {};
}

}  // namespace sportello::xml
