// samlp:AuthnRequest: a typed view read from a parsed document, and a builder for the shapes SPID and
// CIE require (spec/spid-cie.md, "AuthnRequest").
//
// The view keeps absent and empty apart (std::nullopt vs ""), counts repeated elements, and never
// interprets: judging is the rules' job (authn_rules.hpp), so that every deviation can be reported.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/base/result.hpp"
#include "core/saml/names.hpp"
#include "core/saml/time.hpp"
#include "core/xml/document.hpp"
#include "core/xml/signature.hpp"

namespace sportello::saml {

struct IssuerView {
  std::size_t count = 0;  // how many saml:Issuer children
  Opt value;              // text of the first; nullopt when absent or not plain text
  Opt format;
  Opt name_qualifier;
};

struct AuthnRequest {
  Opt id, version, issue_instant, destination;
  Opt force_authn, is_passive;
  Opt acs_index, acs_url, protocol_binding, attribute_consuming_service_index;
  IssuerView issuer;

  std::size_t name_id_policy_count = 0;
  Opt name_id_policy_format, name_id_policy_allow_create;

  std::size_t requested_authn_context_count = 0;
  Opt comparison;
  std::vector<std::string> class_refs;  // texts of every AuthnContextClassRef (non-text ones as "")

  std::size_t scoping_count = 0;
  Opt proxy_count;

  std::size_t signature_count = 0;  // embedded ds:Signature children of the root (HTTP-POST binding)
};

// Reads the view; fails only when the root is not a samlp:AuthnRequest (rule "saml.root").
Result<AuthnRequest, xml::Error> readAuthnRequest(const xml::Document& doc);

struct AuthnRequestSpec {
  std::string id;  // "_" + random hex when empty
  TimePoint issue_instant;
  std::string destination;  // the IdP's SSO location
  std::string issuer;       // the SP entityID
  std::optional<int> acs_index = 0;
  std::string acs_url;  // used (with ProtocolBinding HTTP-POST) when acs_index is nullopt
  std::optional<int> attribute_consuming_service_index = 0;
  Level level = Level::L2;
  Comparison comparison = Comparison::minimum;
  bool force_authn = true;  // required for L2/L3 and always for CIE
};
// Builds the request; sign it with xml::sign(doc, root, key, alg, <the Issuer element>) for HTTP-POST.
xml::Document buildAuthnRequest(const AuthnRequestSpec& spec);
// A fresh SAML ID: "_" followed by 32 random hex characters (NCName-safe, 128 bits).
std::string newId();

// A metadata or request index as written ("0", "12"): digits only, at most 5; nullopt otherwise.
std::optional<int> parseIndex(const Opt& text);

}  // namespace sportello::saml
