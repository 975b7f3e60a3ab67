// Internal to core/xml: the structural half of verify() (ID registration, checks 3 to 8 of the contract
// in signature.hpp), kept apart from the xmlsec half in signature.cpp.
#pragma once

#include <libxml/tree.h>

#include <optional>
#include <string>
#include <string_view>

#include "core/xml/signature.hpp"

namespace sportello::xml::detail {

inline constexpr std::string_view kDs = "http://www.w3.org/2000/09/xmldsig#";
inline constexpr std::string_view kSamlp = "urn:oasis:names:tc:SAML:2.0:protocol";
inline constexpr std::string_view kSaml = "urn:oasis:names:tc:SAML:2.0:assertion";
inline constexpr std::string_view kMd = "urn:oasis:names:tc:SAML:2.0:metadata";
inline constexpr std::string_view kDigestUris[] = {"http://www.w3.org/2001/04/xmlenc#sha256",
                                                   "http://www.w3.org/2001/04/xmldsig-more#sha384",
                                                   "http://www.w3.org/2001/04/xmlenc#sha512"};

inline SignError sigError(std::string rule, std::string message) {
  return SignError{std::move(rule), std::move(message)};
}
std::string at(const xmlNode* n);         // " (line N)"
std::string whose(const Certificate& c);  // "certificate <subject> (SHA-256 <fingerprint>)"

bool inPolicy(const xmlNode* element, const IdPolicy& ids);

// Every ID-like value in the document ("ID", "Id", xml:id, on any element) must be unique (else
// sig.duplicate_id); then "ID" is registered as an ID on the policy's elements, and only there.
std::optional<SignError> registerIds(xmlDocPtr doc, const IdPolicy& ids);

struct SignatureParts {
  xmlNodePtr signedInfo = nullptr;
  xmlNodePtr reference = nullptr;
};
// Checks 4 (references) to 8 (c14n) of verify(), in order, then that DigestValue and SignatureValue
// are plain text. IDs must be registered already. `what` describes `element` for messages.
Result<SignatureParts, SignError> checkStructure(const xmlNode* element, const xmlNode* signature,
                                                 const std::string& what, const IdPolicy& ids);

}  // namespace sportello::xml::detail
