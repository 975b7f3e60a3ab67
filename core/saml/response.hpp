// samlp:Response as a SPID/CIE identity provider sends it (spec/spid-cie.md, "Response and Assertion"):
// the Assertion signed, then the Response signed (its enveloped signature covers the signed Assertion),
// both with the IdP's key; validity windows from the caller's clock.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "core/saml/names.hpp"
#include "core/saml/time.hpp"
#include "core/xml/signature.hpp"

namespace sportello::saml {

struct ResponseSpec {
  Profile profile = Profile::spid;
  std::string idp_entity_id;
  std::string sp_entity_id;    // Audience
  std::string acs_url;         // Destination and Recipient
  std::string in_response_to;  // the AuthnRequest ID
  TimePoint now;
  std::chrono::seconds validity{300};  // NotOnOrAfter = now + validity (what the validators use)
  std::string response_id;             // newId() when empty
  std::string assertion_id;            // newId() when empty
  std::string name_id;                 // transient; newId() when empty
  std::string session_index;           // newId() when empty
  Level level = Level::L2;
  TimePoint authn_instant;  // when the user authenticated; `now` when default
  // Attribute name -> value, in order. dateOfBirth and expirationDate are typed xs:date, others xs:string.
  std::vector<std::pair<std::string, std::string>> attributes;
  xml::SignatureAlgorithm algorithm = xml::SignatureAlgorithm::rsa_sha256;
};

Result<xml::Document, xml::SignError> buildResponse(const ResponseSpec& spec, const xml::SigningKey& key);

// The two halves of buildResponse(), for builders of deviated Responses (response_catalogue.hpp): the
// unsigned tree, then the signatures. buildResponse(s, k) == signResponse(buildResponseUnsigned(s), k, ...).
xml::Document buildResponseUnsigned(const ResponseSpec& spec);
enum class SignWhat { assertion, response, both };
// Signs the Response's single saml:Assertion child (`assertion`, `both`: first) and the Response (`response`,
// `both`: its enveloped signature then covers the signed Assertion). Each Signature goes right after the
// element's Issuer, or first when there is no single Issuer. Refusals: xml::sign()'s, and "sig.sign" when
// there is no single Assertion child to sign.
Result<void, xml::SignError> signResponse(xml::Document& doc, const xml::SigningKey& key,
                                          xml::SignatureAlgorithm alg = xml::SignatureAlgorithm::rsa_sha256,
                                          SignWhat what = SignWhat::both);

// An error answer: StatusCode `top` (Responder, Requester, VersionMismatch) with `sub` (e.g. AuthnFailed)
// and StatusMessage "ErrorCode nr<code>"; no Assertion; the Response signed.
struct ErrorSpec {
  Profile profile = Profile::spid;
  std::string idp_entity_id;
  std::string acs_url;
  std::string in_response_to;
  TimePoint now;
  std::string top_status{status::responder};
  std::string sub_status{status::authn_failed};
  int error_code = 0;  // nrNN; 0 = no StatusMessage
  xml::SignatureAlgorithm algorithm = xml::SignatureAlgorithm::rsa_sha256;
};
Result<xml::Document, xml::SignError> buildErrorResponse(const ErrorSpec& spec, const xml::SigningKey& key);

// "ErrorCode nr19" and its Italian explanation for the user's error pages.
std::string spidErrorMessage(int code);
std::string_view spidErrorDescription(int code);

}  // namespace sportello::saml
