// Shared by the core/xml tests: fixtures, the test PKI's signing keys, SAML-shaped documents signed in
// the usual places, and a loopback listener that proves nothing connected.
#pragma once

#include <string>
#include <string_view>

#include "core/xml/document.hpp"
#include "core/xml/signature.hpp"

namespace sportello::xml::test {

inline constexpr std::string_view kSamlp = "urn:oasis:names:tc:SAML:2.0:protocol";
inline constexpr std::string_view kSaml = "urn:oasis:names:tc:SAML:2.0:assertion";
inline constexpr std::string_view kDs = "http://www.w3.org/2000/09/xmldsig#";

// tests/core/xml/fixtures/<name>, bytes as stored.
std::string fixture(const std::string& name);

// The test PKI's keys ("aurora-id", "cie-test") and the gateway's own (sp_signing). Loaded once.
const SigningKey& idpKey(const std::string& idp = "aurora-id");
const SigningKey& spKey();

// Parses or throws (tests only).
Document parseOrThrow(std::string_view xml);
// parse(serialize()): what a peer receives.
Document reparse(const Document& doc);

xmlNodePtr assertionOf(const Document& doc);  // the first saml:Assertion child of the root
xmlNodePtr issuerOf(xmlNodePtr element);      // its saml:Issuer child
xmlNodePtr nameIdOf(xmlNodePtr assertion);
// First descendant (or self) with that name, document order.
xmlNodePtr find(xmlNodePtr from, std::string_view ns, std::string_view local);

struct SignWhat {
  bool response = true;
  bool assertion = false;
};
// fixtures/response.xml signed as asked (Assertion first, then Response, as an IdP does), right after
// each Issuer. Throws when signing fails.
Document signedResponse(SignWhat what, SignatureAlgorithm alg = SignatureAlgorithm::rsa_sha256,
                        const SigningKey& key = idpKey());

// A TCP listener on 127.0.0.1, port 0, non-blocking: connections() says whether anyone connected.
class Listener {
 public:
  Listener();
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;
  int port() const { return port_; }
  int connections();  // accepts whatever is pending (without blocking), returns the total seen

 private:
  int fd_ = -1;
  int port_ = 0;
  int seen_ = 0;
};

std::string replaceAll(std::string s, std::string_view from, std::string_view to);

}  // namespace sportello::xml::test
