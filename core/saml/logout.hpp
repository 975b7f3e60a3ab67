// Single Logout messages (spec/spid-cie.md, "Single Logout"): samlp:LogoutRequest and
// samlp:LogoutResponse, typed views read from a parsed document and builders that sign.
#pragma once

#include <string>
#include <vector>

#include "core/base/result.hpp"
#include "core/saml/authn_request.hpp"
#include "core/saml/names.hpp"
#include "core/saml/time.hpp"
#include "core/xml/document.hpp"
#include "core/xml/signature.hpp"

namespace sportello::saml {

struct LogoutRequest {
  Opt id, version, issue_instant, destination;
  IssuerView issuer;
  std::size_t name_id_count = 0;
  Opt name_id, name_id_format, name_id_qualifier;
  std::vector<std::string> session_indexes;
  std::size_t signature_count = 0;
};

struct LogoutResponse {
  Opt id, version, issue_instant, destination, in_response_to;
  IssuerView issuer;
  Opt status, sub_status;
  std::size_t signature_count = 0;
};

// Each fails only when the root is not the expected element ("saml.root").
Result<LogoutRequest, xml::Error> readLogoutRequest(const xml::Document& doc);
Result<LogoutResponse, xml::Error> readLogoutResponse(const xml::Document& doc);

struct LogoutRequestSpec {
  std::string id;  // newId() when empty
  TimePoint now;
  std::string destination;
  std::string issuer;  // entityID of the sender
  std::string name_id;
  std::string name_qualifier;  // the IdP entityID that issued the NameID
  std::string session_index;
};
// Signed when `key` is not null (HTTP-POST); for HTTP-Redirect pass null and sign the query.
Result<xml::Document, xml::SignError> buildLogoutRequest(const LogoutRequestSpec& spec,
                                                         const xml::SigningKey* key);

struct LogoutResponseSpec {
  TimePoint now;
  std::string destination;
  std::string issuer;
  std::string in_response_to;
  std::string status{status::success};
  std::string sub_status;  // e.g. PartialLogout under Requester
};
Result<xml::Document, xml::SignError> buildLogoutResponse(const LogoutResponseSpec& spec,
                                                          const xml::SigningKey* key);

}  // namespace sportello::saml
