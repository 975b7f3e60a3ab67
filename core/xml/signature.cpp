// Enveloped XML signatures: our own structural checks first (so that each refusal has a precise rule),
// then xmlsec with a pinned key, a short list of transforms and same-document references only.
#include "core/xml/signature.hpp"

#include <libxml/tree.h>
#include <xmlsec/crypto.h>
#include <xmlsec/keyinfo.h>
#include <xmlsec/keys.h>
#include <xmlsec/openssl/evp.h>
#include <xmlsec/templates.h>
#include <xmlsec/transforms.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmlsec.h>

#include <memory>

#include "core/xml/internal.hpp"
#include "core/xml/signature_checks.hpp"

namespace sportello::xml {

using detail::cstr;
using detail::describe;
using detail::xstr;

namespace {

using detail::at;
using detail::kDigestUris;
using detail::kDs;
using detail::sigError;
using detail::whose;

struct DSigCtxFree {
  void operator()(xmlSecDSigCtxPtr c) const { xmlSecDSigCtxDestroy(c); }
};
using DSigCtxPtr = std::unique_ptr<xmlSecDSigCtx, DSigCtxFree>;
struct KeyFree {
  void operator()(xmlSecKeyPtr k) const { xmlSecKeyDestroy(k); }
};
using KeyPtr = std::unique_ptr<xmlSecKey, KeyFree>;

// An xmlsec key holding (a reference to) `pkey`: the pinned certificate's public key, or our private key.
KeyPtr makeKey(EVP_PKEY* pkey) {
  if (pkey == nullptr) return {};
  EVP_PKEY* ref = xmlSecOpenSSLEvpKeyDup(pkey);
  if (ref == nullptr) return {};
  xmlSecKeyDataPtr data = xmlSecOpenSSLEvpKeyAdopt(ref);
  if (data == nullptr) {
    EVP_PKEY_free(ref);
    return {};
  }
  KeyPtr key(xmlSecKeyCreate());
  if (!key || xmlSecKeySetValue(key.get(), data) < 0) {
    xmlSecKeyDataDestroy(data);
    return {};
  }
  return key;
}

xmlSecTransformId signatureTransform(SignatureAlgorithm a) {
  switch (a) {
    case SignatureAlgorithm::rsa_sha256:
      return xmlSecTransformRsaSha256Id;
    case SignatureAlgorithm::rsa_sha384:
      return xmlSecTransformRsaSha384Id;
    case SignatureAlgorithm::rsa_sha512:
      return xmlSecTransformRsaSha512Id;
  }
  return xmlSecTransformRsaSha256Id;
}

xmlSecTransformId digestTransform(SignatureAlgorithm a) {
  switch (a) {
    case SignatureAlgorithm::rsa_sha256:
      return xmlSecTransformSha256Id;
    case SignatureAlgorithm::rsa_sha384:
      return xmlSecTransformSha384Id;
    case SignatureAlgorithm::rsa_sha512:
      return xmlSecTransformSha512Id;
  }
  return xmlSecTransformSha256Id;
}

// The same policy as the structural checks, enforced again inside xmlsec.
bool restrictContext(xmlSecDSigCtxPtr ctx) {
  ctx->flags |= XMLSEC_DSIG_FLAGS_STORE_SIGNEDINFO_REFERENCES | XMLSEC_DSIG_FLAGS_IGNORE_MANIFESTS;
  ctx->enabledReferenceUris = xmlSecTransformUriTypeSameDocument;
  for (xmlSecTransformId id : {xmlSecTransformEnvelopedId, xmlSecTransformExclC14NId, xmlSecTransformSha256Id,
                               xmlSecTransformSha384Id, xmlSecTransformSha512Id}) {
    if (xmlSecDSigCtxEnableReferenceTransform(ctx, id) < 0) return false;
  }
  for (xmlSecTransformId id : {xmlSecTransformExclC14NId, xmlSecTransformRsaSha256Id,
                               xmlSecTransformRsaSha384Id, xmlSecTransformRsaSha512Id}) {
    if (xmlSecDSigCtxEnableSignatureTransform(ctx, id) < 0) return false;
  }
  // With ctx->signKey set and no keys manager, xmlsec never reads KeyInfo. Should that ever change, it
  // could read only a KeyName (useless without a keys manager), follow no RetrievalMethod and decrypt
  // no EncryptedKey.
  ctx->keyInfoReadCtx.maxRetrievalMethodLevel = 0;
  ctx->keyInfoReadCtx.maxEncryptedKeyLevel = 0;
  if (xmlSecPtrListAdd(&ctx->keyInfoReadCtx.enabledKeyData,
                       const_cast<void*>(static_cast<const void*>(xmlSecKeyDataNameId))) < 0)
    return false;
  return true;
}

// The certificate the message carries in KeyInfo, for messages only: it is never used to verify.
std::optional<Certificate> keyInfoCertificate(const xmlNode* signature) {
  xmlNodePtr keyInfo = child(signature, kDs, "KeyInfo");
  xmlNodePtr data = keyInfo != nullptr ? child(keyInfo, kDs, "X509Data") : nullptr;
  auto certs = children(data, kDs, "X509Certificate");
  if (certs.empty()) return std::nullopt;
  auto b64 = text(certs.front());
  if (!b64) return std::nullopt;
  auto cert = Certificate::fromBase64Der(*b64);
  if (!cert) return std::nullopt;
  return std::move(*cert);
}

std::string diagnoseInvalid(xmlSecDSigCtxPtr ctx, const xmlNode* signature, const std::string& what,
                            const Certificate& pinned) {
  const xmlSecSize n = xmlSecPtrListGetSize(&ctx->signedInfoReferences);
  for (xmlSecSize i = 0; i < n; ++i) {
    auto* ref = static_cast<xmlSecDSigReferenceCtxPtr>(xmlSecPtrListGetItem(&ctx->signedInfoReferences, i));
    if (ref != nullptr && ref->status != xmlSecDSigStatusSucceeded) {
      return "the digest of " + what +
             " does not match its ds:DigestValue: the signed content changed after signing";
    }
  }
  std::string m = "the ds:SignatureValue of " + what + " does not verify with the pinned " + whose(pinned);
  if (auto carried = keyInfoCertificate(signature)) {
    if (carried->sha256Fingerprint() == pinned.sha256Fingerprint()) {
      m += "; the message's KeyInfo carries that same certificate";
    } else {
      m += "; the message's KeyInfo carries " + whose(*carried) +
           ", which is ignored (only the certificate registered for the peer counts)";
    }
  }
  return m;
}
}  // namespace

std::string_view uri(SignatureAlgorithm a) {
  switch (a) {
    case SignatureAlgorithm::rsa_sha256:
      return "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
    case SignatureAlgorithm::rsa_sha384:
      return "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384";
    case SignatureAlgorithm::rsa_sha512:
      return "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512";
  }
  return {};
}

std::string_view digestUri(SignatureAlgorithm a) {
  switch (a) {
    case SignatureAlgorithm::rsa_sha256:
      return kDigestUris[0];
    case SignatureAlgorithm::rsa_sha384:
      return kDigestUris[1];
    case SignatureAlgorithm::rsa_sha512:
      return kDigestUris[2];
  }
  return {};
}

std::optional<SignatureAlgorithm> signatureAlgorithmFromUri(std::string_view u) {
  for (auto a :
       {SignatureAlgorithm::rsa_sha256, SignatureAlgorithm::rsa_sha384, SignatureAlgorithm::rsa_sha512}) {
    if (uri(a) == u) return a;
  }
  return std::nullopt;
}

IdPolicy IdPolicy::saml() {
  IdPolicy p;
  p.elements = {
      {std::string(detail::kSamlp), "AuthnRequest"},  {std::string(detail::kSamlp), "Response"},
      {std::string(detail::kSamlp), "LogoutRequest"}, {std::string(detail::kSamlp), "LogoutResponse"},
      {std::string(detail::kSaml), "Assertion"},      {std::string(detail::kMd), "EntityDescriptor"}};
  return p;
}

xmlNodePtr signatureOf(const xmlNode* element, std::size_t* count) {
  auto all = children(element, kDs, "Signature");
  if (count != nullptr) *count = all.size();
  return all.empty() ? nullptr : all.front();
}

Result<Verified, SignError> verify(Document& doc, xmlNodePtr element, xmlNodePtr signature,
                                   const Certificate& pinned, const IdPolicy& ids) {
  initialise();
  const std::string what = describe(element);
  // 1. missing
  if (element == nullptr) return fail(sigError("sig.missing", "no element to verify"));
  if (signature == nullptr)
    return fail(sigError("sig.missing", what + " is not signed (no ds:Signature child)"));
  // 2. placement
  if (!is(signature, kDs, "Signature")) {
    return fail(sigError("sig.placement", "the node given as the signature of " + what + " is " +
                                              describe(signature) + ", not a ds:Signature"));
  }
  if (element->doc != doc.get() || signature->doc != doc.get()) {
    return fail(sigError("sig.placement", what + " or its signature does not belong to this document"));
  }
  if (signature->parent != element) {
    return fail(
        sigError("sig.placement", "the ds:Signature" + at(signature) + " is inside " +
                                      describe(signature->parent) + ", not an immediate child of " + what +
                                      ": a signature counts only for the element that directly contains it"));
  }
  // 3. duplicate_id
  if (auto e = detail::registerIds(doc.get(), ids)) return fail(std::move(*e));
  // 4.-8.
  auto parts = detail::checkStructure(element, signature, what, ids);
  if (!parts) return fail(parts.error());
  const std::string id = attribute(element, "ID").value_or("");

  // 10. xmlsec, with the pinned key.
  if (pinned.publicKey() == nullptr)
    return fail(sigError("sig.invalid", "no pinned certificate to verify " + what));
  detail::clearLastError();
  detail::LibxmlErrorScope scope;
  DSigCtxPtr ctx(xmlSecDSigCtxCreate(nullptr));
  KeyPtr key = makeKey(pinned.publicKey());
  if (!ctx || !key || !restrictContext(ctx.get())) {
    return fail(sigError("sig.invalid", "cannot prepare verification with the pinned " + whose(pinned) +
                                            ": " + detail::lastError() + detail::takeOpensslErrors()));
  }
  ctx->signKey = key.release();  // owned by ctx from here
  const int rc = xmlSecDSigCtxVerify(ctx.get(), signature);
  detail::takeOpensslErrors();
  if (rc < 0) {
    return fail(sigError("sig.invalid", "the signature of " + what +
                                            " could not be processed with the pinned " + whose(pinned) +
                                            ": " + detail::lastError()));
  }
  if (ctx->status != xmlSecDSigStatusSucceeded) {
    std::string m = diagnoseInvalid(ctx.get(), signature, what, pinned);
    if (auto cause = detail::lastError(); !cause.empty()) m += " [" + cause + "]";
    return fail(sigError("sig.invalid", m));
  }
  // After: exactly what we checked is what xmlsec processed.
  if (xmlSecPtrListGetSize(&ctx->signedInfoReferences) != 1) {
    return fail(
        sigError("sig.references", "xmlsec processed " +
                                       std::to_string(xmlSecPtrListGetSize(&ctx->signedInfoReferences)) +
                                       " references in the signature of " + what));
  }
  auto* ref = static_cast<xmlSecDSigReferenceCtxPtr>(xmlSecPtrListGetItem(&ctx->signedInfoReferences, 0));
  if (ref == nullptr || ref->status != xmlSecDSigStatusSucceeded) {
    return fail(sigError("sig.invalid", "the reference in the signature of " + what + " did not verify"));
  }
  if (ref->uri == nullptr || std::string_view(cstr(ref->uri)) != "#" + id) {
    return fail(sigError("sig.reference_uri", "xmlsec resolved a reference other than \"#" +
                                                  detail::printable(id) + "\" in the signature of " + what));
  }
  xmlSecBufferPtr canonical = xmlSecDSigReferenceCtxGetPreDigestBuffer(ref);
  if (canonical == nullptr || xmlSecBufferGetSize(canonical) == 0) {
    return fail(sigError("sig.invalid", "the canonical form of " + what + " is empty: nothing was signed"));
  }
  if (ctx->c14nMethod == nullptr || ctx->c14nMethod->id != xmlSecTransformExclC14NId) {
    return fail(
        sigError("sig.c14n", "xmlsec canonicalised the SignedInfo of " + what + " with another method"));
  }
  Verified v;
  v.element = element;
  v.id = id;
  bool known = false;
  for (auto a :
       {SignatureAlgorithm::rsa_sha256, SignatureAlgorithm::rsa_sha384, SignatureAlgorithm::rsa_sha512}) {
    if (ctx->signMethod != nullptr && ctx->signMethod->id == signatureTransform(a)) {
      v.algorithm = a;
      known = true;
    }
  }
  if (!known)
    return fail(sigError("sig.algorithm", "xmlsec used an unexpected signature method for " + what));
  if (ref->digestMethod != nullptr && ref->digestMethod->id != nullptr &&
      ref->digestMethod->id->href != nullptr) {
    v.digest_uri = cstr(ref->digestMethod->id->href);
  }
  return v;
}

Result<void, SignError> sign(Document& doc, xmlNodePtr element, const SigningKey& key, SignatureAlgorithm alg,
                             xmlNodePtr insertAfter, const IdPolicy& ids) {
  initialise();
  const std::string what = describe(element);
  if (doc.get() == nullptr || element == nullptr || element->doc != doc.get()) {
    return fail(sigError("sig.sign", what + " is not an element of this document"));
  }
  if (key.key() == nullptr) return fail(sigError("sig.sign", "no signing key"));
  if (EVP_PKEY_base_id(key.key()) != EVP_PKEY_RSA) {
    return fail(sigError("sig.algorithm", std::string(uri(alg)) + " needs an RSA key; the key of " +
                                              whose(key.certificate()) + " is not RSA"));
  }
  const std::string id = attribute(element, "ID").value_or("");
  if (id.empty()) return fail(sigError("sig.reference_uri", what + " has no ID attribute to reference"));
  if (!detail::inPolicy(element, ids)) {
    return fail(sigError("sig.reference_uri",
                         what + " is not an element whose ID attribute is registered (IdPolicy)"));
  }
  if (insertAfter != nullptr && insertAfter->parent != element) {
    return fail(sigError("sig.placement", "the signature must go inside " + what + ", but " +
                                              describe(insertAfter) + " is not its child"));
  }
  std::size_t existing = 0;
  signatureOf(element, &existing);
  if (existing > 0) return fail(sigError("sig.references", what + " is already signed"));
  if (auto e = detail::registerIds(doc.get(), ids)) return fail(std::move(*e));

  detail::clearLastError();
  detail::LibxmlErrorScope scope;
  xmlNodePtr sig = xmlSecTmplSignatureCreateNsPref(doc.get(), xmlSecTransformExclC14NId,
                                                   signatureTransform(alg), nullptr, xstr("ds"));
  if (sig == nullptr)
    return fail(sigError("sig.sign", "cannot create the signature template: " + detail::lastError()));
  if (insertAfter != nullptr) {
    xmlAddNextSibling(insertAfter, sig);
  } else if (element->children != nullptr) {
    xmlAddPrevSibling(element->children, sig);
  } else {
    xmlAddChild(element, sig);
  }
  auto discard = [&](std::string message) {
    xmlUnlinkNode(sig);
    xmlFreeNode(sig);
    return fail(sigError("sig.sign", std::move(message)));
  };
  const std::string ref = "#" + id;
  xmlNodePtr reference =
      xmlSecTmplSignatureAddReference(sig, digestTransform(alg), nullptr, xstr(ref), nullptr);
  if (reference == nullptr ||
      xmlSecTmplReferenceAddTransform(reference, xmlSecTransformEnvelopedId) == nullptr ||
      xmlSecTmplReferenceAddTransform(reference, xmlSecTransformExclC14NId) == nullptr) {
    return discard("cannot build the signature template: " + detail::lastError());
  }
  DSigCtxPtr ctx(xmlSecDSigCtxCreate(nullptr));
  KeyPtr sk = makeKey(key.key());
  if (!ctx || !sk || !restrictContext(ctx.get())) {
    return discard("cannot prepare signing with the key of " + whose(key.certificate()) + ": " +
                   detail::lastError());
  }
  ctx->signKey = sk.release();
  const int rc = xmlSecDSigCtxSign(ctx.get(), sig);
  const std::string ossl = detail::takeOpensslErrors();
  if (rc < 0 || ctx->status != xmlSecDSigStatusSucceeded) {
    return discard("signing " + what + " with " + std::string(uri(alg)) + " failed: " + detail::lastError() +
                   " " + ossl);
  }
  // KeyInfo is added after signing: it lies outside SignedInfo and inside the enveloped signature, so it
  // is not covered either way, and filling it ourselves keeps xmlsec's KeyInfo writer out of the picture.
  xmlNodePtr keyInfo = xmlSecTmplSignatureEnsureKeyInfo(sig, nullptr);
  xmlNodePtr x509 = keyInfo != nullptr ? xmlSecTmplKeyInfoAddX509Data(keyInfo) : nullptr;
  xmlNodePtr certNode = x509 != nullptr ? xmlSecTmplX509DataAddCertificate(x509) : nullptr;
  if (certNode == nullptr) return discard("cannot add KeyInfo: " + detail::lastError());
  const std::string b64 = key.certificate().base64Der();
  xmlNodeAddContentLen(certNode, xstr(b64), static_cast<int>(b64.size()));
  return {};
}

}  // namespace sportello::xml
