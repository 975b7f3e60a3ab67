// What a SPID or CIE Service Provider checks in a samlp:Response at its ACS (spec/spid-cie.md,
// "Response and Assertion" and "The SP response test catalogue"; spec/security.md), as a Policy of named
// rules, and checkResponse(): the one call the gateway's ACS makes.
//
// checkResponse() contract:
//  1. parse with the hardened parser (xml::Document::parse) and read the view; a refusal there is the
//     verdict "response.xml" (fail) and nothing else runs; otherwise "response.xml" passes and is the
//     first verdict of the report;
//  2. signatures, before the rules, as facts: the Response's own signature (if any) and the Assertion's
//     own (immediate-child) signature are verified with xml::verify() against each pinned IdP certificate
//     in turn (the certificate that the message's KeyInfo names is tried first; KeyInfo is never used to
//     verify). The Assertion is verified only when it is the one and only saml:Assertion in the document
//     and a child of the Response; anything else (XSW shapes, a second Assertion) is refused unverified;
//  3. the replay fact, when the context carries a ReplayCache;
//  4. every rule of responsePolicy();
//  5. accepted = every rule passed AND the Assertion verified; the cache then records the Response and
//     Assertion IDs (atomically: if another delivery of the same message won the race, "response.replay"
//     turns to fail and the message is refused);
//  6. identity is filled only when accepted, read with readAssertion() from Verified.element, the node
//     the Assertion's signature covers;
//  7. spid_error is the nrNN of "ErrorCode nrNN" in an error Response (status not Success), whatever else
//     is wrong with it: the user's error page names it; it never makes a Response acceptable.
// Never throws on untrusted input.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/saml/names.hpp"
#include "core/saml/policy.hpp"
#include "core/saml/replay.hpp"
#include "core/saml/sp_response.hpp"
#include "core/saml/time.hpp"
#include "core/xml/signature.hpp"

namespace sportello::saml {

// The outcome of verifying one element's signature, computed before the rules.
struct SignatureFact {
  std::size_t count = 0;  // ds:Signature children of the element
  bool valid = false;     // verified with a pinned certificate
  std::string detail;     // which certificate and algorithm; or "<sig.rule>: why not"
};

struct ResponseContext {
  Profile profile = Profile::spid;
  TimePoint now;
  std::chrono::seconds skew{120};
  std::string idp_entity_id;  // of the IdP the request went to
  std::string sp_entity_id;   // the Audience
  std::string acs_url;        // Destination and Recipient
  // The ID of the AuthnRequest bound to this browser's session; nullopt: none (unsolicited -> fail).
  std::optional<std::string> expected_in_response_to;
  std::optional<TimePoint> request_issue_instant;  // IssueInstants before it (minus skew) fail
  Level requested_level = Level::L2;
  Comparison comparison = Comparison::minimum;
  // The attribute names the request asked for (its AttributeConsumingService); nullopt: not judged.
  // A different set is reported, never refused (catalogue 103).
  std::optional<std::vector<std::string>> requested_attributes;
  ReplayCache* replay = nullptr;  // not owned; null: replay is not checked (not_applicable)

  // Facts: checkResponse() computes them (overwriting these); set them yourself to evaluate the policy
  // directly.
  SignatureFact response_signature, assertion_signature;
  std::optional<ReplayCache::Seen> replay_seen;  // nullopt: not checked
};

using ResponsePolicy = Policy<SamlResponse, ResponseContext>;

// Every rule, signature and structure first, then the Response, the Assertion, replay last.
const ResponsePolicy& responsePolicy();

struct AcsOutcome {
  Report report;  // every verdict, "response.xml" first
  bool accepted = false;
  int spid_error = 0;  // 19..30 when the IdP sent an error Response ("ErrorCode nrNN"); 0 otherwise
  // Filled only when accepted, read ONLY from the signature-covered Assertion.
  struct Identity {
    std::string name_id, name_qualifier, session_index, issuer, assertion_id, response_id;
    Level level = Level::L1;
    TimePoint not_on_or_after;  // the earlier of SubjectConfirmationData's and Conditions' NotOnOrAfter
    // (Name, value), one pair per AttributeValue, in document order.
    std::vector<std::pair<std::string, std::string>> attributes;
  } identity;
};

// `idp_certs`: the signing certificates pinned from the IdP's registered metadata; each is tried.
AcsOutcome checkResponse(std::string_view response_xml, const ResponseContext& ctx,
                         const std::vector<xml::Certificate>& idp_certs);

}  // namespace sportello::saml
