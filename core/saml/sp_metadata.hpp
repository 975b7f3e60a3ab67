// Metadata of a Service Provider as SPID (Avviso SPID n.29 v3) and CIE want it, built for the gateway.
//
// buildSpMetadata() writes one md:EntityDescriptor (ID, entityID) with the ds:Signature as its first child,
// one SPSSODescriptor (SAML 2.0, AuthnRequestsSigned and WantAssertionsSigned "true", the signing
// certificate, SingleLogoutService on Redirect and POST, NameIDFormat transient, the AssertionConsumerService
// list with exactly one index="0" isDefault="true", the AttributeConsumingService list), the Organization in
// Italian, and the ContactPerson that says who the SP is: contactType="other" with spid:* extensions for
// SPID, contactType="administrative" with cie:* extensions for CIE. Element order follows the metadata
// schema. What the metadata rules (metadata_rules.hpp) ask of an SP's metadata, this builder satisfies; a
// test holds it to that.
#pragma once

#include <string>
#include <vector>

#include "core/base/result.hpp"
#include "core/saml/names.hpp"
#include "core/xml/document.hpp"
#include "core/xml/signature.hpp"

namespace sportello::saml {

struct SpMetadataSpec {
  Profile profile = Profile::spid;
  std::string entity_id;
  std::vector<std::string>
      acs;          // AssertionConsumerService Locations (HTTP-POST); index = position, [0] default
  std::string slo;  // SingleLogoutService Location (Redirect and POST)
  struct AttributeService {
    int index = 0;
    std::string name;  // ServiceName (Italian)
    std::vector<std::string> attributes;
  };
  std::vector<AttributeService> attribute_services;
  std::string organization_name, organization_display_name, organization_url;
  bool public_sector = true;
  std::string ipa_code;           // public SPs
  std::string vat_number;         // private SPs (SPID VATNumber "IT..."; CIE VATNumber)
  std::string fiscal_code;        // optional
  std::string municipality_code;  // CIE: cadastral code of the SP's seat ("H501"); omitted when empty
  std::string contact_email, contact_phone;
  std::string id;  // newId() when empty
  xml::SignatureAlgorithm algorithm = xml::SignatureAlgorithm::rsa_sha256;
};

// Refusals: "md.sp_spec" (no entityID, no ACS, no attribute service), then xml::sign()'s.
Result<xml::Document, xml::SignError> buildSpMetadata(const SpMetadataSpec& spec, const xml::SigningKey& key);

}  // namespace sportello::saml
