// SAML metadata of an identity provider: a builder for the mock SPID/CIE IdPs' own metadata (what SPs
// and validators download), and a reader for the metadata of IdPs the gateway trusts.
//
// buildIdpMetadata() writes one md:EntityDescriptor (ID, entityID, validUntil when given) holding an
// IDPSSODescriptor (SAML 2.0, WantAuthnRequestsSigned="true", the signing certificate, SingleLogoutService,
// NameIDFormat transient, SingleSignOnService, one saml:Attribute per attribute the profile releases)
// and an Organization in Italian, signed with the IdP key: the ds:Signature is the EntityDescriptor's
// first child, as the metadata schema wants.
//
// readIdpMetadata() records what is there and judges nothing; it fails only when the root is not an
// md:EntityDescriptor ("saml.root"). The caller checks idp_descriptor_count and verifies the signature.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/base/result.hpp"
#include "core/saml/names.hpp"
#include "core/saml/time.hpp"
#include "core/xml/document.hpp"
#include "core/xml/signature.hpp"

namespace sportello::saml {

using MdBindingLocation = std::pair<std::string, std::string>;  // (binding URN, Location)

struct IdpMetadataSpec {
  Profile profile = Profile::spid;  // which attribute set is advertised
  std::string entity_id;
  std::vector<MdBindingLocation> sso;  // at least one
  std::vector<MdBindingLocation> slo;
  std::string organization_name, display_name, url;
  std::optional<TimePoint> valid_until;
  std::string id;  // newId() when empty
  xml::SignatureAlgorithm algorithm = xml::SignatureAlgorithm::rsa_sha256;
};

// Refusals: "md.idp_spec" (no entityID or no SingleSignOnService), then xml::sign()'s.
Result<xml::Document, xml::SignError> buildIdpMetadata(const IdpMetadataSpec& spec,
                                                       const xml::SigningKey& key);

struct IdpMetadataView {
  Opt id, entity_id, valid_until;
  std::size_t signature_count = 0;       // ds:Signature children of the EntityDescriptor
  std::size_t idp_descriptor_count = 0;  // the rest is read only when there is exactly one
  Opt protocol_support, want_authn_requests_signed;
  std::vector<xml::Certificate> signing_certificates;  // KeyDescriptor use="signing" (or no use)
  std::vector<std::string> certificate_errors;         // certificates that could not be read
  std::vector<std::string> name_id_formats;
  std::vector<MdBindingLocation> sso, slo;
  std::vector<std::string> attributes;                                 // saml:Attribute/@Name
  Opt organization_name, organization_display_name, organization_url;  // xml:lang="it" preferred

  // The first SingleSignOnService Location with that binding, or nullopt.
  Opt ssoLocation(std::string_view binding) const;
};

Result<IdpMetadataView, xml::Error> readIdpMetadata(const xml::Document& doc);

}  // namespace sportello::saml
