// samlp:Response as a Service Provider receives it (spec/spid-cie.md, "Response and Assertion"): a typed
// view read from a parsed document, for the rules in response_rules.hpp.
//
// Like the AuthnRequest view, it keeps absent and empty apart (std::nullopt vs ""), counts repeated
// elements and never interprets, so that every deviation of the SP test catalogue can be reported by
// name. Element texts are nullopt when the element is absent OR holds markup (a comment, an element):
// `<NameID>abc<!---->def</NameID>` reads as "not plain text", never as "abc"; the matching *_count
// tells the two apart.
//
// Only the Response's own children are read: the Assertion is read when it is the ONLY saml:Assertion
// child of the Response. saml:Assertion elements anywhere else (wrapped in Extensions, ds:Signature,
// ds:Object or another Assertion) are counted in assertion_total and never read.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/base/result.hpp"
#include "core/saml/authn_request.hpp"
#include "core/saml/names.hpp"
#include "core/xml/document.hpp"

namespace sportello::saml {

struct StatusView {
  std::size_t count = 0;          // samlp:Status children of the Response
  bool empty = false;             // the (single) Status has no element children
  std::size_t code_count = 0;     // samlp:StatusCode children of Status
  Opt code;                       // its Value
  Opt sub_code;                   // Value of the nested StatusCode
  std::size_t message_count = 0;  // samlp:StatusMessage children of Status
  Opt message;                    // its text
};

struct AttributeView {
  Opt name, name_format;
  std::vector<Opt> values;  // text of each AttributeValue; nullopt when it holds markup
};

struct AssertionView {
  Opt id, version, issue_instant;
  IssuerView issuer;
  std::size_t signature_count = 0;  // ds:Signature children of the Assertion

  std::size_t subject_count = 0;
  bool subject_empty = false;  // the (single) Subject has no element children
  std::size_t name_id_count = 0;
  Opt name_id;  // nullopt when absent or not plain text
  Opt name_id_format, name_id_qualifier;
  std::size_t subject_confirmation_count = 0;
  Opt method;  // of the first SubjectConfirmation
  std::size_t subject_confirmation_data_count = 0;
  Opt recipient, confirmation_in_response_to, confirmation_not_on_or_after, confirmation_not_before;

  std::size_t conditions_count = 0;
  bool conditions_empty = false;
  Opt not_before, not_on_or_after;
  // The Audience texts of each AudienceRestriction (an inner vector is empty when it has none).
  std::vector<std::vector<Opt>> audience_restrictions;

  std::size_t authn_statement_count = 0;
  bool authn_statement_empty = false;
  Opt session_index, authn_instant;
  std::size_t authn_context_count = 0;
  bool authn_context_empty = false;
  std::size_t class_ref_count = 0;
  Opt class_ref;  // nullopt when absent or not plain text

  std::size_t attribute_statement_count = 0;
  std::size_t empty_attribute_statements = 0;  // AttributeStatement elements without Attribute
  std::vector<AttributeView> attributes;       // of every AttributeStatement, in order
};

struct SamlResponse {
  Opt id, version, issue_instant, in_response_to, destination;
  IssuerView issuer;
  std::size_t signature_count = 0;  // ds:Signature children of the Response
  StatusView status;
  std::size_t assertion_count = 0;            // saml:Assertion children of the Response
  std::size_t encrypted_assertion_count = 0;  // saml:EncryptedAssertion children (SPID never encrypts)
  std::size_t assertion_total = 0;            // saml:Assertion elements anywhere in the document
  std::optional<AssertionView> assertion;     // read when assertion_count == 1
};

// Fails only when the root is not a samlp:Response ("saml.root").
Result<SamlResponse, xml::Error> readResponse(const xml::Document& doc);
// The view of one saml:Assertion element (checkResponse reads identity data with it from the element
// that the signature covered).
AssertionView readAssertion(const xmlNode* assertion);

// "ErrorCode nr19" (surrounding blanks tolerated) -> 19; nullopt for anything else.
std::optional<int> spidErrorCode(const Opt& status_message);

}  // namespace sportello::saml
