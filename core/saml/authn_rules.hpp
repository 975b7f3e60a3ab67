// The rules a SPID or CIE identity provider applies to an AuthnRequest (spec/spid-cie.md), as a Policy.
// Each rule has a stable name ("authn.destination") and the SPID error it maps to when the IdP answers
// the SP with an error Response; rules whose failure means the IdP must not answer the SP at all (the
// SP is unknown, the ACS cannot be trusted, the signature does not verify) are marked `page_only`:
// the user gets an error page instead.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/saml/authn_request.hpp"
#include "core/saml/metadata.hpp"
#include "core/saml/policy.hpp"

namespace sportello::saml {

// Facts the rules judge against. The signature is verified before the rules run (its outcome differs
// by binding: query-string signature for HTTP-Redirect, embedded XML signature for HTTP-POST) and is
// passed in as facts.
struct AuthnRequestContext {
  Profile profile = Profile::spid;
  TimePoint now;
  std::chrono::seconds skew{120};
  std::string idp_entity_id;
  std::vector<std::string> sso_locations;  // the IdP's SSO URLs (every binding)
  const SpMetadata* sp = nullptr;          // the registered SP named by the Issuer; null when unknown
  bool development = false;                // relax production-only checks (https, ports) and say so

  std::string binding;  // "HTTP-Redirect" or "HTTP-POST"
  bool signature_present = false;
  bool signature_valid = false;
  std::string signature_detail;  // what was verified or why it failed (rule name and message)
  Opt relay_state;
};

using AuthnRequestPolicy = Policy<AuthnRequest, AuthnRequestContext>;

// The full list, in the order a developer reads them.
const AuthnRequestPolicy& authnRequestPolicy();

struct SpidError {
  int code = 0;             // nrNN; 0 when the rule gives no SAML error answer
  std::string_view status;  // top-level StatusCode: Requester or VersionMismatch
  bool page_only = false;   // no SAML answer: error page for the user
};
SpidError spidErrorFor(std::string_view rule);

}  // namespace sportello::saml
