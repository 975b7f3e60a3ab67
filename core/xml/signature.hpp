// XML signatures (enveloped, exclusive c14n) with xmlsec1, hardened per spec/security.md,
// "Verifying signatures", and raw signatures for the SAML HTTP-Redirect binding.
//
// verify() contract, in order; the first failure is returned with its stable rule name:
//  1. sig.missing       `signature` is null
//  2. sig.placement     the Signature is not an immediate child of `element`
//  3. sig.duplicate_id  an ID value occurs twice in the document (IDs registered only on the attribute
//                       "ID" of the SAML elements named in IdPolicy, never via xmlsec's helper)
//  4. sig.references    not exactly one SignedInfo and one Reference, or a ds:Object / ds:Manifest present
//  5. sig.reference_uri the Reference URI is not "#" + the ID of `element`
//  6. sig.transform     transforms other than enveloped-signature and exclusive c14n (with or without
//                       comments is NOT allowed: without only), or XPath/XSLT/Base64 present
//  7. sig.algorithm     SignatureMethod not RSA-SHA256/384/512 (ECDSA-SHA256/384/512 optional), or
//                       DigestMethod not SHA-256/384/512; SHA-1, MD5 and HMAC are named in the message
//  8. sig.c14n          CanonicalizationMethod not exclusive c14n
//  9. sig.key_info      nothing: KeyInfo is ignored entirely (never dereferenced, no RetrievalMethod)
// 10. sig.invalid       xmlsec says the digest or the signature value does not verify against the
//                       pinned certificate (ctx->status checked, not just the return value), or the
//                       pre-digest canonical form is empty
// On success, Verified names the element whose content was covered, so that readers take data from it.
#pragma once

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.hpp"
#include "core/xml/document.hpp"

namespace sportello::xml {

// A certificate to verify with (from registered metadata, never from the message).
class Certificate {
 public:
  static Result<Certificate, std::string> fromPem(std::string_view pem);
  static Result<Certificate, std::string> fromPemFile(const std::string& path);
  // base64 DER as in ds:X509Certificate (whitespace ignored).
  static Result<Certificate, std::string> fromBase64Der(std::string_view b64);

  X509* x509() const { return cert_.get(); }
  EVP_PKEY* publicKey() const;
  std::string base64Der() const;          // for metadata and KeyInfo
  std::string subject() const;            // one-line RFC 2253, for messages
  std::string sha256Fingerprint() const;  // "AB:CD:..."

 private:
  std::shared_ptr<X509> cert_;
};

// A private key with its certificate, to sign with.
class SigningKey {
 public:
  static Result<SigningKey, std::string> fromPemFiles(const std::string& keyPath,
                                                      const std::string& certPath);
  EVP_PKEY* key() const { return key_.get(); }
  const Certificate& certificate() const { return cert_; }

 private:
  std::shared_ptr<EVP_PKEY> key_;
  Certificate cert_;
};

enum class SignatureAlgorithm { rsa_sha256, rsa_sha384, rsa_sha512 };
std::string_view uri(SignatureAlgorithm a);        // http://www.w3.org/2001/04/xmldsig-more#rsa-sha256 ...
std::string_view digestUri(SignatureAlgorithm a);  // http://www.w3.org/2001/04/xmlenc#sha256 ...
std::optional<SignatureAlgorithm> signatureAlgorithmFromUri(std::string_view uri);

// Which attribute values count as IDs: attribute "ID" (no namespace) on elements with these names.
struct IdPolicy {
  std::vector<std::pair<std::string, std::string>> elements;  // {namespace URI, local name}
  static IdPolicy saml();  // samlp:AuthnRequest, Response, LogoutRequest, LogoutResponse, saml:Assertion,
                           // md:EntityDescriptor (attribute ID)
};

struct SignError {
  std::string rule;     // "sig.invalid", "sig.algorithm", ...
  std::string message;  // says which element, which algorithm, which certificate (subject, fingerprint)
};

// Refusals: sig.reference_uri (no ID, or not an IdPolicy element), sig.placement (insertAfter is not a
// child of element), sig.references (already signed), sig.duplicate_id, sig.algorithm (not an RSA key),
// sig.sign (xmlsec or OpenSSL failed; the document is left as it was).
// Signs `element` (which must carry a non-empty ID attribute): enveloped signature with exclusive c14n,
// SignedInfo/Reference URI="#ID", KeyInfo/X509Data/X509Certificate of the key's certificate.
// The Signature is inserted as a child of `element` right after `insertAfter` (SAML puts it after
// Issuer), or as the first child when insertAfter is null.
Result<void, SignError> sign(Document& doc, xmlNodePtr element, const SigningKey& key, SignatureAlgorithm alg,
                             xmlNodePtr insertAfter, const IdPolicy& ids = IdPolicy::saml());

struct Verified {
  xmlNodePtr element = nullptr;  // the covered element (== the `element` argument)
  std::string id;
  SignatureAlgorithm algorithm = SignatureAlgorithm::rsa_sha256;
  std::string digest_uri;
};

// The Signature element that is an immediate child of `element`, or null; `count` receives how many.
xmlNodePtr signatureOf(const xmlNode* element, std::size_t* count = nullptr);

Result<Verified, SignError> verify(Document& doc, xmlNodePtr element, xmlNodePtr signature,
                                   const Certificate& pinned, const IdPolicy& ids = IdPolicy::saml());

// Raw signatures over bytes (HTTP-Redirect binding: the query string as received).
Result<std::string, SignError> signRaw(std::string_view data, const SigningKey& key, SignatureAlgorithm alg);
Result<void, SignError> verifyRaw(std::string_view data, std::string_view signature,
                                  const Certificate& pinned, SignatureAlgorithm alg);

}  // namespace sportello::xml
